using System;

namespace LegacyMath;

/// <summary>Losses built on the softmax probabilities.</summary>
public static class Losses
{
    /// <summary>Cross-entropy of one example: -log(softmax(logits)[label]).</summary>
    public static double CrossEntropy(double[] logits, int label) => -Math.Log(Activations.Softmax(logits)[label]);

    /// <summary>Mean negative log-likelihood of a batch.</summary>
    public static double MeanNegativeLogLikelihood(double[][] batch, int[] labels)
    {
        double total = 0;
        for (int r = 0; r < batch.Length; r++)
        {
            double[] probabilities = Activations.Softmax(batch[r]);
            total -= Math.Log(probabilities[labels[r]]);
        }

        return total / batch.Length;
    }
}
