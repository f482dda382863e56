using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// The scalar kernels of the layer functions, in double precision for both element types, one per element type for
/// every row length: the path of targets without SIMD, and of the rows the vector kernels hand over because their
/// maximum is not finite (+∞, NaN, only -∞), so the special values are implemented here once.
/// </summary>
internal sealed partial class KernelEmitter
{
    private void EmitLayerScalarKernels(Lane lane, int functions, int accurateFunctions)
    {
        string t = lane.Keyword;
        string rs = $"global::System.ReadOnlySpan<{t}>";
        string magic = Lane.Double.Literal(Lane.Double.Magic);
        // x s rounded to the element type, as the vector kernels compute it (exact in double for float, and for s = 1).
        string u = lane.IsSingle ? "(double)(float)((double)x[i] * s)" : "((double)x[i] * s)";
        string exp = $"ExpScaled({u} - shift, bias)";

        _w.Line("/// <summary>");
        _w.Line("/// The maximum of x s, whether a NaN is in it, how many +∞, and (when the maximum is finite, compensated) the sum of");
        _w.Line("/// ExpScaled(x s - shift, bias): Σ exp(x s - max) for the log functions, or with <paramref name=\"folded\"/> the");
        _w.Line("/// softmax kernels' exp(x s) 2^-M with the maximum's exponent M folded into the bias, x s - max never rounded.");
        _w.Line("/// </summary>");
        _w.Open($"private static double {lane.Name}LayerSum({rs} x, double s, bool folded, out double max, out bool nan, out int infinities, out double shift, out double bias)");
        _w.Line("max = double.NegativeInfinity;");
        _w.Line("shift = 0d;");
        _w.Line($"bias = {magic};");
        _w.Line("nan = false;");
        _w.Line("infinities = 0;");
        _w.Open("for (int i = 0; i < x.Length; i++)");
        _w.Line($"double u = {u};");
        _w.Line("nan |= double.IsNaN(u);");
        _w.Open("if (double.IsPositiveInfinity(u))");
        _w.Line("infinities++;");
        _w.Close();
        _w.Open("if (u > max)");
        _w.Line("max = u;");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Open("if (nan || !(max > double.NegativeInfinity && max < double.PositiveInfinity))");
        _w.Line("return 0d;");
        _w.Close();
        _w.Line();
        _w.Open("if (folded)");
        _w.Line("bias = DoubleRowBias(max, out shift);");
        _w.Close();
        _w.Open("else");
        _w.Line("shift = max;");
        _w.Close();
        _w.Line();
        EmitKahanLoop("sum", "x.Length", exp);
        _w.Line("return sum;");
        _w.Close();
        _w.Line();

        bool softmaxInto = (functions & (LayerFunctions.Softmax | LayerFunctions.CrossEntropy | LayerFunctions.Temperature)) != 0;
        if (softmaxInto)
        {
            _w.Line("/// <summary>");
            _w.Line("/// y = weight softmax(x s) - targetWeight t (or - weight at the label), with the special values of the softmax: the");
            _w.Line("/// +∞ entries share the mass; NaN, or only -∞, give NaN. y may be x; t is empty or does not overlap y.");
            _w.Line("/// </summary>");
            _w.Open($"private static void {lane.Name}LayerSoftmaxInto({rs} x, global::System.Span<{t}> y, double s, double weight, {rs} targets, double targetWeight, int label)");
            _w.Line($"double sum = {lane.Name}LayerSum(x, s, true, out double max, out bool nan, out int infinities, out double shift, out double bias);");
            _w.Open("for (int i = 0; i < x.Length; i++)");
            _w.Line("double p = nan || double.IsNegativeInfinity(max) ? double.NaN");
            _w.Line($"    : double.IsPositiveInfinity(max) ? (double.IsPositiveInfinity({u}) ? 1d / infinities : 0d)");
            _w.Line($"    : {exp} / sum;");
            _w.Line("double target = targets.Length > 0 ? targetWeight * targets[i] : i == label ? weight : 0d;");
            _w.Line($"y[i] = ({t})((weight * p) - target);");
            _w.Close();
            _w.Close();
            _w.Line();
        }

        foreach (LayerKernel kernel in LayerKernel.All.Where(k => (functions & k.Function) != 0))
        {
            _w.Line($"/// <summary>The scalar {kernel.Suffix} kernel, in double, with every special value.</summary>");
            _w.Open($"private static {kernel.Returns(lane)} {LayerScalarName(lane, kernel)}({kernel.Parameters(lane)})");
            if (kernel == LayerKernel.Softmax)
            {
                _w.Open("if (input.Length == 1)");
                _w.Line("// One value: probability 1, or NaN for NaN and -∞ (+∞ shares the mass with itself).");
                _w.Line($"output[0] = {t}.IsNaN(input[0]) || {t}.IsNegativeInfinity(input[0]) ? {t}.NaN : {lane.Literal(1)};");
                _w.Line("return;");
                _w.Close();
                _w.Line();
                _w.Line($"{lane.Name}LayerSoftmaxInto(input, output, 1d, 1d, default({rs}), 0d, -1);");
            }
            else if (kernel == LayerKernel.LogSoftmax)
            {
                _w.Line($"double sum = {lane.Name}LayerSum(input, 1d, false, out double max, out bool nan, out int infinities, out _, out _);");
                _w.Line("double log = global::System.Math.Log(sum);");
                _w.Open("for (int i = 0; i < input.Length; i++)");
                _w.Line("double value = nan || double.IsNegativeInfinity(max) ? double.NaN");
                _w.Line("    : double.IsPositiveInfinity(max) ? (double.IsPositiveInfinity(input[i]) ? -global::System.Math.Log(infinities) : double.NegativeInfinity)");
                _w.Line("    : ((double)input[i] - max) - log;");
                _w.Line($"output[i] = ({t})value;");
                _w.Close();
            }
            else if (kernel == LayerKernel.LogSumExp)
            {
                _w.Line($"double sum = {lane.Name}LayerSum(input, 1d, false, out double max, out bool nan, out int infinities, out _, out _);");
                _w.Line($"return nan ? {t}.NaN : max > double.NegativeInfinity && max < double.PositiveInfinity ? ({t})(max + global::System.Math.Log(sum)) : ({t})max;");
            }
            else if (kernel == LayerKernel.CrossEntropyLabel)
            {
                _w.Line($"double sum = {lane.Name}LayerSum(logits, 1d, false, out double max, out bool nan, out int infinities, out _, out _);");
                _w.Open("if (nan || double.IsNegativeInfinity(max))");
                _w.Line("return double.NaN;");
                _w.Close();
                _w.Line();
                _w.Open("if (double.IsPositiveInfinity(max))");
                _w.Line("return double.IsPositiveInfinity(logits[label]) ? global::System.Math.Log(infinities) : double.PositiveInfinity;");
                _w.Close();
                _w.Line();
                _w.Line("return global::System.Math.Log(sum) - ((double)logits[label] - max);");
            }
            else if (kernel == LayerKernel.CrossEntropyLabelGradient)
            {
                _w.Line("// The loss first: the gradient may be the same memory as the logits.");
                _w.Line($"double loss = {LayerScalarName(lane, LayerKernel.CrossEntropyLabel)}(logits, label);");
                _w.Line($"{lane.Name}LayerSoftmaxInto(logits, gradient, 1d, weight, default({rs}), 0d, label);");
                _w.Line("return loss;");
            }
            else if (kernel == LayerKernel.CrossEntropyTargets)
            {
                _w.Line($"double sum = {lane.Name}LayerSum(logits, 1d, false, out double max, out bool nan, out int infinities, out _, out _);");
                _w.Open("if (nan || double.IsNegativeInfinity(max))");
                _w.Line("return double.NaN;");
                _w.Close();
                _w.Line();
                _w.Line("double log = global::System.Math.Log(sum);");
                _w.Line("double loss = 0d;");
                _w.Open("for (int i = 0; i < logits.Length; i++)");
                _w.Line("// 0 log 0 = 0: a target of 0 adds nothing, even on a logit of -∞.");
                _w.Open("if (targets[i] != 0)");
                _w.Line("double logProbability = double.IsPositiveInfinity(max)");
                _w.Line("    ? (double.IsPositiveInfinity(logits[i]) ? -global::System.Math.Log(infinities) : double.NegativeInfinity)");
                _w.Line("    : ((double)logits[i] - max) - log;");
                _w.Line("loss -= targets[i] * logProbability;");
                _w.Close();
                _w.Close();
                _w.Line();
                _w.Line("return loss;");
            }
            else if (kernel == LayerKernel.CrossEntropyTargetsGradient)
            {
                _w.Line($"double loss = {LayerScalarName(lane, LayerKernel.CrossEntropyTargets)}(logits, targets);");
                _w.Line("double targetSum = 0d;");
                _w.Open("for (int i = 0; i < targets.Length; i++)");
                _w.Line("targetSum += targets[i];");
                _w.Close();
                _w.Line();
                _w.Line($"{lane.Name}LayerSoftmaxInto(logits, gradient, 1d, weight * targetSum, targets, weight, -1);");
                _w.Line("return loss;");
            }
            else if (kernel == LayerKernel.Backward)
            {
                EmitKahanLoop("dot", "probabilities.Length", "((double)probabilities[i] * outputGradient[i])");
                _w.Open("for (int i = 0; i < probabilities.Length; i++)");
                _w.Line($"inputGradient[i] = ({t})((double)probabilities[i] * ((double)outputGradient[i] - dot));");
                _w.Close();
            }
            else
            {
                _w.Line($"{lane.Name}LayerSoftmaxInto(input, output, scale, 1d, default({rs}), 0d, -1);");
            }

            _w.Close();
            _w.Line();
        }

        EmitAccurateScalarKernels(lane, accurateFunctions);
    }
}
