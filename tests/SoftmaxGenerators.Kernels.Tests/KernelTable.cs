using System;
using System.Collections.Generic;
using System.Linq;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// A generated kernel under test, reached through delegates to its generated methods: the public methods (path
/// <see cref="KernelTable.Dispatch"/>, the width the dispatcher selects in this process), or one SIMD width's kernel
/// run directly through the generated test hooks (<see cref="At"/>).
/// </summary>
public sealed class Kernel
{
    public delegate void Rows<T>(ReadOnlySpan<T> input, Span<T> output);

    public delegate void InPlace<T>(Span<T> values);

    public required int Length { get; init; }

    public bool Accurate { get; init; }

    /// <summary><see cref="KernelTable.Dispatch"/>, or the width run directly: Vector512, Vector256, Vector128, Scalar.</summary>
    public string Path { get; init; } = KernelTable.Dispatch;

    /// <summary>Whether the float delegates run <see cref="Path"/> (false: there is no float kernel of this width for
    /// this length, and they run the dispatcher).</summary>
    public bool SinglePath { get; init; } = true;

    /// <summary>Whether the double delegates run <see cref="Path"/>, as <see cref="SinglePath"/>.</summary>
    public bool DoublePath { get; init; } = true;

    public required Rows<float> SingleRow { get; init; }

    public required InPlace<float> SingleInPlace { get; init; }

    public required Rows<float> SingleRows { get; init; }

    public required Rows<double> DoubleRow { get; init; }

    public required InPlace<double> DoubleInPlace { get; init; }

    public required Rows<double> DoubleRows { get; init; }

    public required WidthHooks Hooks { get; init; }

    /// <summary>This kernel with its float and double delegates bound to one path; a lane without a kernel of that
    /// width keeps the dispatcher (see <see cref="SinglePath"/>).</summary>
    public Kernel At(string path)
    {
        if (path == KernelTable.Dispatch)
        {
            return this;
        }

        int width = KernelTable.Bits(path);
        bool single = Hooks.SingleWidths().Contains(width);
        bool dbl = Hooks.DoubleWidths().Contains(width);
        WidthHooks h = Hooks;
        return new Kernel
        {
            Length = Length,
            Accurate = Accurate,
            Path = path,
            SinglePath = single,
            DoublePath = dbl,
            SingleRow = single ? (input, output) => h.SingleRow(width, input, output) : SingleRow,
            SingleInPlace = single ? values => h.SingleInPlace(width, values) : SingleInPlace,
            SingleRows = single ? (input, output) => h.SingleRows(width, input, output) : SingleRows,
            DoubleRow = dbl ? (input, output) => h.DoubleRow(width, input, output) : DoubleRow,
            DoubleInPlace = dbl ? values => h.DoubleInPlace(width, values) : DoubleInPlace,
            DoubleRows = dbl ? (input, output) => h.DoubleRows(width, input, output) : DoubleRows,
            Hooks = Hooks,
        };
    }

    public override string ToString() => "N=" + Length + (Accurate ? " accurate" : string.Empty) + (Path == KernelTable.Dispatch ? string.Empty : " " + Path);
}

/// <summary>
/// The test hooks that the generator emits with SoftmaxGenerators_EmitWidthHooks (this project sets it): the widths of
/// each kernel (bits, 0 = scalar), the width its dispatcher selects, and each width's kernels.
/// </summary>
public sealed record WidthHooks(
    Func<int[]> SingleWidths,
    Func<int[]> DoubleWidths,
    Func<int> SingleSelected,
    Func<int> DoubleSelected,
    WidthHooks.Rows<float> SingleRow,
    WidthHooks.InPlace<float> SingleInPlace,
    WidthHooks.Rows<float> SingleRows,
    WidthHooks.Rows<double> DoubleRow,
    WidthHooks.InPlace<double> DoubleInPlace,
    WidthHooks.Rows<double> DoubleRows)
{
    public delegate void Rows<T>(int width, ReadOnlySpan<T> input, Span<T> output);

    public delegate void InPlace<T>(int width, Span<T> values);
}

/// <summary>Which element types a test runs: its data only lists the paths that exist for them.</summary>
[Flags]
public enum Lanes
{
    Single = 1,
    Double = 2,
    Both = Single | Double,
}

public static class KernelTable
{
    /// <summary>The path of the public methods: the width that the dispatcher selects in this process.</summary>
    public const string Dispatch = "dispatch";

    /// <summary>The widths that the tests can run directly, widest first.</summary>
    public static readonly string[] DirectPaths = { "Vector512", "Vector256", "Vector128", "Scalar" };

