using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>
/// A hand-written prototype of the two-pass ("extended exponent", Dukhan and Ablavatski) float softmax, Vector256 only,
/// for the A/B comparison with the generated three-pass kernels on long rows (<c>--interleaved --only TwoPass</c>).
/// Pass 1 reads the row once and keeps, per lane, the sum of exp(x) as a mantissa sum s and an exponent E (the largest
/// k = round(x / ln 2) seen so far): s = s 2^(E_old - E_new) + p(r) 2^(k - E_new), the powers of two built in the
/// exponent bits and flushed to 0 below 2^-126. No maximum pass, no stores. Pass 2 recomputes p(r) 2^(k - E) for each
/// element (E folded into the magic bias, as the generated kernels fold the row maximum) and multiplies by 1 / s.
/// The exponential is the one of the generated float kernels (same magic-bias rounding, two-constant Cody-Waite
/// reduction, same polynomial coefficients).
/// Rows with a NaN or +inf, or whose largest element is beyond +-16384 (where the generated kernels subtract the maximum
/// first) go to <c>fallback</c>: pass 1 writes nothing, so the fallback can always start over (in place too).
/// </summary>
public static unsafe class TwoPass
{
    // The float exponential of the generated kernels (KernelEmitter, Fast mode).
    private const float Log2E = 1.442695f;
    private const float Ln2Hi = 0.6933594f;
    private const float Ln2Lo = -0.00021219444f;
    private const float C0 = 0.0013926176f, C1 = 0.008363173f, C2 = 0.041666556f, C3 = 0.16666578f, C4 = 0.5f;

    /// <summary>1.5 * 2^23: adding it rounds to an integer, held in the low mantissa bits.</summary>
    private const float MagicBase = 12582912f;

    /// <summary>Inputs below this are clamped to it (their exponential is flushed to 0 in any row not sent to the fallback).</summary>
    private const float Low = -16384f;

    /// <summary>Rows whose largest k = round(x / ln 2) is above this, or below <see cref="KLowLimit"/>, take the fallback.</summary>
    private const int KHighLimit = 23637; // round(16384 / ln 2)
    private const int KLowLimit = -23637 + 200;

    private const int Block = 512;

