using System;
using System.Numerics;

namespace SoftmaxGenerators.Accuracy;

/// <summary>
/// Softmax references. Float: double arithmetic with x - max exact (float differences are exact in double), relative
/// error ~1e-16, far below a float ULP. Double: each exponential in 128-bit fixed point (BigInteger), rounded to a
/// double-double; double-double sum and division; relative error ~1e-30.
/// </summary>
public static class ExactReference
{
    private const int FractionBits = 128;
    private static readonly BigInteger One = BigInteger.One << FractionBits;
    private static readonly BigInteger Ln2 = ComputeLn2();

    public static double[] Single(ReadOnlySpan<float> x)
    {
        double max = double.NegativeInfinity;
        foreach (float v in x)
        {
            max = Math.Max(max, v);
        }

        var e = new double[x.Length];
        double sum = 0, compensation = 0;
        for (int i = 0; i < x.Length; i++)
        {
            e[i] = Math.Exp((double)x[i] - max);
            double t = sum + e[i];
            compensation += Math.Abs(sum) >= e[i] ? (sum - t) + e[i] : (e[i] - t) + sum;
            sum = t;
        }

        sum += compensation;
        for (int i = 0; i < x.Length; i++)
        {
            e[i] /= sum;
        }

        return e;
    }

    /// <summary>The double-precision softmax as double-doubles (hi, lo).</summary>
    public static (double Hi, double Lo)[] Double(ReadOnlySpan<double> x)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x)
        {
            max = Math.Max(max, v);
        }

        BigInteger m = ToFixed(max);
        var e = new (double Hi, double Lo)[x.Length];
        (double Hi, double Lo) sum = (0, 0);
        for (int i = 0; i < x.Length; i++)
        {
            e[i] = Exp(ToFixed(x[i]) - m);
            sum = Add(sum, e[i]);
        }

        for (int i = 0; i < x.Length; i++)
        {
            e[i] = Divide(e[i], sum);
        }

        return e;
    }

    private static BigInteger ComputeLn2()
    {
        // ln 2 = Σ 1 / (k 2^k), with 32 guard bits.
        BigInteger one = BigInteger.One << (FractionBits + 32);
        BigInteger sum = BigInteger.Zero;
        for (int k = 1; k < FractionBits + 40; k++)
        {
            sum += (one >> k) / k;
        }

        return sum >> 32;
    }

    internal static BigInteger ToFixed(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        int shift = exponent - 1075 + FractionBits;
        BigInteger fixedPoint = shift >= 0 ? new BigInteger(mantissa) << shift : new BigInteger(mantissa) >> -shift;
        return negative ? -fixedPoint : fixedPoint;
    }

    /// <summary>exp(y) for a fixed-point y ≤ 0, as a double-double.</summary>
    internal static (double Hi, double Lo) Exp(BigInteger y)
    {
        double approximate = (double)y / Math.Pow(2, FractionBits);
        if (approximate < -1100)
        {
            return (0, 0);
        }

        long k = (long)Math.Round(approximate / Math.Log(2));
        BigInteger r = y - (k * Ln2);
        BigInteger term = One, sum = One;
        for (int i = 1; i < 60 && !term.IsZero; i++)
        {
            term = (term * r >> FractionBits) / i;
            sum += term;
        }

        double hi = (double)sum;
        double lo = (double)(sum - new BigInteger(hi));
        int scale = (int)k - FractionBits;
        return (Math.ScaleB(hi, scale), Math.ScaleB(lo, scale));
    }

    private static (double Hi, double Lo) Add((double Hi, double Lo) a, (double Hi, double Lo) b)
    {
        double s = a.Hi + b.Hi;
        double bb = s - a.Hi;
        double error = (a.Hi - (s - bb)) + (b.Hi - bb) + a.Lo + b.Lo;
        double hi = s + error;
        return (hi, error - (hi - s));
    }

    private static (double Hi, double Lo) Divide((double Hi, double Lo) a, (double Hi, double Lo) b)
    {
        double q = a.Hi / b.Hi;
        double remainder = Math.FusedMultiplyAdd(-q, b.Hi, a.Hi) - (q * b.Lo) + a.Lo;
        double correction = remainder / b.Hi;
        double hi = q + correction;
        return (hi, correction - (hi - q));
    }
}
