using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.Analyzers.Facts;

/// <summary>
/// Small facts about methods defined in the compilation, computed lazily from their bodies and cached per
/// compilation: "divides the elements of this parameter by their sum" (<c>Normalize(p)</c>, which makes a caller's
/// exponentials a softmax), "subtracts something from this parameter's elements in place" (a shift) and "returns a
/// difference" (an exponent helper that shifts).
/// </summary>
internal sealed class MethodSummaries
{
    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<IMethodSymbol, int> _normalizedParameter = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, int> _shiftedParameters = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, int> _returnsShifted = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _returnsSoftmax = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<ISymbol>> _softmaxOutputs = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<CalleeLog>> _loggedParameters = new(SymbolEqualityComparer.Default);

    private readonly Func<SyntaxNode, bool> _mayBeInteresting;

    /// <param name="compilation">The compilation whose methods are summarized.</param>
    /// <param name="mayBeInteresting">False for a declaration whose text names no exponential, log or softmax: the
    /// summaries that need one (<see cref="ReturnsSoftmax"/>, <see cref="SoftmaxOutputs"/>,
    /// <see cref="LoggedParameters"/>) answer "unknown" for it without binding its body.</param>
    public MethodSummaries(Compilation compilation, Func<SyntaxNode, bool> mayBeInteresting)
    {
        _compilation = compilation;
        _mayBeInteresting = mayBeInteresting;
    }

    /// <summary>The ordinal of the parameter whose elements the method divides by their own sum, or -1.</summary>
    public int NormalizedParameter(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        if (method.DeclaringSyntaxReferences.Length != 1 || method.Parameters.Length == 0 || method.Parameters.Length > 4)
        {
            return -1;
        }

        return _normalizedParameter.GetOrAdd(method, Compute);
    }

    /// <summary>True when the method subtracts a non-constant value from the elements of that parameter in place
    /// (<c>x[i] -= max</c>, <c>x[i] = x[i] - max</c>: a shift by the maximum, or something like it) or clamps them
    /// (<c>p[i] = Math.Clamp(p[i], eps, 1 - eps)</c>).</summary>
    public bool ShiftsParameter(IMethodSymbol method, int ordinal)
    {
        method = method.OriginalDefinition;
        if (method.DeclaringSyntaxReferences.Length != 1 || ordinal >= method.Parameters.Length)
        {
            return false;
        }

        int mask = _shiftedParameters.GetOrAdd(method, ComputeShifted);
        return ordinal < 31 && (mask & (1 << ordinal)) != 0;
    }

