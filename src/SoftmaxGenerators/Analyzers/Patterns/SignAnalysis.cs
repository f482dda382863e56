using Microsoft.CodeAnalysis;
using SoftmaxGenerators.Analyzers.Flow;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>Sign questions about exponents, answered by the range analysis in <see cref="ValueBounds"/>.</summary>
internal static class SignAnalysis
{
    /// <summary>The exponent is provably non-positive (exp(-d*d), exp(-|x|), exp(-x*x/(2*s*s))): at most 1.</summary>
    public static bool IsNonPositive(NumericsSymbols symbols, IOperation exponent) => new ValueBounds(symbols).Of(exponent).IsNonPositive;

    /// <summary>e^exponent cannot overflow (bounded above by a clamp, a guard, a constant, a negated square...).</summary>
    public static bool IsSafeExponent(NumericsSymbols symbols, IOperation exponent, ITypeSymbol? valueType) =>
        ValueBounds.IsSafeExponent(symbols, exponent, valueType);
}
