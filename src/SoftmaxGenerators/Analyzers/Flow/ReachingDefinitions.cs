using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.Analyzers.Flow;

/// <summary>
/// Where a variable read gets its value, walking the statements back from the read: the definition that dominates it
/// (a declaration or an assignment in an enclosing block), clamps on the way (<c>if (x &gt; 50) x = 50;</c>,
/// <c>x = Math.Min(x, 50)</c>), accumulations (<c>d2 += dx * dx</c>), writes that reach around a loop, and the guards
/// of enclosing conditions and early exits. Whatever it does not recognize makes the value unknown.
/// </summary>
internal static class ReachingDefinitions
{
    /// <summary>The range a local or parameter has at <paramref name="use"/>, from its reaching definitions.</summary>
    public static Interval Value(ValueBounds bounds, ISymbol symbol, IOperation use, int depth)
    {
        Interval cap = Interval.Top;
        Interval? loopWrites = null;
        bool accumulates = false;
        IOperation current = use;
        for (int steps = 0; steps < 256 && current.Parent is { } parent; steps++)
        {
            if (parent is IBlockOperation block)
            {
                int index = block.Operations.IndexOf(current);
                for (int k = index - 1; k >= 0; k--)
                {
                    IOperation statement = block.Operations[k];
                    switch (Classify(bounds, symbol, statement, depth, out Interval value))
                    {
                        case WriteShape.None:
                            continue;
                        case WriteShape.Definite:
                            return Finish(value, loopWrites, accumulates).Meet(cap);
                        case WriteShape.CapAbove:
                            cap = cap.Meet(new Interval(double.NegativeInfinity, value.Hi));
                            continue;
                        case WriteShape.CapBelow:
                            cap = cap.Meet(new Interval(value.Lo, double.PositiveInfinity));
                            continue;
                        case WriteShape.AddsNonNegative:
                            accumulates = true;
                            continue;
                        default:
                            return Interval.Top;
                    }
                }
            }
            else if (parent is ILoopOperation loop && current == loop.Body)
            {
                // Writes anywhere in the loop reach this read around the back edge.
                foreach (IOperation node in OperationHelpers.DescendantsAndSelf(loop))
                {
                    Interval? written = WrittenValue(bounds, symbol, node, depth, ref accumulates);
                    if (written is { } range)
                    {
                        loopWrites = loopWrites is { } previous ? previous.Join(range) : range;
                        if (range.IsTop)
                        {
                            return Interval.Top;
                        }
                    }
                }
            }
            else if (parent is IMethodBodyOperation or IConstructorBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                // A parameter's incoming value (a local always has a definition before this): unknown, but clamps on the
                // way still hold.
                break;
            }

            current = parent;
        }

        return Finish(Interval.Top, loopWrites, accumulates).Meet(cap);
    }

    private static Interval Finish(Interval value, Interval? loopWrites, bool accumulates)
    {
        if (loopWrites is { } reaching)
        {
            value = value.Join(reaching);
        }

        return accumulates ? new Interval(value.Lo, double.PositiveInfinity) : value;
    }

