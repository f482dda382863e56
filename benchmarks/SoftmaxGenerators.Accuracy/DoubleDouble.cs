using System;
using System.Numerics;

namespace SoftmaxGenerators.Accuracy;

/// <summary>
/// A double-double: the unevaluated sum <c>Hi + Lo</c> with |Lo| ≤ ulp(Hi)/2, about 106 bits of precision. The layer
/// references (<see cref="LayerReference"/>) are computed in it; the exponentials of double inputs come from
/// <see cref="ExactReference"/>'s 128-bit fixed point.
/// </summary>
internal readonly record struct DoubleDouble(double Hi, double Lo)
{
    public static readonly DoubleDouble Zero = new(0, 0);

    public static readonly DoubleDouble One = new(1, 0);

    public static implicit operator DoubleDouble(double value) => new(value, 0);

    public static DoubleDouble operator -(DoubleDouble a) => new(-a.Hi, -a.Lo);

    public static DoubleDouble operator +(DoubleDouble a, DoubleDouble b)
    {
        // Accurate addition (both parts two-summed), also under cancellation.
        (double s, double e) = TwoSum(a.Hi, b.Hi);
        (double t, double f) = TwoSum(a.Lo, b.Lo);
        e += t;
        (s, e) = QuickTwoSum(s, e);
        e += f;
        (s, e) = QuickTwoSum(s, e);
        return new(s, e);
    }

    public static DoubleDouble operator -(DoubleDouble a, DoubleDouble b) => a + (-b);

    public static DoubleDouble operator *(DoubleDouble a, DoubleDouble b)
    {
        double p = a.Hi * b.Hi;
        double e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p);
        e += (a.Hi * b.Lo) + (a.Lo * b.Hi);
        (p, e) = QuickTwoSum(p, e);
        return new(p, e);
    }

    public static DoubleDouble operator /(DoubleDouble a, DoubleDouble b)
    {
        double q1 = a.Hi / b.Hi;
        DoubleDouble r = a - (b * q1);
        double q2 = r.Hi / b.Hi;
        r -= b * q2;
        double q3 = r.Hi / b.Hi;
        (double hi, double lo) = QuickTwoSum(q1, q2);
        return new DoubleDouble(hi, lo) + q3;
    }

    /// <summary>The exact product of two doubles.</summary>
    public static DoubleDouble Product(double a, double b)
    {
        double p = a * b;
        return new(p, Math.FusedMultiplyAdd(a, b, -p));
    }

    public static DoubleDouble Abs(DoubleDouble a) => a.Hi < 0 || (a.Hi == 0 && a.Lo < 0) ? -a : a;

    public static int Compare(DoubleDouble a, DoubleDouble b) => a.Hi != b.Hi ? a.Hi.CompareTo(b.Hi) : a.Lo.CompareTo(b.Lo);

    /// <summary>exp(a) to about 2^-104 relative (128-bit fixed point, <see cref="ExactReference.Exp"/>).</summary>
    public static DoubleDouble Exp(DoubleDouble a)
    {
        (double hi, double lo) = ExactReference.Exp(ExactReference.ToFixed(a.Hi) + ExactReference.ToFixed(a.Lo));
        (hi, lo) = QuickTwoSum(hi, lo);
        return new(hi, lo);
    }

    /// <summary>
    /// log(1 + r) for r ≥ 0, to about 2^-100 relative: a series for r below 2^-20 (no cancellation near 0, where
    /// log-softmax, the loss and their errors are tiny), else one Newton step on the fixed-point exponential.
    /// </summary>
    public static DoubleDouble Log1P(DoubleDouble r)
    {
        if (r.Hi == 0)
        {
            return Zero;
        }

        if (r.Hi < 9.5367431640625E-07)
        {
            // r - r^2/2 + r^3/3 - ...: seven terms leave r^8/8 < 2^-160 r.
            DoubleDouble sum = r, power = r;
            for (int k = 2; k <= 8; k++)
            {
                power *= r;
                DoubleDouble term = power / k;
                sum = (k & 1) == 0 ? sum - term : sum + term;
            }

            return sum;
        }

        DoubleDouble s = One + r;
        double y0 = Math.Log(s.Hi);

        // s e^-y0 = 1 + d, log s = y0 + log1p(d) with |d| ~ 1e-16: d - d^2/2 is exact to 2^-106.
        DoubleDouble d = (s * Exp(-y0)) - One;
        return (DoubleDouble)y0 + d - (d * d * 0.5);
    }

    private static (double Sum, double Error) TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        return (s, (a - (s - bb)) + (b - bb));
    }

    private static (double Sum, double Error) QuickTwoSum(double a, double b)
    {
        double s = a + b;
        return (s, b - (s - a));
    }
}

