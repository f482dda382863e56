using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Flow;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>
/// The exponential normalizations of one operation block (a method body with its lambdas and local functions): the
/// exponentials, where they are summed, whether the sums divide something, and what was shifted by a maximum. Shared
/// by the SMX0001-SMX0003 analyzers and their code fixes. Built from <see cref="IOperation"/> only; on incomplete or
/// unusual code every question answers "unsure", and unsure means silent.
/// </summary>
internal sealed class BodyAnalysis
{
    private const int MaxDepth = 6;

    private readonly Dictionary<ISymbol, List<Write>> _writes = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _divisorSymbols = new(SymbolEqualityComparer.Default);
    private readonly List<(IOperation Numerator, IOperation Divisor)> _divisions = new();
    private HashSet<ISymbol>? _exponentialHolders;
    private readonly HashSet<ISymbol> _unsureWrites = new(SymbolEqualityComparer.Default);
    private readonly List<(IOperation Target, IOperation Value)> _additions = new();
    private readonly List<IInvocationOperation> _sumCalls = new();
    private readonly List<(ISymbol Storage, IInvocationOperation Call)> _normalizingCalls = new();
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

    private static readonly ConditionalWeakTable<IOperation, Shared> s_shared = new();

    /// <summary>One analysis per operation block, shared by the rules that look at the same body (the analyzer
    /// driver hands every analyzer the same operation trees). Callers lock the result while they query it: its lazy
    /// indexes are not thread-safe.</summary>
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

        if (key is null)
        {
            return null;
        }

