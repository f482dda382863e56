using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>Small, allocation-light helpers over <see cref="IOperation"/> trees. Never throw on incomplete code.</summary>
internal static class OperationHelpers
{
    /// <summary>Strips conversions (implicit and explicit casts) and query syntax (<c>from v in x select f(v)</c> is
    /// the Select call it translates to).</summary>
    public static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case ITranslatedQueryOperation query:
                    operation = query.Operation;
                    continue;
                default:
                    return operation;
            }
        }
    }

    /// <summary>Climbs from an operation through conversions (and query syntax) to the first parent that is not one.</summary>
    public static IOperation? ParentSkippingConversions(IOperation operation, out IOperation child)
    {
        child = operation;
        IOperation? parent = operation.Parent;
        while (parent is IConversionOperation or ITranslatedQueryOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        return parent;
    }

    /// <summary>The local, parameter, field or simple property an operation reads, or null.</summary>
    public static ISymbol? ReferencedSymbol(IOperation operation) => Unwrap(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation || IsElementVariable(field.Instance) => field.Field,
        IPropertyReferenceOperation { Property.IsIndexer: false } property when property.Instance is null or IInstanceReferenceOperation
            || IsElementVariable(property.Instance) => property.Property,
        _ => null,
    };

    /// <summary>
    /// The variable of a foreach loop or the parameter of a lambda (<c>foreach (var a in actions) a.Score = ...</c>,
    /// <c>neurons.ForEach(n =&gt; n.OutVal /= sum)</c>): each loop or lambda declares its own, but they all stand for
    /// the elements of a collection, so a member read through one is the member of every element (the same "variable"
    /// in every loop over the collection).
    /// </summary>
    private static bool IsElementVariable(IOperation instance) => Unwrap(instance) switch
    {
        IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } } => true,
        ILocalReferenceOperation { Local: { IsRef: false } local } => local.DeclaringSyntaxReferences.Length == 1
            && local.DeclaringSyntaxReferences[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.ForEachStatementSyntax,
        _ => false,
    };

    /// <summary>
    /// True when the two operations can never run in one pass through the body: they sit in different sections of one
    /// <c>switch</c>, or in the two branches of one <c>if</c>/<c>?:</c>, and no loop encloses that statement (a loop
    /// would carry a value from one branch to the other around its back edge).
    /// </summary>
    public static bool Exclusive(IOperation first, IOperation second) => Exclusive(first, second, acrossLoops: false);

    /// <summary>
    /// With <paramref name="acrossLoops"/>, true also when a loop encloses the branching statement: the two never run in
    /// one pass through the loop's body (an interpreter's dispatch on a layer kind: <c>if (kind == Softmax) x =
    /// Softmax(x); else if (kind == Log) x = Log(x);</c>), whatever the data makes the passes do.
    /// </summary>
    public static bool Exclusive(IOperation first, IOperation second, bool acrossLoops)
    {
        // Only a switch or an if between them can separate them: most writes and uses share a plain block.
        var ancestors = new List<(IOperation Node, IOperation Child)>();
        IOperation child = first;
        for (IOperation? current = first.Parent; current is not null; current = current.Parent)
        {
            ancestors.Add((current, child));
            child = current;
        }

        child = second;
        for (IOperation? current = second.Parent; current is not null; current = current.Parent)
        {
            int at = -1;
            for (int k = 0; k < ancestors.Count && at < 0; k++)
            {
                at = ancestors[k].Node == current ? k : -1;
            }

            if (at >= 0)
            {
                IOperation firstChild = ancestors[at].Child;
                bool apart = current switch
                {
                    ISwitchOperation => firstChild != child,
                    IConditionalOperation conditional => firstChild != child && firstChild != conditional.Condition && child != conditional.Condition,
                    _ => false,
                };
                if (!apart)
                {
                    return false;
                }

                for (IOperation? above = current.Parent; above is not null; above = above.Parent)
                {
                    if (above is ILoopOperation)
                    {
                        return acrossLoops;
                    }

                    if (above is IMethodBodyOperation or IConstructorBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
                    {
                        break;
                    }
                }

                return true;
            }

            child = current;
        }

        return false;
    }

    /// <summary>For an element access (x[i], x[r, c], x[r][c], list[i], span[i]) the symbol of the outermost collection.</summary>
    public static ISymbol? ElementCollection(IOperation operation) => Unwrap(operation) switch
    {
        IArrayElementReferenceOperation element => RootSymbol(element.ArrayReference),
        IPropertyReferenceOperation { Property.IsIndexer: true } indexer when indexer.Instance is not null => RootSymbol(indexer.Instance),
        { } pointer when PointerOfElement(pointer) is { } address => RootSymbol(address),
        _ => null,
    };

    /// <summary>
    /// <c>p[i]</c> on a pointer (<c>float* p</c>), which IOperation does not model (an operation of kind None whose
    /// first child is the pointer): the pointer, else null.
    /// </summary>
    public static IOperation? PointerOfElement(IOperation operation)
    {
        if (operation.Kind != OperationKind.None || operation.Syntax is not Microsoft.CodeAnalysis.CSharp.Syntax.ElementAccessExpressionSyntax)
        {
            return null;
        }

        foreach (IOperation child in operation.ChildOperations)
        {
            return child.Type is IPointerTypeSymbol ? child : null;
        }

        return null;
    }

    /// <summary>The operation reads the symbol itself (through conversions), not something derived from it.</summary>
    public static bool IsReferenceTo(IOperation? operation, ISymbol symbol) =>
        operation is not null && ReferencedSymbol(operation) is { } referenced && SymbolEqualityComparer.Default.Equals(referenced, symbol);

    /// <summary>The symbol a value is rooted at: the variable itself, the collection of an element, the owner of a member.</summary>
    public static ISymbol? RootSymbol(IOperation operation) => RootSymbol(operation, out _);

    /// <summary>
    /// The symbol a value is rooted at, and the field or property of it the value goes through (<c>prob</c> in
    /// <c>state.prob[i][j]</c>; null when the value is the root or one of its elements).
    /// </summary>
    public static ISymbol? RootSymbol(IOperation operation, out ISymbol? member)
    {
        member = null;
        for (int depth = 0; depth < 16; depth++)
        {
            operation = Unwrap(operation);
            ISymbol? symbol = ReferencedSymbol(operation);
            if (symbol is not null)
            {
                return symbol;
            }

            switch (operation)
            {
                case IArrayElementReferenceOperation element:
                    operation = element.ArrayReference;
                    continue;
                case IPropertyReferenceOperation { Instance: { } instance } property:
                    member = property.Property.IsIndexer ? member : property.Property;
                    operation = instance;
                    continue;
                case IFieldReferenceOperation { Instance: { } owner } field:
                    member = field.Field;
                    operation = owner;
                    continue;
                case { Kind: OperationKind.None } when PointerOfElement(operation) is { } address:
                    operation = address;
                    continue;
                default:
                    member = null;
                    return null;
            }
        }

        member = null;
        return null;
    }

    /// <summary>The type and its base types, most derived first.</summary>
    public static IEnumerable<ITypeSymbol> SelfAndBaseTypes(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            yield return current;
        }
    }

    /// <summary>True when the operation reads <paramref name="symbol"/> anywhere inside it.</summary>
    public static bool References(IOperation operation, ISymbol symbol)
    {
        foreach (IOperation node in DescendantsAndSelf(operation))
        {
            ISymbol? referenced = VariableOf(node);
            if (referenced is not null && SymbolEqualityComparer.Default.Equals(referenced, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The local, parameter, field or (non-indexer) property that this one node reads, if any.</summary>
    public static ISymbol? VariableOf(IOperation node) => node switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation { Property.IsIndexer: false } property => property.Property,
        _ => null,
    };

    /// <summary>
    /// Only reads of variables, parameters, fields, properties and elements, literals and arithmetic: an expression a
    /// fix may evaluate again (or elsewhere) without side effects.
    /// </summary>
    public static bool IsPlainRead(IOperation operation)
    {
        foreach (IOperation node in DescendantsAndSelf(operation))
        {
            if (node is not (ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IArrayElementReferenceOperation
                or ILiteralOperation or IConversionOperation or IBinaryOperation or IUnaryOperation or IInstanceReferenceOperation
                or IPropertyReferenceOperation))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>All symbols (locals, parameters, fields, properties) an operation reads.</summary>
    public static void CollectReferencedSymbols(IOperation operation, HashSet<ISymbol> into)
    {
        foreach (IOperation node in DescendantsAndSelf(operation))
        {
            ISymbol? referenced = VariableOf(node);
            if (referenced is not null)
            {
                into.Add(referenced);
            }
        }
    }

    /// <summary>The targets written anywhere in <paramref name="operation"/>: of assignments (simple, compound,
    /// deconstruction), increments and decrements, and arguments passed by <c>ref</c> or <c>out</c>.</summary>
    public static IEnumerable<IOperation> WriteTargets(IOperation operation)
    {
        foreach (IOperation node in DescendantsAndSelf(operation))
        {
            IOperation? target = node switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            if (target is not null)
            {
                yield return target;
            }
        }
    }

    public static IEnumerable<IOperation> DescendantsAndSelf(IOperation operation)
    {
        var stack = new Stack<IOperation>(16);
        stack.Push(operation);
        while (stack.Count > 0)
        {
            IOperation current = stack.Pop();
            yield return current;
            foreach (IOperation child in current.ChildOperations)
            {
                if (child is not null)
                {
                    stack.Push(child);
                }
            }
        }
    }

    /// <summary>
    /// Two occurrences of the same expression (same syntax) with no assignment or increment inside; with
    /// <paramref name="allowCalls"/> false, calls too are excluded (two calls may return different values).
    /// </summary>
    public static bool SameValue(IOperation left, IOperation right, bool allowCalls)
    {
        left = Unwrap(left);
        right = Unwrap(right);
        if (left.Syntax is null || right.Syntax is null || !left.Syntax.IsEquivalentTo(right.Syntax, topLevel: false))
        {
            return false;
        }

        foreach (IOperation node in DescendantsAndSelf(left))
        {
            if (node is IIncrementOrDecrementOperation or IAssignmentOperation or IInvalidOperation || (!allowCalls && node is IInvocationOperation))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsConstant(IOperation operation) => Unwrap(operation).ConstantValue.HasValue;

    /// <summary>The numeric value of a constant, or null.</summary>
    public static double? ConstantNumber(IOperation operation)
    {
        Optional<object?> constant = Unwrap(operation).ConstantValue;
        if (!constant.HasValue)
        {
            constant = operation.ConstantValue;
        }

        return constant.HasValue ? constant.Value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            decimal m => (double)m,
            short s => s,
            byte b => b,
            _ => null,
        } : null;
    }

    /// <summary>For a lambda parameter or method group passed to a LINQ-like call, that call; else null.</summary>
    public static IInvocationOperation? EnclosingCallOfDelegate(IOperation delegateOperation)
    {
        IOperation? parent = ParentSkippingConversions(delegateOperation, out _);
        if (parent is IDelegateCreationOperation creation)
        {
            parent = ParentSkippingConversions(creation, out _);
        }

        return parent is IArgumentOperation { Parent: IInvocationOperation invocation } ? invocation : null;
    }

    /// <summary>The collection a LINQ-like call works on: the receiver of an extension method, or the instance.</summary>
    public static IOperation? SourceOf(IInvocationOperation invocation)
    {
        if (invocation.Instance is not null)
        {
            return invocation.Instance;
        }

        return invocation.TargetMethod.IsExtensionMethod || invocation.TargetMethod.ReducedFrom is not null
            ? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null)
            : null;
    }

    /// <summary>The argument bound to the parameter of the given ordinal, or null.</summary>
    public static IOperation? Argument(IInvocationOperation invocation, int ordinal)
    {
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument.Value;
            }
        }

        return null;
    }
}
