using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Facts;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>A log of a softmax probability.</summary>
internal sealed class LogOfSoftmaxMatch
{
    public LogOfSoftmaxMatch(IOperation log, ISymbol? probabilities, IInvocationOperation? producer)
    {
        Log = log;
        Probabilities = probabilities;
        Producer = producer;
    }

    /// <summary>The log invocation, or the Math.Log method group.</summary>
    public IOperation Log { get; }

    /// <summary>The variable holding the probabilities, when there is one.</summary>
    public ISymbol? Probabilities { get; }

    /// <summary>The call that produced the probabilities (Softmax(x), TensorPrimitives.SoftMax(x, p)), when known.</summary>
    public IInvocationOperation? Producer { get; }
}

/// <summary>Shared by the SMX0003 analyzer and fix.</summary>
internal static partial class LogOfSoftmaxMatcher
{
    public static bool IsSoftmaxName(string name) =>
        name.Length >= 7
        && name.IndexOf("softmax", StringComparison.OrdinalIgnoreCase) >= 0
        && name.IndexOf("log", StringComparison.OrdinalIgnoreCase) < 0;

    /// <summary>A method that says it computes a softmax: <c>Softmax(z)</c>, <c>StableSoftmax(z)</c>, or the forward
    /// function of a softmax type (<c>Softmax.Apply(x)</c>, <c>SoftmaxLayer.Forward(x)</c>: <see cref="InterestIndex.ForwardNames"/>).</summary>
    public static bool IsSoftmaxNamed(IMethodSymbol method) =>
        IsSoftmaxName(method.Name)
        || (!method.ReturnsVoid && InterestIndex.ForwardNames.Contains(method.Name) && method.ContainingType is { } type && IsSoftmaxName(type.Name));

    public static List<LogOfSoftmaxMatch> Matches(BodyAnalysis analysis)
    {
        var results = new List<LogOfSoftmaxMatch>();
        if (analysis.LogCalls.Count == 0 && analysis.LogMethodGroups.Count == 0)
        {
            return results;
        }

        Dictionary<ISymbol, IInvocationOperation?> probabilities = SoftmaxResults(analysis);
        foreach (IInvocationOperation log in analysis.LogCalls)
        {
            if (log.Arguments.Length != 1)
            {
                continue;
            }

            IOperation argument = OperationHelpers.Unwrap(log.Arguments[0].Value);
            if (argument is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true })
            {
                IOperation? collection = argument is IArrayElementReferenceOperation array ? array.ArrayReference : ((IPropertyReferenceOperation)argument).Instance;
                if (collection is not null && OperationHelpers.Unwrap(collection) is IInvocationOperation direct && IsProducer(analysis.Symbols, direct.TargetMethod))
                {
                    results.Add(new LogOfSoftmaxMatch(log, null, direct));
                    continue;
                }

                if (OperationHelpers.ElementCollection(argument) is { } elementOf && probabilities.TryGetValue(elementOf, out IInvocationOperation? producer)
                    && (analysis.SoftmaxMemberOf(elementOf) is not { } holding
                        || (collection is not null && OperationHelpers.RootSymbol(collection, out ISymbol? through) is not null
                            && SymbolEqualityComparer.Default.Equals(through, holding))))
                {
                    results.Add(new LogOfSoftmaxMatch(log, elementOf, producer));
                }

                continue;
            }

            if (OperationHelpers.ReferencedSymbol(argument) is not { } symbol)
            {
                continue;
            }

            if (probabilities.TryGetValue(symbol, out IInvocationOperation? scalarProducer) && !OnlyFromOtherBranches(analysis, symbol, log))
            {
                results.Add(new LogOfSoftmaxMatch(log, symbol, scalarProducer));
                continue;
            }

            ISymbol? source = null;
            foreach (Write write in analysis.WritesOf(symbol))
            {
                if (write.Kind == WriteKind.ForEach && write.Value is { } collection)
                {
                    source = OperationHelpers.RootSymbol(collection);
                }
            }

            if (source is null && symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda })
            {
                for (IOperation? current = log.Parent; current is not null; current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                    {
                        if (OperationHelpers.EnclosingCallOfDelegate(function) is { } call && OperationHelpers.SourceOf(call) is { } callSource)
                        {
                            source = OperationHelpers.RootSymbol(callSource);
                            if (ProducingCall(analysis.Symbols, callSource) is { } directProducer)
                            {
                                results.Add(new LogOfSoftmaxMatch(log, null, directProducer));
                                break;
                            }
                        }

                        break;
                    }
                }
            }