    /// <summary>Whether what the method returns subtracts a non-constant value (x - max, Clamp-like code): null when
    /// its body cannot be read.</summary>
    public bool? ReturnsShifted(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        if (method.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        int value = _returnsShifted.GetOrAdd(method, ComputeReturnsShifted);
        return value < 0 ? null : value == 1;
    }

    /// <summary>Whether the method returns probabilities it normalized from exponentials (a softmax, whatever its name);
    /// <paramref name="returnsSoftmax"/> judges the body once, the answer is cached.</summary>
    public bool ReturnsSoftmax(IMethodSymbol method, Func<IOperation, bool> returnsSoftmax)
    {
        method = method.OriginalDefinition;
        if (method.DeclaringSyntaxReferences.Length != 1 || method.ReturnsVoid)
        {
            return false;
        }

        return Summarize(method, _returnsSoftmax, returnsSoftmax, unknown: false);
    }

    /// <summary>The parameters and fields in which the method leaves softmax probabilities (exponentials divided by
    /// their sum, the destination of a softmax call): <c>Evaluate(context, distribution)</c> fills its second
    /// parameter, <c>ComputeOutputSoftmax(state)</c> fills <c>state.Output</c>. <paramref name="outputs"/> judges the
    /// body once, the answer is cached.</summary>
    public ImmutableArray<ISymbol> SoftmaxOutputs(IMethodSymbol method, Func<IOperation, ImmutableArray<ISymbol>> outputs)
    {
        method = method.OriginalDefinition;
        if (method.DeclaringSyntaxReferences.Length != 1 || method.IsAbstract || (method.IsStatic && method.Parameters.IsEmpty))
        {
            return ImmutableArray<ISymbol>.Empty;
        }

        return Summarize(method, _softmaxOutputs, outputs, unknown: ImmutableArray<ISymbol>.Empty);
    }

    /// <summary>The unguarded logs of the elements of the method's parameters (<c>CrossEntropy(output, expected)</c>
    /// taking <c>Math.Log(output[i])</c>). <paramref name="logs"/> judges the body once, the answer is cached.</summary>
    public ImmutableArray<CalleeLog> LoggedParameters(IMethodSymbol method, Func<IOperation, ImmutableArray<CalleeLog>> logs)
    {
        method = method.OriginalDefinition;
        if (method.DeclaringSyntaxReferences.Length != 1 || method.IsAbstract || method.Parameters.IsEmpty)
        {
            return ImmutableArray<CalleeLog>.Empty;
        }

        return Summarize(method, _loggedParameters, logs, unknown: ImmutableArray<CalleeLog>.Empty);
    }

    /// <summary>Computes a summary once per method. A summary may need another (Softmax calls Normalize calls ...):
    /// recursion and long chains answer <paramref name="unknown"/>.</summary>
    private T Summarize<T>(IMethodSymbol method, ConcurrentDictionary<IMethodSymbol, T> cache, Func<IOperation, T> compute, T unknown)
    {
        if (cache.TryGetValue(method, out T? known))
        {
            return known;
        }

        t_inProgress ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (t_inProgress.Count >= 4 || !t_inProgress.Add(method))
        {
            return unknown;
        }

        try
        {
            T result = Body(method, needsInterest: true) is { } body ? compute(body) : unknown;
            cache.TryAdd(method, result);
            return result;
        }
        finally
        {
            t_inProgress.Remove(method);
        }
    }

    [System.ThreadStatic]
    private static HashSet<IMethodSymbol>? t_inProgress;

    private int ComputeShifted(IMethodSymbol method)
    {
        // x[i] -= v, x[i] = x[i] - v, x[i] = Max/Min/Clamp(...): none without one of these tokens, and then the body
        // is not bound.
        if (!HasToken(method, static token => token.IsKind(SyntaxKind.MinusToken) || token.IsKind(SyntaxKind.MinusEqualsToken)
                || (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText is "Max" or "Min" or "Clamp" or "MaxNumber" or "MinNumber"))
            || Body(method) is not { } body)
        {
            return 0;
        }

        int mask = 0;
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            IParameterSymbol? shifted = node switch
            {
                ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Subtract } compound when !OperationHelpers.IsConstant(compound.Value)
                    => ElementOfParameter(compound.Target),
                ISimpleAssignmentOperation assignment when OperationHelpers.Unwrap(assignment.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference
                    && !OperationHelpers.IsConstant(difference.RightOperand) && ElementOfParameter(assignment.Target) is { } target
                    && ElementOfParameter(difference.LeftOperand) is { } same && SymbolEqualityComparer.Default.Equals(target, same)
                    => target,
                ISimpleAssignmentOperation assignment when OperationHelpers.Unwrap(assignment.Value) is IInvocationOperation { TargetMethod.Name: "Max" or "Min" or "Clamp" or "MaxNumber" or "MinNumber" } clamp
                    && ElementOfParameter(assignment.Target) is { } target
                    && clamp.Arguments.Length >= 2 && ReadsSameElement(clamp, target)
                    => target,
                _ => null,
            };
            if (shifted is not null && shifted.Ordinal < 31)
            {
                mask |= 1 << shifted.Ordinal;
            }
        }

        return mask;
    }

