using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

public sealed class FloatLayerSpecialValueTests : LayerSpecialValueTests<float>
{
    protected override bool Single => true;
}

public sealed class DoubleLayerSpecialValueTests : LayerSpecialValueTests<double>
{
    protected override bool Single => false;
}

/// <summary>
/// The special values of the layer functions (docs/testing.md, "Layer functions"), on every path, in float and double:
/// NaN, +∞ (one or several), -∞ (masked entries, whole rows, at the label), ±MaxValue, tiny values, and the
/// temperatures that are refused. Expected values that are not special are checked against the exact reference within
/// the ULP bound of the function (Accurate 4 ULP; Fast the measured bound). Every row is also run in place (the
/// <c>values</c> overloads, and the gradient in the logits' memory for the label overloads), which must give the same
/// bits.
/// </summary>
public abstract class LayerSpecialValueTests<T>
{
    protected abstract bool Single { get; }

    private double Max => Single ? float.MaxValue : double.MaxValue;

    public static TheoryData<int, bool, string, int> Positions()
    {
        var data = new TheoryData<int, bool, string, int>();
        foreach (LayerKernel kernel in LayerTable.All)
        {
            int n = kernel.Length;
            foreach (string path in LayerTable.Paths(kernel, Lanes.Both))
            {
                foreach (int position in new[] { 0, n / 2, n - 1 }.Distinct())
                {
                    data.Add(n, kernel.Accurate, path, position);
                }
            }
        }

        return data;
    }

    public static TheoryData<int, bool, string> Paths()
    {
        var data = new TheoryData<int, bool, string>();
        foreach (object[] c in LayerTable.Cases(Lanes.Both))
        {
            data.Add((int)c[0], (bool)c[1], (string)c[2]);
        }

        return data;
    }

    // ---------------------------------------------------------------- log-softmax

