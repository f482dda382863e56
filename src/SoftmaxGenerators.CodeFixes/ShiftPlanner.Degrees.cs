using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// Scale-invariant uses: the shift multiplies every related exponential, whatever holds them and their sum by one
/// factor, exp(-max). An arithmetic expression of them whose degree in that factor is zero keeps its value: the
/// softmax derivative <c>(e * s - e * e) / (s * s)</c>, <c>e / s * (1 - e / s)</c>.
/// </summary>
internal static partial class ShiftPlanner
{
    private const int MaxDegreeDepth = 24;

    /// <summary>The read of the sum or of an exponential sits in an arithmetic expression of degree zero.</summary>
    private static bool IsScaleInvariantUse(IOperation read, ISymbol? sum, List<ExpSite> related, HashSet<ISymbol> storage) =>
        IsScaleInvariantUse(read, sum, related, storage, out _);

    private static bool IsScaleInvariantUse(IOperation read, ISymbol? sum, List<ExpSite> related, HashSet<ISymbol> storage, out IOperation top)
    {
        top = read;
        if (sum is null)
        {
            return false; // a Sum() call has no symbol to recognize its value by
        }

        while (top.Parent is IConversionOperation
            or IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide }
            or IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus })
        {
            top = top.Parent;
        }

        return top != read && Degree(top, sum, related, storage, 0) == 0;
    }

    /// <summary>The degree of the value in the shift's factor: 1 for the sum and the exponentials, 0 for what reads
    /// neither, the sum of degrees for a product...; null when the value is no homogeneous function of them.</summary>
    private static int? Degree(IOperation operation, ISymbol sum, List<ExpSite> related, HashSet<ISymbol> storage, int depth)
    {
        if (depth > MaxDegreeDepth)
        {
            return null;
        }

        operation = OperationHelpers.Unwrap(operation);

        if (related.Exists(site => site.Node == operation))
        {
            return 1;
        }

        if (OperationHelpers.IsConstant(operation))
        {
            return 0;
        }

        if (OperationHelpers.ReferencedSymbol(operation) is { } symbol)
        {
            if (SymbolEqualityComparer.Default.Equals(symbol, sum)
                || (symbol is ILocalSymbol { Type: var type } && IsScalar(type) && storage.Contains(symbol)))
            {
                return 1;
            }

            return Reads(operation, sum, related, storage) ? null : 0;
        }

        if (OperationHelpers.ElementCollection(operation) is { } collection && storage.Contains(collection))
        {
            return 1;
        }

        switch (operation)
        {
            case IBinaryOperation { LeftOperand: { } left, RightOperand: { } right } binary:
                int? a = Degree(left, sum, related, storage, depth + 1);
                int? b = a is null ? null : Degree(right, sum, related, storage, depth + 1);
                if (a is null || b is null)
                {
                    return null;
                }

                return binary.OperatorKind switch
                {
                    BinaryOperatorKind.Multiply => a + b,
                    BinaryOperatorKind.Divide => a - b,
                    BinaryOperatorKind.Add or BinaryOperatorKind.Subtract when a == b => a,
                    _ => Reads(operation, sum, related, storage) ? null : 0,
                };
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus } unary:
                return Degree(unary.Operand, sum, related, storage, depth + 1);
            case IPropertyReferenceOperation { Property.Name: "Length" or "Count" }:
                return 0;
            case IInvocationOperation { Arguments.Length: 2 } draw when NumericsSymbols.IsRandomType(draw.TargetMethod.ContainingType):
                // Random.Range(0, sum): min + (max - min) * u scales with its bounds, so the same draw u picks the same item.
                int? low = Degree(draw.Arguments[0].Value, sum, related, storage, depth + 1);
                int? high = Degree(draw.Arguments[1].Value, sum, related, storage, depth + 1);
                return low is null || high is null ? null
                    : OperationHelpers.ConstantNumber(draw.Arguments[0].Value) == 0 ? high
                    : low == high ? low
                    : null;
            default:
                return Reads(operation, sum, related, storage) ? null : 0;
        }
    }

    private static bool IsScalar(ITypeSymbol type) =>
        type.SpecialType is SpecialType.System_Double or SpecialType.System_Single || type is ITypeParameterSymbol;

    /// <summary>The operation reads the sum, an exponential or what holds them.</summary>
    private static bool Reads(IOperation operation, ISymbol sum, List<ExpSite> related, HashSet<ISymbol> storage)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(operation))
        {
            if (related.Exists(site => site.Node == node))
            {
                return true;
            }

            if (OperationHelpers.ReferencedSymbol(node) is { } symbol
                && (SymbolEqualityComparer.Default.Equals(symbol, sum) || storage.Contains(symbol)))
            {
                return true;
            }
        }

        return false;
    }
}
