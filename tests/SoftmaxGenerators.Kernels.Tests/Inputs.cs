using System;
using System.Collections.Generic;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>Deterministic random rows of several distributions, in double; float rows are the rounded values.</summary>
public static class Inputs
{
    public static readonly string[] Distributions =
    {
        "uniform10", "normal30", "uniform1e4", "nearMax", "withNegativeInfinity", "equal", "oneHot", "tiny",
        "aroundFloatShiftLimit", "aroundDoubleShiftLimit", "largeNegative",
    };

    /// <summary>(length, accurate, distribution, path) for every kernel, distribution and path of <paramref name="lanes"/>.</summary>
    public static IEnumerable<object[]> LengthsAndDistributions(Lanes lanes)
    {
        foreach (object[] kernel in KernelTable.Lengths(lanes))
        {
            foreach (string distribution in Distributions)
            {
                yield return new object[] { kernel[0], kernel[1], distribution, kernel[2] };
            }
        }
    }

    public static double[] Create(string distribution, int length, bool single, int seed = 1234)
    {
        var random = new Random(seed + length * 31 + distribution.Length);
        double max = single ? float.MaxValue : double.MaxValue;
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = distribution switch
            {
                "uniform10" => Uniform(random, 10),
                "normal30" => 30 * Normal(random),
                "uniform1e4" => Uniform(random, 1e4),
                // Around +-MaxValue: differences overflow to -inf, and the largest entries stay close to each other.
                "nearMax" => random.Next(4) switch
                {
                    0 => -max * random.NextDouble(),
                    1 => max,
                    _ => max * (1 - (random.NextDouble() * 1e-6)),
                },
                "withNegativeInfinity" => random.Next(5) == 0 ? double.NegativeInfinity : Uniform(random, 50),
                "equal" => 3.5,
                "oneHot" => i == length / 2 ? 100 : 0,
                "tiny" => Uniform(random, 1e-30),
                // The kernels shift a row by its maximum only when |max| is above 2^14 (float) or 2^20 (double).
                "aroundFloatShiftLimit" => 16384 + Uniform(random, 40),
                "aroundDoubleShiftLimit" => 1048576 + Uniform(random, 400),
                "largeNegative" => -3e6 + Uniform(random, 60),
                _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
            };
        }

        if (distribution == "withNegativeInfinity")
        {
            values[random.Next(length)] = 1; // at least one finite value
        }

        return values;
    }

    public static float[] ToSingle(double[] values) => Array.ConvertAll(values, v => (float)v);

    private static double Uniform(Random random, double range) => ((random.NextDouble() * 2) - 1) * range;

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
