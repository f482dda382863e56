using System;
using SoftmaxGenerators;

/// <summary>
/// Multinomial logistic regression: logits = W x + b for the 64 pixels x, one row of 10 logits per image, trained by
/// mini-batch gradient descent on the mean cross-entropy. The generator writes <c>SoftmaxCrossEntropyRows</c> (mean
/// loss of a batch and its gradient, stable for any logits) and <c>Softmax</c>; <see cref="NaiveCrossEntropyRows"/> is
/// the same loss written the usual way, for the comparison.
/// </summary>
[Softmax(SyntheticDigits.Classes, Functions = SoftmaxFunctions.Softmax | SoftmaxFunctions.CrossEntropy)]
internal sealed partial class Classifier
{
    private const int Classes = SyntheticDigits.Classes;
    private const int Pixels = SyntheticDigits.Pixels;

    private readonly float[] _weights = new float[Classes * Pixels]; // row-major, one row of pixel weights per class
    private readonly float[] _bias = new float[Classes];
    private readonly bool _naive;

    /// <param name="naive">Train with <see cref="NaiveCrossEntropyRows"/> instead of the generated kernel.</param>
    public Classifier(bool naive = false) => _naive = naive;

    /// <summary>The number of steps taken so far.</summary>
    public int Steps { get; private set; }

    /// <summary>The first step whose batch loss was infinite or NaN, and that loss.</summary>
    public (int Step, float Loss)? FirstNonFinite { get; private set; }

    /// <summary>Whether any weight is NaN (after which every logit, loss and prediction is NaN).</summary>
    public bool HasNaNWeights => Array.Exists(_weights, float.IsNaN);

    /// <summary>The logits of every image of <paramref name="images"/> (rows of 64 pixels) into rows of 10.</summary>
    public void Forward(ReadOnlySpan<float> images, Span<float> logits)
    {
        for (int r = 0; r < images.Length / Pixels; r++)
        {
            ReadOnlySpan<float> image = images.Slice(r * Pixels, Pixels);
            for (int c = 0; c < Classes; c++)
            {
                ReadOnlySpan<float> w = _weights.AsSpan(c * Pixels, Pixels);
                float z = _bias[c];
                for (int p = 0; p < Pixels; p++)
                {
                    z += w[p] * image[p];
                }

                logits[(r * Classes) + c] = z;
            }
        }
    }

    /// <summary>One gradient descent step on a batch; returns the batch's mean loss before the step.</summary>
    public float Step(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, float learningRate)
    {
        Span<float> logits = stackalloc float[labels.Length * Classes];
        Span<float> gradient = stackalloc float[labels.Length * Classes];
        Forward(images, logits);

        // Mean loss over the rows and its gradient with respect to every logit, (softmax - one-hot) / rows.
        float loss = _naive
            ? NaiveCrossEntropyRows(logits, labels, gradient)
            : SoftmaxCrossEntropyRows(logits, labels, gradient);
        Steps++;
        if (!float.IsFinite(loss) && FirstNonFinite is null)
        {
            FirstNonFinite = (Steps, loss);
        }

        // Back through the linear layer: dW[c, p] = sum over rows of gradient[r, c] * x[r, p], db[c] = sum of gradient[r, c].
        for (int r = 0; r < labels.Length; r++)
        {
            ReadOnlySpan<float> image = images.Slice(r * Pixels, Pixels);
            for (int c = 0; c < Classes; c++)
            {
                float g = learningRate * gradient[(r * Classes) + c];
                _bias[c] -= g;
                Span<float> w = _weights.AsSpan(c * Pixels, Pixels);
                for (int p = 0; p < Pixels; p++)
                {
                    w[p] -= g * image[p];
                }
            }
        }

        return loss;
    }

    /// <summary>The predicted digit and its probability, from the generated softmax.</summary>
    public (int Digit, float Probability) Predict(ReadOnlySpan<float> image)
    {
        Span<float> probabilities = stackalloc float[Classes];
        Forward(image, probabilities);
        Softmax(probabilities); // in place: logits -> probabilities
        int best = 0;
        for (int c = 1; c < Classes; c++)
        {
            if (probabilities[c] > probabilities[best])
            {
                best = c;
            }
        }

        return (best, probabilities[best]);
    }

    /// <summary>The fraction of images whose largest logit is their label's (NaN logits count as wrong).</summary>
    public float Accuracy(SyntheticDigits data)
    {
        Span<float> logits = stackalloc float[Classes];
        int correct = 0;
        for (int n = 0; n < data.Count; n++)
        {
            Forward(data.Image(n), logits);
            int label = data.Labels[n];
            bool best = true;
            for (int c = 0; c < Classes; c++)
            {
                best &= c == label || logits[c] < logits[label];
            }

            correct += best ? 1 : 0;
        }

        return (float)correct / data.Count;
    }

    /// <summary>
    /// The textbook cross-entropy in float: p = exp(z) / sum(exp(z)), loss = -log(p[label]), gradient (p - one-hot) / rows.
    /// Exact math, but exp overflows to infinity once a logit passes ~88.7 (then p is infinity / infinity = NaN),
    /// and p[label] underflows to 0 (so the loss is infinite) once the label's logit trails the largest by ~104.
    /// </summary>
    private static float NaiveCrossEntropyRows(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient)
    {
        Span<float> p = stackalloc float[Classes];
        float total = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * Classes, Classes);
            float sum = 0;
#pragma warning disable SMX0001, SMX0003 // the naive formulas are deliberate here: the analyzers flag exactly these lines
            for (int c = 0; c < Classes; c++)
            {
                p[c] = MathF.Exp(z[c]);
                sum += p[c];
            }

            for (int c = 0; c < Classes; c++)
            {
                p[c] /= sum;
            }

            total += -MathF.Log(p[labels[r]]);
#pragma warning restore SMX0001, SMX0003
            for (int c = 0; c < Classes; c++)
            {
                gradient[(r * Classes) + c] = (p[c] - (c == labels[r] ? 1 : 0)) / labels.Length;
            }
        }

        return total / labels.Length;
    }
}
