using System;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using Xunit;
using Xunit.Abstractions;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// The softmax of rows whose length is chosen at run time (<c>[Softmax]</c> without a length) against the exact
/// reference, for every length from 1 to 300 and longer rows up to 70,000, on every path: the dispatcher (the width
/// chosen per call by the row's length) and each width run directly through the hooks, which must refuse a row shorter
/// than that width's minimum. The bounds are those of the fixed-length UlpTests: 4 ULP Accurate, 8 ULP Fast. Every
/// row is also run in place and with the same span as input and output, which must give the same bits.
/// UlpTests checks the Fast bound on rows of up to 4,096 values and four distributions; beyond that (longer rows, and
/// rows of equal values, whose error is that of the float or double sum of n equal terms) the Fast kernels, fixed-length
/// and run-time alike, measure more than 8 ULP (docs/testing.md), so there they are held to
/// <see cref="FastBeyondUlpTestsBound"/>.
/// Set SOFTMAX_RUNTIME_ULP_REPORT to a file to append the measured maxima (per path and kernel width) to it.
/// </summary>
public class RuntimeLengthTests(ITestOutputHelper output)
{
    /// <summary>The distributions of the long rows: ordinary logits, wide ones, -inf entries, logits around the
    /// float shift limit (2^14).</summary>
    private static readonly string[] LongDistributions = { "uniform10", "normal30", "withNegativeInfinity", "aroundFloatShiftLimit" };

    /// <summary>The bound of the Fast kernels on rows longer than 4,096 values and on rows of equal values.</summary>
    public const double FastBeyondUlpTestsBound = 32;

    public static TheoryData<bool, bool, string> Cases() => RuntimeTable.Cases();

