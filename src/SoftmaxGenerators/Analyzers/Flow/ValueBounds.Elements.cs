using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.Analyzers.Flow;

/// <summary>Ranges of collection elements: arrays filled in the body, the element just stored, and the guards of
/// enclosing conditions on an element.</summary>
internal sealed partial class ValueBounds
{
    /// <summary>
    /// What the enclosing <c>if</c>/<c>?:</c> conditions say about an element read (<c>if (x[j] &gt; 0) ... else
    /// Exp(x[j]) - 1</c>: an ELU), as long as the branch writes neither the collection nor the index variables.
    /// </summary>
    private Interval ElementGuards(IOperation element, int depth)
    {
        Interval constraint = Interval.Top;
        IOperation current = element;
        for (int steps = 0; steps < 64 && current.Parent is { } parent; steps++)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when current == conditional.WhenTrue || current == conditional.WhenFalse:
                    if (!WritesInputsOf(current, element))
                    {
                        constraint = constraint.Meet(Conditions.Constraint(this, conditional.Condition, element, current == conditional.WhenTrue, depth));
                    }

                    break;
                case IMethodBodyOperation or IConstructorBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return constraint;
            }

            current = parent;
        }

        return constraint;
    }

    /// <summary>Whether <paramref name="region"/> assigns or increments a variable that <paramref name="element"/>
    /// reads (its collection, its indices).</summary>
    private static bool WritesInputsOf(IOperation region, IOperation element)
    {
        var inputs = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(element, inputs);
        if (OperationHelpers.RootSymbol(element) is { } root)
        {
            inputs.Add(root);
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(region))
        {
            IOperation? target = node switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                _ => null,
            };
            if (target is not null && OperationHelpers.RootSymbol(target) is { } written && inputs.Contains(written))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The elements of an array local filled in this body: the join of every value stored into it.</summary>
    private Interval Elements(IArrayElementReferenceOperation element, int depth)
    {
        if (PrecedingStore(element) is { } justStored)
        {
            // _dsqr[k] = diff * diff; dist += _dsqr[k];  the element was just written.
            return Evaluate(justStored, depth + 1);
        }

        if (OperationHelpers.ReferencedSymbol(element.ArrayReference) is not ILocalSymbol array)
        {
            return Interval.Top;
        }

        IOperation? body = Body(element);
        if (body is null || !_active.Add((array, body)))
        {
            return Interval.Top;
        }

        try
        {
            Interval? joined = null;
            foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
            {
                Interval? stored = node switch
                {
                    ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation target } assignment when IsArray(target.ArrayReference, array)
                        => Evaluate(assignment.Value, depth + 1),
                    ICompoundAssignmentOperation { Target: IArrayElementReferenceOperation compoundTarget } when IsArray(compoundTarget.ArrayReference, array) => Interval.Top,
                    IIncrementOrDecrementOperation { Target: IArrayElementReferenceOperation incremented } when IsArray(incremented.ArrayReference, array) => Interval.Top,
                    IArgumentOperation argument when IsArray(argument.Value, array) => Interval.Top,
                    IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, array)
                        => declarator.Initializer?.Value is { } initial && OperationHelpers.Unwrap(initial) is IArrayCreationOperation creation
                            ? (creation.Initializer is { } values ? Join(values, depth) : Interval.Exactly(0))
                            : Interval.Top,
                    ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } when SymbolEqualityComparer.Default.Equals(local.Local, array) => Interval.Top,
                    _ => null,
                };
                if (stored is { } range)
                {
                    joined = joined is { } previous ? previous.Join(range) : range;
                    if (joined.Value.IsTop)
                    {
                        return Interval.Top;
                    }
                }
            }

            return joined ?? Interval.Top;
        }
        finally
        {
            _active.Remove((array, body));
        }
    }

    /// <summary>The value stored into the same element by an earlier statement of the same block, when nothing the
    /// element expression reads is written in between.</summary>
    private static IOperation? PrecedingStore(IArrayElementReferenceOperation element)
    {
        IOperation current = element;
        while (current.Parent is { } parent && parent is not IBlockOperation)
        {
            if (parent is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation or IConditionalOperation)
            {
                return null;
            }

            current = parent;
        }

        if (current.Parent is not IBlockOperation block)
        {
            return null;
        }

        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(element, read);
        for (int k = block.Operations.IndexOf(current) - 1; k >= 0; k--)
        {
            IOperation statement = block.Operations[k];
            if (statement is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment } && SameValue(assignment.Target, element))
            {
                return assignment.Value;
            }

            foreach (IOperation node in OperationHelpers.DescendantsAndSelf(statement))
            {
                IOperation? target = node switch
                {
                    IAssignmentOperation written => written.Target,
                    IIncrementOrDecrementOperation changed => changed.Target,
                    _ => null,
                };
                if (target is not null && (OperationHelpers.RootSymbol(target) is { } symbol && read.Contains(symbol) || node is IInvocationOperation))
                {
                    return null;
                }
            }
        }

        return null;
    }

    private Interval Join(IArrayInitializerOperation values, int depth)
    {
        Interval? joined = null;
        foreach (IOperation value in values.ElementValues)
        {
            Interval range = value is IArrayInitializerOperation nested ? Join(nested, depth) : Evaluate(value, depth + 1);
            joined = joined is { } previous ? previous.Join(range) : range;
        }

        return joined ?? Interval.Exactly(0);
    }

    private static bool IsArray(IOperation operation, ILocalSymbol array) =>
        OperationHelpers.Unwrap(operation) is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, array);

    private static IOperation? Body(IOperation operation)
    {
        IOperation? body = null;
        for (IOperation? current = operation; current is not null; current = current.Parent)
        {
            if (current is IMethodBodyOperation or IConstructorBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return current;
            }

            body = current;
        }

        return body;
    }
}
