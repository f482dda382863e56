using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Flow;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>A log in another method of probabilities this body hands it: <c>CrossEntropy(Softmax(z), y)</c> whose
/// body takes <c>Math.Log(output[i])</c>.</summary>
internal readonly struct CalleeLog
{
    public CalleeLog(int ordinal, SyntaxNode log)
    {
        Ordinal = ordinal;
        Log = log;
    }

    /// <summary>The parameter whose elements are logged.</summary>
    public int Ordinal { get; }

    /// <summary>The log call, in the callee.</summary>
    public SyntaxNode Log { get; }
}

/// <summary>SMX0003 across methods: probabilities that reach a log through a call, in either direction.</summary>
internal static partial class LogOfSoftmaxMatcher
{
    /// <summary>
    /// The arguments and fields that a call of a method of this compilation leaves holding softmax probabilities
    /// (<c>Evaluate(context, distribution)</c> then <c>Math.Log(distribution[label])</c>). The call is not recorded as
    /// their producer: what the callee normalized is not its argument's softmax (it may have computed the logits itself
    /// or overwritten an array in place), so no rewrite from the call is offered.
    /// </summary>
    private static void AddCalleeOutputs(BodyAnalysis analysis, IInvocationOperation invocation, Dictionary<ISymbol, IInvocationOperation?> results)
    {
        NumericsSymbols symbols = analysis.Symbols;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.MethodKind != MethodKind.Ordinary || method.DeclaringSyntaxReferences.IsEmpty)
        {
            return;
        }

