using System;
using System.Linq;
using System.Numerics;
using SoftmaxGenerators.Accuracy;
using Xunit;
using Xunit.Abstractions;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// Two layer functions at run-time lengths (KRuntimeLayer: LogSoftmax and SoftmaxCrossEntropy with a label, Fast), on
/// every path, for lengths around each width's vectors: against references from the exact softmax, within 8 ULP
/// (the Fast bound) or an absolute error of 2^-23 (float) / 2^-52 (double) times max(1, |row max|) near 0, as the
/// layer functions are specified; in place, Rows with a rowLength and the hooks' refusal of short rows as for softmax.
/// </summary>
public class RuntimeLayerTests(ITestOutputHelper output)
{
    private const double Bound = 8;

    private static readonly int[] Lengths = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 257, 1000, 4097 };

    public static TheoryData<bool, string> Cases()
    {
        var data = new TheoryData<bool, string>();
        foreach (bool single in new[] { true, false })
        {
            foreach (string path in RuntimeTable.Paths(single))
            {
                data.Add(single, path);
            }
        }

        return data;
    }

    /// <summary>The layer functions of one element type on one path.</summary>
    private sealed class Layer<T>
    {
        public required string Path { get; init; }

        public required int MinLength { get; init; }

        public required RuntimeRow<T> LogSoftmax { get; init; }

        public required RuntimeInPlace<T> LogSoftmaxInPlace { get; init; }

        public required RuntimeRows<T> LogSoftmaxRows { get; init; }

        public required Func<T[], int, T> CrossEntropy { get; init; }

        public required Func<T[], int, T[], T> CrossEntropyGradient { get; init; }

        public required Func<T[], int[], T[], int, T> CrossEntropyRows { get; init; }
    }

    private static Layer<float> Single(string path)
    {
        bool dispatch = path == KernelTable.Dispatch;
        int w = dispatch ? -1 : KernelTable.Bits(path);
        return new()
        {
            Path = path,
            MinLength = dispatch ? 1 : RuntimeTable.LayerMinLength(w, single: true),
            LogSoftmax = dispatch ? KRuntimeLayer.LogSoftmax : (x, y) => KRuntimeLayer.__SoftmaxWidths.LogSoftmax(w, x, y),
            LogSoftmaxInPlace = dispatch ? KRuntimeLayer.LogSoftmax : v => KRuntimeLayer.__SoftmaxWidths.LogSoftmax(w, v),
            LogSoftmaxRows = dispatch ? KRuntimeLayer.LogSoftmaxRows : (x, y, n) => KRuntimeLayer.__SoftmaxWidths.LogSoftmaxRows(w, x, y, n),
            CrossEntropy = dispatch ? (x, l) => KRuntimeLayer.SoftmaxCrossEntropy(x, l) : (x, l) => KRuntimeLayer.__SoftmaxWidths.SoftmaxCrossEntropy(w, x, l),
            CrossEntropyGradient = dispatch ? (x, l, g) => KRuntimeLayer.SoftmaxCrossEntropy(x, l, g) : (x, l, g) => KRuntimeLayer.__SoftmaxWidths.SoftmaxCrossEntropy(w, x, l, g),
            CrossEntropyRows = dispatch ? (x, l, g, n) => KRuntimeLayer.SoftmaxCrossEntropyRows(x, l, g, n) : (x, l, g, n) => KRuntimeLayer.__SoftmaxWidths.SoftmaxCrossEntropyRows(w, x, l, g, n),
        };
    }

    private static Layer<double> Double(string path)
    {
        bool dispatch = path == KernelTable.Dispatch;
        int w = dispatch ? -1 : KernelTable.Bits(path);
        return new()
        {
            Path = path,
            MinLength = dispatch ? 1 : RuntimeTable.LayerMinLength(w, single: false),
            LogSoftmax = dispatch ? KRuntimeLayer.LogSoftmax : (x, y) => KRuntimeLayer.__SoftmaxWidths.LogSoftmax(w, x, y),
            LogSoftmaxInPlace = dispatch ? KRuntimeLayer.LogSoftmax : v => KRuntimeLayer.__SoftmaxWidths.LogSoftmax(w, v),
            LogSoftmaxRows = dispatch ? KRuntimeLayer.LogSoftmaxRows : (x, y, n) => KRuntimeLayer.__SoftmaxWidths.LogSoftmaxRows(w, x, y, n),
            CrossEntropy = dispatch ? (x, l) => KRuntimeLayer.SoftmaxCrossEntropy(x, l) : (x, l) => KRuntimeLayer.__SoftmaxWidths.SoftmaxCrossEntropy(w, x, l),
            CrossEntropyGradient = dispatch ? (x, l, g) => KRuntimeLayer.SoftmaxCrossEntropy(x, l, g) : (x, l, g) => KRuntimeLayer.__SoftmaxWidths.SoftmaxCrossEntropy(w, x, l, g),
            CrossEntropyRows = dispatch ? (x, l, g, n) => KRuntimeLayer.SoftmaxCrossEntropyRows(x, l, g, n) : (x, l, g, n) => KRuntimeLayer.__SoftmaxWidths.SoftmaxCrossEntropyRows(w, x, l, g, n),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogSoftmax_and_cross_entropy_work_at_run_time_lengths(bool single, string path)
    {
        if (single)
        {
            Run(Single(path));
        }
        else
        {
            Run(Double(path));
        }
    }

    private void Run<T>(Layer<T> layer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        string name = $"{(single ? "float" : "double")} Fast {layer.Path} layer";
        var record = new UlpRecord(name, single);
        double worstLog = 0, worstLoss = 0, worstGradient = 0, gradientUlp = 0;
        foreach (int n in Lengths)
        {
            if (n < layer.MinLength)
            {
                Refused(record, layer, n);
                continue;
            }

            const int rows = 3;
            double[] values = Enumerable.Range(0, rows).SelectMany(r => Inputs.Create(r == 1 ? "uniform10" : "normal30", n, single, seed: 20 + r)).ToArray();
            T[] input = RuntimeReference.As<T>(values);
            int[] labels = { 0, n / 2, n - 1 };
            var batchLog = new T[rows * n];
            var batchGradient = new T[rows * n];
            T meanLoss = T.Zero;
            if (!RuntimeChecks.Try(record, $"N={n} LogSoftmaxRows", () => layer.LogSoftmaxRows(input, batchLog, n))
                || !RuntimeChecks.Try(record, $"N={n} SoftmaxCrossEntropyRows", () => meanLoss = layer.CrossEntropyRows(input, labels, batchGradient, n)))
            {
                continue;
            }

            double expectedMean = 0;
            for (int r = 0; r < rows; r++)
            {
                T[] x = input.AsSpan(r * n, n).ToArray();
                double[] row = Array.ConvertAll(x, double.CreateTruncating);
                double scale = Math.Max(1, Math.Abs(row.Max()));
                double[] exactLog = ExactLogSoftmax(row, single);
                string context = $"N={n} row {r} ({(r == 1 ? "uniform10" : "normal30")} seed {20 + r})";

                var log = new T[n];
                layer.LogSoftmax(x, log);
                for (int i = 0; i < n; i++)
                {
                    worstLog = Math.Max(worstLog, Check(record, single, double.CreateTruncating(log[i]), exactLog[i], scale, $"{context} LogSoftmax [{i}]"));
                }

                T[] inPlace = (T[])x.Clone();
                layer.LogSoftmaxInPlace(inPlace);
                RuntimeChecks.BitEqual(record, context + ": LogSoftmax in place vs out of place", log, inPlace);
                RuntimeChecks.BitEqual(record, context + ": LogSoftmaxRows vs a single row", log, batchLog.AsSpan(r * n, n));

                int label = labels[r];
                double exactLoss = -exactLog[label];
                expectedMean += exactLoss / rows;
                worstLoss = Math.Max(worstLoss, Check(record, single, double.CreateTruncating(layer.CrossEntropy(x, label)), exactLoss, scale, $"{context} SoftmaxCrossEntropy(label {label})"));
                var gradient = new T[n];
                double loss = double.CreateTruncating(layer.CrossEntropyGradient(x, label, gradient));
                worstLoss = Math.Max(worstLoss, Check(record, single, loss, exactLoss, scale, $"{context} SoftmaxCrossEntropy(label {label}, gradient) loss"));
                double[] p = ExactSoftmax(row, single);
                for (int i = 0; i < n; i++)
                {
                    double g = p[i] - (i == label ? 1 : 0);
                    worstGradient = Math.Max(worstGradient, Check(record, single, double.CreateTruncating(gradient[i]), g, scale, $"{context} gradient [{i}]"));
                    worstGradient = Math.Max(worstGradient, Check(record, single, double.CreateTruncating(batchGradient[(r * n) + i]), g / rows, scale, $"{context} Rows gradient [{i}]"));
                    if (i != label && g >= (single ? 1.1754943508222875E-38 : 2.2250738585072014E-308))
                    {
                        // Reported, not checked: off the label the gradient is a probability, in ULP as softmax.
                        double unit = single ? MathF.BitIncrement((float)g) - (float)g : Math.BitIncrement(g) - g;
                        gradientUlp = Math.Max(gradientUlp, Math.Abs(double.CreateTruncating(gradient[i]) - g) / unit);
                    }
                }
            }

            worstLoss = Math.Max(worstLoss, Check(record, single, double.CreateTruncating(meanLoss), expectedMean, Math.Max(1, Math.Abs(values.Max())), $"N={n} SoftmaxCrossEntropyRows mean loss"));
        }

        // [20, 300, 5000] with label 0: a loss of 4980, not infinity; log-softmax -4980, -4700, 0 (every path that runs 3).
        if (layer.MinLength <= 3)
        {
            T[] huge = RuntimeReference.As<T>(new double[] { 20, 300, 5000 });
            var log = new T[3];
            layer.LogSoftmax(huge, log);
            Assert.Equal(new[] { -4980d, -4700d, 0d }, log.Select(double.CreateTruncating));
            Assert.Equal(4980d, double.CreateTruncating(layer.CrossEntropy(huge, 0)));
        }

        string summary = $"{name}: max LogSoftmax {worstLog:0.00}, loss {worstLoss:0.00}, gradient {worstGradient:0.00} ULP outside the absolute allowance; gradient off the label {gradientUlp:0.00} ULP";
        output.WriteLine(summary);
        UlpRecord.AppendToReport(summary);

        record.ThrowIfFailed();
    }

    /// <summary>Within <see cref="Bound"/> ULP or 2^-23 / 2^-52 times <paramref name="scale"/>; returns the error in
    /// ULP when it is outside that absolute allowance (0 inside).</summary>
    private static double Check(UlpRecord record, bool single, double actual, double exact, double scale, string context)
    {
        double unit = single ? Math.Abs(MathF.BitIncrement((float)Math.Abs(exact)) - (float)Math.Abs(exact)) : Math.BitIncrement(Math.Abs(exact)) - Math.Abs(exact);
        double error = Math.Abs(actual - exact);
        double allowance = Math.ScaleB(1, single ? -23 : -52) * scale;
        double ulps = error / unit;
        if (!(ulps <= Bound || error <= allowance))
        {
            record.Fail($"{context}: {actual:R}, expected {exact:R} ({ulps:0.00} ULP, absolute {error:E3}, allowance {allowance:E3})");
        }

        return error <= allowance ? 0 : ulps;
    }

    /// <summary>The exact softmax (float: ExactReference.Single; double: the double-double of RuntimeDoubleReference).</summary>
    private static double[] ExactSoftmax(double[] row, bool single) => single
        ? ExactReference.Single(Array.ConvertAll(row, v => (float)v))
        : Array.ConvertAll(RuntimeDoubleReference.Softmax(row), e => e.Hi + e.Lo);

    /// <summary>log softmax from the exact softmax: (x - max) - log Σ exp(x - max) in double-double for float rows (the
    /// sum in double from exact differences), log(hi) + lo / hi of the double-double probability for double rows.</summary>
    private static double[] ExactLogSoftmax(double[] row, bool single)
    {
        if (single)
        {
            double max = row.Max();
            double sum = row.Sum(v => Math.Exp(v - max));
            return row.Select(v => (v - max) - Math.Log(sum)).ToArray();
        }

        return Array.ConvertAll(RuntimeDoubleReference.Softmax(row), e => Math.Log(e.Hi) + (e.Lo / e.Hi));
    }

    private static void Refused<T>(UlpRecord record, Layer<T> layer, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[n];
        foreach ((string form, Action action) in new (string, Action)[]
        {
            ("LogSoftmax", () => layer.LogSoftmax(x, new T[n])),
            ("LogSoftmax in place", () => layer.LogSoftmaxInPlace(new T[n])),
            ("LogSoftmaxRows", () => layer.LogSoftmaxRows(x, new T[n], n)),
            ("SoftmaxCrossEntropy", () => layer.CrossEntropy(x, 0)),
            ("SoftmaxCrossEntropy with gradient", () => layer.CrossEntropyGradient(x, 0, new T[n])),
            ("SoftmaxCrossEntropyRows", () => layer.CrossEntropyRows(x, new[] { 0 }, new T[n], n)),
        })
        {
            try
            {
                action();
                record.Fail($"N={n} {form}: the {layer.Path} hook ran a row shorter than its minimum {layer.MinLength} instead of throwing");
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "width")
            {
            }
            catch (Exception e)
            {
                record.Fail($"N={n} {form}: the {layer.Path} hook threw {e.GetType().Name}, expected ArgumentOutOfRangeException for width");
            }
        }
    }

    [Fact]
    public void Layer_arguments_are_checked_at_run_time_lengths()
    {
        var logits = new float[10];
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => KRuntimeLayer.SoftmaxCrossEntropy(ReadOnlySpan<float>.Empty, 0)).ParamName);
        Assert.Equal("label", Assert.Throws<ArgumentOutOfRangeException>(() => KRuntimeLayer.SoftmaxCrossEntropy(logits, 10)).ParamName);
        Assert.Equal("label", Assert.Throws<ArgumentOutOfRangeException>(() => KRuntimeLayer.SoftmaxCrossEntropy(logits, -1)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => KRuntimeLayer.SoftmaxCrossEntropy(logits, 0, new float[9])).ParamName);
        Assert.Equal("rowLength", Assert.Throws<ArgumentOutOfRangeException>(() => KRuntimeLayer.SoftmaxCrossEntropyRows(logits, new[] { 0 }, 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => KRuntimeLayer.SoftmaxCrossEntropyRows(logits, new[] { 0 }, 5)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => KRuntimeLayer.SoftmaxCrossEntropyRows(logits, new[] { 0, 5 }, 5)).ParamName);
        Assert.Equal("rowLength", Assert.Throws<ArgumentOutOfRangeException>(() => KRuntimeLayer.LogSoftmaxRows(new double[4], new double[4], -2)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => KRuntimeLayer.LogSoftmaxRows(new double[5], new double[5], 2)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => KRuntimeLayer.LogSoftmax(ReadOnlySpan<double>.Empty, Span<double>.Empty)).ParamName);
    }
}
