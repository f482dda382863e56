using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Flow;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>Whether an exponent was shifted by a maximum: subtractions, shifting helpers, provenance of variables.</summary>
internal sealed partial class BodyAnalysis
{
    private static bool NameSuggestsShift(string name) => NameSuggestsShiftCore(
        name.IndexOf("softmax", StringComparison.OrdinalIgnoreCase) is int at and >= 0 ? name.Remove(at, "softmax".Length) : name);

    private static bool NameSuggestsShiftCore(string name) =>
        Contains(name, "Max") || Contains(name, "Shift") || Contains(name, "Stable") || Contains(name, "Subtract")
        || Contains(name, "Center") || Contains(name, "Normalize") || Contains(name, "LogSumExp") || Contains(name, "Clamp")
        || Contains(name, "Min") || Contains(name, "Clip");

    private static bool Contains(string text, string part) => text.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>
    /// True when the exponent was, or may have been, shifted by a maximum (or otherwise bounded): any subtraction of a
    /// non-constant value, a call whose name speaks of a max/shift/clamp, a variable or collection that was assigned
    /// such a value or written by a method we cannot see into.
    /// </summary>
    private bool IsShifted(IOperation exponent, HashSet<ISymbol> visited, int depth)
    {
        if (depth > MaxDepth)
        {
            // Out of depth: nothing shows a shift, so the value could be large (unknown is never "safe").
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(exponent))
        {
            switch (node)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } subtraction
                    when !OperationHelpers.IsConstant(subtraction.RightOperand) && !OperationHelpers.IsConstant(subtraction.LeftOperand):
                    // x - max; but 1.0 - f (a constant minus something) shifts nothing, nor does a maximum that is
                    // plainly not the maximum of what is exponentiated (then the operands are looked at as they are).
                    if (!IsMisdirectedMax(subtraction))
                    {
                        return true;
                    }

                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition
                    when IsNegatedVariable(addition.LeftOperand) || IsNegatedVariable(addition.RightOperand):
                    return true;
                case IInvocationOperation invocation when !IsPureMath(invocation.TargetMethod) && CallShifts(invocation.TargetMethod):
                    return true;
                case IInvocationOperation invocation when !IsPureMath(invocation.TargetMethod) && !invocation.TargetMethod.IsStatic && invocation.Instance is not null
                    && OperationHelpers.RootSymbol(invocation.Instance) is { } owner && SymbolIsShifted(owner, visited, depth + 1, invocation):
                    return true;
                case ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation:
                    if (OperationHelpers.ReferencedSymbol(node) is { } symbol && SymbolIsShifted(symbol, visited, depth + 1, node))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>A call in an exponent that shifts or bounds it: a library method by its name (Stabilize(x), x.Max()),
    /// one of this compilation by its returned expressions.</summary>
    private bool CallShifts(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.IsEmpty || method.IsAbstract || Symbols.Summaries.ReturnsShifted(method) is not { } shifted
            ? NameSuggestsShift(method.Name)
            : shifted;

    /// <summary>Math, MathF, double, float and Mathf members: their ranges are the range analysis' business, not names.</summary>
    private bool IsPureMath(IMethodSymbol method) => Symbols.IsMathType(method.ContainingType, genericMath: false);

    private static bool IsNegatedVariable(IOperation operation) =>
        OperationHelpers.Unwrap(operation) is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation
        && !OperationHelpers.IsConstant(negation.Operand);

    /// <summary>Whether a write of the symbol that can reach <paramref name="use"/> shifts it (a write in another
    /// section of the same switch, or the other branch of an if, cannot).</summary>
    private bool SymbolIsShifted(ISymbol symbol, HashSet<ISymbol> visited, int depth, IOperation use)
    {
        if (!visited.Add(symbol))
        {
            return false;
        }

        if (_unsureWrites.Contains(symbol))
        {
            // Written through ref/out by a method that says it shifts (Stabilize(ref x)); any other such write leaves
            // the value unknown, which is not "shifted".
            foreach (Write write in WritesOf(symbol))
            {
                if (OperationHelpers.Exclusive(write.Node, use))
                {
                    continue;
                }

                if (write.Kind == WriteKind.Unknown && write.Node is IArgumentOperation { Parent: IInvocationOperation call }
                    && NameSuggestsShift(call.TargetMethod.Name))
                {
                    return true;
                }
            }
        }

        foreach (Write write in WritesOf(symbol))
        {
            if (OperationHelpers.Exclusive(write.Node, use))
            {
                continue;
            }

            switch (write.Kind)
            {
                case WriteKind.SubtractAssign when write.Value is null || !OperationHelpers.IsConstant(write.Value):
                case WriteKind.Shift:
                    return true;
                case WriteKind.Assign or WriteKind.ForEach when write.Value is not null:
                    if (IsShifted(write.Value, visited, depth + 1))
                    {
                        return true;
                    }

                    break;
            }
        }

        // A lambda parameter: the elements of the collection the lambda runs over.
        if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda })
        {
            IOperation? lambdaOperation = FindLambda(lambda);
            IInvocationOperation? call = lambdaOperation is null ? null : OperationHelpers.EnclosingCallOfDelegate(lambdaOperation);
            IOperation? source = call is null ? null : OperationHelpers.SourceOf(call);
            if (source is not null && IsShifted(source, visited, depth + 1))
            {
                return true;
            }
        }

        return false;
    }

