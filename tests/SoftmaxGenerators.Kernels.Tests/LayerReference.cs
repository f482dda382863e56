using System;
using System.Numerics;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// A binary floating-point number of <see cref="Precision"/> bits for the exact references of the layer functions:
/// <c>Mantissa * 2^Exponent</c>, truncated to <see cref="Precision"/> bits after each operation (relative error about
/// 2^-160 per operation, some 2^-100 below a double ULP). Finite values only; the references handle ±∞ and NaN
/// themselves.
/// </summary>
public readonly struct BigFloat
{
    public const int Precision = 160;

    public static readonly BigFloat Zero = default;
    public static readonly BigFloat One = new(BigInteger.One, 0);

    /// <summary>ln 2 to 224 bits.</summary>
    public static readonly BigFloat Ln2 = ComputeLn2();

    /// <summary>exp(-j ln2 / 256) for j = 0..255 (argument reduction of <see cref="Exp"/>).</summary>
    private static readonly BigFloat[] ExpTable = ComputeExpTable();

    public BigFloat(BigInteger mantissa, int exponent)
    {
        if (mantissa.IsZero)
        {
            Mantissa = BigInteger.Zero;
            Exponent = 0;
            return;
        }

        long bits = BigInteger.Abs(mantissa).GetBitLength();
        if (bits > Precision)
        {
            int shift = (int)(bits - Precision);
            mantissa = mantissa.Sign < 0 ? -(BigInteger.Negate(mantissa) >> shift) : mantissa >> shift;
            exponent += shift;
        }

        Mantissa = mantissa;
        Exponent = exponent;
    }

    public BigInteger Mantissa { get; }

    public int Exponent { get; }

    public bool IsZero => Mantissa.IsZero;

    public int Sign => Mantissa.Sign;

    /// <summary>floor(log2 |value|); int.MinValue for zero.</summary>
    public int Log2Floor => IsZero ? int.MinValue : (int)BigInteger.Abs(Mantissa).GetBitLength() - 1 + Exponent;

    public static BigFloat FromDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "BigFloat holds finite values only");
        }

        long bits = BitConverter.DoubleToInt64Bits(value);
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

        return new BigFloat(bits < 0 ? -new BigInteger(mantissa) : new BigInteger(mantissa), exponent - 1075);
    }

    public static BigFloat FromInt(long value) => new(new BigInteger(value), 0);

    /// <summary>The nearest double, up to double rounding (only used for error sizes and messages).</summary>
    public double ToDouble()
    {
        if (IsZero)
        {
            return 0d;
        }

        BigInteger magnitude = BigInteger.Abs(Mantissa);
        long bits = magnitude.GetBitLength();
        int shift = (int)Math.Max(0, bits - 64);
        double top = (double)(magnitude >> shift);
        double value = Math.ScaleB(top, Exponent + shift);
        return Mantissa.Sign < 0 ? -value : value;
    }

    public BigFloat Abs() => Mantissa.Sign < 0 ? -this : this;

    public static BigFloat operator -(BigFloat a) => new(BigInteger.Negate(a.Mantissa), a.Exponent);

    public static BigFloat operator +(BigFloat a, BigFloat b)
    {
        if (a.IsZero)
        {
            return b;
        }

        if (b.IsZero)
        {
            return a;
        }

        // An addend more than Precision + 8 bits below the other is below the result's precision.
        if (a.Log2Floor - b.Log2Floor > Precision + 8)
        {
            return a;
        }

        if (b.Log2Floor - a.Log2Floor > Precision + 8)
        {
            return b;
        }

        return a.Exponent >= b.Exponent
            ? new BigFloat((a.Mantissa << (a.Exponent - b.Exponent)) + b.Mantissa, b.Exponent)
            : new BigFloat(a.Mantissa + (b.Mantissa << (b.Exponent - a.Exponent)), a.Exponent);
    }

    public static BigFloat operator -(BigFloat a, BigFloat b) => a + (-b);

    public static BigFloat operator *(BigFloat a, BigFloat b) => new(a.Mantissa * b.Mantissa, a.Exponent + b.Exponent);

    public static BigFloat operator /(BigFloat a, BigFloat b)
    {
        if (b.IsZero)
        {
            throw new DivideByZeroException();
        }

        int shift = Precision + 8 + (int)BigInteger.Abs(b.Mantissa).GetBitLength() - (int)BigInteger.Abs(a.Mantissa).GetBitLength();
        shift = Math.Max(shift, 0);
        return new BigFloat((a.Mantissa << shift) / b.Mantissa, a.Exponent - b.Exponent - shift);
    }

    public static BigFloat operator /(BigFloat a, int b) => new((a.Mantissa << 32) / b, a.Exponent - 32);

    public BigFloat ScaleB(int n) => new(Mantissa, Exponent + n);

    public int CompareTo(BigFloat other) => (this - other).Sign;

    /// <summary>exp(y); exactly zero below -1200 (far below the smallest double).</summary>
    public static BigFloat Exp(BigFloat y)
    {
        double approximate = y.ToDouble();
        if (approximate < -1200)
        {
            return Zero;
        }

        if (approximate > 1200)
        {
            throw new ArgumentOutOfRangeException(nameof(y), approximate, "exp overflows every format under test");
        }

        // y = (k / 256) ln 2 + r, |r| <= ln2 / 512; exp(y) = 2^whole exp(-(j/256) ln2) exp(r), k = 256 whole - j.
        long k = (long)Math.Round(approximate * 256 / Math.Log(2));
        BigFloat r = y - (Ln2 * FromInt(k)).ScaleB(-8);
        long whole = (long)Math.Ceiling(k / 256.0);
        int j = (int)((whole * 256) - k); // 0..255
        if (j < 0 || j > 255)
        {
            throw new InvalidOperationException("argument reduction");
        }

        BigFloat sum = One, term = One;
        for (int i = 1; i < 40; i++)
        {
            term = (term * r) / i;
            if (term.IsZero || term.Log2Floor < -Precision - 16)
            {
                break;
            }

            sum += term;
        }

        return (sum * ExpTable[j]).ScaleB((int)whole);
    }

    /// <summary>log(x) for x &gt; 0.</summary>
    public static BigFloat Log(BigFloat x)
    {
        if (x.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x.ToDouble(), "log of a non-positive value");
        }

        int e = x.Log2Floor;
        BigFloat m = x.ScaleB(-e); // [1, 2)
        if (m.ToDouble() > Math.Sqrt(2))
        {
            m = m.ScaleB(-1);
            e++;
        }

        // log m = 2 atanh(z), z = (m - 1) / (m + 1), |z| <= 0.1716.
        BigFloat z = (m - One) / (m + One);
        BigFloat z2 = z * z;
        BigFloat sum = z, power = z;
        for (int i = 1; i < 200; i++)
        {
            power *= z2;
            if (power.IsZero || power.Log2Floor < -Precision - 16)
            {
                break;
            }

            sum += power / ((2 * i) + 1);
        }

        return (Ln2 * FromInt(e)) + sum.ScaleB(1);
    }

    private static BigFloat ComputeLn2()
    {
        // ln 2 = Σ 1 / (k 2^k), in fixed point with 256 fraction bits.
        const int bits = 256;
        BigInteger one = BigInteger.One << bits;
        BigInteger sum = BigInteger.Zero;
        for (int k = 1; k < bits + 16; k++)
        {
            sum += (one >> k) / k;
        }

        return new BigFloat(sum, -bits);
    }

    private static BigFloat[] ComputeExpTable()
    {
        // exp(-(j/256) ln 2) = 2^(-j/256): by the series of exp at -(j/256) ln2 (|argument| < 0.7).
        var table = new BigFloat[256];
        for (int j = 0; j < 256; j++)
        {
            BigFloat a = -(Ln2 * FromInt(j)).ScaleB(-8);
            BigFloat sum = One, term = One;
            for (int i = 1; i < 100; i++)
            {
                term = (term * a) / i;
                if (term.IsZero || term.Log2Floor < -Precision - 16)
                {
                    break;
                }

                sum += term;
            }

            table[j] = sum;
        }

        return table;
    }

    public override string ToString() => ToDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// An exact result: a finite <see cref="BigFloat"/>, or ±∞ / NaN where the specification gives one. A finite exact
