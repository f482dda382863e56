using System.Collections.Generic;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// The core pass of a layer function: the row maximum, then exp(x - shift) summed, and stored when the function needs
/// the exponentials (the gradient, the softmax, the temperature softmax).
/// </summary>
/// <param name="Name">The pass's name in the generated method names.</param>
/// <param name="Store">Whether the exponentials are written to the output.</param>
/// <param name="Scaled">Whether the input is multiplied by a run-time scalar s &gt; 0 first (the temperature's 1 / T).</param>
/// <param name="Folded">
/// Whether the exponent of the maximum is folded into the exponential (exp(x) 2^-M, x - max never rounded), as the
/// softmax kernels do; otherwise the shift is the maximum itself, so that the maximum's own term is exactly 1 and
/// log(sum) is the log-sum-exp relative to the maximum, as the log functions need.
/// </param>
/// <param name="Description">What the pass computes, for the generated XML docs.</param>
/// <param name="Offset">
/// Whether the folded pass also returns <c>offset</c>, with log Σ exp(x - max) = log(sum) - offset: the gradient's pass,
/// whose exponentials are the softmax's (x - max never rounded, so p = e / sum is as accurate as the softmax), while
/// its loss needs the log-sum-exp relative to the maximum.
/// </param>
internal sealed record LayerCore(string Name, bool Store, bool Scaled, bool Folded, string Description, bool Offset = false)
{
    public static readonly LayerCore Sum = new("Sum", Store: false, Scaled: false, Folded: false, "the maximum and Σ exp(x - max)");
    public static readonly LayerCore SumStore = new("SumStore", Store: true, Scaled: false, Folded: true, "the maximum and Σ exp(x - max) with the maximum's exponent folded in (and the offset of its log), each exponential stored", Offset: true);
    public static readonly LayerCore SoftmaxStore = new("SoftmaxStore", Store: true, Scaled: false, Folded: true, "the maximum and Σ exp(x - max) with the maximum's exponent folded in, each exponential stored");
    public static readonly LayerCore ScaledStore = new("ScaledStore", Store: true, Scaled: true, Folded: true, "the maximum of x s and Σ exp(x s - max), each exponential stored");
}

/// <summary>
/// One generated layer kernel: its name suffix, signature, and the function of <see cref="LayerFunctions"/> that asks
/// for it. Each has a per-width composition of passes (<c>KernelEmitter.LayerFunctions</c>), a scalar kernel in double
/// that also serves the rows the vector kernels hand over (special values), a JIT-time dispatcher and a width hook.
/// </summary>
internal sealed class LayerKernel
{
    private readonly System.Func<Lane, string> _returns;
    private readonly System.Func<Lane, string> _parameters;

    private LayerKernel(string suffix, int function, System.Func<Lane, string> returns, System.Func<Lane, string> parameters, string arguments)
    {
        Suffix = suffix;
        Function = function;
        _returns = returns;
        _parameters = parameters;
        Arguments = arguments;
    }

    public string Suffix { get; }

    public int Function { get; }

    public string Arguments { get; }

    public bool ReturnsValue(Lane lane) => Returns(lane) != "void";

    public string Returns(Lane lane) => _returns(lane);

    public string Parameters(Lane lane) => _parameters(lane);

    private static string Span(Lane lane) => "global::System.Span<" + lane.Keyword + ">";

    private static string ReadOnlySpan(Lane lane) => "global::System.ReadOnlySpan<" + lane.Keyword + ">";

    /// <summary>The softmax of a run-time length (fixed lengths keep the tuned shapes of <c>KernelEmitter</c>).</summary>
    public static readonly LayerKernel Softmax = new("Softmax", LayerFunctions.Softmax, _ => "void",
        l => $"{ReadOnlySpan(l)} input, {Span(l)} output", "input, output");

    public static readonly LayerKernel LogSoftmax = new("LogSoftmax", LayerFunctions.LogSoftmax, _ => "void",
        l => $"{ReadOnlySpan(l)} input, {Span(l)} output", "input, output");