    /// <summary>The width of a direct path in bits (0: scalar), as the hooks name it.</summary>
    public static int Bits(string path) => path switch
    {
        "Vector512" => 512,
        "Vector256" => 256,
        "Vector128" => 128,
        "Scalar" => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "not a direct path"),
    };

    public static string PathOf(int bits) => bits == 0 ? "Scalar" : "Vector" + bits;

    private static Kernel K(int n, Kernel.Rows<float> f, Kernel.InPlace<float> fi, Kernel.Rows<float> fr, Kernel.Rows<double> d, Kernel.InPlace<double> di, Kernel.Rows<double> dr, WidthHooks hooks) =>
        new() { Length = n, SingleRow = f, SingleInPlace = fi, SingleRows = fr, DoubleRow = d, DoubleInPlace = di, DoubleRows = dr, Hooks = hooks };

    private static Kernel A(int n, Kernel.Rows<float> f, Kernel.InPlace<float> fi, Kernel.Rows<float> fr, Kernel.Rows<double> d, Kernel.InPlace<double> di, Kernel.Rows<double> dr, WidthHooks hooks) =>
        new() { Length = n, Accurate = true, SingleRow = f, SingleInPlace = fi, SingleRows = fr, DoubleRow = d, DoubleInPlace = di, DoubleRows = dr, Hooks = hooks };

    public static readonly IReadOnlyList<Kernel> All = new[]
    {
        K(1, K1.Softmax, K1.Softmax, K1.SoftmaxRows, K1.Softmax, K1.Softmax, K1.SoftmaxRows,
            new(K1.__SoftmaxWidths.SoftmaxSingleWidths, K1.__SoftmaxWidths.SoftmaxDoubleWidths, K1.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K1.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K1.__SoftmaxWidths.Softmax, K1.__SoftmaxWidths.Softmax, K1.__SoftmaxWidths.SoftmaxRows, K1.__SoftmaxWidths.Softmax, K1.__SoftmaxWidths.Softmax, K1.__SoftmaxWidths.SoftmaxRows)),
        K(2, K2.Softmax, K2.Softmax, K2.SoftmaxRows, K2.Softmax, K2.Softmax, K2.SoftmaxRows,
            new(K2.__SoftmaxWidths.SoftmaxSingleWidths, K2.__SoftmaxWidths.SoftmaxDoubleWidths, K2.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K2.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K2.__SoftmaxWidths.Softmax, K2.__SoftmaxWidths.Softmax, K2.__SoftmaxWidths.SoftmaxRows, K2.__SoftmaxWidths.Softmax, K2.__SoftmaxWidths.Softmax, K2.__SoftmaxWidths.SoftmaxRows)),
        K(3, K3.Softmax, K3.Softmax, K3.SoftmaxRows, K3.Softmax, K3.Softmax, K3.SoftmaxRows,
            new(K3.__SoftmaxWidths.SoftmaxSingleWidths, K3.__SoftmaxWidths.SoftmaxDoubleWidths, K3.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K3.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K3.__SoftmaxWidths.Softmax, K3.__SoftmaxWidths.Softmax, K3.__SoftmaxWidths.SoftmaxRows, K3.__SoftmaxWidths.Softmax, K3.__SoftmaxWidths.Softmax, K3.__SoftmaxWidths.SoftmaxRows)),
        K(7, K7.Softmax, K7.Softmax, K7.SoftmaxRows, K7.Softmax, K7.Softmax, K7.SoftmaxRows,
            new(K7.__SoftmaxWidths.SoftmaxSingleWidths, K7.__SoftmaxWidths.SoftmaxDoubleWidths, K7.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K7.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K7.__SoftmaxWidths.Softmax, K7.__SoftmaxWidths.Softmax, K7.__SoftmaxWidths.SoftmaxRows, K7.__SoftmaxWidths.Softmax, K7.__SoftmaxWidths.Softmax, K7.__SoftmaxWidths.SoftmaxRows)),
        K(8, K8.Softmax, K8.Softmax, K8.SoftmaxRows, K8.Softmax, K8.Softmax, K8.SoftmaxRows,
            new(K8.__SoftmaxWidths.SoftmaxSingleWidths, K8.__SoftmaxWidths.SoftmaxDoubleWidths, K8.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K8.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K8.__SoftmaxWidths.Softmax, K8.__SoftmaxWidths.Softmax, K8.__SoftmaxWidths.SoftmaxRows, K8.__SoftmaxWidths.Softmax, K8.__SoftmaxWidths.Softmax, K8.__SoftmaxWidths.SoftmaxRows)),
        K(9, K9.Softmax, K9.Softmax, K9.SoftmaxRows, K9.Softmax, K9.Softmax, K9.SoftmaxRows,
            new(K9.__SoftmaxWidths.SoftmaxSingleWidths, K9.__SoftmaxWidths.SoftmaxDoubleWidths, K9.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K9.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K9.__SoftmaxWidths.Softmax, K9.__SoftmaxWidths.Softmax, K9.__SoftmaxWidths.SoftmaxRows, K9.__SoftmaxWidths.Softmax, K9.__SoftmaxWidths.Softmax, K9.__SoftmaxWidths.SoftmaxRows)),
        K(10, K10.Softmax, K10.Softmax, K10.SoftmaxRows, K10.Softmax, K10.Softmax, K10.SoftmaxRows,
            new(K10.__SoftmaxWidths.SoftmaxSingleWidths, K10.__SoftmaxWidths.SoftmaxDoubleWidths, K10.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K10.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K10.__SoftmaxWidths.Softmax, K10.__SoftmaxWidths.Softmax, K10.__SoftmaxWidths.SoftmaxRows, K10.__SoftmaxWidths.Softmax, K10.__SoftmaxWidths.Softmax, K10.__SoftmaxWidths.SoftmaxRows)),
        K(15, K15.Softmax, K15.Softmax, K15.SoftmaxRows, K15.Softmax, K15.Softmax, K15.SoftmaxRows,
            new(K15.__SoftmaxWidths.SoftmaxSingleWidths, K15.__SoftmaxWidths.SoftmaxDoubleWidths, K15.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K15.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K15.__SoftmaxWidths.Softmax, K15.__SoftmaxWidths.Softmax, K15.__SoftmaxWidths.SoftmaxRows, K15.__SoftmaxWidths.Softmax, K15.__SoftmaxWidths.Softmax, K15.__SoftmaxWidths.SoftmaxRows)),
        K(16, K16.Softmax, K16.Softmax, K16.SoftmaxRows, K16.Softmax, K16.Softmax, K16.SoftmaxRows,
            new(K16.__SoftmaxWidths.SoftmaxSingleWidths, K16.__SoftmaxWidths.SoftmaxDoubleWidths, K16.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K16.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K16.__SoftmaxWidths.Softmax, K16.__SoftmaxWidths.Softmax, K16.__SoftmaxWidths.SoftmaxRows, K16.__SoftmaxWidths.Softmax, K16.__SoftmaxWidths.Softmax, K16.__SoftmaxWidths.SoftmaxRows)),
        K(17, K17.Softmax, K17.Softmax, K17.SoftmaxRows, K17.Softmax, K17.Softmax, K17.SoftmaxRows,
            new(K17.__SoftmaxWidths.SoftmaxSingleWidths, K17.__SoftmaxWidths.SoftmaxDoubleWidths, K17.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K17.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K17.__SoftmaxWidths.Softmax, K17.__SoftmaxWidths.Softmax, K17.__SoftmaxWidths.SoftmaxRows, K17.__SoftmaxWidths.Softmax, K17.__SoftmaxWidths.Softmax, K17.__SoftmaxWidths.SoftmaxRows)),
        K(31, K31.Softmax, K31.Softmax, K31.SoftmaxRows, K31.Softmax, K31.Softmax, K31.SoftmaxRows,
            new(K31.__SoftmaxWidths.SoftmaxSingleWidths, K31.__SoftmaxWidths.SoftmaxDoubleWidths, K31.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K31.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K31.__SoftmaxWidths.Softmax, K31.__SoftmaxWidths.Softmax, K31.__SoftmaxWidths.SoftmaxRows, K31.__SoftmaxWidths.Softmax, K31.__SoftmaxWidths.Softmax, K31.__SoftmaxWidths.SoftmaxRows)),
        K(32, K32.Softmax, K32.Softmax, K32.SoftmaxRows, K32.Softmax, K32.Softmax, K32.SoftmaxRows,
            new(K32.__SoftmaxWidths.SoftmaxSingleWidths, K32.__SoftmaxWidths.SoftmaxDoubleWidths, K32.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K32.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K32.__SoftmaxWidths.Softmax, K32.__SoftmaxWidths.Softmax, K32.__SoftmaxWidths.SoftmaxRows, K32.__SoftmaxWidths.Softmax, K32.__SoftmaxWidths.Softmax, K32.__SoftmaxWidths.SoftmaxRows)),
        K(33, K33.Softmax, K33.Softmax, K33.SoftmaxRows, K33.Softmax, K33.Softmax, K33.SoftmaxRows,
            new(K33.__SoftmaxWidths.SoftmaxSingleWidths, K33.__SoftmaxWidths.SoftmaxDoubleWidths, K33.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K33.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K33.__SoftmaxWidths.Softmax, K33.__SoftmaxWidths.Softmax, K33.__SoftmaxWidths.SoftmaxRows, K33.__SoftmaxWidths.Softmax, K33.__SoftmaxWidths.Softmax, K33.__SoftmaxWidths.SoftmaxRows)),
        K(63, K63.Softmax, K63.Softmax, K63.SoftmaxRows, K63.Softmax, K63.Softmax, K63.SoftmaxRows,
            new(K63.__SoftmaxWidths.SoftmaxSingleWidths, K63.__SoftmaxWidths.SoftmaxDoubleWidths, K63.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K63.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K63.__SoftmaxWidths.Softmax, K63.__SoftmaxWidths.Softmax, K63.__SoftmaxWidths.SoftmaxRows, K63.__SoftmaxWidths.Softmax, K63.__SoftmaxWidths.Softmax, K63.__SoftmaxWidths.SoftmaxRows)),
        K(64, K64.Softmax, K64.Softmax, K64.SoftmaxRows, K64.Softmax, K64.Softmax, K64.SoftmaxRows,
            new(K64.__SoftmaxWidths.SoftmaxSingleWidths, K64.__SoftmaxWidths.SoftmaxDoubleWidths, K64.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K64.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K64.__SoftmaxWidths.Softmax, K64.__SoftmaxWidths.Softmax, K64.__SoftmaxWidths.SoftmaxRows, K64.__SoftmaxWidths.Softmax, K64.__SoftmaxWidths.Softmax, K64.__SoftmaxWidths.SoftmaxRows)),
        K(65, K65.Softmax, K65.Softmax, K65.SoftmaxRows, K65.Softmax, K65.Softmax, K65.SoftmaxRows,
            new(K65.__SoftmaxWidths.SoftmaxSingleWidths, K65.__SoftmaxWidths.SoftmaxDoubleWidths, K65.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K65.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K65.__SoftmaxWidths.Softmax, K65.__SoftmaxWidths.Softmax, K65.__SoftmaxWidths.SoftmaxRows, K65.__SoftmaxWidths.Softmax, K65.__SoftmaxWidths.Softmax, K65.__SoftmaxWidths.SoftmaxRows)),
        K(100, K100.Softmax, K100.Softmax, K100.SoftmaxRows, K100.Softmax, K100.Softmax, K100.SoftmaxRows,
            new(K100.__SoftmaxWidths.SoftmaxSingleWidths, K100.__SoftmaxWidths.SoftmaxDoubleWidths, K100.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K100.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K100.__SoftmaxWidths.Softmax, K100.__SoftmaxWidths.Softmax, K100.__SoftmaxWidths.SoftmaxRows, K100.__SoftmaxWidths.Softmax, K100.__SoftmaxWidths.Softmax, K100.__SoftmaxWidths.SoftmaxRows)),
        K(127, K127.Softmax, K127.Softmax, K127.SoftmaxRows, K127.Softmax, K127.Softmax, K127.SoftmaxRows,
            new(K127.__SoftmaxWidths.SoftmaxSingleWidths, K127.__SoftmaxWidths.SoftmaxDoubleWidths, K127.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K127.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K127.__SoftmaxWidths.Softmax, K127.__SoftmaxWidths.Softmax, K127.__SoftmaxWidths.SoftmaxRows, K127.__SoftmaxWidths.Softmax, K127.__SoftmaxWidths.Softmax, K127.__SoftmaxWidths.SoftmaxRows)),
        K(128, K128.Softmax, K128.Softmax, K128.SoftmaxRows, K128.Softmax, K128.Softmax, K128.SoftmaxRows,
            new(K128.__SoftmaxWidths.SoftmaxSingleWidths, K128.__SoftmaxWidths.SoftmaxDoubleWidths, K128.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K128.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K128.__SoftmaxWidths.Softmax, K128.__SoftmaxWidths.Softmax, K128.__SoftmaxWidths.SoftmaxRows, K128.__SoftmaxWidths.Softmax, K128.__SoftmaxWidths.Softmax, K128.__SoftmaxWidths.SoftmaxRows)),
        K(129, K129.Softmax, K129.Softmax, K129.SoftmaxRows, K129.Softmax, K129.Softmax, K129.SoftmaxRows,
            new(K129.__SoftmaxWidths.SoftmaxSingleWidths, K129.__SoftmaxWidths.SoftmaxDoubleWidths, K129.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K129.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K129.__SoftmaxWidths.Softmax, K129.__SoftmaxWidths.Softmax, K129.__SoftmaxWidths.SoftmaxRows, K129.__SoftmaxWidths.Softmax, K129.__SoftmaxWidths.Softmax, K129.__SoftmaxWidths.SoftmaxRows)),
        K(255, K255.Softmax, K255.Softmax, K255.SoftmaxRows, K255.Softmax, K255.Softmax, K255.SoftmaxRows,
            new(K255.__SoftmaxWidths.SoftmaxSingleWidths, K255.__SoftmaxWidths.SoftmaxDoubleWidths, K255.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K255.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K255.__SoftmaxWidths.Softmax, K255.__SoftmaxWidths.Softmax, K255.__SoftmaxWidths.SoftmaxRows, K255.__SoftmaxWidths.Softmax, K255.__SoftmaxWidths.Softmax, K255.__SoftmaxWidths.SoftmaxRows)),
        K(256, K256.Softmax, K256.Softmax, K256.SoftmaxRows, K256.Softmax, K256.Softmax, K256.SoftmaxRows,
            new(K256.__SoftmaxWidths.SoftmaxSingleWidths, K256.__SoftmaxWidths.SoftmaxDoubleWidths, K256.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K256.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K256.__SoftmaxWidths.Softmax, K256.__SoftmaxWidths.Softmax, K256.__SoftmaxWidths.SoftmaxRows, K256.__SoftmaxWidths.Softmax, K256.__SoftmaxWidths.Softmax, K256.__SoftmaxWidths.SoftmaxRows)),
        K(1000, K1000.Softmax, K1000.Softmax, K1000.SoftmaxRows, K1000.Softmax, K1000.Softmax, K1000.SoftmaxRows,
            new(K1000.__SoftmaxWidths.SoftmaxSingleWidths, K1000.__SoftmaxWidths.SoftmaxDoubleWidths, K1000.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K1000.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K1000.__SoftmaxWidths.Softmax, K1000.__SoftmaxWidths.Softmax, K1000.__SoftmaxWidths.SoftmaxRows, K1000.__SoftmaxWidths.Softmax, K1000.__SoftmaxWidths.Softmax, K1000.__SoftmaxWidths.SoftmaxRows)),
        K(1024, K1024.Softmax, K1024.Softmax, K1024.SoftmaxRows, K1024.Softmax, K1024.Softmax, K1024.SoftmaxRows,
            new(K1024.__SoftmaxWidths.SoftmaxSingleWidths, K1024.__SoftmaxWidths.SoftmaxDoubleWidths, K1024.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K1024.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K1024.__SoftmaxWidths.Softmax, K1024.__SoftmaxWidths.Softmax, K1024.__SoftmaxWidths.SoftmaxRows, K1024.__SoftmaxWidths.Softmax, K1024.__SoftmaxWidths.Softmax, K1024.__SoftmaxWidths.SoftmaxRows)),
        K(4096, K4096.Softmax, K4096.Softmax, K4096.SoftmaxRows, K4096.Softmax, K4096.Softmax, K4096.SoftmaxRows,
            new(K4096.__SoftmaxWidths.SoftmaxSingleWidths, K4096.__SoftmaxWidths.SoftmaxDoubleWidths, K4096.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K4096.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K4096.__SoftmaxWidths.Softmax, K4096.__SoftmaxWidths.Softmax, K4096.__SoftmaxWidths.SoftmaxRows, K4096.__SoftmaxWidths.Softmax, K4096.__SoftmaxWidths.Softmax, K4096.__SoftmaxWidths.SoftmaxRows)),
        K(65536, K65536.Softmax, K65536.Softmax, K65536.SoftmaxRows, K65536.Softmax, K65536.Softmax, K65536.SoftmaxRows,
            new(K65536.__SoftmaxWidths.SoftmaxSingleWidths, K65536.__SoftmaxWidths.SoftmaxDoubleWidths, K65536.__SoftmaxWidths.SoftmaxSingleSelectedWidth, K65536.__SoftmaxWidths.SoftmaxDoubleSelectedWidth, K65536.__SoftmaxWidths.Softmax, K65536.__SoftmaxWidths.Softmax, K65536.__SoftmaxWidths.SoftmaxRows, K65536.__SoftmaxWidths.Softmax, K65536.__SoftmaxWidths.Softmax, K65536.__SoftmaxWidths.SoftmaxRows)),
        A(1, K1.Accurate, K1.Accurate, K1.AccurateRows, K1.Accurate, K1.Accurate, K1.AccurateRows,
            new(K1.__SoftmaxWidths.AccurateSingleWidths, K1.__SoftmaxWidths.AccurateDoubleWidths, K1.__SoftmaxWidths.AccurateSingleSelectedWidth, K1.__SoftmaxWidths.AccurateDoubleSelectedWidth, K1.__SoftmaxWidths.Accurate, K1.__SoftmaxWidths.Accurate, K1.__SoftmaxWidths.AccurateRows, K1.__SoftmaxWidths.Accurate, K1.__SoftmaxWidths.Accurate, K1.__SoftmaxWidths.AccurateRows)),
        A(2, K2.Accurate, K2.Accurate, K2.AccurateRows, K2.Accurate, K2.Accurate, K2.AccurateRows,
            new(K2.__SoftmaxWidths.AccurateSingleWidths, K2.__SoftmaxWidths.AccurateDoubleWidths, K2.__SoftmaxWidths.AccurateSingleSelectedWidth, K2.__SoftmaxWidths.AccurateDoubleSelectedWidth, K2.__SoftmaxWidths.Accurate, K2.__SoftmaxWidths.Accurate, K2.__SoftmaxWidths.AccurateRows, K2.__SoftmaxWidths.Accurate, K2.__SoftmaxWidths.Accurate, K2.__SoftmaxWidths.AccurateRows)),
        A(3, K3.Accurate, K3.Accurate, K3.AccurateRows, K3.Accurate, K3.Accurate, K3.AccurateRows,
            new(K3.__SoftmaxWidths.AccurateSingleWidths, K3.__SoftmaxWidths.AccurateDoubleWidths, K3.__SoftmaxWidths.AccurateSingleSelectedWidth, K3.__SoftmaxWidths.AccurateDoubleSelectedWidth, K3.__SoftmaxWidths.Accurate, K3.__SoftmaxWidths.Accurate, K3.__SoftmaxWidths.AccurateRows, K3.__SoftmaxWidths.Accurate, K3.__SoftmaxWidths.Accurate, K3.__SoftmaxWidths.AccurateRows)),
        A(7, K7.Accurate, K7.Accurate, K7.AccurateRows, K7.Accurate, K7.Accurate, K7.AccurateRows,
            new(K7.__SoftmaxWidths.AccurateSingleWidths, K7.__SoftmaxWidths.AccurateDoubleWidths, K7.__SoftmaxWidths.AccurateSingleSelectedWidth, K7.__SoftmaxWidths.AccurateDoubleSelectedWidth, K7.__SoftmaxWidths.Accurate, K7.__SoftmaxWidths.Accurate, K7.__SoftmaxWidths.AccurateRows, K7.__SoftmaxWidths.Accurate, K7.__SoftmaxWidths.Accurate, K7.__SoftmaxWidths.AccurateRows)),
        A(8, K8.Accurate, K8.Accurate, K8.AccurateRows, K8.Accurate, K8.Accurate, K8.AccurateRows,
            new(K8.__SoftmaxWidths.AccurateSingleWidths, K8.__SoftmaxWidths.AccurateDoubleWidths, K8.__SoftmaxWidths.AccurateSingleSelectedWidth, K8.__SoftmaxWidths.AccurateDoubleSelectedWidth, K8.__SoftmaxWidths.Accurate, K8.__SoftmaxWidths.Accurate, K8.__SoftmaxWidths.AccurateRows, K8.__SoftmaxWidths.Accurate, K8.__SoftmaxWidths.Accurate, K8.__SoftmaxWidths.AccurateRows)),
        A(9, K9.Accurate, K9.Accurate, K9.AccurateRows, K9.Accurate, K9.Accurate, K9.AccurateRows,
            new(K9.__SoftmaxWidths.AccurateSingleWidths, K9.__SoftmaxWidths.AccurateDoubleWidths, K9.__SoftmaxWidths.AccurateSingleSelectedWidth, K9.__SoftmaxWidths.AccurateDoubleSelectedWidth, K9.__SoftmaxWidths.Accurate, K9.__SoftmaxWidths.Accurate, K9.__SoftmaxWidths.AccurateRows, K9.__SoftmaxWidths.Accurate, K9.__SoftmaxWidths.Accurate, K9.__SoftmaxWidths.AccurateRows)),
        A(10, K10.Accurate, K10.Accurate, K10.AccurateRows, K10.Accurate, K10.Accurate, K10.AccurateRows,
            new(K10.__SoftmaxWidths.AccurateSingleWidths, K10.__SoftmaxWidths.AccurateDoubleWidths, K10.__SoftmaxWidths.AccurateSingleSelectedWidth, K10.__SoftmaxWidths.AccurateDoubleSelectedWidth, K10.__SoftmaxWidths.Accurate, K10.__SoftmaxWidths.Accurate, K10.__SoftmaxWidths.AccurateRows, K10.__SoftmaxWidths.Accurate, K10.__SoftmaxWidths.Accurate, K10.__SoftmaxWidths.AccurateRows)),
        A(15, K15.Accurate, K15.Accurate, K15.AccurateRows, K15.Accurate, K15.Accurate, K15.AccurateRows,
            new(K15.__SoftmaxWidths.AccurateSingleWidths, K15.__SoftmaxWidths.AccurateDoubleWidths, K15.__SoftmaxWidths.AccurateSingleSelectedWidth, K15.__SoftmaxWidths.AccurateDoubleSelectedWidth, K15.__SoftmaxWidths.Accurate, K15.__SoftmaxWidths.Accurate, K15.__SoftmaxWidths.AccurateRows, K15.__SoftmaxWidths.Accurate, K15.__SoftmaxWidths.Accurate, K15.__SoftmaxWidths.AccurateRows)),
        A(16, K16.Accurate, K16.Accurate, K16.AccurateRows, K16.Accurate, K16.Accurate, K16.AccurateRows,
            new(K16.__SoftmaxWidths.AccurateSingleWidths, K16.__SoftmaxWidths.AccurateDoubleWidths, K16.__SoftmaxWidths.AccurateSingleSelectedWidth, K16.__SoftmaxWidths.AccurateDoubleSelectedWidth, K16.__SoftmaxWidths.Accurate, K16.__SoftmaxWidths.Accurate, K16.__SoftmaxWidths.AccurateRows, K16.__SoftmaxWidths.Accurate, K16.__SoftmaxWidths.Accurate, K16.__SoftmaxWidths.AccurateRows)),
        A(17, K17.Accurate, K17.Accurate, K17.AccurateRows, K17.Accurate, K17.Accurate, K17.AccurateRows,
            new(K17.__SoftmaxWidths.AccurateSingleWidths, K17.__SoftmaxWidths.AccurateDoubleWidths, K17.__SoftmaxWidths.AccurateSingleSelectedWidth, K17.__SoftmaxWidths.AccurateDoubleSelectedWidth, K17.__SoftmaxWidths.Accurate, K17.__SoftmaxWidths.Accurate, K17.__SoftmaxWidths.AccurateRows, K17.__SoftmaxWidths.Accurate, K17.__SoftmaxWidths.Accurate, K17.__SoftmaxWidths.AccurateRows)),
        A(31, K31.Accurate, K31.Accurate, K31.AccurateRows, K31.Accurate, K31.Accurate, K31.AccurateRows,
            new(K31.__SoftmaxWidths.AccurateSingleWidths, K31.__SoftmaxWidths.AccurateDoubleWidths, K31.__SoftmaxWidths.AccurateSingleSelectedWidth, K31.__SoftmaxWidths.AccurateDoubleSelectedWidth, K31.__SoftmaxWidths.Accurate, K31.__SoftmaxWidths.Accurate, K31.__SoftmaxWidths.AccurateRows, K31.__SoftmaxWidths.Accurate, K31.__SoftmaxWidths.Accurate, K31.__SoftmaxWidths.AccurateRows)),
        A(32, K32.Accurate, K32.Accurate, K32.AccurateRows, K32.Accurate, K32.Accurate, K32.AccurateRows,
            new(K32.__SoftmaxWidths.AccurateSingleWidths, K32.__SoftmaxWidths.AccurateDoubleWidths, K32.__SoftmaxWidths.AccurateSingleSelectedWidth, K32.__SoftmaxWidths.AccurateDoubleSelectedWidth, K32.__SoftmaxWidths.Accurate, K32.__SoftmaxWidths.Accurate, K32.__SoftmaxWidths.AccurateRows, K32.__SoftmaxWidths.Accurate, K32.__SoftmaxWidths.Accurate, K32.__SoftmaxWidths.AccurateRows)),
        A(33, K33.Accurate, K33.Accurate, K33.AccurateRows, K33.Accurate, K33.Accurate, K33.AccurateRows,
            new(K33.__SoftmaxWidths.AccurateSingleWidths, K33.__SoftmaxWidths.AccurateDoubleWidths, K33.__SoftmaxWidths.AccurateSingleSelectedWidth, K33.__SoftmaxWidths.AccurateDoubleSelectedWidth, K33.__SoftmaxWidths.Accurate, K33.__SoftmaxWidths.Accurate, K33.__SoftmaxWidths.AccurateRows, K33.__SoftmaxWidths.Accurate, K33.__SoftmaxWidths.Accurate, K33.__SoftmaxWidths.AccurateRows)),
        A(63, K63.Accurate, K63.Accurate, K63.AccurateRows, K63.Accurate, K63.Accurate, K63.AccurateRows,
            new(K63.__SoftmaxWidths.AccurateSingleWidths, K63.__SoftmaxWidths.AccurateDoubleWidths, K63.__SoftmaxWidths.AccurateSingleSelectedWidth, K63.__SoftmaxWidths.AccurateDoubleSelectedWidth, K63.__SoftmaxWidths.Accurate, K63.__SoftmaxWidths.Accurate, K63.__SoftmaxWidths.AccurateRows, K63.__SoftmaxWidths.Accurate, K63.__SoftmaxWidths.Accurate, K63.__SoftmaxWidths.AccurateRows)),
        A(64, K64.Accurate, K64.Accurate, K64.AccurateRows, K64.Accurate, K64.Accurate, K64.AccurateRows,
            new(K64.__SoftmaxWidths.AccurateSingleWidths, K64.__SoftmaxWidths.AccurateDoubleWidths, K64.__SoftmaxWidths.AccurateSingleSelectedWidth, K64.__SoftmaxWidths.AccurateDoubleSelectedWidth, K64.__SoftmaxWidths.Accurate, K64.__SoftmaxWidths.Accurate, K64.__SoftmaxWidths.AccurateRows, K64.__SoftmaxWidths.Accurate, K64.__SoftmaxWidths.Accurate, K64.__SoftmaxWidths.AccurateRows)),
        A(65, K65.Accurate, K65.Accurate, K65.AccurateRows, K65.Accurate, K65.Accurate, K65.AccurateRows,
            new(K65.__SoftmaxWidths.AccurateSingleWidths, K65.__SoftmaxWidths.AccurateDoubleWidths, K65.__SoftmaxWidths.AccurateSingleSelectedWidth, K65.__SoftmaxWidths.AccurateDoubleSelectedWidth, K65.__SoftmaxWidths.Accurate, K65.__SoftmaxWidths.Accurate, K65.__SoftmaxWidths.AccurateRows, K65.__SoftmaxWidths.Accurate, K65.__SoftmaxWidths.Accurate, K65.__SoftmaxWidths.AccurateRows)),
        A(100, K100.Accurate, K100.Accurate, K100.AccurateRows, K100.Accurate, K100.Accurate, K100.AccurateRows,
            new(K100.__SoftmaxWidths.AccurateSingleWidths, K100.__SoftmaxWidths.AccurateDoubleWidths, K100.__SoftmaxWidths.AccurateSingleSelectedWidth, K100.__SoftmaxWidths.AccurateDoubleSelectedWidth, K100.__SoftmaxWidths.Accurate, K100.__SoftmaxWidths.Accurate, K100.__SoftmaxWidths.AccurateRows, K100.__SoftmaxWidths.Accurate, K100.__SoftmaxWidths.Accurate, K100.__SoftmaxWidths.AccurateRows)),
        A(127, K127.Accurate, K127.Accurate, K127.AccurateRows, K127.Accurate, K127.Accurate, K127.AccurateRows,
            new(K127.__SoftmaxWidths.AccurateSingleWidths, K127.__SoftmaxWidths.AccurateDoubleWidths, K127.__SoftmaxWidths.AccurateSingleSelectedWidth, K127.__SoftmaxWidths.AccurateDoubleSelectedWidth, K127.__SoftmaxWidths.Accurate, K127.__SoftmaxWidths.Accurate, K127.__SoftmaxWidths.AccurateRows, K127.__SoftmaxWidths.Accurate, K127.__SoftmaxWidths.Accurate, K127.__SoftmaxWidths.AccurateRows)),
        A(128, K128.Accurate, K128.Accurate, K128.AccurateRows, K128.Accurate, K128.Accurate, K128.AccurateRows,
            new(K128.__SoftmaxWidths.AccurateSingleWidths, K128.__SoftmaxWidths.AccurateDoubleWidths, K128.__SoftmaxWidths.AccurateSingleSelectedWidth, K128.__SoftmaxWidths.AccurateDoubleSelectedWidth, K128.__SoftmaxWidths.Accurate, K128.__SoftmaxWidths.Accurate, K128.__SoftmaxWidths.AccurateRows, K128.__SoftmaxWidths.Accurate, K128.__SoftmaxWidths.Accurate, K128.__SoftmaxWidths.AccurateRows)),
        A(129, K129.Accurate, K129.Accurate, K129.AccurateRows, K129.Accurate, K129.Accurate, K129.AccurateRows,
            new(K129.__SoftmaxWidths.AccurateSingleWidths, K129.__SoftmaxWidths.AccurateDoubleWidths, K129.__SoftmaxWidths.AccurateSingleSelectedWidth, K129.__SoftmaxWidths.AccurateDoubleSelectedWidth, K129.__SoftmaxWidths.Accurate, K129.__SoftmaxWidths.Accurate, K129.__SoftmaxWidths.AccurateRows, K129.__SoftmaxWidths.Accurate, K129.__SoftmaxWidths.Accurate, K129.__SoftmaxWidths.AccurateRows)),
        A(255, K255.Accurate, K255.Accurate, K255.AccurateRows, K255.Accurate, K255.Accurate, K255.AccurateRows,
            new(K255.__SoftmaxWidths.AccurateSingleWidths, K255.__SoftmaxWidths.AccurateDoubleWidths, K255.__SoftmaxWidths.AccurateSingleSelectedWidth, K255.__SoftmaxWidths.AccurateDoubleSelectedWidth, K255.__SoftmaxWidths.Accurate, K255.__SoftmaxWidths.Accurate, K255.__SoftmaxWidths.AccurateRows, K255.__SoftmaxWidths.Accurate, K255.__SoftmaxWidths.Accurate, K255.__SoftmaxWidths.AccurateRows)),
        A(256, K256.Accurate, K256.Accurate, K256.AccurateRows, K256.Accurate, K256.Accurate, K256.AccurateRows,
            new(K256.__SoftmaxWidths.AccurateSingleWidths, K256.__SoftmaxWidths.AccurateDoubleWidths, K256.__SoftmaxWidths.AccurateSingleSelectedWidth, K256.__SoftmaxWidths.AccurateDoubleSelectedWidth, K256.__SoftmaxWidths.Accurate, K256.__SoftmaxWidths.Accurate, K256.__SoftmaxWidths.AccurateRows, K256.__SoftmaxWidths.Accurate, K256.__SoftmaxWidths.Accurate, K256.__SoftmaxWidths.AccurateRows)),
        A(1000, K1000.Accurate, K1000.Accurate, K1000.AccurateRows, K1000.Accurate, K1000.Accurate, K1000.AccurateRows,
            new(K1000.__SoftmaxWidths.AccurateSingleWidths, K1000.__SoftmaxWidths.AccurateDoubleWidths, K1000.__SoftmaxWidths.AccurateSingleSelectedWidth, K1000.__SoftmaxWidths.AccurateDoubleSelectedWidth, K1000.__SoftmaxWidths.Accurate, K1000.__SoftmaxWidths.Accurate, K1000.__SoftmaxWidths.AccurateRows, K1000.__SoftmaxWidths.Accurate, K1000.__SoftmaxWidths.Accurate, K1000.__SoftmaxWidths.AccurateRows)),
        A(1024, K1024.Accurate, K1024.Accurate, K1024.AccurateRows, K1024.Accurate, K1024.Accurate, K1024.AccurateRows,
            new(K1024.__SoftmaxWidths.AccurateSingleWidths, K1024.__SoftmaxWidths.AccurateDoubleWidths, K1024.__SoftmaxWidths.AccurateSingleSelectedWidth, K1024.__SoftmaxWidths.AccurateDoubleSelectedWidth, K1024.__SoftmaxWidths.Accurate, K1024.__SoftmaxWidths.Accurate, K1024.__SoftmaxWidths.AccurateRows, K1024.__SoftmaxWidths.Accurate, K1024.__SoftmaxWidths.Accurate, K1024.__SoftmaxWidths.AccurateRows)),
        A(4096, K4096.Accurate, K4096.Accurate, K4096.AccurateRows, K4096.Accurate, K4096.Accurate, K4096.AccurateRows,
            new(K4096.__SoftmaxWidths.AccurateSingleWidths, K4096.__SoftmaxWidths.AccurateDoubleWidths, K4096.__SoftmaxWidths.AccurateSingleSelectedWidth, K4096.__SoftmaxWidths.AccurateDoubleSelectedWidth, K4096.__SoftmaxWidths.Accurate, K4096.__SoftmaxWidths.Accurate, K4096.__SoftmaxWidths.AccurateRows, K4096.__SoftmaxWidths.Accurate, K4096.__SoftmaxWidths.Accurate, K4096.__SoftmaxWidths.AccurateRows)),
        A(65536, K65536.Accurate, K65536.Accurate, K65536.AccurateRows, K65536.Accurate, K65536.Accurate, K65536.AccurateRows,
            new(K65536.__SoftmaxWidths.AccurateSingleWidths, K65536.__SoftmaxWidths.AccurateDoubleWidths, K65536.__SoftmaxWidths.AccurateSingleSelectedWidth, K65536.__SoftmaxWidths.AccurateDoubleSelectedWidth, K65536.__SoftmaxWidths.Accurate, K65536.__SoftmaxWidths.Accurate, K65536.__SoftmaxWidths.AccurateRows, K65536.__SoftmaxWidths.Accurate, K65536.__SoftmaxWidths.Accurate, K65536.__SoftmaxWidths.AccurateRows)),
    };

    /// <summary>
    /// The direct paths that SOFTMAX_DIRECT_WIDTHS asks for: unset or "all", every width; "none", none; or a list
    /// such as "512,256" (bits, 0 or "scalar" for the scalar kernel). CI runs them once, in the default mode.
    /// </summary>
    public static IReadOnlyList<string> RequestedDirectPaths { get; } = ReadDirectPaths(Environment.GetEnvironmentVariable("SOFTMAX_DIRECT_WIDTHS"));

    private static string[] ReadDirectPaths(string? setting)
    {
        string value = (setting ?? string.Empty).Trim().ToLowerInvariant();
        if (value is "" or "all")
        {
            return DirectPaths;
        }

        if (value == "none")
        {
            return Array.Empty<string>();
        }

        return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => item == "scalar" ? "Scalar" : PathOf(int.Parse(item, System.Globalization.CultureInfo.InvariantCulture)))
            .ToArray();
    }

    /// <summary>
    /// The paths to test for a kernel and the element types a test uses: the dispatcher, and each requested width that
    /// the generator emitted for one of those types, except the width its dispatcher selects in this process (the
    /// dispatcher path already runs that kernel).
    /// </summary>
    public static IEnumerable<string> Paths(Kernel kernel, Lanes lanes)
    {
        yield return Dispatch;
        foreach (string path in RequestedDirectPaths)
        {
            int bits = Bits(path);
            bool single = lanes.HasFlag(Lanes.Single) && kernel.Hooks.SingleWidths().Contains(bits) && kernel.Hooks.SingleSelected() != bits;
            bool dbl = lanes.HasFlag(Lanes.Double) && kernel.Hooks.DoubleWidths().Contains(bits) && kernel.Hooks.DoubleSelected() != bits;
            if (single || dbl)
            {
                yield return path;
            }
        }
    }

    /// <summary>(length, accurate, path) for every kernel under test and each of its paths.</summary>
    public static IEnumerable<object[]> Lengths() => Lengths(Lanes.Both);

    public static IEnumerable<object[]> Lengths(Lanes lanes)
    {
        foreach (Kernel kernel in All)
        {
            foreach (string path in Paths(kernel, lanes))
            {
                yield return new object[] { kernel.Length, kernel.Accurate, path };
            }
        }
    }

    public static Kernel Get(int length, bool accurate = false, string path = Dispatch)
    {
        foreach (Kernel kernel in All)
        {
            if (kernel.Length == length && kernel.Accurate == accurate)
            {
                return kernel.At(path);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(length));
    }
}
