using System;

namespace SoftmaxGenerators;

/// <summary>
/// Asks the SoftmaxGenerators source generator to add numerically stable, fixed-length softmax kernels to the
/// annotated partial type.
/// </summary>
/// <remarks>
/// <para>
/// For each attribute the generator adds, for both <see cref="float"/> and <see cref="double"/>:
/// <c>Softmax(ReadOnlySpan&lt;T&gt; input, Span&lt;T&gt; output)</c> for one row of exactly <see cref="Length"/> values,
/// <c>Softmax(Span&lt;T&gt; values)</c> in place, and <c>SoftmaxRows(ReadOnlySpan&lt;T&gt; input, Span&lt;T&gt; output)</c>
/// for every consecutive row of <see cref="Length"/> values. The method names follow <see cref="MethodName"/>.
/// <see cref="Functions"/> adds log-softmax, log-sum-exp, cross-entropy with its gradient, the backward pass and a
/// run-time temperature (see <see cref="SoftmaxFunctions"/>).
/// </para>
/// <para>
/// The kernels subtract the row maximum before exponentiating, so every finite input gives finite probabilities,
/// and use the widest SIMD width the hardware accelerates (Vector512, Vector256, Vector128) with a scalar fallback.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [Softmax(10)]
/// public static partial class Digits { }
///
/// Digits.Softmax(logits, probabilities);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : Attribute
{
    /// <summary>
    /// Creates the attribute for rows of any length, known only at run time (a vocabulary size, the class count of a
    /// loaded model, the number of legal moves): the generated methods take spans of any non-zero length, and the
    /// <c>Rows</c> methods a <c>rowLength</c>. <see cref="Length"/> is then 0.
    /// </summary>
    public SoftmaxAttribute()
    {
    }

    /// <summary>Creates the attribute for rows of <paramref name="length"/> values.</summary>
    /// <param name="length">The number of values in one row; from 1 to 16,777,216.</param>
    public SoftmaxAttribute(int length)
    {
        Length = length;
    }

    /// <summary>The number of values in one row, or 0 for rows whose length is known only at run time.</summary>
    public int Length { get; }

    /// <summary>
    /// The name of the generated single-row methods (default <c>"Softmax"</c>); the batch method is this name
    /// followed by <c>Rows</c>.
    /// </summary>
    public string MethodName { get; set; } = "Softmax";

    /// <summary>
    /// <see cref="SoftmaxPrecision.Fast"/> (the default) or <see cref="SoftmaxPrecision.Accurate"/>, which keeps the
    /// error within a few ULP at every row length for a moderate cost in speed.
    /// </summary>
    public SoftmaxPrecision Precision { get; set; } = SoftmaxPrecision.Fast;

    /// <summary>
    /// The functions to generate (default <see cref="SoftmaxFunctions.Softmax"/>): any combination of softmax,
    /// log-softmax, log-sum-exp, softmax cross-entropy (with its gradient), the softmax backward pass and softmax with a
    /// run-time temperature, all for rows of <see cref="Length"/> values and with this <see cref="Precision"/>.
    /// </summary>
    public SoftmaxFunctions Functions { get; set; } = SoftmaxFunctions.Softmax;
}
