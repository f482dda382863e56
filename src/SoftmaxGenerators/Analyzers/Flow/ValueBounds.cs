using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.Analyzers.Flow;

/// <summary>
/// Ranges of numeric values inside one method body: constants, arithmetic, the functions of System.Math (and their
/// Unity and generic-math twins), locals followed back to their definitions, elements of arrays filled in the body,
/// and the guards that dominate a use (<c>if (x &gt; 50) x = 50;</c>, <c>x &gt; 30 ? x : Log(1 + Exp(x))</c>, an
/// early <c>return</c>). Anything it cannot follow - parameters, fields, calls, long chains - is unbounded: unknown means
/// "could be large", never "safe".
/// </summary>
internal sealed partial class ValueBounds
{
    private const int MaxDepth = 10;

    /// <summary>Above this an exponential of a float overflows when a few thousand such terms are summed.</summary>
    public const double SafeSingleExponent = 80;

    /// <summary>The same for double.</summary>
    public const double SafeDoubleExponent = 700;

    private readonly NumericsSymbols _symbols;
    private readonly HashSet<(ISymbol, IOperation)> _active = new();

    private readonly bool _productsOfQuantities;

    /// <param name="symbols">The compilation's numerics symbols.</param>
    /// <param name="productsOfQuantities">Whether a negated product of plain quantities (<c>-beta * d[j]</c>) counts
    /// as non-positive: true where exponentials are normalized (kernels, Boltzmann factors), false for a softplus or a
    /// logistic, where <c>-y * f</c> is a margin: a label of either sign times a score.</param>
    public ValueBounds(NumericsSymbols symbols, bool productsOfQuantities = true)
    {
        _symbols = symbols;
        _productsOfQuantities = productsOfQuantities;
    }

    /// <summary>True when e^exponent provably stays finite (and so do sums of a few thousand such terms).</summary>
    public static bool IsSafeExponent(NumericsSymbols symbols, IOperation exponent, ITypeSymbol? valueType, bool productsOfQuantities = true)
    {
        double limit = valueType?.SpecialType == SpecialType.System_Single ? SafeSingleExponent : SafeDoubleExponent;
        return new ValueBounds(symbols, productsOfQuantities).Of(exponent).Hi <= limit;
    }

    /// <summary>The range of the value of <paramref name="operation"/> where it is evaluated.</summary>
    public Interval Of(IOperation operation) => Evaluate(operation, 0);

