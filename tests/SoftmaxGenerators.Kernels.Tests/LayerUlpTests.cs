using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// The layer functions against exact references (<see cref="ExactRow"/>: 160-bit floating point), on every path, for
/// random rows of the <see cref="LayerCase.Distributions"/>. The specification (docs/testing.md, "Layer functions"):
/// Accurate within 4 ULP of the exact result, or an absolute error of 2^-23 (float) / 2^-52 (double) times a scale
/// (near 0); Fast within the measured bounds of <see cref="FastBounds"/>. The scales: max(1, |row max|) for
/// log-softmax, log-sum-exp and the cross-entropy loss and gradient (times max(1, Σ|t|) for soft targets), and
/// max(1, max|dy|) for the backward pass (its row is dy). Softmax and temperature softmax are
/// probabilities, checked as UlpTests checks Softmax: in ULP where the exact result is a normal number.
/// Set SOFTMAX_LAYER_ULP_REPORT to a file to append the measured maxima of each test to it (docs/testing.md).
/// </summary>
public class LayerUlpTests
{
    /// <summary>The bound in ULP of the Accurate kernels, and the factor of their absolute allowance.</summary>
    public const double AccurateBound = 4;

    /// <summary>
    /// The bounds of the Fast kernels per function and lane: a result passes within Ulp ULP of the exact result, or
    /// within Absolute times the absolute allowance. Measured on every path in the four CI modes (docs/testing.md,
    /// "Layer functions"): the ULP bound is the measured maximum outside the allowance rounded up (at least 2); for the
    /// gradients the ULP bound is 8 and the absolute factor the measured maximum rounded up.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (FastBound Single, FastBound Double)> FastBounds = new Dictionary<string, (FastBound, FastBound)>
    {
        ["Softmax"] = (new(5), new(10)),
        ["Temperature"] = (new(6), new(8)),
        ["LogSoftmax"] = (new(2), new(2)),
        ["LogSumExp"] = (new(2), new(2)),
        ["CrossEntropy(label)"] = (new(2), new(2)),
        ["CrossEntropy(label, gradient).loss"] = (new(2), new(2)),
        ["CrossEntropy(label, gradient).gradient"] = (new(8), new(8)),
        ["CrossEntropy(targets)"] = (new(118), new(260)),
        ["CrossEntropy(targets, gradient).loss"] = (new(118), new(260)),
        ["CrossEntropy(targets, gradient).gradient"] = (new(8, 3), new(8, 6)),
        ["Backward"] = (new(8, 2), new(8, 2)),
    };

    /// <summary>The check of one function: Accurate's 4 ULP and 1 x the allowance, or the Fast bound of the lane.</summary>
    public static ErrorCheck CheckFor(string function, bool single, bool accurate, double extraUlp = 0)
    {
        FastBound bound = accurate ? new FastBound(AccurateBound) : single ? FastBounds[function].Single : FastBounds[function].Double;
        return new ErrorCheck(function, single, bound.Ulp + extraUlp, bound.Absolute);
    }

    private static readonly object ReportLock = new();

    public static TheoryData<int, bool, string> Cases(Lanes lanes)
    {
        var data = new TheoryData<int, bool, string>();
        foreach (object[] c in LayerTable.Cases(lanes))
        {
            data.Add((int)c[0], (bool)c[1], (string)c[2]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), Lanes.Single)]
    public void Float_layer_functions_are_within_their_ulp_bounds(int length, bool accurate, string path)
    {
        LayerKernel kernel = LayerTable.Get(length, accurate, path);
        LayerLane<float> lane = kernel.Single;
        if (lane.OnPath)
        {
            Measure(kernel, lane, single: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases), Lanes.Double)]
    public void Double_layer_functions_are_within_their_ulp_bounds(int length, bool accurate, string path)
    {
        LayerKernel kernel = LayerTable.Get(length, accurate, path);
        LayerLane<double> lane = kernel.Double;
        if (lane.OnPath)
        {
            Measure(kernel, lane, single: false);
        }
    }

