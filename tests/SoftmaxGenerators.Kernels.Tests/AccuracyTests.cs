using System;
using System.Linq;
using Xunit;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>Every generated kernel against the exact reference, out of place, in place and in batches.</summary>
public class AccuracyTests
{
    [Theory]
    [MemberData(nameof(Inputs.LengthsAndDistributions), Lanes.Single, MemberType = typeof(Inputs))]
    public void Single_matches_reference(int length, bool accurate, string distribution, string path)
    {
        Kernel kernel = KernelTable.Get(length, accurate, path);
        float[] input = Inputs.ToSingle(Inputs.Create(distribution, length, single: true));
        double[] expected = Reference.Softmax(input);
        string context = $"float N={length} {(accurate ? "accurate" : "fast")} {distribution} {path}";

        var output = new float[length];
        kernel.SingleRow(input, output);
        Tolerance.AssertClose(output, expected, context);
        Tolerance.AssertProbabilities<float>(output, context);

        float[] inPlace = (float[])input.Clone();
        kernel.SingleInPlace(inPlace);
        Assert.Equal(output, inPlace); // bit-identical

        float[] sameMemory = (float[])input.Clone();
        kernel.SingleRow(sameMemory, sameMemory);
        Assert.Equal(output, sameMemory);
    }

    [Theory]
    [MemberData(nameof(Inputs.LengthsAndDistributions), Lanes.Double, MemberType = typeof(Inputs))]
    public void Double_matches_reference(int length, bool accurate, string distribution, string path)
    {
        Kernel kernel = KernelTable.Get(length, accurate, path);
        double[] input = Inputs.Create(distribution, length, single: false);
        double[] expected = Reference.Softmax(input);
        string context = $"double N={length} {(accurate ? "accurate" : "fast")} {distribution} {path}";

        var output = new double[length];
        kernel.DoubleRow(input, output);
        Tolerance.AssertClose(output, expected, context);
        Tolerance.AssertProbabilities<double>(output, context);

        double[] inPlace = (double[])input.Clone();
        kernel.DoubleInPlace(inPlace);
        Assert.Equal(output, inPlace);
    }

    [Theory]
    [MemberData(nameof(KernelTable.Lengths), MemberType = typeof(KernelTable))]
    public void Rows_match_single_rows_bit_for_bit(int length, bool accurate, string path)
    {
        Kernel kernel = KernelTable.Get(length, accurate, path);
        const int rows = 3;
        double[] input = Enumerable.Range(0, rows)
            .SelectMany(r => Inputs.Create(Inputs.Distributions[r], length, single: true, seed: r))
            .ToArray();
        AssertRowsMatchSingleRows(kernel, length, rows, input);
    }

    [Theory]
    [MemberData(nameof(KernelTable.Lengths), MemberType = typeof(KernelTable))]
    public void Batches_with_special_rows_match_single_rows_bit_for_bit(int length, bool accurate, string path)
    {
        // 19 rows: two groups of the 8-row batch kernels, a pair of the interleaved kernels and a last single row,
        // with special rows inside the groups (+inf, NaN, all -inf, a -inf entry, logits beyond the shift limit).
        Kernel kernel = KernelTable.Get(length, accurate, path);
        const int rows = 19;
        double[] input = Enumerable.Range(0, rows)
            .SelectMany(r => Inputs.Create(Inputs.Distributions[r % Inputs.Distributions.Length], length, single: true, seed: 100 + r))
            .ToArray();
        input[(3 * length) + (length / 2)] = double.PositiveInfinity;
        input[(5 * length) + length - 1] = double.NegativeInfinity;
        input[(9 * length) + (length / 3)] = double.NaN;
        Array.Fill(input, double.NegativeInfinity, 12 * length, length);
        for (int i = 14 * length; i < 15 * length; i++)
        {
            input[i] = 3e4 + (i % 7);
        }

        AssertRowsMatchSingleRows(kernel, length, rows, input);
    }

    /// <summary>
    /// The Rows kernels (float and double, out of place and in place) give, row by row, the bits of the one-row kernels.
    /// </summary>
    private static void AssertRowsMatchSingleRows(Kernel kernel, int length, int rows, double[] input)
    {
        float[] singleInput = Inputs.ToSingle(input);
        var singleRows = new float[input.Length];
        kernel.SingleRows(singleInput, singleRows);
        var doubleRows = new double[input.Length];
        kernel.DoubleRows(input, doubleRows);
        for (int r = 0; r < rows; r++)
        {
            var single = new float[length];
            kernel.SingleRow(singleInput.AsSpan(r * length, length), single);
            Assert.Equal(single, singleRows.AsSpan(r * length, length).ToArray());

            var dbl = new double[length];
            kernel.DoubleRow(input.AsSpan(r * length, length), dbl);
            Assert.Equal(dbl, doubleRows.AsSpan(r * length, length).ToArray());
        }

        // In place over the whole batch.
        kernel.SingleRows(singleInput, singleInput);
        Assert.Equal(singleRows, singleInput);
        kernel.DoubleRows(input, input);
        Assert.Equal(doubleRows, input);
    }

    [Theory]
    [MemberData(nameof(KernelTable.Lengths), MemberType = typeof(KernelTable))]
    public void Many_random_rows_stay_within_tolerance(int length, bool accurate, string path)
    {
        Kernel kernel = KernelTable.Get(length, accurate, path);
        int trials = Math.Max(2, 20_000 / length);
        for (int trial = 0; trial < trials; trial++)
        {
            string distribution = Inputs.Distributions[trial % 3];
            double[] input = Inputs.Create(distribution, length, single: false, seed: 1000 + trial);
            float[] single = Inputs.ToSingle(input);
            var singleOutput = new float[length];
            kernel.SingleRow(single, singleOutput);
            Tolerance.AssertClose(singleOutput, Reference.Softmax(single), $"float N={length} {path} trial {trial}");

            var doubleOutput = new double[length];
            kernel.DoubleRow(input, doubleOutput);
            Tolerance.AssertClose(doubleOutput, Reference.Softmax(input), $"double N={length} {path} trial {trial}");
        }
    }
}
