using System;
using SoftmaxGenerators.Accuracy;
using Xunit;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// The two-pass kernel of long fast float rows (N = 4194304 = KernelEmitter.TwoPassMinLength): the checks of the
/// KernelTable suites, on fewer cases (the whole suite at this length took 80 s), plus the paths of its reference
/// exponent (raised, raised with the block summed again, a first block of -inf or far below) and its fallbacks to
/// the three-pass kernel (NaN, +inf, maxima beyond the range of the magic bias). Loops instead of per-element asserts.
/// </summary>
public class TwoPassTests
{
    private const int N = 4194304;

    /// <summary>Runs out of place, in place and on the same memory; all three must agree bit for bit.</summary>
    private static float[] Run(float[] input)
    {
        var output = new float[N];
        K4194304.Softmax(input, output);

        float[] inPlace = (float[])input.Clone();
        K4194304.Softmax(inPlace);
        AssertIdentical(output, inPlace, "in place");

        float[] same = (float[])input.Clone();
        K4194304.Softmax(same, same);
        AssertIdentical(output, same, "same memory");
        return output;
    }

    private static void AssertIdentical(float[] expected, float[] actual, string context)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                throw new XunitException($"{context}: element {i} is {actual[i]:R}, expected {expected[i]:R} bit for bit");
            }
        }
    }

    private static float[] Row(Func<int, float> value)
    {
        var row = new float[N];
        for (int i = 0; i < N; i++)
        {
            row[i] = value(i);
        }

        return row;
    }

    private static void AssertMatchesReference(float[] input, string context)
    {
        float[] output = Run(input);
        Tolerance.AssertClose(output, Reference.Softmax(input), context);
    }

    public static TheoryData<string> Distributions()
    {
        var data = new TheoryData<string>();
        foreach (string distribution in Inputs.Distributions)
        {
            data.Add(distribution);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Matches_reference(string distribution)
    {
        float[] input = Inputs.ToSingle(Inputs.Create(distribution, N, single: true));
        float[] output = Run(input);
        string context = $"float N={N} two-pass {distribution}";
        Tolerance.AssertClose(output, Reference.Softmax(input), context);
        Tolerance.AssertProbabilities<float>(output, context);
    }

    [Theory]
    [InlineData("uniform10")]
    [InlineData("normal30")]
    [InlineData("uniform1e4")]
    [InlineData("aroundFloatShiftLimit")]
    public void Error_is_at_most_8_ulp(string distribution)
    {
        float[] input = Inputs.ToSingle(Inputs.Create(distribution, N, single: true));
        double[] expected = ExactReference.Single(input);
        var output = new float[N];
        K4194304.Softmax(input, output);
        double worst = 0;
        for (int i = 0; i < N; i++)
        {
            if (expected[i] >= 1.1754943508222875E-38)
            {
                float rounded = (float)expected[i];
                worst = Math.Max(worst, Math.Abs(output[i] - expected[i]) / (MathF.BitIncrement(rounded) - rounded));
            }
        }

        Assert.True(worst <= 8, $"float N={N} two-pass {distribution}: {worst:0.00} ULP");
    }

    [Fact]
    public void Rows_match_one_row_at_a_time()
    {
        float[] first = Inputs.ToSingle(Inputs.Create("uniform10", N, single: true));
        float[] second = Inputs.ToSingle(Inputs.Create("withNegativeInfinity", N, single: true));
        var rows = new float[2 * N];
        first.CopyTo(rows, 0);
        second.CopyTo(rows, N);
        var output = new float[2 * N];
        K4194304.SoftmaxRows(rows, output);
        AssertIdentical(Run(first), output.AsSpan(0, N).ToArray(), "row 0");
        AssertIdentical(Run(second), output.AsSpan(N, N).ToArray(), "row 1");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(N / 2)]
    [InlineData(N - 1)]
    public void Special_values_fall_back_to_the_three_pass_kernel(int position)
    {
        float[] output = Run(Row(i => i == position ? float.PositiveInfinity : i % 100));
        for (int i = 0; i < N; i++)
        {
            Assert.True(output[i] == (i == position ? 1f : 0f), $"+inf at {position}: element {i} is {output[i]}");
        }

        Assert.True(Array.TrueForAll(Run(Row(i => i == position ? float.NaN : i % 100)), float.IsNaN), $"NaN at {position}");
        Assert.True(Array.TrueForAll(Run(Row(i => i == position ? float.NaN : float.NegativeInfinity)), float.IsNaN), $"NaN among -inf at {position}");

        output = Run(Row(i => i == position ? float.NegativeInfinity : 1f));
        Assert.Equal(0f, output[position]);
        for (int i = 0; i < N; i++)
        {
            Assert.True(i == position || Math.Abs(output[i] - (1.0 / (N - 1))) <= 1e-6 / N, $"-inf at {position}: element {i} is {output[i]}");
        }
    }

    [Fact]
    public void Infinite_and_extreme_rows()
    {
        Assert.True(Array.TrueForAll(Run(Row(_ => float.NegativeInfinity)), float.IsNaN), "a row of -inf");

        float[] output = Run(Row(i => i == 0 ? float.PositiveInfinity : float.NegativeInfinity));
        Assert.Equal(1f, output[0]);
        Assert.True(Array.TrueForAll(output[1..], v => v == 0f), "+inf then -inf");

        output = Run(Row(i => i % 2 == 0 ? float.MaxValue : -float.MaxValue));
        for (int i = 0; i < N; i++)
        {
            Assert.True(Math.Abs(output[i] - (i % 2 == 0 ? 2.0 / N : 0.0)) <= 1e-6 / N, $"+-MaxValue: element {i} is {output[i]}");
        }
    }

    [Theory]
    [InlineData(50f)]    // 72 powers of two above the first block: the reference exponent is raised
    [InlineData(100f)]   // 144 above: raised, and the block summed again
    [InlineData(16000f)] // near the top of the range of the magic bias
    [InlineData(20000f)] // beyond it: the three-pass kernel, which subtracts the maximum first
    public void A_late_maximum_raises_the_reference_exponent(float late) =>
        AssertMatchesReference(Row(i => i == N - 1000 ? late : (i % 7) * 0.1f), $"late maximum {late}");

    [Theory]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-20000f)] // below the range of the magic bias
    [InlineData(-1000f)]
    public void A_first_block_far_below_the_rest(float low) =>
        AssertMatchesReference(Row(i => i < 4096 ? low : (i % 13) - 6f), $"first block {low}");

    [Fact]
    public void A_row_far_below_zero() =>
        AssertMatchesReference(Row(i => -16300f + (i % 11)), "around -16300");
}
