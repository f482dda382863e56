using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>
/// An experiment for the kernel owners, not a product: the generated three-pass Vector256 kernel for N = 1024, copied
/// as generated, with one change - the exponential's polynomial is evaluated with Estrin's scheme instead of Horner's
/// (same coefficients, so the same accuracy up to rounding). Horner makes every polynomial step wait for the previous
/// one (5 dependent FMAs in float, 13 in double); the JIT disassembly shows the loop is bound by that chain, not by the
/// FMA ports. See docs/performance.md, "What limits each size now".
/// </summary>
public static class ProposedKernels
{
    public static void Single1024Estrin(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != 1024 || output.Length != 1024 || !Vector256.IsHardwareAccelerated || !Fma.IsSupported)
        {
            throw new PlatformNotSupportedException("The experiment needs rows of 1024 values and AVX2 + FMA.");
        }

        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        Vector256<float> a0 = Vector256.LoadUnsafe(ref x);
        Vector256<float> a1 = Vector256.LoadUnsafe(ref x, 8);
        Vector256<float> a2 = Vector256.LoadUnsafe(ref x, 16);
        Vector256<float> a3 = Vector256.LoadUnsafe(ref x, 24);
        for (nuint i = 32; i <= 992; i += 32)
        {
            a0 = Vector256.MaxNative(a0, Vector256.LoadUnsafe(ref x, i));
            a1 = Vector256.MaxNative(a1, Vector256.LoadUnsafe(ref x, i + 8));
            a2 = Vector256.MaxNative(a2, Vector256.LoadUnsafe(ref x, i + 16));
            a3 = Vector256.MaxNative(a3, Vector256.LoadUnsafe(ref x, i + 24));
        }

        Vector256<float> mv = Vector256.MaxNative(Vector256.MaxNative(a0, a1), Vector256.MaxNative(a2, a3));
        Vector128<float> h = Vector128.MaxNative(mv.GetLower(), mv.GetUpper());
        h = Vector128.MaxNative(h, Vector128.Shuffle(h, Vector128.Create(2, 3, 0, 1)));
        h = Vector128.MaxNative(h, Vector128.Shuffle(h, Vector128.Create(1, 0, 3, 2)));
        Vector256<float> m = Vector256.Create(h.ToScalar());

        Vector256<float> sum = Vector256<float>.Zero;
        for (nuint b = 0; b < 1024; b += 512)
        {
            Vector256<float> block = Vector256<float>.Zero;
            for (nuint j = b; j < b + 512; j += 8)
            {
                Vector256<float> e = ExpEstrin(Vector256.LoadUnsafe(ref x, j) - m);
                Vector256.StoreUnsafe(e, ref y, j);
                block += e;
            }

            sum += block;
        }

