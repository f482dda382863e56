using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.Analyzers.Flow;

/// <summary>What a condition says about one variable when it is true (or false): <c>x &lt; 30</c>, <c>!(x &gt; 30)</c>,
/// <c>x &gt; -50 &amp;&amp; x &lt; 50</c>, <c>30 &gt;= x</c>.</summary>
internal static class Conditions
{
    public static Interval Constraint(ValueBounds bounds, IOperation condition, ISymbol symbol, bool truth, int depth)
    {
        condition = OperationHelpers.Unwrap(condition);
        if (depth > 16)
        {
            return Interval.Top;
        }

        switch (condition)
        {
            case IParenthesizedOperation parenthesized:
                return Constraint(bounds, parenthesized.Operand, symbol, truth, depth + 1);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Constraint(bounds, not.Operand, symbol, !truth, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when truth:
                return Constraint(bounds, both.LeftOperand, symbol, true, depth + 1).Meet(Constraint(bounds, both.RightOperand, symbol, true, depth + 1));
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when !truth:
                return Constraint(bounds, either.LeftOperand, symbol, false, depth + 1).Meet(Constraint(bounds, either.RightOperand, symbol, false, depth + 1));
            case IBinaryOperation comparison:
                return Compare(bounds, comparison, symbol, truth, depth);
            default:
                return Interval.Top;
        }
    }

    private static Interval Compare(ValueBounds bounds, IBinaryOperation comparison, ISymbol symbol, bool truth, int depth)
    {
        BinaryOperatorKind kind = comparison.OperatorKind;
        IOperation other;
        if (Reads(comparison.LeftOperand, symbol))
        {
            other = comparison.RightOperand;
        }
        else if (Reads(comparison.RightOperand, symbol))
        {
            other = comparison.LeftOperand;
            kind = Mirror(kind);
        }
        else
        {
            return Interval.Top;
        }

        if (!truth)
        {
            kind = Negate(kind);
        }

        // x < e (or <=): x is at most the largest e; x > e: at least the smallest e. Strictness does not matter here.
        switch (kind)
        {
            case BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual:
                return new Interval(double.NegativeInfinity, bounds.EvaluateAt(other, depth).Hi);
            case BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual:
                return new Interval(bounds.EvaluateAt(other, depth).Lo, double.PositiveInfinity);
            case BinaryOperatorKind.Equals:
                return bounds.EvaluateAt(other, depth);
            default:
                return Interval.Top;
        }
    }

    private static bool Reads(IOperation operation, ISymbol symbol) =>
        OperationHelpers.ReferencedSymbol(operation) is { } referenced && SymbolEqualityComparer.Default.Equals(referenced, symbol);

    private static BinaryOperatorKind Mirror(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
        _ => kind,
    };

    /// <summary>The comparison that holds when this one is false (NaN aside: a NaN exponent is NaN anyway).</summary>
    private static BinaryOperatorKind Negate(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThanOrEqual,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThanOrEqual,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.Equals => BinaryOperatorKind.NotEquals,
        _ => BinaryOperatorKind.None,
    };
}
