using System;
using System.Collections.Generic;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>A generated kernel under test, reached through delegates to its generated methods.</summary>
public sealed class Kernel
{
    public delegate void Rows<T>(ReadOnlySpan<T> input, Span<T> output);

    public delegate void InPlace<T>(Span<T> values);

    public required int Length { get; init; }

    public bool Accurate { get; init; }

    public required Rows<float> SingleRow { get; init; }

    public required InPlace<float> SingleInPlace { get; init; }

    public required Rows<float> SingleRows { get; init; }

    public required Rows<double> DoubleRow { get; init; }

    public required InPlace<double> DoubleInPlace { get; init; }

    public required Rows<double> DoubleRows { get; init; }

    public override string ToString() => "N=" + Length + (Accurate ? " accurate" : string.Empty);
}

public static class KernelTable
{
    private static Kernel K(int n, Kernel.Rows<float> f, Kernel.InPlace<float> fi, Kernel.Rows<float> fr, Kernel.Rows<double> d, Kernel.InPlace<double> di, Kernel.Rows<double> dr) =>
        new() { Length = n, SingleRow = f, SingleInPlace = fi, SingleRows = fr, DoubleRow = d, DoubleInPlace = di, DoubleRows = dr };

    private static Kernel A(int n, Kernel.Rows<float> f, Kernel.InPlace<float> fi, Kernel.Rows<float> fr, Kernel.Rows<double> d, Kernel.InPlace<double> di, Kernel.Rows<double> dr) =>
        new() { Length = n, Accurate = true, SingleRow = f, SingleInPlace = fi, SingleRows = fr, DoubleRow = d, DoubleInPlace = di, DoubleRows = dr };

