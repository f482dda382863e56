using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SoftmaxGenerators.Tests.Infrastructure;

/// <summary>Runs analyzers on a compilation directly (for setups the verifiers cannot express), surfacing AD0001.</summary>
public static class AnalyzerRunner
{
    public static Diagnostic[] Run(Compilation compilation, params DiagnosticAnalyzer[] analyzers)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        return compilation.WithAnalyzers(analyzers.ToImmutableArray(), options)
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult()
            .Where(d => d.Id.StartsWith("SMX", System.StringComparison.Ordinal) || d.Id == "AD0001")
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToArray();
    }
}