    /// <summary>The range of one write of the variable inside a loop, or null when the node does not write it.</summary>
    private static Interval? WrittenValue(ValueBounds bounds, ISymbol symbol, IOperation node, int depth, ref bool accumulates)
    {
        switch (node)
        {
            case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, symbol):
                return declarator.Initializer?.Value is { } initial ? bounds.EvaluateAt(initial, depth) : null;
            case ISimpleAssignmentOperation assignment when OperationHelpers.IsReferenceTo(assignment.Target, symbol):
                return bounds.EvaluateAt(assignment.Value, depth);
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound when OperationHelpers.IsReferenceTo(compound.Target, symbol):
                if (bounds.EvaluateAt(compound.Value, depth).IsNonNegative)
                {
                    accumulates = true;
                    return null;
                }

                return Interval.Top;
            case ICompoundAssignmentOperation compound when OperationHelpers.IsReferenceTo(compound.Target, symbol):
                return Interval.Top;
            case IIncrementOrDecrementOperation { Kind: OperationKind.Increment } counter when OperationHelpers.IsReferenceTo(counter.Target, symbol):
                // i++ keeps the lower bound (a loop counter from 0 stays >= 0).
                accumulates = true;
                return null;
            case IIncrementOrDecrementOperation increment when OperationHelpers.IsReferenceTo(increment.Target, symbol):
                return Interval.Top;
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when OperationHelpers.IsReferenceTo(argument.Value, symbol):
                return Interval.Top;
            case IDeclarationExpressionOperation or IDeconstructionAssignmentOperation when OperationHelpers.References(node, symbol):
                return Interval.Top;
            default:
                return null;
        }
    }

    private enum WriteShape
    {
        None,
        Definite,
        CapAbove,
        CapBelow,
        AddsNonNegative,
        Unknown,
    }

    private static WriteShape Classify(ValueBounds bounds, ISymbol symbol, IOperation statement, int depth, out Interval value)
    {
        value = Interval.Top;
        if (!Writes(statement, symbol))
        {
            return WriteShape.None;
        }

        switch (statement)
        {
            case IVariableDeclarationGroupOperation group:
                foreach (IVariableDeclarationOperation declaration in group.Declarations)
                {
                    foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
                    {
                        if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, symbol))
                        {
                            IOperation? initial = declarator.Initializer?.Value ?? declaration.Initializer?.Value;
                            if (initial is null)
                            {
                                return WriteShape.Unknown;
                            }

                            value = bounds.EvaluateAt(initial, depth);
                            return WriteShape.Definite;
                        }
                    }
                }

                return WriteShape.Unknown;
            case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment } when OperationHelpers.IsReferenceTo(assignment.Target, symbol):
                value = bounds.EvaluateAt(assignment.Value, depth);
                return WriteShape.Definite;
            case IExpressionStatementOperation { Operation: ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound } when OperationHelpers.IsReferenceTo(compound.Target, symbol):
                return bounds.EvaluateAt(compound.Value, depth).IsNonNegative ? WriteShape.AddsNonNegative : WriteShape.Unknown;
            case IConditionalOperation { WhenFalse: null } conditional when OnlyAssigns(conditional.WhenTrue, symbol, out IOperation? assigned):
            {
                // if (x > C) x = C;  leaves x <= C.   if (x < C) x = C;  leaves x >= C.
                Interval whenTrue = Conditions.Constraint(bounds, conditional.Condition, symbol, truth: true, depth);
                Interval set = bounds.EvaluateAt(assigned!, depth);
                if (!double.IsInfinity(whenTrue.Lo) && set.Hi <= whenTrue.Lo)
                {
                    value = new Interval(double.NegativeInfinity, whenTrue.Lo);
                    return WriteShape.CapAbove;
                }

                if (!double.IsInfinity(whenTrue.Hi) && set.Lo >= whenTrue.Hi)
                {
                    value = new Interval(whenTrue.Hi, double.PositiveInfinity);
                    return WriteShape.CapBelow;
                }

                return WriteShape.Unknown;
            }

            case ILoopOperation loop:
            {
                // A loop that only accumulates non-negative terms (d2 += dx * dx).
                bool accumulates = false;
                foreach (IOperation node in OperationHelpers.DescendantsAndSelf(loop))
                {
                    if (WrittenValue(bounds, symbol, node, depth, ref accumulates) is not null)
                    {
                        return WriteShape.Unknown;
                    }
                }

                return accumulates ? WriteShape.AddsNonNegative : WriteShape.Unknown;
            }

            default:
                return WriteShape.Unknown;
        }
    }

    private static bool OnlyAssigns(IOperation operation, ISymbol symbol, out IOperation? value)
    {
        value = null;
        if (operation is IBlockOperation { Operations.Length: 1 } block)
        {
            operation = block.Operations[0];
        }

        if (operation is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment } && OperationHelpers.IsReferenceTo(assignment.Target, symbol))
        {
            value = assignment.Value;
            return true;
        }

        return false;
    }

    private static bool Writes(IOperation statement, ISymbol symbol)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(statement))
        {
            switch (node)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, symbol):
                case ISimpleAssignmentOperation assignment when OperationHelpers.IsReferenceTo(assignment.Target, symbol):
                case ICompoundAssignmentOperation compound when OperationHelpers.IsReferenceTo(compound.Target, symbol):
                case IIncrementOrDecrementOperation increment when OperationHelpers.IsReferenceTo(increment.Target, symbol):
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when OperationHelpers.IsReferenceTo(argument.Value, symbol):
                case IDeconstructionAssignmentOperation deconstruction when OperationHelpers.References(deconstruction.Target, symbol):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Constraints on the variable from the conditions that must hold where <paramref name="use"/> runs: the branch of
    /// an enclosing <c>if</c> or <c>?:</c>, the body of a <c>while</c>/<c>for</c>, and earlier <c>if (...) return;</c>
    /// style exits in enclosing blocks (until a statement that writes the variable).
    /// </summary>
    public static Interval Guards(ValueBounds bounds, ISymbol symbol, IOperation use, int depth)
    {
        Interval constraint = Interval.Top;
        bool written = false;
        IOperation current = use;
        for (int steps = 0; steps < 256 && current.Parent is { } parent; steps++)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when current == conditional.WhenTrue && !written:
                    constraint = constraint.Meet(Conditions.Constraint(bounds, conditional.Condition, symbol, truth: true, depth));
                    break;
                case IConditionalOperation conditional when current == conditional.WhenFalse && !written:
                    constraint = constraint.Meet(Conditions.Constraint(bounds, conditional.Condition, symbol, truth: false, depth));
                    break;
                case IWhileLoopOperation { ConditionIsTop: true, ConditionIsUntil: false, Condition: { } condition } loop when current == loop.Body && !LoopWrites(loop, symbol):
                    constraint = constraint.Meet(Conditions.Constraint(bounds, condition, symbol, truth: true, depth));
                    break;
                case IBlockOperation block when !written:
                    int index = block.Operations.IndexOf(current);
                    for (int k = index - 1; k >= 0; k--)
                    {
                        IOperation statement = block.Operations[k];
                        if (statement is IConditionalOperation { WhenFalse: null } exit && Exits(exit.WhenTrue) && !Writes(exit, symbol))
                        {
                            constraint = constraint.Meet(Conditions.Constraint(bounds, exit.Condition, symbol, truth: false, depth));
                            continue;
                        }

                        if (Writes(statement, symbol))
                        {
                            written = true;
                            break;
                        }
                    }

                    break;
                case IForLoopOperation { Condition: { } condition } loop when current == loop.Body && !Writes(loop.Body, symbol):
                    // The condition is tested after the increment and before every run of the body.
                    constraint = constraint.Meet(Conditions.Constraint(bounds, condition, symbol, truth: true, depth));
                    break;
                case ILoopOperation loop when current == loop.Body && LoopWrites(loop, symbol):
                    written = true;
                    break;
                case IMethodBodyOperation or IConstructorBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return constraint;
            }

            current = parent;
        }

        return constraint;
    }

    private static bool LoopWrites(ILoopOperation loop, ISymbol symbol) => Writes(loop, symbol);

    /// <summary>The branch always leaves: return, throw, break or continue as its last statement.</summary>
    internal static bool Exits(IOperation operation)
    {
        if (operation is IBlockOperation { Operations.Length: > 0 } block)
        {
            operation = block.Operations[block.Operations.Length - 1];
        }

        return operation is IReturnOperation or IThrowOperation or IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue }
            or IExpressionStatementOperation { Operation: IThrowOperation };
    }
}