    private Interval Evaluate(IOperation operation, int depth)
    {
        if (depth > MaxDepth)
        {
            return Interval.Top;
        }

        operation = OperationHelpers.Unwrap(operation);
        if (OperationHelpers.ConstantNumber(operation) is double constant)
        {
            return Interval.Exactly(constant);
        }

        switch (operation)
        {
            case IParenthesizedOperation parenthesized:
                return Evaluate(parenthesized.Operand, depth + 1);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation:
                return -Evaluate(negation.Operand, depth + 1);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Plus } plus:
                return Evaluate(plus.Operand, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum:
                return Evaluate(sum.LeftOperand, depth + 1) + Evaluate(sum.RightOperand, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference:
                return Evaluate(difference.LeftOperand, depth + 1) - Evaluate(difference.RightOperand, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide }:
                return Product(operation, depth);
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                return Evaluate(conditional.WhenTrue, depth + 1).Join(Evaluate(whenFalse, depth + 1));
            case IInvocationOperation invocation:
                return Call(invocation, depth);
            case ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation:
                return (OperationHelpers.ReferencedSymbol(operation) is { } symbol ? Variable(symbol, operation, depth)
                    : operation is IPropertyReferenceOperation { Property.IsIndexer: true } ? ElementGuards(operation, depth) : Interval.Top)
                    .Meet(NamedProbability(operation));
            case IArrayElementReferenceOperation element:
                return Elements(element, depth).Meet(ElementGuards(element, depth)).Meet(NamedProbability(element));
            default:
                return Interval.Top;
        }
    }

    /// <summary>
    /// A product or quotient of factors. Equal factors pair into squares (<c>d * d</c>). When interval arithmetic knows
    /// nothing, signs still can: a negated product whose other factors are known non-negative is non-positive. A plain
    /// scalar read of unknown sign (<c>beta</c>, <c>sigma</c>, <c>eps</c>) next to a factor that is provably a
    /// non-negative, non-constant quantity (a square, an absolute value, a sum of squares) is taken as a scale: the
    /// bandwidth of a Gaussian kernel, the inverse temperature of a Boltzmann factor.
    /// </summary>
    private Interval Product(IOperation operation, int depth)
    {
        var factors = new List<(IOperation Factor, bool Divisor)>();
        bool negative = false;
        Factor(operation, factors, divisor: false, ref negative, 0);
        List<(IOperation Factor, bool Divisor)> squares = RemoveSquares(factors);

        Interval value = Interval.Exactly(1);
        if (RemoveScaledByRunningMaximum(factors))
        {
            // x[k] / maxAbs, maxAbs a running maximum of |x[i]| that starts positive: within [-1, 1].
            value = new Interval(-1, 1);
        }

        bool provenNonNegative = false;
        foreach ((IOperation squared, bool divisor) in squares)
        {
            // d * d: the square of d's range (unbounded above when d is); 1 / (s * s) is positive.
            Interval range = Evaluate(squared, depth + 1);
            double a = range.Lo * range.Lo, b = range.Hi * range.Hi;
            double lo = range.Lo <= 0 && range.Hi >= 0 ? 0 : Math.Min(a, b);
            Interval square = new(lo, Math.Max(a, b));
            if (divisor)
            {
                value = square.Lo > 0 ? value / square : SignOnly(value, nonNegative: true);
            }
            else
            {
                value *= square;
                provenNonNegative |= !OperationHelpers.IsConstant(squared);
            }
        }

        var unknown = new List<IOperation>();
        foreach ((IOperation factor, bool divisor) in factors)
        {
            Interval range = Evaluate(factor, depth + 1);
            if (range.IsTop || (divisor && range.Lo <= 0 && range.Hi >= 0))
            {
                if (range.IsNonNegative || range.IsNonPositive)
                {
                    // A sign without a strict bound: only the sign survives a division.
                    value = range.IsNonNegative ? SignOnly(value, nonNegative: true) : SignOnly(-value, nonNegative: true);
                    continue;
                }

                unknown.Add(factor);
                continue;
            }

            if (!OperationHelpers.IsConstant(factor) && range.IsNonNegative)
            {
                provenNonNegative = true;
            }

            if (OperationHelpers.IsConstant(factor) && range.Hi < 0)
            {
                // -1 * d * beta: a negative constant is a negation.
                negative = !negative;
                range = -range;
            }

            value = divisor ? value / range : value * range;
        }

        if (unknown.Count > 0)
        {
            // A negated product of plain quantities (-beta * d[j], -1 * di[j] * beta, -d2 / eps): a precision times a
            // distance, a rate times a time, an energy over a temperature. Those factors are non-negative in every real
            // use; a single negated read (-x[i], softmin) is not taken.
            bool negatedQuantities = _productsOfQuantities && negative && unknown.TrueForAll(IsQuantity) && System.Linq.Enumerable.Count(factors, f => !OperationHelpers.IsConstant(f.Factor)) >= 2;
            if (!negatedQuantities && (!provenNonNegative || !unknown.TrueForAll(IsScale)))
            {
                return Interval.Top;
            }

            value = SignOnly(value, nonNegative: true);
        }

        return negative ? -value : value;
    }

    /// <summary>Keeps only the sign of a range (the range times an unknown non-negative factor).</summary>
    private static Interval SignOnly(Interval value, bool nonNegative)
    {
        if (!nonNegative)
        {
            return Interval.Top;
        }

        if (value.IsNonNegative)
        {
            return Interval.NonNegative;
        }

        return value.IsNonPositive ? Interval.NonPositive : Interval.Top;
    }

    private static bool IsQuantity(IOperation factor) =>
        IsScale(factor) || OperationHelpers.Unwrap(factor) is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true };

    private static bool IsScale(IOperation factor) =>
        OperationHelpers.Unwrap(factor) is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
            or IPropertyReferenceOperation { Property.IsIndexer: false };

    private static void Factor(IOperation operation, List<(IOperation, bool)> into, bool divisor, ref bool negative, int depth)
    {
        operation = OperationHelpers.Unwrap(operation);
        if (operation is IParenthesizedOperation parenthesized)
        {
            operation = OperationHelpers.Unwrap(parenthesized.Operand);
        }

        if (depth < 12)
        {
            switch (operation)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product:
                    Factor(product.LeftOperand, into, divisor, ref negative, depth + 1);
                    Factor(product.RightOperand, into, divisor, ref negative, depth + 1);
                    return;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient:
                    Factor(quotient.LeftOperand, into, divisor, ref negative, depth + 1);
                    Factor(quotient.RightOperand, into, !divisor, ref negative, depth + 1);
                    return;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation when !OperationHelpers.IsConstant(negation):
                    negative = !negative;
                    Factor(negation.Operand, into, divisor, ref negative, depth + 1);
                    return;
            }
        }

