using System;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

public static class Tolerance
{
    /// <summary>float: 1e-5 relative where the reference exceeds 1e-37, 1e-37 absolute below.</summary>
    public static void AssertClose(ReadOnlySpan<float> actual, double[] expected, string context)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Check(actual[i], expected[i], 1e-5, 1e-37, i, context);
        }
    }

    /// <summary>double: 1e-12 relative where the reference exceeds 1e-300, 1e-300 absolute below.</summary>
    public static void AssertClose(ReadOnlySpan<double> actual, double[] expected, string context)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Check(actual[i], expected[i], 1e-12, 1e-300, i, context);
        }
    }

    private static void Check(double actual, double expected, double relative, double absolute, int index, string context)
    {
        bool ok = double.IsNaN(expected)
            ? double.IsNaN(actual)
            : expected > absolute
                ? Math.Abs(actual - expected) <= relative * expected
                : Math.Abs(actual - expected) <= absolute;
        if (!ok)
        {
            throw new XunitException($"{context}: element {index} is {actual:R}, expected {expected:R} (relative error {Math.Abs(actual - expected) / expected:E2})");
        }
    }

    public static void AssertProbabilities<T>(ReadOnlySpan<T> values, string context)
        where T : System.Numerics.IFloatingPoint<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]) || values[i] < T.Zero || values[i] > T.One)
            {
                throw new XunitException($"{context}: element {i} is {values[i]}, not a probability");
            }
        }
    }
}
