using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SoftmaxGenerators.Generator;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Generator;

/// <summary>The pipeline caches: unrelated edits leave the output step cached, relevant edits re-run it.</summary>
public class IncrementalityTests
{
    private const string Annotated = """
        using SoftmaxGenerators;
        namespace App;
        [Softmax(10)]
        public static partial class Digits { }
        """;

    private const string Other = """
        namespace App;
        public static class Util { public static int Twice(int x) => x * 2; }
        """;

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun()
    {
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(Annotated)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText(Other, new CSharpParseOptions(LanguageVersion.Latest), path: "Other.cs"));
        GeneratorRunner.Result result = GeneratorRunner.Run(compilation);
        Assert.Single(result.Sources);
        return (result.Driver, compilation);
    }

    private static GeneratorRunResult Rerun(GeneratorDriver driver, Compilation compilation) =>
        driver.RunGenerators(compilation).GetRunResult().Results.Single();

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text)
    {
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)old.Options, path: path));
    }

    [Fact]
    public void Editing_an_unrelated_file_keeps_the_output_cached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        GeneratorRunResult result = Rerun(driver, Replace(compilation, "Other.cs", Other.Replace("x * 2", "x + x")));

        Assert.All(Reasons(result, SoftmaxGenerator.TrackingNames.Output), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_the_annotated_file_elsewhere_keeps_the_model_unchanged()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        GeneratorRunResult result = Rerun(driver, Replace(compilation, "Test.cs", Annotated + "\n// a comment\npublic class Unrelated { }\n"));

        Assert.All(Reasons(result, SoftmaxGenerator.TrackingNames.Models), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(result, SoftmaxGenerator.TrackingNames.Output), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void Changing_the_functions_regenerates_with_the_new_methods()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        GeneratorRunResult result = Rerun(driver, Replace(compilation, "Test.cs", Annotated.Replace("Softmax(10)", "Softmax(10, Functions = SoftmaxFunctions.Softmax | SoftmaxFunctions.LogSumExp)")));

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, SoftmaxGenerator.TrackingNames.Models));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, SoftmaxGenerator.TrackingNames.Output));
        string text = result.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("public static float LogSumExp(", text);
        Assert.DoesNotContain("LogSoftmax(", text);
    }

    [Fact]
    public void Changing_the_row_length_regenerates()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        GeneratorRunResult result = Rerun(driver, Replace(compilation, "Test.cs", Annotated.Replace("Softmax(10)", "Softmax(12)")));

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, SoftmaxGenerator.TrackingNames.Output));
        Assert.Contains("Single12", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Adding_a_type_adds_output_and_keeps_the_first_cached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "using SoftmaxGenerators; namespace App; [Softmax(3)] public partial struct Small { }",
            new CSharpParseOptions(LanguageVersion.Latest),
            path: "Small.cs"));
        GeneratorRunResult result = Rerun(driver, edited);

        Assert.Equal(2, result.GeneratedSources.Length);
        IncrementalStepRunReason[] reasons = Reasons(result, SoftmaxGenerator.TrackingNames.Output).ToArray();
        Assert.Contains(IncrementalStepRunReason.New, reasons);
        Assert.Contains(reasons, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Turning_the_width_hooks_on_regenerates()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        driver = driver.WithUpdatedAnalyzerConfigOptions(new GlobalOptionsProvider(new Dictionary<string, string> { ["build_property.SoftmaxGenerators_EmitWidthHooks"] = "true" }));
        GeneratorRunResult result = Rerun(driver, compilation);

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, SoftmaxGenerator.TrackingNames.Options));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, SoftmaxGenerator.TrackingNames.Output));
        Assert.Contains("__SoftmaxWidths", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Pipeline_holds_no_symbols_syntax_or_compilations()
    {
        (GeneratorDriver driver, _) = FirstRun();
        string[] ours = { SoftmaxGenerator.TrackingNames.Models, SoftmaxGenerator.TrackingNames.Capabilities, SoftmaxGenerator.TrackingNames.Options, SoftmaxGenerator.TrackingNames.Output };
        IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> steps = driver.GetRunResult().Results.Single().TrackedSteps;
        Assert.All(ours, name => Assert.True(steps.ContainsKey(name), name));
        foreach (IncrementalGeneratorRunStep step in ours.SelectMany(name => steps[name]))
        {
            foreach ((object value, _) in step.Outputs)
            {
                AssertNoRoslynObjects(value, step.Name ?? "?", new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void AssertNoRoslynObjects(object? value, string step, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(value is Compilation or ISymbol or SyntaxNode or SyntaxTree or SemanticModel or Location, $"Step '{step}' holds a {value.GetType().Name}");
        if (value is IEnumerable enumerable)
        {
            foreach (object? item in enumerable)
            {
                AssertNoRoslynObjects(item, step, seen);
            }

            return;
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoRoslynObjects(field.GetValue(value), step, seen);
        }
    }
}