    public static readonly LayerKernel LogSumExp = new("LogSumExp", LayerFunctions.LogSumExp, l => l.Keyword,
        l => $"{ReadOnlySpan(l)} input", "input");

    public static readonly LayerKernel CrossEntropyLabel = new("CrossEntropyLabel", LayerFunctions.CrossEntropy, _ => "double",
        l => $"{ReadOnlySpan(l)} logits, int label", "logits, label");

    public static readonly LayerKernel CrossEntropyLabelGradient = new("CrossEntropyLabelGradient", LayerFunctions.CrossEntropy, _ => "double",
        l => $"{ReadOnlySpan(l)} logits, int label, {Span(l)} gradient, {l.Keyword} weight", "logits, label, gradient, weight");

    public static readonly LayerKernel CrossEntropyTargets = new("CrossEntropyTargets", LayerFunctions.CrossEntropy, _ => "double",
        l => $"{ReadOnlySpan(l)} logits, {ReadOnlySpan(l)} targets", "logits, targets");

    public static readonly LayerKernel CrossEntropyTargetsGradient = new("CrossEntropyTargetsGradient", LayerFunctions.CrossEntropy, _ => "double",
        l => $"{ReadOnlySpan(l)} logits, {ReadOnlySpan(l)} targets, {Span(l)} gradient, {l.Keyword} weight", "logits, targets, gradient, weight");

    public static readonly LayerKernel Backward = new("Backward", LayerFunctions.Backward, _ => "void",
        l => $"{ReadOnlySpan(l)} probabilities, {ReadOnlySpan(l)} outputGradient, {Span(l)} inputGradient", "probabilities, outputGradient, inputGradient");

    public static readonly LayerKernel Temperature = new("Temperature", LayerFunctions.Temperature, _ => "void",
        l => $"{ReadOnlySpan(l)} input, {Span(l)} output, {l.Keyword} scale", "input, output, scale");

    public static readonly IReadOnlyList<LayerKernel> All = new[]
    {
        Softmax, LogSoftmax, LogSumExp, CrossEntropyLabel, CrossEntropyLabelGradient, CrossEntropyTargets, CrossEntropyTargetsGradient, Backward, Temperature,
    };
}

/// <summary>
/// Which passes the requested functions need: each function is a small plan over the shared passes (the core, then
/// an epilogue), written out per width by <c>KernelEmitter.LayerFunctions</c>.
/// </summary>
internal static class LayerPlan
{
    public const string LogShift = "LogShift";
    public const string Scale = "Scale";
    public const string Gradient = "Gradient";
    public const string TargetDot = "TargetDot";
    public const string Dot = "Dot";
    public const string BackwardStore = "BackwardStore";

    public static IEnumerable<LayerCore> Cores(int functions)
    {
        if ((functions & LayerFunctions.Softmax) != 0)
        {
            yield return LayerCore.SoftmaxStore;
        }

        if ((functions & (LayerFunctions.LogSoftmax | LayerFunctions.LogSumExp | LayerFunctions.CrossEntropy)) != 0)
        {
            yield return LayerCore.Sum;
        }

        if ((functions & LayerFunctions.CrossEntropy) != 0)
        {
            yield return LayerCore.SumStore;
        }

        if ((functions & LayerFunctions.Temperature) != 0)
        {
            yield return LayerCore.ScaledStore;
        }
    }

    /// <summary>The epilogue passes the functions need.</summary>
    public static IEnumerable<string> Epilogues(int functions)
    {
        if ((functions & LayerFunctions.LogSoftmax) != 0)
        {
            yield return LogShift;
        }

        if ((functions & (LayerFunctions.Softmax | LayerFunctions.CrossEntropy | LayerFunctions.Temperature)) != 0)
        {
            yield return Scale;
        }

        if ((functions & LayerFunctions.CrossEntropy) != 0)
        {
            yield return TargetDot;
            yield return Gradient;
        }

        if ((functions & LayerFunctions.Backward) != 0)
        {
            yield return Dot;
            yield return BackwardStore;
        }
    }
}
