using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>The run-time-length kernels: <c>[Softmax]</c> without a length.</summary>
[Softmax] public static partial class AnyLength { }

/// <summary>
/// <c>-- --interleaved --runtime [--only float|double]</c>: per row length, the run-time-length kernel
/// (<see cref="AnyLength"/>), the fixed-length kernel where the benchmarks have one (N = 10, 16, 64, 256, 1024, 4096,
/// 65536) and <c>TensorPrimitives.SoftMax</c>, interleaved in random order per round as <c>--native</c> does. Times
/// are medians of the rounds (ns per call); ratios medians of the per-round ratios. Run it again with
/// DOTNET_PreferredVectorBitWidth=256 for the 256-bit path.
/// </summary>
internal static class RuntimeLength
{
    private static readonly int[] Lengths = { 1, 2, 3, 4, 7, 10, 16, 33, 64, 100, 256, 1000, 1024, 4096, 65536, 1 << 20, 1 << 24 };

    private static readonly HashSet<int> FixedLengths = new() { 10, 16, 64, 256, 1024, 4096, 65536 };

    public static int Run(int rounds, string? filter)
    {
        string width = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "512"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256"
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "128" : "scalar";
        Console.WriteLine($"Run-time-length kernels, interleaved, {rounds} rounds, {LayerFunctionsBenchmark.CpuName()}, {Environment.ProcessorCount} cores, load {Interleaved.LoadAverage()}, widest path {width} bits");
        Console.WriteLine();
        Console.WriteLine("| Type | N | Run-time length | Fixed length | TensorPrimitives | **Run-time / fixed** | **TensorPrimitives / run-time** | stack-alignment spread, run-time / TensorPrimitives |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string elem in new[] { "float", "double" }.Where(e => filter is null || filter.Equals(e, StringComparison.OrdinalIgnoreCase)))
        {
            foreach (int n in Lengths)
            {
                // Long rows are slow: fewer rounds keep the run to a few minutes.
                int r = n >= 1 << 20 ? Math.Max(5, rounds / 40) : rounds;
                Measure(elem, n, r);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Each variant ran at two stack alignments 16 bytes apart; per round the faster counts. Times in ns per call (median of rounds); ratios: median of per-round ratios; spread: median at the slower alignment / at the faster. load after: {Interleaved.LoadAverage()}");
        return 0;
    }

    private static void Measure(string elem, int n, int rounds)
    {
        var variants = new List<Func<int, long>?>();
        if (elem == "float")
        {
            float[] x = Inputs.Single(n), y = new float[n];
            variants.Add(k => Any(x, y, k));
            variants.Add(FixedLengths.Contains(n) ? Interleaved.GeneratedSingle(n, x, y) : null);
            variants.Add(k => Interleaved.SingleTensorPrimitives(x, y, k));
        }
        else
        {
            double[] x = Inputs.Double(n), y = new double[n];
            variants.Add(k => Any(x, y, k));
            variants.Add(FixedLengths.Contains(n) ? Interleaved.GeneratedDouble(n, x, y) : null);
            variants.Add(k => Interleaved.DoubleTensorPrimitives(x, y, k));
        }

        // Every variant at two stack alignments 16 bytes apart; per round the faster counts.
        double[][] aligned = Interleaved.TimeAtTwoAlignments(variants, rounds, out _);
        double[] spread = Interleaved.AlignmentSpread(aligned);
        double[][] times = Interleaved.Faster(aligned);
        string Ratio(int a, int b) => times[a] is null || times[b] is null ? "-" : Interleaved.Median(times[a].Zip(times[b], (p, q) => p / q).ToArray()).ToString("0.00", CultureInfo.InvariantCulture);
        string Show(int v) => times[v] is null ? "-" : Interleaved.Ns(Interleaved.Median(times[v]));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {elem} | {n} | {Show(0)} | {Show(1)} | {Show(2)} | **{Ratio(0, 1)}** | **{Ratio(2, 0)}x** | {spread[0]:0.00} / {spread[2]:0.00} |"));
    }

    private static long Any(float[] x, float[] y, int count)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            AnyLength.Softmax(x, y);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long Any(double[] x, double[] y, int count)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            AnyLength.Softmax(x, y);
        }

        return Stopwatch.GetTimestamp() - start;
    }
}
