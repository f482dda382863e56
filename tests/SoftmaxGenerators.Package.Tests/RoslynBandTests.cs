using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace SoftmaxGenerators.Package.Tests;

/// <summary>
/// The two Roslyn bands of the package, each loaded by a host program that references exactly its Roslyn
/// (Microsoft.CodeAnalysis.CSharp 4.3.1 or 4.8.0): the host runs the band's generator and every analyzer on a
/// Unity-style project (netstandard2.1 references, C# 9, a UnityEngine.Mathf stub) and on a .NET 8 project with the
/// usual shapes of every rule, compiles and runs the generated kernels, and prints what it saw. The two bands must
/// see the same: same generated files, same diagnostics at the same places, same kernel results.
/// </summary>
[Collection(PackageCollection.Name)]
public class RoslynBandTests(PackageFixture package, ITestOutputHelper log)
{
    /// <summary>The host: args are the analyzer assembly, the folder of sources, the profile (unity | net8) and the
    /// attribute assembly. Exit code 3 when the analyzer assembly cannot be loaded in this Roslyn.</summary>
    private const string HostProgram = """
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.IO;
        using System.Linq;
        using System.Reflection;
        using Microsoft.CodeAnalysis;
        using Microsoft.CodeAnalysis.CSharp;
        using Microsoft.CodeAnalysis.Diagnostics;

        string analyzerPath = args[0], sourceFolder = args[1], profile = args[2], attributes = args[3];
        Console.WriteLine("roslyn " + typeof(Compilation).Assembly.GetName().Version);
        Type[] types;
        try
        {
            types = Assembly.LoadFrom(analyzerPath).GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            Console.WriteLine("load failed: " + e.LoaderExceptions.First(x => x is not null)!.Message);
            return 3;
        }
        catch (Exception e) when (e is FileLoadException or FileNotFoundException or BadImageFormatException)
        {
            Console.WriteLine("load failed: " + e.Message);
            return 3;
        }

        ImmutableArray<DiagnosticAnalyzer> analyzers = types
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any())
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        ISourceGenerator[] generators = types
            .Where(t => !t.IsAbstract && t.GetCustomAttributes<GeneratorAttribute>().Any())
            .Select(t => Activator.CreateInstance(t) is IIncrementalGenerator incremental ? incremental.AsSourceGenerator() : (ISourceGenerator)Activator.CreateInstance(t)!)
            .ToArray();
        Console.WriteLine("analyzers: " + string.Join(", ", analyzers.Select(a => a.GetType().Name)));
        Console.WriteLine("rules: " + string.Join(", ", analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal)));
        Console.WriteLine("generators: " + string.Join(", ", generators.Select(g => g.GetGeneratorType().Name)));

        string references = Path.Combine(AppContext.BaseDirectory, profile);
        var parse = new CSharpParseOptions(profile == "unity" ? LanguageVersion.CSharp9 : LanguageVersion.CSharp10);
        SyntaxTree[] trees = Directory.GetFiles(sourceFolder, "*.cs").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, Path.GetFileName(f)))
            .ToArray();
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Consumer",
            trees,
            Directory.GetFiles(references, "*.dll").Append(attributes).Select(f => MetadataReference.CreateFromFile(f)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(generators, parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation generated, out ImmutableArray<Diagnostic> generatorDiagnostics);
        foreach (GeneratedSourceResult source in driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            Console.WriteLine($"generated: {source.HintName} ({source.SourceText.Lines.Count} lines)");
        }

        foreach (Diagnostic diagnostic in generatorDiagnostics)
        {
            Console.WriteLine("generator diagnostic: " + diagnostic);
        }

        Diagnostic[] errors = generated.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Console.WriteLine("compile errors: " + errors.Length);
        foreach (Diagnostic error in errors.Take(10))
        {
            Console.WriteLine("  " + error);
        }

        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, diagnostic) => Console.WriteLine($"analyzer exception: {analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = generated.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync().Result;
        foreach (string line in diagnostics
            .Select(d => $"diagnostic: {d.Id} {Path.GetFileName(d.Location.GetLineSpan().Path)}{d.Location.GetLineSpan().StartLinePosition}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .OrderBy(l => l, StringComparer.Ordinal))
        {
            Console.WriteLine(line);
        }

        if (errors.Length == 0)
        {
            using var image = new MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult emitted = generated.Emit(image);
            Console.WriteLine("emit: " + emitted.Success);
            Assembly consumer = Assembly.Load(image.ToArray());
            Console.WriteLine("check: " + consumer.GetType("Check")!.GetMethod("Run")!.Invoke(null, null));
        }

        return 0;
        """;

