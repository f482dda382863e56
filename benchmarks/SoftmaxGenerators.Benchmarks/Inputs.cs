using System;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>Fixed-seed logits in [-10, 10]: no variant overflows, so the naive ones are measured on valid work.</summary>
public static class Inputs
{
    public const int Seed = 20241124;

    public static float[] Single(int count)
    {
        var random = new Random(Seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 20d) - 10d);
        }

        return values;
    }

    public static double[] Double(int count)
    {
        var random = new Random(Seed);
        var values = new double[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextDouble() * 20d) - 10d;
        }

        return values;
    }
}