/// result beyond the range of the output type rounds to ±∞ there (see <see cref="Ulp"/>).
/// </summary>
public readonly record struct Exact(BigFloat Value, double Special = 0, bool IsSpecial = false)
{
    public static Exact Of(BigFloat value) => new(value);

    public static Exact SpecialValue(double value) => new(BigFloat.Zero, value, true);

    public static readonly Exact NaN = SpecialValue(double.NaN);
    public static readonly Exact PositiveInfinity = SpecialValue(double.PositiveInfinity);
    public static readonly Exact NegativeInfinity = SpecialValue(double.NegativeInfinity);

    public double ToDouble() => IsSpecial ? Special : Value.ToDouble();

    public override string ToString() => ToDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The exact row quantities behind every layer function: x - max, exp(x - max), their sum and its log.</summary>
public sealed class ExactRow
{
    private readonly BigFloat[] shifted;
    private readonly BigFloat[] exponentials;
    private readonly bool[] negativeInfinity;

    /// <summary>The row (float rows as their exact double values) times <paramref name="scale"/> (exactly: a
    /// temperature's reciprocal, positive). It must have a finite maximum and no NaN or +∞: the special rows are the
    /// special-value tests' business.</summary>
    public ExactRow(ReadOnlySpan<double> x, double scale = 1)
    {
        Length = x.Length;
        double max = double.NegativeInfinity;
        foreach (double v in x)
        {
            if (double.IsNaN(v) || double.IsPositiveInfinity(v))
            {
                throw new ArgumentException("ExactRow takes rows without NaN or +inf", nameof(x));
            }

            max = Math.Max(max, v);
        }

        if (double.IsNegativeInfinity(max))
        {
            throw new ArgumentException("ExactRow takes rows with a finite maximum", nameof(x));
        }

        Max = max;
        Scale = scale;
        BigFloat m = BigFloat.FromDouble(max);
        BigFloat factor = BigFloat.FromDouble(scale);
        shifted = new BigFloat[x.Length];
        exponentials = new BigFloat[x.Length];
        negativeInfinity = new bool[x.Length];
        BigFloat sum = BigFloat.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNegativeInfinity(x[i]))
            {
                negativeInfinity[i] = true;
                continue;
            }

            shifted[i] = (BigFloat.FromDouble(x[i]) - m) * factor;
            exponentials[i] = BigFloat.Exp(shifted[i]);
            sum += exponentials[i];
        }

        Sum = sum;
        LogSum = BigFloat.Log(sum);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ExactRow> Rows = new();
    private BigFloat[]? softmax;

    /// <summary>The exact row of <paramref name="x"/>, computed once per distinct row (by its SHA-256) and shared.</summary>
    public static ExactRow Of(double[] x)
    {
        byte[] bytes = new byte[x.Length * sizeof(double)];
        Buffer.BlockCopy(x, 0, bytes, 0, bytes.Length);
        string key = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(bytes));
        return Rows.GetOrAdd(key, _ => new ExactRow(x));
    }

    public int Length { get; }

    /// <summary>The row maximum (before the scale).</summary>
    public double Max { get; }

    /// <summary>The exact factor of the row (1 but for temperatures).</summary>
    public double Scale { get; }

    /// <summary>Σ exp(x - max) (at least 1).</summary>
    public BigFloat Sum { get; }

    /// <summary>log Σ exp(x - max).</summary>
    public BigFloat LogSum { get; }

    public Exact LogSoftmax(int i) => negativeInfinity[i] ? Exact.NegativeInfinity : Exact.Of(shifted[i] - LogSum);

    public Exact LogSumExp() => Exact.Of((BigFloat.FromDouble(Max) * BigFloat.FromDouble(Scale)) + LogSum);

    public Exact Softmax(int i) => Exact.Of(Probability(i));

    private BigFloat Probability(int i)
    {
        if (softmax is null)
        {
            var p = new BigFloat[Length];
            for (int j = 0; j < Length; j++)
            {
                p[j] = negativeInfinity[j] ? BigFloat.Zero : exponentials[j] / Sum;
            }

            softmax = p;
        }

        return softmax[i];
    }

    /// <summary>-log softmax(x)[label].</summary>
    public Exact CrossEntropy(int label) => negativeInfinity[label] ? Exact.PositiveInfinity : Exact.Of(LogSum - shifted[label]);

    /// <summary>-Σ over t[i] != 0 of t[i] log softmax(x)[i].</summary>
    public Exact CrossEntropy(ReadOnlySpan<double> targets)
    {
        BigFloat loss = BigFloat.Zero;
        bool positiveInfinity = false, negative = false;
        for (int i = 0; i < Length; i++)
        {
            if (targets[i] == 0)
            {
                continue;
            }

            if (negativeInfinity[i])
            {
                positiveInfinity |= targets[i] > 0;
                negative |= targets[i] < 0;
                continue;
            }

            loss += BigFloat.FromDouble(targets[i]) * (LogSum - shifted[i]);
        }

        return positiveInfinity && negative ? Exact.NaN
            : positiveInfinity ? Exact.PositiveInfinity
            : negative ? Exact.NegativeInfinity
            : Exact.Of(loss);
    }

    /// <summary>softmax(x)[i] Σ t - t[i]: the gradient of the cross-entropy with respect to x[i].</summary>
    public Exact Gradient(int i, BigFloat targetSum, double target)
    {
        return Exact.Of((Probability(i) * targetSum) - BigFloat.FromDouble(target));
    }

    public static BigFloat SumOf(ReadOnlySpan<double> values)
    {
        BigFloat sum = BigFloat.Zero;
        foreach (double v in values)
        {
            sum += BigFloat.FromDouble(v);
        }

        return sum;
    }

    /// <summary>The softmax backward pass: dx[i] = y[i] (dy[i] - Σ dy[j] y[j]), exactly.</summary>
    public static Exact[] Backward(ReadOnlySpan<double> y, ReadOnlySpan<double> dy)
    {
        BigFloat dot = BigFloat.Zero;
        for (int j = 0; j < y.Length; j++)
        {
            dot += BigFloat.FromDouble(y[j]) * BigFloat.FromDouble(dy[j]);
        }

        var result = new Exact[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            result[i] = Exact.Of(BigFloat.FromDouble(y[i]) * (BigFloat.FromDouble(dy[i]) - dot));
        }

        return result;
    }
}

