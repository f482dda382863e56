using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Numerics.Tensors;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>
/// <c>-- --interleaved</c>: an A/B timer for shared, noisy machines. BenchmarkDotNet measures one benchmark after the
/// other, each for a few seconds, so a burst of load from another process can slow one side of a comparison evenly.
/// Here the two sides alternate in short batches (~0.5 ms, random order in each round), so a burst hits both alike, and
/// the speedup is estimated twice: from the fastest batch of each side (load only ever adds time) and as the median of
/// the per-round ratios. It complements BenchmarkDotNet; it does not replace it (no overhead subtraction, no outlier
/// analysis, one process).
/// </summary>
public static class Interleaved
{
    private const double BatchSeconds = 0.0005;

    private sealed record Pair(string Elem, string Shape, int Elements, string A, string B, Func<int, long> RunA, Func<int, long> RunB);

    public static int Run(string[] args)
    {
        int rounds = 400;
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--rounds")
            {
                rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        string? filter = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        if (args.Contains("--native"))
        {
            return RunNative(rounds, filter);
        }

        if (args.Contains("--runtime"))
        {
            return RuntimeLength.Run(rounds, filter);
        }

        if (args.Contains("--layer"))
        {
            return LayerFunctionsBenchmark.Run(rounds, filter);
        }

        List<Pair> pairs = Pairs(filter is not null && filter.Contains("twopass", StringComparison.OrdinalIgnoreCase)).Where(p => filter is null || $"{p.Elem} {p.Shape} {p.A} {p.B}".Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();

        Console.WriteLine($"Interleaved A/B, {rounds} rounds of ~{BatchSeconds * 1e3:0.#} ms batches per side, {Environment.ProcessorCount} cores, load {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| Type | Shape | A | B | A ns/call (best) | B ns/call (best) | **Speedup A over B (best)** | Speedup (median of rounds) | Rounds' IQR |");
        Console.WriteLine("|---|---|---|---|---:|---:|---:|---:|---:|");
        foreach (Pair pair in pairs)
        {
            Measure(pair, rounds);
        }

        Console.WriteLine();
        Console.WriteLine($"load after: {LoadAverage()}");
        return 0;
    }

    private static void Measure(Pair pair, int rounds)
    {
        // Warm up both sides past tiering (~0.4 s each, in slices so the background compiler can swap code in).
        for (int w = 0; w < 8; w++)
        {
            TimeFor(pair.RunA, 0.05);
            TimeFor(pair.RunB, 0.05);
        }

        int countA = Calibrate(pair.RunA);
        int countB = Calibrate(pair.RunB);
        var a = new double[rounds];
        var b = new double[rounds];
        var random = new Random(1);
        for (int r = 0; r < rounds; r++)
        {
            if (random.Next(2) == 0)
            {
                a[r] = PerCall(pair.RunA, countA);
                b[r] = PerCall(pair.RunB, countB);
            }
            else
            {
                b[r] = PerCall(pair.RunB, countB);
                a[r] = PerCall(pair.RunA, countA);
            }
        }

        double[] ratios = a.Zip(b, (x, y) => y / x).OrderBy(v => v).ToArray();
        double bestA = a.Min();
        double bestB = b.Min();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {pair.Elem} | {pair.Shape} | {pair.A} | {pair.B} | {Ns(bestA)} | {Ns(bestB)} | **{bestB / bestA:0.00}x** | {Quantile(ratios, 0.5):0.00}x | {Quantile(ratios, 0.25):0.00}-{Quantile(ratios, 0.75):0.00} |"));
    }

    internal static string Ns(double value) => value >= 10_000
        ? (value / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " µs"
        : value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);

    internal static double Quantile(double[] sorted, double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];

    internal static double PerCall(Func<int, long> run, int count) => run(count) * 1e9 / Stopwatch.Frequency / count;

    internal static void TimeFor(Func<int, long> run, double seconds)
    {
        long until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            run(16);
        }
    }

    /// <summary>
    /// Times every variant at two stack alignments 16 bytes apart (<see cref="LayerFunctionsBenchmark.AtStackOffset"/>:
    /// TensorPrimitives' exponentials run 2-3x slower at one of them, which one depending on the process), all of them
    /// interleaved in random order every round. The warm-up runs every variant in 20 ms slices, so the background
    /// compiler can swap code in, until the JIT has compiled nothing for two whole passes (TensorPrimitives' VectorMath
    /// reaches tier 1 late on a loaded machine). Returns ns per call: [2 v] at 16 bytes, [2 v + 1] at 32 bytes, per
    /// round; null for a null variant. <paramref name="passes"/> gets the number of warm-up passes.
    /// </summary>
    internal static double[][] TimeAtTwoAlignments(IReadOnlyList<Func<int, long>?> variants, int rounds, out int passes)
    {
        var runs = new List<Func<int, long>?>();
        foreach (Func<int, long>? run in variants)
        {
            runs.Add(run is null ? null : count => LayerFunctionsBenchmark.AtStackOffset(16, run, count));
            runs.Add(run is null ? null : count => LayerFunctionsBenchmark.AtStackOffset(32, run, count));
        }

        int[] present = Enumerable.Range(0, runs.Count).Where(v => runs[v] is not null).ToArray();
        int quiet = 0;
        passes = 0;
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (passes < 6 || (quiet < 2 && passes < 60))
        {
            foreach (int v in present)
            {
                TimeFor(runs[v]!, 0.02);
            }

            passes++;
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
        }

        var counts = new int[runs.Count];
        var times = new double[runs.Count][];
        foreach (int v in present)
        {
            counts[v] = Calibrate(runs[v]!);
            times[v] = new double[rounds];
        }

        var random = new Random(1);
        int[] order = (int[])present.Clone();
        for (int r = 0; r < rounds; r++)
        {
            random.Shuffle(order);
            foreach (int v in order)
            {
                times[v][r] = PerCall(runs[v]!, counts[v]);
            }
        }

        return times;
    }

    /// <summary>Per variant and round, the faster of its two stack alignments (from <see cref="TimeAtTwoAlignments"/>).</summary>
    internal static double[][] Faster(double[][] aligned) =>
        Enumerable.Range(0, aligned.Length / 2).Select(v => aligned[2 * v] is null ? null! : aligned[2 * v].Zip(aligned[(2 * v) + 1], Math.Min).ToArray()).ToArray();

    /// <summary>Per variant, median at the slower alignment / median at the faster one (1 for a null variant).</summary>
    internal static double[] AlignmentSpread(double[][] aligned) =>
        Enumerable.Range(0, aligned.Length / 2).Select(v =>
        {
            if (aligned[2 * v] is null)
            {
                return 1d;
            }

            double a = Median(aligned[2 * v]), b = Median(aligned[(2 * v) + 1]);
            return Math.Max(a, b) / Math.Min(a, b);
        }).ToArray();

    internal static double Median(double[] values) => Quantile(values.OrderBy(t => t).ToArray(), 0.5);

    internal static int Calibrate(Func<int, long> run)
    {
        int count = 1;
        while (count < 1 << 24)
        {
            double seconds = (double)run(count) / Stopwatch.Frequency;
            if (seconds >= BatchSeconds)
            {
                break;
            }

            count *= 2;
        }

        return count;
    }

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(" ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception)
        {
            return "n/a";
        }
    }

    private static IEnumerable<Pair> Pairs(bool includeTwoPass)
    {
        foreach (Pair p in RowPairs<N10>()) yield return p;
        foreach (Pair p in RowPairs<N16>()) yield return p;
        foreach (Pair p in RowPairs<N64>()) yield return p;
        foreach (Pair p in RowPairs<N256>()) yield return p;
        foreach (Pair p in RowPairs<N1024>()) yield return p;
        foreach (Pair p in RowPairs<N4096>()) yield return p;
        foreach (Pair p in RowPairs<N65536>()) yield return p;
        foreach (Pair p in BatchPairs<N10>()) yield return p;
        foreach (Pair p in BatchPairs<N1000>()) yield return p;

        // The cost of SoftmaxPrecision.Accurate (target: at most 1.7x the time of the default Fast kernels).
        foreach (Pair p in AccuratePairs(10, (x, y) => K10.Accurate(x, y), (x, y) => K10.Softmax(x, y), (x, y) => K10.Accurate(x, y), (x, y) => K10.Softmax(x, y))) yield return p;
        foreach (Pair p in AccuratePairs(1024, (x, y) => K1024.Accurate(x, y), (x, y) => K1024.Softmax(x, y), (x, y) => K1024.Accurate(x, y), (x, y) => K1024.Softmax(x, y))) yield return p;
        // The two-pass prototype on long rows (TwoPassPairs.cs); only with --only (e.g. --only twopass): big buffers, slow.
        if (includeTwoPass)
        {
            foreach (var (elem, shape, elements, a, b, runA, runB) in TwoPassPairs.Pairs()) yield return new Pair(elem, shape, elements, a, b, runA, runB);
        }

        foreach (Pair p in AccuratePairs(65536, (x, y) => K65536.Accurate(x, y), (x, y) => K65536.Softmax(x, y), (x, y) => K65536.Accurate(x, y), (x, y) => K65536.Softmax(x, y))) yield return p;
    }

    private sealed record Variant(string Name, Func<int, long> Run);

    private static readonly int[] NativeLengths = { 10, 16, 64, 256, 1024, 4096, 65536 };

    /// <summary>
    /// <c>--interleaved --native</c>: per N, the generated kernel (the width its dispatcher takes in this process), the C
    /// kernels of benchmarks/native (<see cref="NativeReference"/>) and TensorPrimitives, all interleaved in random
    /// order per round. Times are medians of the rounds (ns per call); ratios are medians of the per-round ratios.
    /// Run it again with DOTNET_PreferredVectorBitWidth=256 for the 256-bit paths. <c>--only</c> takes "float", "double"
    /// or one row, e.g. "float N=1024".
    /// </summary>
    private static int RunNative(int rounds, string? filter)
    {
        NativeReference[] natives = NativeReference.LoadAll(NativeLengths);
        string width = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "512"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256"
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "128" : "scalar";
        Console.WriteLine($"Interleaved, {rounds} rounds of ~{BatchSeconds * 1e3:0.#} ms batches per variant, every variant at two stack alignments 16 bytes apart (the faster counts per round), {Environment.ProcessorCount} cores, load {LoadAverage()}; generated and TensorPrimitives take the {width}-bit path in this process");
        Console.WriteLine();
        string header = "| Type | N | Generated | " + string.Concat(natives.Select(c => c.Name + " | ")) + "TensorPrimitives | "
            + string.Concat(natives.Select(c => $"**Generated / {c.Name}** | ")) + "Speedup over TensorPrimitives | Alignment spread, generated / TensorPrimitives |";
        Console.WriteLine(header);
        Console.WriteLine("|---|---:|" + string.Concat(Enumerable.Repeat("---:|", 2 + (2 * natives.Length) + 2)));
        bool Selected(string elem, int n) => filter is null || $"{elem} N={n}".Equals(filter, StringComparison.OrdinalIgnoreCase) || filter.Equals(elem, StringComparison.OrdinalIgnoreCase);
        foreach (int n in NativeLengths.Where(n => Selected("float", n)))
        {
            float[] fx = Inputs.Single(n), fy = new float[n];
            var variants = new List<Variant> { new("Generated", GeneratedSingle(n, fx, fy)) };
            variants.AddRange(natives.Select(c => new Variant(c.Name, NativeTimed(c, n, fx, fy))));
            variants.Add(new Variant("TensorPrimitives", k => SingleTensorPrimitives(fx, fy, k)));
            MeasureGroup("float", n, variants, natives.Length, rounds);
        }

        foreach (int n in NativeLengths.Where(n => Selected("double", n)))
        {
            double[] dx = Inputs.Double(n), dy = new double[n];
            var variants = new List<Variant> { new("Generated", GeneratedDouble(n, dx, dy)), new("TensorPrimitives", k => DoubleTensorPrimitives(dx, dy, k)) };
            MeasureGroup("double", n, variants, 0, rounds, natives.Length);
        }

        Console.WriteLine();
        Console.WriteLine($"Times in ns per call (median of rounds). Generated / C: time ratio, <= 1.00 means the generated kernel is as fast or faster. load after: {LoadAverage()}");
        return 0;
    }

    /// <summary>
    /// Variant 0 is the generated kernel, the last is TensorPrimitives, <paramref name="natives"/> C kernels in between
    /// (absent for double). Every variant runs at two stack alignments and the faster counts per round; the last column
    /// is the ratio of the two alignments' medians of the generated kernel and of TensorPrimitives.
    /// </summary>
    private static void MeasureGroup(string elem, int n, List<Variant> variants, int natives, int rounds, int absent = 0)
    {
        double[][] aligned = TimeAtTwoAlignments(variants.Select(v => v.Run).ToList(), rounds, out _);
        double[][] times = Faster(aligned);
        double[] spread = AlignmentSpread(aligned);
        double RatioMedian(int a, int b) => Median(times[a].Zip(times[b], (x, y) => x / y).ToArray());
        int tp = variants.Count - 1;
        var line = new System.Text.StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"| {elem} | {n} | {Ns(Median(times[0]))} | ");
        for (int c = 1; c <= natives; c++)
        {
            line.Append(Ns(Median(times[c]))).Append(" | ");
        }

        line.Append(string.Concat(Enumerable.Repeat("- | ", absent)));
        line.Append(Ns(Median(times[tp]))).Append(" | ");
        for (int c = 1; c <= natives; c++)
        {
            line.Append(CultureInfo.InvariantCulture, $"**{RatioMedian(0, c):0.00}** | ");
        }

        line.Append(string.Concat(Enumerable.Repeat("- | ", absent)));

        line.Append(CultureInfo.InvariantCulture, $"{RatioMedian(tp, 0):0.00}x | {spread[0]:0.00} / {spread[tp]:0.00} |");
        Console.WriteLine(line.ToString());
    }

