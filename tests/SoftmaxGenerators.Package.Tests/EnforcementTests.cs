using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace SoftmaxGenerators.Package.Tests;

/// <summary>
/// Build-time enforcement with real <c>dotnet build</c> runs: SoftmaxGeneratorsAnalysisLevel, -warnaserror,
/// .editorconfig recipes and DisableSoftmaxGenerators, on a project whose only sin is naive numerics code.
/// </summary>
[Collection(PackageCollection.Name)]
public class EnforcementTests(PackageFixture package)
{
    private const string Naive = """
        using System;
        using System.Linq;

        public static class Numerics
        {
            public static double[] Softmax(double[] x)
            {
                double sum = 0;
                foreach (double v in x)
                {
                    sum += Math.Exp(v);
                }

                return x.Select(v => Math.Exp(v) / sum).ToArray();
            }

            public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
        }
        """;

    private static readonly Dictionary<string, string> Sources = new() { ["Numerics.cs"] = Naive };

    private string Consumer(string name, string extraProperties = "") =>
        package.CreateConsumer(name, "net10.0", "Library", Sources, "<TreatWarningsAsErrors>false</TreatWarningsAsErrors>" + extraProperties);

    [Theory]
    [InlineData("default", true, "warning")]
    [InlineData("", true, "warning")]
    [InlineData("Strict", false, "error")]
    [InlineData("strict", false, "error")]
    [InlineData("none", true, null)]
    public void Analysis_level_sets_the_severity_of_the_numerics_rules(string level, bool succeeds, string? severity)
    {
        string directory = Consumer("Level" + (level.Length == 0 ? "Unset" : level));
        Dotnet.Result result = Dotnet.Run(directory, "build", "-c", "Release", "-p:SoftmaxGeneratorsAnalysisLevel=" + level);

        Assert.True(succeeds == (result.ExitCode == 0), result.Output);
        if (severity is null)
        {
            Assert.DoesNotContain("SMX0", result.Output);
        }
        else
        {
            Assert.Contains(severity + " SMX0001", result.Output);
            Assert.Contains(severity + " SMX0002", result.Output);
        }
    }

    [Fact]
    public void Analysis_level_in_the_project_file_and_a_changed_level_recompiles()
    {
        string directory = Consumer("LevelInProject", "<SoftmaxGeneratorsAnalysisLevel>strict</SoftmaxGeneratorsAnalysisLevel>");
        Dotnet.Result strict = Dotnet.Run(directory, "build", "-c", "Release");
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("error SMX0001", strict.Output);

        // Same sources, level overridden on the command line: an incremental build must report again, now as warnings.
        Dotnet.Result relaxed = Dotnet.Run(directory, "build", "-c", "Release", "-p:SoftmaxGeneratorsAnalysisLevel=default").AssertSuccess();
        Assert.Contains("warning SMX0001", relaxed.Output);
    }

    [Fact]
    public void Warnaserror_fails_the_build_and_level_none_silences_it()
    {
        string directory = Consumer("WarnAsError");
        Dotnet.Result failed = Dotnet.Run(directory, "build", "-c", "Release", "-warnaserror");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("error SMX0001", failed.Output);

        Dotnet.Result silent = Dotnet.Run(directory, "build", "-c", "Release", "-warnaserror", "-p:SoftmaxGeneratorsAnalysisLevel=none").AssertSuccess();
        Assert.DoesNotContain("SMX0", silent.Output);
    }

    [Fact]
    public void DisableSoftmaxGenerators_is_silent()
    {
        string directory = Consumer("DisabledNaive");
        Dotnet.Result result = Dotnet.Run(directory, "build", "-c", "Release", "-warnaserror", "-p:DisableSoftmaxGenerators=true").AssertSuccess();
        Assert.DoesNotContain("SMX", result.Output);
    }

    [Fact]
    public void Unknown_level_is_a_clear_error()
    {
        string directory = Consumer("LevelTypo");
        Dotnet.Result result = Dotnet.Run(directory, "build", "-c", "Release", "-p:SoftmaxGeneratorsAnalysisLevel=pedantic");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("SMX9002", result.Output);
        Assert.Contains("'pedantic'", result.Output);
    }

    [Fact]
    public void Editorconfig_recipes_raise_one_rule_and_override_the_level()
    {
        string directory = Consumer("EditorConfig");
        File.WriteAllText(Path.Combine(directory, ".editorconfig"), """
            root = true

            [*.cs]
            # One rule as an error, whatever the level.
            dotnet_diagnostic.SMX0002.severity = error
            # One rule off even under strict.
            dotnet_diagnostic.SMX0001.severity = none
            """);

        Dotnet.Result result = Dotnet.Run(directory, "build", "-c", "Release", "-p:SoftmaxGeneratorsAnalysisLevel=strict");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error SMX0002", result.Output);
        Assert.DoesNotContain("SMX0001", result.Output);
    }

    [Fact]
    public void Package_ships_the_level_configurations()
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package.PackagePath);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("buildTransitive/SoftmaxGenerators.strict.globalconfig", entries);
        Assert.Contains("buildTransitive/SoftmaxGenerators.none.globalconfig", entries);
    }
}
