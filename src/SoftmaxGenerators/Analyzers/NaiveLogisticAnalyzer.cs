using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.Analyzers;

/// <summary>
/// SMX0006: the logistic written as exp(x) / (1 + exp(x)) (or with the exponential in a variable), which is NaN for
/// large x. Silent on 1 / (1 + exp(-x)), on guarded branches (x &lt; 0 ? exp(x) / (1 + exp(x)) : ...) and on
/// exponents bounded above.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NaiveLogisticAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(NumericsDescriptors.NaiveLogistic);

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

            symbols.RegisterOperationAction(
                start,
                operationContext =>
                {
                    var division = (IBinaryOperation)operationContext.Operation;
                    if (division.OperatorKind == BinaryOperatorKind.Divide && LogisticMatcher.Match(symbols, division) is not null)
                    {
                        operationContext.ReportDiagnostic(Diagnostic.Create(
                            NumericsDescriptors.NaiveLogistic, division.Syntax.GetLocation(), DiagnosticText.Describe(division.Syntax)));
                    }
                },
                OperationKind.Binary);
        });
    }
}