        Shared shared = s_shared.GetValue(key, static _ => new Shared());
        lock (shared)
        {
            if (!shared.Computed)
            {
                shared.Analysis = Create(symbols, blocks);
                shared.Computed = true;
            }

            return shared.Analysis;
        }
    }

    private sealed class Shared
    {
        public bool Computed;
        public BodyAnalysis? Analysis;
    }

    /// <summary>Analyzes the blocks, or returns null when they contain no exponential, log or SoftMax.</summary>
    public static BodyAnalysis? Create(NumericsSymbols symbols, ImmutableArray<IOperation> blocks)
    {
        // Most bodies have no exponential: find out without allocating, then index.
        bool interesting = false;
        foreach (IOperation block in blocks)
        {
            if (block is not null && OperationHelpers.DescendantsAndSelf(block).Any(operation => IsInteresting(symbols, operation)))
            {
                interesting = true;
                break;
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
            IOperation? exponent = site.Exponent;
            if (exponent is null)
            {
                site.Shifted = true;
                continue;
            }

            var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            site.Shifted = analysis.IsShifted(exponent, visited, 0);
            site.Bounded = site.Kind == ExpSiteKind.Call
                && (ValueBounds.IsSafeExponent(symbols, exponent, site.ValueType) || LogDomain.IsLogarithmic(symbols, exponent));
        }

        return analysis;
    }

    private static bool IsInteresting(NumericsSymbols symbols, IOperation operation) => operation switch
    {
        IInvocationOperation invocation => symbols.IsScalarExp(invocation.TargetMethod)
            || symbols.IsScalarLog(invocation.TargetMethod)
            || symbols.IsLogP1(invocation.TargetMethod)
            || symbols.IsPow(invocation.TargetMethod)
            || symbols.IsTensorPrimitives(invocation.TargetMethod, "Exp")
            || symbols.IsTensorPrimitives(invocation.TargetMethod, "SoftMax"),
        IMethodReferenceOperation reference => symbols.IsScalarExp(reference.Method) || symbols.IsScalarLog(reference.Method),
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
        if (IsRandomType(method.ContainingType) && method.Name is "Range" or "Next" or "NextDouble" or "NextSingle" or "NextInt64")
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

        if (Symbols.IsEnumerable(method, "Sum") || Symbols.IsTensorPrimitives(method, "Sum"))
        {
            _sumCalls.Add(invocation);
        }

        if (CollectionAdd(invocation) is { } collection)
        {
            AddWrite(collection, element: true, invocation.Arguments[0].Value, WriteKind.Assign, invocation);
        }

        if (Symbols.Summaries.NormalizedParameter(method) is int normalized and >= 0
            && OperationHelpers.Argument(invocation, normalized) is { } normalizedArgument
            && OperationHelpers.RootSymbol(normalizedArgument) is { } normalizedStorage)
        {
            // Normalize(y): a helper of this compilation divides y's elements by their sum.
            _normalizingCalls.Add((normalizedStorage, invocation));
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

    /// <summary>System.Random or UnityEngine.Random.</summary>
    private static bool IsRandomType(INamedTypeSymbol? type) =>
        type is { Name: "Random" } && type.ContainingNamespace?.ToDisplayString() is "System" or "UnityEngine";

    /// <summary>A uniform draw: rng.NextDouble(), rng.NextSingle(), Random.Shared.NextDouble(), UnityEngine.Random.value.</summary>
    private static bool IsRandomDraw(IOperation operation) => OperationHelpers.Unwrap(operation) switch
    {
        IInvocationOperation { TargetMethod: { Name: "NextDouble" or "NextSingle" or "Sample" } method } => IsRandomType(method.ContainingType),
        IPropertyReferenceOperation { Property: { Name: "value", IsStatic: true } property } => IsRandomType(property.ContainingType),
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
                    // x - max; but 1.0 - f (a constant minus something) shifts nothing.
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition
                    when IsNegatedVariable(addition.LeftOperand) || IsNegatedVariable(addition.RightOperand):
                    return true;
                case IInvocationOperation invocation when !IsPureMath(invocation.TargetMethod) && CallShifts(invocation.TargetMethod):
                    return true;
                case IInvocationOperation invocation when !IsPureMath(invocation.TargetMethod) && !invocation.TargetMethod.IsStatic && invocation.Instance is not null
                    && OperationHelpers.RootSymbol(invocation.Instance) is { } owner && SymbolIsShifted(owner, visited, depth + 1):
                    return true;
                case ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation:
                    if (OperationHelpers.ReferencedSymbol(node) is { } symbol && SymbolIsShifted(symbol, visited, depth + 1))
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
    private bool IsPureMath(IMethodSymbol method) =>
        method.ContainingType is { } type
        && (SymbolEqualityComparer.Default.Equals(type, Symbols.Math) || SymbolEqualityComparer.Default.Equals(type, Symbols.MathF)
            || SymbolEqualityComparer.Default.Equals(type, Symbols.UnityMathf)
            || type.SpecialType is SpecialType.System_Double or SpecialType.System_Single
            || (type.Name == "math" && type.ContainingNamespace?.ToDisplayString() == "Unity.Mathematics"));

    private static bool IsNegatedVariable(IOperation operation) =>
        OperationHelpers.Unwrap(operation) is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation
        && !OperationHelpers.IsConstant(negation.Operand);

    private bool SymbolIsShifted(ISymbol symbol, HashSet<ISymbol> visited, int depth)
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
                if (write.Kind == WriteKind.Unknown && write.Node is IArgumentOperation { Parent: IInvocationOperation call }
                    && NameSuggestsShift(call.TargetMethod.Name))
                {
                    return true;
                }
            }
        }

        foreach (Write write in WritesOf(symbol))
        {
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

    /// <summary>Where the value of an exponential is summed (possibly through an array, a local or a LINQ chain).</summary>
    public ImmutableArray<Accumulator> AccumulatorsOf(ExpSite site)
    {
        _accumulators ??= new Dictionary<ExpSite, ImmutableArray<Accumulator>>();
        if (!_accumulators.TryGetValue(site, out ImmutableArray<Accumulator> result))
        {
            ImmutableArray<Accumulator>.Builder builder = ImmutableArray.CreateBuilder<Accumulator>();
            if (site.Kind == ExpSiteKind.Tensor)
            {
                if (site.Node is IInvocationOperation tensorExp && OperationHelpers.Argument(tensorExp, 1) is { } destination
                    && OperationHelpers.RootSymbol(destination) is { } storage)
                {
                    AccumulationsOfStorage(storage, builder, 0);
                }
            }
            else if (site.Kind == ExpSiteKind.MethodGroup && site.EnclosingCall is { } call)
            {
                if (Symbols.IsEnumerable(call.TargetMethod, "Sum"))
                {
                    builder.Add(new Accumulator(null, call));
                }
                else
                {
                    FollowSequence(call, builder, 0);
                }
            }
            else
            {
                ClimbToAccumulator(site.Node, builder, 0);
            }

            result = builder.ToImmutable();
            _accumulators[site] = result;
        }

        return result;
    }

    private void ClimbToAccumulator(IOperation start, ImmutableArray<Accumulator>.Builder into, int depth)
    {
        IOperation current = start;
        for (int steps = 0; steps < 32; steps++)
        {
            IOperation? parent = current.Parent;
            switch (parent)
            {
                case IConversionOperation:
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Multiply }:
                    current = parent;
                    continue;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound when compound.Value == current:
                    AddSymbolAccumulator(compound.Target, into);
                    return;
                case ISimpleAssignmentOperation assignment when assignment.Value == current:
                    if (OperationHelpers.Unwrap(current) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum
                        && OperationHelpers.RootSymbol(assignment.Target) is { } target
                        && OperationHelpers.References(sum, target))
                    {
                        AddSymbolAccumulator(assignment.Target, into);
                    }
                    else if (current == start || OperationHelpers.Unwrap(current) == start)
                    {
                        if (OperationHelpers.RootSymbol(assignment.Target) is { } storage)
                        {
                            AccumulationsOfStorage(storage, into, depth + 1);
                        }

                        // sum += y[i] = exp(...): the stored value is also summed.
                        if (OperationHelpers.ParentSkippingConversions(assignment, out IOperation stored) is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } chained
                            && chained.Value == stored)
                        {
                            AddSymbolAccumulator(chained.Target, into);
                        }
                    }

                    return;
                case IArgumentOperation { Parent: IInvocationOperation add } when CollectionAdd(add) is { } collection:
                    // list.Add(exp(...)): the list holds exponentials.
                    AccumulationsOfStorage(collection, into, depth + 1);
                    return;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } when OperationHelpers.Unwrap(current) == start:
                    AccumulationsOfStorage(declarator.Symbol, into, depth + 1);
                    return;
                case IReturnOperation { Parent: IBlockOperation { Parent: IAnonymousFunctionOperation lambda } } when OperationHelpers.Unwrap(current) == start || current.Parent is IReturnOperation:
                    if (OperationHelpers.EnclosingCallOfDelegate(lambda) is { } call)
                    {
                        // Enumerable.Sum, or a Sum(selector) of the user's own collection or tensor type.
                        if (Symbols.IsEnumerable(call.TargetMethod, "Sum") || call.TargetMethod.Name == "Sum")
                        {
                            into.Add(new Accumulator(null, call));
                        }
                        else if (Symbols.IsEnumerable(call.TargetMethod, "Select"))
                        {
                            FollowSequence(call, into, depth + 1);
                        }
                    }

                    return;
                default:
                    return;
            }
        }
    }

    private static void AddSymbolAccumulator(IOperation target, ImmutableArray<Accumulator>.Builder into)
    {
        if (OperationHelpers.RootSymbol(target) is { } symbol)
        {
            into.Add(new Accumulator(symbol, null));
        }
    }

    /// <summary>Follows a sequence of exponentials (Select(...)): into Sum(), ToArray()/ToList(), or a variable.</summary>
    private void FollowSequence(IInvocationOperation sequence, ImmutableArray<Accumulator>.Builder into, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        IOperation? parent = OperationHelpers.ParentSkippingConversions(sequence, out _);
        switch (parent)
        {
            case IArgumentOperation { Parent: IInvocationOperation next } argument when argument.Parameter?.Ordinal == 0:
                if (Symbols.IsEnumerable(next.TargetMethod, "Sum") && next.Arguments.Length == 1)
                {
                    into.Add(new Accumulator(null, next));
                }
                else if (Symbols.IsEnumerable(next.TargetMethod, "ToArray") || Symbols.IsEnumerable(next.TargetMethod, "ToList")
                    || Symbols.IsEnumerable(next.TargetMethod, "AsEnumerable"))
                {
                    FollowSequence(next, into, depth + 1);
                }

                break;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                AccumulationsOfStorage(declarator.Symbol, into, depth + 1);
                break;
            case ISimpleAssignmentOperation assignment when OperationHelpers.RootSymbol(assignment.Target) is { } storage:
                AccumulationsOfStorage(storage, into, depth + 1);
                break;
        }
    }

    /// <summary>Sums of a variable or collection that holds exponentials: sum += e[i], e.Sum(), foreach (v in e) sum += v.</summary>
    private void AccumulationsOfStorage(ISymbol storage, ImmutableArray<Accumulator>.Builder into, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        foreach ((ISymbol normalized, IInvocationOperation call) in _normalizingCalls)
        {
            if (SymbolEqualityComparer.Default.Equals(normalized, storage))
            {
                into.Add(new Accumulator(null, call));
            }
        }

        foreach ((IOperation target, IOperation value) in _additions)
        {
            if (IsReadOf(value, storage) && OperationHelpers.RootSymbol(target) is { } sum
                && !SymbolEqualityComparer.Default.Equals(sum, storage))
            {
                into.Add(new Accumulator(sum, null));
            }
        }

        foreach (IInvocationOperation sumCall in _sumCalls)
        {
            if (OperationHelpers.Argument(sumCall, 0) is { } source && sumCall.Arguments.Length == 1
                && OperationHelpers.RootSymbol(source) is { } summed && SymbolEqualityComparer.Default.Equals(summed, storage))
            {
                into.Add(new Accumulator(null, sumCall));
            }
        }

        foreach (KeyValuePair<ISymbol, List<Write>> pair in _writes)
        {
            foreach (Write write in pair.Value)
            {
                if (write.Kind == WriteKind.ForEach && write.Value is { } collection
                    && OperationHelpers.RootSymbol(collection) is { } iterated
                    && SymbolEqualityComparer.Default.Equals(iterated, storage))
                {
                    AccumulationsOfStorage(pair.Key, into, depth + 1);
                }

                if (write.Kind == WriteKind.Assign && write.Value is { } assigned && !write.Element
                    && OperationHelpers.Unwrap(assigned) is { } plain
                    && plain is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition
                    && OperationHelpers.References(addition, pair.Key) && IsReadOf(addition, storage))
                {
                    into.Add(new Accumulator(pair.Key, null));
                }
            }
        }
    }

    /// <summary>The value reads the storage directly (v, e[i]) as a term of a sum, not inside an unrelated call.</summary>
    private static bool IsReadOf(IOperation value, ISymbol storage)
    {
        IOperation unwrapped = OperationHelpers.Unwrap(value);
        switch (unwrapped)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Multiply } binary:
                return IsReadOf(binary.LeftOperand, storage) || IsReadOf(binary.RightOperand, storage);
            default:
                ISymbol? root = OperationHelpers.RootSymbol(unwrapped);
                return root is not null && SymbolEqualityComparer.Default.Equals(root, storage)
                    && unwrapped is not IInvocationOperation;
        }
    }

    /// <summary>Whether a sum divides something in this body. <paramref name="field"/> is set when the sum lives in a
    /// field whose divisions may be elsewhere in the type.</summary>
    public bool Normalizes(Accumulator accumulator, out IFieldSymbol? field)
    {
        field = null;
        if (accumulator.Invocation is { } invocation)
        {
            foreach ((_, IInvocationOperation call) in _normalizingCalls)
            {
                if (call == invocation)
                {
                    return true;
                }
            }

            return InvocationNormalizes(invocation, 0, out field);
        }

        if (accumulator.Symbol is { } symbol)
        {
            if (IsDivisor(symbol) || _samplingScales.Contains(symbol))
            {
                return true;
            }

            field = symbol as IFieldSymbol;
        }

        return false;
    }

    /// <summary>The symbol divides exponentials (or where they are stored, or 1 for a reciprocal) somewhere in the body.</summary>
    public bool IsDivisor(ISymbol symbol)
    {
        if (!_divisorSymbols.Contains(symbol))
        {
            return false;
        }

        foreach ((IOperation numerator, IOperation divisor) in _divisions)
        {
            // (reference - sum) / sum is a relative error, not a normalization: the numerator reads the sum itself.
            if (OperationHelpers.References(divisor, symbol) && !IsDifferenceWith(numerator, symbol) && IsExponentialNumerator(numerator))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>(reference - sum), |fused - sum|: a difference with the sum itself, as in a relative error.</summary>
    private static bool IsDifferenceWith(IOperation numerator, ISymbol symbol)
    {
        IOperation value = OperationHelpers.Unwrap(numerator);
        while (value is IInvocationOperation { TargetMethod.Name: "Abs", Arguments.Length: 1 } abs)
        {
            value = OperationHelpers.Unwrap(abs.Arguments[0].Value);
        }

        return value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract or BinaryOperatorKind.Add } difference
            && (OperationHelpers.ReferencedSymbol(difference.LeftOperand) is { } left && SymbolEqualityComparer.Default.Equals(left, symbol)
                || OperationHelpers.ReferencedSymbol(difference.RightOperand) is { } right && SymbolEqualityComparer.Default.Equals(right, symbol));
    }

    /// <summary>
    /// A normalization divides the exponentials themselves: the numerator holds an exponential, reads a variable or
    /// collection that holds exponentials, or is a constant (a reciprocal that then multiplies them).
    /// </summary>
    public bool IsExponentialNumerator(IOperation numerator)
    {
        if (OperationHelpers.IsConstant(numerator))
        {
            return true;
        }

        HashSet<ISymbol> holders = ExponentialHolders();
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(numerator))
        {
            if (IsExpNode(node))
            {
                return true;
            }

            ISymbol? symbol = OperationHelpers.ReferencedSymbol(node) ?? OperationHelpers.ElementCollection(node);
            if (symbol is not null && holders.Contains(symbol))
            {
                return true;
            }

            if (node is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda })
            {
                for (IOperation? current = node.Parent; current is not null; current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                    {
                        if (OperationHelpers.EnclosingCallOfDelegate(function) is { } call && OperationHelpers.SourceOf(call) is { } source
                            && (OperationHelpers.RootSymbol(source) is { } root && holders.Contains(root)
                                || OperationHelpers.DescendantsAndSelf(source).Any(IsExpNode)))
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

    private bool IsExpNode(IOperation node)
    {
        foreach (ExpSite site in ExpSites)
        {
            if (site.Node == node)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Variables and collections that are assigned exponentials (e[i] = exp(...), var e = x.Select(Math.Exp)...,
    /// TensorPrimitives.Exp(x, e), foreach (var w in e)).</summary>
    private HashSet<ISymbol> ExponentialHolders()
    {
        if (_exponentialHolders is not null)
        {
            return _exponentialHolders;
        }

        var holders = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (int round = 0; round < 3; round++)
        {
            foreach (KeyValuePair<ISymbol, List<Write>> pair in _writes)
            {
                foreach (Write write in pair.Value)
                {
                    bool holds = write.Kind == WriteKind.TensorExp
                        || (write.Value is { } value && write.Kind is WriteKind.Assign or WriteKind.AddAssign or WriteKind.OtherCompound
                            && OperationHelpers.DescendantsAndSelf(value).Any(IsExpNode))
                        || (write.Value is { } collection && write.Kind == WriteKind.ForEach
                            && OperationHelpers.RootSymbol(collection) is { } root && holders.Contains(root))
                        || (write.Value is { } copied && write.Kind is WriteKind.Assign or WriteKind.AddAssign
                            && OperationHelpers.RootSymbol(copied) is { } source && holders.Contains(source));
                    if (holds)
                    {
                        holders.Add(pair.Key);
                    }
                }
            }
        }

        _exponentialHolders = holders;
        return holders;
    }

    private bool InvocationNormalizes(IOperation invocation, int depth, out IFieldSymbol? field)
    {
        field = null;
        if (depth > MaxDepth)
        {
            return false;
        }

        IOperation current = invocation;
        for (int steps = 0; steps < 32; steps++)
        {
            IOperation? parent = current.Parent;
            switch (parent)
            {
                case IConversionOperation:
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add }:
                    current = parent;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division:
                    return division.RightOperand == current && IsExponentialNumerator(division.LeftOperand);
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound:
                    return compound.Value == current;
                case IArgumentOperation { Parent: IInvocationOperation call, Parameter.Ordinal: 1 } when Symbols.IsTensorPrimitives(call.TargetMethod, "Divide"):
                    return OperationHelpers.Argument(call, 0) is { } dividend && IsExponentialNumerator(dividend);
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return IsDivisor(declarator.Symbol);
                case ISimpleAssignmentOperation assignment when assignment.Value == current && OperationHelpers.RootSymbol(assignment.Target) is { } target:
                    if (IsDivisor(target))
                    {
                        return true;
                    }

                    field = target as IFieldSymbol;
                    return false;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The naive exponentials that are summed and whose sum divides something (SMX0001).</summary>
    public IEnumerable<(ExpSite Site, IFieldSymbol? DeferredField)> NaiveNormalizations()
    {
        foreach (ExpSite site in ExpSites)
        {
            if (!site.IsNaive)
            {
                continue;
            }

            IFieldSymbol? deferred = null;
            bool reported = false;
            foreach (Accumulator accumulator in AccumulatorsOf(site))
            {
                if (Normalizes(accumulator, out IFieldSymbol? field))
                {
                    reported = true;
                    break;
                }

                deferred ??= field;
            }

            if (reported)
            {
                yield return (site, null);
            }
            else if (deferred is not null)
            {
                yield return (site, deferred);
            }
        }
    }

    public IEnumerable<KeyValuePair<ISymbol, List<Write>>> AllWrites => _writes;

    /// <summary>The fields that divide something in the blocks (cheap: used for every block of a type).</summary>
    public IEnumerable<ISymbol> ExponentialHolderSymbols => ExponentialHolders();

    /// <summary>Reports (divisor field, null) when a field divides an exponential or a constant, and (divisor field,
    /// numerator field) when it divides a field, which counts when that field holds exponentials.</summary>
    public static void CollectFieldDivisors(ImmutableArray<IOperation> blocks, Action<IFieldSymbol, IFieldSymbol?> add)
    {
        foreach (IOperation block in blocks)
        {
            if (block is null)
            {
                continue;
            }

            foreach (IOperation operation in OperationHelpers.DescendantsAndSelf(block))
            {
                (IOperation? numerator, IOperation? divisor) = operation switch
                {
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division => (division.LeftOperand, division.RightOperand),
                    ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound => (compound.Target, compound.Value),
                    IInvocationOperation { TargetMethod.Name: "Divide", Arguments.Length: 3 } call => (OperationHelpers.Argument(call, 0), OperationHelpers.Argument(call, 1)),
                    _ => (null, null),
                };
                if (divisor is null || numerator is null)
                {
                    continue;
                }

                // Across members only the shape "exponential (or a field that holds them) / field" counts.
                bool exponential = OperationHelpers.IsConstant(numerator) || OperationHelpers.DescendantsAndSelf(numerator).Any(n =>
                    n is IInvocationOperation { TargetMethod.Name: "Exp" or "Pow" } or IMethodReferenceOperation { Method.Name: "Exp" });
                IFieldSymbol? numeratorField = null;
                if (!exponential)
                {
                    numeratorField = OperationHelpers.DescendantsAndSelf(numerator)
                        .Select(n => n is IFieldReferenceOperation or IArrayElementReferenceOperation ? OperationHelpers.RootSymbol(n) as IFieldSymbol : null)
                        .FirstOrDefault(f => f is not null);
                    if (numeratorField is null)
                    {
                        continue;
                    }
                }

                foreach (IOperation node in OperationHelpers.DescendantsAndSelf(divisor))
                {
                    if (node is IFieldReferenceOperation field)
                    {
                        add(field.Field, numeratorField);
                    }
                }
            }
        }
    }

    /// <summary>The symbols a sum divides in this body (for fields: checked across the type).</summary>
    public IEnumerable<ISymbol> DivisorSymbols => _divisorSymbols;

    /// <summary>True when a conditional in the body tests one of the symbols (a guard such as x &gt; 30 ? x : ...).</summary>
    public bool IsGuarded(IOperation operation)
    {
        var referenced = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(operation, referenced);
        if (referenced.Count == 0)
        {
            return false;
        }

        foreach (IConditionalOperation conditional in _conditionals)
        {
            foreach (IOperation node in OperationHelpers.DescendantsAndSelf(conditional.Condition))
            {
                if (OperationHelpers.ReferencedSymbol(node) is { } symbol && referenced.Contains(symbol))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The exponential sites whose node is inside <paramref name="operation"/>.</summary>
    public ExpSite? SiteOf(IOperation operation)
    {
        foreach (ExpSite site in ExpSites)
        {
            if (site.Node == operation)
            {
                return site;
            }
        }

        return null;
    }
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
