using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Xunit;

namespace SoftmaxGenerators.Package.Tests;

/// <summary>The package as a consumer gets it: layout, dependencies, and real builds of throwaway projects.</summary>
[Collection(PackageCollection.Name)]
public class PackageTests(PackageFixture package)
{
    private const string Consumer = """
        using System;
        using System.Globalization;
        using SoftmaxGenerators;

        var output = new float[3];
        Tutorial.Softmax(new float[] { 20, 300, 5000 }, output);
        Console.WriteLine("stable " + string.Join(" ", Array.ConvertAll(output, v => v.ToString("R", CultureInfo.InvariantCulture))));
        var digits = new double[10];
        Head.Digits(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, digits);
        double sum = 0;
        foreach (double p in digits)
        {
            sum += p;
        }

        Console.WriteLine("sum " + Math.Round(sum, 12).ToString(CultureInfo.InvariantCulture));

        [Softmax(3)]
        internal static partial class Tutorial { }

        [Softmax(10, MethodName = "Digits")]
        public partial class Head { }
        """;

    [Fact]
    public void Pack_succeeds()
    {
        package.PackOutput.AssertSuccess();
        Assert.True(File.Exists(package.PackagePath), package.PackOutput.Output);
    }

    [Fact]
    public void Package_has_the_documented_layout()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        string[] analyzers = entries.Where(e => e.StartsWith("analyzers/")).OrderBy(e => e, System.StringComparer.Ordinal).ToArray();
        Assert.Equal(
            new[]
            {
                "analyzers/dotnet/roslyn4.3/cs/SoftmaxGenerators.dll",
                "analyzers/dotnet/roslyn4.8/cs/SoftmaxGenerators.CodeFixes.dll",
                "analyzers/dotnet/roslyn4.8/cs/SoftmaxGenerators.dll",
            },
            analyzers);
        Assert.Contains("lib/netstandard2.0/SoftmaxGenerators.Attributes.dll", entries);
        Assert.Contains("buildTransitive/SoftmaxGenerators.targets", entries);
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.CodeAnalysis"));
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/") && e.EndsWith("SoftmaxGenerators.dll"));

