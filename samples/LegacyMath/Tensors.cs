using System.Numerics.Tensors;

namespace LegacyMath;

/// <summary>Code that trusted the library call: TensorPrimitives.SoftMax does not subtract the maximum either.</summary>
public static class Tensors
{
    /// <summary>Softmax of a row through System.Numerics.Tensors.</summary>
    public static float[] Softmax(float[] logits)
    {
        var probabilities = new float[logits.Length];
        TensorPrimitives.SoftMax(logits, probabilities);
        return probabilities;
    }
}