    /// <summary>p[i] = Math.Clamp(p[i], lo, hi): the clamp reads an element of the same parameter.</summary>
    private static bool ReadsSameElement(IInvocationOperation clamp, IParameterSymbol parameter)
    {
        foreach (IArgumentOperation argument in clamp.Arguments)
        {
            if (ElementOfParameter(argument.Value) is { } read && SymbolEqualityComparer.Default.Equals(read, parameter))
            {
                return true;
            }
        }

        return false;
    }

    private int ComputeReturnsShifted(IMethodSymbol method)
    {
        if (Body(method) is not { } body)
        {
            return -1;
        }

        bool any = false;
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is IReturnOperation { ReturnedValue: { } returned })
            {
                any = true;
                foreach (IOperation part in OperationHelpers.DescendantsAndSelf(returned))
                {
                    if (part is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference && !OperationHelpers.IsConstant(difference.RightOperand))
                    {
                        return 1;
                    }
                }
            }
        }

        return any ? 0 : -1;
    }

    /// <summary>Whether the method's declaration has a token the summary needs (a cheap test before binding).</summary>
    private static bool HasToken(IMethodSymbol method, Func<SyntaxToken, bool> predicate)
    {
        foreach (SyntaxToken token in method.DeclaringSyntaxReferences[0].GetSyntax().DescendantTokens())
        {
            if (predicate(token))
            {
                return true;
            }
        }

        return false;
    }

    private IOperation? Body(IMethodSymbol method, bool needsInterest = false)
    {
        SyntaxNode declaration = method.DeclaringSyntaxReferences[0].GetSyntax();
        if (!_compilation.ContainsSyntaxTree(declaration.SyntaxTree) || declaration.Span.Length > 4000
            || (needsInterest && !_mayBeInteresting(declaration)))
        {
            return null;
        }

#pragma warning disable RS1030 // The callee's body is in another tree than the operation being analyzed; bound once per method.
        SemanticModel model = _compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
        return model.GetOperation(declaration);
    }

    private int Compute(IMethodSymbol method)
    {
        // Every normalization divides (by the sum, or 1 / sum then multiplies): no division, no binding.
        if (!HasToken(method, static token => token.IsKind(SyntaxKind.SlashToken) || token.IsKind(SyntaxKind.SlashEqualsToken))
            || Body(method) is not { } body)
        {
            return -1;
        }

        var dividedBy = new List<(IParameterSymbol Parameter, ISymbol Divisor, bool Multiply)>();
        var reciprocals = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);
        var sums = new List<(ISymbol Sum, IParameterSymbol Parameter)>();
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            switch (node)
            {
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Multiply } compound
                    when ElementOfParameter(compound.Target) is { } parameter && OperationHelpers.ReferencedSymbol(compound.Value) is { } divisor:
                    dividedBy.Add((parameter, divisor, compound.OperatorKind == BinaryOperatorKind.Multiply));
                    break;
                case ISimpleAssignmentOperation { Value: var value }
                    when OperationHelpers.Unwrap(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Multiply } ratio
                    && ElementOfParameter(ratio.LeftOperand) is { } parameter
                    && OperationHelpers.ReferencedSymbol(ratio.RightOperand) is { } divisor:
                    // p[i] = p[i] / s in place, or output[i] = p[i] / s into a copy that is returned.
                    dividedBy.Add((parameter, divisor, ratio.OperatorKind == BinaryOperatorKind.Multiply));
                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } linq
                    when OperationHelpers.Unwrap(linq.LeftOperand) is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } }
                    && OperationHelpers.Unwrap(linq.RightOperand) is IInvocationOperation { TargetMethod.Name: "Sum" } total
                    && OperationHelpers.SourceOf(total) is { } summedSource && OperationHelpers.Unwrap(summedSource) is IParameterReferenceOperation summedParameter
                    && LambdaSource(linq) is IParameterReferenceOperation { Parameter: var mapped } && SymbolEqualityComparer.Default.Equals(mapped, summedParameter.Parameter):
                    // p.Select(d => d / p.Sum()).
                    return mapped.Ordinal;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } addition
                    when OperationHelpers.ReferencedSymbol(addition.Target) is ILocalSymbol sum && ReadsParameterElement(addition.Value) is { } summed:
                    sums.Add((sum, summed));
                    break;
                case IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator:
                    Classify(declarator.Symbol, initial, reciprocals, sums);
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                    Classify(local.Local, assignment.Value, reciprocals, sums);
                    break;
            }
        }

        foreach ((IParameterSymbol parameter, ISymbol divisor, bool multiply) in dividedBy)
        {
            bool reciprocal = reciprocals.TryGetValue(divisor, out ISymbol? reciprocalOf);
            if (multiply != reciprocal)
            {
                continue;
            }

            ISymbol sumSymbol = reciprocal ? reciprocalOf! : divisor;
            foreach ((ISymbol sum, IParameterSymbol summed) in sums)
            {
                if (SymbolEqualityComparer.Default.Equals(sum, sumSymbol) && SymbolEqualityComparer.Default.Equals(summed, parameter))
                {
                    return parameter.Ordinal;
                }
            }
        }

        return -1;
    }

    /// <summary>The collection a lambda (containing <paramref name="inside"/>) is mapped over by its Select.</summary>
    private static IOperation? LambdaSource(IOperation inside)
    {
        for (IOperation? current = inside.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation function)
            {
                return OperationHelpers.EnclosingCallOfDelegate(function) is { TargetMethod.Name: "Select" } call && OperationHelpers.SourceOf(call) is { } source
                    ? OperationHelpers.Unwrap(source)
                    : null;
            }
        }

        return null;
    }

    /// <summary>r = 1 / s (a reciprocal of a sum), s = p.Sum().</summary>
    private static void Classify(ISymbol local, IOperation value, Dictionary<ISymbol, ISymbol> reciprocals, List<(ISymbol, IParameterSymbol)> sums)
    {
        value = OperationHelpers.Unwrap(value);
        if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division && OperationHelpers.ConstantNumber(division.LeftOperand) == 1
            && OperationHelpers.ReferencedSymbol(division.RightOperand) is { } divisor)
        {
            reciprocals[local] = divisor;
        }
        else if (value is IInvocationOperation { TargetMethod.Name: "Sum" } call && OperationHelpers.SourceOf(call) is { } source
            && OperationHelpers.Unwrap(source) is IParameterReferenceOperation summed)
        {
            sums.Add((local, summed.Parameter));
        }
    }

    private static IParameterSymbol? ElementOfParameter(IOperation operation) => OperationHelpers.Unwrap(operation) switch
    {
        IArrayElementReferenceOperation { ArrayReference: IParameterReferenceOperation parameter } => parameter.Parameter,
        IPropertyReferenceOperation { Property.IsIndexer: true, Instance: IParameterReferenceOperation parameter } => parameter.Parameter,
        _ => null,
    };

    /// <summary>The parameter whose element the value reads (p[i]), or the collection a foreach variable runs over.</summary>
    private static IParameterSymbol? ReadsParameterElement(IOperation value)
    {
        value = OperationHelpers.Unwrap(value);
        if (ElementOfParameter(value) is { } parameter)
        {
            return parameter;
        }

        if (value is ILocalReferenceOperation { Local: { } local })
        {
            for (IOperation? current = value.Parent; current is not null; current = current.Parent)
            {
                if (current is IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation control, Collection: { } collection }
                    && SymbolEqualityComparer.Default.Equals(control.Symbol, local)
                    && OperationHelpers.Unwrap(collection) is IParameterReferenceOperation summed)
                {
                    return summed.Parameter;
                }
            }
        }

        return null;
    }
}
