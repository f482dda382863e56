using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace LegacyMath;

/// <summary>Softmax the way it is usually written: exp(x) / sum(exp(x)).</summary>
public static class Activations
{
    /// <summary>Two loops over an array.</summary>
    public static double[] Softmax(double[] logits)
    {
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            sum += Math.Exp(logits[i]);
        }

        var probabilities = new double[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = Math.Exp(logits[i]) / sum;
        }

        return probabilities;
    }

    /// <summary>In place, with a foreach for the sum.</summary>
    public static void SoftmaxInPlace(float[] scores)
    {
        float total = 0f;
        foreach (float s in scores)
        {
            total += MathF.Exp(s);
        }

        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = MathF.Exp(scores[i]) / total;
        }
    }

    /// <summary>Spans, exponentials stored first, then scaled by the reciprocal.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> destination)
    {
        float sum = 0f;
        for (int i = 0; i < logits.Length; i++)
        {
            destination[i] = MathF.Exp(logits[i]);
            sum += destination[i];
        }

        float inverse = 1f / sum;
        for (int i = 0; i < logits.Length; i++)
        {
            destination[i] *= inverse;
        }
    }

    /// <summary>Generic math.</summary>
    public static T[] Softmax<T>(T[] logits)
        where T : IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        foreach (T x in logits)
        {
            sum += T.Exp(x);
        }

        var result = new T[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            result[i] = T.Exp(logits[i]) / sum;
        }

        return result;
    }

    /// <summary>The LINQ one-liner.</summary>
    public static double[] SoftmaxLinq(IReadOnlyList<double> logits) =>
        logits.Select(x => Math.Exp(x) / logits.Sum(Math.Exp)).ToArray();

    /// <summary>Softmax with a temperature, as in sampling code.</summary>
    public static double[] SoftmaxWithTemperature(double[] logits, double temperature)
    {
        double[] weights = logits.Select(x => Math.Exp(x / temperature)).ToArray();
        double total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }
}