    public static readonly IReadOnlyList<Kernel> All = new[]
    {
        K(1, K1.Softmax, K1.Softmax, K1.SoftmaxRows, K1.Softmax, K1.Softmax, K1.SoftmaxRows),
        K(2, K2.Softmax, K2.Softmax, K2.SoftmaxRows, K2.Softmax, K2.Softmax, K2.SoftmaxRows),
        K(3, K3.Softmax, K3.Softmax, K3.SoftmaxRows, K3.Softmax, K3.Softmax, K3.SoftmaxRows),
        K(7, K7.Softmax, K7.Softmax, K7.SoftmaxRows, K7.Softmax, K7.Softmax, K7.SoftmaxRows),
        K(8, K8.Softmax, K8.Softmax, K8.SoftmaxRows, K8.Softmax, K8.Softmax, K8.SoftmaxRows),
        K(9, K9.Softmax, K9.Softmax, K9.SoftmaxRows, K9.Softmax, K9.Softmax, K9.SoftmaxRows),
        K(10, K10.Softmax, K10.Softmax, K10.SoftmaxRows, K10.Softmax, K10.Softmax, K10.SoftmaxRows),
        K(15, K15.Softmax, K15.Softmax, K15.SoftmaxRows, K15.Softmax, K15.Softmax, K15.SoftmaxRows),
        K(16, K16.Softmax, K16.Softmax, K16.SoftmaxRows, K16.Softmax, K16.Softmax, K16.SoftmaxRows),
        K(17, K17.Softmax, K17.Softmax, K17.SoftmaxRows, K17.Softmax, K17.Softmax, K17.SoftmaxRows),
        K(31, K31.Softmax, K31.Softmax, K31.SoftmaxRows, K31.Softmax, K31.Softmax, K31.SoftmaxRows),
        K(32, K32.Softmax, K32.Softmax, K32.SoftmaxRows, K32.Softmax, K32.Softmax, K32.SoftmaxRows),
        K(33, K33.Softmax, K33.Softmax, K33.SoftmaxRows, K33.Softmax, K33.Softmax, K33.SoftmaxRows),
        K(63, K63.Softmax, K63.Softmax, K63.SoftmaxRows, K63.Softmax, K63.Softmax, K63.SoftmaxRows),
        K(64, K64.Softmax, K64.Softmax, K64.SoftmaxRows, K64.Softmax, K64.Softmax, K64.SoftmaxRows),
        K(65, K65.Softmax, K65.Softmax, K65.SoftmaxRows, K65.Softmax, K65.Softmax, K65.SoftmaxRows),
        K(100, K100.Softmax, K100.Softmax, K100.SoftmaxRows, K100.Softmax, K100.Softmax, K100.SoftmaxRows),
        K(127, K127.Softmax, K127.Softmax, K127.SoftmaxRows, K127.Softmax, K127.Softmax, K127.SoftmaxRows),
        K(128, K128.Softmax, K128.Softmax, K128.SoftmaxRows, K128.Softmax, K128.Softmax, K128.SoftmaxRows),
        K(129, K129.Softmax, K129.Softmax, K129.SoftmaxRows, K129.Softmax, K129.Softmax, K129.SoftmaxRows),
        K(255, K255.Softmax, K255.Softmax, K255.SoftmaxRows, K255.Softmax, K255.Softmax, K255.SoftmaxRows),
        K(256, K256.Softmax, K256.Softmax, K256.SoftmaxRows, K256.Softmax, K256.Softmax, K256.SoftmaxRows),
        K(1000, K1000.Softmax, K1000.Softmax, K1000.SoftmaxRows, K1000.Softmax, K1000.Softmax, K1000.SoftmaxRows),
        K(1024, K1024.Softmax, K1024.Softmax, K1024.SoftmaxRows, K1024.Softmax, K1024.Softmax, K1024.SoftmaxRows),
        K(4096, K4096.Softmax, K4096.Softmax, K4096.SoftmaxRows, K4096.Softmax, K4096.Softmax, K4096.SoftmaxRows),
        K(65536, K65536.Softmax, K65536.Softmax, K65536.SoftmaxRows, K65536.Softmax, K65536.Softmax, K65536.SoftmaxRows),
        A(1, K1.Accurate, K1.Accurate, K1.AccurateRows, K1.Accurate, K1.Accurate, K1.AccurateRows),
        A(2, K2.Accurate, K2.Accurate, K2.AccurateRows, K2.Accurate, K2.Accurate, K2.AccurateRows),
        A(3, K3.Accurate, K3.Accurate, K3.AccurateRows, K3.Accurate, K3.Accurate, K3.AccurateRows),
        A(7, K7.Accurate, K7.Accurate, K7.AccurateRows, K7.Accurate, K7.Accurate, K7.AccurateRows),
        A(8, K8.Accurate, K8.Accurate, K8.AccurateRows, K8.Accurate, K8.Accurate, K8.AccurateRows),
        A(9, K9.Accurate, K9.Accurate, K9.AccurateRows, K9.Accurate, K9.Accurate, K9.AccurateRows),
        A(10, K10.Accurate, K10.Accurate, K10.AccurateRows, K10.Accurate, K10.Accurate, K10.AccurateRows),
        A(15, K15.Accurate, K15.Accurate, K15.AccurateRows, K15.Accurate, K15.Accurate, K15.AccurateRows),
        A(16, K16.Accurate, K16.Accurate, K16.AccurateRows, K16.Accurate, K16.Accurate, K16.AccurateRows),
        A(17, K17.Accurate, K17.Accurate, K17.AccurateRows, K17.Accurate, K17.Accurate, K17.AccurateRows),
        A(31, K31.Accurate, K31.Accurate, K31.AccurateRows, K31.Accurate, K31.Accurate, K31.AccurateRows),
        A(32, K32.Accurate, K32.Accurate, K32.AccurateRows, K32.Accurate, K32.Accurate, K32.AccurateRows),
        A(33, K33.Accurate, K33.Accurate, K33.AccurateRows, K33.Accurate, K33.Accurate, K33.AccurateRows),
        A(63, K63.Accurate, K63.Accurate, K63.AccurateRows, K63.Accurate, K63.Accurate, K63.AccurateRows),
        A(64, K64.Accurate, K64.Accurate, K64.AccurateRows, K64.Accurate, K64.Accurate, K64.AccurateRows),
        A(65, K65.Accurate, K65.Accurate, K65.AccurateRows, K65.Accurate, K65.Accurate, K65.AccurateRows),
        A(100, K100.Accurate, K100.Accurate, K100.AccurateRows, K100.Accurate, K100.Accurate, K100.AccurateRows),
        A(127, K127.Accurate, K127.Accurate, K127.AccurateRows, K127.Accurate, K127.Accurate, K127.AccurateRows),
        A(128, K128.Accurate, K128.Accurate, K128.AccurateRows, K128.Accurate, K128.Accurate, K128.AccurateRows),
        A(129, K129.Accurate, K129.Accurate, K129.AccurateRows, K129.Accurate, K129.Accurate, K129.AccurateRows),
        A(255, K255.Accurate, K255.Accurate, K255.AccurateRows, K255.Accurate, K255.Accurate, K255.AccurateRows),
        A(256, K256.Accurate, K256.Accurate, K256.AccurateRows, K256.Accurate, K256.Accurate, K256.AccurateRows),
        A(1000, K1000.Accurate, K1000.Accurate, K1000.AccurateRows, K1000.Accurate, K1000.Accurate, K1000.AccurateRows),
        A(1024, K1024.Accurate, K1024.Accurate, K1024.AccurateRows, K1024.Accurate, K1024.Accurate, K1024.AccurateRows),
        A(4096, K4096.Accurate, K4096.Accurate, K4096.AccurateRows, K4096.Accurate, K4096.Accurate, K4096.AccurateRows),
        A(65536, K65536.Accurate, K65536.Accurate, K65536.AccurateRows, K65536.Accurate, K65536.Accurate, K65536.AccurateRows),
    };

    /// <summary>(length, accurate) for every kernel under test.</summary>
    public static IEnumerable<object[]> Lengths()
    {
        for (int i = 0; i < All.Count; i++)
        {
            yield return new object[] { All[i].Length, All[i].Accurate };
        }
    }

    public static Kernel Get(int length, bool accurate = false)
    {
        foreach (Kernel kernel in All)
        {
            if (kernel.Length == length && kernel.Accurate == accurate)
            {
                return kernel;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(length));
    }
}
