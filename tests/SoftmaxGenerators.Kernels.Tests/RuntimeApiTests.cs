using System;
using System.Linq;
using System.Numerics;
using Xunit;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// The argument contract of the run-time-length methods, on the public methods and on each width's hook (which run
/// the same checks): an empty row, an output of another length, a row length below 1, an input that is not a whole
/// number of rows and partially overlapping spans are refused; the same span in and out is in place; adjacent spans
/// are fine. And the hooks: the widths, the width the dispatchers select, and each width's shortest row.
/// </summary>
public class RuntimeApiTests
{
    public static TheoryData<bool, bool, string> AllPaths()
    {
        var data = new TheoryData<bool, bool, string>();
        foreach (bool single in new[] { true, false })
        {
            foreach (bool accurate in new[] { false, true })
            {
                foreach (string path in KernelTable.DirectPaths.Prepend(KernelTable.Dispatch))
                {
                    data.Add(single, accurate, path);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Arguments_are_checked(bool single, bool accurate, string path)
    {
        if (single)
        {
            ArgumentsAreChecked(RuntimeTable.Single(accurate, path));
        }
        else
        {
            ArgumentsAreChecked(RuntimeTable.Double(accurate, path));
        }
    }

    private static void ArgumentsAreChecked<T>(RuntimeKernel<T> kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // 40 values: every width runs a row of 20.
        const int n = 20;
        var buffer = new T[2 * n];

        // Empty rows.
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => kernel.Row(ReadOnlySpan<T>.Empty, Span<T>.Empty)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => kernel.Row(ReadOnlySpan<T>.Empty, new T[1])).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => kernel.InPlace(Span<T>.Empty)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => kernel.Rows(ReadOnlySpan<T>.Empty, Span<T>.Empty, 3)).ParamName);

        // An output of another length than the input, one row and rows.
        ArgumentException e = Assert.Throws<ArgumentException>(() => kernel.Row(new T[n], new T[n - 1]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("20", e.Message);
        Assert.Contains("19", e.Message);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => kernel.Row(new T[n], new T[n + 1])).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => kernel.Rows(new T[2 * n], new T[n], n)).ParamName);

        // Row lengths below 1.
        foreach (int rowLength in new[] { 0, -1, int.MinValue })
        {
            ArgumentOutOfRangeException r = Assert.Throws<ArgumentOutOfRangeException>(() => kernel.Rows(new T[n], new T[n], rowLength));
            Assert.Equal("rowLength", r.ParamName);
        }

        // An input that is not a whole number of rows (also shorter than one row).
        foreach ((int length, int rowLength) in new[] { (21, 20), (39, 20), (41, 20), (19, 20), (7, 2) })
        {
            e = Assert.Throws<ArgumentException>(() => kernel.Rows(new T[length], new T[length], rowLength));
            Assert.Equal("input", e.ParamName);
            Assert.Contains(length.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
            Assert.Contains(rowLength.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        }

        // Partial overlap, by one element either way and by half a row; one row and rows.
        foreach (int shift in new[] { 1, n / 2, n - 1 })
        {
            e = Assert.Throws<ArgumentException>(() => kernel.Row(buffer.AsSpan(0, n), buffer.AsSpan(shift, n)));
            Assert.Equal("output", e.ParamName);
            Assert.Contains("overlap", e.Message);
            Assert.Equal("output", Assert.Throws<ArgumentException>(() => kernel.Row(buffer.AsSpan(shift, n), buffer.AsSpan(0, n))).ParamName);
            Assert.Equal("output", Assert.Throws<ArgumentException>(() => kernel.Rows(buffer.AsSpan(0, n), buffer.AsSpan(shift, n), n / 2)).ParamName);
        }

        // The same span in and out is in place; adjacent spans do not overlap.
        Array.Fill(buffer, T.One);
        kernel.Row(buffer.AsSpan(0, n), buffer.AsSpan(0, n));
        Assert.All(buffer.Take(n), v => Assert.Equal(0.05, double.CreateTruncating(v), 1e-7));
        kernel.Row(buffer.AsSpan(0, n), buffer.AsSpan(n, n));
        kernel.Rows(buffer.AsSpan(0, n), buffer.AsSpan(n, n), n);
        kernel.Rows(buffer, buffer, n);
        Assert.All(buffer, v => Assert.Equal(0.05, double.CreateTruncating(v), 1e-7));

        // One value is a whole row: probability 1 (the paths that run one value: the dispatcher, the scalar kernel).
        if (kernel.MinLength > 1)
        {
            return;
        }

        var one = new T[1];
        kernel.Row(new[] { T.CreateTruncating(-3.5) }, one);
        Assert.Equal(T.One, one[0]);
        kernel.Rows(new T[n], buffer.AsSpan(0, n), 1);
        Assert.All(buffer.Take(n), v => Assert.Equal(T.One, v));
    }

    [Fact]
    public void A_row_of_any_length_works_through_the_public_methods()
    {
        // The tutorial's examples at run-time lengths: [2, 3, 5], [20, 300, 5000], [100, 99, 0].
        var output = new float[3];
        KRuntime.Softmax(new float[] { 2, 3, 5 }, output);
        Assert.Equal(0.04201007f, output[0], 1e-7f);
        Assert.Equal(0.1141952f, output[1], 1e-7f);
        Assert.Equal(0.84379473f, output[2], 1e-7f);
        KRuntime.Accurate(new float[] { 20, 300, 5000 }, output);
        Assert.Equal(new[] { 0f, 0f, 1f }, output);
        var doubles = new double[] { 100, 99, 0 };
        KRuntime.Softmax(doubles);
        Assert.Equal(0.7310585786300049, doubles[0], 1e-15);
        Assert.Equal(0.2689414213699951, doubles[1], 1e-15);

        // Rows of different lengths through the same method, one after another.
        foreach (int n in new[] { 1, 10, 1000, 3, 70000, 2 })
        {
            float[] row = Enumerable.Range(0, n).Select(i => (float)(i % 10)).ToArray();
            KRuntime.Softmax(row.AsSpan());
            Assert.Equal(1.0, row.Sum(v => (double)v), 1e-5);
        }
    }

    [Fact]
    public void The_hooks_list_every_width_and_the_dispatchers_select_the_run_s_width()
    {
        // A run-time length has every width (a row of any length may fill it); the dispatchers take the widest the
        // runtime accelerates (for a row that fills it), and SOFTMAX_EXPECTED_WIDTH, when CI sets it, names that width.
        int[] all = { 512, 256, 128, 0 };
        Assert.Equal(all, KRuntime.__SoftmaxWidths.SoftmaxSingleWidths());
        Assert.Equal(all, KRuntime.__SoftmaxWidths.SoftmaxDoubleWidths());
        Assert.Equal(all, KRuntime.__SoftmaxWidths.AccurateSingleWidths());
        Assert.Equal(all, KRuntime.__SoftmaxWidths.AccurateDoubleWidths());
        int expected = EnvironmentReport.ExpectedWidth(Environment.GetEnvironmentVariable("SOFTMAX_EXPECTED_WIDTH")) ?? RuntimeTable.WidestAccelerated;
        Assert.Equal(RuntimeTable.WidestAccelerated, expected);
        Assert.Equal(expected, KRuntime.__SoftmaxWidths.SoftmaxSingleSelectedWidth());
        Assert.Equal(expected, KRuntime.__SoftmaxWidths.SoftmaxDoubleSelectedWidth());
        Assert.Equal(expected, KRuntime.__SoftmaxWidths.AccurateSingleSelectedWidth());
        Assert.Equal(expected, KRuntime.__SoftmaxWidths.AccurateDoubleSelectedWidth());
        Assert.Equal(expected, KRuntimeLayer.__SoftmaxWidths.LogSoftmaxSingleSelectedWidth());
        Assert.Equal(expected, KRuntimeLayer.__SoftmaxWidths.LogSoftmaxDoubleSelectedWidth());
    }

    [Fact]
    public void The_double_reference_agrees_with_ExactReference()
    {
        // The double-double reference of the run-time tests against the 128-bit fixed-point one of the accuracy tool.
        foreach (string distribution in Inputs.Distributions)
        {
            double[] row = Inputs.Create(distribution, 600, single: false, seed: 3);
            (double Hi, double Lo)[] fast = RuntimeDoubleReference.Softmax(row);
            double[] finite = row.Where(v => !double.IsNegativeInfinity(v)).ToArray();
            (double Hi, double Lo)[] exact = SoftmaxGenerators.Accuracy.ExactReference.Double(finite);
            for (int i = 0, j = 0; i < row.Length; i++)
            {
                (double Hi, double Lo) e = double.IsNegativeInfinity(row[i]) ? (0, 0) : exact[j++];
                double difference = Math.Abs((fast[i].Hi - e.Hi) + (fast[i].Lo - e.Lo));
                Assert.True(difference <= 1e-25 * e.Hi || (e.Hi < 1e-290 && difference <= 1e-300), $"{distribution} [{i}]: {fast[i]} vs {e}");
            }
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void Each_width_runs_rows_from_its_minimum_and_refuses_shorter_ones(bool single, bool accurate)
    {
        // Whatever SOFTMAX_DIRECT_WIDTHS asks: the minimum of every width, one row below it and at it.
        foreach (string path in KernelTable.DirectPaths)
        {
            if (single)
            {
                AtTheMinimum(RuntimeTable.Single(accurate, path));
            }
            else
            {
                AtTheMinimum(RuntimeTable.Double(accurate, path));
            }
        }
    }

    private static void AtTheMinimum<T>(RuntimeKernel<T> kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int min = kernel.MinLength;
        var record = new UlpRecord(kernel.Name, typeof(T) == typeof(float));
        if (min > 1)
        {
            RuntimeChecks.AssertRefused(kernel, min - 1, record);
        }

        record.ThrowIfFailed();
        T[] row = Enumerable.Range(0, min).Select(i => T.CreateTruncating(i)).ToArray();
        var output = new T[min];
        kernel.Row(row, output);
        double[] expected = Reference.Softmax(row.Select(double.CreateTruncating).ToArray());
        for (int i = 0; i < min; i++)
        {
            Assert.Equal(expected[i], double.CreateTruncating(output[i]), 1e-6);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => KRuntime.__SoftmaxWidths.Softmax(64, new float[32], new float[32]));
    }
}
