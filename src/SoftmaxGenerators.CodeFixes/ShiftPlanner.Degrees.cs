using System.Collections.Generic;
using System.Linq;
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
    private static bool IsScaleInvariantUse(IOperation read, ISymbol? sum, List<ExpSite> related, HashSet<ISymbol> storage, FixContext? context = null, int sumDegree = 1) =>
        IsScaleInvariantUse(read, sum, related, storage, out _, context, sumDegree);

    private static bool IsScaleInvariantUse(IOperation read, ISymbol? sum, List<ExpSite> related, HashSet<ISymbol> storage, out IOperation top, FixContext? context = null, int sumDegree = 1)
    {
        top = ArithmeticTop(read);
        if (sum is null)
        {
            return false; // a Sum() call has no symbol to recognize its value by
        }

        return top != read && Degree(top, sum, related, storage, 0, context, sumDegree) == 0;
    }

    /// <summary>The largest arithmetic expression (+, -, *, /, conversions) around the read.</summary>
    private static IOperation ArithmeticTop(IOperation read)
    {
        IOperation top = read;
        while (top.Parent is IConversionOperation
            or IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide }
            or IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus })
        {
            top = top.Parent;
        }

        return top;
    }

    /// <summary>
    /// <c>float sq = sum * sum + 0.001f;</c> then <c>e * (sum - e) / sq</c>: the read of the sum defines a local of a
    /// non-zero degree that is only read in expressions of degree zero (the softmax derivative over a squared sum).
    /// </summary>
    private static bool IsDerivedLocalUse(FixContext context, IOperation read, ISymbol sum, List<ExpSite> related, HashSet<ISymbol> storage, int sumDegree = 1)
    {
        IOperation top = ArithmeticTop(read);
        if (top.Parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var derived } }
            || Definition(context, derived) is null || Degree(top, sum, related, storage, 0, context, sumDegree) is null or 0
            || EnclosingBody(context, read.Syntax) is not { } body)
        {
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, derived)
                && !IsScaleInvariantUse(node, sum, related, storage, context, sumDegree))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The initializer of a local written nowhere else.</summary>
    private static IOperation? Definition(FixContext context, ISymbol symbol)
    {
        if (symbol is not ILocalSymbol)
        {
            return null;
        }

        if (symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is { } declaration && !context.Member.Span.Contains(declaration.Span))
        {
            return ForeignDefinition(context, symbol, declaration);
        }

        IOperation? value = null;
        int writes = 0;
        foreach (Write write in context.Analysis.WritesOf(symbol))
        {
            writes++;
            value = write.Node is IVariableDeclaratorOperation ? write.Value : null;
        }

        return writes == 1 ? value : null;
    }

    /// <summary>The initializer of a local of another member of the type (where the fix's fields are also read),
    /// when nothing in that member writes it again or takes its address.</summary>
    private static IOperation? ForeignDefinition(FixContext context, ISymbol local, SyntaxNode declaration)
    {
        if (EnclosingBody(context, declaration) is not { } body || LogisticMatcher.Writes(context.Analysis.Symbols, body, local, callsWrite: false))
        {
            return null;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                return declarator.Initializer?.Value;
            }
        }

        return null;
    }

    /// <summary>The operation of the method or accessor around a node of the fixed document's tree.</summary>
    private static IOperation? EnclosingBody(FixContext context, SyntaxNode node)
    {
        if (node.SyntaxTree != context.Model.SyntaxTree)
        {
            return null;
        }

        return FixContext.MemberOf(node) is { } member ? context.Model.GetOperation(member) : null;
    }

    /// <summary>The degree of the value in the shift's factor: 1 for the sum and the exponentials, 0 for what reads
    /// neither, the sum of degrees for a product...; null when the value is no homogeneous function of them.</summary>
    private static int? Degree(IOperation operation, ISymbol sum, List<ExpSite> related, HashSet<ISymbol> storage, int depth, FixContext? context = null, int sumDegree = 1)
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
            if (SymbolEqualityComparer.Default.Equals(symbol, sum))
            {
                return sumDegree;
            }

            if (symbol is ILocalSymbol { Type: var type } && IsScalar(type) && storage.Contains(symbol))
            {
                return 1;
            }

            if (context is not null && Definition(context, symbol) is { } definition && Reads(definition, sum, related, storage))
            {
                return Degree(definition, sum, related, storage, depth + 1, context, sumDegree);
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
                int? a = Degree(left, sum, related, storage, depth + 1, context, sumDegree);
                int? b = a is null ? null : Degree(right, sum, related, storage, depth + 1, context, sumDegree);
                if (a is null || b is null)
                {
                    return null;
                }

                return binary.OperatorKind switch
                {
                    BinaryOperatorKind.Multiply => a + b,
                    BinaryOperatorKind.Divide => a - b,
                    BinaryOperatorKind.Add or BinaryOperatorKind.Subtract when a == b => a,
                    // sum * sum + 1e-3f: the shifted sum is at least 1, so the epsilon moves the value by at most its size.
                    BinaryOperatorKind.Add when a > 0 && IsEpsilon(right) && OnlyReads(left, sum) => a,
                    BinaryOperatorKind.Add when b > 0 && IsEpsilon(left) && OnlyReads(right, sum) => b,
                    _ => Reads(operation, sum, related, storage) ? null : 0,
                };
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus } unary:
                return Degree(unary.Operand, sum, related, storage, depth + 1, context, sumDegree);
            case IPropertyReferenceOperation { Property.Name: "Length" or "Count" }:
                return 0;
            case IInvocationOperation { Arguments.Length: 2 } draw when NumericsSymbols.IsRandomType(draw.TargetMethod.ContainingType):
                // Random.Range(0, sum): min + (max - min) * u scales with its bounds, so the same draw u picks the same item.
                int? low = Degree(draw.Arguments[0].Value, sum, related, storage, depth + 1, context, sumDegree);
                int? high = Degree(draw.Arguments[1].Value, sum, related, storage, depth + 1, context, sumDegree);
                return low is null || high is null ? null
                    : OperationHelpers.ConstantNumber(draw.Arguments[0].Value) == 0 ? high
                    : low == high ? low
                    : null;
            default:
                return Reads(operation, sum, related, storage) ? null : 0;
        }
    }

    private static bool IsEpsilon(IOperation operation) =>
        OperationHelpers.ConstantNumber(operation) is double eps && eps > 0 && eps <= 1.000001e-3; // 0.001f widens to 0.0010000000475

    /// <summary>The value reads no variable but the sum (sum * sum, Math.Pow(sum, 2) aside).</summary>
    private static bool OnlyReads(IOperation operation, ISymbol sum)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(operation))
        {
            if (OperationHelpers.ReferencedSymbol(node) is { } symbol && !SymbolEqualityComparer.Default.Equals(symbol, sum))
            {
                return false;
            }
        }

        return true;
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
