using System.Collections.Generic;
using System.IO;
using Xunit;

namespace SoftmaxGenerators.Package.Tests;

/// <summary>
/// Unity's profile: a .NET Standard 2.1 library compiled as C# 9 (what Unity 2022.3 and Unity 6 give scripts), with the
/// Unity math API it uses (a stub of <c>UnityEngine.Mathf</c>, as the assemblies Unity references would provide). The
/// analyzers flag Unity's naive Boltzmann selection and the generated kernels compile there on the scalar path
/// (netstandard2.1 has no cross-platform vector API), and they compute the softmax when a host runs the library.
/// </summary>
[Collection(PackageCollection.Name)]
public class UnityProfileTests(PackageFixture package)
{
    internal const string Library = """
        using SoftmaxGenerators;

        namespace UnityEngine
        {
            public static class Mathf
            {
                public static float Exp(float power) => (float)System.Math.Exp(power);
            }
        }

        namespace Game
        {
            /// <summary>Action selection for a game agent.</summary>
            [Softmax(4, MethodName = "Policy")]
            public static partial class Agent
            {
                /// <summary>Boltzmann selection as Unity scripts write it: no maximum subtracted.</summary>
                public static float[] Boltzmann(float[] utilities, float temperature)
                {
                    var p = new float[utilities.Length];
                    float sum = 0f;
                    for (int i = 0; i < utilities.Length; i++)
                    {
                        p[i] = UnityEngine.Mathf.Exp(utilities[i] / temperature);
                        sum += p[i];
                    }

                    for (int i = 0; i < p.Length; i++)
                    {
                        p[i] /= sum;
                    }

                    return p;
                }

                /// <summary>The same with the generated kernel.</summary>
                public static float[] Generated(float[] utilities)
                {
                    var p = new float[4];
                    Policy(utilities, p);
                    return p;
                }
            }
        }
        """;

    private const string Host = """
        using System;
        using System.Globalization;

        float[] utilities = { 400f, 399f, 10f, -50f };
        float[] naive = Game.Agent.Boltzmann(utilities, 1f);
        float[] generated = Game.Agent.Generated(utilities);
        Console.WriteLine("naive " + string.Join(" ", Array.ConvertAll(naive, v => v.ToString("0.000000", CultureInfo.InvariantCulture))));
        Console.WriteLine("generated " + string.Join(" ", Array.ConvertAll(generated, v => v.ToString("0.000000", CultureInfo.InvariantCulture))));
        """;

    [Fact]
    public void A_netstandard21_csharp9_library_is_analyzed_and_its_scalar_kernels_run()
    {
        string library = package.CreateConsumer("UnityGame", "netstandard2.1", "Library", new Dictionary<string, string> { ["Agent.cs"] = Library },
            "<LangVersion>9.0</LangVersion><TreatWarningsAsErrors>false</TreatWarningsAsErrors>");
        string build = Dotnet.Run(library, "build", "-c", "Release").AssertSuccess().Output;
        Assert.Contains("warning SMX0001", build);
        Assert.DoesNotContain("error", build);

        string folder = Path.Combine(library, "obj", "Release", "netstandard2.1", "generated", "SoftmaxGenerators",
            "SoftmaxGenerators.Generator.SoftmaxGenerator");
        string[] kernels = Directory.Exists(folder) ? Directory.GetFiles(folder, "Game.Agent*.g.cs") : [];
        Assert.True(kernels.Length > 0, "EmitCompilerGeneratedFiles writes the generated kernel under " + folder);
        foreach (string kernel in kernels)
        {
            Assert.DoesNotContain("Vector128", File.ReadAllText(kernel));
            Assert.Contains("the kernel is scalar code, as on .NET Standard, .NET Framework and Unity", File.ReadAllText(kernel));
        }

        string host = package.CreateConsumer("UnityHost", "net10.0", "Exe", new Dictionary<string, string> { ["Program.cs"] = Host });
        string project = Path.Combine(host, "UnityHost.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace(
            "</Project>",
            "  <ItemGroup><ProjectReference Include=\"../UnityGame/UnityGame.csproj\" /></ItemGroup>\n</Project>"));
        string output = Dotnet.Run(host, "run", "-c", "Release").AssertSuccess().Output;

        // exp(400) overflows float: the naive selection is NaN where the generated kernel gives e / (1 + e) = 0.731059.
        Assert.Contains("naive NaN NaN 0.000000 0.000000", output);
        Assert.Contains("generated 0.731059 0.268941 0.000000 0.000000", output);
    }
}
