using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// The accurate twins of the double scalar kernels whose plain double arithmetic misses 4 ULP: the soft-target
/// cross-entropy (Σ t and Σ t (x - max) over thousands of terms) and the backward pass (Σ y dy with cancellation).
/// They sum with TwoSum and take each product's exact error by Dekker's product (the scalar code also compiles where
/// Math.FusedMultiplyAdd is missing, netstandard2.0). The Fast kernels keep the plain scalar kernels; the float kernels
/// need no twin (float inputs in double: the products are exact and the sums far below a float ULP).
/// </summary>
internal sealed partial class KernelEmitter
{
    /// <summary>Whether the accurate kernels of this function have their own scalar kernel.</summary>
    private static bool HasAccurateScalar(Lane lane, LayerKernel kernel) =>
        !lane.IsSingle && (kernel == LayerKernel.CrossEntropyTargets || kernel == LayerKernel.CrossEntropyTargetsGradient || kernel == LayerKernel.Backward);

    private void EmitAccurateScalarKernels(Lane lane, int accurateFunctions)
    {
        if (lane.IsSingle || (accurateFunctions & (LayerFunctions.CrossEntropy | LayerFunctions.Backward)) == 0)
        {
            return;
        }

        const string rs = "global::System.ReadOnlySpan<double>";
        _w.Line("/// <summary>");
        _w.Line("/// The rounding error of product = a b (Dekker's product: a b = product + error exactly), NaN where a or b is");
        _w.Line("/// beyond 2^995 (the split overflows); the callers then keep their plain sums.");
        _w.Line("/// </summary>");
        _w.Line(Inline);
        _w.Open("private static double ProductError(double a, double b, double product)");
        _w.Line("double split = 134217729d * a;");
        _w.Line("double aHigh = split - (split - a);");
        _w.Line("double aLow = a - aHigh;");
        _w.Line("split = 134217729d * b;");
        _w.Line("double bHigh = split - (split - b);");
        _w.Line("double bLow = b - bHigh;");
        _w.Line("return ((((aHigh * bHigh) - product) + (aHigh * bLow)) + (aLow * bHigh)) + (aLow * bLow);");
        _w.Close();
        _w.Line();

        if ((accurateFunctions & LayerFunctions.CrossEntropy) != 0)
        {
            _w.Line("/// <summary>");
            _w.Line("/// The soft-target loss log(S) Σt - Σ t (x - max) over t ≠ 0 with both sums compensated (TwoSum; the products'");
            _w.Line("/// and the differences' rounding errors carried), and Σ t. Rows whose maximum is not finite: the plain kernel.");
            _w.Line("/// </summary>");
            _w.Open($"private static double DoubleTargetLossAccurate({rs} logits, {rs} targets, out double targetSum)");
            _w.Line("double high = 0d;");
            _w.Line("double low = 0d;");
            _w.Open("for (int i = 0; i < targets.Length; i++)");
            _w.Line("double t = targets[i];");
            EmitTwoSum("high", "low", "t");
            _w.Close();
            _w.Line();
            _w.Line("targetSum = low - low == 0d ? high + low : high;");
            _w.Line("double sum = DoubleLayerSum(logits, 1d, false, out double max, out bool nan, out _, out _, out _);");
            _w.Open("if (nan || !(max > double.NegativeInfinity && max < double.PositiveInfinity))");
            _w.Line($"return {LayerScalarName(Lane.Double, LayerKernel.CrossEntropyTargets)}(logits, targets);");
            _w.Close();
            _w.Line();
            _w.Line("double log = global::System.Math.Log(sum);");
            _w.Line("double dot = 0d;");
            _w.Line("double error = 0d;");
            _w.Open("for (int i = 0; i < logits.Length; i++)");
            _w.Line("// 0 log 0 = 0: a target of 0 adds nothing, even on a logit of -∞.");
            _w.Open("if (targets[i] != 0)");
            _w.Line("double t = targets[i];");
            _w.Line("double x = logits[i];");
            _w.Line("double d = x - max;");
            _w.Line("double dBack = d - x;");
            _w.Line("double dError = (x - (d - dBack)) - (max + dBack);");
            _w.Line("double p = t * d;");
            EmitTwoSum("dot", "error", "p", "ProductError(t, d, p)", "(t * dError)");
            _w.Close();
            _w.Close();
            _w.Line();
            _w.Open("if (!(dot > double.NegativeInfinity && dot < double.PositiveInfinity))");
            _w.Line("// A target on a logit of -∞: the loss is +∞.");
            _w.Line("return (log * targetSum) - dot;");
            _w.Close();
            _w.Line();
            _w.Line("double product = log * targetSum;");
            _w.Line("double productError = ProductError(log, targetSum, product);");
            _w.Line("return error - error == 0d && productError - productError == 0d ? (product - dot) + (productError - error) : product - dot;");
            _w.Close();
            _w.Line();

            _w.Line("/// <summary>The scalar CrossEntropyTargets kernel of the accurate functions: the sums compensated.</summary>");
            _w.Open($"private static double {LayerScalarName(Lane.Double, LayerKernel.CrossEntropyTargets, accurate: true)}({LayerKernel.CrossEntropyTargets.Parameters(Lane.Double)})");
            _w.Line("return DoubleTargetLossAccurate(logits, targets, out _);");
            _w.Close();
            _w.Line();
            _w.Line("/// <summary>The scalar CrossEntropyTargetsGradient kernel of the accurate functions: the sums compensated.</summary>");
            _w.Open($"private static double {LayerScalarName(Lane.Double, LayerKernel.CrossEntropyTargetsGradient, accurate: true)}({LayerKernel.CrossEntropyTargetsGradient.Parameters(Lane.Double)})");
            _w.Line("// The loss first: the gradient may be the same memory as the logits.");
            _w.Line("double loss = DoubleTargetLossAccurate(logits, targets, out double targetSum);");
            _w.Line($"DoubleLayerSoftmaxInto(logits, gradient, 1d, weight * targetSum, targets, weight, -1);");
            _w.Line("return loss;");
            _w.Close();
            _w.Line();
        }

        if ((accurateFunctions & LayerFunctions.Backward) != 0)
        {
            _w.Line("/// <summary>The scalar Backward kernel of the accurate functions: Σ y dy compensated (Ogita, Rump and Oishi's Dot2).</summary>");
            _w.Open($"private static void {LayerScalarName(Lane.Double, LayerKernel.Backward, accurate: true)}({LayerKernel.Backward.Parameters(Lane.Double)})");
            _w.Line("double dot = 0d;");
            _w.Line("double error = 0d;");
            _w.Open("for (int i = 0; i < probabilities.Length; i++)");
            _w.Line("double p = probabilities[i] * outputGradient[i];");
            EmitTwoSum("dot", "error", "p", "ProductError(probabilities[i], outputGradient[i], p)");
            _w.Close();
            _w.Line();
            _w.Line("// The plain sum where the error is not finite (infinite or huge values).");
            _w.Line("dot = error - error == 0d ? dot + error : dot;");
            _w.Open("for (int i = 0; i < probabilities.Length; i++)");
            _w.Line("inputGradient[i] = probabilities[i] * (outputGradient[i] - dot);");
            _w.Close();
            _w.Close();
            _w.Line();
        }
    }

    /// <summary>
    /// One step of a compensated sum (TwoSum): <paramref name="sum"/> += <paramref name="term"/>, its exact rounding
    /// error, plus <paramref name="errors"/> (the term's own known errors), added to <paramref name="error"/>.
    /// </summary>
    private void EmitTwoSum(string sum, string error, string term, params string[] errors)
    {
        _w.Line($"double next = {sum} + {term};");
        _w.Line($"double back = next - {sum};");
        string carried = $"({sum} - (next - back)) + ({term} - back)";
        foreach (string extra in errors)
        {
            carried = $"({carried}) + {extra}";
        }

        _w.Line($"{error} += {carried};");
        _w.Line($"{sum} = next;");
    }
}
