using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>Safety checks on the sum: every use of it must stay correct when all exponentials are scaled by exp(-max).</summary>
internal static partial class ShiftPlanner
{
    /// <summary>
    /// Every use of the sum is one the shift keeps correct: accumulating it, resetting it to zero, dividing related
    /// exponentials (or where they are stored) by it, or (log-sum-exp) taking its log.
    /// </summary>
    private static bool SumUsesAreSafe(FixContext context, Accumulator accumulator, List<ExpSite> related, HashSet<ISymbol> storage, SumUse use, IReadOnlyCollection<IInvocationOperation> logs, CancellationToken cancellationToken)
    {
        ISymbol? sum = SumSymbol(accumulator);
        if (sum is null)
        {
            // A Sum() call or a normalizing helper: its own use, then what other members read of the storage.
            bool safe = use == SumUse.Divisor && accumulator.Invocation is IInvocationOperation normalizing
                && context.Analysis.Symbols.Summaries.NormalizedParameter(normalizing.TargetMethod) is int normalized and >= 0
                    ? OnlyNormalized(context, normalizing, normalized, related, storage, cancellationToken)
                    : accumulator.Invocation is { } invocation && UseIsSafe(context, invocation, related, storage, use, logs);
            return safe && OtherMembersSeeOnlyInvariants(context, null, reciprocal: false, related, storage, cancellationToken);
        }

        IOperation? body = context.Model.GetOperation(context.Member, cancellationToken);
        if (body is null)
        {
            return false;
        }

        if (!FindReciprocalAssignment(context, body, sum, use, out ISimpleAssignmentOperation? reciprocal))
        {
            return false;
        }

        // The sum or the exponentials kept in fields may be read by other members (a backward pass): only where
        // the shift cancels out.
        if (sum is IFieldSymbol or IPropertySymbol && reciprocal is not null && ExitsBefore(context, reciprocal)
            || !OtherMembersSeeOnlyInvariants(context, sum, reciprocal is not null, related, storage, cancellationToken))
        {
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (OperationHelpers.ReferencedSymbol(node) is not { } symbol || !SymbolEqualityComparer.Default.Equals(symbol, sum)
                || node is not (ILocalReferenceOperation or IFieldReferenceOperation))
            {
                continue;
            }

            IOperation? parent = OperationHelpers.ParentSkippingConversions(node, out IOperation child);
            if (reciprocal is not null)
            {
                // sum = 1 / sum: before it the sum is a sum, after it a reciprocal that may only multiply.
                if (OperationHelpers.DescendantsAndSelf(reciprocal).Contains(node))
                {
                    continue;
                }

                if (node.Syntax.SpanStart > reciprocal.Syntax.Span.End)
                {
                    if (!MultipliesRelated(context, node, related, storage))
                    {
                        return false;
                    }

                    continue;
                }
            }

            if (parent is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound && compound.Target == child)
            {
                continue;
            }

            if (parent is ISimpleAssignmentOperation assignment && assignment.Target == child)
            {
                if (OperationHelpers.ConstantNumber(assignment.Value) == 0
                    || (OperationHelpers.Unwrap(assignment.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add && OperationHelpers.References(add, sum)))
                {
                    continue;
                }

                return false;
            }

            if (parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } selfAdd && parent.Parent is ISimpleAssignmentOperation selfAssignment
                && OperationHelpers.ReferencedSymbol(selfAssignment.Target) is { } selfTarget && SymbolEqualityComparer.Default.Equals(selfTarget, sum))
            {
                continue;
            }

            if (reciprocal is not null)
            {
                // Before sum = 1 / sum the sum may only be compared with 0: dividing by it and then multiplying by its
                // reciprocal would not be invariant under the shift.
                if (!(parent is IBinaryOperation comparison && IsComparisonWithZero(comparison, child)))
                {
                    return false;
                }

                continue;
            }

            if (!UseIsSafe(context, node, related, storage, use, logs))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>return Normalize(e);</c> (a helper of the compilation that divides the elements of its argument by their sum):
    /// exact after the shift when e is a local that holds only the related exponentials and is read nowhere but as that
    /// argument (after an out-of-place helper the local would still hold the shifted values).
    /// </summary>
    private static bool OnlyNormalized(FixContext context, IInvocationOperation call, int ordinal, List<ExpSite> related, HashSet<ISymbol> storage, CancellationToken cancellationToken)
    {
        if (OperationHelpers.Argument(call, ordinal) is not { } argument || OperationHelpers.Unwrap(argument) is not ILocalReferenceOperation { Local: var local }
            || !storage.Contains(local) || context.Model.GetOperation(context.Member, cancellationToken) is not { } body)
        {
            return false;
        }

        foreach (Write write in context.Analysis.WritesOf(local))
        {
            bool creation = !write.Element && write.Node is IVariableDeclaratorOperation && write.Value is { } created
                && OperationHelpers.Unwrap(created) is IArrayCreationOperation { Initializer: null };
            if (!creation && !(write.Element && IsOwnStore(context, write, related)))
            {
                return false;
            }
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local)
                || OperationHelpers.Unwrap(argument) == node)
            {
                continue;
            }

            // e[i] = Math.Exp(...): the store itself.
            if (reference.Parent is IArrayElementReferenceOperation element && element.ArrayReference == reference
                && element.Parent is ISimpleAssignmentOperation store && store.Target == element)
            {
                continue;
            }

            // e.Length in a loop header.
            if (reference.Parent is IPropertyReferenceOperation { Property.Name: "Length" })
            {
                continue;
            }

            return false;
        }

        return true;
    }

