namespace SoftmaxGenerators;

/// <summary>How the generated kernels trade speed for accuracy.</summary>
public enum SoftmaxPrecision
{
    /// <summary>
    /// The default: the fastest kernels. x - max is never rounded (the exponent of the row maximum is folded into the
    /// exponential), sums are blocked, and the outputs are scaled by the reciprocal of the sum.
    /// </summary>
    Fast = 0,

    /// <summary>
    /// A few ULP from the exact result at every row length: float sums are accumulated in double, double sums are
    /// compensated (Kahan), and every output is divided by the sum rather than multiplied by its reciprocal.
    /// </summary>
    Accurate = 1,
}
