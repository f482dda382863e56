using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>
/// A hand-written, numerically stable softmax in consecutive statements of one block, as the SMX0001 fix writes it:
/// <code>
/// T max = T.NegativeInfinity;                 // or T max = x.Max(); / TensorPrimitives.Max(x); without the loop
/// for (int i = 0; i &lt; x.Length; i++) max = Math.Max(max, x[i]);   // or foreach (var v in x) ...
/// for (int i = 0; i &lt; x.Length; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; }
/// [T inv = 1 / sum;]
/// for (int i = 0; i &lt; y.Length; i++) y[i] /= sum;                // or y[i] *= inv, y[i] = y[i] / sum
/// </code>
/// or with the exponential computed twice (<c>sum += Math.Exp(x[i] - max)</c>, then <c>y[i] = Math.Exp(x[i] - max) / sum</c>),
/// where <c>sum</c> is declared earlier in the block as 0 and <c>max</c>, <c>sum</c> and <c>inv</c> are used nowhere else.
/// </summary>
internal sealed class StableLoopSoftmax
{
    private StableLoopSoftmax(IOperation source, IOperation destination, ImmutableArray<IOperation> statements, IOperation sumDeclaration, int length, bool mayBeEmpty)
    {
        Source = source;
        Destination = destination;
        Statements = statements;
        SumDeclaration = sumDeclaration;
        Length = length;
        MayBeEmpty = mayBeEmpty;
    }

    /// <summary>A reference to the input buffer (a local or parameter).</summary>
    public IOperation Source { get; }

    /// <summary>A reference to the output buffer (a local or parameter; may be the input).</summary>
    public IOperation Destination { get; }

    /// <summary>The consecutive statements of the softmax, first to last (the maximum's declaration first).</summary>
    public ImmutableArray<IOperation> Statements { get; }

    /// <summary>The declaration of the sum, earlier in the same block.</summary>
    public IOperation SumDeclaration { get; }

    /// <summary>The constant row length N, or 0 (<see cref="Diagnostics.SoftmaxUsageRules.RuntimeLength"/>) when the
    /// buffers provably have the same length but it is known only at run time.</summary>
    public int Length { get; }

    /// <summary>
    /// A run-time length that may be 0: the loops then write nothing, where the generated kernel throws, so the call must
    /// be guarded. False when a check excludes empty buffers, or when the maximum is a <c>Max</c> call (which throws on
    /// an empty buffer itself).
    /// </summary>
    public bool MayBeEmpty { get; }

    /// <summary>Matches the softmax whose summed exponential is <paramref name="exp"/>; null when it is not one.</summary>
    public static StableLoopSoftmax? Match(IInvocationOperation exp, NumericsSymbols symbols, ConstantLengths lengths)
    {
        if (!symbols.IsScalarExp(exp.TargetMethod) || exp.Arguments.Length != 1 || exp.Syntax.ContainsDiagnostics)
        {
            return null;
        }

        // The loop that holds the exponential, directly in a block.
        IOperation? loopOperation = exp.Parent;
        while (loopOperation is not null and not ILoopOperation)
        {
            loopOperation = loopOperation.Parent;
        }

        if (loopOperation is not ILoopOperation expLoop || expLoop.Parent is not IBlockOperation block)
        {
            return null;
        }

        int index = block.Operations.IndexOf(expLoop);
        if (index < 1)
        {
            return null;
        }

        // The maximum: a declaration and a loop, or one declaration that calls Max.
        int maxIndex = index - 1;
        ILocalSymbol? max = null;
        ISymbol? maxOf = null;
        if (index >= 2 && DeclaredLocal(block.Operations[index - 2], out IVariableDeclaratorOperation? maxDeclarator) is { } loopMax
            && IsNegativeInfinity(maxDeclarator!.GetVariableInitializer()?.Value)
            && MaxLoopCollection(block.Operations[index - 1], loopMax, symbols) is { } collection)
        {
            max = loopMax;
            maxOf = collection;
            maxIndex = index - 2;
        }
        else if (DeclaredLocal(block.Operations[index - 1], out IVariableDeclaratorOperation? callDeclarator) is { } callMax
            && MaxCallCollection(callDeclarator!.GetVariableInitializer()?.Value, symbols) is { } called)
        {
            max = callMax;
            maxOf = called;
        }

        if (max is null || maxOf is null)
        {
            return null;
        }

        // The exponential loop: stored (y[i] = exp(x[i] - max); sum += y[i]) or summed directly.
        if (!LoopBody(expLoop, out ImmutableArray<IOperation> body, out ILocalSymbol? index1))
        {
            return null;
        }

        ISymbol? source;
        ISymbol? destination = null;
        ILocalSymbol? sum;
        bool stored;
        if (body.Length == 2
            && body[0] is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation store }
            && Element(store.Target, index1) is { } storedIn
            && ShiftedExp(store.Value, max, index1, expLoop, symbols) is { } read
            && SumOf(body[1], out IOperation? added) is { } storedSum
            && Element(added!, index1) is { } summedElement
            && SymbolEqualityComparer.Default.Equals(summedElement, storedIn)
            && index1 is not null)
        {
            source = read;
            destination = storedIn;
            sum = storedSum;
            stored = true;
        }
        else if (body.Length == 1 && SumOf(body[0], out IOperation? term) is { } directSum
            && ShiftedExp(term!, max, index1, expLoop, symbols) is { } directRead)
        {
            source = directRead;
            sum = directSum;
            stored = false;
        }
        else
        {
            return null;
        }

