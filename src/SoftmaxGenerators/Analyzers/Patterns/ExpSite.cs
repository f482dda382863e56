using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.Analyzers.Patterns;

internal enum ExpSiteKind
{
    /// <summary>Math.Exp(e), MathF.Exp(e), double.Exp(e), float.Exp(e), T.Exp(e), Math.Pow(Math.E, e).</summary>
    Call,

    /// <summary>A method group Math.Exp passed to Select or Sum.</summary>
    MethodGroup,

    /// <summary>TensorPrimitives.Exp(x, destination).</summary>
    Tensor,
}

/// <summary>One exponential in a method body.</summary>
internal sealed class ExpSite
{
    public ExpSite(ExpSiteKind kind, IOperation node, IOperation? exponent, IInvocationOperation? enclosingCall)
    {
        Kind = kind;
        Node = node;
        Exponent = exponent;
        EnclosingCall = enclosingCall;
    }

    public ExpSiteKind Kind { get; }

    /// <summary>The invocation (Call, Tensor) or the method reference (MethodGroup).</summary>
    public IOperation Node { get; }

    /// <summary>The exponent (Call), the source span (Tensor), or the collection whose elements are exponentiated (MethodGroup).</summary>
    public IOperation? Exponent { get; }

    /// <summary>For a method group, the LINQ call it is passed to.</summary>
    public IInvocationOperation? EnclosingCall { get; }

    private BodyAnalysis? _judge;
    private bool? _shifted;
    private bool? _bounded;
    private bool? _boundedAsMargin;

    /// <summary>The analysis that judges the exponent, on first question: most exponentials are never asked about
    /// (no sum, no log near them), and the judgements follow values through the body.</summary>
    internal void JudgeWith(BodyAnalysis analysis) => _judge = analysis;

    /// <summary>The exponent was shifted (or may have been: unsure counts as shifted).</summary>
    public bool Shifted => _shifted ??= Exponent is null || _judge is null || _judge.IsShiftedExponent(Exponent);

    /// <summary>The exponent is provably bounded above (exp(-d*d), exp(-|x|), a clamp, a guard, a constant): it cannot
    /// overflow. See <see cref="Flow.ValueBounds"/>.</summary>
    public bool Bounded => _bounded ??= Exponent is not null && _judge is not null
        && (Kind == ExpSiteKind.Call ? _judge.IsBoundedExponent(Exponent, ValueType, productsOfQuantities: true)
            : Kind == ExpSiteKind.MethodGroup && Flow.ValueBounds.IsNamedProbabilityCollection(Exponent));

    /// <summary>Bounded without taking a negated product of plain quantities for non-positive: what a softplus or a
    /// logistic needs, where <c>-y * f</c> is a margin of either sign.</summary>
    public bool BoundedAsMargin => _boundedAsMargin ??= Bounded && _judge!.IsBoundedExponent(Exponent!, ValueType, productsOfQuantities: false);

    public bool IsNaive => !Shifted && !Bounded;

    /// <summary>The element type of the exponential (double, float or a type parameter), when known.</summary>
    public ITypeSymbol? ValueType => Node switch
    {
        IInvocationOperation { TargetMethod: { } method } when Kind == ExpSiteKind.Call => method.ReturnType,
        IMethodReferenceOperation { Method: { } method } => method.ReturnType,
        IInvocationOperation { TargetMethod: { } method } when Kind == ExpSiteKind.Tensor && method.IsGenericMethod && method.TypeArguments.Length == 1 => method.TypeArguments[0],
        IInvocationOperation { TargetMethod: { Parameters.Length: > 0 } method } => (method.Parameters[0].Type as INamedTypeSymbol) is { TypeArguments.Length: 1 } span ? span.TypeArguments[0] : null,
        _ => null,
    };
}

/// <summary>Where exponentials are summed: a variable (sum, sums[r], a field) or a Sum call.</summary>
internal readonly struct Accumulator
{
    public Accumulator(ISymbol? symbol, IOperation? invocation)
    {
        Symbol = symbol;
        Invocation = invocation;
    }

    public ISymbol? Symbol { get; }

    public IOperation? Invocation { get; }
}
