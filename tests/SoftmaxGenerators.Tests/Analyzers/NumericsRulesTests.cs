using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Diagnostics;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

public class NumericsRulesTests
{
    [Theory]
    [InlineData("SMX0001")]
    [InlineData("SMX0002")]
    [InlineData("SMX0003")]
    [InlineData("SMX0004")]
    [InlineData("SMX0006")]
    public void Every_rule_has_a_docs_page_and_help_link(string id)
    {
        DiagnosticDescriptor descriptor = typeof(NumericsDescriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null))
            .OfType<DiagnosticDescriptor>()
            .Single(d => d.Id == id);
        Assert.Equal(HelpLinks.For(id), descriptor.HelpLinkUri);
        Assert.Equal("Numerics", descriptor.Category);
        Assert.Equal(DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
        Assert.DoesNotContain(WellKnownDiagnosticTags.NotConfigurable, descriptor.CustomTags);
        Assert.True(File.Exists(Path.Combine(TestReferences.RepositoryRoot, "docs", "rules", id + ".md")), $"docs/rules/{id}.md is missing");
        Assert.Contains(descriptor, new DiagnosticAnalyzer[] { new NaiveSoftmaxAnalyzer(), new NaiveLogSumExpAnalyzer(), new LogOfSoftmaxAnalyzer(), new TensorPrimitivesSoftMaxAnalyzer(), new NaiveLogisticAnalyzer() }
            .SelectMany(a => a.SupportedDiagnostics));
    }

    [Fact]
    public void Rules_are_listed_in_the_unshipped_release_file()
    {
        string releases = File.ReadAllText(Path.Combine(TestReferences.RepositoryRoot, "src", "SoftmaxGenerators", "AnalyzerReleases.Unshipped.md"));
        foreach (string id in new[] { "SMX0001", "SMX0002", "SMX0003", "SMX0004", "SMX0006" })
        {
            Assert.Contains(id + " | Numerics | Warning |", releases);
        }
    }

    [Theory]
    [InlineData("error", DiagnosticSeverity.Error)]
    [InlineData("suggestion", DiagnosticSeverity.Info)]
    [InlineData("warning", DiagnosticSeverity.Warning)]
    public async Task Severity_is_configurable_in_editorconfig(string configured, DiagnosticSeverity expected)
    {
        var diagnostics = await FixRunner.DiagnosticsWithEditorConfigAsync(
            Sources.Class("static void F(float[] x) => TensorPrimitives.SoftMax(x, x);"),
            "root = true\n\n[*.cs]\ndotnet_diagnostic.SMX0004.severity = " + configured + "\n",
            new TensorPrimitivesSoftMaxAnalyzer());
        Assert.Equal(expected, Assert.Single(diagnostics).Severity);
    }

    [Fact]
    public async Task Rule_can_be_turned_off_in_editorconfig()
    {
        var test = new AnalyzerVerifier<NaiveSoftmaxAnalyzer>.Test
        {
            TestCode = Sources.Class("static double[] F(double[] x) { double s = x.Sum(Math.Exp); return x.Select(v => Math.Exp(v) / s).ToArray(); }"),
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.SMX0001.severity = none\n"));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Message_names_the_exponential_call()
    {
        var test = new AnalyzerVerifier<NaiveSoftmaxAnalyzer>.Test
        {
            TestCode = Sources.Class("static double[] F(double[] x) { double s = 0; foreach (var v in x) s += {|#0:MathF.Exp((float)v)|}; return x.Select(v => MathF.Exp((float)v) / s).ToArray(); }"),
        };
        test.ExpectedDiagnostics.Add(new DiagnosticResult(NumericsDescriptors.NaiveSoftmax).WithLocation(0).WithArguments("MathF.Exp((float)v)"));
        await test.RunAsync(CancellationToken.None);
    }
}
