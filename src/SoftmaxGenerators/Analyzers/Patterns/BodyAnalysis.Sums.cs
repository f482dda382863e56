using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Flow;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>Where exponentials are summed and whether the sums normalize them (divide, reciprocal, helper, sampling).</summary>
internal sealed partial class BodyAnalysis
{
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
                else if (NumericsSymbols.MapDestination(call) is { } destination)
                {
                    if (OperationHelpers.RootSymbol(destination) is { } storage)
                    {
                        AccumulationsOfStorage(storage, builder, 0);
                    }
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
        bool direct = true;
        for (int steps = 0; steps < 32; steps++)
        {
            IOperation? parent = current.Parent;
            switch (parent)
            {
                case IConversionOperation:
                    current = parent;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Multiply }:
                    direct = false;
                    current = parent;
                    continue;
                // exp(s / T) - 1, Math.Max(exp(...) - 1, 0): still as large as the exponential (a lower clamp bounds nothing).
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference when difference.LeftOperand == current && OperationHelpers.IsConstant(difference.RightOperand):
                    current = parent;
                    continue;
                // exp(x) / T, exp(a) / exp(b), Math.Pow(exp(x), 1 / T): as unshifted as the exponential itself.
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient when quotient.LeftOperand == current && IsScaleOrExponential(quotient.RightOperand):
                    current = parent;
                    continue;
                case IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation power } when Symbols.IsPow(power.TargetMethod):
                    current = power;
                    continue;
                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Max", Arguments.Length: 2 } lowerClamp } when Symbols.IsMathType(lowerClamp.TargetMethod.ContainingType, genericMath: false)
                    && lowerClamp.Arguments.Any(other => other != parent && OperationHelpers.IsConstant(other.Value)):
                    current = lowerClamp;
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
                    else if (direct)
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

    /// <summary>
    /// A divisor that keeps a quotient as large as its dividend exponential: a scale (<see cref="IsScale"/>), or an
    /// exponential alone (<c>exp(a) / exp(b)</c>, the relative form of a softmax, which is infinity over infinity for
    /// large inputs). One plus an exponential (the logistic) is neither, and neither is a sum of them (that quotient is
    /// the normalization).
    /// </summary>
    private bool IsScaleOrExponential(IOperation divisor)
    {
        IOperation value = OperationHelpers.Unwrap(divisor);
        HashSet<ISymbol> holders = ExponentialHolders();
        return IsExpNode(value)
            || OperationHelpers.ElementCollection(value) is { } collection && holders.Contains(collection)
            || OperationHelpers.ReferencedSymbol(value) is { } alone && holders.Contains(alone) && !IsAccumulated(alone)
            || IsScale(divisor);
    }

    /// <summary>A value with no exponential in it and no variable that holds one: a temperature, a count.</summary>
    internal bool IsScale(IOperation value)
    {
        HashSet<ISymbol> holders = ExponentialHolders();
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(value))
        {
            if (IsExpNode(node) || (OperationHelpers.ReferencedSymbol(node) ?? OperationHelpers.ElementCollection(node)) is { } symbol && holders.Contains(symbol))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The variable is a running sum: added to (s += v, s = s + v).</summary>
    private bool IsAccumulated(ISymbol symbol)
    {
        foreach (Write write in WritesOf(symbol))
        {
            if (write.Kind == WriteKind.AddAssign || write.Value is { } value && !write.Element && OperationHelpers.Unwrap(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add
                && OperationHelpers.References(add, symbol))
            {
                return true;
            }
        }

        return false;
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

        foreach ((ISymbol normalized, IInvocationOperation call) in NormalizingCalls)
        {
            if (SymbolEqualityComparer.Default.Equals(normalized, storage))
            {
                into.Add(new Accumulator(null, call));
            }
        }

        foreach ((IOperation target, IOperation value) in _additions)
        {
            if (IsReadOf(value, storage) && OperationHelpers.RootSymbol(target) is { } sum
                && (!SymbolEqualityComparer.Default.Equals(sum, storage) || IsExtraSlot(target, value)))
            {
                into.Add(new Accumulator(sum, null));
            }
        }

        foreach (IInvocationOperation sumCall in _sumCalls)
        {
            // A vector's own v.Sum() (MathNet's) sums its receiver.
            IOperation? summedOperand = NumericsSymbols.IsInstanceSum(sumCall.TargetMethod) ? sumCall.Instance : OperationHelpers.Argument(sumCall, 0);
            if (summedOperand is { } source && (sumCall.Arguments.Length <= 1 || IsElementwiseSum(sumCall))
                && (OperationHelpers.RootSymbol(source) is { } summed && SymbolEqualityComparer.Default.Equals(summed, storage)
                    || sumCall.Arguments.Length == 1 && IsScaledSelection(source, storage)))
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

    /// <summary>
    /// <c>e.Select(v => Math.Pow(v / e[i], t))</c> (or the query form): a selection over the exponentials that grows
    /// with each one (scaled, divided by another, raised to a power), so that its Sum() sums them. Kalmia's
    /// temperature softmax over playout counts is <c>1 / sum_j (e_j / e_i)^(1/T)</c>.
    /// </summary>
    private bool IsScaledSelection(IOperation source, ISymbol storage)
    {
        if (OperationHelpers.Unwrap(source) is not IInvocationOperation selection || !Symbols.IsEnumerable(selection.TargetMethod, "Select")
            || selection.Arguments.Length != 2 || OperationHelpers.Argument(selection, 0) is not { } collection
            || OperationHelpers.RootSymbol(collection) is not { } root || !SymbolEqualityComparer.Default.Equals(root, storage)
            || OperationHelpers.Argument(selection, 1) is not { } selector
            || OperationHelpers.DescendantsAndSelf(selector).OfType<IAnonymousFunctionOperation>().FirstOrDefault() is not { Symbol.Parameters.Length: 1 } lambda
            || lambda.Body.Operations.Length != 1 || lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } returned })
        {
            return false;
        }

        return GrowsWith(returned, lambda.Symbol.Parameters[0], 0, variablePowers: true);
    }

    /// <summary>
    /// <c>table[n] += table[oi]</c>: the running sum kept in a slot of the array that holds the exponentials, at an
    /// index that reads nothing the element's index reads (opennlp's QNModel keeps it past the last outcome).
    /// </summary>
    private static bool IsExtraSlot(IOperation target, IOperation value) =>
        OperationHelpers.Unwrap(target) is IArrayElementReferenceOperation { Indices.Length: 1 } slot
        && OperationHelpers.Unwrap(value) is IArrayElementReferenceOperation { Indices.Length: 1 } element
        && OperationHelpers.Unwrap(element.Indices[0]) is ILocalReferenceOperation { Local: var index }
        && !OperationHelpers.References(slot.Indices[0], index)
        && OperationHelpers.DescendantsAndSelf(slot.Indices[0]).All(n => n is not (ILocalReferenceOperation or IInvocationOperation) || n.ConstantValue.HasValue);

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
            foreach ((_, IInvocationOperation call) in NormalizingCalls)
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
            if (IsDivisor(symbol) || _samplingScales.Contains(symbol) || ScaledCopyDivides(symbol))
            {
                return true;
            }

            field = symbol as IFieldSymbol;
        }

        return false;
    }

    /// <summary>
    /// A local defined once as a quantity that grows with the sum divides the exponentials: the sum scaled by
    /// something else (<c>mean = total / count</c>, a normalization to a mean instead of to one), or a power of it
    /// (<c>sq = sum * sum + 1e-3f</c>, <c>Math.Pow(sum, 2)</c>: the softmax derivative <c>e * (sum - e) / sum^2</c>),
    /// which overflows with the sum just the same.
    /// </summary>
    private bool ScaledCopyDivides(ISymbol sum)
    {
        foreach (KeyValuePair<ISymbol, List<Write>> pair in _writes)
        {
            if (pair.Key is not ILocalSymbol || pair.Value.Count != 1 || pair.Value[0] is not { Kind: WriteKind.Assign, Element: false, Value: { } value }
                || OperationHelpers.ReferencedSymbol(value) is not null || !GrowsWith(value, sum, 0))
            {
                continue;
            }

            if (IsDivisor(pair.Key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value is built from the sum by products with other factors, quotients by other values, powers
    /// with a positive constant exponent (or, with <paramref name="variablePowers"/>, any exponent that does not read
    /// the sum and is no constant at most 0: a temperature's inverse) and added constants: it is large when the sum is.</summary>
    private bool GrowsWith(IOperation value, ISymbol sum, int depth, bool variablePowers = false)
    {
        value = OperationHelpers.Unwrap(value);
        if (depth > 8)
        {
            return false;
        }

        if (OperationHelpers.ReferencedSymbol(value) is { } symbol)
        {
            return SymbolEqualityComparer.Default.Equals(symbol, sum);
        }

        switch (value)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply, LeftOperand: { } left, RightOperand: { } right }:
                return (GrowsWith(left, sum, depth + 1, variablePowers) && (!OperationHelpers.References(right, sum) || GrowsWith(right, sum, depth + 1, variablePowers)))
                    || (GrowsWith(right, sum, depth + 1, variablePowers) && !OperationHelpers.References(left, sum));
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide, LeftOperand: { } dividend, RightOperand: { } divisor }:
                return GrowsWith(dividend, sum, depth + 1, variablePowers) && !OperationHelpers.References(divisor, sum);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, LeftOperand: { } left, RightOperand: { } right }:
                return (GrowsWith(left, sum, depth + 1, variablePowers) && (OperationHelpers.IsConstant(right) || GrowsWith(right, sum, depth + 1, variablePowers)))
                    || (GrowsWith(right, sum, depth + 1, variablePowers) && OperationHelpers.IsConstant(left));
            case IInvocationOperation { Arguments.Length: 2 } power when Symbols.IsPow(power.TargetMethod)
                && OperationHelpers.Argument(power, 1) is { } exponent
                && (OperationHelpers.ConstantNumber(exponent) is > 0
                    || variablePowers && OperationHelpers.ConstantNumber(exponent) is null && !OperationHelpers.References(exponent, sum))
                && OperationHelpers.Argument(power, 0) is { } powerBase:
                return GrowsWith(powerBase, sum, depth + 1, variablePowers);
            default:
                return false;
        }
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
                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "DivideInPlace" or "Divide", IsStatic: false }, Instance: { } divided }, Parameter.Ordinal: 0 }:
                    // v.DivideInPlace(v.Sum()) of a vector type.
                    return IsExponentialNumerator(divided);
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

    /// <summary>Reports (divisor field, null) when a field divides an exponential or a constant in
    /// <paramref name="operation"/> (a division, a /= or a numeric-operations Divide), and (divisor field, numerator
    /// field) when it divides a field, which counts when that field holds exponentials. Called for every such
    /// operation of a type, so it rejects the common case (no field in the divisor) first.</summary>
    public static void CollectFieldDivisors(IOperation operation, Action<IFieldSymbol, IFieldSymbol?> add)
    {
        (IOperation? numerator, IOperation? divisor) = operation switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division => (division.LeftOperand, division.RightOperand),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound => (compound.Target, compound.Value),
            IInvocationOperation { TargetMethod.Name: "Divide", Arguments.Length: 3 } call => (OperationHelpers.Argument(call, 0), OperationHelpers.Argument(call, 1)),
            _ => (null, null),
        };
        if (divisor is null || numerator is null || !OperationHelpers.DescendantsAndSelf(divisor).Any(node => node is IFieldReferenceOperation))
        {
            return;
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
                return;
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