    private const string HostProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <OutputType>Exe</OutputType>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            <LangVersion>latest</LangVersion>
            <NoWarn>$(NoWarn);NU1603;NU1608</NoWarn>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.CodeAnalysis.CSharp" Version="[ROSLYN]" />
            <PackageDownload Include="NETStandard.Library.Ref" Version="[2.1.0]" />
            <PackageDownload Include="Microsoft.NETCore.App.Ref" Version="[8.0.0]" />
          </ItemGroup>
          <Target Name="CopyReferenceAssemblies" AfterTargets="Build">
            <ItemGroup>
              <UnityReference Include="$(NuGetPackageRoot)netstandard.library.ref/2.1.0/ref/netstandard2.1/*.dll" />
              <Net8Reference Include="$(NuGetPackageRoot)microsoft.netcore.app.ref/8.0.0/ref/net8.0/*.dll" />
            </ItemGroup>
            <Copy SourceFiles="@(UnityReference)" DestinationFolder="$(OutDir)unity" />
            <Copy SourceFiles="@(Net8Reference)" DestinationFolder="$(OutDir)net8" />
          </Target>
        </Project>
        """;

    /// <summary>The usual shapes of every rule, for a .NET 8 project (TensorPrimitives is a stub of its signature).</summary>
    private const string Shapes = """
        using System;
        using System.Linq;
        using SoftmaxGenerators;

        namespace System.Numerics.Tensors
        {
            public static class TensorPrimitives
            {
                public static void SoftMax(ReadOnlySpan<float> x, Span<float> destination) { }
            }
        }

        public static partial class Shapes
        {
            public static float[] LinqSoftmax(float[] x)
            {
                float total = x.Sum(MathF.Exp);
                return x.Select(v => MathF.Exp(v) / total).ToArray();
            }

            public static double LogSumExp(double[] x) => Math.Log(x.Sum(Math.Exp));

            public static double CrossEntropy(double[] logits, int label)
            {
                double sum = 0;
                foreach (double z in logits)
                {
                    sum += Math.Exp(z);
                }

                double p = Math.Exp(logits[label]) / sum;
                return -Math.Log(p);
            }

            public static double Sigmoid(double z) => Math.Exp(z) / (1 + Math.Exp(z));

            public static void Library(float[] logits, float[] output) => System.Numerics.Tensors.TensorPrimitives.SoftMax(logits, output);

            public static void Fixed()
            {
                var x = new float[10];
                var y = new float[10];
                System.Numerics.Tensors.TensorPrimitives.SoftMax(x, y);
            }
        }

        [Softmax(16)]
        [Softmax(1000, MethodName = "Vocabulary", Precision = SoftmaxPrecision.Accurate)]
        public static partial class Heads { }

        [Softmax(8)]
        public static class NotPartial { }

        [Softmax(0)]
        public static partial class Empty { }

