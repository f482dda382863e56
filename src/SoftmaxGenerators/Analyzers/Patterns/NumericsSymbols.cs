using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>
/// The types whose members the numerics rules match, resolved once per compilation. Methods are compared with
/// <see cref="SymbolEqualityComparer"/>, never by their display names.
/// </summary>
internal sealed class NumericsSymbols
{
    private NumericsSymbols(Compilation compilation)
    {
        Math = compilation.GetTypeByMetadataName("System.Math");
        MathF = compilation.GetTypeByMetadataName("System.MathF");
        ExponentialFunctions = compilation.GetTypeByMetadataName("System.Numerics.IExponentialFunctions`1");
        LogarithmicFunctions = compilation.GetTypeByMetadataName("System.Numerics.ILogarithmicFunctions`1");
        FloatingPointIeee754 = compilation.GetTypeByMetadataName("System.Numerics.IFloatingPointIeee754`1");
        TensorPrimitives = compilation.GetTypeByMetadataName("System.Numerics.Tensors.TensorPrimitives");
        Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
    }

    public INamedTypeSymbol? Math { get; }

    public INamedTypeSymbol? MathF { get; }

    public INamedTypeSymbol? ExponentialFunctions { get; }

    public INamedTypeSymbol? LogarithmicFunctions { get; }

    public INamedTypeSymbol? FloatingPointIeee754 { get; }

    public INamedTypeSymbol? TensorPrimitives { get; }

    public INamedTypeSymbol? Enumerable { get; }

    /// <summary>Resolves the symbols; null when the compilation has nothing that computes an exponential.</summary>
    public static NumericsSymbols? Create(Compilation compilation)
    {
        var symbols = new NumericsSymbols(compilation);
        return symbols.Math is null && symbols.MathF is null && symbols.ExponentialFunctions is null && symbols.TensorPrimitives is null
            ? null
            : symbols;
    }

    /// <summary>Math.Exp, MathF.Exp, double.Exp, float.Exp, T.Exp (IExponentialFunctions&lt;T&gt;).</summary>
    public bool IsScalarExp(IMethodSymbol method) =>
        method.Name == "Exp" && method.Parameters.Length == 1 && IsScalarMathType(method.ContainingType, ExponentialFunctions);

    /// <summary>Math.Log, MathF.Log, double.Log, float.Log, T.Log (ILogarithmicFunctions&lt;T&gt;), one argument.</summary>
    public bool IsScalarLog(IMethodSymbol method) =>
        method.Name == "Log" && method.Parameters.Length == 1 && IsScalarMathType(method.ContainingType, LogarithmicFunctions);

    /// <summary>Math.Pow or MathF.Pow.</summary>
    public bool IsPow(IMethodSymbol method) =>
        method.Name == "Pow" && method.Parameters.Length == 2
        && (Is(method.ContainingType, Math) || Is(method.ContainingType, MathF));

    /// <summary>A member of Math or MathF (or double/float) with the given name.</summary>
    public bool IsMathMember(IMethodSymbol method, string name) =>
        method.Name == name && (Is(method.ContainingType, Math) || Is(method.ContainingType, MathF)
            || method.ContainingType?.SpecialType is SpecialType.System_Double or SpecialType.System_Single);

    /// <summary>Math.E or MathF.E (or its value).</summary>
    public bool IsE(IOperation operation)
    {
        operation = OperationHelpers.Unwrap(operation);
        if (operation is IFieldReferenceOperation { Field.Name: "E" } field
            && (Is(field.Field.ContainingType, Math) || Is(field.Field.ContainingType, MathF)))
        {
            return true;
        }

        return operation.ConstantValue.HasValue && operation.ConstantValue.Value switch
        {
            double d => d == System.Math.E,
            float f => f == (float)System.Math.E,
            _ => false,
        };
    }

    public bool IsTensorPrimitives(IMethodSymbol method, string name) =>
        method.Name == name && Is(method.ContainingType, TensorPrimitives);

    public bool IsEnumerable(IMethodSymbol method, string name) =>
        method.Name == name && Is((method.ReducedFrom ?? method).ContainingType, Enumerable);

    private bool IsScalarMathType(INamedTypeSymbol? type, INamedTypeSymbol? genericInterface) =>
        type is not null
        && (Is(type, Math) || Is(type, MathF)
            || type.SpecialType is SpecialType.System_Double or SpecialType.System_Single
            || (genericInterface is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, genericInterface)));

    private static bool Is(INamedTypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);
}