            if (source is not null && probabilities.TryGetValue(source, out IInvocationOperation? sourceProducer))
            {
                results.Add(new LogOfSoftmaxMatch(log, source, sourceProducer));
            }
        }

        // if (p > 1e-10) h -= p * Math.Log(p): the log never sees an underflowed zero. Judged last: most logs are not
        // of probabilities, and the guard search walks the enclosing statements.
        results.RemoveAll(match => match.Log is IInvocationOperation call
            && Flow.Conditions.GuardedPositive(OperationHelpers.Unwrap(call.Arguments[0].Value), call));

        foreach (IMethodReferenceOperation group in analysis.LogMethodGroups)
        {
            if (OperationHelpers.EnclosingCallOfDelegate(group) is { } call
                && OperationHelpers.SourceOf(call) is { } callSource
                && OperationHelpers.RootSymbol(callSource) is { } source
                && probabilities.TryGetValue(source, out IInvocationOperation? producer))
            {
                results.Add(new LogOfSoftmaxMatch(group, source, producer));
            }
        }

        return results;
    }

    /// <summary>
    /// Every call that made the variable a softmax sits in another branch of the dispatch the log sits in
    /// (<c>if (layer == Softmax) x = ops.Softmax(x); else if (layer == Log) x = ops.Log(x);</c> in a loop over a
    /// model's layers): which follows which is the model's business, not this code's.
    /// </summary>
    private static bool OnlyFromOtherBranches(BodyAnalysis analysis, ISymbol symbol, IInvocationOperation log)
    {
        bool any = false;
        foreach (Write write in analysis.WritesOf(symbol))
        {
            if (write.Kind != WriteKind.Assign || write.Element || write.Value is not { } value || ProducingCall(analysis.Symbols, value) is null)
            {
                continue;
            }

            if (!OperationHelpers.Exclusive(write.Node, log, acrossLoops: true))
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    private static IOperation? TargetOf(Write write) => write.Node switch
    {
        IAssignmentOperation assignment => assignment.Target,
        IArgumentOperation argument => argument.Value,
        IIncrementOrDecrementOperation increment => increment.Target,
        IInvocationOperation { Instance: { } list } => list, // list.Add(value)
        _ => null,
    };

    /// <summary>The field or property of <paramref name="root"/> that the target goes through (<c>prob</c> in
    /// <c>state.prob[i][j]</c>), else null.</summary>
    private static ISymbol? MemberBelow(IOperation? target, ISymbol root) =>
        target is not null && OperationHelpers.RootSymbol(target, out ISymbol? member) is { } found && SymbolEqualityComparer.Default.Equals(found, root)
            ? member
            : null;

    /// <summary>Variables that hold softmax probabilities, with the call that produced them when there is one.</summary>
    private static Dictionary<ISymbol, IInvocationOperation?> SoftmaxResults(BodyAnalysis analysis) =>
        analysis.SoftmaxResults ??= ComputeSoftmaxResults(analysis);

    private static Dictionary<ISymbol, IInvocationOperation?> ComputeSoftmaxResults(BodyAnalysis analysis)
    {
        var results = new Dictionary<ISymbol, IInvocationOperation?>(SymbolEqualityComparer.Default);
        var sums = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var sumCalls = new HashSet<IOperation>();
        foreach (ExpSite site in analysis.ExpSites)
        {
            foreach (Accumulator accumulator in analysis.AccumulatorsOf(site))
            {
                if (accumulator.Symbol is { } symbol)
                {
                    sums.Add(symbol);
                }
                else if (accumulator.Invocation is { } invocation)
                {
                    sumCalls.Add(invocation);
                }
            }
        }

        // The member of an object that holds its probabilities (prob in state.prob[i][j] /= sum); null when unsure.
        var members = new Dictionary<ISymbol, HashSet<ISymbol>?>(SymbolEqualityComparer.Default);
        void MarkMember(ISymbol root, Write write)
        {
            ISymbol? member = write.Element ? MemberBelow(TargetOf(write), root) : null;
            if (member is null)
            {
                members[root] = null;
            }
            else if (!members.TryGetValue(root, out HashSet<ISymbol>? known))
            {
                members[root] = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { member };
            }
            else
            {
                known?.Add(member);
            }
        }

        // inv = 1 / sum; p[j] *= inv: a reciprocal of a sum scales like a division by it.
        var reciprocals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (KeyValuePair<ISymbol, List<Write>> pair in analysis.AllWrites)
        {
            foreach (Write write in pair.Value)
            {
                if (write.Kind == WriteKind.Assign && !write.Element && write.Value is { } value
                    && OperationHelpers.Unwrap(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } reciprocal
                    && OperationHelpers.IsConstant(reciprocal.LeftOperand) && ReferencesAny(reciprocal.RightOperand, sums, sumCalls))
                {
                    reciprocals.Add(pair.Key);
                }
            }
        }

        foreach (KeyValuePair<ISymbol, List<Write>> pair in analysis.AllWrites)
        {
            foreach (Write write in pair.Value)
            {
                if (write.Kind == WriteKind.OtherCompound && write.Element && reciprocals.Count > 0
                    && write.Node is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Multiply } scaling
                    && ReferencesAny(scaling.Value, reciprocals, sumCalls))
                {
                    results[pair.Key] = null;
                    MarkMember(pair.Key, write);
                    continue;
                }

                if (write.Value is { } value && write.Kind == WriteKind.Assign)
                {
                    if (!write.Element && ProducingCall(analysis.Symbols, value) is { } producer)
                    {
                        results[pair.Key] = producer;
                    }
                    else if (DividesBySum(value, sums, sumCalls))
                    {
                        results[pair.Key] = null;
                        MarkMember(pair.Key, write);
                    }
                }
                else if (write.Kind == WriteKind.OtherCompound && write.Element
                    && write.Node is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound
                    && ReferencesAny(compound.Value, sums, sumCalls))
                {
                    results[pair.Key] = null;
                    MarkMember(pair.Key, write);
                }
            }
        }

        foreach (IInvocationOperation invocation in analysis.Invocations)
        {
            IMethodSymbol method = invocation.TargetMethod;
            if (analysis.Symbols.IsTensorPrimitives(method, "SoftMax")
                || (IsSoftmaxName(method.Name) && method.Parameters.Length >= 2))
            {
                foreach (IArgumentOperation argument in invocation.Arguments)
                {
                    if (argument.Parameter is { Ordinal: >= 1 } parameter
                        && (parameter.Type is IArrayTypeSymbol || parameter.Type is INamedTypeSymbol { Name: "Span" })
                        && OperationHelpers.RootSymbol(argument.Value) is { } destination)
                    {
                        results[destination] = invocation;
                    }
                }
            }
            else if (method.Name == "Multiply" && reciprocals.Count > 0 && invocation.Arguments.Length is 2 or 3
                && OperationHelpers.RootSymbol(invocation.Arguments[0].Value) is { } scaled
                && invocation.Arguments[0].Value.Type is IArrayTypeSymbol or INamedTypeSymbol { Name: "Span" }
                && ReferencesAny(invocation.Arguments[1].Value, reciprocals, sumCalls)
                && (invocation.Arguments.Length == 2 || SymbolEqualityComparer.Default.Equals(OperationHelpers.RootSymbol(invocation.Arguments[2].Value), scaled)))
            {
                // SIMD.Multiply(output, z) after z = 1 / z: a library's in-place scaling by the reciprocal of the sum.
                results[scaled] = null;
            }
            else if (method.Name == "Add" && invocation.Instance is { } list && OperationHelpers.RootSymbol(list) is { } target
                && invocation.Arguments.Length == 1 && DividesBySum(invocation.Arguments[0].Value, sums, sumCalls))
            {
                results[target] = null;
            }
            else
            {
                AddCalleeOutputs(analysis, invocation, results);
            }
        }

        // Probabilities clipped afterwards (ClipInPlace(p, eps), p[i] = Math.Max(p[i], eps)) are a deliberate mitigation.
        var clipped = new List<ISymbol>();
        foreach (ISymbol symbol in results.Keys)
        {
            foreach (Write write in analysis.WritesOf(symbol))
            {
                if (write.Kind == WriteKind.Unknown && members.TryGetValue(symbol, out HashSet<ISymbol>? holding) && holding is not null
                    && MemberBelow(TargetOf(write), symbol) is { } written && !holding.Contains(written))
                {
                    continue; // Backward(ref state.gradW) writes another member of the object that holds the probabilities
                }

                // p = K.Clip(p, eps, 1 - eps) clips the whole array.
                bool clips = write.Kind is WriteKind.Shift or WriteKind.Unknown
                    || ((write.Element || (write.Value is { } whole && OperationHelpers.References(whole, symbol)))
                        && write.Value is { } value && OperationHelpers.DescendantsAndSelf(value).Any(n =>
                        n is IInvocationOperation { TargetMethod.Name: "Max" or "Clamp" or "Clip" or "MaxNumber" }));
                if (clips)
                {
                    clipped.Add(symbol);
                    break;
                }
            }
        }

        foreach (ISymbol symbol in clipped)
        {
            results.Remove(symbol);
        }

        return results;
    }

    /// <summary>A method that returns softmax probabilities: by its name (Softmax, SoftMax...), or for one of this
    /// compilation by its body (it returns exponentials divided by their sum, however it is named).</summary>
    private static bool IsProducer(NumericsSymbols symbols, IMethodSymbol method)
    {
        if (IsSoftmaxNamed(method))
        {
            return true;
        }

        return !method.DeclaringSyntaxReferences.IsEmpty && !method.IsAbstract && ReturnsNumbers(method.ReturnType)
            && symbols.Summaries.ReturnsSoftmax(method, body => ReturnsSoftmax(symbols, body));
    }

    /// <summary>double[], float[], List&lt;double&gt;, IEnumerable&lt;float&gt;...: only such a method can return
    /// probabilities, so only such callees are summarized (cheap to check; summaries bind the callee).</summary>
    private static bool ReturnsNumbers(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => IsFloating(array.ElementType),
        INamedTypeSymbol { TypeArguments.Length: 1 } generic => IsFloating(generic.TypeArguments[0]),
        _ => false,
    };

    private static bool IsFloating(ITypeSymbol type) => type.SpecialType is SpecialType.System_Double or SpecialType.System_Single;

    private static bool ReturnsSoftmax(NumericsSymbols symbols, IOperation body)
    {
        if (BodyAnalysis.Create(symbols, System.Collections.Immutable.ImmutableArray.Create(body)) is not { } analysis)
        {
            return false;
        }

        Dictionary<ISymbol, IInvocationOperation?> results = SoftmaxResults(analysis);
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is IReturnOperation { ReturnedValue: { } returned })
            {
                IOperation value = OperationHelpers.Unwrap(returned);
                if (value is IInvocationOperation { TargetMethod.Name: "ToArray" or "ToList" } copy && OperationHelpers.SourceOf(copy) is { } source)
                {
                    value = OperationHelpers.Unwrap(source);
                }

                if (OperationHelpers.ReferencedSymbol(value) is { } symbol && results.ContainsKey(symbol))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static IInvocationOperation? ProducingCall(NumericsSymbols symbols, IOperation value)
    {
        IOperation current = OperationHelpers.Unwrap(value);
        for (int depth = 0; depth < 4 && current is IInvocationOperation invocation; depth++)
        {
            if (IsProducer(symbols, invocation.TargetMethod))
            {
                // SoftmaxCrossEntropy(...) returns a loss, not probabilities: a scalar counts only from Softmax itself.
                bool scalar = invocation.TargetMethod.ReturnType.SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Decimal;
                return !scalar || invocation.TargetMethod.Name.Equals("softmax", StringComparison.OrdinalIgnoreCase) ? invocation : null;
            }

            if (invocation.TargetMethod.Name is "ToArray" or "ToList" or "AsSpan" && OperationHelpers.SourceOf(invocation) is { } source)
            {
                current = OperationHelpers.Unwrap(source);
                continue;
            }

            return null;
        }

        return null;
    }

    private static bool DividesBySum(IOperation value, HashSet<ISymbol> sums, HashSet<IOperation> sumCalls)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(value))
        {
            if (node is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division
                && ReferencesAny(division.RightOperand, sums, sumCalls))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ReferencesAny(IOperation operation, HashSet<ISymbol> sums, HashSet<IOperation> sumCalls)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(operation))
        {
            if (sumCalls.Contains(node) || (OperationHelpers.ReferencedSymbol(node) is { } symbol && sums.Contains(symbol)))
            {
                return true;
            }
        }

        return false;
    }
}