        Vector128<float> s = sum.GetLower() + sum.GetUpper();
        s += Vector128.Shuffle(s, Vector128.Create(2, 3, 0, 1));
        s += Vector128.Shuffle(s, Vector128.Create(1, 0, 3, 2));
        Vector256<float> scale = Vector256.Create(1f / s.ToScalar());
        for (nuint j = 0; j < 1024; j += 8)
        {
            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref y, j) * scale, ref y, j);
        }
    }

    public static void Double1024Estrin(ReadOnlySpan<double> input, Span<double> output)
    {
        if (input.Length != 1024 || output.Length != 1024 || !Vector256.IsHardwareAccelerated || !Fma.IsSupported)
        {
            throw new PlatformNotSupportedException("The experiment needs rows of 1024 values and AVX2 + FMA.");
        }

        ref double x = ref MemoryMarshal.GetReference(input);
        ref double y = ref MemoryMarshal.GetReference(output);
        Vector256<double> a0 = Vector256.LoadUnsafe(ref x);
        Vector256<double> a1 = Vector256.LoadUnsafe(ref x, 4);
        Vector256<double> a2 = Vector256.LoadUnsafe(ref x, 8);
        Vector256<double> a3 = Vector256.LoadUnsafe(ref x, 12);
        for (nuint i = 16; i <= 1008; i += 16)
        {
            a0 = Vector256.MaxNative(a0, Vector256.LoadUnsafe(ref x, i));
            a1 = Vector256.MaxNative(a1, Vector256.LoadUnsafe(ref x, i + 4));
            a2 = Vector256.MaxNative(a2, Vector256.LoadUnsafe(ref x, i + 8));
            a3 = Vector256.MaxNative(a3, Vector256.LoadUnsafe(ref x, i + 12));
        }

        Vector256<double> mv = Vector256.MaxNative(Vector256.MaxNative(a0, a1), Vector256.MaxNative(a2, a3));
        Vector128<double> h = Vector128.MaxNative(mv.GetLower(), mv.GetUpper());
        h = Vector128.MaxNative(h, Vector128.Shuffle(h, Vector128.Create(1L, 0L)));
        Vector256<double> m = Vector256.Create(h.ToScalar());

        Vector256<double> sum = Vector256<double>.Zero;
        for (nuint b = 0; b < 1024; b += 256)
        {
            Vector256<double> block = Vector256<double>.Zero;
            for (nuint j = b; j < b + 256; j += 4)
            {
                Vector256<double> e = ExpEstrin(Vector256.LoadUnsafe(ref x, j) - m);
                Vector256.StoreUnsafe(e, ref y, j);
                block += e;
            }

            sum += block;
        }

        Vector128<double> s = sum.GetLower() + sum.GetUpper();
        s += Vector128.Shuffle(s, Vector128.Create(1L, 0L));
        Vector256<double> scale = Vector256.Create(1d / s.ToScalar());
        for (nuint j = 0; j < 1024; j += 4)
        {
            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref y, j) * scale, ref y, j);
        }
    }

    /// <summary>The generated float exp (same constants), with P(r) by Estrin: depth 3 FMAs instead of 5.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpEstrin(Vector256<float> y)
    {
        Vector256<float> t = Fma.MultiplyAdd(y, Vector256.Create(1.442695f), Vector256.Create(12583039f));
        Vector256<float> n = t - Vector256.Create(12583039f);
        Vector256<float> r = Fma.MultiplyAdd(n, Vector256.Create(-0.6933594f), y);
        r = Fma.MultiplyAdd(n, Vector256.Create(0.00021219444f), r);
        Vector256<float> r2 = r * r;
        // P(r) = c5 + c4 r + c3 r^2 + c2 r^3 + c1 r^4 + c0 r^5 (c0 first, as in the generator's table).
        Vector256<float> pa = Fma.MultiplyAdd(Vector256.Create(0.16666666f), r, Vector256.Create(0.5f));
        Vector256<float> pb = Fma.MultiplyAdd(Vector256.Create(0.008333452f), r, Vector256.Create(0.041665796f));
        Vector256<float> pc = Fma.MultiplyAdd(Vector256.Create(0.00019875691f), r, Vector256.Create(0.0013981999f));
        Vector256<float> p = Fma.MultiplyAdd(Fma.MultiplyAdd(pc, r2, pb), r2, pa);
        p = Fma.MultiplyAdd(p, r2, r + Vector256.Create(1f));
        Vector256<float> scale = Vector256.ShiftLeft(t.AsInt32(), 23).AsSingle();
        return Vector256.AndNot(p * scale, Vector256.LessThan(y, Vector256.Create(-87.33654f)));
    }

    /// <summary>The generated double exp (same degree-13 Taylor polynomial), by Estrin: depth ~4 FMAs instead of 13.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpEstrin(Vector256<double> y)
    {
        Vector256<double> t = Fma.MultiplyAdd(y, Vector256.Create(1.4426950408889634d), Vector256.Create(6755399441056767d));
        Vector256<double> n = t - Vector256.Create(6755399441056767d);
        Vector256<double> r = Fma.MultiplyAdd(n, Vector256.Create(-0.6931471803691238d), y);
        r = Fma.MultiplyAdd(n, Vector256.Create(-1.9082149292705877E-10d), r);
        Vector256<double> r2 = r * r;
        Vector256<double> r4 = r2 * r2;
        Vector256<double> r8 = r4 * r4;
        Vector256<double> q0 = Fma.MultiplyAdd(r, Vector256.Create(1d), Vector256.Create(1d));
        Vector256<double> q1 = Fma.MultiplyAdd(r, Vector256.Create(1d / 6), Vector256.Create(0.5d));
        Vector256<double> q2 = Fma.MultiplyAdd(r, Vector256.Create(1d / 120), Vector256.Create(1d / 24));
        Vector256<double> q3 = Fma.MultiplyAdd(r, Vector256.Create(1d / 5040), Vector256.Create(1d / 720));
        Vector256<double> q4 = Fma.MultiplyAdd(r, Vector256.Create(1d / 362880), Vector256.Create(1d / 40320));
        Vector256<double> q5 = Fma.MultiplyAdd(r, Vector256.Create(1d / 39916800), Vector256.Create(1d / 3628800));
        Vector256<double> q6 = Fma.MultiplyAdd(r, Vector256.Create(1d / 6227020800), Vector256.Create(1d / 479001600));
        Vector256<double> s0 = Fma.MultiplyAdd(q1, r2, q0);
        Vector256<double> s1 = Fma.MultiplyAdd(q3, r2, q2);
        Vector256<double> s2 = Fma.MultiplyAdd(q5, r2, q4);
        Vector256<double> u0 = Fma.MultiplyAdd(s1, r4, s0);
        Vector256<double> u1 = Fma.MultiplyAdd(q6, r4, s2);
        Vector256<double> p = Fma.MultiplyAdd(u1, r8, u0);
        Vector256<double> scale = Vector256.ShiftLeft(t.AsInt64(), 52).AsDouble();
        return Vector256.AndNot(p * scale, Vector256.LessThan(y, Vector256.Create(-708.3964185322641d)));
    }
}