        public static class Check
        {
            public static string Run()
            {
                var output = new float[16];
                var input = new float[16];
                input[0] = 100f;
                input[1] = 99f;
                Heads.Softmax(input, output);
                var vocabulary = new double[1000];
                var logits = new double[1000];
                logits[7] = 800;
                Heads.Vocabulary(logits, vocabulary);
                return output[0].ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture) + " "
                    + output[1].ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture) + " "
                    + vocabulary[7].ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture) + " "
                    + Shapes.LinqSoftmax(new float[] { 100f, 99f, 0f })[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        """;

    private const string UnityCheck = """
        public static class Check
        {
            public static string Run() =>
                string.Join(" ", System.Array.ConvertAll(Game.Agent.Generated(new[] { 400f, 399f, 10f, -50f }), v => v.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture)))
                + " / naive " + Game.Agent.Boltzmann(new[] { 400f, 399f, 10f, -50f }, 1f)[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        """;

    [Fact]
    public void The_4_3_band_runs_in_a_Roslyn_4_3_host_and_sees_what_the_4_8_band_sees()
    {
        package.PackOutput.AssertSuccess();
        string unpacked = Unpack();
        string band43 = Path.Combine(unpacked, "analyzers", "dotnet", "roslyn4.3", "cs", "SoftmaxGenerators.dll");
        string band48 = Path.Combine(unpacked, "analyzers", "dotnet", "roslyn4.8", "cs", "SoftmaxGenerators.dll");
        string attributes = Path.Combine(unpacked, "lib", "netstandard2.0", "SoftmaxGenerators.Attributes.dll");
        string host43 = BuildHost("4.3.1");
        string host48 = BuildHost("4.8.0");

        string unity = Sources("unity", new Dictionary<string, string> { ["Agent.cs"] = UnityProfileTests.Library, ["Check.cs"] = UnityCheck });
        string net8 = Sources("net8", new Dictionary<string, string> { ["Shapes.cs"] = Shapes, ["Naive.cs"] = PackageTests.NaiveCode.Replace("public static class Program", "public static class NaiveProgram") });

        foreach ((string profile, string sources) in new[] { ("unity", unity), ("net8", net8) })
        {
            string old = Run(host43, band43, sources, profile, attributes).AssertSuccess().Output;
            string current = Run(host48, band48, sources, profile, attributes).AssertSuccess().Output;
            log.WriteLine($"--- {profile}, 4.3 band in the Roslyn 4.3.1 host:\n{old}");
            Assert.Contains("roslyn 4.3.0.0", old);
            Assert.Contains("roslyn 4.8.0.0", current);
            Assert.Contains("compile errors: 0", old);
            Assert.DoesNotContain("analyzer exception", old);
            Assert.Contains("emit: True", old);
            Assert.Equal(WithoutVersion(current), WithoutVersion(old));

            if (profile == "unity")
            {
                Assert.Contains("diagnostic: SMX0001 Agent.cs", old);
                Assert.Contains("check: 0.731059 0.268941 0.000000 0.000000 / naive NaN", old);
            }
            else
            {
                foreach (string rule in new[] { "SMX0001", "SMX0002", "SMX0003", "SMX0004", "SMX0005", "SMX0006" })
                {
                    Assert.Contains("diagnostic: " + rule + " ", old);
                }

                Assert.Contains("generated: Heads.Softmax.g.cs", old);
                Assert.Contains("diagnostic: SMX1001 ", old); // not partial
                Assert.Contains("diagnostic: SMX1002 ", old); // length 0
                Assert.Contains("check: 0.731059 0.268941 1.000000 NaN", old);
            }
        }

        // The 4.8 build cannot load where only Roslyn 4.3 is: that is why the band exists.
        Dotnet.Result mismatch = Run(host43, band48, net8, "net8", attributes);
        Assert.Equal(3, mismatch.ExitCode);
        Assert.Contains("Microsoft.CodeAnalysis, Version=4.8.0.0", mismatch.Output);
    }

    private static string WithoutVersion(string output) =>
        string.Join("\n", output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !l.StartsWith("roslyn ", System.StringComparison.Ordinal)));

    private string Unpack()
    {
        string directory = Path.Combine(package.Root, "unpacked-bands");
        if (!Directory.Exists(directory))
        {
            ZipFile.ExtractToDirectory(package.PackagePath, directory);
        }

        return directory;
    }

    private string BuildHost(string roslyn)
    {
        string directory = Path.Combine(package.Root, "RoslynHost" + roslyn.Replace(".", string.Empty));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "RoslynHost.csproj"), HostProject.Replace("ROSLYN", roslyn));
        File.WriteAllText(Path.Combine(directory, "Program.cs"), HostProgram);
        Dotnet.Run(directory, "build", "-c", "Release", "-o", Path.Combine(directory, "out")).AssertSuccess();
        return Path.Combine(directory, "out", "RoslynHost.dll");
    }

    private string Sources(string name, IReadOnlyDictionary<string, string> files)
    {
        string directory = Path.Combine(package.Root, "band-sources-" + name);
        Directory.CreateDirectory(directory);
        foreach ((string file, string text) in files)
        {
            File.WriteAllText(Path.Combine(directory, file), text);
        }

        return directory;
    }

    private static Dotnet.Result Run(string host, string analyzer, string sources, string profile, string attributes) =>
        Dotnet.Run(Path.GetDirectoryName(host)!, host, analyzer, sources, profile, attributes);
}
