using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace SoftmaxGenerators.Kernels.Tests;

// Names and subsets: a custom MethodName, and attributes that ask for some functions only.
[Softmax(6, MethodName = "Probs", Functions = SoftmaxFunctions.All)] public static partial class LayerNamed { }

[Softmax(5, Functions = SoftmaxFunctions.LogSoftmax | SoftmaxFunctions.CrossEntropy)] public static partial class LayerSubset { }

[Softmax(4, Functions = SoftmaxFunctions.Temperature)] public static partial class LayerTemperatureOnly { }

/// <summary>
/// The layer API as a user calls it (compiled calls with arrays), the tutorial's examples, the argument contract
/// (lengths, labels, temperatures, overlaps) and the names of the generated methods.
/// </summary>
public class LayerApiTests
{
    [Fact]
    public void Loss_of_20_300_5000_with_label_0_is_4980()
    {
        // The naive -log(softmax) gives +inf here (softmax underflows to 0); the log-domain loss is exact.
        Assert.Equal(4980f, L3.SoftmaxCrossEntropy(new float[] { 20, 300, 5000 }, 0));
        Assert.Equal(4980f, L3.AccurateCrossEntropy(new float[] { 20, 300, 5000 }, 0));
        Assert.Equal(4980d, L3.SoftmaxCrossEntropy(new double[] { 20, 300, 5000 }, 0));
        Assert.Equal(4980d, L3.AccurateCrossEntropy(new double[] { 20, 300, 5000 }, 0));

        var gradient = new float[3];
        Assert.Equal(4980f, L3.SoftmaxCrossEntropy(new float[] { 20, 300, 5000 }, 0, gradient));
        Assert.Equal(new[] { -1f, 0f, 1f }, gradient);
        var doubleGradient = new double[3];
        Assert.Equal(4980d, L3.AccurateCrossEntropy(new double[] { 20, 300, 5000 }, 0, doubleGradient));
        Assert.Equal(new[] { -1d, 0d, 1d }, doubleGradient);

        Assert.Equal(4700f, L3.SoftmaxCrossEntropy(new float[] { 20, 300, 5000 }, 1));
        Assert.Equal(0f, L3.SoftmaxCrossEntropy(new float[] { 20, 300, 5000 }, 2));

        // Log-softmax and log-sum-exp of the same row.
        var log = new float[3];
        L3.LogSoftmax(new float[] { 20, 300, 5000 }, log);
        Assert.Equal(new[] { -4980f, -4700f, 0f }, log);
        Assert.Equal(5000f, L3.LogSumExp(new float[] { 20, 300, 5000 }));
        Assert.Equal(5000d, L3.AccurateLogSumExp(new double[] { 20, 300, 5000 }));

        // With one-hot targets: the same loss.
        Assert.Equal(4980f, L3.SoftmaxCrossEntropy(new float[] { 20, 300, 5000 }, new float[] { 1, 0, 0 }));
    }

    [Fact]
    public void Rows_loss_is_the_mean_and_the_gradient_that_of_the_mean()
    {
        float[] logits = { 20, 300, 5000, 0, 0, 0 };
        int[] labels = { 0, 1 };
        float expected = (4980f + MathF.Log(3)) / 2;
        Assert.Equal(expected, L3.SoftmaxCrossEntropyRows(logits, labels), 1e-3f);
        var gradient = new float[6];
        Assert.Equal(expected, L3.AccurateCrossEntropyRows(logits, labels, gradient), 1e-3f);
        float third = 1f / 3;
        float[] mean = { -0.5f, 0, 0.5f, third / 2, (third - 1) / 2, third / 2 };
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(mean[i], gradient[i], 1e-7f);
        }

        // Soft targets, the same rows.
        Assert.Equal(expected, L3.SoftmaxCrossEntropyRows(logits, new float[] { 1, 0, 0, 0, 1, 0 }), 1e-3f);

