using System;
using System.Linq;
using Xunit;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

public sealed class FloatLayerIdentityTests : LayerIdentityTests<float>
{
    protected override bool Single => true;
}

public sealed class DoubleLayerIdentityTests : LayerIdentityTests<double>
{
    protected override bool Single => false;
}

/// <summary>
/// What must hold bit for bit: in place (the <c>values</c> overloads, output in the input's memory, the label
/// overloads' gradient in the logits' memory) as out of place; the Rows variants as one call per row (cross-entropy:
/// the mean loss of the rows and the gradient of the mean, against the exact references); and the public methods as
/// the kernel of the width their dispatcher reports. Rows of every ULP distribution plus special rows (+inf, NaN, a row
/// of -inf, masked entries, logits beyond the shift limit).
/// </summary>
public abstract class LayerIdentityTests<T>
{
    private const int Rows = 19;

    protected abstract bool Single { get; }

    public static TheoryData<int, bool, string> Paths()
    {
        var data = new TheoryData<int, bool, string>();
        foreach (object[] c in LayerTable.Cases(Lanes.Both))
        {
            data.Add((int)c[0], (bool)c[1], (string)c[2]);
        }

        return data;
    }

    public static TheoryData<int, bool> Kernels()
    {
        var data = new TheoryData<int, bool>();
        foreach (LayerKernel kernel in LayerTable.All)
        {
            data.Add(kernel.Length, kernel.Accurate);
        }

        return data;
    }

    /// <summary>19 rows: the ULP distributions and special rows, in the type.</summary>
    private double[] Batch(int length)
    {
        var batch = new double[Rows * length];
        for (int r = 0; r < Rows; r++)
        {
            LayerCase c = LayerCase.Create(LayerCase.Distributions[r % LayerCase.Distributions.Length], length, Single, r % 3);
            c.Logits.CopyTo(batch, r * length);
        }

        batch[(3 * length) + (length / 2)] = double.PositiveInfinity;
        batch[(5 * length) + length - 1] = double.NegativeInfinity;
        batch[(9 * length) + (length / 3)] = double.NaN;
        Array.Fill(batch, double.NegativeInfinity, 12 * length, length);
        for (int i = 14 * length; i < 15 * length; i++)
        {
            batch[i] = 3e4 + (i % 7);
        }

        return batch;
    }

    private int[] Labels(int length) => Enumerable.Range(0, Rows).Select(r => (r * 7) % length).ToArray();

    /// <summary>Soft targets per row (label smoothing), 0 where the logit is -inf.</summary>
    private double[] Targets(double[] batch, int length, int[] labels)
    {
        var targets = new double[batch.Length];
        for (int r = 0; r < batch.Length / length; r++)
        {
            int live = Enumerable.Range(r * length, length).Count(i => !double.IsNegativeInfinity(batch[i]));
            for (int i = 0; i < length; i++)
            {
                targets[(r * length) + i] = double.IsNegativeInfinity(batch[(r * length) + i]) ? 0 : 0.1 / Math.Max(live, 1);
            }

            targets[(r * length) + labels[r]] += 0.9;
        }

        return Single ? Array.ConvertAll(targets, v => (double)(float)v) : targets;
    }

