using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>Proves that an exponent is non-positive (exp(-d*d), exp(-|x|), exp(-x*x/(2*s*s))): such exponentials
/// are at most 1 and cannot overflow.</summary>
internal static class SignAnalysis
{
    private enum Sign
    {
        Unknown,
        NonNegative,
        NonPositive,
    }

    public static bool IsNonPositive(NumericsSymbols symbols, IOperation exponent) => SignOf(symbols, exponent, 0) == Sign.NonPositive;

    private static Sign SignOf(NumericsSymbols symbols, IOperation operation, int depth)
    {
        if (depth > 12)
        {
            return Sign.Unknown;
        }

        operation = OperationHelpers.Unwrap(operation);
        if (OperationHelpers.ConstantNumber(operation) is double constant)
        {
            return constant >= 0 ? Sign.NonNegative : Sign.NonPositive;
        }

        switch (operation)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation:
                return Flip(SignOf(symbols, negation.Operand, depth + 1));
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Plus } plus:
                return SignOf(symbols, plus.Operand, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide }:
            {
                // Flatten a*b/c*d into factors; a factor and its equal (d*d) make a square; a negation flips the sign.
                var factors = new System.Collections.Generic.List<IOperation>();
                bool negative = false;
                Factor(operation, factors, ref negative, 0);
                for (int i = 0; i < factors.Count; i++)
                {
                    for (int j = i + 1; j < factors.Count; j++)
                    {
                        if (SameValue(factors[i], factors[j]))
                        {
                            factors.RemoveAt(j);
                            factors.RemoveAt(i);
                            i--;
                            break;
                        }
                    }
                }

                foreach (IOperation factor in factors)
                {
                    Sign sign = SignOf(symbols, factor, depth + 1);
                    if (sign == Sign.Unknown)
                    {
                        return Sign.Unknown;
                    }

                    negative ^= sign == Sign.NonPositive;
                }

                return negative ? Sign.NonPositive : Sign.NonNegative;
            }

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum:
            {
                Sign left = SignOf(symbols, sum.LeftOperand, depth + 1);
                return left != Sign.Unknown && left == SignOf(symbols, sum.RightOperand, depth + 1) ? left : Sign.Unknown;
            }

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference:
            {
                Sign left = SignOf(symbols, difference.LeftOperand, depth + 1);
                Sign right = SignOf(symbols, difference.RightOperand, depth + 1);
                if (left == Sign.NonPositive && right == Sign.NonNegative)
                {
                    return Sign.NonPositive;
                }

                return left == Sign.NonNegative && right == Sign.NonPositive ? Sign.NonNegative : Sign.Unknown;
            }

            case IInvocationOperation invocation:
            {
                IMethodSymbol method = invocation.TargetMethod;
                if (symbols.IsMathMember(method, "Abs") || symbols.IsMathMember(method, "Sqrt") || symbols.IsScalarExp(method)
                    || symbols.IsMathMember(method, "Cosh")
                    || (method.IsStatic && method.Name is "Abs" or "Sqrt" or "MagnitudeNumber" && method.Parameters.Length == 1
                        && method.ContainingType?.TypeKind == TypeKind.Interface && method.ContainingNamespace?.ToDisplayString() == "System.Numerics"))
                {
                    return Sign.NonNegative;
                }

                if (symbols.IsPow(method) && invocation.Arguments.Length == 2
                    && OperationHelpers.Argument(invocation, 1) is { } power
                    && OperationHelpers.ConstantNumber(power) is double p && p % 2 == 0)
                {
                    return Sign.NonNegative;
                }

                if ((symbols.IsMathMember(method, "Min") || symbols.IsMathMember(method, "Max")) && invocation.Arguments.Length == 2)
                {
                    Sign a = SignOf(symbols, invocation.Arguments[0].Value, depth + 1);
                    Sign b = SignOf(symbols, invocation.Arguments[1].Value, depth + 1);
                    Sign wanted = method.Name == "Min" ? Sign.NonPositive : Sign.NonNegative;
                    if (a == wanted || b == wanted)
                    {
                        return wanted;
                    }

                    return a == b ? a : Sign.Unknown;
                }

                return Sign.Unknown;
            }

            default:
                return Sign.Unknown;
        }
    }

    private static void Factor(IOperation operation, System.Collections.Generic.List<IOperation> into, ref bool negative, int depth)
    {
        operation = OperationHelpers.Unwrap(operation);
        if (depth < 12)
        {
            switch (operation)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide } product:
                    Factor(product.LeftOperand, into, ref negative, depth + 1);
                    Factor(product.RightOperand, into, ref negative, depth + 1);
                    return;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation when !OperationHelpers.IsConstant(negation):
                    negative = !negative;
                    Factor(negation.Operand, into, ref negative, depth + 1);
                    return;
            }
        }

        into.Add(operation);
    }

    private static Sign Flip(Sign sign) => sign switch
    {
        Sign.NonNegative => Sign.NonPositive,
        Sign.NonPositive => Sign.NonNegative,
        _ => Sign.Unknown,
    };

    /// <summary>Two reads of the same side-effect-free value (d and d, x[i] and x[i]).</summary>
    private static bool SameValue(IOperation left, IOperation right)
    {
        left = OperationHelpers.Unwrap(left);
        right = OperationHelpers.Unwrap(right);
        if (left.Syntax is null || right.Syntax is null || !left.Syntax.IsEquivalentTo(right.Syntax, topLevel: false))
        {
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(left))
        {
            if (node is IInvocationOperation or IIncrementOrDecrementOperation or IAssignmentOperation)
            {
                return false;
            }
        }

        return true;
    }
}