    private static bool UseIsSafe(FixContext context, IOperation read, List<ExpSite> related, HashSet<ISymbol> storage, SumUse use, IReadOnlyCollection<IInvocationOperation> logs)
    {
        IOperation current = read;
        for (int depth = 0; depth < 16; depth++)
        {
            IOperation? parent = current.Parent;
            switch (parent)
            {
                case IConversionOperation:
                    current = parent;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } guarded when use == SumUse.Divisor && IsSmallEpsilon(guarded, current):
                    // sum + 1e-8 as the divisor: the shifted sum is at least 1, so the epsilon moves the result by at
                    // most its own size, relatively (a larger constant would not scale with the shift).
                    current = parent;
                    continue;
                case IArgumentOperation { Parent: IInvocationOperation log } when use == SumUse.Log && logs.Contains(log):
                    return true;
                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { IsStatic: true, Name: "IsInfinity" or "IsPositiveInfinity" or "IsFinite" or "IsNaN" } } test }
                    when test.TargetMethod.ContainingType.SpecialType is SpecialType.System_Double or SpecialType.System_Single && test.Arguments.Length == 1:
                    // if (double.IsInfinity(sum)) fallback: the shifted sum is finite (at least 1), so the test only
                    // fired where the original overflowed; NaN sums come from NaN inputs either way.
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division when use == SumUse.Divisor && division.RightOperand == current:
                    return IsNumerator(division.LeftOperand, related, storage)
                        || (OperationHelpers.ConstantNumber(division.LeftOperand) == 1 && ReciprocalIsSafe(context, division, related, storage));
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } scaled when use == SumUse.Divisor && scaled.LeftOperand == current:
                    // double mean = total / pop.Count; ... Exp(...) / mean: the mean scales like the sum.
                    return ScaledSumIsSafe(context, scaled, related, storage);
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound when use == SumUse.Divisor && compound.Value == current:
                    return OperationHelpers.RootSymbol(compound.Target) is { } target && storage.Contains(target);
                case IArgumentOperation { Parent: IInvocationOperation divide, Parameter.Ordinal: 1 } when use == SumUse.Divisor
                    && context.Analysis.Symbols.IsTensorPrimitives(divide.TargetMethod, "Divide"):
                    return OperationHelpers.Argument(divide, 0) is { } numerator && OperationHelpers.RootSymbol(numerator) is { } root && storage.Contains(root);
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation } when read is IInvocationOperation:
                    return true; // checked through the local it is stored in
                case IBinaryOperation comparison when use == SumUse.Divisor && OperationHelpers.Unwrap(current) == read && IsComparisonWithZero(comparison, current):
                    // if (sum == 0) / sum > 0 ? ... : the shifted sum is zero only where the original underflowed.
                    return true;
                case IArgumentOperation { Parent: IInvocationOperation floor } when use == SumUse.Divisor && IsSmallFloor(context, floor, parent):
                    // Math.Max(sum, 1e-12) as the divisor: the shifted sum is at least 1, the floor never binds.
                    current = floor;
                    continue;
                default:
                    // (e * s - e * e) / (s * s): an expression of degree zero in the shift's factor.
                    return use == SumUse.Divisor && OperationHelpers.ReferencedSymbol(read) is { } sum
                        && (IsScaleInvariantUse(read, sum, related, storage, context) || IsDerivedLocalUse(context, read, sum, related, storage));
            }
        }

        return false;
    }

    /// <summary>
    /// <c>double mean = sum / c;</c> where c reads neither the sum nor the exponentials, mean is never written again
    /// and only divides related exponentials or their storage: exp(a - m) / (S exp(-m) / c) = exp(a) / (S / c).
    /// </summary>
    private static bool ScaledSumIsSafe(FixContext context, IBinaryOperation division, List<ExpSite> related, HashSet<ISymbol> storage)
    {
        if (OperationHelpers.ParentSkippingConversions(division, out _) is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
            || IsNumerator(division.RightOperand, related, storage)
            || context.Analysis.WritesOf(declarator.Symbol).Any(w => w.Node is not IVariableDeclaratorOperation)
            || context.Model.GetOperation(context.Member) is not { } body)
        {
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol))
            {
                continue;
            }

            IOperation? parent = OperationHelpers.ParentSkippingConversions(node, out IOperation child);
            bool divides = parent switch
            {
                IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } use => use.RightOperand == child && IsNumerator(use.LeftOperand, related, storage),
                ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound => compound.Value == child
                    && OperationHelpers.RootSymbol(compound.Target) is { } target && storage.Contains(target),
                _ => false,
            };
            if (!divides)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A return or throw before <c>sum = 1 / sum</c>: other members could see the sum itself.</summary>
    private static bool ExitsBefore(FixContext context, IOperation reciprocal) =>
        context.Member.DescendantNodes().Any(n => n is ReturnStatementSyntax or ThrowStatementSyntax or ThrowExpressionSyntax or YieldStatementSyntax
            && n.SpanStart < reciprocal.Syntax.SpanStart);

    private static bool ReciprocalIsSafe(FixContext context, IOperation division, List<ExpSite> related, HashSet<ISymbol> storage)
    {
        // inv = 1 / sum, then every use of inv multiplies a related exponential or its storage.
        if (OperationHelpers.ParentSkippingConversions(division, out _) is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            return false;
        }

        foreach (Write write in context.Analysis.WritesOf(declarator.Symbol))
        {
            if (write.Node is not IVariableDeclaratorOperation)
            {
                return false;
            }
        }

        // Every read of the reciprocal multiplies a related exponential or where they are stored.
        SyntaxNode? scope = declarator.Syntax.FirstAncestorOrSelf<BlockSyntax>();
        IOperation? body = scope is null ? null : context.Model.GetOperation(context.Member);
        if (body is null)
        {
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol))
            {
                continue;
            }

            if (!MultipliesRelated(context, node, related, storage))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The read (of a reciprocal of the sum) multiplies a related exponential or where they are stored.</summary>
    private static bool MultipliesRelated(FixContext context, IOperation read, List<ExpSite> related, HashSet<ISymbol> storage)
    {
        IOperation? parent = OperationHelpers.ParentSkippingConversions(read, out IOperation child);
        return parent switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product =>
                IsNumerator(product.LeftOperand == child ? product.RightOperand : product.LeftOperand, related, storage),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Multiply } compound when compound.Value == child =>
                OperationHelpers.RootSymbol(compound.Target) is { } target && storage.Contains(target),
            IArgumentOperation { Parent: IInvocationOperation multiply, Parameter.Ordinal: 1 } when context.Analysis.Symbols.IsTensorPrimitives(multiply.TargetMethod, "Multiply") =>
                OperationHelpers.Argument(multiply, 0) is { } factor && OperationHelpers.RootSymbol(factor) is { } root && storage.Contains(root),
            _ => false,
        };
    }

    /// <summary>
    /// The one statement <c>sum = 1 / sum;</c>, if any (null when none). False when there are several, or it is inside
    /// a loop, a lambda or a local function, or the member jumps with goto, or the sum is read in a lambda or local
    /// function: then "before" and "after" it are not textual.
    /// </summary>
    private static bool FindReciprocalAssignment(FixContext context, IOperation body, ISymbol sum, SumUse use, out ISimpleAssignmentOperation? reciprocal)
    {
        reciprocal = null;
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is ISimpleAssignmentOperation assignment
                && OperationHelpers.ReferencedSymbol(assignment.Target) is { } target && SymbolEqualityComparer.Default.Equals(target, sum)
                && OperationHelpers.Unwrap(assignment.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division
                && OperationHelpers.ConstantNumber(division.LeftOperand) == 1
                && OperationHelpers.ReferencedSymbol(division.RightOperand) is { } divisor && SymbolEqualityComparer.Default.Equals(divisor, sum))
            {
                if (reciprocal is not null || use != SumUse.Divisor)
                {
                    return false;
                }

                reciprocal = assignment;
            }
        }

        if (reciprocal is null)
        {
            return true;
        }

        if (reciprocal.Syntax.Parent is not ExpressionStatementSyntax statement
            || statement.Ancestors().TakeWhile(a => a != context.Member).Any(a => a is ForStatementSyntax or ForEachStatementSyntax
                or WhileStatementSyntax or DoStatementSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            || context.Member.DescendantNodes().Any(n => n is GotoStatementSyntax or LabeledStatementSyntax))
        {
            reciprocal = null;
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (OperationHelpers.ReferencedSymbol(node) is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, sum)
                && node.Syntax.Ancestors().TakeWhile(a => a != context.Member).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            {
                reciprocal = null;
                return false;
            }
        }

        return true;
    }

    private static bool IsNumerator(IOperation numerator, List<ExpSite> related, HashSet<ISymbol> storage)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(numerator))
        {
            foreach (ExpSite site in related)
            {
                if (site.Node == node)
                {
                    return true;
                }
            }

            if (OperationHelpers.ReferencedSymbol(node) is { } symbol && storage.Contains(symbol))
            {
                return true;
            }

            if (OperationHelpers.ElementCollection(node) is { } collection && storage.Contains(collection))
            {
                return true;
            }
        }

        // A lambda parameter over the storage (e.Select(v => v / s)) or a foreach variable over it.
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(numerator))
        {
            if (node is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda })
            {
                for (IOperation? current = node.Parent; current is not null; current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                    {
                        if (OperationHelpers.EnclosingCallOfDelegate(function) is { } call && OperationHelpers.SourceOf(call) is { } source
                            && OperationHelpers.RootSymbol(source) is { } root && storage.Contains(root))
                        {
                            return true;
                        }

                        break;
                    }
                }
            }
        }

        return false;
    }

    private static bool IsComparisonWithZero(IBinaryOperation comparison, IOperation sumSide)
    {
        if (comparison.OperatorKind is not (BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.GreaterThan
            or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual))
        {
            return false;
        }

        IOperation other = comparison.LeftOperand == sumSide ? comparison.RightOperand : comparison.LeftOperand;
        return OperationHelpers.ConstantNumber(other) == 0;
    }

    /// <summary>sum + eps (either order) with a constant 0 &lt; eps &lt;= 1e-3.</summary>
    private static bool IsSmallEpsilon(IBinaryOperation add, IOperation sumSide)
    {
        IOperation other = add.LeftOperand == sumSide ? add.RightOperand : add.LeftOperand;
        return IsEpsilon(other);
    }

    /// <summary>Math.Max(sum, eps) (either order) with a constant 0 &lt; eps &lt;= 1e-4.</summary>
    private static bool IsSmallFloor(FixContext context, IInvocationOperation call, IOperation sumArgument)
    {
        if (!context.Analysis.Symbols.IsMathMember(call.TargetMethod, "Max") || call.Arguments.Length != 2)
        {
            return false;
        }

        IOperation other = call.Arguments[0] == sumArgument ? call.Arguments[1].Value : call.Arguments[0].Value;
        return OperationHelpers.ConstantNumber(other) is double eps && eps > 0 && eps <= 1e-4;
    }
}