/// <summary>Errors in ULP of the output type, and the absolute allowance of the specification.</summary>
public static class Ulp
{
    /// <summary>The ULP of an exact value in float (24 bits) or double (53 bits), subnormals included: 2^(floor(log2|v|) - p + 1).</summary>
    public static double Of(BigFloat value, bool single)
    {
        int precision = single ? 24 : 53;
        int minExponent = single ? -126 : -1022;
        int e = value.IsZero ? minExponent : Math.Max(value.Log2Floor, minExponent);
        return Math.ScaleB(1.0, e - precision + 1);
    }

    /// <summary>The absolute unit of the specification: 2^-23 (float) or 2^-52 (double).</summary>
    public static double Unit(bool single) => single ? 1.1920928955078125E-07 : 2.220446049250313E-16;

    /// <summary>Whether the exact value rounds beyond the largest finite value of the type (to ±∞).</summary>
    public static bool Overflows(BigFloat value, bool single)
    {
        double max = single ? float.MaxValue : double.MaxValue;
        int precision = single ? 24 : 53;

        // The rounding boundary is MaxValue + ulp(MaxValue) / 2.
        BigFloat limit = BigFloat.FromDouble(max) + BigFloat.FromDouble(Math.ScaleB(1.0, (single ? 127 : 1023) - precision));
        return value.Abs().CompareTo(limit) >= 0;
    }

    /// <summary>|actual - exact| (a double; +∞ when one is special and they differ) and the same in ULP of the exact value.</summary>
    public static (double Absolute, double Ulps) Error(double actual, Exact exact, bool single)
    {
        if (exact.IsSpecial || !double.IsFinite(actual))
        {
            bool same = exact.IsSpecial
                ? (double.IsNaN(exact.Special) ? double.IsNaN(actual) : actual == exact.Special)
                : double.IsInfinity(actual) && Overflows(exact.Value, single) && Math.Sign(actual) == exact.Value.Sign;
            return same ? (0, 0) : (double.PositiveInfinity, double.PositiveInfinity);
        }

        if (Overflows(exact.Value, single))
        {
            return (double.PositiveInfinity, double.PositiveInfinity);
        }

        double absolute = (BigFloat.FromDouble(actual) - exact.Value).Abs().ToDouble();
        return (absolute, absolute / Of(exact.Value, single));
    }
}