        foreach (ISymbol output in symbols.Summaries.SoftmaxOutputs(method, body => SoftmaxOutputs(symbols, body)))
        {
            if (output is IFieldSymbol or IPropertySymbol && !IsMemberOf(output, method.ContainingType))
            {
                // ComputeOutputSoftmax(state) filled state.Output: the argument holds them, in that member only.
                foreach (IArgumentOperation argument in invocation.Arguments)
                {
                    if (argument.Value.Type is { } type && IsMemberOf(output, type) && OperationHelpers.RootSymbol(argument.Value) is { } holder
                        && !results.ContainsKey(holder))
                    {
                        results[holder] = null;
                        analysis.SoftmaxMembers[holder] = output;
                    }
                }

                continue;
            }

            if (output is not IParameterSymbol parameter)
            {
                if (!results.ContainsKey(output))
                {
                    results[output] = null;
                }

                continue;
            }

            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == parameter.Ordinal && OperationHelpers.RootSymbol(argument.Value) is { } root && !results.ContainsKey(root))
                {
                    results[root] = null;
                }
            }
        }
    }

    private static bool IsMemberOf(ISymbol member, ITypeSymbol? type) =>
        type is not null && OperationHelpers.SelfAndBaseTypes(type).Any(t => SymbolEqualityComparer.Default.Equals(member.ContainingType, t));

    /// <summary>The parameters (their elements, or by ref) and fields a body leaves holding softmax probabilities.</summary>
    private static ImmutableArray<ISymbol> SoftmaxOutputs(NumericsSymbols symbols, IOperation body)
    {
        if (BodyAnalysis.Create(symbols, ImmutableArray.Create(body)) is not { } analysis)
        {
            return ImmutableArray<ISymbol>.Empty;
        }

        var outputs = ImmutableArray.CreateBuilder<ISymbol>();
        foreach (ISymbol symbol in SoftmaxResults(analysis).Keys)
        {
            // float[] output = state.Output; ... normalized: the caller's state holds the probabilities.
            if (symbol is ILocalSymbol && analysis.WritesOf(symbol).Where(write => !write.Element).ToList() is { Count: 1 } aliasWrites
                && aliasWrites[0] is { Kind: WriteKind.Assign, Value: { } aliased }
                && OperationHelpers.Unwrap(aliased) is IFieldReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: false }
                && OperationHelpers.RootSymbol(aliased, out ISymbol? member) is IParameterSymbol { RefKind: RefKind.None } owner && member is not null
                && !analysis.WritesOf(owner).Any(write => !write.Element && write.Kind == WriteKind.Assign))
            {
                outputs.Add(member); // a member of the parameter's type: the caller's argument holds them there
                continue;
            }

            bool escapes = symbol switch
            {
                // Elements written through the caller's array, unless the parameter was pointed at a new one first.
                IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } } => false,
                IParameterSymbol { RefKind: RefKind.None } parameter => !analysis.WritesOf(parameter).Any(write => !write.Element && write.Kind == WriteKind.Assign),
                IParameterSymbol { RefKind: RefKind.Ref or RefKind.Out } => true,
                IFieldSymbol or IPropertySymbol => true,
                _ => false,
            };
            if (escapes)
            {
                outputs.Add(symbol);
            }
        }

        return outputs.ToImmutable();
    }

    /// <summary>
    /// The logs in callees of this body that take the log of softmax probabilities it passes them: the argument is a
    /// softmax result here, and the callee logs its elements without a guard.
    /// </summary>
    public static List<SyntaxNode> CalleeLogs(BodyAnalysis analysis)
    {
        var logs = new List<SyntaxNode>();
        Dictionary<ISymbol, IInvocationOperation?>? probabilities = null;
        foreach (IInvocationOperation invocation in analysis.Invocations)
        {
            IMethodSymbol method = invocation.TargetMethod;
            if (method.MethodKind != MethodKind.Ordinary || method.DeclaringSyntaxReferences.IsEmpty || method.Parameters.IsEmpty
                || !analysis.Symbols.Interest.MayBeInteresting(method.OriginalDefinition))
            {
                // No callee body, or one whose text names no log.
                continue;
            }

            // Which arguments are probabilities, first: most calls pass none, and then the callee is not summarized.
            probabilities ??= SoftmaxResults(analysis);
            ImmutableArray<CalleeLog> logged = default;
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter is not { } parameter
                    || (!(OperationHelpers.RootSymbol(argument.Value) is { } root && probabilities.ContainsKey(root))
                        && ProducingCall(analysis.Symbols, argument.Value) is null))
                {
                    continue;
                }

                if (logged.IsDefault)
                {
                    logged = analysis.Symbols.Summaries.LoggedParameters(method, body => LoggedParameters(analysis.Symbols, body));
                }

                foreach (CalleeLog log in logged)
                {
                    if (log.Ordinal == parameter.Ordinal)
                    {
                        logs.Add(log.Log);
                    }
                }
            }
        }

        return logs;
    }

    /// <summary>The unguarded logs of a parameter's elements in a body: <c>Math.Log(output[i])</c>,
    /// <c>Math.Log(output.Values[i])</c>, <c>foreach (var p in output) ... Math.Log(p)</c>.</summary>
    private static ImmutableArray<CalleeLog> LoggedParameters(NumericsSymbols symbols, IOperation body)
    {
        if (BodyAnalysis.Create(symbols, ImmutableArray.Create(body)) is not { } analysis || analysis.LogCalls.Count == 0)
        {
            return ImmutableArray<CalleeLog>.Empty;
        }

        var logs = ImmutableArray.CreateBuilder<CalleeLog>();
        foreach (IInvocationOperation log in analysis.LogCalls)
        {
            if (log.Arguments.Length != 1)
            {
                continue;
            }

            IOperation argument = OperationHelpers.Unwrap(log.Arguments[0].Value);
            if (Conditions.GuardedPositive(argument, log))
            {
                continue;
            }

            IParameterSymbol? parameter = ElementOfParameter(argument);
            if (parameter is null && OperationHelpers.ReferencedSymbol(argument) is ILocalSymbol local)
            {
                foreach (Write write in analysis.WritesOf(local))
                {
                    if (write.Kind == WriteKind.ForEach && write.Value is { } collection && OperationHelpers.Unwrap(collection) is IParameterReferenceOperation each)
                    {
                        parameter = each.Parameter;
                    }
                }
            }

            // A parameter of the method itself (not of a lambda), whose elements the body does not clip first.
            if (parameter is { ContainingSymbol: IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) } }
                && !analysis.WritesOf(parameter).Any())
            {
                logs.Add(new CalleeLog(parameter.Ordinal, log.Syntax));
            }
        }

        return logs.ToImmutable();
    }

    /// <summary>The parameter an element read is rooted at: <c>p[i]</c>, <c>p.Values[i]</c>, <c>p[i][j]</c>.</summary>
    private static IParameterSymbol? ElementOfParameter(IOperation operation)
    {
        bool element = false;
        for (int depth = 0; depth < 8; depth++)
        {
            operation = OperationHelpers.Unwrap(operation);
            switch (operation)
            {
                case IParameterReferenceOperation parameter:
                    return element ? parameter.Parameter : null;
                case IArrayElementReferenceOperation array:
                    element = true;
                    operation = array.ArrayReference;
                    continue;
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed }:
                    element = true;
                    operation = indexed;
                    continue;
                case IPropertyReferenceOperation { Instance: { } owner } when element:
                    operation = owner;
                    continue;
                case IFieldReferenceOperation { Instance: { } owner } when element:
                    operation = owner;
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }
}