    public delegate void Kernel(ReadOnlySpan<float> input, Span<float> output);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Poly(Vector256<float> r)
    {
        Vector256<float> p = Fma.MultiplyAdd(Vector256.Create(C0), r, Vector256.Create(C1));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(C2));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(C3));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(C4));
        return Fma.MultiplyAdd(p, r * r, r + Vector256.Create(1f));
    }

    /// <summary>2^d for d = (bits - 127) &lt;= 0 given as the biased exponent d + 127 (0 or less gives +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pow2Biased(Vector256<int> biased) =>
        Avx2.ShiftLeftLogical(Avx2.Max(biased, Vector256<int>.Zero), 23).AsSingle();

    public static void Softmax(ReadOnlySpan<float> input, Span<float> output, bool nonTemporal, Kernel fallback)
    {
        int n = input.Length;
        if (!Fma.IsSupported || !Avx2.IsSupported || n % Block != 0 || output.Length != n)
        {
            fallback(input, output);
            return;
        }

        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);

        // Pass 1: per lane, the sum of exp(x) as s 2^E, summed in blocks (block: sb 2^Eb).
        Vector256<float> magic = Vector256.Create(MagicBase);
        Vector256<float> low = Vector256.Create(Low);
        Vector256<int> bias127 = Vector256.Create(127);
        Vector256<float> s = Vector256<float>.Zero;
        Vector256<int> e = Vector256<int>.Zero; // below the bits of any t: "no element yet"
        Vector256<float> check = Vector256<float>.Zero;        // the plain sum of x: NaN or +inf if the row has either
        for (nuint b = 0; b < (nuint)n; b += Block)
        {
            Vector256<float> sb = Vector256<float>.Zero;
            Vector256<int> eb = Vector256<int>.Zero;
            for (nuint j = b; j < b + Block; j += 8)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref x, j);
                check += v;
                Vector256<float> u = Avx.Max(v, low);
                Vector256<float> t = Fma.MultiplyAdd(u, Vector256.Create(Log2E), magic);
                Vector256<float> k = t - magic;
                Vector256<float> r = Fma.MultiplyAdd(k, Vector256.Create(-Ln2Hi), u);
                r = Fma.MultiplyAdd(k, Vector256.Create(-Ln2Lo), r);
                Vector256<float> p = Poly(r);
                Vector256<int> ti = t.AsInt32();
                Vector256<int> en = Avx2.Max(eb, ti);
                Vector256<int> enb = en - bias127;
                sb = Fma.MultiplyAdd(sb, Pow2Biased(eb - enb), p * Pow2Biased(ti - enb));
                eb = en;
            }

            Vector256<int> em = Avx2.Max(e, eb);
            Vector256<int> emb = em - bias127;
            s = Fma.MultiplyAdd(s, Pow2Biased(e - emb), sb * Pow2Biased(eb - emb));
            e = em;
        }

        // Across lanes: E = max E_l, s = sum s_l 2^(E_l - E).
        Vector256<int> all = Avx2.Max(e, Avx2.Permute2x128(e, e, 1));
        all = Avx2.Max(all, Avx2.Shuffle(all, 0b01_00_11_10));
        all = Avx2.Max(all, Avx2.Shuffle(all, 0b10_11_00_01));
        Vector256<float> scaled = s * Pow2Biased(e - (all - bias127));
        float sum = Vector256.Sum(scaled);
        int kMax = all.ToScalar() - BitConverter.SingleToInt32Bits(MagicBase);
        float checkSum = Vector256.Sum(check);
        if (float.IsNaN(checkSum) || float.IsPositiveInfinity(checkSum) || kMax > KHighLimit || kMax < KLowLimit)
        {
            fallback(input, output);
            return;
        }

        // Pass 2: p(r) 2^(k - E) / s, with E folded into the magic bias (t's low bits hold k - E + 127).
        Vector256<float> bias = Vector256.Create(MagicBase + 127 - kMax);
        Vector256<float> scale = Vector256.Create(1f / sum);
        Vector256<float> smallest = Vector256.Create(MagicBase + 1);
        if (nonTemporal && ((nuint)Unsafe.AsPointer(ref y) & 31) == 0)
        {
            for (nuint j = 0; j < (nuint)n; j += 8)
            {
                unsafe
                {
                    Avx.StoreAlignedNonTemporal((float*)Unsafe.AsPointer(ref Unsafe.Add(ref y, j)), Scaled(Vector256.LoadUnsafe(ref x, j), bias, scale, low, smallest));
                }
            }

            Sse.StoreFence();
        }
        else
        {
            for (nuint j = 0; j < (nuint)n; j += 8)
            {
                Vector256.StoreUnsafe(Scaled(Vector256.LoadUnsafe(ref x, j), bias, scale, low, smallest), ref y, j);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Scaled(Vector256<float> v, Vector256<float> bias, Vector256<float> scale, Vector256<float> low, Vector256<float> smallest)
    {
        Vector256<float> u = Avx.Max(v, low);
        Vector256<float> t = Fma.MultiplyAdd(u, Vector256.Create(Log2E), bias);
        Vector256<float> k = t - bias;
        Vector256<float> r = Fma.MultiplyAdd(k, Vector256.Create(-Ln2Hi), u);
        r = Fma.MultiplyAdd(k, Vector256.Create(-Ln2Lo), r);
        Vector256<float> p = Poly(r);
        Vector256<float> pow = Avx2.ShiftLeftLogical(t.AsInt32(), 23).AsSingle();
        return Vector256.AndNot(p * pow * scale, Vector256.LessThan(t, smallest));
    }

    /// <summary>
    /// The two-pass form with a lazily updated reference exponent instead of one per vector: pass 1 sums
    /// p(r) 2^(k - E) with E fixed for a block of 512 values (folded into the magic bias, exactly the generated
    /// kernels' exponential), and keeps the largest t of the block; E is raised only when a block holds a k more than
    /// 64 above it (the block is summed again from L1 when more than 126 above, where the exponent bits would wrap).
    /// At the end E becomes the row's largest k, so pass 2 computes the same exponentials as the three-pass kernel.
    /// </summary>
    public static void SoftmaxLazy(ReadOnlySpan<float> input, Span<float> output, bool nonTemporal, Kernel fallback)
    {
        int n = input.Length;
        if (!Fma.IsSupported || !Avx2.IsSupported || n % Block != 0 || output.Length != n)
        {
            fallback(input, output);
            return;
        }

        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);

        // The first reference exponent: k of the largest value of the first block (clamped into the kernel's range).
        Vector256<float> m = Vector256.LoadUnsafe(ref x);
        for (nuint j = 8; j < Block; j += 8)
        {
            m = Avx.Max(m, Vector256.LoadUnsafe(ref x, j));
        }

        float first = MathF.Max(MathF.Max(MathF.Max(m[0], m[1]), MathF.Max(m[2], m[3])), MathF.Max(MathF.Max(m[4], m[5]), MathF.Max(m[6], m[7])));
        if (float.IsNaN(first))
        {
            fallback(input, output);
            return;
        }

        int e = (int)MathF.Round(Math.Clamp(first, -16384f, 16384f) * Log2E);
        Vector256<float> s = Vector256<float>.Zero;
        Vector256<float> kTop = Vector256.Create(float.NegativeInfinity); // the largest k of the row
        Vector256<float> magic = Vector256.Create(MagicBase);
        Vector256<float> smallest = Vector256.Create(MagicBase + 1);
        for (nuint b = 0; b < (nuint)n; b += Block)
        {
        again:
            Vector256<float> bias = Vector256.Create(MagicBase + 127 - e);
            Vector256<float> sb = Vector256<float>.Zero;
            Vector256<float> tb = Vector256.Create(float.NegativeInfinity);
            for (nuint j = b; j < b + Block; j += 8)
            {
                Vector256<float> u = Vector256.LoadUnsafe(ref x, j);
                Vector256<float> t = Fma.MultiplyAdd(u, Vector256.Create(Log2E), bias);
                Vector256<float> k = t - bias;
                Vector256<float> r = Fma.MultiplyAdd(k, Vector256.Create(-Ln2Hi), u);
                r = Fma.MultiplyAdd(k, Vector256.Create(-Ln2Lo), r);
                Vector256<float> p = Poly(r);
                Vector256<float> pow = Avx2.ShiftLeftLogical(t.AsInt32(), 23).AsSingle();
                sb += Vector256.AndNot(p * pow, Vector256.LessThan(t, smallest));
                tb = Avx.Max(tb, t);
            }

            Vector256<float> kb = tb - bias; // the largest k of the block, per lane
            kTop = Avx.Max(kTop, kb);
            if (Vector256.GreaterThanAny(kb, Vector256.Create((float)(e + 64))))
            {
                float top = MathF.Max(MathF.Max(MathF.Max(kb[0], kb[1]), MathF.Max(kb[2], kb[3])), MathF.Max(MathF.Max(kb[4], kb[5]), MathF.Max(kb[6], kb[7])));
                if (!(top <= KHighLimit))
                {
                    fallback(input, output); // +inf, or beyond the range of the bias
                    return;
                }

                int raised = (int)top;
                s *= Vector256.Create(Pow2(e - raised));
                bool redo = raised - e > 126;
                if (!redo)
                {
                    sb *= Vector256.Create(Pow2(e - raised));
                }

                e = raised;
                if (redo)
                {
                    goto again;
                }
            }

            s += sb;
        }

        float kMaxF = MathF.Max(MathF.Max(MathF.Max(kTop[0], kTop[1]), MathF.Max(kTop[2], kTop[3])), MathF.Max(MathF.Max(kTop[4], kTop[5]), MathF.Max(kTop[6], kTop[7])));
        float sum = Vector256.Sum(s);
        if (!(kMaxF >= KLowLimit) || !(kMaxF <= KHighLimit) || !float.IsFinite(sum) || sum == 0)
        {
            fallback(input, output);
            return;
        }

        int kMax = (int)kMaxF;
        sum *= Pow2(e - kMax); // e <= kMax <= e + 64

        // Pass 2: exactly as above, with the row's largest k in the bias.
        Vector256<float> bias2 = Vector256.Create(MagicBase + 127 - kMax);
        Vector256<float> scale = Vector256.Create(1f / sum);
        if (nonTemporal && ((nuint)Unsafe.AsPointer(ref y) & 31) == 0)
        {
            for (nuint j = 0; j < (nuint)n; j += 8)
            {
                Avx.StoreAlignedNonTemporal((float*)Unsafe.AsPointer(ref Unsafe.Add(ref y, j)), Exp(Vector256.LoadUnsafe(ref x, j), bias2, smallest) * scale);
            }

            Sse.StoreFence();
        }
        else
        {
            for (nuint j = 0; j < (nuint)n; j += 8)
            {
                Vector256.StoreUnsafe(Exp(Vector256.LoadUnsafe(ref x, j), bias2, smallest) * scale, ref y, j);
            }
        }
    }

    private static float Pow2(int d) => d < -126 ? 0f : BitConverter.Int32BitsToSingle((d + 127) << 23);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> u, Vector256<float> bias, Vector256<float> smallest)
    {
        Vector256<float> t = Fma.MultiplyAdd(u, Vector256.Create(Log2E), bias);
        Vector256<float> k = t - bias;
        Vector256<float> r = Fma.MultiplyAdd(k, Vector256.Create(-Ln2Hi), u);
        r = Fma.MultiplyAdd(k, Vector256.Create(-Ln2Lo), r);
        Vector256<float> p = Poly(r);
        Vector256<float> pow = Avx2.ShiftLeftLogical(t.AsInt32(), 23).AsSingle();
        return Vector256.AndNot(p * pow, Vector256.LessThan(t, smallest));
    }
}
