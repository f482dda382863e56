using System;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// An exact-enough softmax to check kernels against: the shift x - max is kept exact (float differences are exact in
/// double; double differences are split into hi + lo by TwoSum), exponentials in double, compensated summation.
/// Its error is about 1e-15 relative, far below the 1e-5 (float) and 1e-12 (double) tolerances.
/// </summary>
public static class Reference
{
    public static double[] Softmax(ReadOnlySpan<float> input)
    {
        var values = new double[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            values[i] = input[i];
        }

        return Softmax(values);
    }

    public static double[] Softmax(ReadOnlySpan<double> x)
    {
        var result = new double[x.Length];
        bool nan = false;
        int positiveInfinities = 0;
        double max = double.NegativeInfinity;
        foreach (double value in x)
        {
            nan |= double.IsNaN(value);
            positiveInfinities += double.IsPositiveInfinity(value) ? 1 : 0;
            max = Math.Max(max, value);
        }

        if (nan || double.IsNegativeInfinity(max))
        {
            Array.Fill(result, double.NaN);
            return result;
        }

        if (positiveInfinities > 0)
        {
            for (int i = 0; i < x.Length; i++)
            {
                result[i] = double.IsPositiveInfinity(x[i]) ? 1d / positiveInfinities : 0d;
            }

            return result;
        }

        double sum = 0d, compensation = 0d;
        for (int i = 0; i < x.Length; i++)
        {
            // TwoSum: x - max = hi + lo exactly.
            double hi = x[i] - max;
            double bb = hi - x[i];
            double lo = (x[i] - (hi - bb)) + (-max - bb);
            double e = double.IsNegativeInfinity(hi) ? 0d : Math.Exp(hi) * (1d + lo);
            result[i] = e;

            // Neumaier summation.
            double t = sum + e;
            compensation += Math.Abs(sum) >= Math.Abs(e) ? (sum - t) + e : (e - t) + sum;
            sum = t;
        }

        sum += compensation;
        for (int i = 0; i < x.Length; i++)
        {
            result[i] /= sum;
        }

        return result;
    }
}
