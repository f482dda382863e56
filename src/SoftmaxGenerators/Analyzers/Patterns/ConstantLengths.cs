using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>
/// Proves that a buffer (array, span) has a compile-time constant length at one point of a method body: it was
/// created with that length (<c>new T[N]</c>, an initializer or collection expression of N elements,
/// <c>stackalloc T[N]</c>), is a span over such a buffer (<c>AsSpan()</c>, <c>AsSpan(s, N)</c>, <c>Slice(s, N)</c>,
/// <c>new Span&lt;T&gt;(a)</c>), is a local assigned once from such a value, or is a local or parameter that an earlier
/// statement checked (<c>if (x.Length != N) throw ...;</c>, <c>ArgumentOutOfRangeException.ThrowIfNotEqual(x.Length, N)</c>).
/// A local or parameter that is written anywhere else in the body (assignment, <c>ref</c>/<c>out</c> argument,
/// <c>ref</c> alias, address taken) is never trusted. Readonly array fields of classes count when their initializer
/// has a constant length and no constructor or <c>init</c> accessor mentions them. Never throws on incomplete code.
/// </summary>
internal sealed partial class ConstantLengths
{
    private const int MaxDepth = 8;

    private readonly IOperation _root;
    private readonly INamedTypeSymbol? _memoryExtensions;
    private readonly INamedTypeSymbol? _argumentOutOfRange;
    private HashSet<ISymbol>? _written;
    private Dictionary<ISymbol, IOperation>? _initializers;
    private bool _hasGoto;

    /// <param name="root">The whole body of the member (lambdas and local functions included).</param>
    /// <param name="symbols">The types the proofs use, resolved once per compilation.</param>
    public ConstantLengths(IOperation root, Symbols symbols)
    {
        _root = root;
        _memoryExtensions = symbols.MemoryExtensions;
        _argumentOutOfRange = symbols.ArgumentOutOfRangeException;
    }

    /// <summary>MemoryExtensions (AsSpan) and ArgumentOutOfRangeException (ThrowIfNotEqual), resolved once per compilation.</summary>
    public sealed class Symbols
    {
        public Symbols(Compilation compilation)
        {
            MemoryExtensions = Facts.KnownTypes.MemoryExtensions(compilation);
            ArgumentOutOfRangeException = Facts.KnownTypes.CoreLibrary(compilation, "System.ArgumentOutOfRangeException");
        }

        public INamedTypeSymbol? MemoryExtensions { get; }

        public INamedTypeSymbol? ArgumentOutOfRangeException { get; }
    }

    /// <summary>The whole body this instance analyzes.</summary>
    public IOperation Root => _root;

    /// <summary>The outermost operation of the member that contains <paramref name="operation"/>.</summary>
    public static IOperation RootOf(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    /// <summary>The constant length of the buffer <paramref name="value"/> evaluates to, or null when it is not provable.</summary>
    public int? LengthOf(IOperation value) => LengthOf(value, value, 0);

    private int? LengthOf(IOperation value, IOperation use, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        IOperation operation = OperationHelpers.Unwrap(value);
        if (FromSyntax(value) is int fromSyntax)
        {
            return fromSyntax;
        }

        switch (operation)
        {
            case IArrayCreationOperation { DimensionSizes.Length: 1 } creation:
                return ConstantInt(creation.DimensionSizes[0]);

            case ILocalReferenceOperation { Local: { IsRef: false } local }:
                return SymbolLength(local, use, depth);

            case IParameterReferenceOperation { Parameter: { RefKind: RefKind.None or RefKind.In } parameter }:
                return SymbolLength(parameter, use, depth);

            case IFieldReferenceOperation { Field: { } field }:
                return FieldLength(field, value, depth);

            case IObjectCreationOperation { Constructor: { Parameters.Length: >= 1 } constructor } creation when IsSpan(creation.Type):
                // new Span<T>(array), new Span<T>(array, start, length)
                if (creation.Arguments.Length == 1 && constructor.Parameters[0].Type is IArrayTypeSymbol)
                {
                    return LengthOf(creation.Arguments[0].Value, use, depth + 1);
                }

                return creation.Arguments.Length == 3 && constructor.Parameters[0].Type is IArrayTypeSymbol
                    && ConstantInt(creation.Arguments[1].Value) is int
                    ? ConstantInt(creation.Arguments[2].Value)
                    : null;

            case IInvocationOperation invocation:
                return SliceLength(invocation, use, depth);

            default:
                return null;
        }
    }

    /// <summary>
    /// A readonly array field of a class, declared with a constant-length initializer in this syntax tree
    /// (<c>readonly float[] _x = new float[10];</c>) and never mentioned in a constructor or <c>init</c> accessor of
    /// the class, the only places that can assign it. Structs are excluded: <c>this = ...</c> replaces readonly fields.
    /// </summary>
    private int? FieldLength(IFieldSymbol field, IOperation use, int depth)
    {
        if (!field.IsReadOnly || field.RefKind != RefKind.None || field.Type is not IArrayTypeSymbol
            || field.ContainingType is not { TypeKind: TypeKind.Class } type
            || field.DeclaringSyntaxReferences.Length != 1
            || use.SemanticModel is not { } model)
        {
            return null;
        }

        if (field.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer: { } initializer }
            || initializer.SyntaxTree != model.SyntaxTree
            || model.GetOperation(initializer) is not IFieldInitializerOperation { Value: { } initial })
        {
            return null;
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            foreach (SyntaxNode node in reference.GetSyntax().DescendantNodes())
            {
                SyntaxNode? body = node switch
                {
                    ConstructorDeclarationSyntax constructor => constructor,
                    AccessorDeclarationSyntax accessor when accessor.Keyword.IsKind(SyntaxKind.InitKeyword) => accessor,
                    _ => null,
                };
                if (body is null)
                {
                    continue;
                }

                foreach (SyntaxToken token in body.DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == field.Name)
                    {
                        return null;
                    }
                }
            }
        }

