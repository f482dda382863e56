using System;
using System.Numerics;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// The softmax of a double row as double-doubles (hi, lo), as <see cref="SoftmaxGenerators.Accuracy.ExactReference.Double"/>
/// computes it but some hundred times faster, for the many long rows of the run-time-length tests: x - max exact as a
/// double-double, exp by reduction with a triple-double ln 2 and a table of exp(j/256) and a degree-10 Taylor
/// polynomial on |s| ≤ 1/512, all in double-double arithmetic (relative error about 1e-29); double-double sum and
/// division. <c>RuntimeApiTests</c> checks it against ExactReference to 1e-25 relative.
/// </summary>
public static class RuntimeDoubleReference
{
    private const int TableRadius = 100;

    private static readonly (double Hi, double Mid, double Lo) Ln2 = ComputeLn2();

    /// <summary>1 / i! for i = 0..30.</summary>
    private static readonly (double Hi, double Lo)[] InverseFactorials = ComputeInverseFactorials(30);

    /// <summary>exp(j / 256) for j = -TableRadius..TableRadius.</summary>
    private static readonly (double Hi, double Lo)[] Table = ComputeTable();

    /// <summary>The softmax of <paramref name="x"/> (finite values and -inf, at least one finite) as double-doubles.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static (double Hi, double Lo)[] Softmax(ReadOnlySpan<double> x)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x)
        {
            max = Math.Max(max, v);
        }

        var e = new (double Hi, double Lo)[x.Length];
        (double Hi, double Lo) sum = (0, 0);
        for (int i = 0; i < x.Length; i++)
        {
            e[i] = ExpOfDifference(x[i], max);
            sum = Add(sum, e[i]);
        }

        for (int i = 0; i < x.Length; i++)
        {
            e[i] = Divide(e[i], sum);
        }

        return e;
    }

    /// <summary>exp(a - b) for a ≤ b as a double-double; 0 below e^-1100.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static (double Hi, double Lo) ExpOfDifference(double a, double b)
    {
        (double dh, double dl) = TwoSum(a, -b);
        if (!(dh >= -1100))
        {
            return (0, 0);
        }

        double k = Math.Round(dh / Ln2.Hi);
        (double Hi, double Lo) r = Add((dh, dl), Negate(TwoProduct(k, Ln2.Hi)));
        r = Add(r, Negate(TwoProduct(k, Ln2.Mid)));
        r = Add(r, (-k * Ln2.Lo, 0));
        double j = Math.Round(r.Hi * 256);
        (double Hi, double Lo) s = Add(r, (-j / 256, 0));
        (double Hi, double Lo) result = Multiply(Table[(int)j + TableRadius], Taylor(s, 10));
        return (Math.ScaleB(result.Hi, (int)k), Math.ScaleB(result.Lo, (int)k));
    }

    /// <summary>Σ s^i / i! for i = 0..degree, by Horner's scheme in double-double.</summary>
    private static (double Hi, double Lo) Taylor((double Hi, double Lo) s, int degree)
    {
        (double Hi, double Lo) p = InverseFactorials[degree];
        for (int i = degree - 1; i >= 0; i--)
        {
            p = Add(Multiply(p, s), InverseFactorials[i]);
        }

        return p;
    }

    private static (double, double) TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        return (s, (a - (s - bb)) + (b - bb));
    }

    private static (double, double) FastTwoSum(double a, double b)
    {
        double s = a + b;
        return (s, b - (s - a));
    }

    private static (double, double) TwoProduct(double a, double b)
    {
        double p = a * b;
        return (p, Math.FusedMultiplyAdd(a, b, -p));
    }

    private static (double Hi, double Lo) Negate((double Hi, double Lo) a) => (-a.Hi, -a.Lo);

    /// <summary>Double-double addition that stays accurate under cancellation.</summary>
    private static (double Hi, double Lo) Add((double Hi, double Lo) a, (double Hi, double Lo) b)
    {
        (double s, double e) = TwoSum(a.Hi, b.Hi);
        (double t, double f) = TwoSum(a.Lo, b.Lo);
        e += t;
        (s, e) = FastTwoSum(s, e);
        e += f;
        return FastTwoSum(s, e);
    }

    private static (double Hi, double Lo) Multiply((double Hi, double Lo) a, (double Hi, double Lo) b)
    {
        (double p, double e) = TwoProduct(a.Hi, b.Hi);
        e += (a.Hi * b.Lo) + (a.Lo * b.Hi);
        return FastTwoSum(p, e);
    }

    private static (double Hi, double Lo) Divide((double Hi, double Lo) a, (double Hi, double Lo) b)
    {
        double q = a.Hi / b.Hi;
        (double Hi, double Lo) remainder = Add(a, Negate(Multiply((q, 0), b)));
        double correction = remainder.Hi / b.Hi;
        (double Hi, double Lo) first = FastTwoSum(q, correction);
        remainder = Add(a, Negate(Multiply(first, b)));
        return Add(first, (remainder.Hi / b.Hi, 0));
    }

    private static (double, double, double) ComputeLn2()
    {
        // ln 2 = Σ 1 / (k 2^k) in 240-bit fixed point, split exactly into three doubles.
        const int bits = 240;
        BigInteger one = BigInteger.One << (bits + 32);
        BigInteger sum = BigInteger.Zero;
        for (int k = 1; k < bits + 48; k++)
        {
            sum += (one >> k) / k;
        }

        sum >>= 32;
        double hi = Math.ScaleB((double)sum, -bits);
        sum -= new BigInteger(Math.ScaleB(hi, bits));
        double mid = Math.ScaleB((double)sum, -bits);
        sum -= new BigInteger(Math.ScaleB(mid, bits));
        return (hi, mid, Math.ScaleB((double)sum, -bits));
    }

    private static (double, double)[] ComputeInverseFactorials(int count)
    {
        var result = new (double, double)[count + 1];
        (double Hi, double Lo) f = (1, 0);
        result[0] = f;
        for (int i = 1; i <= count; i++)
        {
            f = Divide(f, (i, 0));
            result[i] = f;
        }

        return result;
    }

    private static (double, double)[] ComputeTable()
    {
        var result = new (double, double)[(2 * TableRadius) + 1];
        for (int j = -TableRadius; j <= TableRadius; j++)
        {
            // |j / 256| < 0.4: 30 terms leave less than 1e-40.
            result[j + TableRadius] = Taylor((j / 256d, 0), 30);
        }

        return result;
    }
}