    private IOperation? FindLambda(IMethodSymbol lambda)
    {
        foreach (ExpSite site in ExpSites)
        {
            for (IOperation? current = site.Node; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                {
                    return function;
                }
            }
        }

        foreach (IInvocationOperation log in LogCalls)
        {
            for (IOperation? current = log; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                {
                    return function;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// <c>x[i] - max</c> where <c>max</c> is plainly not the maximum of the elements exponentiated: a running maximum
    /// of another collection that nothing wrote before it was taken (the previous call's output instead of this
    /// call's input), or the maximum of two elements recomputed in a loop without ever reading itself
    /// (<c>max = Math.Max(p[0], p[k])</c>, the first and the latest element only) while the exponent runs over all of
    /// them. Everything else that is subtracted - a mean, a log-sum-exp, a maximum computed in any other way - still
    /// counts as a shift: unsure is never a false alarm here.
    /// </summary>
    private bool IsMisdirectedMax(IBinaryOperation subtraction)
    {
        if (OperationHelpers.Unwrap(subtraction.RightOperand) is not ILocalReferenceOperation { Local: { } max }
            || OperationHelpers.ElementCollection(subtraction.LeftOperand) is not { } exponentiated)
        {
            return false;
        }

        IReadOnlyList<Write> writes = WritesOf(max);
        ISymbol? collection = null;
        int lastMax = -1;
        bool running = false;
        bool pairInLoop = false;
        foreach (Write write in writes)
        {
            if (write.Kind != WriteKind.Assign || write.Element || write.Value is not { } value)
            {
                return false;
            }

            value = OperationHelpers.Unwrap(value);
            if (OperationHelpers.IsConstant(value))
            {
                continue;
            }

            if (OperationHelpers.ElementCollection(value) is { } initial)
            {
                if (!Same(ref collection, initial))
                {
                    return false;
                }

                continue;
            }

            if (value is not IInvocationOperation { TargetMethod.Name: "Max", Arguments.Length: 2 } call || !IsPureMath(call.TargetMethod))
            {
                return false;
            }

            bool readsItself = false;
            foreach (IArgumentOperation argument in call.Arguments)
            {
                IOperation operand = OperationHelpers.Unwrap(argument.Value);
                if (OperationHelpers.IsReferenceTo(operand, max))
                {
                    readsItself = true;
                }
                else if (OperationHelpers.ElementCollection(operand) is not { } element || !Same(ref collection, element))
                {
                    return false;
                }
            }

            running |= readsItself;
            pairInLoop |= !readsItself && InLoop(call);
            lastMax = System.Math.Max(lastMax, call.Syntax.SpanStart);
        }

        if (collection is null || lastMax < 0)
        {
            return false;
        }

        if (!running)
        {
            // The maximum of two elements only, retaken on each turn of a loop, against an exponent that itself runs
            // over the elements in a loop.
            return pairInLoop && SymbolEqualityComparer.Default.Equals(collection, exponentiated) && InLoop(subtraction);
        }

        // A running maximum of another collection: the two must be different variables, and the maximum's collection
        // must hold nothing this body put there before the maximum was taken (no copy of the exponentiated values).
        return !SymbolEqualityComparer.Default.Equals(collection, exponentiated)
            && collection is IParameterSymbol or IFieldSymbol or ILocalSymbol
            && exponentiated is IParameterSymbol or IFieldSymbol or ILocalSymbol
            && !FilledBefore(collection, lastMax);

        static bool Same(ref ISymbol? known, ISymbol symbol)
        {
            known ??= symbol;
            return SymbolEqualityComparer.Default.Equals(known, symbol);
        }

        static bool InLoop(IOperation operation)
        {
            for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is ILoopOperation)
                {
                    return true;
                }

                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }
    }

    /// <summary>Whether the body may have put values into the collection before <paramref name="position"/>: a write
    /// of it or of its elements, a call it is passed to or called on (<c>Array.Copy(input, work, n)</c>), or an alias
    /// (<c>var o = work; o[i] = ...</c>).</summary>
    private bool FilledBefore(ISymbol collection, int position)
    {
        foreach (Write write in WritesOf(collection))
        {
            if (write.Kind == WriteKind.Unknown || write.Node.Syntax.SpanStart < position)
            {
                return true;
            }
        }

        foreach (IInvocationOperation invocation in Invocations)
        {
            if (invocation.Syntax.SpanStart >= position || IsPureMath(invocation.TargetMethod))
            {
                continue;
            }

            if (OperationHelpers.IsReferenceTo(invocation.Instance, collection))
            {
                return true;
            }

            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (OperationHelpers.IsReferenceTo(argument.Value, collection))
                {
                    return true;
                }
            }
        }

        foreach (List<Write> list in _writes.Values)
        {
            foreach (Write write in list)
            {
                if (OperationHelpers.IsReferenceTo(write.Value, collection))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