/// <summary>float, N = 1024: the generated kernel vs the same kernel with an Estrin polynomial (see <see cref="ProposedKernels"/>).</summary>
public class SingleProposal
{
    private readonly float[] _input = Inputs.Single(1024);
    private readonly float[] _output = new float[1024];

    public static string ElementType => "float";

    public static int RowLength => 1024;

    public static int Rows => 1;

    [GlobalSetup]
    public void Check()
    {
        var expected = new float[1024];
        K1024.Softmax(_input, expected);
        ProposedKernels.Single1024Estrin(_input, _output);
        for (int i = 0; i < expected.Length; i++)
        {
            if (MathF.Abs(_output[i] - expected[i]) > 4e-7f * expected[i])
            {
                throw new InvalidOperationException($"Estrin float kernel differs at {i}: {_output[i]} vs {expected[i]}");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public void CurrentKernel() => K1024.Softmax(_input, _output);

    [Benchmark]
    public void EstrinExp() => ProposedKernels.Single1024Estrin(_input, _output);
}

/// <summary>double, N = 1024: the generated kernel vs the same kernel with an Estrin polynomial (see <see cref="ProposedKernels"/>).</summary>
public class DoubleProposal
{
    private readonly double[] _input = Inputs.Double(1024);
    private readonly double[] _output = new double[1024];

    public static string ElementType => "double";

    public static int RowLength => 1024;

    public static int Rows => 1;

    [GlobalSetup]
    public void Check()
    {
        var expected = new double[1024];
        K1024.Softmax(_input, expected);
        ProposedKernels.Double1024Estrin(_input, _output);
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(_output[i] - expected[i]) > 1e-15 * expected[i])
            {
                throw new InvalidOperationException($"Estrin double kernel differs at {i}: {_output[i]} vs {expected[i]}");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public void CurrentKernel() => K1024.Softmax(_input, _output);

    [Benchmark]
    public void EstrinExp() => ProposedKernels.Double1024Estrin(_input, _output);
}
