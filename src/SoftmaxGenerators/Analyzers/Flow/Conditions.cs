using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.Analyzers.Flow;

/// <summary>What a condition says about one variable when it is true (or false): <c>x &lt; 30</c>, <c>!(x &gt; 30)</c>,
/// <c>x &gt; -50 &amp;&amp; x &lt; 50</c>, <c>30 &gt;= x</c>.</summary>
internal static class Conditions
{
    public static Interval Constraint(ValueBounds bounds, IOperation condition, ISymbol symbol, bool truth, int depth) =>
        Constraint(bounds, condition, new Subject(symbol, null), truth, depth);

    /// <summary>What the condition says about an expression (an array element <c>x[j]</c>, <c>list[i]</c>): the
    /// comparisons of the same expression, read with no side effect in between.</summary>
    public static Interval Constraint(ValueBounds bounds, IOperation condition, IOperation expression, bool truth, int depth) =>
        Constraint(bounds, condition, new Subject(null, expression), truth, depth);

    /// <summary>A variable or an expression whose range a condition may constrain.</summary>
    private readonly struct Subject
    {
        public Subject(ISymbol? symbol, IOperation? expression)
        {
            Symbol = symbol;
            Expression = expression;
        }

        public ISymbol? Symbol { get; }

        public IOperation? Expression { get; }

        public bool IsReadBy(IOperation operation) => Symbol is not null
            ? OperationHelpers.ReferencedSymbol(operation) is { } referenced && SymbolEqualityComparer.Default.Equals(referenced, Symbol)
            : Expression is not null && OperationHelpers.SameValue(operation, Expression, allowCalls: false);
    }

    private static Interval Constraint(ValueBounds bounds, IOperation condition, Subject symbol, bool truth, int depth)
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

    /// <summary>
    /// True when <paramref name="use"/> runs only where <paramref name="value"/> is positive: inside the branch of an
    /// enclosing <c>if</c>/<c>?:</c> (or after an early exit) whose condition says so (<c>p &gt; 1e-10</c>,
    /// <c>p != 0</c>, <c>!(p &lt;= 0)</c>).
    /// </summary>
    public static bool GuardedPositive(IOperation value, IOperation use)
    {
        IOperation current = use;
        for (int steps = 0; steps < 64 && current.Parent is { } parent; steps++)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when current == conditional.WhenTrue && SaysPositive(conditional.Condition, value, true, 0):
                case IConditionalOperation conditional2 when current == conditional2.WhenFalse && SaysPositive(conditional2.Condition, value, false, 0):
                    return true;
                case IBlockOperation block:
                    int index = block.Operations.IndexOf(current);
                    for (int k = index - 1; k >= 0; k--)
                    {
                        if (block.Operations[k] is IConditionalOperation { WhenFalse: null } exit && ReachingDefinitions.Exits(exit.WhenTrue)
                            && SaysPositive(exit.Condition, value, false, 0))
                        {
                            return true;
                        }
                    }

                    break;
                case IMethodBodyOperation or IConstructorBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
            }

            current = parent;
        }

        return false;
    }

    private static bool SaysPositive(IOperation condition, IOperation value, bool truth, int depth)
    {
        condition = OperationHelpers.Unwrap(condition);
        if (depth > 8)
        {
            return false;
        }

        switch (condition)
        {
            case IParenthesizedOperation parenthesized:
                return SaysPositive(parenthesized.Operand, value, truth, depth + 1);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return SaysPositive(not.Operand, value, !truth, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when truth:
                return SaysPositive(both.LeftOperand, value, true, depth + 1) || SaysPositive(both.RightOperand, value, true, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when !truth:
                return SaysPositive(either.LeftOperand, value, false, depth + 1) || SaysPositive(either.RightOperand, value, false, depth + 1);
            case IBinaryOperation comparison:
            {
                BinaryOperatorKind kind = comparison.OperatorKind;
                IOperation other;
                if (ValueBounds.SameValue(comparison.LeftOperand, value))
                {
                    other = comparison.RightOperand;
                }
                else if (ValueBounds.SameValue(comparison.RightOperand, value))
                {
                    other = comparison.LeftOperand;
                    kind = Mirror(kind);
                }
                else
                {
                    return false;
                }

                if (!truth)
                {
                    kind = kind == BinaryOperatorKind.Equals ? BinaryOperatorKind.NotEquals : Negate(kind);
                }

                double? bound = OperationHelpers.ConstantNumber(other);
                return kind switch
                {
                    BinaryOperatorKind.GreaterThan => bound >= 0,
                    BinaryOperatorKind.GreaterThanOrEqual => bound > 0,
                    BinaryOperatorKind.NotEquals => bound == 0,
                    _ => false,
                };
            }

            default:
                return false;
        }
    }

    private static Interval Compare(ValueBounds bounds, IBinaryOperation comparison, Subject symbol, bool truth, int depth)
    {
        BinaryOperatorKind kind = comparison.OperatorKind;
        IOperation other;
        if (symbol.IsReadBy(comparison.LeftOperand))
        {
            other = comparison.RightOperand;
        }
        else if (symbol.IsReadBy(comparison.RightOperand))
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
