using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.Analyzers;

/// <summary>
/// SMX0003: the log of a softmax probability (-log(p[label]), Select(p => Math.Log(p)) over a softmax result, a
/// cross-entropy from probabilities). A value is a softmax result when it comes from a method named Softmax, from
/// TensorPrimitives.SoftMax, or from exponentials divided by their sum in the same body.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LogOfSoftmaxAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(NumericsDescriptors.LogOfSoftmax);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            NumericsSymbols? symbols = NumericsSymbols.Create(start.Compilation, start.Options);
            if (symbols is null)
            {
                return;
            }

            start.RegisterOperationBlockStartAction(blockStart => BodyAnalysis.RegisterBlockAnalysis(blockStart, symbols, (block, analysis) =>
            {
                if (analysis.LogCalls.Count == 0 && analysis.LogMethodGroups.Count == 0)
                {
                    return;
                }

                lock (analysis)
                {
                    foreach (LogOfSoftmaxMatch match in LogOfSoftmaxMatcher.Matches(analysis))
                    {
                        block.ReportDiagnostic(Diagnostic.Create(
                            NumericsDescriptors.LogOfSoftmax, match.Log.Syntax.GetLocation(), DiagnosticText.Describe(match.Log.Syntax)));
                    }
                }
            }));
        });
    }
}