        if (!SymbolEqualityComparer.Default.Equals(source, maxOf))
        {
            return null;
        }

        // Optional reciprocal, then the normalizing loop.
        int next = index + 1;
        ILocalSymbol? inverse = null;
        if (next < block.Operations.Length && DeclaredLocal(block.Operations[next], out IVariableDeclaratorOperation? inverseDeclarator) is { } inv
            && inverseDeclarator!.GetVariableInitializer()?.Value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } reciprocal
            && OperationHelpers.ConstantNumber(reciprocal.LeftOperand) == 1
            && IsLocal(reciprocal.RightOperand, sum))
        {
            inverse = inv;
            next++;
        }

        if (next >= block.Operations.Length || block.Operations[next] is not IForLoopOperation normalizeLoop
            || !LoopBody(normalizeLoop, out ImmutableArray<IOperation> normalizeBody, out ILocalSymbol? index2)
            || index2 is null || normalizeBody.Length != 1
            || normalizeBody[0] is not IExpressionStatementOperation { Operation: { } normalize })
        {
            return null;
        }

        ISymbol? normalized = stored
            ? NormalizedInPlace(normalize, index2, sum, inverse)
            : inverse is null ? NormalizedFromExp(normalize, index2, sum, max, normalizeLoop, symbols, source) : null;
        if (normalized is null || (destination is not null && !SymbolEqualityComparer.Default.Equals(normalized, destination)))
        {
            return null;
        }

        destination = normalized;

        // The sum starts at 0 in a declaration earlier in the block.
        IOperation? sumDeclaration = null;
        for (int i = 0; i < maxIndex; i++)
        {
            if (DeclaredLocal(block.Operations[i], out IVariableDeclaratorOperation? sumDeclarator) is { } declared
                && SymbolEqualityComparer.Default.Equals(declared, sum))
            {
                sumDeclaration = OperationHelpers.ConstantNumber(sumDeclarator!.GetVariableInitializer()?.Value ?? block) == 0 ? block.Operations[i] : null;
                break;
            }
        }

        if (sumDeclaration is null)
        {
            return null;
        }

        var statements = ImmutableArray.CreateBuilder<IOperation>();
        for (int i = maxIndex; i <= next; i++)
        {
            statements.Add(block.Operations[i]);
        }

        // Element types: one of float and double for both buffers, the maximum and the sum.
        SpecialType element = ElementType(source);
        if (element == SpecialType.None || ElementType(destination) != element || max.Type.SpecialType != element || sum.Type.SpecialType != element
            || !IsWritable(destination))
        {
            return null;
        }

        // Locals of the softmax are used nowhere else; every loop runs over the whole buffers.
        var allowed = new List<IOperation>(statements) { sumDeclaration };
        if (!OnlyUsedIn(lengths.Root, allowed, max, sum, inverse))
        {
            return null;
        }

        IOperation? sourceReference = FirstReference(expLoop, source);
        IOperation? destinationReference = FirstReference(block.Operations[next], destination);
        if (sourceReference is null || destinationReference is null)
        {
            return null;
        }

        // A constant length N of both buffers, else one length known at run time (the same variable, created or checked
        // with the same size; see ConstantLengths.SameLength).
        int? sourceLength = lengths.LengthOf(sourceReference);
        int? destinationLength = lengths.LengthOf(destinationReference);
        int n;
        if (sourceLength is int constant && destinationLength == constant)
        {
            n = constant;
        }
        else if (SymbolEqualityComparer.Default.Equals(source, destination) || lengths.SameLength(sourceReference, destinationReference))
        {
            // One of them may still be a constant (y = new T[x.Length] with x = new T[10]).
            n = sourceLength ?? destinationLength ?? Diagnostics.SoftmaxUsageRules.RuntimeLength;
        }
        else
        {
            return null;
        }

        if (n < 0 || n > Diagnostics.UsageDescriptors.MaxLength || (n == 0 && (sourceLength == 0 || destinationLength == 0)))
        {
            return null;
        }

        foreach (IOperation statement in statements)
        {
            if (statement is IForLoopOperation loop && !RunsOverAll(loop, n, source, destination, lengths, sourceReference, destinationReference))
            {
                return null;
            }
        }

        bool mayBeEmpty = n == Diagnostics.SoftmaxUsageRules.RuntimeLength && maxIndex == index - 2
            && !lengths.NonEmpty(sourceReference) && !lengths.NonEmpty(destinationReference);
        return new StableLoopSoftmax(sourceReference, destinationReference, statements.ToImmutable(), sumDeclaration, n, mayBeEmpty);
    }

    private static ILocalSymbol? DeclaredLocal(IOperation statement, out IVariableDeclaratorOperation? declarator)
    {
        declarator = null;
        if (statement is IVariableDeclarationGroupOperation { Declarations.Length: 1 } group
            && group.Declarations[0].Declarators.Length == 1)
        {
            declarator = group.Declarations[0].Declarators[0];
            return declarator.Symbol.IsRef ? null : declarator.Symbol;
        }

        return null;
    }

    private static bool IsNegativeInfinity(IOperation? value) =>
        value is not null && OperationHelpers.ConstantNumber(value) is double number && double.IsNegativeInfinity(number);

    /// <summary>The collection of <c>max = Math.Max(max, x[i])</c> in a for loop or <c>max = Math.Max(max, v)</c> in a foreach.</summary>
    private static ISymbol? MaxLoopCollection(IOperation statement, ILocalSymbol max, NumericsSymbols symbols)
    {
        if (statement is not ILoopOperation loop || !LoopBody(loop, out ImmutableArray<IOperation> body, out ILocalSymbol? index)
            || body.Length != 1
            || body[0] is not IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment }
            || !IsLocal(assignment.Target, max)
            || OperationHelpers.Unwrap(assignment.Value) is not IInvocationOperation { Arguments.Length: 2 } call
            || !symbols.IsMathMember(call.TargetMethod, "Max"))
        {
            return null;
        }

        IOperation first = call.Arguments[0].Value;
        IOperation second = call.Arguments[1].Value;
        IOperation? other = IsLocal(first, max) ? second : IsLocal(second, max) ? first : null;
        return other is null ? null : Read(other, index, loop);
    }

    /// <summary>The collection of <c>x.Max()</c> (Enumerable) or <c>TensorPrimitives.Max(x)</c>.</summary>
    private static ISymbol? MaxCallCollection(IOperation? value, NumericsSymbols symbols)
    {
        if (value is null || OperationHelpers.Unwrap(value) is not IInvocationOperation call)
        {
            return null;
        }

        if ((symbols.IsEnumerable(call.TargetMethod, "Max") && call.Arguments.Length == 1)
            || (symbols.IsTensorPrimitives(call.TargetMethod, "Max") && call.Arguments.Length == 1))
        {
            return OperationHelpers.ReferencedSymbol(call.Arguments[0].Value) is { } symbol && symbol is ILocalSymbol or IParameterSymbol ? symbol : null;
        }

        return null;
    }

    /// <summary>The statements of a for loop <c>for (int i = 0; i &lt; ...; i++)</c> or a foreach (index null).</summary>
    private static bool LoopBody(ILoopOperation loop, out ImmutableArray<IOperation> body, out ILocalSymbol? index)
    {
        body = ImmutableArray<IOperation>.Empty;
        index = null;
        switch (loop)
        {
            case IForLoopOperation forLoop:
                if (forLoop.Before.Length != 1 || DeclaredLocal(forLoop.Before[0], out IVariableDeclaratorOperation? declarator) is not { } counter
                    || counter.Type.SpecialType != SpecialType.System_Int32
                    || OperationHelpers.ConstantNumber(declarator!.GetVariableInitializer()?.Value ?? forLoop) != 0
                    || forLoop.AtLoopBottom.Length != 1
                    || !IsIncrement(forLoop.AtLoopBottom[0], counter))
                {
                    return false;
                }

                index = counter;
                break;
            case IForEachLoopOperation:
                break;
            default:
                return false;
        }

        body = loop.Body is IBlockOperation block ? block.Operations : ImmutableArray.Create(loop.Body);
        return true;
    }

    private static bool IsIncrement(IOperation operation, ILocalSymbol counter)
    {
        if (operation is IExpressionStatementOperation statement)
        {
            operation = statement.Operation;
        }

        return operation switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment } increment => IsLocal(increment.Target, counter),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound => IsLocal(compound.Target, counter) && OperationHelpers.ConstantNumber(compound.Value) == 1,
            _ => false,
        };
    }

    /// <summary>
    /// A for loop <c>i &lt; x.Length</c>, <c>i &lt; y.Length</c> or <c>i &lt; N</c>; for a run-time length (0) also
    /// <c>i &lt; n</c> with <c>n</c> provably that length (the size both buffers were created with, <c>int n = x.Length</c>).
    /// </summary>
    private static bool RunsOverAll(IForLoopOperation loop, int length, ISymbol source, ISymbol destination, ConstantLengths lengths, IOperation sourceReference, IOperation destinationReference)
    {
        if (loop.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition
            || loop.Before.Length != 1 || DeclaredLocal(loop.Before[0], out _) is not { } counter
            || !IsLocal(condition.LeftOperand, counter))
        {
            return false;
        }

        IOperation bound = OperationHelpers.Unwrap(condition.RightOperand);
        if (bound is IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance }
            && OperationHelpers.ReferencedSymbol(instance) is { } of
            && (SymbolEqualityComparer.Default.Equals(of, source) || SymbolEqualityComparer.Default.Equals(of, destination)))
        {
            return !Writes(loop.Body, counter);
        }

        if (length == Diagnostics.SoftmaxUsageRules.RuntimeLength)
        {
            return lengths.IsLengthBound(bound, sourceReference, destinationReference) && !Writes(loop.Body, counter);
        }

        return bound.ConstantValue.HasValue && bound.ConstantValue.Value is int constant && constant == length && !Writes(loop.Body, counter);
    }

    private static bool Writes(IOperation operation, ILocalSymbol local)
    {
        foreach (IOperation target in OperationHelpers.WriteTargets(operation))
        {
            if (IsLocal(target, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>x[i] in a for loop (index set), or the loop variable of a foreach over x (index null): returns x.</summary>
    private static ISymbol? Read(IOperation operation, ILocalSymbol? index, ILoopOperation loop)
    {
        if (index is not null)
        {
            return Element(operation, index);
        }

        if (loop is IForEachLoopOperation forEach
            && forEach.Locals.Length == 1
            && IsLocal(operation, forEach.Locals[0])
            && OperationHelpers.ReferencedSymbol(forEach.Collection) is { } collection
            && collection is ILocalSymbol or IParameterSymbol)
        {
            return collection;
        }

        return null;
    }

    /// <summary>x[i] for an array, Span or ReadOnlySpan local or parameter x: returns x.</summary>
    private static ISymbol? Element(IOperation operation, ILocalSymbol? index)
    {
        if (index is null)
        {
            return null;
        }

        operation = OperationHelpers.Unwrap(operation);
        (IOperation? collection, IOperation? at) = operation switch
        {
            IArrayElementReferenceOperation { Indices.Length: 1 } element => (element.ArrayReference, element.Indices[0]),
            IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1, Instance: { } instance } indexer
                when ConstantLengths.IsSpan(instance.Type) => (instance, indexer.Arguments[0].Value),
            _ => (null, null),
        };
        if (collection is null || at is null || !IsLocal(at, index))
        {
            return null;
        }

        ISymbol? symbol = OperationHelpers.Unwrap(collection) switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        return symbol;
    }

    /// <summary><c>Exp(x[i] - max)</c> (or the foreach variable minus max): returns x.</summary>
    private static ISymbol? ShiftedExp(IOperation operation, ILocalSymbol max, ILocalSymbol? index, ILoopOperation loop, NumericsSymbols symbols)
    {
        if (OperationHelpers.Unwrap(operation) is not IInvocationOperation { Arguments.Length: 1 } call
            || !symbols.IsScalarExp(call.TargetMethod)
            || OperationHelpers.Unwrap(call.Arguments[0].Value) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference
            || !IsLocal(difference.RightOperand, max))
        {
            return null;
        }

        return Read(difference.LeftOperand, index, loop);
    }

    /// <summary><c>sum += term;</c> or <c>sum = sum + term;</c>: returns sum.</summary>
    private static ILocalSymbol? SumOf(IOperation statement, out IOperation? term)
    {
        term = null;
        if (statement is not IExpressionStatementOperation { Operation: { } operation })
        {
            return null;
        }

        if (operation is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound
            && OperationHelpers.Unwrap(compound.Target) is ILocalReferenceOperation target)
        {
            term = compound.Value;
            return target.Local;
        }

        if (operation is ISimpleAssignmentOperation { Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add } assignment
            && OperationHelpers.Unwrap(assignment.Target) is ILocalReferenceOperation assigned
            && IsLocal(add.LeftOperand, assigned.Local))
        {
            term = add.RightOperand;
            return assigned.Local;
        }

        return null;
    }

    /// <summary><c>y[i] /= sum</c>, <c>y[i] = y[i] / sum</c>, <c>y[i] *= inv</c>, <c>y[i] = y[i] * inv</c>: returns y.</summary>
    private static ISymbol? NormalizedInPlace(IOperation normalize, ILocalSymbol index, ILocalSymbol sum, ILocalSymbol? inverse)
    {
        BinaryOperatorKind kind = inverse is null ? BinaryOperatorKind.Divide : BinaryOperatorKind.Multiply;
        ILocalSymbol by = inverse ?? sum;
        switch (normalize)
        {
            case ICompoundAssignmentOperation compound when compound.OperatorKind == kind && IsLocal(compound.Value, by):
                return Element(compound.Target, index);
            case ISimpleAssignmentOperation { Value: IBinaryOperation binary } assignment
                when binary.OperatorKind == kind && IsLocal(binary.RightOperand, by)
                && Element(assignment.Target, index) is { } target
                && SymbolEqualityComparer.Default.Equals(Element(binary.LeftOperand, index), target):
                return target;
            default:
                return null;
        }
    }

    /// <summary><c>y[i] = Exp(x[i] - max) / sum</c>: returns y.</summary>
    private static ISymbol? NormalizedFromExp(IOperation normalize, ILocalSymbol index, ILocalSymbol sum, ILocalSymbol max, IForLoopOperation loop, NumericsSymbols symbols, ISymbol source) =>
        normalize is ISimpleAssignmentOperation { Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient } assignment
        && IsLocal(quotient.RightOperand, sum)
        && SymbolEqualityComparer.Default.Equals(ShiftedExp(quotient.LeftOperand, max, index, loop, symbols), source)
            ? Element(assignment.Target, index)
            : null;

    private static bool IsLocal(IOperation operation, ILocalSymbol? local) =>
        local is not null && OperationHelpers.Unwrap(operation) is ILocalReferenceOperation reference
        && SymbolEqualityComparer.Default.Equals(reference.Local, local);

    private static SpecialType ElementType(ISymbol symbol)
    {
        ITypeSymbol? type = symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };
        return type switch
        {
            IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Single or SpecialType.System_Double } array => array.ElementType.SpecialType,
            INamedTypeSymbol named when ConstantLengths.IsSpan(named) && named.TypeArguments[0].SpecialType is SpecialType.System_Single or SpecialType.System_Double
                => named.TypeArguments[0].SpecialType,
            _ => SpecialType.None,
        };
    }

    /// <summary>The output must convert to Span&lt;T&gt;: an array or a Span, not a ReadOnlySpan.</summary>
    private static bool IsWritable(ISymbol symbol)
    {
        ITypeSymbol? type = symbol is ILocalSymbol local ? local.Type : (symbol as IParameterSymbol)?.Type;
        return type is IArrayTypeSymbol || (ConstantLengths.IsSpan(type) && type!.Name == "Span");
    }

    private static IOperation? FirstReference(IOperation within, ISymbol symbol)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(within))
        {
            ISymbol? referenced = node switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (referenced is not null && SymbolEqualityComparer.Default.Equals(referenced, symbol))
            {
                return node;
            }
        }

        return null;
    }

    private static bool OnlyUsedIn(IOperation root, List<IOperation> allowed, ILocalSymbol max, ILocalSymbol sum, ILocalSymbol? inverse)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(root))
        {
            if (node is not ILocalReferenceOperation reference
                || !(SymbolEqualityComparer.Default.Equals(reference.Local, max) || SymbolEqualityComparer.Default.Equals(reference.Local, sum)
                    || (inverse is not null && SymbolEqualityComparer.Default.Equals(reference.Local, inverse))))
            {
                continue;
            }

            bool inside = false;
            foreach (IOperation statement in allowed)
            {
                if (statement.Syntax.SyntaxTree == node.Syntax.SyntaxTree && statement.Syntax.Span.Contains(node.Syntax.Span))
                {
                    inside = true;
                    break;
                }
            }

            if (!inside)
            {
                return false;
            }
        }

        return true;
    }
}
