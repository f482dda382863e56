using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;

namespace SoftmaxGenerators.Accuracy;

internal delegate void RowMap<T>(ReadOnlySpan<T> input, Span<T> output);

internal delegate T RowReduce<T>(ReadOnlySpan<T> input);

internal delegate T RowLoss<T>(ReadOnlySpan<T> logits, int label);

internal delegate T RowLossGradient<T>(ReadOnlySpan<T> logits, int label, Span<T> gradient);

internal delegate void RowBackward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> outputGradient, Span<T> inputGradient);

internal delegate void RowTemperature<T>(ReadOnlySpan<T> input, Span<T> output, T temperature);

/// <summary>The generated layer functions of one row length and precision, for one element type.</summary>
internal sealed record LayerKernels<T>(
    RowMap<T> Softmax,
    RowMap<T> LogSoftmax,
    RowReduce<T> LogSumExp,
    RowLoss<T> CrossEntropy,
    RowLossGradient<T> CrossEntropyGradient,
    RowBackward<T> Backward,
    RowTemperature<T> Temperature);

/// <summary>
/// <c>-- --layer [--quick] [--out FILE]</c>: the error of every layer function against an exact double-double
/// reference (<see cref="LayerReference"/>), per row family, N, precision (Fast, Accurate) and element type.
/// </summary>
internal static class LayerAccuracy
{
    private const int Functions = 8;

    private static readonly string[] Names = { "Softmax", "LogSoftmax", "LogSumExp", "CE loss", "CE gradient", "Backward", "Temperature", "Temperature, exact x·s" };

    /// <summary>Accurate's goal (docs/layer-api): 4 ULP, or the absolute allowance near 0.</summary>
    private const double Bound = 4;

    private const float SingleTemperature = 0.7f;

    private const double DoubleTemperature = 0.7;

