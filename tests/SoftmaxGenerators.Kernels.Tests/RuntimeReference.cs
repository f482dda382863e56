using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Text;
using SoftmaxGenerators.Accuracy;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// Inputs and exact softmax references of the run-time-length tests: float rows against
/// <see cref="ExactReference.Single"/>, double rows against <see cref="RuntimeDoubleReference"/> (double-double, as
/// exact as <see cref="ExactReference.Double"/> for these tests and much faster), kept for the other precision and
/// paths.
/// </summary>
public static class RuntimeReference
{
    private static readonly ConcurrentDictionary<(bool Single, string Distribution, int Length, int Seed), Lazy<(double[] Input, (double Hi, double Lo)[] Exact)>> Cache = new();

    /// <summary>The row of <see cref="Inputs.Create"/> (rounded to float for float rows) and its exact softmax; double
    /// rows are kept for the other precision and paths (their reference is the costly one).</summary>
    public static (double[] Input, (double Hi, double Lo)[] Exact) Row(bool single, string distribution, int length, int seed) =>
        single
            ? Compute(true, distribution, length, seed)
            : Cache.GetOrAdd((single, distribution, length, seed), key => new Lazy<(double[], (double, double)[])>(() => Compute(key.Single, key.Distribution, key.Length, key.Seed))).Value;

    private static (double[], (double, double)[]) Compute(bool single, string distribution, int length, int seed)
    {
        double[] input = Inputs.Create(distribution, length, single, seed);
        if (single)
        {
            float[] rounded = Inputs.ToSingle(input);
            double[] exact = ExactReference.Single(rounded);
            return (Array.ConvertAll(rounded, v => (double)v), Array.ConvertAll(exact, v => (v, 0d)));
        }

        (double Hi, double Lo)[] result = RuntimeDoubleReference.Softmax(input);
        return (input, result);
    }

    public static T[] As<T>(double[] values)
        where T : unmanaged, IFloatingPointIeee754<T> => Array.ConvertAll(values, T.CreateTruncating);
}

/// <summary>
/// The error of a path's outputs in ULP of the output type, as UlpTests measures it: in ULP where the exact result is a
/// normal number, within the fixed-length tests' absolute tolerance below (1e-37 float, 1e-300 double), and every
/// output a probability. Keeps the maximum per kernel width and every failure with its input.
/// </summary>
public sealed class UlpRecord(string name, bool single)
{
    private const int ShownFailures = 25;
    private readonly List<string> failures = new();
    private readonly SortedDictionary<int, (double Ulp, string Where)> perWidth = new(Comparer<int>.Create((a, b) => b.CompareTo(a)));
    private readonly Dictionary<string, double> perGroup = new();

    public int FailureCount { get; private set; }

    public long Count { get; private set; }

    public double Max { get; private set; }

    /// <summary>Checks one row's output, run by the kernel of <paramref name="width"/>; <paramref name="group"/> is its
    /// distribution, <paramref name="context"/> names the row (length, distribution, seed).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Add<T>(int width, string group, ReadOnlySpan<T> output, double[] input, (double Hi, double Lo)[] exact, double bound, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double minNormal = single ? 1.1754943508222875E-38 : 2.2250738585072014E-308;
        double absolute = single ? 1e-37 : 1e-300;
        double rowMax = 0;
        for (int i = 0; i < output.Length; i++)
        {
            double actual = double.CreateTruncating(output[i]);
            (double hi, double lo) = exact[i];
            double ulps = double.NaN;
            bool ok;
            if (hi >= minNormal)
            {
                double unit = single ? MathF.BitIncrement((float)hi) - (float)hi : Math.BitIncrement(hi) - hi;
                ulps = Math.Abs((actual - hi) - lo) / unit;
                ok = ulps <= bound;
                rowMax = ulps <= rowMax ? rowMax : double.IsNaN(ulps) ? double.PositiveInfinity : ulps;
            }
            else
            {
                ok = Math.Abs(actual - hi) <= absolute;
            }

            ok &= actual >= 0 && actual <= 1;
            if (!ok)
            {
                FailureCount++;
                if (failures.Count < ShownFailures)
                {
                    failures.Add($"{context} [{i}]: x = {input[i]:R}, output {actual:R}, exact {hi:R}{(double.IsNaN(ulps) ? string.Empty : $" ({ulps:0.00} ULP, bound {bound})")}");
                }
            }
        }

        Count += output.Length;
        Max = Math.Max(Max, rowMax);
        if (!perWidth.TryGetValue(width, out var worst) || rowMax > worst.Ulp)
        {
            perWidth[width] = (rowMax, context);
        }

        if (!perGroup.TryGetValue(group, out double groupWorst) || rowMax > groupWorst)
        {
            perGroup[group] = rowMax;
        }
    }

    /// <summary>A record of a failure that is not an element's error (an exception, a missing throw, a bit difference).</summary>
    public void Fail(string message)
    {
        FailureCount++;
        if (failures.Count < ShownFailures)
        {
            failures.Add(message);
        }
    }

    /// <summary>"max 3.12 ULP; Vector512 3.12 (N=...), Vector256 ...": the maxima per width that ran.</summary>
    public string Summary()
    {
        var text = new StringBuilder($"{name}: {Count} outputs, max {Max:0.00} ULP");
        foreach ((int width, (double ulp, string where)) in perWidth)
        {
            text.Append($"; {KernelTable.PathOf(width)} {ulp:0.00} at {where}");
        }

        if (perGroup.Count > 0)
        {
            text.Append("; by distribution: ").AppendJoin(", ", perGroup.Select(g => $"{g.Key} {g.Value:0.00}"));
        }

        return text.ToString();
    }

    public void ThrowIfFailed()
    {
        if (FailureCount > 0)
        {
            throw new XunitException($"{name}: {FailureCount} failures (the first {failures.Count} below); {Summary()}\n" + string.Join("\n", failures));
        }
    }

    /// <summary>Appends <see cref="Summary"/> to the file SOFTMAX_RUNTIME_ULP_REPORT names, when set.</summary>
    public void Report(Xunit.Abstractions.ITestOutputHelper output)
    {
        string line = Summary();
        output.WriteLine(line);
        AppendToReport(line);
    }

    /// <summary>Appends a line to the file SOFTMAX_RUNTIME_ULP_REPORT names, when set.</summary>
    public static void AppendToReport(string line)
    {
        if (Environment.GetEnvironmentVariable("SOFTMAX_RUNTIME_ULP_REPORT") is { Length: > 0 } file)
        {
            lock (ReportLock)
            {
                System.IO.File.AppendAllText(file, line + Environment.NewLine);
            }
        }
    }

    private static readonly object ReportLock = new();
}
