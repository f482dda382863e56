using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Facts;
using SoftmaxGenerators.Analyzers.Flow;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>
/// The exponential normalizations of one operation block (a method body with its lambdas and local functions): the
/// exponentials, where they are summed, whether the sums divide something, and what was shifted by a maximum. Shared
/// by the SMX0001-SMX0003 analyzers and their code fixes. Built from <see cref="IOperation"/> only; on incomplete or
/// unusual code every question answers "unsure", and unsure means silent.
/// </summary>
internal sealed partial class BodyAnalysis
{
    private const int MaxDepth = 6;

    private readonly Dictionary<ISymbol, List<Write>> _writes = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _divisorSymbols = new(SymbolEqualityComparer.Default);
    private readonly List<(IOperation Numerator, IOperation Divisor)> _divisions = new();
    private HashSet<ISymbol>? _exponentialHolders;
    private readonly HashSet<ISymbol> _unsureWrites = new(SymbolEqualityComparer.Default);
    private readonly List<(IOperation Target, IOperation Value)> _additions = new();
    private readonly List<IInvocationOperation> _sumCalls = new();
    private readonly List<IInvocationOperation> _summaryCandidates = new();
    private List<(ISymbol Storage, IInvocationOperation Call)>? _normalizingCalls;
    private readonly HashSet<ISymbol> _samplingScales = new(SymbolEqualityComparer.Default);
    private readonly List<IConditionalOperation> _conditionals = new();
    private Dictionary<ExpSite, ImmutableArray<Accumulator>>? _accumulators;

    private BodyAnalysis(NumericsSymbols symbols) => Symbols = symbols;

    public NumericsSymbols Symbols { get; }

    public List<ExpSite> ExpSites { get; } = new();

    public List<IInvocationOperation> LogCalls { get; } = new();

    /// <summary>Log method groups (Select(Math.Log)).</summary>
    public List<IMethodReferenceOperation> LogMethodGroups { get; } = new();

    public List<IInvocationOperation> SoftMaxCalls { get; } = new();

    public List<IInvocationOperation> Invocations { get; } = new();

    /// <summary>The variables holding softmax probabilities, with their producers (computed by
    /// <see cref="LogOfSoftmaxMatcher"/> once per body).</summary>
    internal Dictionary<ISymbol, IInvocationOperation?>? SoftmaxResults { get; set; }