    private static unsafe Func<int, long> NativeTimed(NativeReference library, int n, float[] x, float[] y)
    {
        delegate* unmanaged<float*, float*, void> kernel = library.Kernel(n);
        return count =>
        {
            fixed (float* px = x, py = y)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i++)
                {
                    kernel(px, py);
                }

                return Stopwatch.GetTimestamp() - start;
            }
        };
    }

    internal static Func<int, long> GeneratedSingle(int n, float[] x, float[] y) => n switch
    {
        10 => k => SingleGenerated<N10>(x, y, k),
        16 => k => SingleGenerated<N16>(x, y, k),
        64 => k => SingleGenerated<N64>(x, y, k),
        256 => k => SingleGenerated<N256>(x, y, k),
        1024 => k => SingleGenerated<N1024>(x, y, k),
        4096 => k => SingleGenerated<N4096>(x, y, k),
        65536 => k => SingleGenerated<N65536>(x, y, k),
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };

    internal static Func<int, long> GeneratedDouble(int n, double[] x, double[] y) => n switch
    {
        10 => k => DoubleGenerated<N10>(x, y, k),
        16 => k => DoubleGenerated<N16>(x, y, k),
        64 => k => DoubleGenerated<N64>(x, y, k),
        256 => k => DoubleGenerated<N256>(x, y, k),
        1024 => k => DoubleGenerated<N1024>(x, y, k),
        4096 => k => DoubleGenerated<N4096>(x, y, k),
        65536 => k => DoubleGenerated<N65536>(x, y, k),
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };

    private delegate void Kernel<T>(ReadOnlySpan<T> input, Span<T> output);

    private static IEnumerable<Pair> AccuratePairs(int length, Kernel<float> singleAccurate, Kernel<float> singleFast, Kernel<double> doubleAccurate, Kernel<double> doubleFast)
    {
        float[] fx = Inputs.Single(length), fy = new float[length];
        double[] dx = Inputs.Double(length), dy = new double[length];
        string shape = "N=" + length.ToString(CultureInfo.InvariantCulture);
        yield return new Pair("float", shape, length, "Fast", "Accurate", n => Timed(n, () => singleFast(fx, fy)), n => Timed(n, () => singleAccurate(fx, fy)));
        yield return new Pair("double", shape, length, "Fast", "Accurate", n => Timed(n, () => doubleFast(dx, dy)), n => Timed(n, () => doubleAccurate(dx, dy)));
    }

    private static IEnumerable<Pair> RowPairs<T>()
        where T : struct, IShape
    {
        float[] fx = Inputs.Single(T.Length), fy = new float[T.Length];
        double[] dx = Inputs.Double(T.Length), dy = new double[T.Length];
        string shape = "N=" + T.Length.ToString(CultureInfo.InvariantCulture);
        yield return new Pair("float", shape, T.Length, "Generated", "TensorPrimitives", n => SingleGenerated<T>(fx, fy, n), n => SingleTensorPrimitives(fx, fy, n));
        yield return new Pair("double", shape, T.Length, "Generated", "TensorPrimitives", n => DoubleGenerated<T>(dx, dy, n), n => DoubleTensorPrimitives(dx, dy, n));
    }

    private static IEnumerable<Pair> BatchPairs<T>()
        where T : struct, IShape
    {
        int total = T.Length * T.BatchRows;
        float[] fx = Inputs.Single(total), fy = new float[total];
        double[] dx = Inputs.Double(total), dy = new double[total];
        string shape = $"{T.BatchRows} x N={T.Length}";
        yield return new Pair("float", shape, total, "SoftmaxRows", "TensorPrimitives rows", n => SingleRows<T>(fx, fy, n), n => SingleTensorPrimitivesRows<T>(fx, fy, n));
        yield return new Pair("double", shape, total, "SoftmaxRows", "TensorPrimitives rows", n => DoubleRows<T>(dx, dy, n), n => DoubleTensorPrimitivesRows<T>(dx, dy, n));
    }

    // One loop per variant, specialized per shape, so the timed loop calls the kernel directly.
    private static long SingleGenerated<T>(float[] x, float[] y, int n)
        where T : struct, IShape
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            T.Softmax(x, y);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long DoubleGenerated<T>(double[] x, double[] y, int n)
        where T : struct, IShape
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            T.Softmax(x, y);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    internal static long SingleTensorPrimitives(float[] x, float[] y, int n)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            TensorPrimitives.SoftMax(x, y);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    internal static long DoubleTensorPrimitives(double[] x, double[] y, int n)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            TensorPrimitives.SoftMax<double>(x, y);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long SingleRows<T>(float[] x, float[] y, int n)
        where T : struct, IShape
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            T.SoftmaxRows(x, y);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long DoubleRows<T>(double[] x, double[] y, int n)
        where T : struct, IShape
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            T.SoftmaxRows(x, y);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long SingleTensorPrimitivesRows<T>(float[] x, float[] y, int n)
        where T : struct, IShape
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            for (int offset = 0; offset < x.Length; offset += T.Length)
            {
                TensorPrimitives.SoftMax(x.AsSpan(offset, T.Length), y.AsSpan(offset, T.Length));
            }
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long DoubleTensorPrimitivesRows<T>(double[] x, double[] y, int n)
        where T : struct, IShape
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            for (int offset = 0; offset < x.Length; offset += T.Length)
            {
                TensorPrimitives.SoftMax<double>(x.AsSpan(offset, T.Length), y.AsSpan(offset, T.Length));
            }
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long Timed(int n, Action body)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            body();
        }

        return Stopwatch.GetTimestamp() - start;
    }
}