    private static void Measure<T>(LayerKernel kernel, LayerLane<T> lane, bool single)
    {
        int n = kernel.Length;
        var checks = FastBounds.Keys.ToDictionary(name => name, name => CheckFor(name, single, kernel.Accurate));
        string prefix = $"{(single ? "float" : "double")} {kernel}";
        var output = new T[n];
        var gradient = new T[n];
        foreach (string distribution in LayerCase.Distributions)
        {
            for (int seed = 0; seed < LayerCase.Rows(n, single); seed++)
            {
                LayerCase c = LayerCase.Create(distribution, n, single, seed);
                T[] x = Num<T>.Array(c.Logits);
                T[] targets = Num<T>.Array(c.Targets);

                lane.Softmax(x, output);
                for (int i = 0; i < n; i++)
                {
                    checks["Softmax"].AddProbability(Num<T>.ToDouble(output[i]), c.Row.Softmax(i), () => c.Describe(i));
                }

                lane.Temperature(x, output, Num<T>.From(c.Temperature));
                for (int i = 0; i < n; i++)
                {
                    checks["Temperature"].AddProbability(Num<T>.ToDouble(output[i]), c.Scaled.Softmax(i), () => c.Describe(i) + $" temperature={LayerCase.Show(c.Temperature)}");
                }

                lane.LogSoftmax(x, output);
                for (int i = 0; i < n; i++)
                {
                    checks["LogSoftmax"].Add(Num<T>.ToDouble(output[i]), c.Row.LogSoftmax(i), c.RowScale, () => c.Describe(i));
                }

                checks["LogSumExp"].Add(Num<T>.ToDouble(lane.LogSumExp(x)), c.Row.LogSumExp(), c.RowScale, () => c.Describe());

                Exact labelLoss = c.Row.CrossEntropy(c.Label);
                checks["CrossEntropy(label)"].Add(Num<T>.ToDouble(lane.CrossEntropy(x, c.Label)), labelLoss, c.RowScale, () => c.Describe());
                T loss = lane.CrossEntropyGradient(x, c.Label, gradient);
                checks["CrossEntropy(label, gradient).loss"].Add(Num<T>.ToDouble(loss), labelLoss, c.RowScale, () => c.Describe());
                for (int i = 0; i < n; i++)
                {
                    checks["CrossEntropy(label, gradient).gradient"].Add(
                        Num<T>.ToDouble(gradient[i]), c.Row.Gradient(i, BigFloat.One, i == c.Label ? 1 : 0), c.RowScale, () => c.Describe(i));
                }

                Exact softLoss = c.Row.CrossEntropy(c.Targets);
                double softScale = c.RowScale * c.TargetScale;
                checks["CrossEntropy(targets)"].Add(Num<T>.ToDouble(lane.SoftCrossEntropy(x, targets)), softLoss, softScale, () => c.Describe());
                loss = lane.SoftCrossEntropyGradient(x, targets, gradient);
                checks["CrossEntropy(targets, gradient).loss"].Add(Num<T>.ToDouble(loss), softLoss, softScale, () => c.Describe());
                for (int i = 0; i < n; i++)
                {
                    checks["CrossEntropy(targets, gradient).gradient"].Add(
                        Num<T>.ToDouble(gradient[i]), c.Row.Gradient(i, c.TargetSum, c.Targets[i]), softScale, () => c.Describe(i) + $" t[{i}]={LayerCase.Show(c.Targets[i])}");
                }

                lane.Backward(Num<T>.Array(c.Probabilities), Num<T>.Array(c.OutputGradient), output);
                for (int i = 0; i < n; i++)
                {
                    checks["Backward"].Add(
                        Num<T>.ToDouble(output[i]), c.InputGradient[i], c.GradientScale, () => c.Describe(i) + $" y[{i}]={LayerCase.Show(c.Probabilities[i])} dy[{i}]={LayerCase.Show(c.OutputGradient[i])}");
                }
            }
        }

        Report(prefix, kernel, single, checks.Values);
        string[] failures = checks.Values.Where(check => check.Failures > 0).Select(check => check.Summary(prefix)).ToArray();
        if (failures.Length > 0)
        {
            throw new XunitException(string.Join(Environment.NewLine, failures));
        }
    }

    /// <summary>Appends one line per function to SOFTMAX_LAYER_ULP_REPORT (when set): lane, precision, path, N,
    /// function, max ULP where the absolute allowance does not hold, max absolute error / allowance where the ULP
    /// bound does not hold, elements.</summary>
    private static void Report(string prefix, LayerKernel kernel, bool single, IEnumerable<ErrorCheck> checks)
    {
        if (Environment.GetEnvironmentVariable("SOFTMAX_LAYER_ULP_REPORT") is not { Length: > 0 } file)
        {
            return;
        }

        var text = new StringBuilder();
        foreach (ErrorCheck check in checks)
        {
            text.Append(single ? "float" : "double").Append('\t').Append(kernel.Accurate ? "Accurate" : "Fast").Append('\t')
                .Append(kernel.Path).Append('\t').Append(kernel.Length).Append('\t').Append(check.Function).Append('\t')
                .Append(check.MaxUlp.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).Append('\t')
                .Append(check.MaxAbsoluteRatio.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).Append('\t')
                .Append(check.MaxUlpBeyond4.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).Append('\t')
                .Append(check.Count).Append('\t').Append(check.Failures).AppendLine();
        }

        lock (ReportLock)
        {
            File.AppendAllText(file, text.ToString());
        }
    }
}