        return LengthOf(initial, initial, depth + 1);
    }

    /// <summary>AsSpan() / AsSpan(start) / AsSpan(start, length) on arrays, Slice(start[, length]) on spans.</summary>
    private int? SliceLength(IInvocationOperation invocation, IOperation use, int depth)
    {
        IMethodSymbol method = invocation.TargetMethod;
        IMethodSymbol definition = method.ReducedFrom ?? method;
        IOperation? receiver;
        int extra; // the number of int arguments after the receiver
        if (method.Name == "AsSpan" && _memoryExtensions is not null
            && SymbolEqualityComparer.Default.Equals(definition.ContainingType, _memoryExtensions)
            && definition.Parameters.Length >= 1 && definition.Parameters[0].Type is IArrayTypeSymbol)
        {
            receiver = null;
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    receiver = method.ReducedFrom is null ? argument.Value : null;
                }
            }

            receiver ??= invocation.Instance;
            extra = definition.Parameters.Length - 1;
            for (int i = 1; i < definition.Parameters.Length; i++)
            {
                if (definition.Parameters[i].Type.SpecialType != SpecialType.System_Int32)
                {
                    return null;
                }
            }
        }
        else if (method.Name == "Slice" && invocation.Instance is { } instance && IsSpan(method.ContainingType)
            && method.Parameters.Length is 1 or 2
            && method.Parameters[0].Type.SpecialType == SpecialType.System_Int32
            && method.Parameters[method.Parameters.Length - 1].Type.SpecialType == SpecialType.System_Int32)
        {
            receiver = instance;
            extra = method.Parameters.Length;
        }
        else
        {
            return null;
        }

        if (receiver is null)
        {
            return null;
        }

        // Arguments by parameter position, whatever the order or names at the call (the receiver of an extension is 0).
        int offset = method.ReducedFrom is null && method.IsStatic ? 1 : 0;
        var ints = new int?[extra];
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            int index = (argument.Parameter?.Ordinal ?? -1) - offset;
            if (argument.Parameter is null || (offset == 1 && argument.Parameter.Ordinal == 0))
            {
                continue;
            }

            if (index < 0 || index >= extra)
            {
                return null;
            }

            ints[index] = ConstantInt(argument.Value);
        }

        switch (extra)
        {
            case 0:
                return LengthOf(receiver, use, depth + 1);
            case 1:
                return ints[0] is int start && LengthOf(receiver, use, depth + 1) is int whole && start >= 0 && start < whole
                    ? whole - start
                    : null;
            case 2:
                return ints[0] is int from && from >= 0 && ints[1] is int length ? length : null;
            default:
                return null;
        }
    }

    private int? SymbolLength(ISymbol symbol, IOperation use, int depth)
    {
        EnsureWrites();
        if (_written!.Contains(symbol))
        {
            return null;
        }

        if (_initializers!.TryGetValue(symbol, out IOperation? initializer) && LengthOf(initializer, initializer, depth + 1) is int length)
        {
            return length;
        }

        return GuardedLength(symbol, use);
    }

    /// <summary>A length check on <paramref name="symbol"/> in a statement that runs before <paramref name="use"/> and leaves otherwise.</summary>
    private int? GuardedLength(ISymbol symbol, IOperation use)
    {
        EnsureWrites();
        if (_hasGoto)
        {
            return null; // a jump could skip the check
        }

        IOperation child = use;
        for (IOperation? parent = use.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            if (parent is ILocalFunctionOperation)
            {
                return null; // a local function can run before the statements that precede its declaration
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

                if (GuardLength(statement, symbol) is int length)
                {
                    return length;
                }
            }
        }

        return null;
    }

    private int? GuardLength(IOperation statement, ISymbol symbol)
    {
        if (statement is IExpressionStatementOperation { Operation: IInvocationOperation call }
            && call.TargetMethod.Name == "ThrowIfNotEqual"
            && _argumentOutOfRange is not null
            && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, _argumentOutOfRange)
            && call.Arguments.Length >= 2)
        {
            IOperation first = call.Arguments[0].Value;
            IOperation second = call.Arguments[1].Value;
            return IsLengthOf(first, symbol) ? ConstantInt(second)
                : IsLengthOf(second, symbol) ? ConstantInt(first)
                : null;
        }

        if (statement is IConditionalOperation { WhenFalse: null, Condition: { } condition, WhenTrue: { } whenTrue } && Leaves(whenTrue))
        {
            return NotEqualLength(condition, symbol);
        }

        return null;
    }

    /// <summary>The N of <c>x.Length != N</c>, also as one operand of <c>||</c>: when the condition is false, x.Length is N.</summary>
    private static int? NotEqualLength(IOperation condition, ISymbol symbol)
    {
        condition = OperationHelpers.Unwrap(condition);
        if (condition is not IBinaryOperation binary)
        {
            return null;
        }

        if (binary.OperatorKind == BinaryOperatorKind.ConditionalOr)
        {
            return NotEqualLength(binary.LeftOperand, symbol) ?? NotEqualLength(binary.RightOperand, symbol);
        }

        if (binary.OperatorKind != BinaryOperatorKind.NotEquals)
        {
            return null;
        }

        return IsLengthOf(binary.LeftOperand, symbol) ? ConstantInt(binary.RightOperand)
            : IsLengthOf(binary.RightOperand, symbol) ? ConstantInt(binary.LeftOperand)
            : null;
    }

    private static bool Leaves(IOperation operation)
    {
        while (operation is IBlockOperation block)
        {
            if (block.Operations.Length == 0)
            {
                return false;
            }

            operation = block.Operations[block.Operations.Length - 1];
        }

        if (operation is IExpressionStatementOperation statement)
        {
            operation = statement.Operation;
        }

        return operation is IThrowOperation or IReturnOperation { Kind: OperationKind.Return };
    }

    private static bool IsLengthOf(IOperation operation, ISymbol symbol) =>
        OperationHelpers.Unwrap(operation) is IPropertyReferenceOperation { Property.Name: "Length", Property.IsIndexer: false, Instance: { } instance }
        && OperationHelpers.ReferencedSymbol(instance) is { } referenced
        && referenced is ILocalSymbol or IParameterSymbol
        && SymbolEqualityComparer.Default.Equals(referenced, symbol);

    /// <summary>stackalloc and collection expressions, which the IOperation API of Roslyn 4.8 does not describe.</summary>
    private static int? FromSyntax(IOperation value)
    {
        SyntaxNode syntax = value.Syntax;
        while (syntax is ParenthesizedExpressionSyntax parenthesized)
        {
            syntax = parenthesized.Expression;
        }

        switch (syntax)
        {
            case StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax { RankSpecifiers: { Count: 1 } ranks } } stackallocation
                when ranks[0].Sizes.Count == 1:
                if (value.SemanticModel is { } model)
                {
                    Optional<object?> size = model.GetConstantValue(ranks[0].Sizes[0]);
                    if (size.HasValue && size.Value is int count)
                    {
                        return count;
                    }
                }

                return stackallocation.Initializer is { } sized && ranks[0].Sizes[0] is OmittedArraySizeExpressionSyntax
                    ? sized.Expressions.Count
                    : null;
            case ImplicitStackAllocArrayCreationExpressionSyntax implicitStackalloc:
                return implicitStackalloc.Initializer.Expressions.Count;
#if ROSLYN4_8_OR_GREATER // collection expressions are C# 12; compilers of the 4.3 band never produce them
            case CollectionExpressionSyntax collection when IsArrayOrSpan(value.Type):
                foreach (CollectionElementSyntax element in collection.Elements)
                {
                    if (element is not ExpressionElementSyntax)
                    {
                        return null;
                    }
                }

                return collection.Elements.Count;
#endif
            default:
                return null;
        }
    }

    private static bool IsArrayOrSpan(ITypeSymbol? type) => type is IArrayTypeSymbol { Rank: 1 } || IsSpan(type);

    /// <summary>System.Span&lt;T&gt; or System.ReadOnlySpan&lt;T&gt;.</summary>
    public static bool IsSpan(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", TypeArguments.Length: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    private static int? ConstantInt(IOperation operation)
    {
        Optional<object?> constant = operation.ConstantValue;
        if (!constant.HasValue)
        {
            constant = OperationHelpers.Unwrap(operation).ConstantValue;
        }

        return constant.HasValue && constant.Value is int value ? value : null;
    }

    /// <summary>One pass over the body: which locals and parameters are written besides their declaration, and their initializers.</summary>
    private void EnsureWrites()
    {
        if (_written is not null)
        {
            return;
        }

        var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var initializers = new Dictionary<ISymbol, IOperation>(SymbolEqualityComparer.Default);
        foreach (IOperation operation in OperationHelpers.DescendantsAndSelf(_root))
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator:
                    if (declarator.GetVariableInitializer() is { Value: { } initial })
                    {
                        initializers[declarator.Symbol] = initial;
                        if (declarator.Symbol.IsRef)
                        {
                            // ref float[] alias = ref a; writes through the alias change a.
                            MarkWritten(initial, written);
                        }
                    }

                    break;
                case ISimpleAssignmentOperation assignment:
                    MarkWritten(assignment.Target, written);
                    if (assignment.IsRef)
                    {
                        MarkWritten(assignment.Value, written);
                    }

                    break;
                case ICompoundAssignmentOperation compound:
                    MarkWritten(compound.Target, written);
                    break;
                case ICoalesceAssignmentOperation coalesce:
                    MarkWritten(coalesce.Target, written);
                    break;
                case IIncrementOrDecrementOperation increment:
                    MarkWritten(increment.Target, written);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (IOperation target in OperationHelpers.DescendantsAndSelf(deconstruction.Target))
                    {
                        MarkWritten(target, written);
                    }

                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                    MarkWritten(argument.Value, written);
                    break;
                case IAddressOfOperation address:
                    MarkWritten(address.Reference, written);
                    break;
                case IReturnOperation { Kind: OperationKind.Return, ReturnedValue: { } returned } when IsRefReturn(returned):
                    MarkWritten(returned, written);
                    break;
                case IForEachLoopOperation loop:
                    foreach (IOperation variable in OperationHelpers.DescendantsAndSelf(loop.LoopControlVariable))
                    {
                        if (variable is IVariableDeclaratorOperation declared)
                        {
                            written.Add(declared.Symbol);
                        }
                        else
                        {
                            MarkWritten(variable, written);
                        }
                    }

                    break;
                case IDeclarationPatternOperation { DeclaredSymbol: { } patternVariable }:
                    written.Add(patternVariable);
                    break;
                case IBranchOperation { BranchKind: BranchKind.GoTo }:
                    _hasGoto = true;
                    break;
            }
        }

        _initializers = initializers;
        _written = written;
    }

    private static bool IsRefReturn(IOperation returned) =>
        returned.Syntax.Parent is RefExpressionSyntax || returned.Syntax is RefExpressionSyntax;

    private static void MarkWritten(IOperation target, HashSet<ISymbol> written)
    {
        target = OperationHelpers.Unwrap(target);
        ISymbol? symbol = target switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        if (symbol is not null)
        {
            written.Add(symbol);
        }
    }
}