    /// <summary>For a softmax result filled by a callee into one member of an argument (state.Output), that member.</summary>
    internal Dictionary<ISymbol, ISymbol> SoftmaxMembers => _softmaxMembers ??= new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);

    private Dictionary<ISymbol, ISymbol>? _softmaxMembers;

    /// <summary>The member of <paramref name="root"/> a callee filled with probabilities, if one was recorded.</summary>
    internal ISymbol? SoftmaxMemberOf(ISymbol root) => _softmaxMembers is { } members && members.TryGetValue(root, out ISymbol? member) ? member : null;

    private static readonly ConditionalWeakTable<IOperation, Shared> s_shared = new();

    /// <summary>One analysis per operation block, shared by the rules that look at the same body (the analyzer
    /// driver hands every analyzer the same operation trees); null when the blocks hold no exponential, log or SoftMax.
    /// Blocks whose text names none (<see cref="InterestIndex"/>) are not walked at all. Callers lock the result while
    /// they query it: its lazy indexes are not thread-safe.</summary>
    public static BodyAnalysis? GetOrCreate(NumericsSymbols symbols, ImmutableArray<IOperation> blocks)
    {
        IOperation? key = null;
        foreach (IOperation block in blocks)
        {
            if (block is not null)
            {
                key = block;
                break;
            }
        }

        if (key is null || !symbols.Interest.MayBeInteresting(blocks))
        {
            return null;
        }

        Shared shared = s_shared.GetValue(key, static _ => new Shared());
        lock (shared)
        {
            if (!shared.Computed)
            {
                // One walk without allocating per node: is there anything to analyze? Most bodies that name an
                // exponential or a log in their text (a logger's Log, a user's Exp property) have none and stop here.
                bool interesting = false;
                foreach (IOperation block in blocks)
                {
                    if (block is not null && (InterestingAtHits(symbols, block)
                        ?? Walk(block, operation => operation.Kind is OperationKind.Invocation or OperationKind.MethodReference && IsInteresting(symbols, operation))))
                    {
                        interesting = true;
                        break;
                    }
                }

                shared.Analysis = interesting ? Create(symbols, blocks, interesting: true) : null;
                shared.Computed = true;
            }

            return shared.Analysis;
        }
    }

    /// <summary>
    /// Whether a call or method group the text index points at in the block is one the rules start from, found from the
    /// names' positions instead of a walk of the whole block; null when unsure (no semantic model, a tree the index
    /// does not know, a name whose operation cannot be found), and then the block is walked.
    /// </summary>
    private static bool? InterestingAtHits(NumericsSymbols symbols, IOperation block)
    {
        SyntaxNode syntax = block.Syntax;
        if (block.SemanticModel is not { } model || model.SyntaxTree != syntax.SyntaxTree
            || symbols.Interest.HitsIn(syntax.SyntaxTree, syntax.FullSpan) is not { } hits)
        {
            return null;
        }

        foreach (int position in hits)
        {
            SyntaxToken token = syntax.FindToken(position);
            if (token.Parent is not SimpleNameSyntax name)
            {
                continue; // a declaration's own name, a parameter, a type: not a call
            }

            // Math.Exp, Softmax.Apply (the name indexed may be the type's), a.Layers.Softmax.Forward, x?.Softmax().
            SyntaxNode node = name;
            while (node.Parent is MemberAccessExpressionSyntax or MemberBindingExpressionSyntax)
            {
                node = node.Parent;
            }

            if (node.Parent is QualifiedNameSyntax or AliasQualifiedNameSyntax)
            {
                continue; // a namespace or type name
            }

            if (node.Parent is InvocationExpressionSyntax invocation && invocation.Expression == node)
            {
                node = invocation;
            }

            IOperation? operation = model.GetOperation(node);
            if (operation is null)
            {
                if (node is InvocationExpressionSyntax)
                {
                    return null;
                }

                continue; // Log in Log.Info(...): a type, not a value
            }

            if (operation.Kind is OperationKind.Invocation or OperationKind.MethodReference && IsInteresting(symbols, operation))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Shared
    {
        public bool Computed;
        public BodyAnalysis? Analysis;
    }

    /// <summary>The divisions by fields anywhere in the blocks (for SMX0001, whose sums may live in a field that another
    /// member divides by): see <see cref="CollectFieldDivisors"/>.</summary>
    public static void CollectFieldDivisions(ImmutableArray<IOperation> blocks, Action<IFieldSymbol, IFieldSymbol?> add)
    {
        foreach (IOperation block in blocks)
        {
            if (block is not null)
            {
                Walk(block, operation =>
                {
                    if (operation.Kind is OperationKind.Invocation or OperationKind.Binary or OperationKind.CompoundAssignment)
                    {
                        CollectFieldDivisors(operation, add);
                    }

                    return false;
                });
            }
        }
    }

    [ThreadStatic]
    private static Stack<IOperation>? t_stack;

    /// <summary>Visits the operations of the tree until <paramref name="stop"/> answers true (then returns true), with an
    /// explicit stack reused per thread: deep expression trees, such as long chains of additions, would overflow a
    /// recursive walk.</summary>
    private static bool Walk(IOperation root, Func<IOperation, bool> stop)
    {
        // A walk that started inside another (a callback that walks) gets a stack of its own.
        Stack<IOperation> stack = t_stack is { Count: 0 } idle ? idle : new Stack<IOperation>(64);
        t_stack = null;
        try
        {
            stack.Push(root);
            while (stack.Count > 0)
            {
                IOperation operation = stack.Pop();
                if (stop(operation))
                {
                    return true;
                }

                foreach (IOperation child in operation.ChildOperations)
                {
                    if (child is not null)
                    {
                        stack.Push(child);
                    }
                }
            }

            return false;
        }
        finally
        {
            stack.Clear();
            t_stack = stack;
        }
    }

    /// <summary>Analyzes the blocks, or returns null when they contain no exponential, log or SoftMax.</summary>
    public static BodyAnalysis? Create(NumericsSymbols symbols, ImmutableArray<IOperation> blocks) => Create(symbols, blocks, interesting: false);

    /// <summary>Analyzes the blocks; <paramref name="interesting"/> says the caller already found an exponential,
    /// log or SoftMax in them (else they are searched first, and null is returned when they hold none).</summary>
    private static BodyAnalysis? Create(NumericsSymbols symbols, ImmutableArray<IOperation> blocks, bool interesting)
    {
        // Most bodies have no exponential: find out before indexing.
        foreach (IOperation block in blocks)
        {
            if (interesting)
            {
                break;
            }

            if (block is not null && OperationHelpers.DescendantsAndSelf(block).Any(operation => IsInteresting(symbols, operation)))
            {
                interesting = true;
            }
        }

        if (!interesting)
        {
            return null;
        }

        var analysis = new BodyAnalysis(symbols);
        foreach (IOperation block in blocks)
        {
            if (block is null)
            {
                continue;
            }

            foreach (IOperation operation in OperationHelpers.DescendantsAndSelf(block))
            {
                analysis.Index(operation);
            }
        }

        foreach (ExpSite site in analysis.ExpSites)
        {
            site.JudgeWith(analysis);
        }

        return analysis;
    }

    /// <summary>Calls of helpers of this compilation that divide an argument's elements by their sum
    /// (<c>Normalize(y)</c>), with the storage they normalize; their bodies are summarized on first use.</summary>
    private List<(ISymbol Storage, IInvocationOperation Call)> NormalizingCalls
    {
        get
        {
            if (_normalizingCalls is null)
            {
                _normalizingCalls = new List<(ISymbol, IInvocationOperation)>();
                foreach (IInvocationOperation invocation in _summaryCandidates)
                {
                    if (Symbols.Summaries.NormalizedParameter(invocation.TargetMethod) is int normalized and >= 0
                        && OperationHelpers.Argument(invocation, normalized) is { } argument
                        && OperationHelpers.RootSymbol(argument) is { } storage)
                    {
                        _normalizingCalls.Add((storage, invocation));
                    }
                }
            }

            return _normalizingCalls;
        }
    }

    /// <summary>Whether the exponent was (or may have been) shifted by a maximum: see <see cref="ExpSite.Shifted"/>.</summary>
    internal bool IsShiftedExponent(IOperation exponent) =>
        IsShifted(exponent, new HashSet<ISymbol>(SymbolEqualityComparer.Default), 0);

    /// <summary>Whether the exponent is bounded above: see <see cref="ExpSite.Bounded"/>.</summary>
    internal bool IsBoundedExponent(IOperation exponent, ITypeSymbol? valueType, bool productsOfQuantities) =>
        ValueBounds.IsSafeExponent(Symbols, exponent, valueType, productsOfQuantities) || LogDomain.IsLogarithmic(Symbols, exponent);

    private static bool IsInteresting(NumericsSymbols symbols, IOperation operation) => operation switch
    {
        IInvocationOperation invocation => invocation.TargetMethod.Parameters.Length switch
        {
            0 => NumericsSymbols.IsPointwiseExp(invocation.TargetMethod),
            1 => symbols.Functions.Classify(invocation.TargetMethod) != NumericFunction.None,
            2 => symbols.IsPow(invocation.TargetMethod) || symbols.IsTensorPrimitives(invocation.TargetMethod, "Exp"),
            _ => false,
        }
            // Softmax(z), TensorPrimitives.SoftMax(x, p): probabilities that may reach a log here or in a callee.
            || LogOfSoftmaxMatcher.IsSoftmaxNamed(invocation.TargetMethod),
        IMethodReferenceOperation reference => reference.Method.Parameters.Length == 1
            && symbols.Functions.Classify(reference.Method) is NumericFunction.Exp or NumericFunction.Log,
        _ => false,
    };

    private void Index(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                IndexInvocation(invocation);
                break;
            case IMethodReferenceOperation reference:
                if (Symbols.IsScalarExp(reference.Method))
                {
                    IInvocationOperation? call = OperationHelpers.EnclosingCallOfDelegate(reference);
                    IOperation? source = call is null ? null : OperationHelpers.SourceOf(call);
                    if (call is not null && source is not null
                        && (Symbols.IsEnumerable(call.TargetMethod, "Select") || Symbols.IsEnumerable(call.TargetMethod, "Sum")))
                    {
                        ExpSites.Add(new ExpSite(ExpSiteKind.MethodGroup, reference, source, call));
                    }
                    else if (call is { Instance: { } mapped } && NumericsSymbols.MapDestination(call) is { } destination)
                    {
                        // x.Map(Math.Exp, result), v.MapInPlace(Math.Exp): the destination holds the exponentials.
                        ExpSites.Add(new ExpSite(ExpSiteKind.MethodGroup, reference, mapped, call));
                        AddTargetWrite(destination, null, WriteKind.TensorExp, call);
                    }
                }
                else if (Symbols.IsScalarLog(reference.Method))
                {
                    LogMethodGroups.Add(reference);
                }

                break;
            case IVariableDeclaratorOperation declarator:
                if (declarator.Initializer is { Value: { } initial })
                {
                    AddWrite(declarator.Symbol, element: false, initial, WriteKind.Assign, operation);
                }

                break;
            case ISimpleAssignmentOperation assignment:
                AddTargetWrite(assignment.Target, assignment.Value, WriteKind.Assign, operation);
                if (NumericOperation(assignment.Value, "Add") is { } add && OperationHelpers.RootSymbol(assignment.Target) is { } accumulated
                    && OperationHelpers.RootSymbol(add.Arguments[0].Value) is { } first && SymbolEqualityComparer.Default.Equals(accumulated, first))
                {
                    // sum = ops.Add(sum, e): numeric-operations abstractions accumulate like sum += e.
                    _additions.Add((assignment.Target, add.Arguments[1].Value));
                }

                break;
            case ICompoundAssignmentOperation compound:
                AddTargetWrite(compound.Target, compound.Value, compound.OperatorKind switch
                {
                    BinaryOperatorKind.Add => WriteKind.AddAssign,
                    BinaryOperatorKind.Subtract => WriteKind.SubtractAssign,
                    _ => WriteKind.OtherCompound,
                }, operation);
                if (compound.OperatorKind == BinaryOperatorKind.Add)
                {
                    _additions.Add((compound.Target, compound.Value));
                }
                else if (compound.OperatorKind == BinaryOperatorKind.Divide)
                {
                    AddDivisor(compound.Target, compound.Value);
                }

                break;
            case IIncrementOrDecrementOperation increment:
                AddTargetWrite(increment.Target, null, WriteKind.Unknown, operation);
                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division:
                AddDivisor(division.LeftOperand, division.RightOperand);
                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product when IsRandomDraw(product.LeftOperand) || IsRandomDraw(product.RightOperand):
                // rng.NextDouble() * sum: sampling from the distribution the sum normalizes (roulette-wheel selection).
                OperationHelpers.CollectReferencedSymbols(IsRandomDraw(product.LeftOperand) ? product.RightOperand : product.LeftOperand, _samplingScales);
                break;
            case IConditionalOperation conditional:
                _conditionals.Add(conditional);
                break;
            case IForEachLoopOperation loop:
                if (loop.LoopControlVariable is IVariableDeclaratorOperation control)
                {
                    AddWrite(control.Symbol, element: false, loop.Collection, WriteKind.ForEach, operation);
                }

                break;
            case IArgumentOperation { Parameter: { } parameter } argument when parameter.RefKind is RefKind.Ref or RefKind.Out:
                AddTargetWrite(argument.Value, null, WriteKind.Unknown, operation);
                break;
        }
    }

    private void IndexInvocation(IInvocationOperation invocation)
    {
        Invocations.Add(invocation);
        IMethodSymbol method = invocation.TargetMethod;
        if (NumericsSymbols.IsRandomType(method.ContainingType) && method.Name is "Range" or "Next" or "NextDouble" or "NextSingle" or "NextInt64")
        {
            // Random.Range(0f, sum), rng.Next(total): a draw scaled by a sum.
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                OperationHelpers.CollectReferencedSymbols(argument.Value, _samplingScales);
            }
        }

        if (Symbols.IsScalarExp(method) && invocation.Arguments.Length == 1)
        {
            ExpSites.Add(new ExpSite(ExpSiteKind.Call, invocation, invocation.Arguments[0].Value, null));
            return;
        }

        // MathNet's v.PointwiseExp(): the receiver is the exponent, element by element.
        if (NumericsSymbols.IsPointwiseExp(method) && invocation.Instance is { } exponents)
        {
            ExpSites.Add(new ExpSite(ExpSiteKind.Call, invocation, exponents, null));
            return;
        }

        if (Symbols.IsPow(method) && invocation.Arguments.Length == 2
            && OperationHelpers.Argument(invocation, 0) is { } powBase && Symbols.IsE(powBase)
            && OperationHelpers.Argument(invocation, 1) is { } power)
        {
            ExpSites.Add(new ExpSite(ExpSiteKind.Call, invocation, power, null));
            return;
        }

        if (Symbols.IsScalarLog(method) || Symbols.IsLogP1(method))
        {
            LogCalls.Add(invocation);
            return;
        }

        if (Symbols.IsTensorPrimitives(method, "Exp") && invocation.Arguments.Length == 2)
        {
            ExpSites.Add(new ExpSite(ExpSiteKind.Tensor, invocation, OperationHelpers.Argument(invocation, 0), null));
            if (OperationHelpers.Argument(invocation, 1) is { } destination)
            {
                AddTargetWrite(destination, null, WriteKind.TensorExp, invocation);
            }

            return;
        }

        if (Symbols.IsTensorPrimitives(method, "SoftMax"))
        {
            SoftMaxCalls.Add(invocation);
        }

        if (Symbols.IsEnumerable(method, "Sum") || Symbols.IsTensorPrimitives(method, "Sum") || IsElementwiseSum(invocation) || NumericsSymbols.IsInstanceSum(method))
        {
            _sumCalls.Add(invocation);
        }

        if (CollectionAdd(invocation) is { } collection)
        {
            AddWrite(collection, element: true, invocation.Arguments[0].Value, WriteKind.Assign, invocation);
        }

        if (method.Parameters.Length is > 0 and <= 4 && method.DeclaringSyntaxReferences.Length == 1)
        {
            // Normalize(y)? Judged only if a sum of exponentials is looked for: see NormalizingCalls.
            _summaryCandidates.Add(invocation);
        }

        if (NumericOperation(invocation, "Divide") is { } quotient)
        {
            AddDivisor(quotient.Arguments[0].Value, quotient.Arguments[1].Value);
        }

        if (Symbols.IsTensorPrimitives(method, "Divide") && OperationHelpers.Argument(invocation, 1) is { } divisor
            && OperationHelpers.Argument(invocation, 0) is { } dividend)
        {
            AddDivisor(dividend, divisor);
        }

        // v.DivideInPlace(sum), v.Divide(sum, v) of a vector type: the receiver divided by the argument.
        if (method is { Name: "DivideInPlace" or "Divide", IsStatic: false } && invocation.Instance is { } divided
            && invocation.Arguments.Length is 1 or 2 && invocation.Arguments[0].Value.Type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
        {
            AddDivisor(divided, invocation.Arguments[0].Value);
        }

        // A span or array handed to a method that may write it: a destination of TensorPrimitives, or a user method.
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } parameter || parameter.RefKind != RefKind.None)
            {
                continue;
            }

            bool writable = parameter.Type is IArrayTypeSymbol
                || (parameter.Type is INamedTypeSymbol { Name: "Span", TypeArguments.Length: 1 });
            if (!writable)
            {
                continue;
            }

            WriteKind kind;
            if (Symbols.IsTensorPrimitives(method, "Subtract") || Symbols.IsTensorPrimitives(method, "Add"))
            {
                kind = WriteKind.Shift;
            }
            else if (Symbols.TensorPrimitives is { } tensor && method.ContainingType is { } type && SymbolEqualityComparer.Default.Equals(type, tensor))
            {
                // Other TensorPrimitives operations are not shifts.
                continue;
            }
            else if (method.DeclaringSyntaxReferences.IsEmpty
                ? NameSuggestsShift(method.Name)
                : Symbols.Summaries.ShiftsParameter(method, parameter.Ordinal))
            {
                // A library method is judged by its name (SubtractMax(x)); one of this compilation by its body.
                kind = WriteKind.Shift;
            }
            else
            {
                // Other TensorPrimitives operations and user methods (ComputeScores(input, scores)) are not shifts.
                continue;
            }

            AddTargetWrite(argument.Value, null, kind, invocation);
        }
    }

    /// <summary>
    /// np.sum(e) of NumSharp, a library's static Sum(tensor) or Sum(tensor, axis), a backend interface's
    /// k.Sum(tensor, axis): the sum of the elements of an array-valued first argument (not a number, not a sequence
    /// that LINQ would sum). What this compilation implements is judged by nothing but its name elsewhere, so only
    /// library, extern and abstract members count.
    /// </summary>
    private static bool IsElementwiseSum(IInvocationOperation invocation) =>
        invocation.TargetMethod is { Name: "Sum" or "sum", Parameters.Length: >= 1 } method
        && (method.IsStatic || method.IsAbstract)
        && (method.DeclaringSyntaxReferences.IsEmpty || method.IsExtern || method.IsAbstract)
        && invocation.Arguments.Length >= 1 && method.Parameters[0].Type is { SpecialType: SpecialType.None, TypeKind: TypeKind.Class or TypeKind.Struct } array
        && SymbolEqualityComparer.Default.Equals(array, method.ReturnType)
        && !array.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T);

    /// <summary>A uniform draw: rng.NextDouble(), rng.NextSingle(), Random.Shared.NextDouble(), UnityEngine.Random.value.</summary>
    private static bool IsRandomDraw(IOperation operation) => OperationHelpers.Unwrap(operation) switch
    {
        IInvocationOperation { TargetMethod: { Name: "NextDouble" or "NextSingle" or "Sample" } method } => NumericsSymbols.IsRandomType(method.ContainingType),
        IPropertyReferenceOperation { Property: { Name: "value", IsStatic: true } property } => NumericsSymbols.IsRandomType(property.ContainingType),
        _ => false,
    };

    /// <summary>The sum is only used to scale a random draw (sampling), never to divide: fixes leave such sums alone.</summary>
    public bool SamplesOnly(Accumulator accumulator) =>
        accumulator.Symbol is { } symbol && _samplingScales.Contains(symbol) && !IsDivisor(symbol);

    /// <summary>list.Add(v), queue.Enqueue(v), stack.Push(v) on a collection variable: the collection it adds to.</summary>
    private static ISymbol? CollectionAdd(IInvocationOperation invocation) =>
        invocation.TargetMethod is { Name: "Add" or "Enqueue" or "Push", IsStatic: false, Parameters.Length: 1 } method
        && invocation.Arguments.Length == 1 && invocation.Instance is { } instance
        && method.ContainingType is { IsGenericType: true, TypeArguments.Length: 1 }
        && method.ContainingType.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
            ? OperationHelpers.RootSymbol(instance)
            : null;

    /// <summary>
    /// A binary member of a numeric-operations abstraction (<c>NumOps.Add(a, b)</c>, <c>ops.Divide(a, b)</c>): abstract,
    /// interface or library code mapping two values of one numeric type to that type, by its name.
    /// </summary>
    private static IInvocationOperation? NumericOperation(IOperation operation, string name)
    {
        if (OperationHelpers.Unwrap(operation) is not IInvocationOperation { TargetMethod: { } method } invocation
            || method.Name != name || method.Parameters.Length != 2 || invocation.Arguments.Length != 2
            || !(method.IsAbstract || method.DeclaringSyntaxReferences.IsEmpty))
        {
            return null;
        }

        ITypeSymbol type = method.ReturnType;
        bool numeric = type.SpecialType is SpecialType.System_Double or SpecialType.System_Single || type is ITypeParameterSymbol;
        return numeric && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, type)
            && SymbolEqualityComparer.Default.Equals(method.Parameters[1].Type, type)
            && invocation.Arguments[0].Parameter?.Ordinal == 0
            ? invocation
            : null;
    }

    private void AddDivisor(IOperation numerator, IOperation divisor)
    {
        _divisions.Add((numerator, divisor));
        OperationHelpers.CollectReferencedSymbols(divisor, _divisorSymbols);
    }

    private void AddTargetWrite(IOperation target, IOperation? value, WriteKind kind, IOperation node)
    {
        IOperation unwrapped = OperationHelpers.Unwrap(target);
        ISymbol? symbol = OperationHelpers.ReferencedSymbol(unwrapped);
        if (symbol is not null)
        {
            AddWrite(symbol, element: false, value, kind, node);
            return;
        }

        ISymbol? collection = OperationHelpers.ElementCollection(unwrapped) ?? OperationHelpers.RootSymbol(unwrapped);
        if (collection is not null)
        {
            AddWrite(collection, element: true, value, kind, node);
        }
    }

    private void AddWrite(ISymbol symbol, bool element, IOperation? value, WriteKind kind, IOperation node)
    {
        if (!_writes.TryGetValue(symbol, out List<Write>? list))
        {
            list = new List<Write>();
            _writes.Add(symbol, list);
        }

        list.Add(new Write(element, value, kind, node));
        if (kind == WriteKind.Unknown)
        {
            _unsureWrites.Add(symbol);
        }
    }

    public IReadOnlyList<Write> WritesOf(ISymbol symbol) =>
        _writes.TryGetValue(symbol, out List<Write>? list) ? list : Array.Empty<Write>();
}

internal enum WriteKind
{
    Assign,
    AddAssign,
    SubtractAssign,
    OtherCompound,
    ForEach,
    TensorExp,
    Shift,
    Unknown,
}

/// <summary>One write of a variable or of an element of a collection.</summary>
internal readonly struct Write
{
    public Write(bool element, IOperation? value, WriteKind kind, IOperation node)
    {
        Element = element;
        Value = value;
        Kind = kind;
        Node = node;
    }

    public bool Element { get; }

    public IOperation? Value { get; }

    public WriteKind Kind { get; }

    public IOperation Node { get; }
}
