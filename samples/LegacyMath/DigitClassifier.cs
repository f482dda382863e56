using System.Numerics.Tensors;

namespace LegacyMath;

/// <summary>A fixed 10-class head: 4 features, a linear layer, then TensorPrimitives.SoftMax over 10 logits.</summary>
public static class DigitClassifier
{
    private static readonly float[] Weights = CreateWeights();

    /// <summary>The probabilities of the 10 digits for one feature vector.</summary>
    public static float[] Predict(float[] features)
    {
        var logits = new float[10];
        for (int digit = 0; digit < 10; digit++)
        {
            for (int f = 0; f < 4; f++)
            {
                logits[digit] += Weights[(digit * 4) + f] * features[f];
            }
        }

        var probabilities = new float[10];
        TensorPrimitives.SoftMax(logits, probabilities);
        return probabilities;
    }

    private static float[] CreateWeights()
    {
        var weights = new float[40];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = ((i * 37) % 11) - 5;
        }

        return weights;
    }
}
