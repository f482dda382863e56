using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.Analyzers;

/// <summary>
/// SMX0002: the log of a sum of unshifted exponentials (a naive log-sum-exp), including the softplus
/// log(1 + exp(x)). A guarded softplus (x &gt; 30 ? x : ...) and shifted sums are stable and stay silent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NaiveLogSumExpAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(NumericsDescriptors.NaiveLogSumExp);

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

            start.RegisterOperationBlockAction(block =>
            {
                if (BodyAnalysis.GetOrCreate(symbols, block.OperationBlocks) is not { } analysis)
                {
                    return;
                }

                if (analysis.LogCalls.Count == 0)
                {
                    return;
                }

                lock (analysis)
                {
                    foreach (IInvocationOperation log in analysis.LogCalls)
                    {
                        if (LogSumExpMatcher.Match(analysis, log) is not null)
                        {
                            block.ReportDiagnostic(Diagnostic.Create(
                                NumericsDescriptors.NaiveLogSumExp, log.Syntax.GetLocation(), DiagnosticText.Describe(log.Syntax)));
                        }
                    }
                }
            });
        });
    }
}