        into.Add((operation, divisor));
    }

    /// <summary>Finds a numerator element a[k] and a divisor local m that is a running maximum of |a[i]| (starting at a
    /// positive constant) and takes both out.</summary>
    private static bool RemoveScaledByRunningMaximum(List<(IOperation Factor, bool Divisor)> factors)
    {
        for (int d = 0; d < factors.Count; d++)
        {
            if (!factors[d].Divisor || OperationHelpers.Unwrap(factors[d].Factor) is not ILocalReferenceOperation { Local: { } maximum } use)
            {
                continue;
            }

            for (int n = 0; n < factors.Count; n++)
            {
                if (!factors[n].Divisor && OperationHelpers.Unwrap(factors[n].Factor) is IArrayElementReferenceOperation element
                    && OperationHelpers.RootSymbol(element.ArrayReference) is { } array && IsRunningAbsoluteMaximum(maximum, array, use))
                {
                    factors.RemoveAt(Math.Max(d, n));
                    factors.RemoveAt(Math.Min(d, n));
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Every write of <paramref name="maximum"/> in the body is a positive constant, Max(maximum, |a[i]|), or
    /// |a[i]| under a condition comparing it with maximum.</summary>
    private static bool IsRunningAbsoluteMaximum(ILocalSymbol maximum, ISymbol array, IOperation use)
    {
        if (Body(use) is not { } body)
        {
            return false;
        }

        bool any = false;
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            IOperation? written = node switch
            {
                IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, maximum) => declarator.Initializer?.Value,
                ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedSymbol(assignment.Target) is ILocalSymbol target
                    && SymbolEqualityComparer.Default.Equals(target, maximum) => assignment.Value,
                ICompoundAssignmentOperation or IIncrementOrDecrementOperation when node.ChildOperations.FirstOrDefault() is { } target
                    && OperationHelpers.ReferencedSymbol(target) is ILocalSymbol changed && SymbolEqualityComparer.Default.Equals(changed, maximum) => null,
                _ => use,
            };
            if (written == use)
            {
                continue;
            }

            if (written is null)
            {
                return false;
            }

            written = OperationHelpers.Unwrap(written);
            bool positiveConstant = OperationHelpers.ConstantNumber(written) is > 0;
            bool absolute = IsAbsoluteOfElement(written, array) && node.Parent is IExpressionStatementOperation { Parent: var branch }
                && Enclosing(branch) is { Condition: var condition } && OperationHelpers.DescendantsAndSelf(condition).Any(n => OperationHelpers.ReferencedSymbol(n) is ILocalSymbol m && SymbolEqualityComparer.Default.Equals(m, maximum));
            bool max = written is IInvocationOperation { TargetMethod.Name: "Max", Arguments.Length: 2 } call
                && call.Arguments.Any(a => OperationHelpers.ReferencedSymbol(a.Value) is ILocalSymbol m && SymbolEqualityComparer.Default.Equals(m, maximum))
                && call.Arguments.Any(a => IsAbsoluteOfElement(OperationHelpers.Unwrap(a.Value), array));
            if (!positiveConstant && !absolute && !max)
            {
                return false;
            }

            // A constant alone (double t = 2) is a temperature, not a running maximum.
            any |= absolute || max;
        }

        return any;
    }

    private static IConditionalOperation? Enclosing(IOperation? operation) => operation switch
    {
        IConditionalOperation conditional => conditional,
        IBlockOperation { Parent: IConditionalOperation conditional } => conditional,
        _ => null,
    };

    private static bool IsAbsoluteOfElement(IOperation value, ISymbol array) =>
        value is IInvocationOperation { TargetMethod.Name: "Abs", Arguments.Length: 1 } abs
        && OperationHelpers.Unwrap(abs.Arguments[0].Value) is IArrayElementReferenceOperation element
        && OperationHelpers.RootSymbol(element.ArrayReference) is { } root && SymbolEqualityComparer.Default.Equals(root, array);

    /// <summary>Takes equal factors out in pairs (d * d, 1 / (s * s)) and returns one of each pair.</summary>
    private static List<(IOperation Factor, bool Divisor)> RemoveSquares(List<(IOperation Factor, bool Divisor)> factors)
    {
        var squares = new List<(IOperation, bool)>();
        for (int i = 0; i < factors.Count; i++)
        {
            for (int j = i + 1; j < factors.Count; j++)
            {
                if (factors[i].Divisor == factors[j].Divisor && SameValue(factors[i].Factor, factors[j].Factor))
                {
                    squares.Add(factors[i]);
                    factors.RemoveAt(j);
                    factors.RemoveAt(i);
                    i--;
                    break;
                }
            }
        }

        return squares;
    }

    /// <summary>Two reads of the same side-effect-free value (d and d, x[i] and x[i]); calls may differ.</summary>
    public static bool SameValue(IOperation left, IOperation right) => OperationHelpers.SameValue(left, right, allowCalls: false);

    private Interval Call(IInvocationOperation invocation, int depth)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (NumericsSymbols.IsRandomType(method.ContainingType))
        {
            // Test data and sampling: rng.NextDouble() in [0, 1), Random.Range(a, b) in [a, b].
            return method.Name switch
            {
                "NextDouble" or "NextSingle" or "Sample" => new Interval(0, 1),
                "Range" when invocation.Arguments.Length == 2 => new Interval(Evaluate(invocation.Arguments[0].Value, depth + 1).Lo, Evaluate(invocation.Arguments[1].Value, depth + 1).Hi),
                "Next" when invocation.Arguments.Length == 2 => new Interval(Evaluate(invocation.Arguments[0].Value, depth + 1).Lo, Evaluate(invocation.Arguments[1].Value, depth + 1).Hi),
                "Next" when invocation.Arguments.Length == 1 => new Interval(0, Evaluate(invocation.Arguments[0].Value, depth + 1).Hi),
                _ => Interval.Top,
            };
        }

        if (_symbols.IsScalarExp(method) && invocation.Arguments.Length == 1)
        {
            Interval x = Evaluate(invocation.Arguments[0].Value, depth + 1);
            return new Interval(Math.Exp(x.Lo), Math.Exp(x.Hi));
        }

        if (_symbols.IsScalarLog(method) && invocation.Arguments.Length == 1)
        {
            Interval x = Evaluate(invocation.Arguments[0].Value, depth + 1);
            return new Interval(x.Lo > 0 ? Math.Log(x.Lo) : double.NegativeInfinity, x.Hi >= 0 ? Math.Log(x.Hi) : double.PositiveInfinity);
        }

        if (method.Parameters.Length == 1 && invocation.Arguments.Length == 1 && method.ReturnType.SpecialType == SpecialType.None
            && method.ReturnType.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface
            && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, method.ReturnType))
        {
            // A tensor backend's element-wise Abs(t) and Neg(t): the range of every element (the stable softplus
            // Maximum(x, 0) + Log(Exp(Neg(Abs(x))) + 1) of SiaNet-style backends).
            return method.Name switch
            {
                "Abs" or "abs" => Interval.NonNegative,
                "Neg" or "Negate" or "negative" => -Evaluate(invocation.Arguments[0].Value, depth + 1),
                _ => Interval.Top,
            };
        }

        if (!_symbols.IsMathType(method.ContainingType, genericMath: true))
        {
            return NamedProbability(invocation);
        }

        string name = method.Name;
        int count = invocation.Arguments.Length;
        Interval Arg(int ordinal) => OperationHelpers.Argument(invocation, ordinal) is { } value ? Evaluate(value, depth + 1) : Interval.Top;
        switch (name.ToLowerInvariant())
        {
            case "abs" or "magnitudenumber" when count == 1:
            {
                Interval x = Arg(0);
                return x.IsTop ? Interval.NonNegative : new Interval(x.Lo <= 0 && x.Hi >= 0 ? 0 : Math.Min(Math.Abs(x.Lo), Math.Abs(x.Hi)), Math.Max(Math.Abs(x.Lo), Math.Abs(x.Hi)));
            }

            case "sqrt" when count == 1:
                return new Interval(0, Math.Sqrt(Math.Max(0, Arg(0).Hi)));
            case "cosh" when count == 1:
                return new Interval(1, double.PositiveInfinity);
            case "tanh" or "sin" or "cos" when count == 1:
                return new Interval(-1, 1);
            case "min" when count == 2:
            {
                Interval a = Arg(0), b = Arg(1);
                return new Interval(Math.Min(a.Lo, b.Lo), Math.Min(a.Hi, b.Hi));
            }

            case "max" when count == 2:
            {
                Interval a = Arg(0), b = Arg(1);
                return new Interval(Math.Max(a.Lo, b.Lo), Math.Max(a.Hi, b.Hi));
            }

            case "clamp" when count == 3:
                return new Interval(Arg(1).Lo, Arg(2).Hi).Meet(Arg(0));
            case "clamp01" when count == 1:
                return new Interval(0, 1);
            case "pow" when count == 2:
                return OperationHelpers.Argument(invocation, 1) is { } power && OperationHelpers.ConstantNumber(power) is double p && p % 2 == 0
                    ? Interval.NonNegative
                    : Interval.Top;
            default:
                return Interval.Top;
        }
    }

    /// <summary>The value of a variable where <paramref name="use"/> reads it: its definition, narrowed by guards.</summary>
    private Interval Variable(ISymbol symbol, IOperation use, int depth)
    {
        if (!_active.Add((symbol, use)))
        {
            return Interval.Top;
        }

        try
        {
            Interval constraint = ReachingDefinitions.Guards(this, symbol, use, depth);
            Interval value = symbol is ILocalSymbol or IParameterSymbol ? ReachingDefinitions.Value(this, symbol, use, depth) : Interval.Top;
            return value.Meet(constraint);
        }
        finally
        {
            _active.Remove((symbol, use));
        }
    }

    internal Interval EvaluateAt(IOperation operation, int depth) => Evaluate(operation, depth + 1);
}