        XDocument nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
        string[] dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToArray();
        Assert.Equal(new[] { "System.Memory" }, dependencies);
    }

    [Theory]
    [InlineData("analyzers/dotnet/roslyn4.3/cs/SoftmaxGenerators.dll", 4, 3)]
    [InlineData("analyzers/dotnet/roslyn4.8/cs/SoftmaxGenerators.dll", 4, 8)]
    [InlineData("analyzers/dotnet/roslyn4.8/cs/SoftmaxGenerators.CodeFixes.dll", 4, 8)]
    public void Analyzer_assemblies_target_netstandard_and_no_Roslyn_newer_than_their_band(string entry, int major, int minor)
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        using var memory = new MemoryStream();
        zip.GetEntry(entry)!.Open().CopyTo(memory);
        memory.Position = 0;
        using var pe = new PEReader(memory);
        MetadataReader metadata = pe.GetMetadataReader();
        var references = metadata.AssemblyReferences.Select(h => metadata.GetAssemblyReference(h))
            .ToDictionary(r => metadata.GetString(r.Name), r => r.Version);

        Assert.Contains("netstandard", references.Keys);
        var band = new System.Version(major, minor, 0, 0);
        foreach (KeyValuePair<string, System.Version> reference in references.Where(r => r.Key.StartsWith("Microsoft.CodeAnalysis", System.StringComparison.Ordinal)))
        {
            Assert.True(reference.Value <= band, $"{entry} references {reference.Key} {reference.Value}, newer than its band {band}");
        }

        // The band is the Roslyn it was built against, not only a ceiling: a 4.3 build against 4.0 would be misfiled too.
        Assert.Equal(band, references["Microsoft.CodeAnalysis"]);
        Assert.Equal(band, references["Microsoft.CodeAnalysis.CSharp"]);
        if (entry.EndsWith("SoftmaxGenerators.dll"))
        {
            Assert.DoesNotContain(references.Keys, k => k.Contains("Workspaces"));
        }
    }

    [Fact]
    public void Net10_consumer_restores_builds_and_runs()
    {
        string directory = package.CreateConsumer("Net10App", "net10.0", "Exe", new Dictionary<string, string> { ["Program.cs"] = Consumer });
        Dotnet.Run(directory, "build", "-c", "Release").AssertSuccess();
        string output = Dotnet.Run(directory, "run", "-c", "Release", "--no-build").AssertSuccess().Output;
        Assert.Contains("stable 0 0 1", output);
        Assert.Contains("sum 1", output);

        string generated = Path.Combine(directory, "obj", "Release", "net10.0", "generated", "SoftmaxGenerators", "SoftmaxGenerators.Generator.SoftmaxGenerator");
        Assert.True(File.Exists(Path.Combine(generated, "Tutorial.Softmax.g.cs")), "generated files are emitted with EmitCompilerGeneratedFiles");
        Assert.True(File.Exists(Path.Combine(generated, "Head.Softmax.g.cs")));
    }

    [Theory]
    [InlineData("netstandard2.0")]
    [InlineData("net8.0")]
    public void Library_consumers_build_without_warnings(string targetFramework)
    {
        string directory = package.CreateConsumer("Lib" + targetFramework.Replace(".", string.Empty), targetFramework, "Library", new Dictionary<string, string>
        {
            ["Heads.cs"] = """
                using SoftmaxGenerators;

                namespace Library
                {
                    /// <summary>Heads.</summary>
                    [Softmax(10)]
                    [Softmax(1000, MethodName = "Vocabulary")]
                    public static partial class Heads
                    {
                        /// <summary>Calls the generated kernel.</summary>
                        public static float[] Run(float[] logits)
                        {
                            var output = new float[logits.Length];
                            Softmax(logits, output);
                            return output;
                        }
                    }
                }
                """,
        }, "<GenerateDocumentationFile>true</GenerateDocumentationFile>");
        Dotnet.Run(directory, "build", "-c", "Release").AssertSuccess();
        string generated = File.ReadAllText(Path.Combine(directory, "obj", "Release", targetFramework, "generated", "SoftmaxGenerators", "SoftmaxGenerators.Generator.SoftmaxGenerator", "Library.Heads.Softmax.g.cs"));
        Assert.Equal(targetFramework == "net8.0", generated.Contains("Vector256"));
    }

    [Fact]
    public void DisableSoftmaxGenerators_removes_the_generator()
    {
        string directory = package.CreateConsumer("Disabled", "net10.0", "Exe", new Dictionary<string, string> { ["Program.cs"] = Consumer });
        Dotnet.Result result = Dotnet.Run(directory, "build", "-c", "Release", "-p:DisableSoftmaxGenerators=true");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("CS0117", result.Output); // 'Tutorial' does not contain a definition for 'Softmax'
    }

    [Fact]
    public void Compilers_older_than_Roslyn_4_3_get_a_clear_error()
    {
        string directory = package.CreateConsumer("OldCompiler", "net10.0", "Exe", new Dictionary<string, string> { ["Program.cs"] = Consumer });
        Dotnet.Result result = Dotnet.Run(directory, "build", "-c", "Release", "-p:CompilerApiVersion=roslyn4.2");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("SMX9001", result.Output);
        Assert.Contains("Roslyn 4.3", result.Output);
    }

    /// <summary>
    /// A compiler of the 4.3-4.7 range (as the SDK knows it: CompilerApiVersion) gets the roslyn4.3 band: the SDK passes
    /// that assembly alone to the compiler (no code fixes: they need Workspaces 4.8), the generator's kernels run and the
    /// analyzers report; the SDK's own compiler gets the two assemblies of the roslyn4.8 band.
    /// </summary>
    [Fact]
    public void Compilers_of_Roslyn_4_3_to_4_7_get_the_4_3_band()
    {
        const string ShowAnalyzers = """
            </PropertyGroup>
            <Target Name="ShowAnalyzers" BeforeTargets="CoreCompile">
              <Message Importance="high" Text="analyzer reference: %(Analyzer.Identity)" />
            </Target>
            <PropertyGroup>
            """;
        string directory = package.CreateConsumer("Band43", "net10.0", "Exe", new Dictionary<string, string>
        {
            ["Program.cs"] = Consumer,
            ["Naive.cs"] = NaiveCode.Replace("public static class Program", "public static class NaiveProgram").Replace("public static void Main()", "public static void NotMain()"),
        }, "<TreatWarningsAsErrors>false</TreatWarningsAsErrors>" + ShowAnalyzers);

        string old = Dotnet.Run(directory, "build", "-c", "Release", "-p:CompilerApiVersion=roslyn4.7").AssertSuccess().Output;
        Assert.Equal(new[] { "roslyn4.3/cs/SoftmaxGenerators.dll" }, OurAnalyzerReferences(old));
        Assert.Contains("warning SMX0001", old);
        Assert.Contains("warning SMX0002", old);
        Assert.Contains("stable 0 0 1", Dotnet.Run(directory, "run", "-c", "Release", "--no-build").AssertSuccess().Output);

        string current = Dotnet.Run(directory, "build", "-c", "Release", "--no-incremental").AssertSuccess().Output;
        Assert.Equal(new[] { "roslyn4.8/cs/SoftmaxGenerators.CodeFixes.dll", "roslyn4.8/cs/SoftmaxGenerators.dll" }, OurAnalyzerReferences(current));
    }

    /// <summary>The package's analyzer assemblies the build passed to the compiler, as band/cs/file.</summary>
    private static string[] OurAnalyzerReferences(string buildOutput) =>
        buildOutput.Split('\n')
            .Select(line => line.Replace('\\', '/'))
            .Where(line => line.Contains("analyzer reference:") && line.Contains("/softmaxgenerators/", System.StringComparison.OrdinalIgnoreCase))
            .Select(line => line.Trim())
            .Select(line => line.Substring(line.IndexOf("/analyzers/dotnet/", System.StringComparison.Ordinal) + "/analyzers/dotnet/".Length))
            .Distinct()
            .OrderBy(line => line, System.StringComparer.Ordinal)
            .ToArray();

    internal const string NaiveCode = """
        using System;
        using System.Globalization;
        using System.Linq;

        public static class Program
        {
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

            public static float[] SoftmaxLinq(float[] x)
            {
                float total = x.Sum(MathF.Exp);
                return x.Select(v => MathF.Exp(v) / total).ToArray();
            }

            public static double LogSumExp(double[] x) => Math.Log(x.Sum(Math.Exp));

            public static void Main()
            {
                double[] p = Softmax(new double[] { 800, 799, 790, 805 });
                float[] q = SoftmaxLinq(new float[] { 20, 300, 5000 });
                double l = LogSumExp(new double[] { 800, 799 });
                bool finite = p.All(double.IsFinite) && q.All(float.IsFinite) && double.IsFinite(l);
                Console.WriteLine("finite " + finite.ToString(CultureInfo.InvariantCulture) + " " + p[3].ToString("0.000000", CultureInfo.InvariantCulture));
            }
        }
        """;

    [Fact]
    public void Dotnet_format_applies_the_fixes_from_the_package()
    {
        string directory = package.CreateConsumer("Naive", "net10.0", "Exe", new Dictionary<string, string> { ["Program.cs"] = NaiveCode }, "<TreatWarningsAsErrors>false</TreatWarningsAsErrors>");
        string before = Dotnet.Run(directory, "build", "-c", "Release").AssertSuccess().Output;
        Assert.Contains("warning SMX0001", before);
        Assert.Contains("warning SMX0002", before);
        Assert.Contains("finite False", Dotnet.Run(directory, "run", "-c", "Release", "--no-build").AssertSuccess().Output);

        Dotnet.Run(directory, "format", "analyzers", "--diagnostics", "SMX0001", "SMX0002", "--severity", "warn").AssertSuccess();

        string after = Dotnet.Run(directory, "build", "-c", "Release", "--no-incremental").AssertSuccess().Output;
        Assert.DoesNotContain("warning SMX000", after);
        string output = Dotnet.Run(directory, "run", "-c", "Release", "--no-build").AssertSuccess().Output;
        Assert.Contains("finite True", output);
        Assert.Contains("0.990867", output); // softmax([800, 799, 790, 805])[3] = 1 / (1 + e^-5 + e^-6 + e^-15)
    }
}