    [Theory]
    [MemberData(nameof(Positions))]
    public void LogSoftmax_NaN_anywhere_gives_NaN_everywhere(int length, bool accurate, string path, int position)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        foreach (double rest in new[] { 1.0, double.PositiveInfinity, double.NegativeInfinity })
        {
            double[] output = LogSoftmax(lane, Row(length, i => i == position ? double.NaN : rest == 1 ? i : rest));
            AssertAll(output, double.NaN, $"NaN at {position}, rest {rest}");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void LogSoftmax_of_a_row_of_negative_infinity_is_NaN(int length, bool accurate, string path)
    {
        if (Lane(length, accurate, path) is { } lane)
        {
            AssertAll(LogSoftmax(lane, Row(length, _ => double.NegativeInfinity)), double.NaN, "all -inf");
        }
    }

    [Theory]
    [MemberData(nameof(Positions))]
    public void LogSoftmax_positive_infinities_get_minus_log_count_and_the_rest_negative_infinity(int length, bool accurate, string path, int position)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        // One +inf among finite values: log 1 = 0 there, -inf elsewhere.
        double[] output = LogSoftmax(lane, Row(length, i => i == position ? double.PositiveInfinity : i));
        for (int i = 0; i < length; i++)
        {
            AssertValue(i == position ? 0 : double.NegativeInfinity, output[i], $"one +inf at {position}, element {i}");
        }

        // One +inf among -inf.
        output = LogSoftmax(lane, Row(length, i => i == position ? double.PositiveInfinity : double.NegativeInfinity));
        for (int i = 0; i < length; i++)
        {
            AssertValue(i == position ? 0 : double.NegativeInfinity, output[i], $"+inf at {position} among -inf, element {i}");
        }

        // Two +inf among MaxValue: -log 2 there.
        if (length >= 2)
        {
            int other = position == 0 ? length - 1 : 0;
            output = LogSoftmax(lane, Row(length, i => i == position || i == other ? double.PositiveInfinity : Max));
            for (int i = 0; i < length; i++)
            {
                if (i == position || i == other)
                {
                    AssertNear(Exact.Of(-BigFloat.Log(BigFloat.FromInt(2))), output[i], 1, accurate, "LogSoftmax", $"two +inf at {position} and {other}, element {i}");
                }
                else
                {
                    AssertValue(double.NegativeInfinity, output[i], $"two +inf at {position} and {other}, element {i}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Positions))]
    public void LogSoftmax_negative_infinity_among_finite_values_is_negative_infinity(int length, bool accurate, string path, int position)
    {
        if (length < 2 || Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        double[] input = Row(length, i => i == position ? double.NegativeInfinity : (i % 5) - 2);
        double[] output = LogSoftmax(lane, input);
        var exact = ExactRow.Of(input);
        for (int i = 0; i < length; i++)
        {
            AssertNear(exact.LogSoftmax(i), output[i], exact.Max, accurate, "LogSoftmax", $"-inf at {position}, element {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void LogSoftmax_of_extreme_and_tiny_values(int length, bool accurate, string path)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        // ±MaxValue alternating: -log(c) at the c maxima; x - max overflows at the others: the exact result is below
        // -MaxValue, so -inf.
        double[] input = Row(length, i => i % 2 == 0 ? Max : -Max);
        double[] output = LogSoftmax(lane, input);
        int maxima = (length + 1) / 2;
        for (int i = 0; i < length; i++)
        {
            if (i % 2 == 0)
            {
                AssertNear(Exact.Of(-BigFloat.Log(BigFloat.FromInt(maxima))), output[i], Max, accurate, "LogSoftmax", $"±MaxValue, element {i}");
            }
            else
            {
                AssertValue(double.NegativeInfinity, output[i], $"±MaxValue, element {i}");
            }
        }

        // Tiny values (and subnormals): close to -log(n); a single value: exactly 0.
        foreach (double scale in new[] { 1e-30, Single ? 1e-44 : 1e-320 })
        {
            input = Row(length, i => scale * ((i % 7) - 3));
            output = LogSoftmax(lane, input);
            var exact = ExactRow.Of(input);
            for (int i = 0; i < length; i++)
            {
                AssertNear(exact.LogSoftmax(i), output[i], 1, accurate, "LogSoftmax", $"tiny values ({scale}), element {i}");
            }
        }

        if (length == 1)
        {
            foreach (double x in new[] { 5, -Max, Max, 1e-40 })
            {
                AssertValue(0, LogSoftmax(lane, Row(1, _ => x))[0], $"the single value {x}");
            }
        }
    }

    // ---------------------------------------------------------------- log-sum-exp

    [Theory]
    [MemberData(nameof(Positions))]
    public void LogSumExp_special_values(int length, bool accurate, string path, int position)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        foreach (double rest in new[] { 1.0, double.PositiveInfinity, double.NegativeInfinity })
        {
            AssertValue(double.NaN, LogSumExp(lane, Row(length, i => i == position ? double.NaN : rest == 1 ? i : rest)), $"NaN at {position}, rest {rest}");
        }

        AssertValue(double.PositiveInfinity, LogSumExp(lane, Row(length, i => i == position ? double.PositiveInfinity : i)), $"+inf at {position} among finite values");
        AssertValue(double.PositiveInfinity, LogSumExp(lane, Row(length, i => i == position ? double.PositiveInfinity : double.NegativeInfinity)), $"+inf at {position} among -inf");
        AssertValue(double.PositiveInfinity, LogSumExp(lane, Row(length, i => i == position ? double.PositiveInfinity : Max)), $"+inf at {position} among MaxValue");
        AssertValue(double.NegativeInfinity, LogSumExp(lane, Row(length, _ => double.NegativeInfinity)), "all -inf");

        if (length >= 2)
        {
            double[] input = Row(length, i => i == position ? double.NegativeInfinity : (i % 5) - 2);
            var exact = ExactRow.Of(input);
            AssertNear(exact.LogSumExp(), LogSumExp(lane, input), exact.Max, accurate, "LogSumExp", $"-inf at {position} among finite values");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void LogSumExp_of_extreme_values_stays_finite(int length, bool accurate, string path)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        // MaxValue + log(n) rounds to MaxValue (log n is far below half an ULP of MaxValue): no overflow.
        AssertValue(Max, LogSumExp(lane, Row(length, _ => Max)), "all MaxValue");
        AssertValue(Max, LogSumExp(lane, Row(length, i => i % 2 == 0 ? Max : -Max)), "±MaxValue");
        AssertValue(-Max, LogSumExp(lane, Row(length, _ => -Max)), "all -MaxValue");

        // One value: the value itself.
        if (length == 1)
        {
            foreach (double x in new[] { 5, -3.25, 1e-40, -Max, Max, 16384.5 })
            {
                double value = Single ? (float)x : x;
                AssertValue(value, LogSumExp(lane, Row(1, _ => value)), $"the single value {x}");
            }
        }

        // Tiny values: log(n) + mean.
        double[] input = Row(length, i => 1e-30 * ((i % 7) - 3));
        var exact = ExactRow.Of(input);
        AssertNear(exact.LogSumExp(), LogSumExp(lane, input), 1, accurate, "LogSumExp", "tiny values");
    }

    // ---------------------------------------------------------------- cross-entropy with a label

    [Theory]
    [MemberData(nameof(Positions))]
    public void CrossEntropy_NaN_or_a_row_of_negative_infinity_gives_NaN(int length, bool accurate, string path, int position)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        foreach (int label in new[] { 0, position, length - 1 }.Distinct())
        {
            (double loss, double[] gradient) = CrossEntropy(lane, Row(length, i => i == position ? double.NaN : i), label);
            AssertValue(double.NaN, loss, $"NaN at {position}, label {label}: loss");
            AssertAll(gradient, double.NaN, $"NaN at {position}, label {label}: gradient");

            (loss, gradient) = CrossEntropy(lane, Row(length, _ => double.NegativeInfinity), label);
            AssertValue(double.NaN, loss, $"all -inf, label {label}: loss");
            AssertAll(gradient, double.NaN, $"all -inf, label {label}: gradient");
        }
    }

    [Theory]
    [MemberData(nameof(Positions))]
    public void CrossEntropy_positive_infinity(int length, bool accurate, string path, int position)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        // +inf at the label only: softmax is one-hot there, the loss log(1) = 0, the gradient 0.
        (double loss, double[] gradient) = CrossEntropy(lane, Row(length, i => i == position ? double.PositiveInfinity : i), position);
        AssertValue(0, loss, $"+inf at the label {position}: loss");
        AssertAll(gradient, 0, $"+inf at the label {position}: gradient");

        if (length < 2)
        {
            return;
        }

        // +inf elsewhere: the label's softmax is 0, the loss +inf; gradient 1 at the +inf, -1 at the label.
        int label = position == 0 ? length - 1 : 0;
        (loss, gradient) = CrossEntropy(lane, Row(length, i => i == position ? double.PositiveInfinity : i), label);
        AssertValue(double.PositiveInfinity, loss, $"+inf at {position}, label {label}: loss");
        for (int i = 0; i < length; i++)
        {
            AssertValue(i == position ? 1 : i == label ? -1 : 0, gradient[i], $"+inf at {position}, label {label}: gradient {i}");
        }

        // +inf at the label and another entry: log 2; gradient 1/2 - 1 at the label, 1/2 at the other.
        (loss, gradient) = CrossEntropy(lane, Row(length, i => i == position || i == label ? double.PositiveInfinity : i), label);
        AssertNear(Exact.Of(BigFloat.Log(BigFloat.FromInt(2))), loss, 1, accurate, "CrossEntropy(label)", $"+inf at {position} and the label {label}: loss");
        for (int i = 0; i < length; i++)
        {
            AssertValue(i == position ? 0.5 : i == label ? -0.5 : 0, gradient[i], $"+inf at {position} and the label {label}: gradient {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Positions))]
    public void CrossEntropy_negative_infinity_masks_or_gives_an_infinite_loss_at_the_label(int length, bool accurate, string path, int position)
    {
        if (length < 2 || Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        double[] input = Row(length, i => i == position ? double.NegativeInfinity : (i % 5) - 2);
        var exact = ExactRow.Of(input);

        // A masked entry elsewhere: a finite loss, gradient exactly 0 there.
        int label = position == 0 ? length - 1 : 0;
        (double loss, double[] gradient) = CrossEntropy(lane, input, label);
        AssertNear(exact.CrossEntropy(label), loss, exact.Max, accurate, "CrossEntropy(label)", $"-inf at {position}, label {label}: loss");
        for (int i = 0; i < length; i++)
        {
            AssertNear(exact.Gradient(i, BigFloat.One, i == label ? 1 : 0), gradient[i], exact.Max, accurate, "CrossEntropy(label, gradient).gradient", $"-inf at {position}, label {label}: gradient {i}");
        }

        AssertValue(0, gradient[position], $"-inf at {position}, label {label}: gradient at the masked entry");

        // The label at -inf: softmax 0 there, the loss +inf, the gradient -1 there and the softmax elsewhere.
        (loss, gradient) = CrossEntropy(lane, input, position);
        AssertValue(double.PositiveInfinity, loss, $"the label at -inf ({position}): loss");
        for (int i = 0; i < length; i++)
        {
            AssertNear(exact.Gradient(i, BigFloat.One, i == position ? 1 : 0), gradient[i], exact.Max, accurate, "CrossEntropy(label, gradient).gradient", $"the label at -inf ({position}): gradient {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void CrossEntropy_of_extreme_and_tiny_values(int length, bool accurate, string path)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        // ±MaxValue alternating: log(c) at a maximum; at -MaxValue the exact loss is beyond MaxValue: +inf.
        double[] input = Row(length, i => i % 2 == 0 ? Max : -Max);
        int maxima = (length + 1) / 2;
        (double loss, double[] gradient) = CrossEntropy(lane, input, 0);
        AssertNear(Exact.Of(BigFloat.Log(BigFloat.FromInt(maxima))), loss, Max, accurate, "CrossEntropy(label)", "±MaxValue, label 0: loss");
        for (int i = 0; i < length; i++)
        {
            BigFloat p = i % 2 == 0 ? BigFloat.One / BigFloat.FromInt(maxima) : BigFloat.Zero;
            AssertNear(Exact.Of(p - BigFloat.FromInt(i == 0 ? 1 : 0)), gradient[i], 1, accurate, "CrossEntropy(label, gradient).gradient", $"±MaxValue, label 0: gradient {i}");
        }

        if (length >= 2)
        {
            (loss, _) = CrossEntropy(lane, input, 1);
            AssertValue(double.PositiveInfinity, loss, "±MaxValue, label 1 (at -MaxValue): loss");
        }

        // Tiny values: about log(n).
        input = Row(length, i => 1e-30 * ((i % 7) - 3));
        var exact = ExactRow.Of(input);
        (loss, gradient) = CrossEntropy(lane, input, length / 2);
        AssertNear(exact.CrossEntropy(length / 2), loss, 1, accurate, "CrossEntropy(label)", "tiny values: loss");
        for (int i = 0; i < length; i++)
        {
            AssertNear(exact.Gradient(i, BigFloat.One, i == length / 2 ? 1 : 0), gradient[i], 1, accurate, "CrossEntropy(label, gradient).gradient", $"tiny values: gradient {i}");
        }
    }

    // ---------------------------------------------------------------- cross-entropy with targets

    [Theory]
    [MemberData(nameof(Positions))]
    public void CrossEntropy_with_targets_special_values(int length, bool accurate, string path, int position)
    {
        if (length < 2 || Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        int other = position == 0 ? length - 1 : 0;

        // Masked: -inf with target 0 adds nothing; finite loss, gradient exactly 0 there.
        double[] input = Row(length, i => i == position ? double.NegativeInfinity : (i % 5) - 2);
        double[] targets = Row(length, i => i == position ? 0 : 1.0 / (length - 1));
        var exact = ExactRow.Of(input);
        (double loss, double[] gradient) = SoftCrossEntropy(lane, input, targets);
        AssertNear(exact.CrossEntropy(targets), loss, exact.Max, accurate, "CrossEntropy(targets)", $"-inf with target 0 at {position}: loss");
        AssertValue(0, gradient[position], $"-inf with target 0 at {position}: gradient there");
        BigFloat targetSum = ExactRow.SumOf(targets);
        for (int i = 0; i < length; i++)
        {
            AssertNear(exact.Gradient(i, targetSum, targets[i]), gradient[i], exact.Max, accurate, "CrossEntropy(targets, gradient).gradient", $"-inf with target 0 at {position}: gradient {i}");
        }

        // -inf with a positive target: +inf; the gradient there is 0 * Σt - t = -t.
        targets = Row(length, i => i == position ? 0.25 : 0.75 / (length - 1));
        (loss, gradient) = SoftCrossEntropy(lane, input, targets);
        AssertValue(double.PositiveInfinity, loss, $"-inf with target 0.25 at {position}: loss");
        AssertValue(-0.25, gradient[position], $"-inf with target 0.25 at {position}: gradient there");

        // NaN: NaN.
        (loss, gradient) = SoftCrossEntropy(lane, Row(length, i => i == position ? double.NaN : i), Row(length, _ => 1.0 / length));
        AssertValue(double.NaN, loss, $"NaN at {position}: loss");
        AssertAll(gradient, double.NaN, $"NaN at {position}: gradient");

        // A row of -inf: NaN.
        (loss, gradient) = SoftCrossEntropy(lane, Row(length, _ => double.NegativeInfinity), Row(length, _ => 1.0 / length));
        AssertValue(double.NaN, loss, "all -inf: loss");
        AssertAll(gradient, double.NaN, "all -inf: gradient");

        // Two +inf with the targets on them: log 2 (softmax 1/2 each), gradient 0.
        input = Row(length, i => i == position || i == other ? double.PositiveInfinity : i);
        targets = Row(length, i => i == position || i == other ? 0.5 : 0);
        (loss, gradient) = SoftCrossEntropy(lane, input, targets);
        AssertNear(Exact.Of(BigFloat.Log(BigFloat.FromInt(2))), loss, 1, accurate, "CrossEntropy(targets)", $"+inf at {position} and {other} with the targets: loss");
        AssertAll(gradient, 0, $"+inf at {position} and {other} with the targets: gradient");

        // +inf with a target on a finite entry: that entry's softmax is 0: +inf.
        input = Row(length, i => i == other ? double.PositiveInfinity : i);
        targets = Row(length, i => i == position || i == other ? 0.5 : 0);
        (loss, _) = SoftCrossEntropy(lane, input, targets);
        AssertValue(double.PositiveInfinity, loss, $"+inf at {other}, targets elsewhere: loss");
    }

    // ---------------------------------------------------------------- temperature

    [Theory]
    [MemberData(nameof(Paths))]
    public void Temperature_that_is_not_positive_and_finite_is_refused(int length, bool accurate, string path)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        // Not positive and finite (the specification), or so small that 1 / t overflows (the generated documentation).
        double[] refused = { 0, -0.0, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, Single ? float.Epsilon : double.Epsilon };
        foreach (double temperature in refused)
        {
            T t = Num<T>.From(temperature);
            var input = new T[length];
            var output = new T[length];
            AssertRefused(() => lane.Temperature(input, output, t), temperature, "Temperature(input, output, t)");
            AssertRefused(() => lane.TemperatureInPlace(output, t), temperature, "Temperature(values, t)");
            AssertRefused(() => lane.TemperatureRows(input, output, t), temperature, "TemperatureRows(input, output, t)");
        }

        static void AssertRefused(Action action, double temperature, string what)
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(action);
            Assert.True(exception.ParamName == "temperature", $"{what} with temperature {temperature}: ParamName is {exception.ParamName}");
        }
    }

    [Theory]
    [MemberData(nameof(Positions))]
    public void Temperature_special_values_are_those_of_softmax(int length, bool accurate, string path, int position)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        foreach (double temperature in new[] { 0.5, 3 })
        {
            AssertAll(Temperature(lane, Row(length, i => i == position ? double.NaN : i), temperature), double.NaN, $"t={temperature}, NaN at {position}");
            AssertAll(Temperature(lane, Row(length, _ => double.NegativeInfinity), temperature), double.NaN, $"t={temperature}, all -inf");
            double[] output = Temperature(lane, Row(length, i => i == position ? double.PositiveInfinity : i), temperature);
            for (int i = 0; i < length; i++)
            {
                AssertValue(i == position ? 1 : 0, output[i], $"t={temperature}, +inf at {position}, element {i}");
            }

            if (length >= 2)
            {
                output = Temperature(lane, Row(length, i => i == position ? double.NegativeInfinity : 1), temperature);
                AssertValue(0, output[position], $"t={temperature}, -inf at {position}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Temperature_extremes(int length, bool accurate, string path)
    {
        if (Lane(length, accurate, path) is not { } lane)
        {
            return;
        }

        // The largest temperature (1 / t subnormal in float and double) and a small one: against the exact softmax of
        // x * (1 / t) computed in the type.
        double[] input = Row(length, i => (i % 9) - 4);
        foreach (double temperature in new[] { Max, Single ? 1e-30 : 1e-300 })
        {
            double[] z = LayerCase.Scale(input, temperature, Single);
            if (z.Any(v => !double.IsFinite(v)))
            {
                continue;
            }

            var exact = ExactRow.Of(z);
            double[] output = Temperature(lane, input, temperature);
            for (int i = 0; i < length; i++)
            {
                AssertProbability(exact.Softmax(i), output[i], accurate, $"t={temperature}, element {i}");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private LayerLane<T>? Lane(int length, bool accurate, string path)
    {
        LayerKernel kernel = LayerTable.Get(length, accurate, path);
        LayerLane<T> lane = Single ? (LayerLane<T>)(object)kernel.Single : (LayerLane<T>)(object)kernel.Double;
        return lane.OnPath ? lane : null;
    }

    private double[] Row(int length, Func<int, double> value) =>
        Enumerable.Range(0, length).Select(i => Single ? (float)value(i) : value(i)).ToArray();

    /// <summary>Out of place and in place; both must give the same bits.</summary>
    private static double[] LogSoftmax(LayerLane<T> lane, double[] input)
    {
        T[] x = Num<T>.Array(input);
        var output = new T[x.Length];
        lane.LogSoftmax(x, output);
        T[] inPlace = (T[])x.Clone();
        lane.LogSoftmaxInPlace(inPlace);
        AssertSameBits(output, inPlace, "LogSoftmax in place");
        return Num<T>.Doubles(output);
    }

    private static double LogSumExp(LayerLane<T> lane, double[] input) => Num<T>.ToDouble(lane.LogSumExp(Num<T>.Array(input)));

    /// <summary>Loss and gradient of the label overloads: the loss of both overloads and the gradient in the logits'
    /// memory must give the same bits as the gradient overload.</summary>
    private static (double Loss, double[] Gradient) CrossEntropy(LayerLane<T> lane, double[] input, int label)
    {
        T[] x = Num<T>.Array(input);
        var gradient = new T[x.Length];
        T loss = lane.CrossEntropyGradient(x, label, gradient);
        T[] shared = (T[])x.Clone();
        T sharedLoss = lane.CrossEntropyGradient(shared, label, shared);
        AssertSameBits(gradient, shared, "CrossEntropy(logits, label, gradient = logits)");
        AssertSameBits(new[] { loss }, new[] { sharedLoss }, "CrossEntropy(logits, label, gradient = logits): loss");
        double plain = Num<T>.ToDouble(lane.CrossEntropy(x, label));
        double withGradient = Num<T>.ToDouble(loss);
        if (!double.IsFinite(plain) || !double.IsFinite(withGradient))
        {
            // Both overloads are checked for accuracy elsewhere; a special loss must be the same.
            Assert.True(plain.Equals(withGradient), $"CrossEntropy(logits, {label}) is {plain} but {withGradient} with a gradient");
        }

        return (withGradient, Num<T>.Doubles(gradient));
    }

    private static (double Loss, double[] Gradient) SoftCrossEntropy(LayerLane<T> lane, double[] input, double[] targets)
    {
        T[] x = Num<T>.Array(input);
        T[] t = Num<T>.Array(targets);
        var gradient = new T[x.Length];
        double loss = Num<T>.ToDouble(lane.SoftCrossEntropyGradient(x, t, gradient));
        double plain = Num<T>.ToDouble(lane.SoftCrossEntropy(x, t));
        if (!double.IsFinite(plain) || !double.IsFinite(loss))
        {
            Assert.True(plain.Equals(loss), $"CrossEntropy(logits, targets) is {plain} but {loss} with a gradient");
        }

        return (loss, Num<T>.Doubles(gradient));
    }

    private static double[] Temperature(LayerLane<T> lane, double[] input, double temperature)
    {
        T[] x = Num<T>.Array(input);
        T t = Num<T>.From(temperature);
        var output = new T[x.Length];
        lane.Temperature(x, output, t);
        T[] inPlace = (T[])x.Clone();
        lane.TemperatureInPlace(inPlace, t);
        AssertSameBits(output, inPlace, "Temperature in place");
        return Num<T>.Doubles(output);
    }

    internal static void AssertSameBits(T[] expected, T[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            // Any NaN matches any NaN: which operand's NaN an operation returns (and so its sign) depends on the order
            // in which the JIT gives a commutative operation its operands, and the loop kernels' scale pass computes its
            // first and last vectors apart from the loop, whose extent follows the output's alignment.
            if (IsNaN(expected[i]) && IsNaN(actual[i]))
            {
                continue;
            }

            if (!Bits(expected[i]).Equals(Bits(actual[i])))
            {
                throw new XunitException($"{what}: element {i} is {actual[i]} ({Bits(actual[i]):X}), not the {expected[i]} ({Bits(expected[i]):X}) of the reference call (bit-identical expected)");
            }
        }
    }

    private static bool IsNaN(T value) => value is float f ? float.IsNaN(f) : double.IsNaN((double)(object)value!);

    private static long Bits(T value) => value is float f ? BitConverter.SingleToInt32Bits(f) : BitConverter.DoubleToInt64Bits((double)(object)value!);

    /// <summary>Exactly this value (NaN: any NaN; 0: either sign).</summary>
    private static void AssertValue(double expected, double actual, string what)
    {
        bool ok = double.IsNaN(expected) ? double.IsNaN(actual) : actual == expected;
        if (!ok)
        {
            throw new XunitException($"{what}: expected {LayerCase.Show(expected)}, got {LayerCase.Show(actual)}");
        }
    }

    private static void AssertAll(double[] actual, double expected, string what)
    {
        for (int i = 0; i < actual.Length; i++)
        {
            AssertValue(expected, actual[i], $"{what}, element {i}");
        }
    }

    /// <summary>Within the function's ULP bound of the exact result, or its absolute allowance of the row scale.</summary>
    private void AssertNear(Exact expected, double actual, double rowMax, bool accurate, string function, string what)
    {
        ErrorCheck check = LayerUlpTests.CheckFor(function, Single, accurate);
        check.Add(actual, expected, Math.Max(1, Math.Abs(rowMax)), () => what);
        if (check.Failures > 0)
        {
            throw new XunitException(check.Summary(accurate ? "Accurate" : "Fast"));
        }
    }

    private void AssertProbability(Exact expected, double actual, bool accurate, string what)
    {
        ErrorCheck check = LayerUlpTests.CheckFor("Temperature", Single, accurate);
        check.AddProbability(actual, expected, () => what);
        if (check.Failures > 0)
        {
            throw new XunitException(check.Summary(accurate ? "Accurate" : "Fast"));
        }
    }
}
