using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using SoftmaxGenerators.Accuracy;
using Xunit;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// The two-pass kernel of long fast float rows (N = 4194304 = KernelEmitter.TwoPassMinLength): the checks of the
/// KernelTable suites, on fewer cases (the whole suite at this length took 80 s), plus the paths of its reference
/// exponent (raised, raised with the block summed again, a first block of -inf or far below) and its fallbacks to
/// the three-pass kernel (NaN, +inf, maxima beyond the range of the magic bias). Loops instead of per-element asserts.
/// Every case runs through the dispatcher; a subset (each of the kernel's paths: the main path, the raised reference
/// exponent, -inf entries and blocks, the fallbacks) also runs the two-pass kernels of the other widths directly.
/// </summary>
public class TwoPassTests
{
    private const int N = 4194304;

    /// <summary>
    /// The direct paths of this kernel: each requested vector width other than the one the dispatcher selects. The
    /// scalar kernel of this length is no two-pass kernel, but the one of every length: KernelTable's tests run it
    /// directly, and CI's scalar mode runs these tests on it.
    /// </summary>
    private static IEnumerable<string> DirectPaths() => KernelTable.RequestedDirectPaths.Where(path =>
        path != "Scalar"
        && K4194304.__SoftmaxWidths.SoftmaxSingleWidths().Contains(KernelTable.Bits(path))
        && K4194304.__SoftmaxWidths.SoftmaxSingleSelectedWidth() != KernelTable.Bits(path));

    /// <summary>Every case on the dispatcher, the cases <paramref name="direct"/> also on the direct paths.</summary>
    private static TheoryData<T, string> Cases<T>(T[] all, T[] direct)
    {
        var data = new TheoryData<T, string>();
        foreach (T value in all)
        {
            data.Add(value, KernelTable.Dispatch);
        }

        foreach (string path in DirectPaths())
        {
            foreach (T value in direct)
            {
                data.Add(value, path);
            }
        }

        return data;
    }

    public static TheoryData<string> AllPaths()
    {
        var data = new TheoryData<string> { KernelTable.Dispatch };
        foreach (string path in DirectPaths())
        {
            data.Add(path);
        }

        return data;
    }

    private static void Softmax(string path, ReadOnlySpan<float> input, Span<float> output)
    {
        if (path == KernelTable.Dispatch)
        {
            K4194304.Softmax(input, output);
        }
        else
        {
            K4194304.__SoftmaxWidths.Softmax(KernelTable.Bits(path), input, output);
        }
    }

