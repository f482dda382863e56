using System;

namespace SoftmaxGenerators.Analyzers.Flow;

/// <summary>A closed range of real values [Lo, Hi]; infinities mean "no bound on that side".</summary>
internal readonly struct Interval : IEquatable<Interval>
{
    public Interval(double lo, double hi)
    {
        Lo = double.IsNaN(lo) ? double.NegativeInfinity : lo;
        Hi = double.IsNaN(hi) ? double.PositiveInfinity : hi;
    }

    public double Lo { get; }

    public double Hi { get; }

    /// <summary>Nothing is known.</summary>
    public static Interval Top { get; } = new(double.NegativeInfinity, double.PositiveInfinity);

    public static Interval NonNegative { get; } = new(0, double.PositiveInfinity);

    public static Interval NonPositive { get; } = new(double.NegativeInfinity, 0);

    public static Interval Exactly(double value) => new(value, value);

    public bool IsTop => double.IsNegativeInfinity(Lo) && double.IsPositiveInfinity(Hi);

    public bool IsNonNegative => Lo >= 0;

    public bool IsNonPositive => Hi <= 0;

    /// <summary>Either value: the smallest range that holds both.</summary>
    public Interval Join(Interval other) => new(Math.Min(Lo, other.Lo), Math.Max(Hi, other.Hi));

    /// <summary>Both constraints at once.</summary>
    public Interval Meet(Interval other)
    {
        double lo = Math.Max(Lo, other.Lo);
        double hi = Math.Min(Hi, other.Hi);
        return lo <= hi ? new Interval(lo, hi) : this;
    }

    public static Interval operator -(Interval value) => new(-value.Hi, -value.Lo);

    public static Interval operator +(Interval left, Interval right) => new(left.Lo + right.Lo, left.Hi + right.Hi);

    public static Interval operator -(Interval left, Interval right) => new(left.Lo - right.Hi, left.Hi - right.Lo);

    public static Interval operator *(Interval left, Interval right)
    {
        double a = Product(left.Lo, right.Lo), b = Product(left.Lo, right.Hi), c = Product(left.Hi, right.Lo), d = Product(left.Hi, right.Hi);
        return new Interval(Math.Min(Math.Min(a, b), Math.Min(c, d)), Math.Max(Math.Max(a, b), Math.Max(c, d)));
    }

    /// <summary>The quotient when the divisor keeps one strict sign; otherwise nothing is known.</summary>
    public static Interval operator /(Interval left, Interval right)
    {
        if (right.Lo > 0 || right.Hi < 0)
        {
            return left * new Interval(Math.Min(1 / right.Lo, 1 / right.Hi), Math.Max(1 / right.Lo, 1 / right.Hi));
        }

        return Top;
    }

    /// <summary>The values are finite reals: an infinite end times zero is zero.</summary>
    private static double Product(double x, double y) => x == 0 || y == 0 ? 0 : x * y;

    public bool Equals(Interval other) => Lo.Equals(other.Lo) && Hi.Equals(other.Hi);

    public override bool Equals(object? obj) => obj is Interval other && Equals(other);

    public override int GetHashCode() => Lo.GetHashCode() * 31 + Hi.GetHashCode();

    public override string ToString() => "[" + Lo + ", " + Hi + "]";
}
