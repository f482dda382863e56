using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.Analyzers;

/// <summary>SMX0004: a call to TensorPrimitives.SoftMax, which does not subtract the maximum.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TensorPrimitivesSoftMaxAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(NumericsDescriptors.TensorPrimitivesSoftMax);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            NumericsSymbols? symbols = NumericsSymbols.Create(start.Compilation, start.Options);
            if (symbols?.TensorPrimitives is null)
            {
                return;
            }

            symbols.RegisterOperationAction(
                start,
                operationContext =>
                {
                    var invocation = (IInvocationOperation)operationContext.Operation;
                    if (symbols.IsTensorPrimitives(invocation.TargetMethod, "SoftMax"))
                    {
                        operationContext.ReportDiagnostic(Diagnostic.Create(
                            NumericsDescriptors.TensorPrimitivesSoftMax,
                            invocation.Syntax.GetLocation(),
                            DiagnosticText.Describe(invocation.Syntax)));
                    }
                },
                OperationKind.Invocation);
        });
    }
}
