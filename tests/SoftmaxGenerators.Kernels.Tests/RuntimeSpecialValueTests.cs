using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// The limits of SpecialValueTests for rows whose length is chosen at run time, float and double, on every path and
/// every length from 1 to 100 (and longer ones up to 4,097), with the special value at every position of rows up to 40
/// values (every lane of the one or two vectors of the register kernels and of the first loop rows) and at the edges of
/// the vectors beyond: +inf takes the mass (shared equally by several), NaN anywhere poisons the row, a row of -inf is
/// NaN, -inf among finite values is exactly 0, huge logits ([20, 300, 5000]) give exact 0 and 1, extreme finite
/// values stay finite. Every row in place too, bit for bit.
/// </summary>
public class RuntimeSpecialValueTests
{
    public static TheoryData<bool, bool, string> Cases() => RuntimeTable.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Special_values_at_every_position(bool single, bool accurate, string path)
    {
        if (single)
        {
            Run(RuntimeTable.Single(accurate, path));
        }
        else
        {
            Run(RuntimeTable.Double(accurate, path));
        }
    }

    /// <summary>Every length up to 100, then around multiples of 64 and 128, and long rows.</summary>
    public static readonly int[] Lengths = Enumerable.Range(1, 100).Concat(new[] { 127, 128, 129, 191, 255, 256, 257, 300, 1000, 4097 }).ToArray();

    /// <summary>Every position of rows up to 40 values (two Vector512 of floats and beyond); in longer rows the first
    /// and last lanes of the first vectors and of the tail, and the middle; in rows of 1,000 and more the first, middle
    /// and last (as SpecialValueTests).</summary>
    public static IEnumerable<int> Positions(int n)
    {
        if (n <= 40)
        {
            return Enumerable.Range(0, n);
        }

        if (n >= 1000)
        {
            return new[] { 0, n / 2, n - 1 };
        }

        int[] edges = { 0, 1, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, n / 2, (n & ~15) - 1, n & ~15, (n & ~3) - 1 };
        return edges.Concat(new[] { 1, 2, 3, 4, 5, 8, 9, 16, 17 }.Select(d => n - d)).Where(p => p >= 0 && p < n).Distinct().Order();
    }

    private static void Run<T>(RuntimeKernel<T> kernel)
        where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T>
    {
        var record = new UlpRecord($"{kernel.Name} special values", typeof(T) == typeof(float));
        double bound = kernel.Accurate ? 4 : 8;
        T nan = T.NaN, inf = T.PositiveInfinity, ninf = T.NegativeInfinity;
        static T V(double value) => T.CreateTruncating(value);
        static Expected Exactly(double value) => new(value, true);
        foreach (int n in Lengths)
        {
            if (n < kernel.MinLength)
            {
                RuntimeChecks.AssertRefused(kernel, n, record);
                continue;
            }

            foreach (int p in Positions(n))
            {
                int q = p == 0 ? n - 1 : 0;
                Check(kernel, record, bound, n, $"+inf at {p} among finite values", i => i == p ? inf : V((i % 7) - 3), i => Exactly(i == p ? 1 : 0));
                Check(kernel, record, bound, n, $"+inf at {p} among -inf", i => i == p ? inf : ninf, i => Exactly(i == p ? 1 : 0));
                Check(kernel, record, bound, n, $"NaN at {p} among finite values", i => i == p ? nan : V(i), _ => Exactly(double.NaN));
                Check(kernel, record, bound, n, $"NaN at {p} among +inf", i => i == p ? nan : inf, _ => Exactly(double.NaN));
                Check(kernel, record, bound, n, $"NaN at {p} among -inf", i => i == p ? nan : ninf, _ => Exactly(double.NaN));
                Check(kernel, record, bound, n, $"5000 at {p} among 20 and 300", i => i == p ? V(5000) : V(i % 2 == 0 ? 20 : 300), i => Exactly(i == p ? 1 : 0));
                if (n >= 2)
                {
                    Check(kernel, record, bound, n, $"+inf at {p} and {q} among MaxValue", i => i == p || i == q ? inf : T.MaxValue, i => Exactly(i == p || i == q ? 0.5 : 0));
                    Check(kernel, record, bound, n, $"-inf at {p} among 1", i => i == p ? ninf : T.One, i => i == p ? Exactly(0) : Expected.Reciprocal(n - 1));
                }
                else
                {
                    Check(kernel, record, bound, n, "-inf alone", _ => ninf, _ => Exactly(double.NaN));
                }
            }

            Check(kernel, record, bound, n, "all -inf", _ => ninf, _ => Exactly(double.NaN));
            Check(kernel, record, bound, n, "all +inf", _ => inf, _ => Expected.Reciprocal(n));
            Check(kernel, record, bound, n, "MaxValue and -MaxValue alternating", i => i % 2 == 0 ? T.MaxValue : -T.MaxValue, i => i % 2 == 0 ? Expected.Reciprocal((n + 1) / 2) : Exactly(0));
            if (n == 3)
            {
                Check(kernel, record, bound, n, "[20, 300, 5000]", i => V(new[] { 20d, 300, 5000 }[i]), i => Exactly(i == 2 ? 1 : 0));
            }
        }

        record.ThrowIfFailed();
    }

    /// <summary>An expected output: exact (NaN: any NaN), or within the ULP bound of a value given as hi + lo.</summary>
    private readonly record struct Expected(double Hi, bool Exact, double Lo = 0)
    {
        /// <summary>1 / m as hi + lo, within the ULP bound (the loop kernels multiply by a reciprocal of the sum).</summary>
        public static Expected Reciprocal(int m)
        {
            double hi = 1d / m;
            return new(hi, false, -Math.FusedMultiplyAdd(hi, m, -1) / m);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Check<T>(RuntimeKernel<T> kernel, UlpRecord record, double bound, int n, string pattern, Func<int, T> value, Func<int, Expected> expected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var input = new T[n];
        for (int i = 0; i < n; i++)
        {
            input[i] = value(i);
        }

        var output = new T[n];
        string context = $"N={n} {pattern}";
        if (!RuntimeChecks.Try(record, context, () => kernel.Row(input, output)))
        {
            return;
        }

        bool single = typeof(T) == typeof(float);
        for (int i = 0; i < n; i++)
        {
            Expected e = expected(i);
            double actual = double.CreateTruncating(output[i]);
            bool ok;
            if (double.IsNaN(e.Hi))
            {
                ok = double.IsNaN(actual);
            }
            else if (e.Exact)
            {
                ok = actual == e.Hi;
            }
            else
            {
                double unit = single ? MathF.BitIncrement((float)e.Hi) - (float)e.Hi : Math.BitIncrement(e.Hi) - e.Hi;
                ok = Math.Abs((actual - e.Hi) - e.Lo) / unit <= bound;
            }

            if (!ok)
            {
                record.Fail($"{context}: [{i}] is {actual:R}, expected {(e.Exact ? string.Empty : $"within {bound} ULP of ")}{e.Hi:R}");
                return;
            }
        }

        T[] inPlace = (T[])input.Clone();
        if (RuntimeChecks.Try(record, context + " in place", () => kernel.InPlace(inPlace)))
        {
            RuntimeChecks.BitEqual(record, context + ": in place vs out of place", output, inPlace);
        }
    }
}