    /// <summary>UlpTests' bounds: 4 ULP Accurate, 8 ULP Fast (<see cref="FastBeyondUlpTestsBound"/> beyond what UlpTests covers).</summary>
    public static double Bound(bool accurate, int length, string distribution) =>
        accurate ? 4 : length > 4096 || distribution == "equal" ? FastBeyondUlpTestsBound : 8;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_length_from_1_to_300_is_within_the_ulp_bound(bool single, bool accurate, string path)
    {
        // Several random rows of short lengths: 256 float (128 double) outputs at least per length and distribution.
        if (single)
        {
            Sweep(RuntimeTable.Single(accurate, path), "N=1..300", RuntimeTable.ShortLengths, Inputs.Distributions, n => Math.Max(1, 256 / n));
        }
        else
        {
            Sweep(RuntimeTable.Double(accurate, path), "N=1..300", RuntimeTable.ShortLengths, Inputs.Distributions, n => Math.Max(1, 128 / n));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Long_rows_are_within_the_ulp_bound(bool single, bool accurate, string path)
    {
        if (single)
        {
            Sweep(RuntimeTable.Single(accurate, path), "N=301..70000", RuntimeTable.LongLengths, LongDistributions, _ => 1);
        }
        else
        {
            Sweep(RuntimeTable.Double(accurate, path), "N=301..70000", RuntimeTable.LongLengths, LongDistributions, _ => 1);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Sweep<T>(RuntimeKernel<T> kernel, string band, int[] lengths, string[] distributions, Func<int, int> trials)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        var record = new UlpRecord($"{kernel.Name} {band}", single);
        foreach (int n in lengths)
        {
            if (n < kernel.MinLength)
            {
                RuntimeChecks.AssertRefused(kernel, n, record);
                continue;
            }

            int width = kernel.WidthFor(n);
            foreach (string distribution in distributions)
            {
                for (int seed = 0; seed < trials(n); seed++)
                {
                    (double[] input, (double Hi, double Lo)[] exact) = RuntimeReference.Row(single, distribution, n, seed);
                    string context = $"N={n} {distribution} seed={seed}";
                    T[] x = RuntimeReference.As<T>(input);
                    var y = new T[n];
                    if (!RuntimeChecks.Try(record, context, () => kernel.Row(x, y)))
                    {
                        continue;
                    }

                    record.Add(width, n > 4096 ? distribution + " N>4096" : distribution, y, input, exact, Bound(kernel.Accurate, n, distribution), context);

                    T[] inPlace = (T[])x.Clone();
                    if (RuntimeChecks.Try(record, context + " in place", () => kernel.InPlace(inPlace)))
                    {
                        RuntimeChecks.BitEqual(record, context + ": in place vs out of place", y, inPlace);
                    }

                    T[] same = (T[])x.Clone();
                    if (RuntimeChecks.Try(record, context + " same span", () => kernel.Row(same, same)))
                    {
                        RuntimeChecks.BitEqual(record, context + ": same span as input and output vs out of place", y, same);
                    }
                }
            }
        }

        record.Report(output);
        record.ThrowIfFailed();
    }

    /// <summary>
    /// Float rows of one or two vectors that a random search (200,000 rows of uniform logits in [-10, 10] and
    /// [-30, 30] per width) found hardest for the run-time kernels of one or two vectors (Vector512 N = 16..32,
    /// Vector256 8..16, Vector128 2..8), two per width; on every path, as float and as double rows.
    /// </summary>
    public static readonly float[][] HardRows =
    {
        // Vector512, N = 18 and 25.
        new[] { 20.928175f, 27.455763f, 1.5102005f, -4.3533187f, -6.968119f, 13.028028f, -14.435742f, -6.970046f, 6.624319f, 26.356829f, -6.192002f, -11.76736f, -15.559449f, -23.598703f, 5.8599195f, 18.184439f, -11.555272f, -21.323969f },
        new[] { -2.7510724f, 4.821654f, 0.2541486f, -3.0093486f, 2.2240708f, -4.087202f, -3.7729092f, 2.5572052f, -5.9494634f, -0.20174254f, -6.1334987f, -7.280473f, -2.7953591f, 3.4749506f, -4.7457356f, -4.336419f, 3.8710043f, 0.15125918f, 0.3477169f, -4.8832316f, -1.6145391f, 3.050021f, 9.9764385f, 3.5744565f, -3.6339693f },

        // Vector256, N = 13 and 16.
        new[] { -4.3840017f, 1.7871518f, -1.7187898f, 1.2070496f, -2.5782845f, -8.853278f, -3.9813051f, 8.88314f, 9.076296f, -8.608709f, 4.9266686f, -9.820843f, 7.406914f },
        new[] { -3.7535458f, -20.84013f, 19.805801f, 20.928175f, 27.455763f, 1.5102005f, -4.3533187f, -6.968119f, 13.028028f, -14.435742f, -6.970046f, 6.624319f, 26.356829f, -6.192002f, -11.76736f, -15.559449f },

        // Vector128, N = 7 and 8.
        new[] { 19.473557f, 29.186817f, -21.133062f, 19.003595f, 21.088266f, -0.6840231f, 17.923641f },
        new[] { -5.6111546f, -12.835543f, -24.18807f, -5.0247407f, -14.400446f, 0.62508243f, -16.185469f, 8.474371f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_hardest_rows_found_for_one_or_two_vectors_are_within_the_ulp_bound(bool single, bool accurate, string path)
    {
        var record = new UlpRecord($"{(single ? "float" : "double")} {(accurate ? "Accurate" : "Fast")} {path} hard rows", single);
        foreach (float[] row in HardRows)
        {
            double[] input = Array.ConvertAll(row, v => (double)v);
            string context = $"N={row.Length} hard row {{ {string.Join(", ", row.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))} }}";
            if (single)
            {
                RuntimeKernel<float> kernel = RuntimeTable.Single(accurate, path);
                if (row.Length >= kernel.MinLength)
                {
                    var y = new float[row.Length];
                    kernel.Row(row, y);
                    record.Add(kernel.WidthFor(row.Length), "hard", y, input, Array.ConvertAll(SoftmaxGenerators.Accuracy.ExactReference.Single(row), v => (v, 0d)), Bound(accurate, row.Length, "hard"), context);
                }
            }
            else
            {
                RuntimeKernel<double> kernel = RuntimeTable.Double(accurate, path);
                if (row.Length >= kernel.MinLength)
                {
                    var y = new double[row.Length];
                    kernel.Row(input, y);
                    record.Add(kernel.WidthFor(row.Length), "hard", y, input, SoftmaxGenerators.Accuracy.ExactReference.Double(input), Bound(accurate, row.Length, "hard"), context);
                }
            }
        }

        record.Report(output);
        record.ThrowIfFailed();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rows_with_a_row_length_match_single_rows_bit_for_bit(bool single, bool accurate, string path)
    {
        if (single)
        {
            RowsMatch(RuntimeTable.Single(accurate, path));
        }
        else
        {
            RowsMatch(RuntimeTable.Double(accurate, path));
        }
    }

    private static void RowsMatch<T>(RuntimeKernel<T> kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Five rows: random, one +inf, one NaN, all -inf, a -inf entry among logits beyond the shift limit.
        const int rows = 5;
        var record = new UlpRecord($"{kernel.Name} Rows", typeof(T) == typeof(float));
        foreach (int n in RuntimeTable.ShortLengths.Concat(new[] { 513, 1000, 4097 }))
        {
            if (n < kernel.MinLength)
            {
                RuntimeChecks.AssertRefused(kernel, n, record);
                continue;
            }

            double[] values = Enumerable.Range(0, rows)
                .SelectMany(r => Inputs.Create(r == 4 ? "aroundDoubleShiftLimit" : Inputs.Distributions[r], n, single: typeof(T) == typeof(float), seed: 50 + r))
                .ToArray();
            values[n + (n / 2)] = double.PositiveInfinity;
            values[(2 * n) + (n / 3)] = double.NaN;
            Array.Fill(values, double.NegativeInfinity, 3 * n, n);
            values[(4 * n) + n - 1] = double.NegativeInfinity;
            T[] input = RuntimeReference.As<T>(values);

            var batch = new T[rows * n];
            string context = $"N={n}";
            if (!RuntimeChecks.Try(record, context + " Rows", () => kernel.Rows(input, batch, n)))
            {
                continue;
            }

            for (int r = 0; r < rows; r++)
            {
                var one = new T[n];
                if (RuntimeChecks.Try(record, context + $" row {r}", () => kernel.Row(input.AsSpan(r * n, n), one)))
                {
                    RuntimeChecks.BitEqual(record, context + $": row {r} of Rows vs a single row", one, batch.AsSpan(r * n, n));
                }
            }

            T[] inPlace = (T[])input.Clone();
            if (RuntimeChecks.Try(record, context + " Rows in place", () => kernel.Rows(inPlace, inPlace, n)))
            {
                RuntimeChecks.BitEqual(record, context + ": Rows in place vs out of place", batch, inPlace);
            }
        }

        record.ThrowIfFailed();
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void The_dispatcher_takes_the_widest_accelerated_kernel_the_row_fills(bool single, bool accurate)
    {
        // The public method and the hook of the width it must take (RuntimeTable.DispatchWidth) give the same bits.
        if (single)
        {
            DispatchMatches(RuntimeTable.Single(accurate, KernelTable.Dispatch), w => RuntimeTable.Single(accurate, KernelTable.PathOf(w)));
        }
        else
        {
            DispatchMatches(RuntimeTable.Double(accurate, KernelTable.Dispatch), w => RuntimeTable.Double(accurate, KernelTable.PathOf(w)));
        }
    }

    private void DispatchMatches<T>(RuntimeKernel<T> dispatcher, Func<int, RuntimeKernel<T>> direct)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        var record = new UlpRecord($"{dispatcher.Name} width by length", single);
        var taken = new System.Collections.Generic.SortedDictionary<int, (int First, int Last)>();
        foreach (int n in RuntimeTable.ShortLengths.Concat(RuntimeTable.LongLengths.Take(8)))
        {
            int width = dispatcher.WidthFor(n);
            taken[width] = taken.TryGetValue(width, out var range) ? (range.First, n) : (n, n);
            // Several rows: kernels of two widths may round a few rows alike.
            for (int seed = 0; seed < (n <= 64 ? 16 : 2); seed++)
            {
                T[] x = RuntimeReference.As<T>(Inputs.Create(seed % 2 == 0 ? "uniform10" : "normal30", n, single, seed));
                var expected = new T[n];
                var actual = new T[n];
                direct(width).Row(x, expected);
                dispatcher.Row(x, actual);
                RuntimeChecks.BitEqual(record, $"N={n} seed={seed}: the dispatcher vs the {KernelTable.PathOf(width)} kernel", expected, actual);
            }
        }

        output.WriteLine($"{dispatcher.Name}: " + string.Join(", ", taken.Select(t => $"{KernelTable.PathOf(t.Key)} for N={t.Value.First}..{t.Value.Last}")));
        record.ThrowIfFailed();
    }
}

/// <summary>Shared checks of the run-time-length tests, recording failures instead of stopping at the first.</summary>
public static class RuntimeChecks
{
    /// <summary>Runs <paramref name="action"/>; an exception is a failure of <paramref name="context"/>.</summary>
    public static bool Try(UlpRecord record, string context, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e)
        {
            record.Fail($"{context}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            return false;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void BitEqual<T>(UlpRecord record, string context, ReadOnlySpan<T> expected, ReadOnlySpan<T> actual)
        where T : unmanaged
    {
        if (MemoryMarshal.AsBytes(expected).SequenceEqual(MemoryMarshal.AsBytes(actual)))
        {
            return;
        }

        int i = 0;
        while (MemoryMarshal.AsBytes(expected.Slice(i, 1)).SequenceEqual(MemoryMarshal.AsBytes(actual.Slice(i, 1))))
        {
            i++;
        }

        record.Fail($"{context}: not the same bits, first at [{i}]: {expected[i]} vs {actual[i]}");
    }

    /// <summary>
    /// A width's hook must refuse a row shorter than the width's minimum (ArgumentOutOfRangeException for "width")
    /// in every form: one row, in place, Rows; never run another kernel or read outside the row.
    /// </summary>
    public static void AssertRefused<T>(RuntimeKernel<T> kernel, int n, UlpRecord record)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var input = new T[2 * n];
        var output = new T[2 * n];
        Refused(record, kernel, n, "one row", () => kernel.Row(input.AsSpan(0, n), output.AsSpan(0, n)));
        Refused(record, kernel, n, "in place", () => kernel.InPlace(output.AsSpan(0, n)));
        Refused(record, kernel, n, "Rows", () => kernel.Rows(input, output, n));
    }

    private static void Refused<T>(UlpRecord record, RuntimeKernel<T> kernel, int n, string form, Action action)
    {
        try
        {
            action();
            record.Fail($"N={n} {form}: the {kernel.Path} hook ran a row shorter than its minimum {kernel.MinLength} instead of throwing");
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "width")
        {
        }
        catch (Exception e)
        {
            record.Fail($"N={n} {form}: the {kernel.Path} hook threw {e.GetType().Name} ({e.Message.Split('\n')[0]}), expected ArgumentOutOfRangeException for width");
        }
    }
}
