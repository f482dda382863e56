using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.Analyzers.Flow;

/// <summary>
/// Exponents built from logarithms computed in the same body: <c>exp(log(p) / T)</c>, <c>exp(logA[i] + logB[j])</c>
/// with the arrays filled by <c>Math.Log</c>. Such an exponential is a product or a power of the logged values
/// (p^(1/T), a * b), not an exponential of scores: it overflows only where those values do, so the softmax rules leave
/// it alone. Negated logarithms (1/p) and logarithms from parameters or fields are not taken.
/// </summary>
internal static class LogDomain
{
    private const int MaxDepth = 8;

    public static bool IsLogarithmic(NumericsSymbols symbols, IOperation exponent)
    {
        var visiting = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        return Classify(symbols, exponent, visiting, 0) == Kind.Log;
    }

    private enum Kind
    {
        /// <summary>Anything else: a score, a parameter, a negated log.</summary>
        Other,

        /// <summary>A constant or a plain scalar (a temperature, an offset).</summary>
        Scalar,

        /// <summary>A logarithm, or a sum of logarithms and constants.</summary>
        Log,
    }

    private static Kind Classify(NumericsSymbols symbols, IOperation operation, HashSet<ISymbol> visiting, int depth)
    {
        if (depth > MaxDepth)
        {
            return Kind.Other;
        }

        operation = OperationHelpers.Unwrap(operation);
        if (operation is IParenthesizedOperation parenthesized)
        {
            operation = OperationHelpers.Unwrap(parenthesized.Operand);
        }

        if (OperationHelpers.IsConstant(operation))
        {
            return Kind.Scalar;
        }

        switch (operation)
        {
            case IInvocationOperation invocation when symbols.IsScalarLog(invocation.TargetMethod):
                return Kind.Log;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } sum:
            {
                Kind left = Classify(symbols, sum.LeftOperand, visiting, depth + 1);
                Kind right = Classify(symbols, sum.RightOperand, visiting, depth + 1);
                if (sum.OperatorKind == BinaryOperatorKind.Subtract && right == Kind.Log)
                {
                    return Kind.Other; // log(a) - log(b) = log(a / b): b may be tiny.
                }

                return (left, right) switch
                {
                    (Kind.Log, Kind.Log) => Kind.Log,
                    (Kind.Log, Kind.Scalar) or (Kind.Scalar, Kind.Log) when OperationHelpers.IsConstant(sum.LeftOperand) || OperationHelpers.IsConstant(sum.RightOperand) => Kind.Log,
                    _ => Kind.Other,
                };
            }

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide } product:
            {
                Kind left = Classify(symbols, product.LeftOperand, visiting, depth + 1);
                Kind right = Classify(symbols, product.RightOperand, visiting, depth + 1);
                bool divide = product.OperatorKind == BinaryOperatorKind.Divide;
                if (left == Kind.Log && right == Kind.Scalar && IsPositiveScale(product.RightOperand))
                {
                    return Kind.Log; // log(p) / T, log(p) * k: a power of p.
                }

                return !divide && left == Kind.Scalar && right == Kind.Log && IsPositiveScale(product.LeftOperand) ? Kind.Log : Kind.Other;
            }

            case ILocalReferenceOperation local:
                return Variable(symbols, local.Local, operation, visiting, depth);
            case IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: false }:
                return Kind.Scalar;
            case IArrayElementReferenceOperation element when OperationHelpers.Unwrap(element.ArrayReference) is ILocalReferenceOperation array:
                return Variable(symbols, array.Local, operation, visiting, depth);
            default:
                return Kind.Other;
        }
    }

    /// <summary>A constant that is positive, or a plain variable (a temperature): not a negation.</summary>
    private static bool IsPositiveScale(IOperation operation) =>
        OperationHelpers.ConstantNumber(operation) is double constant ? constant > 0 : OperationHelpers.Unwrap(operation) is not IUnaryOperation;

    /// <summary>A local (or the elements of a local array) every write of which in the body is logarithmic.</summary>
    private static Kind Variable(NumericsSymbols symbols, ILocalSymbol local, IOperation use, HashSet<ISymbol> visiting, int depth)
    {
        if (!visiting.Add(local))
        {
            return Kind.Other;
        }

        try
        {
            IOperation? body = use;
            while (body.Parent is not null && body is not (IMethodBodyOperation or IConstructorBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation))
            {
                body = body.Parent;
            }

            bool element = use is IArrayElementReferenceOperation;
            bool any = false;
            foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
            {
                IOperation? value = null;
                switch (node)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        if (element)
                        {
                            continue; // new double[n]: the elements are written below.
                        }

                        value = declarator.Initializer?.Value;
                        break;
                    case ISimpleAssignmentOperation assignment when Targets(assignment.Target, local, element):
                        value = assignment.Value;
                        break;
                    case ISimpleAssignmentOperation replaced when element && Targets(replaced.Target, local, element: false):
                        return Kind.Other; // the whole array replaced by one we cannot see into

                    case ICompoundAssignmentOperation compound when Targets(compound.Target, local, element):
                    case IIncrementOrDecrementOperation increment when Targets(increment.Target, local, element):
                    case IArgumentOperation argument when OperationHelpers.Unwrap(argument.Value) is ILocalReferenceOperation passed
                        && SymbolEqualityComparer.Default.Equals(passed.Local, local) && (element || argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out):
                        return Kind.Other;
                    default:
                        continue;
                }

                if (value is null || Classify(symbols, value, visiting, depth + 1) != Kind.Log)
                {
                    return Kind.Other;
                }

                any = true;
            }

            return any ? Kind.Log : Kind.Other;
        }
        finally
        {
            visiting.Remove(local);
        }
    }

    private static bool Targets(IOperation target, ILocalSymbol local, bool element)
    {
        target = OperationHelpers.Unwrap(target);
        if (element)
        {
            return target is IArrayElementReferenceOperation { ArrayReference: var array }
                && OperationHelpers.Unwrap(array) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);
        }

        return target is ILocalReferenceOperation reference2 && SymbolEqualityComparer.Default.Equals(reference2.Local, local);
    }
}
