using System.Collections.Generic;
using System.IO;
using Xunit;

namespace SoftmaxGenerators.Package.Tests;

/// <summary>
/// The whole loop a user goes through, per target framework: restore from the feed, build and see the warnings,
/// `dotnet format analyzers`, rebuild clean under -warnaserror, run; generated kernels emitted to disk.
/// </summary>
[Collection(PackageCollection.Name)]
public class EndToEndTests(PackageFixture package)
{
    // Plain C# 7.3-compatible code (netstandard2.0 has no MathF, no double.IsFinite).
    private const string Code = """
        using System;
        using System.Globalization;
        using System.Linq;
        using SoftmaxGenerators;

        namespace Consumer
        {
            /// <summary>Naive numerics and one generated kernel.</summary>
            [Softmax(4)]
            public static partial class Model
            {
                /// <summary>Naive softmax.</summary>
                public static double[] Softmax(double[] logits)
                {
                    double sum = 0;
                    for (int i = 0; i < logits.Length; i++)
                    {
                        sum += Math.Exp(logits[i]);
                    }

                    var result = new double[logits.Length];
                    for (int i = 0; i < logits.Length; i++)
                    {
                        result[i] = Math.Exp(logits[i]) / sum;
                    }

                    return result;
                }

                /// <summary>Naive log-sum-exp.</summary>
                public static double LogSumExp(double[] x) => Math.Log(x.Sum(Math.Exp));

                /// <summary>Naive cross-entropy.</summary>
                public static double CrossEntropy(double[] logits, int label) => -Math.Log(Softmax(logits)[label]);

                /// <summary>Runs everything on large logits.</summary>
                public static string Report()
                {
                    double[] logits = { 800, 799, 790, 805 };
                    double[] p = Softmax(logits);
                    var kernel = new double[4];
                    Softmax4(logits, kernel);
                    double l = LogSumExp(logits);
                    double c = CrossEntropy(logits, 3);
                    bool finite = p.Concat(kernel).Concat(new[] { l, c }).All(v => !double.IsNaN(v) && !double.IsInfinity(v));
                    return "finite " + finite + " p3 " + p[3].ToString("0.000000", CultureInfo.InvariantCulture)
                        + " kernel3 " + kernel[3].ToString("0.000000", CultureInfo.InvariantCulture);
                }
            }

            /// <summary>Entry point (a plain method in the library build).</summary>
            public static class Program
            {
                /// <summary>Prints the report.</summary>
                public static void Main() => Console.WriteLine(Model.Report());
            }
        }
        """;

    [Theory]
    [InlineData("net10.0", "Exe")]
    [InlineData("net8.0", "Exe")]
    [InlineData("netstandard2.0", "Library")]
    public void Restore_build_warn_format_rebuild_run(string targetFramework, string outputType)
    {
        // The generated method is Softmax4: the user's own Softmax(double[]) keeps the default name free of clashes.
        string code = Code.Replace("[Softmax(4)]", "[Softmax(4, MethodName = \"Softmax4\")]");
        string directory = package.CreateConsumer("E2E" + targetFramework.Replace(".", string.Empty), targetFramework, outputType,
            new Dictionary<string, string> { ["Model.cs"] = code },
            "<TreatWarningsAsErrors>false</TreatWarningsAsErrors><GenerateDocumentationFile>true</GenerateDocumentationFile>");

        string before = Dotnet.Run(directory, "build", "-c", "Release").AssertSuccess().Output;
        Assert.Contains("warning SMX0001", before);
        Assert.Contains("warning SMX0002", before);
        Assert.Contains("warning SMX0003", before);

        string generated = Path.Combine(directory, "obj", "Release", targetFramework, "generated", "SoftmaxGenerators",
            "SoftmaxGenerators.Generator.SoftmaxGenerator", "Consumer.Model.Softmax.g.cs");
        Assert.True(File.Exists(generated), "EmitCompilerGeneratedFiles writes the generated kernel: " + generated);
        Assert.Equal(targetFramework != "netstandard2.0", File.ReadAllText(generated).Contains("Vector128"));

        Dotnet.Run(directory, "format", "analyzers", "--diagnostics", "SMX0001", "SMX0002", "SMX0003").AssertSuccess();

        string after = Dotnet.Run(directory, "build", "-c", "Release", "--no-incremental", "-warnaserror").AssertSuccess().Output;
        Assert.DoesNotContain("SMX0", after);

        if (outputType == "Exe")
        {
            // Only the .NET 10 runtime is installed: a net8.0 app runs on it by rolling forward, as it would in a container.
            var environment = new Dictionary<string, string> { ["DOTNET_ROLL_FORWARD"] = "Major" };
            string output = Dotnet.Run(directory, environment, "run", "-c", "Release", "--no-build").AssertSuccess().Output;
            Assert.Contains("finite True p3 0.990867 kernel3 0.990867", output);
        }
    }
}
