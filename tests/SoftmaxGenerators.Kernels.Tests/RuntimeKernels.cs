using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using SoftmaxGenerators;
using Xunit;

namespace SoftmaxGenerators.Kernels.Tests;

// Rows whose length is chosen at run time (issue 13): [Softmax] without a length, fast (default) and accurate.
[Softmax]
[Softmax(MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)]
public static partial class KRuntime { }

// Two layer functions at run-time lengths: log-softmax and softmax cross-entropy.
[Softmax(Functions = SoftmaxFunctions.LogSoftmax | SoftmaxFunctions.CrossEntropy)]
public static partial class KRuntimeLayer { }

public delegate void RuntimeRow<T>(ReadOnlySpan<T> input, Span<T> output);

public delegate void RuntimeInPlace<T>(Span<T> values);

public delegate void RuntimeRows<T>(ReadOnlySpan<T> input, Span<T> output, int rowLength);

/// <summary>
/// The run-time-length softmax of one element type and precision on one path: the public methods (path
/// <see cref="KernelTable.Dispatch"/>: the width chosen per call by the row's length) or one width's kernel run
/// directly through the generated hooks, which refuse a row shorter than that width's <see cref="MinLength"/>.
/// </summary>
public sealed class RuntimeKernel<T>
{
    public required bool Accurate { get; init; }

    public required string Path { get; init; }

    public required RuntimeRow<T> Row { get; init; }

    public required RuntimeInPlace<T> InPlace { get; init; }

    public required RuntimeRows<T> Rows { get; init; }

    /// <summary>The shortest row the path runs: 1 for the dispatcher and the scalar kernel.</summary>
    public int MinLength => Path == KernelTable.Dispatch ? 1 : RuntimeTable.MinLength(KernelTable.Bits(Path), typeof(T) == typeof(float));

    /// <summary>The kernel that runs a row of <paramref name="length"/> values on this path, in bits (0: scalar).</summary>
    public int WidthFor(int length) => Path == KernelTable.Dispatch
        ? RuntimeTable.DispatchWidth(length, typeof(T) == typeof(float))
        : KernelTable.Bits(Path);

    public string Name => $"{(typeof(T) == typeof(float) ? "float" : "double")} {(Accurate ? "Accurate" : "Fast")} {Path}";

    public override string ToString() => Name;
}

