using System;

namespace SoftmaxGenerators;

/// <summary>
/// The functions of the softmax layer that a <see cref="SoftmaxAttribute"/> asks the generator for. Combine them with
/// <c>|</c>; nothing that is not requested is generated. The names of the generated methods derive from
/// <see cref="SoftmaxAttribute.MethodName"/> (shown here for the default, <c>Softmax</c>).
/// </summary>
[Flags]
public enum SoftmaxFunctions
{
    /// <summary>
    /// The default: <c>Softmax(input, output)</c>, <c>Softmax(values)</c> in place and <c>SoftmaxRows(input, output)</c>.
    /// </summary>
    Softmax = 1,

    /// <summary>
    /// <c>LogSoftmax(input, output)</c>, in place and <c>LogSoftmaxRows</c>: <c>(x[i] - max) - log(Σ exp(x[j] - max))</c>,
    /// finite for finite input (never -∞ through underflow).
    /// </summary>
    LogSoftmax = 2,

    /// <summary>
    /// <c>LogSumExp(input)</c> and <c>LogSumExpRows(input, results)</c>: <c>max + log(Σ exp(x[j] - max))</c>.
    /// </summary>
    LogSumExp = 4,

    /// <summary>
    /// <c>SoftmaxCrossEntropy(logits, label)</c> and <c>(logits, targets)</c>: the loss <c>-log(softmax(x)[label])</c>, with
    /// overloads that also write its gradient with respect to the logits (<c>softmax(x) - target</c>) in the same call,
    /// and <c>SoftmaxCrossEntropyRows</c>: the mean loss of a batch and its gradient.
    /// </summary>
    CrossEntropy = 8,

    /// <summary>
    /// <c>SoftmaxBackward(probabilities, outputGradient, inputGradient)</c> and its <c>Rows</c> form: the vector-Jacobian
    /// product of the softmax, <c>dx[i] = y[i] (dy[i] - Σ dy[j] y[j])</c>.
    /// </summary>
    Backward = 16,

    /// <summary>
    /// <c>Softmax(input, output, temperature)</c>, in place and <c>SoftmaxRows(input, output, temperature)</c>: the softmax of
    /// <c>x / temperature</c> with a temperature chosen at run time (sampling, distillation).
    /// </summary>
    Temperature = 32,

    /// <summary>Every function.</summary>
    All = Softmax | LogSoftmax | LogSumExp | CrossEntropy | Backward | Temperature,
}