/// <summary>
/// Exact references of the layer functions for one row, in double-double: from the exact arguments a (the inputs, or
/// the inputs times the inverse temperature), with m = max a, d_i = a_i - m (exact), e_i = exp(d_i), R = Σ e_i over all
/// but one maximum (so the sum is S = 1 + R) and log S = log1p(R), computed without cancellation near 0.
/// Float rows take e_i from Math.Exp (relative error ~1e-16, 1e-9 of a float ULP); double rows from the 128-bit
/// fixed-point exponential.
/// </summary>
internal sealed class LayerReference
{
    private LayerReference(DoubleDouble max, int argMax, DoubleDouble[] d, DoubleDouble[] e, DoubleDouble others)
    {
        Max = max;
        ArgMax = argMax;
        Shifted = d;
        Exponentials = e;
        Sum = DoubleDouble.One + others;
        LogSum = DoubleDouble.Log1P(others);
    }

    public DoubleDouble Max { get; }

    public int ArgMax { get; }

    /// <summary>d_i = a_i - max.</summary>
    public DoubleDouble[] Shifted { get; }

    /// <summary>e_i = exp(d_i).</summary>
    public DoubleDouble[] Exponentials { get; }

    /// <summary>S = Σ e_i.</summary>
    public DoubleDouble Sum { get; }

    /// <summary>log S.</summary>
    public DoubleDouble LogSum { get; }

    public static LayerReference Of(DoubleDouble[] a, bool fixedPointExp)
    {
        int argMax = 0;
        for (int i = 1; i < a.Length; i++)
        {
            if (DoubleDouble.Compare(a[i], a[argMax]) > 0)
            {
                argMax = i;
            }
        }

        DoubleDouble max = a[argMax];
        var d = new DoubleDouble[a.Length];
        var e = new DoubleDouble[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            d[i] = a[i] - max;
            if (i == argMax)
            {
                e[i] = DoubleDouble.One;
            }
            else if (fixedPointExp)
            {
                e[i] = DoubleDouble.Exp(d[i]);
            }
            else
            {
                // exp(hi + lo) = exp(hi) (1 + lo) to 1e-16: enough for a float reference.
                double hi = Math.Exp(d[i].Hi);
                e[i] = hi + (hi * d[i].Lo);
            }
        }

        DoubleDouble others = DoubleDouble.Zero;
        for (int i = 0; i < e.Length; i++)
        {
            others += i == argMax ? DoubleDouble.Zero : e[i];
        }

        return new LayerReference(max, argMax, d, e, others);
    }

    /// <summary>The exact softmax probability p_i = e_i / S.</summary>
    public DoubleDouble Probability(int i) => Exponentials[i] / Sum;

    /// <summary>The exact log-softmax d_i - log S.</summary>
    public DoubleDouble LogSoftmax(int i) => Shifted[i] - LogSum;

    /// <summary>The exact log-sum-exp max + log S.</summary>
    public DoubleDouble LogSumExp => Max + LogSum;

    /// <summary>The exact cross-entropy loss log S - d_label.</summary>
    public DoubleDouble CrossEntropy(int label) => LogSum - Shifted[label];
}