    private LayerLane<T>? Lane(LayerKernel kernel)
    {
        LayerLane<T> lane = Single ? (LayerLane<T>)(object)kernel.Single : (LayerLane<T>)(object)kernel.Double;
        return lane.OnPath ? lane : null;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void In_place_gives_the_bits_of_out_of_place(int length, bool accurate, string path)
    {
        if (Lane(LayerTable.Get(length, accurate, path)) is not { } lane)
        {
            return;
        }

        T[] batch = Num<T>.Array(Batch(length));
        T temperature = Num<T>.From(0.7);
        for (int r = 0; r < Rows; r++)
        {
            T[] x = batch.AsSpan(r * length, length).ToArray();
            string row = $"row {r} [{string.Join(", ", x.Take(8))}{(length > 8 ? ", ..." : string.Empty)}]";

            var expected = new T[length];
            lane.LogSoftmax(x, expected);
            T[] values = (T[])x.Clone();
            lane.LogSoftmaxInPlace(values);
            Same(expected, values, $"LogSoftmax(values), {row}");
            values = (T[])x.Clone();
            lane.LogSoftmax(values, values);
            Same(expected, values, $"LogSoftmax(input, output = input), {row}");

            lane.Temperature(x, expected, temperature);
            values = (T[])x.Clone();
            lane.TemperatureInPlace(values, temperature);
            Same(expected, values, $"Temperature(values, 0.7), {row}");
            values = (T[])x.Clone();
            lane.Temperature(values, values, temperature);
            Same(expected, values, $"Temperature(input, output = input, 0.7), {row}");

            lane.Softmax(x, expected);
            values = (T[])x.Clone();
            lane.SoftmaxInPlace(values);
            Same(expected, values, $"Softmax(values), {row}");

            int label = (r * 7) % length;
            T loss = lane.CrossEntropyGradient(x, label, expected);
            values = (T[])x.Clone();
            T sharedLoss = lane.CrossEntropyGradient(values, label, values);
            Same(expected, values, $"CrossEntropy(logits, {label}, gradient = logits), {row}");
            Same(new[] { loss }, new[] { sharedLoss }, $"CrossEntropy(logits, {label}, gradient = logits): the loss, {row}");

            // The backward pass may write over either input.
            T[] y = (T[])expected.Clone();
            lane.Softmax(x, y);
            T[] dy = Num<T>.Array(Enumerable.Range(0, length).Select(i => Math.Sin(i + r)).ToArray());
            lane.Backward(y, dy, expected);
            values = (T[])y.Clone();
            lane.Backward(values, dy, values);
            Same(expected, values, $"Backward(y, dy, inputGradient = y), {row}");
            values = (T[])dy.Clone();
            lane.Backward(y, values, values);
            Same(expected, values, $"Backward(y, dy, inputGradient = dy), {row}");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Rows_give_the_bits_of_one_call_per_row(int length, bool accurate, string path)
    {
        if (Lane(LayerTable.Get(length, accurate, path)) is not { } lane)
        {
            return;
        }

        T[] batch = Num<T>.Array(Batch(length));
        T temperature = Num<T>.From(2.5);
        var rows = new T[batch.Length];
        var row = new T[length];

        lane.LogSoftmaxRows(batch, rows);
        PerRow((x, o) => lane.LogSoftmax(x, o), "LogSoftmaxRows");
        lane.SoftmaxRows(batch, rows);
        PerRow((x, o) => lane.Softmax(x, o), "SoftmaxRows");
        lane.TemperatureRows(batch, rows, temperature);
        PerRow((x, o) => lane.Temperature(x, o, temperature), "SoftmaxRows(temperature 2.5)");

        // In place over the whole batch.
        T[] copy = (T[])batch.Clone();
        lane.LogSoftmaxRows(copy, copy);
        lane.LogSoftmaxRows(batch, rows);
        Same(rows, copy, "LogSoftmaxRows(input, output = input)");
        copy = (T[])batch.Clone();
        lane.TemperatureRows(copy, copy, temperature);
        lane.TemperatureRows(batch, rows, temperature);
        Same(rows, copy, "SoftmaxRows(input, output = input, 2.5)");

        var results = new T[Rows];
        lane.LogSumExpRows(batch, results);
        for (int r = 0; r < Rows; r++)
        {
            Same(new[] { lane.LogSumExp(batch.AsSpan(r * length, length)) }, new[] { results[r] }, $"LogSumExpRows: row {r}");
        }

        T[] y = new T[batch.Length];
        lane.SoftmaxRows(batch, y);
        T[] dy = Num<T>.Array(Enumerable.Range(0, batch.Length).Select(i => Math.Cos(i * 0.37) * 3).ToArray());
        lane.BackwardRows(y, dy, rows);
        for (int r = 0; r < Rows; r++)
        {
            lane.Backward(y.AsSpan(r * length, length), dy.AsSpan(r * length, length), row);
            Same(row, rows.AsSpan(r * length, length).ToArray(), $"BackwardRows: row {r}");
        }

        void PerRow(Action<T[], T[]> single, string what)
        {
            for (int r = 0; r < Rows; r++)
            {
                single(batch.AsSpan(r * length, length).ToArray(), row);
                Same(row, rows.AsSpan(r * length, length).ToArray(), $"{what}: row {r}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void CrossEntropy_rows_give_the_mean_loss_and_its_gradient(int length, bool accurate, string path)
    {
        LayerKernel kernel = LayerTable.Get(length, accurate, path);
        if (Lane(kernel) is not { } lane)
        {
            return;
        }

        // The finite rows of the batch (a special row makes the mean special; tested below).
        double[] all = Batch(length);
        int[] finiteRows = Enumerable.Range(0, Rows).Where(r => all.Skip(r * length).Take(length).All(v => !double.IsNaN(v) && !double.IsPositiveInfinity(v)) && all.Skip(r * length).Take(length).Any(double.IsFinite)).ToArray();
        double[] batch = finiteRows.SelectMany(r => all.Skip(r * length).Take(length)).ToArray();
        int rows = finiteRows.Length;
        int[] labels = finiteRows.Select(r => Labels(length)[r]).ToArray();
        for (int r = 0; r < rows; r++)
        {
            // A label at -inf has an infinite loss: move it to the row's maximum.
            if (double.IsNegativeInfinity(batch[(r * length) + labels[r]]))
            {
                labels[r] = Enumerable.Range(0, length).MaxBy(i => batch[(r * length) + i]);
            }
        }

        double[] targets = Targets(batch, length, labels);
        T[] x = Num<T>.Array(batch);
        T[] t = Num<T>.Array(targets);
        ExactRow[] exactRows = finiteRows.Select(r => ExactRow.Of(all.AsSpan(r * length, length).ToArray())).ToArray();
        BigFloat[] targetSums = Enumerable.Range(0, rows).Select(r => ExactRow.SumOf(targets.AsSpan(r * length, length))).ToArray();
        double rowMax = Math.Max(1, exactRows.Max(e => Math.Abs(e.Max)));
        // The mean of the exact losses; the loss of the mean is checked like a single row's, plus one ULP per row for
        // the summation; the gradient of the mean like a single row's gradient divided by the rows.
        BigFloat meanLabel = Mean(Enumerable.Range(0, rows).Select(r => exactRows[r].CrossEntropy(labels[r]).Value));
        BigFloat meanTargets = Mean(Enumerable.Range(0, rows).Select(r => exactRows[r].CrossEntropy(targets.AsSpan(r * length, length)).Value));
        ErrorCheck loss = LayerUlpTests.CheckFor("CrossEntropy(label)", Single, accurate, extraUlp: rows);
        ErrorCheck gradient = LayerUlpTests.CheckFor("CrossEntropy(label, gradient).gradient", Single, accurate);
        ErrorCheck softLoss = LayerUlpTests.CheckFor("CrossEntropy(targets)", Single, accurate, extraUlp: rows);
        ErrorCheck softGradient = LayerUlpTests.CheckFor("CrossEntropy(targets, gradient).gradient", Single, accurate);

        var g = new T[x.Length];
        loss.Add(Num<T>.ToDouble(lane.CrossEntropyRows(x, labels)), Exact.Of(meanLabel), rowMax, () => "CrossEntropyRows(logits, labels)");
        loss.Add(Num<T>.ToDouble(lane.CrossEntropyRowsGradient(x, labels, g)), Exact.Of(meanLabel), rowMax, () => "CrossEntropyRows(logits, labels, gradient)");
        for (int i = 0; i < x.Length; i++)
        {
            int r = i / length;
            Exact expected = exactRows[r].Gradient(i % length, BigFloat.One, i % length == labels[r] ? 1 : 0);
            gradient.Add(Num<T>.ToDouble(g[i]), Exact.Of(expected.Value / rows), rowMax / rows, () => $"CrossEntropyRows(logits, labels, gradient): row {r}, element {i % length}");
        }

        softLoss.Add(Num<T>.ToDouble(lane.SoftCrossEntropyRows(x, t)), Exact.Of(meanTargets), rowMax, () => "CrossEntropyRows(logits, targets)");
        softLoss.Add(Num<T>.ToDouble(lane.SoftCrossEntropyRowsGradient(x, t, g)), Exact.Of(meanTargets), rowMax, () => "CrossEntropyRows(logits, targets, gradient)");
        for (int i = 0; i < x.Length; i++)
        {
            int r = i / length;
            Exact expected = exactRows[r].Gradient(i % length, targetSums[r], targets[i]);
            softGradient.Add(Num<T>.ToDouble(g[i]), Exact.Of(expected.Value / rows), rowMax / rows, () => $"CrossEntropyRows(logits, targets, gradient): row {r}, element {i % length}");
        }

        string prefix = $"{(Single ? "float" : "double")} {kernel} ({rows} rows)";
        string[] failures = new[] { loss, gradient, softLoss, softGradient }.Where(c => c.Failures > 0).Select(c => c.Summary(prefix)).ToArray();
        Assert.True(failures.Length == 0, string.Join(Environment.NewLine, failures));

        // The gradient in the logits' memory (label overload): the same bits.
        var expectedGradient = new T[x.Length];
        T expectedLoss = lane.CrossEntropyRowsGradient(x, labels, expectedGradient);
        T[] shared = (T[])x.Clone();
        T sharedLoss = lane.CrossEntropyRowsGradient(shared, labels, shared);
        Same(expectedGradient, shared, "CrossEntropyRows(logits, labels, gradient = logits)");
        Same(new[] { expectedLoss }, new[] { sharedLoss }, "CrossEntropyRows(logits, labels, gradient = logits): the loss");

        // One row: the bits of the single-row methods.
        T[] first = x.AsSpan(0, length).ToArray();
        var rowGradient = new T[length];
        var singleGradient = new T[length];
        Same(new[] { lane.CrossEntropy(first, labels[0]) }, new[] { lane.CrossEntropyRows(first, labels.AsSpan(0, 1)) }, "CrossEntropyRows of one row: loss");
        Same(new[] { lane.CrossEntropyGradient(first, labels[0], singleGradient) }, new[] { lane.CrossEntropyRowsGradient(first, labels.AsSpan(0, 1), rowGradient) }, "CrossEntropyRows of one row (gradient overload): loss");
        Same(singleGradient, rowGradient, "CrossEntropyRows of one row: gradient");
        T[] firstTargets = t.AsSpan(0, length).ToArray();
        Same(new[] { lane.SoftCrossEntropyGradient(first, firstTargets, singleGradient) }, new[] { lane.SoftCrossEntropyRowsGradient(first, firstTargets, rowGradient) }, "CrossEntropyRows(targets) of one row: loss");
        Same(singleGradient, rowGradient, "CrossEntropyRows(targets) of one row: gradient");

        // A NaN row makes the mean NaN; a label at -inf makes it +inf.
        T[] withNaN = (T[])x.Clone();
        withNaN[length / 2] = Num<T>.From(double.NaN);
        Assert.True(double.IsNaN(Num<T>.ToDouble(lane.CrossEntropyRows(withNaN, labels))), "CrossEntropyRows with a NaN logit: not NaN");
        // (At N = 1 that row is all -inf: NaN.)
        T[] masked = (T[])x.Clone();
        masked[labels[0]] = Num<T>.From(double.NegativeInfinity);
        double maskedLoss = Num<T>.ToDouble(lane.CrossEntropyRows(masked, labels));
        Assert.True(length == 1 ? double.IsNaN(maskedLoss) : double.IsPositiveInfinity(maskedLoss), $"CrossEntropyRows with a label at -inf: {maskedLoss}");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Public_methods_give_the_bits_of_the_width_their_dispatcher_selects(int length, bool accurate)
    {
        LayerKernel kernel = LayerTable.Get(length, accurate);
        int selected = Single ? kernel.SingleSelected() : kernel.DoubleSelected();
        LayerLane<T> dispatch = Single ? (LayerLane<T>)(object)kernel.Single : (LayerLane<T>)(object)kernel.Double;
        LayerKernel direct = kernel.At(KernelTable.PathOf(selected));
        LayerLane<T> hook = Single ? (LayerLane<T>)(object)direct.Single : (LayerLane<T>)(object)direct.Double;
        Assert.True(hook.OnPath, $"{kernel}: the selected width {selected} has no kernel");

        T[] batch = Num<T>.Array(Batch(length));
        int[] labels = Labels(length);
        T[] targets = Num<T>.Array(Targets(Batch(length), length, labels));
        T temperature = Num<T>.From(0.7);
        var a = new T[batch.Length + 1];
        var b = new T[batch.Length + 1];
        int all = batch.Length;
        string name = $"{kernel} ({KernelTable.PathOf(selected)})";

        Compare((l, o) => l.LogSoftmaxRows(batch, o.AsSpan(0, all)), "LogSoftmaxRows");
        Compare((l, o) => l.SoftmaxRows(batch, o.AsSpan(0, all)), "SoftmaxRows");
        Compare((l, o) => l.TemperatureRows(batch, o.AsSpan(0, all), temperature), "SoftmaxRows(temperature)");
        Compare((l, o) => l.LogSumExpRows(batch, o.AsSpan(0, Rows)), "LogSumExpRows");
        Compare((l, o) => o[all] = l.CrossEntropyRowsGradient(batch, labels, o.AsSpan(0, all)), "CrossEntropyRows(labels, gradient)");
        Compare((l, o) => o[all] = l.SoftCrossEntropyRowsGradient(batch, targets, o.AsSpan(0, all)), "CrossEntropyRows(targets, gradient)");
        Compare((l, o) => o[0] = l.CrossEntropyRows(batch, labels), "CrossEntropyRows(labels)");
        Compare((l, o) => o[0] = l.SoftCrossEntropyRows(batch, targets), "CrossEntropyRows(targets)");
        for (int r = 0; r < Rows; r++)
        {
            T[] x = batch.AsSpan(r * length, length).ToArray();
            T[] tr = targets.AsSpan(r * length, length).ToArray();
            Compare((l, o) => l.LogSoftmax(x, o.AsSpan(0, length)), $"LogSoftmax row {r}");
            Compare((l, o) => l.Temperature(x, o.AsSpan(0, length), temperature), $"Softmax(temperature) row {r}");
            Compare((l, o) => o[0] = l.LogSumExp(x), $"LogSumExp row {r}");
            Compare((l, o) => o[length] = l.CrossEntropyGradient(x, labels[r], o.AsSpan(0, length)), $"CrossEntropy(label, gradient) row {r}");
            Compare((l, o) => o[0] = l.CrossEntropy(x, labels[r]), $"CrossEntropy(label) row {r}");
            Compare((l, o) => o[length] = l.SoftCrossEntropyGradient(x, tr, o.AsSpan(0, length)), $"CrossEntropy(targets, gradient) row {r}");
            Compare((l, o) => o[0] = l.SoftCrossEntropy(x, tr), $"CrossEntropy(targets) row {r}");
        }

        T[] y = new T[batch.Length];
        dispatch.SoftmaxRows(batch, y);
        T[] dy = Num<T>.Array(Enumerable.Range(0, batch.Length).Select(i => Math.Cos(i * 0.37) * 3).ToArray());
        Compare((l, o) => l.BackwardRows(y, dy, o.AsSpan(0, all)), "BackwardRows");
        Compare((l, o) => l.Backward(y.AsSpan(0, length), dy.AsSpan(0, length), o.AsSpan(0, length)), "Backward");

        void Compare(Action<LayerLane<T>, T[]> call, string what)
        {
            Array.Clear(a);
            Array.Clear(b);
            call(dispatch, a);
            call(hook, b);
            Same(b, a, $"{name} {what}: the public method against the selected width's kernel");
        }
    }

    private static BigFloat Mean(System.Collections.Generic.IEnumerable<BigFloat> values)
    {
        BigFloat sum = BigFloat.Zero;
        int count = 0;
        foreach (BigFloat v in values)
        {
            sum += v;
            count++;
        }

        return sum / BigFloat.FromInt(count);
    }

    private static void Same(T[] expected, T[] actual, string what) => LayerSpecialValueTests<T>.AssertSameBits(expected, actual, what);
}
