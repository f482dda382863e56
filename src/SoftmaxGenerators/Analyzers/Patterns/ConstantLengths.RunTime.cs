using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>
/// Lengths known only at run time: whether two buffers provably hold the same number of values, whether a loop bound is
/// that number, and whether a buffer is provably not empty. A buffer's length is named by "keys" that all denote the
/// same number: <c>x.Length</c> itself, the size it was created with (<c>new T[n]</c>, <c>stackalloc T[x.Length]</c>,
/// <c>a.AsSpan(s, n)</c>, <c>s.Slice(s, n)</c>, a span over such an array) and the right side of an earlier length check
/// (<c>if (x.Length != y.Length) throw ...;</c>). A size is a key when it is <c>b.Length</c> or an <c>int</c> local or
/// parameter, each of a variable that is written nowhere else in the body (see <see cref="SymbolLength"/>'s rules);
/// a local initialized from a size has that size's keys too (<c>int n = x.Length;</c>). Two buffers that share a key
/// have the same length. Cheap and certain: no arithmetic, no fields, no flow through other methods.
/// </summary>
internal sealed partial class ConstantLengths
{
    /// <summary>Whether the buffers <paramref name="first"/> and <paramref name="second"/> provably hold the same number of values there.</summary>
    public bool SameLength(IOperation first, IOperation second)
    {
        HashSet<LengthKey> keys = KeysOf(first, first, 0);
        if (keys.Count == 0)
        {
            return false;
        }

        foreach (LengthKey key in KeysOf(second, second, 0))
        {
            if (keys.Contains(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="bound"/> provably evaluates to the length of one of <paramref name="buffers"/> (which have one length).</summary>
    public bool IsLengthBound(IOperation bound, params IOperation[] buffers)
    {
        HashSet<LengthKey> terms = TermKeys(bound, 0);
        if (terms.Count == 0)
        {
            return false;
        }

        foreach (IOperation buffer in buffers)
        {
            foreach (LengthKey key in KeysOf(buffer, buffer, 0))
            {
                if (terms.Contains(key))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the buffer, a local or parameter written nowhere else, is provably not empty there: an earlier statement
    /// leaves when it is (<c>if (x.Length == 0) return;</c>, <c>x.Length &lt; 1</c>, <c>x.IsEmpty</c>, also as an operand
    /// of <c>||</c>; <c>ArgumentOutOfRangeException.ThrowIfZero(x.Length)</c>, <c>ThrowIfNegativeOrZero</c>,
    /// <c>ThrowIfLessThan(x.Length, 1)</c>), or its length is a positive constant.
    /// </summary>
    public bool NonEmpty(IOperation buffer)
    {
        if (LengthOf(buffer) is int n)
        {
            return n > 0;
        }

        if (TrustedVariable(buffer) is not { } symbol)
        {
            return false;
        }

        foreach (IOperation statement in StatementsBefore(buffer))
        {
            if (statement is IExpressionStatementOperation { Operation: IInvocationOperation call }
                && _argumentOutOfRange is not null
                && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, _argumentOutOfRange)
                && call.Arguments.Length >= 1 && IsLengthOf(call.Arguments[0].Value, symbol))
            {
                if (call.TargetMethod.Name is "ThrowIfZero" or "ThrowIfNegativeOrZero"
                    || (call.TargetMethod.Name == "ThrowIfLessThan" && call.Arguments.Length >= 2 && ConstantInt(call.Arguments[1].Value) == 1))
                {
                    return true;
                }
            }

            if (statement is IConditionalOperation { WhenFalse: null, Condition: { } condition, WhenTrue: { } whenTrue } && Leaves(whenTrue)
                && LeavesWhenEmpty(condition, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>x.Length == 0</c>, <c>x.Length &lt; 1</c>, <c>x.Length &lt;= 0</c> (either order), <c>x.IsEmpty</c>, or an operand of <c>||</c> that is.</summary>
    private static bool LeavesWhenEmpty(IOperation condition, ISymbol symbol)
    {
        condition = OperationHelpers.Unwrap(condition);
        if (condition is IPropertyReferenceOperation { Property.Name: "IsEmpty", Instance: { } instance })
        {
            return OperationHelpers.ReferencedSymbol(instance) is { } owner && SymbolEqualityComparer.Default.Equals(owner, symbol);
        }

        if (condition is not IBinaryOperation binary)
        {
            return false;
        }

        if (binary.OperatorKind == BinaryOperatorKind.ConditionalOr)
        {
            return LeavesWhenEmpty(binary.LeftOperand, symbol) || LeavesWhenEmpty(binary.RightOperand, symbol);
        }

        bool left = IsLengthOf(binary.LeftOperand, symbol);
        bool right = IsLengthOf(binary.RightOperand, symbol);
        int? constant = left ? ConstantInt(binary.RightOperand) : right ? ConstantInt(binary.LeftOperand) : null;
        if (constant is not int c)
        {
            return false;
        }

        return (binary.OperatorKind, left) switch
        {
            (BinaryOperatorKind.Equals, _) => c == 0,
            (BinaryOperatorKind.LessThan, true) or (BinaryOperatorKind.GreaterThan, false) => c == 1,
            (BinaryOperatorKind.LessThanOrEqual, true) or (BinaryOperatorKind.GreaterThanOrEqual, false) => c == 0,
            _ => false,
        };
    }

    /// <summary>The keys of a buffer's length: <c>x.Length</c> for a trusted variable, its creation's size, its earlier checks.</summary>
    private HashSet<LengthKey> KeysOf(IOperation value, IOperation use, int depth)
    {
        var keys = new HashSet<LengthKey>();
        if (depth > MaxDepth)
        {
            return keys;
        }

        if (TrustedVariable(value) is { } symbol)
        {
            keys.Add(new LengthKey(symbol, isLength: true));
            if (_initializers!.TryGetValue(symbol, out IOperation? initializer))
            {
                keys.UnionWith(CreationKeys(initializer, depth + 1));
            }

            keys.UnionWith(CheckedKeys(symbol, use, depth + 1));
            return keys;
        }

        keys.UnionWith(CreationKeys(value, depth + 1));
        return keys;
    }

    /// <summary>The size a buffer was created with: <c>new T[n]</c>, <c>stackalloc T[n]</c>, <c>AsSpan(s, n)</c>, <c>Slice(s, n)</c>, spans over a buffer.</summary>
    private HashSet<LengthKey> CreationKeys(IOperation value, int depth)
    {
        var none = new HashSet<LengthKey>();
        if (depth > MaxDepth)
        {
            return none;
        }

        SyntaxNode syntax = value.Syntax;
        while (syntax is ParenthesizedExpressionSyntax parenthesized)
        {
            syntax = parenthesized.Expression;
        }

        if (syntax is StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax { RankSpecifiers: { Count: 1 } ranks }, Initializer: null }
            && ranks[0].Sizes.Count == 1 && value.SemanticModel?.GetOperation(ranks[0].Sizes[0]) is { } size)
        {
            return TermKeys(size, depth + 1);
        }

        IOperation operation = OperationHelpers.Unwrap(value);
        switch (operation)
        {
            case IArrayCreationOperation { DimensionSizes.Length: 1, Initializer: null } creation:
                return TermKeys(creation.DimensionSizes[0], depth + 1);

            case ILocalReferenceOperation or IParameterReferenceOperation:
                return KeysOf(operation, operation, depth + 1);

            case IObjectCreationOperation { Constructor: { Parameters.Length: >= 1 } constructor } creation
                when IsSpan(creation.Type) && constructor.Parameters[0].Type is IArrayTypeSymbol:
                return creation.Arguments.Length switch
                {
                    1 => KeysOf(creation.Arguments[0].Value, creation.Arguments[0].Value, depth + 1),
                    3 => TermKeys(creation.Arguments[2].Value, depth + 1),
                    _ => none,
                };

            case IInvocationOperation invocation when SpanOver(invocation, out IOperation? receiver, out IOperation? length):
                return length is not null ? TermKeys(length, depth + 1)
                    : receiver is not null ? KeysOf(receiver, receiver, depth + 1)
                    : none;

            default:
                return none;
        }
    }

    /// <summary>
    /// <c>a.AsSpan()</c> / <c>s.Slice(...)</c> and the like: the receiver when the span is the whole buffer, the length
    /// argument when there is one. False for <c>AsSpan(start)</c> and <c>Slice(start)</c>, whose length is a difference.
    /// </summary>
    private bool SpanOver(IInvocationOperation invocation, out IOperation? receiver, out IOperation? length)
    {
        receiver = null;
        length = null;
        IMethodSymbol method = invocation.TargetMethod;
        IMethodSymbol definition = method.ReducedFrom ?? method;
        bool asSpan = method.Name == "AsSpan" && _memoryExtensions is not null
            && SymbolEqualityComparer.Default.Equals(definition.ContainingType, _memoryExtensions)
            && definition.Parameters.Length is 1 or 3 && definition.Parameters[0].Type is IArrayTypeSymbol
            && (definition.Parameters.Length == 1
                || (definition.Parameters[1].Type.SpecialType == SpecialType.System_Int32 && definition.Parameters[2].Type.SpecialType == SpecialType.System_Int32));
        bool slice = method.Name == "Slice" && invocation.Instance is not null && IsSpan(method.ContainingType)
            && method.Parameters.Length == 2
            && method.Parameters[0].Type.SpecialType == SpecialType.System_Int32 && method.Parameters[1].Type.SpecialType == SpecialType.System_Int32;
        if (!asSpan && !slice)
        {
            return false;
        }

        int lengthOrdinal = slice ? 1 : method.ReducedFrom is null ? 2 : 1;
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is null)
            {
                return false;
            }

            if (asSpan && method.ReducedFrom is null && argument.Parameter.Ordinal == 0)
            {
                receiver = argument.Value;
            }
            else if (argument.Parameter.Ordinal == lengthOrdinal)
            {
                length = argument.Value;
            }
        }

        receiver ??= invocation.Instance;
        if (asSpan && definition.Parameters.Length == 1)
        {
            return receiver is not null;
        }

        return length is not null;
    }

    /// <summary>The keys of a size: <c>b.Length</c> of a trusted variable, a trusted int local (and its initializer's keys) or parameter.</summary>
    private HashSet<LengthKey> TermKeys(IOperation value, int depth)
    {
        var keys = new HashSet<LengthKey>();
        if (depth > MaxDepth)
        {
            return keys;
        }

        IOperation operation = OperationHelpers.Unwrap(value);
        if (operation is IPropertyReferenceOperation { Property: { Name: "Length", IsIndexer: false }, Instance: { } instance }
            && (instance.Type is IArrayTypeSymbol { Rank: 1 } || IsSpan(instance.Type))
            && TrustedVariable(instance) is { } owner)
        {
            keys.Add(new LengthKey(owner, isLength: true));
            return keys;
        }

        if (operation.Type?.SpecialType == SpecialType.System_Int32 && TrustedVariable(operation) is { } variable)
        {
            keys.Add(new LengthKey(variable, isLength: false));
            if (_initializers!.TryGetValue(variable, out IOperation? initializer))
            {
                keys.UnionWith(TermKeys(initializer, depth + 1));
            }
        }

        return keys;
    }

    /// <summary>The other side of earlier checks <c>if (x.Length != n) throw/return;</c> and <c>ThrowIfNotEqual(x.Length, n)</c>.</summary>
    private HashSet<LengthKey> CheckedKeys(ISymbol symbol, IOperation use, int depth)
    {
        var keys = new HashSet<LengthKey>();
        foreach (IOperation statement in StatementsBefore(use))
        {
            if (statement is IExpressionStatementOperation { Operation: IInvocationOperation call }
                && call.TargetMethod.Name == "ThrowIfNotEqual"
                && _argumentOutOfRange is not null
                && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, _argumentOutOfRange)
                && call.Arguments.Length >= 2)
            {
                AddChecked(call.Arguments[0].Value, call.Arguments[1].Value, symbol, keys, depth);
            }
            else if (statement is IConditionalOperation { WhenFalse: null, Condition: { } condition, WhenTrue: { } whenTrue } && Leaves(whenTrue))
            {
                AddNotEqual(condition, symbol, keys, depth);
            }
        }

        return keys;
    }

    private void AddNotEqual(IOperation condition, ISymbol symbol, HashSet<LengthKey> keys, int depth)
    {
        condition = OperationHelpers.Unwrap(condition);
        if (condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } or)
        {
            AddNotEqual(or.LeftOperand, symbol, keys, depth);
            AddNotEqual(or.RightOperand, symbol, keys, depth);
        }
        else if (condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.NotEquals } notEquals)
        {
            AddChecked(notEquals.LeftOperand, notEquals.RightOperand, symbol, keys, depth);
        }
    }

    private void AddChecked(IOperation left, IOperation right, ISymbol symbol, HashSet<LengthKey> keys, int depth)
    {
        if (IsLengthOf(left, symbol))
        {
            keys.UnionWith(TermKeys(right, depth + 1));
        }
        else if (IsLengthOf(right, symbol))
        {
            keys.UnionWith(TermKeys(left, depth + 1));
        }
    }

    /// <summary>
    /// The statements that run before <paramref name="use"/> in the blocks around it, innermost first; none when the
    /// body has a <c>goto</c> (which could skip them), and none beyond a local function (which can run before them).
    /// </summary>
    private IEnumerable<IOperation> StatementsBefore(IOperation use)
    {
        EnsureWrites();
        if (_hasGoto)
        {
            yield break;
        }

        IOperation child = use;
        for (IOperation? parent = use.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            if (parent is ILocalFunctionOperation)
            {
                yield break;
            }

            if (parent is not IBlockOperation block)
            {
                continue;
            }

            foreach (IOperation statement in block.Operations)
            {
                if (statement == child)
                {
                    break;
                }

                yield return statement;
            }
        }
    }

    /// <summary>A local (not a ref local) or a by-value/in parameter that nothing in the body writes besides its declaration.</summary>
    private ISymbol? TrustedVariable(IOperation value)
    {
        ISymbol? symbol = OperationHelpers.Unwrap(value) switch
        {
            ILocalReferenceOperation { Local: { IsRef: false } local } => local,
            IParameterReferenceOperation { Parameter: { RefKind: RefKind.None or RefKind.In } parameter } => parameter,
            _ => null,
        };
        if (symbol is null)
        {
            return null;
        }

        EnsureWrites();
        return _written!.Contains(symbol) ? null : symbol;
    }

    /// <summary>One name for a run-time number: the length of a buffer variable, or the value of an int variable.</summary>
    private readonly struct LengthKey : IEquatable<LengthKey>
    {
        public LengthKey(ISymbol symbol, bool isLength)
        {
            Symbol = symbol;
            IsLength = isLength;
        }

        public ISymbol Symbol { get; }

        public bool IsLength { get; }

        public bool Equals(LengthKey other) => IsLength == other.IsLength && SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol);

        public override bool Equals(object? obj) => obj is LengthKey other && Equals(other);

        public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Symbol) * 2) + (IsLength ? 1 : 0);
    }
}
