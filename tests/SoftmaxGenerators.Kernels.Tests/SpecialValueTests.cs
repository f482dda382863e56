using System;
using System.Linq;
using Xunit;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>The limits: +inf shares the mass, NaN poisons the row, a row of -inf is NaN, -inf among finite is 0.</summary>
public class SpecialValueTests
{
    private static float[] Run(int length, bool accurate, string path, Func<int, float> value)
    {
        Kernel kernel = KernelTable.Get(length, accurate, path);
        float[] input = Enumerable.Range(0, length).Select(value).ToArray();
        var output = new float[length];
        kernel.SingleRow(input, output);

        // Every special case also holds in place, bit for bit, and in double.
        float[] inPlace = (float[])input.Clone();
        kernel.SingleInPlace(inPlace);
        Assert.Equal(output, inPlace);

        double[] doubles = input.Select(v => (double)v).ToArray();
        var doubleOutput = new double[length];
        kernel.DoubleRow(doubles, doubleOutput);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal((double)output[i], doubleOutput[i], 1e-6);
        }

        return output;
    }

    public static TheoryData<int, bool, int, string> LengthsAndPositions()
    {
        var data = new TheoryData<int, bool, int, string>();
        foreach (Kernel kernel in KernelTable.All)
        {
            int n = kernel.Length;
            foreach (string path in KernelTable.Paths(kernel, Lanes.Both))
            {
                foreach (int position in new[] { 0, n / 2, n - 1 }.Distinct())
                {
                    data.Add(n, kernel.Accurate, position, path);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LengthsAndPositions))]
    public void One_positive_infinity_takes_all_the_mass(int length, bool accurate, int position, string path)
    {
        float[] output = Run(length, accurate, path, i => i == position ? float.PositiveInfinity : i);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(i == position ? 1f : 0f, output[i]);
        }
    }

    [Theory]
    [MemberData(nameof(LengthsAndPositions))]
    public void Positive_infinities_share_the_mass_equally(int length, bool accurate, int position, string path)
    {
        if (length < 2)
        {
            return;
        }

        int other = position == 0 ? length - 1 : 0;
        float[] output = Run(length, accurate, path, i => i == position || i == other ? float.PositiveInfinity : float.MaxValue);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(i == position || i == other ? 0.5f : 0f, output[i]);
        }
    }

    [Theory]
    [MemberData(nameof(LengthsAndPositions))]
    public void NaN_anywhere_makes_the_row_NaN(int length, bool accurate, int position, string path)
    {
        Assert.All(Run(length, accurate, path, i => i == position ? float.NaN : i), v => Assert.True(float.IsNaN(v)));
        Assert.All(Run(length, accurate, path, i => i == position ? float.NaN : float.PositiveInfinity), v => Assert.True(float.IsNaN(v)));
        Assert.All(Run(length, accurate, path, i => i == position ? float.NaN : float.NegativeInfinity), v => Assert.True(float.IsNaN(v)));
    }

    [Theory]
    [MemberData(nameof(LengthsAndPositions))]
    public void Negative_infinity_among_finite_values_is_exactly_zero(int length, bool accurate, int position, string path)
    {
        if (length < 2)
        {
            return;
        }

        float[] output = Run(length, accurate, path, i => i == position ? float.NegativeInfinity : 1f);
        Assert.Equal(0f, output[position]);
        for (int i = 0; i < length; i++)
        {
            if (i != position)
            {
                Assert.Equal(1.0 / (length - 1), output[i], 1e-6);
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelTable.Lengths), MemberType = typeof(KernelTable))]
    public void A_row_of_negative_infinity_is_NaN(int length, bool accurate, string path) =>
        Assert.All(Run(length, accurate, path, _ => float.NegativeInfinity), v => Assert.True(float.IsNaN(v)));

    [Theory]
    [MemberData(nameof(KernelTable.Lengths), MemberType = typeof(KernelTable))]
    public void Positive_and_negative_infinity_mix(int length, bool accurate, string path)
    {
        if (length < 2)
        {
            return;
        }

        float[] output = Run(length, accurate, path, i => i == 0 ? float.PositiveInfinity : float.NegativeInfinity);
        Assert.Equal(1f, output[0]);
        Assert.All(output.Skip(1), v => Assert.Equal(0f, v));
    }

    [Theory]
    [MemberData(nameof(KernelTable.Lengths), MemberType = typeof(KernelTable))]
    public void Extreme_finite_values_stay_finite(int length, bool accurate, string path)
    {
        float[] output = Run(length, accurate, path, i => i % 2 == 0 ? float.MaxValue : -float.MaxValue);
        int maxima = (length + 1) / 2;
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(i % 2 == 0 ? 1.0 / maxima : 0.0, output[i], 1e-6);
        }
    }
}
