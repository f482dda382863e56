using System;

namespace SoftmaxGenerators.Benchmarks;

// The generated kernels under test: one type per row length.
[Softmax(10)][Softmax(10, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K10 { }
[Softmax(16)] public static partial class K16 { }
[Softmax(64)] public static partial class K64 { }
[Softmax(256)] public static partial class K256 { }
[Softmax(1000)] public static partial class K1000 { }
[Softmax(1024)][Softmax(1024, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K1024 { }
[Softmax(4096)] public static partial class K4096 { }
[Softmax(65536)][Softmax(65536, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K65536 { }

// Long rows for the two-pass comparison (TwoPass.cs, `--interleaved --only twopass`): 1, 4, 16 and 64 MiB of floats.
[Softmax(262144)] public static partial class K262144 { }
[Softmax(1048576)] public static partial class K1048576 { }
[Softmax(4194304)] public static partial class K4194304 { }
[Softmax(16777216)] public static partial class K16777216 { }

/// <summary>
/// A row length known at compile time, bound to its generated kernels. The benchmark classes are generic over a
/// struct implementing this interface, so the JIT specializes them per length and the call to the generated method is
/// direct: no switch or delegate between the benchmark and the kernel.
/// </summary>
public interface IShape
{
    /// <summary>Values in one row.</summary>
    static abstract int Length { get; }

    /// <summary>Rows in one batch of the <c>SoftmaxRows</c> benchmarks.</summary>
    static abstract int BatchRows { get; }

    static abstract void Softmax(ReadOnlySpan<float> input, Span<float> output);

    static abstract void Softmax(ReadOnlySpan<double> input, Span<double> output);

    static abstract void SoftmaxRows(ReadOnlySpan<float> input, Span<float> output);

    static abstract void SoftmaxRows(ReadOnlySpan<double> input, Span<double> output);
}

public readonly struct N10 : IShape
{
    public static int Length => 10;
    public static int BatchRows => 4096;
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output) => K10.Softmax(input, output);
    public static void Softmax(ReadOnlySpan<double> input, Span<double> output) => K10.Softmax(input, output);
    public static void SoftmaxRows(ReadOnlySpan<float> input, Span<float> output) => K10.SoftmaxRows(input, output);
    public static void SoftmaxRows(ReadOnlySpan<double> input, Span<double> output) => K10.SoftmaxRows(input, output);
}

public readonly struct N16 : IShape
{
    public static int Length => 16;
    public static int BatchRows => 1;
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output) => K16.Softmax(input, output);
    public static void Softmax(ReadOnlySpan<double> input, Span<double> output) => K16.Softmax(input, output);
    public static void SoftmaxRows(ReadOnlySpan<float> input, Span<float> output) => K16.SoftmaxRows(input, output);
    public static void SoftmaxRows(ReadOnlySpan<double> input, Span<double> output) => K16.SoftmaxRows(input, output);
}

public readonly struct N64 : IShape
{
    public static int Length => 64;
    public static int BatchRows => 1;
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output) => K64.Softmax(input, output);
    public static void Softmax(ReadOnlySpan<double> input, Span<double> output) => K64.Softmax(input, output);
    public static void SoftmaxRows(ReadOnlySpan<float> input, Span<float> output) => K64.SoftmaxRows(input, output);
    public static void SoftmaxRows(ReadOnlySpan<double> input, Span<double> output) => K64.SoftmaxRows(input, output);
}

public readonly struct N256 : IShape
{
    public static int Length => 256;
    public static int BatchRows => 1;
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output) => K256.Softmax(input, output);
    public static void Softmax(ReadOnlySpan<double> input, Span<double> output) => K256.Softmax(input, output);
    public static void SoftmaxRows(ReadOnlySpan<float> input, Span<float> output) => K256.SoftmaxRows(input, output);
    public static void SoftmaxRows(ReadOnlySpan<double> input, Span<double> output) => K256.SoftmaxRows(input, output);
}

public readonly struct N1000 : IShape
{
    public static int Length => 1000;
    public static int BatchRows => 1000;
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output) => K1000.Softmax(input, output);
    public static void Softmax(ReadOnlySpan<double> input, Span<double> output) => K1000.Softmax(input, output);
    public static void SoftmaxRows(ReadOnlySpan<float> input, Span<float> output) => K1000.SoftmaxRows(input, output);
    public static void SoftmaxRows(ReadOnlySpan<double> input, Span<double> output) => K1000.SoftmaxRows(input, output);
}

public readonly struct N1024 : IShape
{
    public static int Length => 1024;
    public static int BatchRows => 1;
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output) => K1024.Softmax(input, output);
    public static void Softmax(ReadOnlySpan<double> input, Span<double> output) => K1024.Softmax(input, output);
    public static void SoftmaxRows(ReadOnlySpan<float> input, Span<float> output) => K1024.SoftmaxRows(input, output);
    public static void SoftmaxRows(ReadOnlySpan<double> input, Span<double> output) => K1024.SoftmaxRows(input, output);
}

public readonly struct N4096 : IShape
{
    public static int Length => 4096;
    public static int BatchRows => 1;
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output) => K4096.Softmax(input, output);
    public static void Softmax(ReadOnlySpan<double> input, Span<double> output) => K4096.Softmax(input, output);
    public static void SoftmaxRows(ReadOnlySpan<float> input, Span<float> output) => K4096.SoftmaxRows(input, output);
    public static void SoftmaxRows(ReadOnlySpan<double> input, Span<double> output) => K4096.SoftmaxRows(input, output);
}

public readonly struct N65536 : IShape
{
    public static int Length => 65536;
    public static int BatchRows => 1;
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output) => K65536.Softmax(input, output);
    public static void Softmax(ReadOnlySpan<double> input, Span<double> output) => K65536.Softmax(input, output);
    public static void SoftmaxRows(ReadOnlySpan<float> input, Span<float> output) => K65536.SoftmaxRows(input, output);
    public static void SoftmaxRows(ReadOnlySpan<double> input, Span<double> output) => K65536.SoftmaxRows(input, output);
}