    public static int Run(bool quick, string? outFile)
    {
        SelfCheck();
        int[] lengths = quick ? new[] { 10, 100, 1000, 10_000 } : new[] { 10, 100, 1000, 10_000, 100_000, 1_048_576 };
        int elementsPerCase = quick ? 20_000 : 200_000;
        int doubleElementsPerCase = quick ? 4_000 : 40_000;

        // The softmax tool's four families, then two for the layer functions: near-ties (every x - max tiny; the
        // log-softmax is -log N + tiny) and one dominant logit (16 above the rest: its log-softmax, and the loss of a
        // label on it, are -log(1 + R) with R ~ N e^-16, near 0).
        var families = new (string Name, Func<Random, int, double[]> Row)[]
        {
            ("uniform [-10, 10]", (r, n) => Row(r, n, r => (r.NextDouble() * 20) - 10)),
            ("uniform [-80, 80]", (r, n) => Row(r, n, r => (r.NextDouble() * 160) - 80)),
            ("normal σ=30", (r, n) => Row(r, n, r => 30 * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()))),
            ("uniform [-1000, 1000]", (r, n) => Row(r, n, r => (r.NextDouble() * 2000) - 1000)),
            ("near-ties 30 ± 1e-3", (r, n) => Row(r, n, r => 30 + ((r.NextDouble() * 2e-3) - 1e-3))),
            ("one dominant (+16)", (r, n) =>
            {
                double[] row = Row(r, n, r => (r.NextDouble() * 20) - 10);
                row[r.Next(n)] = row.Max() + 16;
                return row;
            }),
        };

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Layer functions: error against an exact double-double reference. Command: `dotnet run -c Release --project benchmarks/SoftmaxGenerators.Accuracy -- --layer{(quick ? " --quick" : string.Empty)}`; CPU {CpuName()}, {Environment.ProcessorCount} cores, widest accelerated vector {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256 : 128)} bits.");
        report.AppendLine();
        report.AppendLine("Cells: max error in ULP of the output type over every element (the scalar, for LogSumExp and the loss). "
            + "LogSoftmax, LogSumExp, CE loss: `[k abs; r]` when k results were more than 4 ULP off but within the absolute allowance "
            + "u·max(1, |row max|) (u = 2^-23 float, 2^-52 double), r the max ULP of the results outside the allowance. "
            + "CE gradient: error in ULP of max(|p_i|, |t_i|). Backward: error in ULP of y_i·max(|dy_i|, Σ |dy_j y_j|). "
            + "Softmax and temperature softmax: ULP of the exact value, normal exact values only (as the softmax tables); temperature 0.7, "
            + "s = 1/0.7 rounded to the element type: 'Temperature' against the softmax of the products x_i·s rounded to the element type "
            + "(the documented computation), 'Temperature, exact x·s' against that of the exact products. "
            + "`(k NaN)`: non-finite results where the exact one is finite.");
        report.AppendLine();

        // [lane][precision][function]: the worst over all cases, for the summary.
        var worst = new Stats[2, 2, Functions];
        for (int l = 0; l < 2; l++)
        {
            for (int p = 0; p < 2; p++)
            {
                for (int f = 0; f < Functions; f++)
                {
                    worst[l, p, f] = new Stats();
                }
            }
        }

        var tables = new StringBuilder();
        var started = DateTime.UtcNow;
        foreach (bool single in new[] { true, false })
        {
            foreach (bool accurate in new[] { false, true })
            {
                tables.AppendLine(CultureInfo.InvariantCulture, $"### {(single ? "float" : "double")}, {(accurate ? "Accurate" : "Fast (default)")}");
                tables.AppendLine();
                tables.AppendLine("| inputs | N | " + string.Join(" | ", Names) + " |");
                tables.AppendLine("|---|---:|" + string.Concat(Enumerable.Repeat("---|", Functions)));
                foreach ((string name, Func<Random, int, double[]> row) in families)
                {
                    foreach (int n in lengths)
                    {
                        int rows = Math.Max(1, (single ? elementsPerCase : doubleElementsPerCase) / n);
                        var random = new Random((n * 7919) + name.Length);
                        Stats[] stats = single
                            ? Case(rows, n, () => Array.ConvertAll(row(random, n), v => (float)v), random, SingleKernels(n, accurate), SingleTemperature, single: true)
                            : Case(rows, n, () => row(random, n), random, DoubleKernels(n, accurate), DoubleTemperature, single: false);
                        for (int f = 0; f < Functions; f++)
                        {
                            worst[single ? 0 : 1, accurate ? 1 : 0, f].Merge(stats[f]);
                        }

                        tables.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {n} | {string.Join(" | ", stats.Select(s => s.ToString()))} |");
                        Console.Error.WriteLine($"{(single ? "float" : "double")} {(accurate ? "Accurate" : "Fast")} {name} N={n}: {string.Join("  ", stats.Select(s => s.ToString()))}");
                    }
                }

                tables.AppendLine();
            }
        }

        report.AppendLine("### Summary: worst case over every family and N");
        report.AppendLine();
        report.AppendLine("| function | float Fast | float Accurate | double Fast | double Accurate |");
        report.AppendLine("|---|---|---|---|---|");
        for (int f = 0; f < Functions; f++)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {Names[f]} | {worst[0, 0, f]} | {worst[0, 1, f]} | {worst[1, 0, f]} | {worst[1, 1, f]} |");
        }

        report.AppendLine();
        var misses = new List<string>();
        for (int l = 0; l < 2; l++)
        {
            for (int f = 0; f < Functions - 1; f++)
            {
                if (worst[l, 1, f].Strict > Bound || worst[l, 1, f].NonFinite > 0)
                {
                    misses.Add($"{(l == 0 ? "float" : "double")} {Names[f]} ({worst[l, 1, f].Strict:0.00})");
                }
            }
        }

        report.AppendLine(misses.Count == 0
            ? "Accurate: every function within 4 ULP (or the absolute allowance near 0) on every family and N."
            : "Accurate: above 4 ULP outside the allowance: " + string.Join(", ", misses) + ".");
        report.AppendLine();
        report.Append(tables);
        report.AppendLine(CultureInfo.InvariantCulture, $"({(DateTime.UtcNow - started).TotalSeconds:0} s)");
        Console.WriteLine(report);
        if (outFile is not null)
        {
            File.WriteAllText(outFile, report.ToString());
        }

        return 0;
    }

    /// <summary>
    /// The reference against independent computations: log1p(exp(a) - 1) = a on both branches of Log1P (to 1e-29
    /// absolute: exp(a) - 1 cancels), and the
    /// softmax of a double row against <see cref="ExactReference.Double"/>, a float row against <see cref="ExactReference.Single"/>.
    /// </summary>
    private static void SelfCheck()
    {
        foreach (double a in new[] { 1e-12, 3e-7, 0.25, 1, 7.5, 13.8 })
        {
            DoubleDouble r = DoubleDouble.Exp(a) - DoubleDouble.One;
            DoubleDouble error = DoubleDouble.Log1P(r) - a;
            if (Math.Abs(error.Hi) > 1e-29 * Math.Max(a, 1))
            {
                throw new InvalidOperationException($"Log1P(exp({a}) - 1) is off by {error.Hi:E2}");
            }
        }

        var random = new Random(5);
        double[] row = Row(random, 300, r => (r.NextDouble() * 160) - 80);
        (double Hi, double Lo)[] expected = ExactReference.Double(row);
        LayerReference reference = LayerReference.Of(Array.ConvertAll(row, v => (DoubleDouble)v), fixedPointExp: true);
        float[] singleRow = Array.ConvertAll(row, v => (float)v);
        double[] singleExpected = ExactReference.Single(singleRow);
        LayerReference singleReference = LayerReference.Of(Array.ConvertAll(singleRow, v => (DoubleDouble)v), fixedPointExp: false);
        for (int i = 0; i < row.Length; i++)
        {
            DoubleDouble difference = reference.Probability(i) - new DoubleDouble(expected[i].Hi, expected[i].Lo);
            double singleDifference = singleReference.Probability(i).Hi - singleExpected[i];
            if (Math.Abs(difference.Hi) > 1e-28 * expected[i].Hi || Math.Abs(singleDifference) > 1e-14 * singleExpected[i])
            {
                throw new InvalidOperationException($"The layer reference's softmax disagrees with ExactReference at {i}");
            }
        }
    }

    private static string CpuName()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "?" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static double[] Row(Random random, int n, Func<Random, double> sample)
    {
        var row = new double[n];
        for (int i = 0; i < n; i++)
        {
            row[i] = sample(random);
        }

        return row;
    }

    /// <summary>Every function on <paramref name="rows"/> rows of one family and length; one <see cref="Stats"/> per function.</summary>
    private static Stats[] Case<T>(int rows, int n, Func<T[]> next, Random random, LayerKernels<T> kernels, T temperature, bool single)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var stats = new Stats[Functions];
        for (int f = 0; f < Functions; f++)
        {
            stats[f] = new Stats();
        }

        double u = single ? 1.1920928955078125E-07 : 2.220446049250313E-16;
        double minNormal = single ? 1.1754943508222875E-38 : 2.2250738585072014E-308;
        var y = new T[n];
        var g = new T[n];
        var p = new T[n];
        var dy = new T[n];
        for (int row = 0; row < rows; row++)
        {
            T[] x = next();
            LayerReference reference = LayerReference.Of(Array.ConvertAll(x, v => (DoubleDouble)double.CreateTruncating(v)), fixedPointExp: !single);
            double rowMax = Math.Abs(reference.Max.Hi);
            double allowance = u * Math.Max(1, rowMax);

            // Half the rows take the label of the largest logit (a confident, correct prediction: the loss near 0), the
            // others a random one.
            int label = row % 2 == 0 ? reference.ArgMax : random.Next(n);

            kernels.Softmax(x, y);
            for (int i = 0; i < n; i++)
            {
                DoubleDouble exact = reference.Probability(i);
                p[i] = T.CreateTruncating(exact.Hi);
                if (exact.Hi >= minNormal)
                {
                    stats[0].Add(double.CreateTruncating(y[i]), exact, Ulp<T>(exact), 0);
                }
            }

            kernels.LogSoftmax(x, y);
            for (int i = 0; i < n; i++)
            {
                DoubleDouble exact = reference.LogSoftmax(i);
                stats[1].Add(double.CreateTruncating(y[i]), exact, Ulp<T>(exact), allowance);
            }

            DoubleDouble logSumExp = reference.LogSumExp;
            stats[2].Add(double.CreateTruncating(kernels.LogSumExp(x)), logSumExp, Ulp<T>(logSumExp), allowance);

            DoubleDouble loss = reference.CrossEntropy(label);
            stats[3].Add(double.CreateTruncating(kernels.CrossEntropy(x, label)), loss, Ulp<T>(loss), allowance);
            stats[3].Add(double.CreateTruncating(kernels.CrossEntropyGradient(x, label, g)), loss, Ulp<T>(loss), allowance);
            for (int i = 0; i < n; i++)
            {
                DoubleDouble probability = reference.Probability(i);
                double target = i == label ? 1 : 0;
                double scale = Math.Max(probability.Hi, target);
                if (scale >= minNormal)
                {
                    stats[4].Add(double.CreateTruncating(g[i]), probability - target, Ulp<T>(scale), 0);
                }
            }

            // Backward: the row's softmax (rounded) as y, random dy in [-1, 1]. The error scale is that of a dot product:
            // y_i max(|dy_i|, Σ |dy_j y_j|).
            DoubleDouble dot = DoubleDouble.Zero;
            double absoluteDot = 0;
            for (int i = 0; i < n; i++)
            {
                dy[i] = T.CreateTruncating((random.NextDouble() * 2) - 1);
                DoubleDouble product = DoubleDouble.Product(double.CreateTruncating(dy[i]), double.CreateTruncating(p[i]));
                dot += product;
                absoluteDot += Math.Abs(product.Hi);
            }

            kernels.Backward(p, dy, g);
            for (int i = 0; i < n; i++)
            {
                double yi = double.CreateTruncating(p[i]), dyi = double.CreateTruncating(dy[i]);
                DoubleDouble exact = ((DoubleDouble)dyi - dot) * yi;
                double scale = yi * Math.Max(Math.Abs(dyi), absoluteDot);
                if (scale >= minNormal)
                {
                    stats[5].Add(double.CreateTruncating(g[i]), exact, Ulp<T>(scale), 0);
                }
            }

            // Temperature, s = 1 / temperature rounded to T as the kernels take it: against the softmax of the products
            // x_i * s rounded to T (the documented computation: "the input is multiplied by 1 / temperature"), and
            // against the softmax of the exact products (what the rounding of the products costs, ~|x s - max s| 2^-24).
            T inverse = T.One / temperature;
            LayerReference rounded = LayerReference.Of(Array.ConvertAll(x, v => (DoubleDouble)double.CreateTruncating(v * inverse)), fixedPointExp: !single);
            LayerReference scaled = LayerReference.Of(Array.ConvertAll(x, v => DoubleDouble.Product(double.CreateTruncating(v), double.CreateTruncating(inverse))), fixedPointExp: !single);
            kernels.Temperature(x, y, temperature);
            for (int i = 0; i < n; i++)
            {
                DoubleDouble exact = rounded.Probability(i);
                if (exact.Hi >= minNormal)
                {
                    stats[6].Add(double.CreateTruncating(y[i]), exact, Ulp<T>(exact), 0);
                }

                exact = scaled.Probability(i);
                if (exact.Hi >= minNormal)
                {
                    stats[7].Add(double.CreateTruncating(y[i]), exact, Ulp<T>(exact), 0);
                }
            }
        }

        return stats;
    }

    /// <summary>The ULP of the exact value rounded to T (subnormal ULPs below the normal range).</summary>
    private static double Ulp<T>(DoubleDouble exact)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T rounded = T.Abs(T.CreateTruncating(exact.Hi));
        return double.CreateTruncating(T.BitIncrement(rounded) - rounded);
    }

    private static LayerKernels<float> SingleKernels(int n, bool accurate) => (n, accurate) switch
    {
        (10, false) => new(K10.Softmax, K10.LogSoftmax, K10.LogSumExp, K10.SoftmaxCrossEntropy, K10.SoftmaxCrossEntropy, K10.SoftmaxBackward, K10.Softmax),
        (10, true) => new(K10.Accurate, K10.LogAccurate, K10.AccurateLogSumExp, K10.AccurateCrossEntropy, K10.AccurateCrossEntropy, K10.AccurateBackward, K10.Accurate),
        (100, false) => new(K100.Softmax, K100.LogSoftmax, K100.LogSumExp, K100.SoftmaxCrossEntropy, K100.SoftmaxCrossEntropy, K100.SoftmaxBackward, K100.Softmax),
        (100, true) => new(K100.Accurate, K100.LogAccurate, K100.AccurateLogSumExp, K100.AccurateCrossEntropy, K100.AccurateCrossEntropy, K100.AccurateBackward, K100.Accurate),
        (1000, false) => new(K1000.Softmax, K1000.LogSoftmax, K1000.LogSumExp, K1000.SoftmaxCrossEntropy, K1000.SoftmaxCrossEntropy, K1000.SoftmaxBackward, K1000.Softmax),
        (1000, true) => new(K1000.Accurate, K1000.LogAccurate, K1000.AccurateLogSumExp, K1000.AccurateCrossEntropy, K1000.AccurateCrossEntropy, K1000.AccurateBackward, K1000.Accurate),
        (10000, false) => new(K10000.Softmax, K10000.LogSoftmax, K10000.LogSumExp, K10000.SoftmaxCrossEntropy, K10000.SoftmaxCrossEntropy, K10000.SoftmaxBackward, K10000.Softmax),
        (10000, true) => new(K10000.Accurate, K10000.LogAccurate, K10000.AccurateLogSumExp, K10000.AccurateCrossEntropy, K10000.AccurateCrossEntropy, K10000.AccurateBackward, K10000.Accurate),
        (100000, false) => new(K100000.Softmax, K100000.LogSoftmax, K100000.LogSumExp, K100000.SoftmaxCrossEntropy, K100000.SoftmaxCrossEntropy, K100000.SoftmaxBackward, K100000.Softmax),
        (100000, true) => new(K100000.Accurate, K100000.LogAccurate, K100000.AccurateLogSumExp, K100000.AccurateCrossEntropy, K100000.AccurateCrossEntropy, K100000.AccurateBackward, K100000.Accurate),
        (1048576, false) => new(K1048576.Softmax, K1048576.LogSoftmax, K1048576.LogSumExp, K1048576.SoftmaxCrossEntropy, K1048576.SoftmaxCrossEntropy, K1048576.SoftmaxBackward, K1048576.Softmax),
        (1048576, true) => new(K1048576.Accurate, K1048576.LogAccurate, K1048576.AccurateLogSumExp, K1048576.AccurateCrossEntropy, K1048576.AccurateCrossEntropy, K1048576.AccurateBackward, K1048576.Accurate),
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };

    private static LayerKernels<double> DoubleKernels(int n, bool accurate) => (n, accurate) switch
    {
        (10, false) => new(K10.Softmax, K10.LogSoftmax, K10.LogSumExp, K10.SoftmaxCrossEntropy, K10.SoftmaxCrossEntropy, K10.SoftmaxBackward, K10.Softmax),
        (10, true) => new(K10.Accurate, K10.LogAccurate, K10.AccurateLogSumExp, K10.AccurateCrossEntropy, K10.AccurateCrossEntropy, K10.AccurateBackward, K10.Accurate),
        (100, false) => new(K100.Softmax, K100.LogSoftmax, K100.LogSumExp, K100.SoftmaxCrossEntropy, K100.SoftmaxCrossEntropy, K100.SoftmaxBackward, K100.Softmax),
        (100, true) => new(K100.Accurate, K100.LogAccurate, K100.AccurateLogSumExp, K100.AccurateCrossEntropy, K100.AccurateCrossEntropy, K100.AccurateBackward, K100.Accurate),
        (1000, false) => new(K1000.Softmax, K1000.LogSoftmax, K1000.LogSumExp, K1000.SoftmaxCrossEntropy, K1000.SoftmaxCrossEntropy, K1000.SoftmaxBackward, K1000.Softmax),
        (1000, true) => new(K1000.Accurate, K1000.LogAccurate, K1000.AccurateLogSumExp, K1000.AccurateCrossEntropy, K1000.AccurateCrossEntropy, K1000.AccurateBackward, K1000.Accurate),
        (10000, false) => new(K10000.Softmax, K10000.LogSoftmax, K10000.LogSumExp, K10000.SoftmaxCrossEntropy, K10000.SoftmaxCrossEntropy, K10000.SoftmaxBackward, K10000.Softmax),
        (10000, true) => new(K10000.Accurate, K10000.LogAccurate, K10000.AccurateLogSumExp, K10000.AccurateCrossEntropy, K10000.AccurateCrossEntropy, K10000.AccurateBackward, K10000.Accurate),
        (100000, false) => new(K100000.Softmax, K100000.LogSoftmax, K100000.LogSumExp, K100000.SoftmaxCrossEntropy, K100000.SoftmaxCrossEntropy, K100000.SoftmaxBackward, K100000.Softmax),
        (100000, true) => new(K100000.Accurate, K100000.LogAccurate, K100000.AccurateLogSumExp, K100000.AccurateCrossEntropy, K100000.AccurateCrossEntropy, K100000.AccurateBackward, K100000.Accurate),
        (1048576, false) => new(K1048576.Softmax, K1048576.LogSoftmax, K1048576.LogSumExp, K1048576.SoftmaxCrossEntropy, K1048576.SoftmaxCrossEntropy, K1048576.SoftmaxBackward, K1048576.Softmax),
        (1048576, true) => new(K1048576.Accurate, K1048576.LogAccurate, K1048576.AccurateLogSumExp, K1048576.AccurateCrossEntropy, K1048576.AccurateCrossEntropy, K1048576.AccurateBackward, K1048576.Accurate),
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };

    /// <summary>Max error in ULP, with the results that needed the absolute allowance counted apart.</summary>
    private sealed class Stats
    {
        private double _max;
        private long _count;
        private long _allowance;

        /// <summary>Max ULP over the results not within the absolute allowance.</summary>
        public double Strict { get; private set; }

        public long NonFinite { get; private set; }

        public void Add(double output, DoubleDouble exact, double ulp, double allowance)
        {
            if (!double.IsFinite(output))
            {
                NonFinite++;
                return;
            }

            double error = Math.Abs((output - exact.Hi) - exact.Lo);
            double ulps = error / ulp;
            _count++;
            _max = Math.Max(_max, ulps);
            if (error > allowance)
            {
                Strict = Math.Max(Strict, ulps);
            }
            else if (ulps > Bound)
            {
                _allowance++;
            }
        }

        public void Merge(Stats other)
        {
            _max = Math.Max(_max, other._max);
            Strict = Math.Max(Strict, other.Strict);
            _count += other._count;
            _allowance += other._allowance;
            NonFinite += other.NonFinite;
        }

        public override string ToString() =>
            // Beyond 2^24 ULP the exact value is tiny and the result 0 or near it (covered by the allowance): the
            // order of magnitude is all that means anything there.
            (_count == 0 ? "n/a" : _max.ToString(_max >= 16777216 ? "0.0e0" : "0.00", CultureInfo.InvariantCulture))
            + (_allowance > 0 ? string.Create(CultureInfo.InvariantCulture, $" [{_allowance} abs; {Strict:0.00}]") : string.Empty)
            + (NonFinite > 0 ? $" ({NonFinite} NaN)" : string.Empty);
    }
}