public static class RuntimeTable
{
    /// <summary>
    /// The shortest row each width's softmax kernel takes (as generated: the dispatchers and the width hooks test
    /// these): float 16 (Vector512), 8 (Vector256), 2 (Vector128: rows of 2 and 3 padded with -inf); double 17 (no
    /// Vector512 kernel for two zmm or fewer), 4, 2; the scalar kernel any.
    /// </summary>
    public static int MinLength(int bits, bool single) => bits switch
    {
        512 => single ? 16 : 17,
        256 => single ? 8 : 4,
        128 => 2,
        0 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(bits)),
    };

    /// <summary>The same for the layer functions (LogSoftmax, SoftmaxCrossEntropy): the float Vector128 kernel from 4.</summary>
    public static int LayerMinLength(int bits, bool single) => bits == 128 && single ? 4 : MinLength(bits, single);

    /// <summary>The widest width the runtime accelerates, in bits (0: none).</summary>
    public static int WidestAccelerated =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>The width the dispatcher must take for a row of <paramref name="length"/>: the widest accelerated
    /// width whose minimum the row reaches, else the scalar kernel.</summary>
    public static int DispatchWidth(int length, bool single, Func<int, bool, int>? minLength = null) =>
        new[] { 512, 256, 128 }.Where(w => w <= WidestAccelerated && length >= (minLength ?? MinLength)(w, single)).DefaultIfEmpty(0).First();

    /// <summary>The paths under test: the dispatcher and each width SOFTMAX_DIRECT_WIDTHS asks for (see
    /// <see cref="KernelTable.RequestedDirectPaths"/>), except the width the dispatchers select in this process, which
    /// the dispatcher path runs for every row that fills it.</summary>
    public static IEnumerable<string> Paths(bool single)
    {
        yield return KernelTable.Dispatch;
        int selected = single ? KRuntime.__SoftmaxWidths.SoftmaxSingleSelectedWidth() : KRuntime.__SoftmaxWidths.SoftmaxDoubleSelectedWidth();
        foreach (string path in KernelTable.RequestedDirectPaths)
        {
            if (KernelTable.Bits(path) != selected)
            {
                yield return path;
            }
        }
    }

    public static RuntimeKernel<float> Single(bool accurate, string path)
    {
        if (path == KernelTable.Dispatch)
        {
            return accurate
                ? new() { Accurate = true, Path = path, Row = KRuntime.Accurate, InPlace = KRuntime.Accurate, Rows = KRuntime.AccurateRows }
                : new() { Accurate = false, Path = path, Row = KRuntime.Softmax, InPlace = KRuntime.Softmax, Rows = KRuntime.SoftmaxRows };
        }

        int w = KernelTable.Bits(path);
        return accurate
            ? new()
            {
                Accurate = true,
                Path = path,
                Row = (input, output) => KRuntime.__SoftmaxWidths.Accurate(w, input, output),
                InPlace = values => KRuntime.__SoftmaxWidths.Accurate(w, values),
                Rows = (input, output, rowLength) => KRuntime.__SoftmaxWidths.AccurateRows(w, input, output, rowLength),
            }
            : new()
            {
                Accurate = false,
                Path = path,
                Row = (input, output) => KRuntime.__SoftmaxWidths.Softmax(w, input, output),
                InPlace = values => KRuntime.__SoftmaxWidths.Softmax(w, values),
                Rows = (input, output, rowLength) => KRuntime.__SoftmaxWidths.SoftmaxRows(w, input, output, rowLength),
            };
    }

    public static RuntimeKernel<double> Double(bool accurate, string path)
    {
        if (path == KernelTable.Dispatch)
        {
            return accurate
                ? new() { Accurate = true, Path = path, Row = KRuntime.Accurate, InPlace = KRuntime.Accurate, Rows = KRuntime.AccurateRows }
                : new() { Accurate = false, Path = path, Row = KRuntime.Softmax, InPlace = KRuntime.Softmax, Rows = KRuntime.SoftmaxRows };
        }

        int w = KernelTable.Bits(path);
        return accurate
            ? new()
            {
                Accurate = true,
                Path = path,
                Row = (input, output) => KRuntime.__SoftmaxWidths.Accurate(w, input, output),
                InPlace = values => KRuntime.__SoftmaxWidths.Accurate(w, values),
                Rows = (input, output, rowLength) => KRuntime.__SoftmaxWidths.AccurateRows(w, input, output, rowLength),
            }
            : new()
            {
                Accurate = false,
                Path = path,
                Row = (input, output) => KRuntime.__SoftmaxWidths.Softmax(w, input, output),
                InPlace = values => KRuntime.__SoftmaxWidths.Softmax(w, values),
                Rows = (input, output, rowLength) => KRuntime.__SoftmaxWidths.SoftmaxRows(w, input, output, rowLength),
            };
    }

    public static RuntimeKernel<T> Get<T>(bool accurate, string path) =>
        typeof(T) == typeof(float) ? (RuntimeKernel<T>)(object)Single(accurate, path) : (RuntimeKernel<T>)(object)Double(accurate, path);

    /// <summary>Every length from 1 to 300: one to many vectors of every width, every tail.</summary>
    public static readonly int[] ShortLengths = Enumerable.Range(1, 300).ToArray();

    /// <summary>Longer rows: around powers of two, the sum blocks of the loops (1024, 512, 256 floats per block), 64K.</summary>
    public static readonly int[] LongLengths = { 301, 383, 511, 512, 513, 1000, 1023, 1024, 1025, 2049, 4095, 4096, 4097, 65535, 65536, 65537, 70000 };

    /// <summary>(single, accurate, path) for every element type, precision and path.</summary>
    public static TheoryData<bool, bool, string> Cases()
    {
        var data = new TheoryData<bool, bool, string>();
        foreach (bool single in new[] { true, false })
        {
            foreach (bool accurate in new[] { false, true })
            {
                foreach (string path in Paths(single))
                {
                    data.Add(single, accurate, path);
                }
            }
        }

        return data;
    }
}
