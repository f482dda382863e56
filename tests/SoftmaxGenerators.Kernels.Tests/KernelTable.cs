using System;
using System.Collections.Generic;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>A generated kernel under test, reached through delegates to its generated methods.</summary>
public sealed class Kernel
{
    public delegate void Rows<T>(ReadOnlySpan<T> input, Span<T> output);

    public delegate void InPlace<T>(Span<T> values);

    public required int Length { get; init; }

    public required Rows<float> SingleRow { get; init; }

    public required InPlace<float> SingleInPlace { get; init; }

    public required Rows<float> SingleRows { get; init; }

    public required Rows<double> DoubleRow { get; init; }

    public required InPlace<double> DoubleInPlace { get; init; }

    public required Rows<double> DoubleRows { get; init; }

    public override string ToString() => "N=" + Length;
}

public static class KernelTable
{
    private static Kernel K(int n, Kernel.Rows<float> f, Kernel.InPlace<float> fi, Kernel.Rows<float> fr, Kernel.Rows<double> d, Kernel.InPlace<double> di, Kernel.Rows<double> dr) =>
        new() { Length = n, SingleRow = f, SingleInPlace = fi, SingleRows = fr, DoubleRow = d, DoubleInPlace = di, DoubleRows = dr };

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
    };

    public static IEnumerable<object[]> Lengths()
    {
        for (int i = 0; i < All.Count; i++)
        {
            yield return new object[] { All[i].Length };
        }
    }

    public static Kernel Get(int length)
    {
        foreach (Kernel kernel in All)
        {
            if (kernel.Length == length)
            {
                return kernel;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(length));
    }
}