/// <summary>A Fast bound: ULP, and a factor of the absolute allowance.</summary>
public readonly record struct FastBound(double Ulp, double Absolute = 1);

/// <summary>Conversions between double and the element type under test.</summary>
public static class Num<T>
{
    public static T From(double value) => typeof(T) == typeof(float) ? (T)(object)(float)value : (T)(object)value;

    public static double ToDouble(T value) => value is float f ? f : (double)(object)value!;

    public static T[] Array(double[] values) => System.Array.ConvertAll(values, From);

    public static double[] Doubles(ReadOnlySpan<T> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = ToDouble(values[i]);
        }

        return result;
    }
}

/// <summary>The errors of one function in one test: maxima, and the first failures with their inputs.</summary>
public sealed class ErrorCheck(string function, bool single, double bound, double absoluteFactor = 1)
{
    private readonly List<string> examples = new();

    public string Function => function;

    public double Bound => bound;

    /// <summary>The largest error in ULP among the elements outside the absolute allowance.</summary>
    public double MaxUlp { get; private set; }

    /// <summary>The largest error in ULP among the elements beyond 4 times the absolute allowance.</summary>
    public double MaxUlpBeyond4 { get; private set; }

    /// <summary>The largest absolute error / allowance among the elements outside the ULP bound.</summary>
    public double MaxAbsoluteRatio { get; private set; }

    public long Count { get; private set; }

    public long Failures { get; private set; }

    /// <summary>A result that passes within <see cref="Bound"/> ULP or within the absolute allowance
    /// (<paramref name="scale"/> times 2^-23 or 2^-52, times the factor).</summary>
    public void Add(double actual, Exact exact, double scale, Func<string> context)
    {
        Count++;
        (double absolute, double ulps) = Ulp.Error(actual, exact, single);
        double ratio = absolute / (Ulp.Unit(single) * scale);
        if (ratio > 1)
        {
            MaxUlp = Math.Max(MaxUlp, ulps);
        }

        if (ratio > 4)
        {
            MaxUlpBeyond4 = Math.Max(MaxUlpBeyond4, ulps);
        }

        if (ulps > bound)
        {
            MaxAbsoluteRatio = Math.Max(MaxAbsoluteRatio, ratio);
        }

        if (!(ulps <= bound || ratio <= absoluteFactor))
        {
            Fail(Math.Min(ulps, ratio), () => context() + $": expected {exact}, got {LayerCase.Show(actual)}, error {ulps:0.##} ULP, absolute {absolute:E3} = {ratio:0.##} x allowance {Ulp.Unit(single) * scale:E3}");
        }
    }

    /// <summary>A probability: within <see cref="Bound"/> ULP where the exact result is normal; below, within the
    /// smallest normal value.</summary>
    public void AddProbability(double actual, Exact exact, Func<string> context)
    {
        Count++;
        double minNormal = single ? 1.1754943508222875E-38 : 2.2250738585072014E-308;
        (double absolute, double ulps) = Ulp.Error(actual, exact, single);
        bool normal = exact.IsSpecial || exact.Value.Abs().ToDouble() >= minNormal;
        if (normal)
        {
            MaxUlp = Math.Max(MaxUlp, ulps);
        }

        if (normal ? !(ulps <= bound) : !(absolute <= minNormal))
        {
            Fail(ulps, () => context() + $": expected {exact}, got {LayerCase.Show(actual)}, error {ulps:0.##} ULP");
        }
    }

    private void Fail(double severity, Func<string> message)
    {
        Failures++;
        if (examples.Count < 4)
        {
            examples.Add(message());
        }

        if (!(severity <= worstSeverity))
        {
            worstSeverity = severity;
            worst = message();
        }
    }

    private double worstSeverity = -1;
    private string worst = string.Empty;

    public string Summary(string prefix) =>
        $"{prefix} {function}: {Failures} of {Count} results beyond {bound} ULP and {absoluteFactor} x the absolute allowance (max {MaxUlp:0.##} ULP outside the absolute allowance); the worst:"
        + Environment.NewLine + "  " + worst + Environment.NewLine + " the first:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", examples);
}
