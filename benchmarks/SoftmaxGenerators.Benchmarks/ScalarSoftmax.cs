using System;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>The loops a user writes by hand, as the scalar baselines.</summary>
public static class ScalarSoftmax
{
    /// <summary>exp, sum, divide: overflows for logits above ~88 (float) / ~709 (double).</summary>
    public static void Naive(ReadOnlySpan<float> x, Span<float> y)
    {
        float sum = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float e = MathF.Exp(x[i]);
            y[i] = e;
            sum += e;
        }

        for (int i = 0; i < x.Length; i++)
        {
            y[i] /= sum;
        }
    }

    /// <summary>max, exp(x - max), sum, divide.</summary>
    public static void Stable(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = float.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > max)
            {
                max = x[i];
            }
        }

        float sum = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float e = MathF.Exp(x[i] - max);
            y[i] = e;
            sum += e;
        }

        for (int i = 0; i < x.Length; i++)
        {
            y[i] /= sum;
        }
    }

    public static void Naive(ReadOnlySpan<double> x, Span<double> y)
    {
        double sum = 0d;
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Exp(x[i]);
            y[i] = e;
            sum += e;
        }

        for (int i = 0; i < x.Length; i++)
        {
            y[i] /= sum;
        }
    }

    public static void Stable(ReadOnlySpan<double> x, Span<double> y)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > max)
            {
                max = x[i];
            }
        }

        double sum = 0d;
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Exp(x[i] - max);
            y[i] = e;
            sum += e;
        }

        for (int i = 0; i < x.Length; i++)
        {
            y[i] /= sum;
        }
    }
}
