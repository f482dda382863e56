using Microsoft.CodeAnalysis;

namespace SoftmaxGenerators.Diagnostics;

/// <summary>Descriptors of the <c>SMX000x</c> rules: overflow-prone exponential normalizations in ordinary code.</summary>
internal static class NumericsDescriptors
{
    public const string Category = "Numerics";

    public const string NaiveSoftmaxId = "SMX0001";
    public const string NaiveLogSumExpId = "SMX0002";
    public const string LogOfSoftmaxId = "SMX0003";
    public const string TensorPrimitivesSoftMaxId = "SMX0004";
    public const string UseGeneratedSoftmaxId = "SMX0005";
    public const string NaiveLogisticId = "SMX0006";

    /// <summary>The category of SMX0005, which is about speed, not correctness.</summary>
    public const string PerformanceCategory = "Performance";

    /// <summary>The diagnostic property that carries the row length N of an SMX0005 diagnostic.</summary>
    public const string LengthProperty = "Length";

    public static readonly DiagnosticDescriptor NaiveSoftmax = Create(
        NaiveSoftmaxId,
        "Softmax without subtracting the maximum",
        "'{0}' is summed and used to normalize without subtracting the maximum first; it overflows to infinity (and the result to NaN) for inputs above about 709 (88 in float)",
        "Exponentials that are summed and then used to normalize (a softmax) must be computed from the inputs minus their maximum: exp(x - max) / sum(exp(x - max)) is mathematically the same and never overflows.");

    public static readonly DiagnosticDescriptor NaiveLogSumExp = Create(
        NaiveLogSumExpId,
        "Log-sum-exp without subtracting the maximum",
        "'{0}' takes the log of a sum of exponentials that were not shifted by their maximum; it overflows to infinity for large inputs",
        "log(sum(exp(x))) overflows for large x. Compute m + log(sum(exp(x - m))) with m the maximum; for the softplus log(1 + exp(x)) use max(x, 0) + log(1 + exp(-|x|)).");

    public static readonly DiagnosticDescriptor LogOfSoftmax = Create(
        LogOfSoftmaxId,
        "Log of a softmax probability",
        "'{0}' takes the log of a softmax probability, which underflows to 0 (and the log to -infinity) for confident predictions; compute the log-softmax directly",
        "log(softmax(x)[i]) loses all precision when the probability underflows. The log-softmax x[i] - m - log(sum(exp(x - m))) is exact.");

    public static readonly DiagnosticDescriptor TensorPrimitivesSoftMax = Create(
        TensorPrimitivesSoftMaxId,
        "TensorPrimitives.SoftMax does not subtract the maximum",
        "'{0}' does not subtract the maximum before exponentiating; for large inputs it returns NaN (SoftMax([100, 99, 0]) in float is [NaN, NaN, 0])",
        "TensorPrimitives.SoftMax computes exp(x) / sum(exp(x)) directly. Use TensorPrimitives.Max, Subtract, Exp, Sum and Divide instead.");

    public static readonly DiagnosticDescriptor NaiveLogistic = Create(
        NaiveLogisticId,
        "Logistic function computed as exp(x) / (1 + exp(x))",
        "'{0}' divides an exponential by one plus itself; for exponents above about 709 (88 in float) both overflow and the result is NaN (infinity / infinity); use 1 / (1 + exp(-x))",
        "exp(x) / (1 + exp(x)) is the logistic function, but for large x the numerator and the denominator both overflow to infinity and the quotient is NaN instead of 1. The same function written as 1 / (1 + exp(-x)) is finite for every x: its exponential overflows only where the result is 0.");

    public static readonly DiagnosticDescriptor UseGeneratedSoftmax = new(
        UseGeneratedSoftmaxId,
        "Use a generated softmax kernel",
        "'{0}' computes a softmax of {1}; a generated {2} kernel is faster and subtracts the maximum",
        PerformanceCategory,
        DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        "A softmax over a buffer whose length is a compile-time constant can call a kernel that SoftmaxGenerators generates for that length: unrolled, vectorized for the exact length, and numerically stable. A stable softmax written as loops over buffers of one length known only at run time can call the kernel that [Softmax] without a length generates.",
        HelpLinks.For(UseGeneratedSoftmaxId));

    private static DiagnosticDescriptor Create(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description, HelpLinks.For(id));
}