        var results = new double[2];
        L3.LogSumExpRows(new double[] { 20, 300, 5000, 0, 0, 0 }, results);
        Assert.Equal(5000d, results[0]);
        Assert.Equal(Math.Log(3), results[1], 1e-15);
    }

    [Fact]
    public void Temperature_softmax_examples()
    {
        var output = new float[3];
        L3.Softmax(new float[] { 2, 3, 5 }, output, 1f);
        var plain = new float[3];
        L3.Softmax(new float[] { 2, 3, 5 }, plain);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(plain[i], output[i], 1e-7f);
        }

        // t = 2: the softmax of [1, 1.5, 2.5].
        L3.Softmax(new float[] { 2, 3, 5 }, output, 2f);
        double[] expected = Reference.Softmax(new double[] { 1, 1.5, 2.5 });
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], output[i], 1e-7);
        }

        float[] values = { 2, 3, 5 };
        L3.Softmax(values, 2f);
        Assert.Equal(output, values);

        var rows = new double[6];
        L3.AccurateRows(new double[] { 2, 3, 5, 2, 3, 5 }, rows, 0.5);
        double[] sharp = Reference.Softmax(new double[] { 4, 6, 10 });
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(sharp[i % 3], rows[i], 1e-15);
        }
    }

    [Fact]
    public void Backward_of_the_softmax_is_its_vector_Jacobian_product()
    {
        double[] x = { 0.5, -1, 2, 0.25, 0, 1, -3 };
        var y = new double[7];
        L7.AccurateRows(x, y);
        double[] dy = { 1, 0, 0, 0, 0, 0, 0 };
        var dx = new double[7];
        L7.AccurateBackward(y, dy, dx);

        // d y0 / d x_i = y0 (δ0i - y_i).
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(y[0] * ((i == 0 ? 1 : 0) - y[i]), dx[i], 1e-16);
        }

        // The gradient of the cross-entropy through the backward pass equals the fused gradient.
        dy = y.Select((p, i) => i == 2 ? -1 / p : 0).ToArray();
        L7.AccurateBackward(y, dy, dx);
        var fused = new double[7];
        L7.AccurateCrossEntropy(x, 2, fused);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(fused[i], dx[i], 1e-15);
        }
    }

    [Fact]
    public void Lengths_are_checked_with_the_parameter_name()
    {
        AssertLength("input", () => L9.LogSoftmax(new float[8], new float[9]));
        AssertLength("output", () => L9.LogSoftmax(new float[9], new float[8]));
        AssertLength("values", () => L9.LogSoftmax(new double[10].AsSpan()));
        AssertLength("input", () => L9.LogSoftmaxRows(new float[17], new float[17]));
        AssertLength("input", () => L9.LogSoftmaxRows(Array.Empty<float>(), Array.Empty<float>()));
        AssertLength("output", () => L9.LogSoftmaxRows(new float[18], new float[9]));

        AssertLength("input", () => L9.LogSumExp(new float[8]));
        AssertLength("input", () => L9.LogSumExpRows(new double[19], new double[2]));
        AssertLength("results", () => L9.LogSumExpRows(new double[18], new double[3]));
        AssertLength("results", () => L9.LogSumExpRows(new double[18], new double[18]));

        AssertLength("input", () => L9.Softmax(new float[8], new float[9], 2f));
        AssertLength("output", () => L9.Softmax(new float[9], new float[10], 2f));
        AssertLength("values", () => L9.Softmax(new float[8].AsSpan(), 2f));
        AssertLength("input", () => L9.SoftmaxRows(new float[10], new float[10], 2f));

        AssertLength("logits", () => L9.SoftmaxCrossEntropy(new float[8], 0));
        AssertLength("logits", () => L9.SoftmaxCrossEntropy(new float[10], 0, new float[10]));
        AssertLength("gradient", () => L9.SoftmaxCrossEntropy(new float[9], 0, new float[8]));
        AssertLength("targets", () => L9.SoftmaxCrossEntropy(new float[9], new float[8]));
        AssertLength("gradient", () => L9.SoftmaxCrossEntropy(new float[9], new float[9], new float[10]));
        AssertLength("logits", () => L9.SoftmaxCrossEntropyRows(new double[10], new int[1]));
        AssertLength("labels", () => L9.SoftmaxCrossEntropyRows(new double[18], new int[1]));
        AssertLength("labels", () => L9.SoftmaxCrossEntropyRows(new double[18], new int[3], new double[18]));
        AssertLength("gradient", () => L9.SoftmaxCrossEntropyRows(new double[18], new int[2], new double[9]));
        AssertLength("targets", () => L9.SoftmaxCrossEntropyRows(new double[18], new double[9]));
        AssertLength("gradient", () => L9.SoftmaxCrossEntropyRows(new double[18], new double[18], new double[17]));

        AssertLength("probabilities", () => L9.SoftmaxBackward(new float[8], new float[9], new float[9]));
        AssertLength("outputGradient", () => L9.SoftmaxBackward(new float[9], new float[8], new float[9]));
        AssertLength("inputGradient", () => L9.SoftmaxBackward(new float[9], new float[9], new float[10]));
        AssertLength("probabilities", () => L9.SoftmaxBackwardRows(new float[10], new float[10], new float[10]));
        AssertLength("outputGradient", () => L9.SoftmaxBackwardRows(new float[18], new float[9], new float[18]));
        AssertLength("inputGradient", () => L9.SoftmaxBackwardRows(new float[18], new float[18], new float[9]));

        static void AssertLength(string parameter, Action action)
        {
            ArgumentException e = Assert.ThrowsAny<ArgumentException>(action);
            Assert.IsNotType<ArgumentOutOfRangeException>(e);
            Assert.Equal(parameter, e.ParamName);
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(9)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void A_label_out_of_range_is_refused(int label)
    {
        var logits = new float[9];
        Assert.Equal("label", Assert.Throws<ArgumentOutOfRangeException>(() => L9.SoftmaxCrossEntropy(logits, label)).ParamName);
        Assert.Equal("label", Assert.Throws<ArgumentOutOfRangeException>(() => L9.AccurateCrossEntropy(logits, label, new float[9])).ParamName);
        Assert.Equal("label", Assert.Throws<ArgumentOutOfRangeException>(() => L9.SoftmaxCrossEntropy(new double[9], label)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => L9.SoftmaxCrossEntropyRows(new float[18], new[] { 0, label })).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => L9.AccurateCrossEntropyRows(new double[18], new[] { label, 0 }, new double[18])).ParamName);

        // The gradient is not written before the label is checked.
        var gradient = new float[9];
        Array.Fill(gradient, 7f);
        Assert.Throws<ArgumentOutOfRangeException>(() => L9.SoftmaxCrossEntropy(logits, label, gradient));
        Assert.All(gradient, g => Assert.Equal(7f, g));
    }

    [Fact]
    public void Overlaps_are_allowed_where_documented_and_refused_otherwise()
    {
        var buffer = new float[20];

        // Log-softmax and temperature: the same memory is in place; a partial overlap is refused.
        Assert.Throws<ArgumentException>(() => L9.LogSoftmax(buffer.AsSpan(0, 9), buffer.AsSpan(4, 9)));
        Assert.Throws<ArgumentException>(() => L9.LogSoftmaxRows(buffer.AsSpan(0, 18), buffer.AsSpan(1, 18)));
        Assert.Throws<ArgumentException>(() => L9.Softmax(buffer.AsSpan(0, 9), buffer.AsSpan(4, 9), 2f));
        Assert.Throws<ArgumentException>(() => L9.SoftmaxRows(buffer.AsSpan(0, 18), buffer.AsSpan(2, 18), 2f));
        L9.LogSoftmax(buffer.AsSpan(0, 9), buffer.AsSpan(0, 9));
        Assert.All(buffer[..9], v => Assert.Equal(-MathF.Log(9), v, 1e-6f));
        L9.LogSoftmax(buffer.AsSpan(0, 9), buffer.AsSpan(9, 9)); // adjacent: fine

        // Cross-entropy with a label: the gradient may be the logits' memory, not a partial overlap.
        float[] logits = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 0 };
        Assert.Throws<ArgumentException>(() => L9.SoftmaxCrossEntropy(logits.AsSpan(0, 9), 3, logits.AsSpan(1, 9)));
        var batch = new float[19];
        Assert.Throws<ArgumentException>(() => L9.SoftmaxCrossEntropyRows(batch.AsSpan(0, 18), new[] { 0, 1 }, batch.AsSpan(1, 18)));

        // With targets, the gradient must not overlap the logits or the targets (the generated documentation).
        var shared = new float[18];
        Assert.Throws<ArgumentException>(() => L9.SoftmaxCrossEntropy(shared.AsSpan(0, 9), shared.AsSpan(9, 9), shared.AsSpan(0, 9)));
        Assert.Throws<ArgumentException>(() => L9.SoftmaxCrossEntropy(shared.AsSpan(0, 9), shared.AsSpan(9, 9), shared.AsSpan(9, 9)));

        // The backward pass: the input gradient may be either input's memory, not a partial overlap.
        var y = new float[10];
        Assert.Throws<ArgumentException>(() => L9.SoftmaxBackward(y.AsSpan(0, 9), new float[9], y.AsSpan(1, 9)));
    }

    [Fact]
    public void Method_names_follow_MethodName()
    {
        var logits = new float[6];
        var output = new float[6];
        LayerNamed.Probs(logits, output);
        LayerNamed.Probs(logits, output, 2f);
        LayerNamed.LogProbs(logits, output);
        LayerNamed.LogProbsRows(logits, output);
        Assert.Equal(MathF.Log(6), LayerNamed.ProbsLogSumExp(logits), 1e-6f);
        LayerNamed.ProbsLogSumExpRows(logits, new float[1]);
        Assert.Equal(MathF.Log(6), LayerNamed.ProbsCrossEntropy(logits, 5), 1e-6f);
        LayerNamed.ProbsCrossEntropyRows(logits, new[] { 0 });
        LayerNamed.ProbsBackward(output, output, new float[6]);
        LayerNamed.ProbsBackwardRows(output, output, new float[6]);

        Assert.Contains(nameof(L3.LogSumExp), Names(typeof(L3)));
        Assert.Contains("AccurateLogSumExp", Names(typeof(L3)));
        Assert.DoesNotContain("SoftmaxLogSumExp", Names(typeof(L3)));
        Assert.DoesNotContain("LogSumExp", Names(typeof(LayerNamed)));
    }

    [Fact]
    public void Nothing_that_is_not_requested_is_generated()
    {
        // Only log-softmax and cross-entropy.
        string[] subset = Names(typeof(LayerSubset));
        Assert.Equal(new[] { "LogSoftmax", "LogSoftmaxRows", "SoftmaxCrossEntropy", "SoftmaxCrossEntropyRows" }, subset);

        // Only the temperature overloads: no Softmax(input, output) without a temperature.
        MethodInfo[] temperature = typeof(LayerTemperatureOnly).GetMethods(BindingFlags.Public | BindingFlags.Static);
        Assert.Equal(new[] { "Softmax", "SoftmaxRows" }, Names(typeof(LayerTemperatureOnly)));
        Assert.All(temperature, m => Assert.Equal("temperature", m.GetParameters()[^1].Name));
        Assert.Equal(6, temperature.Length);

        // The default: the softmax alone, as before.
        Assert.Equal(new[] { "Accurate", "AccurateRows", "Softmax", "SoftmaxRows" }, Names(typeof(K10)));
        Assert.Equal(6, typeof(K10).GetMethods(BindingFlags.Public | BindingFlags.Static).Count(m => m.Name.StartsWith("Softmax", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_function_of_All_is_generated_for_both_types_and_precisions()
    {
        // 21 public methods per element type and attribute (docs/testing.md lists them): 84 per type.
        foreach (Type type in LayerTable.All.Select(k => k.Type).Distinct())
        {
            Assert.Equal(84, type.GetMethods(BindingFlags.Public | BindingFlags.Static).Length);
        }
    }

    [Fact]
    public void Layer_kernels_have_the_widths_of_the_softmax_and_their_dispatchers_select_the_expected_one()
    {
        int? expected = EnvironmentReport.ExpectedWidth(Environment.GetEnvironmentVariable("SOFTMAX_EXPECTED_WIDTH"));
        int widest = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? 128 : 0;
        foreach (LayerKernel kernel in LayerTable.All)
        {
            int n = kernel.Length;
            Assert.Equal(new[] { 512, 256, 128 }.Where(w => n >= w / 32).Append(0), kernel.SingleWidths());
            Assert.Equal(new[] { 512, 256, 128 }.Where(w => n >= w / 64 && (w != 512 || n > 16)).Append(0), kernel.DoubleWidths());
            foreach ((string lane, int[] widths, int selected) in new[] { ("float", kernel.SingleWidths(), kernel.SingleSelected()), ("double", kernel.DoubleWidths(), kernel.DoubleSelected()) })
            {
                int wanted = widths.Where(w => w <= (expected ?? widest)).DefaultIfEmpty(0).Max();
                Assert.True(selected == wanted, $"{lane} {kernel}: the dispatcher selects {selected}, expected {wanted}");
            }
        }
    }

    private static string[] Names(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray();
}
