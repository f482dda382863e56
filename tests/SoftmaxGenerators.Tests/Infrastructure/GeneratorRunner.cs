using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SoftmaxGenerators.Generator;

namespace SoftmaxGenerators.Tests.Infrastructure;

/// <summary>Runs the generator on source text, the way the compiler does.</summary>
public static class GeneratorRunner
{
    public sealed record Result(GeneratorDriver Driver, Compilation Input, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
    {
        public GeneratorDriverRunResult RunResult => Driver.GetRunResult();

        public ImmutableArray<GeneratedSourceResult> Sources => RunResult.Results.Single().GeneratedSources;

        /// <summary>Errors and warnings of the output compilation (generated code included).</summary>
        public ImmutableArray<Diagnostic> OutputDiagnostics => Output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToImmutableArray();
    }

    public static CSharpCompilation CreateCompilation(
        string source,
        ImmutableArray<MetadataReference>? references = null,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        NullableContextOptions nullable = NullableContextOptions.Enable,
        OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary) =>
        CSharpCompilation.Create(
            "TestAssembly",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(languageVersion), path: "Test.cs") },
            (references ?? TestReferences.Net80).Add(TestReferences.Attributes),
            new CSharpCompilationOptions(
                outputKind,
                nullableContextOptions: nullable,
                allowUnsafe: false,
                warningLevel: 9999,
                generalDiagnosticOption: ReportDiagnostic.Default,
                deterministic: true));

    /// <summary>Runs the generator; <paramref name="globalOptions"/> are the build's global analyzer options
    /// (<c>build_property.SoftmaxGenerators_EmitWidthHooks</c>...).</summary>
    public static Result Run(Compilation compilation, IReadOnlyDictionary<string, string>? globalOptions = null)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new SoftmaxGenerator().AsSourceGenerator() },
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            optionsProvider: new GlobalOptionsProvider(globalOptions ?? new Dictionary<string, string>()),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new Result(driver, compilation, output, diagnostics);
    }

    public static Result Run(string source, ImmutableArray<MetadataReference>? references = null, LanguageVersion languageVersion = LanguageVersion.Latest) =>
        Run(CreateCompilation(source, references, languageVersion));
}