    /// <summary>Runs out of place, in place and on the same memory; all three must agree bit for bit.</summary>
    private static float[] Run(float[] input, string path)
    {
        var output = new float[N];
        Softmax(path, input, output);

        float[] inPlace = (float[])input.Clone();
        if (path == KernelTable.Dispatch)
        {
            K4194304.Softmax(inPlace);
        }
        else
        {
            K4194304.__SoftmaxWidths.Softmax(KernelTable.Bits(path), inPlace);
        }

        AssertIdentical(output, inPlace, "in place");

        float[] same = (float[])input.Clone();
        Softmax(path, same, same);
        AssertIdentical(output, same, "same memory");

        // This project allows unsafe code, so the second pass writes with non-temporal stores from the first output
        // vector aligned to its width: outputs at other offsets (other head vectors), and one not aligned to its element
        // (the ordinary stores), must give the same bits.
        foreach (int offset in new[] { 1, 7 })
        {
            var buffer = new float[N + 16];
            Softmax(path, input, buffer.AsSpan(offset, N));
            AssertIdentical(output, buffer.AsSpan(offset, N), $"output at element offset {offset}");
        }

        var bytes = new byte[(N * sizeof(float)) + 64];
        Span<float> unaligned = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(1, N * sizeof(float)));
        Softmax(path, input, unaligned);
        AssertIdentical(output, unaligned, "output not aligned to 4 bytes");
        return output;
    }

    private static void AssertIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
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

    private static void AssertMatchesReference(float[] input, string path, string context)
    {
        float[] output = Run(input, path);
        Tolerance.AssertClose(output, Reference.Softmax(input), context + " " + path);
    }

    // Direct paths: the main path and -inf entries (A_late_maximum_raises_the_reference_exponent has the fallback).
    public static TheoryData<string, string> Distributions() =>
        Cases(Inputs.Distributions, new[] { "uniform10", "withNegativeInfinity" });

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Matches_reference(string distribution, string path)
    {
        float[] input = Inputs.ToSingle(Inputs.Create(distribution, N, single: true));
        float[] output = Run(input, path);
        string context = $"float N={N} two-pass {distribution} {path}";
        Tolerance.AssertClose(output, Reference.Softmax(input), context);
        Tolerance.AssertProbabilities<float>(output, context);
    }

    public static TheoryData<string, string> UlpDistributions() =>
        Cases(new[] { "uniform10", "normal30", "uniform1e4", "aroundFloatShiftLimit" }, new[] { "normal30" });

    [Theory]
    [MemberData(nameof(UlpDistributions))]
    public void Error_is_at_most_8_ulp(string distribution, string path)
    {
        float[] input = Inputs.ToSingle(Inputs.Create(distribution, N, single: true));
        double[] expected = ExactReference.Single(input);
        var output = new float[N];
        Softmax(path, input, output);
        double worst = 0;
        for (int i = 0; i < N; i++)
        {
            if (expected[i] >= 1.1754943508222875E-38)
            {
                float rounded = (float)expected[i];
                worst = Math.Max(worst, Math.Abs(output[i] - expected[i]) / (MathF.BitIncrement(rounded) - rounded));
            }
        }

        Assert.True(worst <= 8, $"float N={N} two-pass {distribution} {path}: {worst:0.00} ULP");
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Rows_match_one_row_at_a_time(string path)
    {
        float[] first = Inputs.ToSingle(Inputs.Create("uniform10", N, single: true));
        float[] second = Inputs.ToSingle(Inputs.Create("withNegativeInfinity", N, single: true));
        var rows = new float[2 * N];
        first.CopyTo(rows, 0);
        second.CopyTo(rows, N);
        var output = new float[2 * N];
        if (path == KernelTable.Dispatch)
        {
            K4194304.SoftmaxRows(rows, output);
        }
        else
        {
            K4194304.__SoftmaxWidths.SoftmaxRows(KernelTable.Bits(path), rows, output);
        }

        AssertIdentical(Run(first, path), output.AsSpan(0, N).ToArray(), "row 0 " + path);
        AssertIdentical(Run(second, path), output.AsSpan(N, N).ToArray(), "row 1 " + path);
    }

    public static TheoryData<int, string> Positions() => Cases(new[] { 0, N / 2, N - 1 }, new[] { N / 2 });

    [Theory]
    [MemberData(nameof(Positions))]
    public void Special_values_fall_back_to_the_three_pass_kernel(int position, string path)
    {
        float[] output = Run(Row(i => i == position ? float.PositiveInfinity : i % 100), path);
        for (int i = 0; i < N; i++)
        {
            Assert.True(output[i] == (i == position ? 1f : 0f), $"+inf at {position}: element {i} is {output[i]}");
        }

        Assert.True(Array.TrueForAll(Run(Row(i => i == position ? float.NaN : i % 100), path), float.IsNaN), $"NaN at {position}");
        Assert.True(Array.TrueForAll(Run(Row(i => i == position ? float.NaN : float.NegativeInfinity), path), float.IsNaN), $"NaN among -inf at {position}");

        output = Run(Row(i => i == position ? float.NegativeInfinity : 1f), path);
        Assert.Equal(0f, output[position]);
        for (int i = 0; i < N; i++)
        {
            Assert.True(i == position || Math.Abs(output[i] - (1.0 / (N - 1))) <= 1e-6 / N, $"-inf at {position}: element {i} is {output[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Infinite_and_extreme_rows(string path)
    {
        Assert.True(Array.TrueForAll(Run(Row(_ => float.NegativeInfinity), path), float.IsNaN), "a row of -inf");

        float[] output = Run(Row(i => i == 0 ? float.PositiveInfinity : float.NegativeInfinity), path);
        Assert.Equal(1f, output[0]);
        Assert.True(Array.TrueForAll(output[1..], v => v == 0f), "+inf then -inf");

        output = Run(Row(i => i % 2 == 0 ? float.MaxValue : -float.MaxValue), path);
        for (int i = 0; i < N; i++)
        {
            Assert.True(Math.Abs(output[i] - (i % 2 == 0 ? 2.0 / N : 0.0)) <= 1e-6 / N, $"+-MaxValue: element {i} is {output[i]}");
        }
    }

    // 50: 72 powers of two above the first block, the reference exponent is raised; 100: 144 above, raised and the block
    // summed again; 16000: near the top of the range of the magic bias; 20000: beyond it, the three-pass kernel, which
    // subtracts the maximum first.
    public static TheoryData<float, string> LateMaxima() => Cases(new[] { 50f, 100f, 16000f, 20000f }, new[] { 100f, 20000f });

    [Theory]
    [MemberData(nameof(LateMaxima))]
    public void A_late_maximum_raises_the_reference_exponent(float late, string path) =>
        AssertMatchesReference(Row(i => i == N - 1000 ? late : (i % 7) * 0.1f), path, $"late maximum {late}");

    // -20000 is below the range of the magic bias.
    public static TheoryData<float, string> LowFirstBlocks() => Cases(new[] { float.NegativeInfinity, -20000f, -1000f }, new[] { float.NegativeInfinity });

    [Theory]
    [MemberData(nameof(LowFirstBlocks))]
    public void A_first_block_far_below_the_rest(float low, string path) =>
        AssertMatchesReference(Row(i => i < 4096 ? low : (i % 13) - 6f), path, $"first block {low}");

    [Fact]
    public void A_row_far_below_zero() =>
        AssertMatchesReference(Row(i => -16300f + (i % 11)), KernelTable.Dispatch, "around -16300");
}
