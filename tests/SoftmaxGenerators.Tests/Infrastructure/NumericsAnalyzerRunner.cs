using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Analyzers;

namespace SoftmaxGenerators.Tests.Infrastructure;

/// <summary>
/// Runs the SMX000x analyzers directly (no verifier), collecting analyzer exceptions instead of failing fast. The
/// compilations reference the attribute assembly, as a project with the package does (SMX0005 needs it).
/// </summary>
public static class NumericsAnalyzerRunner
{
    public static ImmutableArray<DiagnosticAnalyzer> All { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(
        new NaiveSoftmaxAnalyzer(), new NaiveLogSumExpAnalyzer(), new LogOfSoftmaxAnalyzer(), new TensorPrimitivesSoftMaxAnalyzer(),
        new UpgradeToGeneratedSoftmaxAnalyzer(), new NaiveLogisticAnalyzer());

    public static CSharpCompilation Compile(params (string Path, string Source)[] sources) =>
        CSharpCompilation.Create(
            "NumericsTest",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, new CSharpParseOptions(LanguageVersion.Latest), path: s.Path)),
            TestReferences.Net10.Add(TestReferences.NumericsTensors).Add(TestReferences.Attributes),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static async Task<(ImmutableArray<Diagnostic> Diagnostics, Exception[] Exceptions)> RunAsync(Compilation compilation)
    {
        var exceptions = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(All, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        return (diagnostics, exceptions.ToArray());
    }
}
