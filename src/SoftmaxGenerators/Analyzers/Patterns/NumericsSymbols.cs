using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Facts;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>
/// The types whose members the numerics rules match, resolved once per compilation. Methods are compared with
/// <see cref="SymbolEqualityComparer"/>, never by their display names.
/// </summary>
internal sealed class NumericsSymbols
{
    private NumericsSymbols(Compilation compilation, AnalyzerOptions? options)
    {
        Functions = new NumericFunctions(compilation, options, name => Interest.IsFunctionName(name));
        _interest = new Lazy<InterestIndex>(() => InterestIndex.Build(compilation, Functions.ConfiguredNames), LazyThreadSafetyMode.ExecutionAndPublication);
        Summaries = new MethodSummaries(compilation, node => Interest.MayBeInteresting(node));
        UnityMathf = Functions.UnityMathf;
        Math = Functions.Math;
        MathF = Functions.MathF;
        ExponentialFunctions = Functions.ExponentialFunctions;
        LogarithmicFunctions = Functions.LogarithmicFunctions;
        FloatingPointIeee754 = KnownTypes.CoreLibrary(compilation, "System.Numerics.IFloatingPointIeee754`1");
        TensorPrimitives = KnownTypes.Library(compilation, "System.Numerics.Tensors.TensorPrimitives", "System.Numerics.Tensors");
        Enumerable = KnownTypes.CoreLibrary(compilation, "System.Linq.Enumerable")
            ?? KnownTypes.Library(compilation, "System.Linq.Enumerable", "System.Linq", "System.Core", "netstandard");
    }

    /// <summary>Which methods compute exponentials and logarithms (libraries, wrappers, .editorconfig).</summary>
    public NumericFunctions Functions { get; }

    private readonly Lazy<InterestIndex> _interest;

    /// <summary>Where the sources name something the rules recognize (built on first use): code that names nothing is
    /// skipped unbound.</summary>
    public InterestIndex Interest => _interest.Value;

    /// <summary>Registers an operation action only in the operation blocks whose text names something the rules
    /// recognize (<see cref="Interest"/>): the driver then never calls it for the rest of the compilation.</summary>
    public void RegisterOperationAction(CompilationStartAnalysisContext start, Action<OperationAnalysisContext> action, OperationKind kind) =>
        start.RegisterOperationBlockStartAction(block =>
        {
            if (Interest.MayBeInteresting(block.OperationBlocks))
            {
                block.RegisterOperationAction(action, kind);
            }
        });

    /// <summary>Facts about the compilation's own methods (normalizes its argument in place...).</summary>
    public MethodSummaries Summaries { get; }

    public INamedTypeSymbol? Math { get; }

    public INamedTypeSymbol? UnityMathf { get; }

    public INamedTypeSymbol? MathF { get; }

    public INamedTypeSymbol? ExponentialFunctions { get; }

    public INamedTypeSymbol? LogarithmicFunctions { get; }

    public INamedTypeSymbol? FloatingPointIeee754 { get; }

    public INamedTypeSymbol? TensorPrimitives { get; }

    public INamedTypeSymbol? Enumerable { get; }

    private static readonly ConditionalWeakTable<Compilation, Shared> s_shared = new();

    /// <summary>Resolves the symbols; null when the compilation has nothing that computes an exponential. The rules
    /// of one compilation (same options) share one instance, and with it the caches of function facts and method
    /// summaries.</summary>
    public static NumericsSymbols? Create(Compilation compilation, AnalyzerOptions? options = null)
    {
        Shared shared = s_shared.GetValue(compilation, static _ => new Shared());
        lock (shared)
        {
            if (shared.Computed && ReferenceEquals(shared.Options, options))
            {
                return shared.Symbols;
            }

            var symbols = new NumericsSymbols(compilation, options);
            NumericsSymbols? result = !symbols.Functions.MayHaveExponentials && symbols.TensorPrimitives is null ? null : symbols;
            if (!shared.Computed)
            {
                (shared.Computed, shared.Options, shared.Symbols) = (true, options, result);
            }

            return result;
        }
    }

    private sealed class Shared
    {
        public bool Computed;
        public AnalyzerOptions? Options;
        public NumericsSymbols? Symbols;
    }

    /// <summary>Math.Exp, MathF.Exp, double.Exp, float.Exp, T.Exp (IExponentialFunctions&lt;T&gt;), Mathf.Exp,
    /// math.exp, numeric-operations members, wrappers and configured functions: see <see cref="NumericFunctions"/>.</summary>
    public bool IsScalarExp(IMethodSymbol method) => Functions.IsExp(method);

    /// <summary>Math.Log, MathF.Log, double.Log, float.Log, T.Log (ILogarithmicFunctions&lt;T&gt;), Mathf.Log, math.log,
    /// wrappers and configured functions, one argument.</summary>
    public bool IsScalarLog(IMethodSymbol method) => Functions.IsLog(method);

    /// <summary>log(1 + x): double.LogP1, float.LogP1, T.LogP1.</summary>
    public bool IsLogP1(IMethodSymbol method) => Functions.Classify(method) == NumericFunction.LogP1;

    /// <summary>Math.Pow, MathF.Pow or Mathf.Pow.</summary>
    public bool IsPow(IMethodSymbol method) =>
        method.Name == "Pow" && method.Parameters.Length == 2
        && (Is(method.ContainingType, Math) || Is(method.ContainingType, MathF) || Is(method.ContainingType, UnityMathf));

    /// <summary>A member of Math or MathF (or double/float) with the given name.</summary>
    public bool IsMathMember(IMethodSymbol method, string name) =>
        method.Name == name && (Is(method.ContainingType, Math) || Is(method.ContainingType, MathF)
            || method.ContainingType?.SpecialType is SpecialType.System_Double or SpecialType.System_Single);

    /// <summary>Math.E or MathF.E (or its value).</summary>
    public bool IsE(IOperation operation)
    {
        operation = OperationHelpers.Unwrap(operation);
        if (operation is IFieldReferenceOperation { Field.Name: "E" } field
            && (Is(field.Field.ContainingType, Math) || Is(field.Field.ContainingType, MathF) || Is(field.Field.ContainingType, UnityMathf)))
        {
            return true;
        }

        return operation.ConstantValue.HasValue && operation.ConstantValue.Value switch
        {
            // Math.E, or a hand-written approximation of it (const double e = 2.71828).
            double d => System.Math.Abs(d - System.Math.E) < 1e-3,
            float f => System.Math.Abs(f - System.Math.E) < 1e-3,
            _ => false,
        };
    }

    /// <summary>Math, MathF, double, float, UnityEngine.Mathf, Unity.Mathematics.math and (with
    /// <paramref name="genericMath"/>) the System.Numerics generic-math interfaces: functions whose ranges are known.</summary>
    public bool IsMathType(INamedTypeSymbol? type, bool genericMath) =>
        type is not null
        && (Is(type, Math) || Is(type, MathF) || Is(type, UnityMathf)
            || type.SpecialType is SpecialType.System_Double or SpecialType.System_Single
            || (type.Name == "math" && type.ContainingNamespace?.ToDisplayString() == "Unity.Mathematics")
            || (genericMath && type.TypeKind == TypeKind.Interface && type.ContainingNamespace?.ToDisplayString() == "System.Numerics"));

    /// <summary>System.Random or UnityEngine.Random.</summary>
    public static bool IsRandomType(INamedTypeSymbol? type) =>
        type is { Name: "Random" } && type.ContainingNamespace?.ToDisplayString() is "System" or "UnityEngine";

    /// <summary>MathNet.Numerics' <c>v.PointwiseExp()</c>: the exponential of every element of a vector or matrix.</summary>
    public static bool IsPointwiseExp(IMethodSymbol method) =>
        method is { Name: "PointwiseExp", Parameters.Length: 0, IsStatic: false } && IsMathNetLinearAlgebra(method.ContainingType);

    /// <summary><c>v.Sum()</c> of a vector type (MathNet's, or the user's own): the sum of its elements, a number.</summary>
    public static bool IsInstanceSum(IMethodSymbol method) =>
        method is { Name: "Sum", Parameters.Length: 0, IsStatic: false, IsExtensionMethod: false, ReducedFrom: null }
        && method.ReturnType.SpecialType is SpecialType.System_Double or SpecialType.System_Single;

    /// <summary>
    /// <c>x.Map(Math.Exp, result)</c> (MathNet's and look-alike vector types): the elements of the argument of the
    /// receiver's own type receive the function's values; <c>v.MapInPlace(Math.Exp)</c>: the receiver does. Null
    /// when the call is neither (a Map that returns its values is followed as a sequence).
    /// </summary>
    public static IOperation? MapDestination(IInvocationOperation call)
    {
        if (call.TargetMethod.IsStatic || call.Instance is not { Type: { } receiverType } receiver)
        {
            return null;
        }

        if (call.TargetMethod.Name == "MapInPlace")
        {
            return receiver;
        }

        if (call.TargetMethod.Name != "Map")
        {
            return null;
        }

        foreach (IArgumentOperation argument in call.Arguments)
        {
            if (argument.Parameter is { Ordinal: > 0 } parameter && parameter.Type.TypeKind != TypeKind.Delegate
                && receiverType.Equals(OperationHelpers.Unwrap(argument.Value).Type, SymbolEqualityComparer.Default))
            {
                return argument.Value;
            }
        }

        return null;
    }

    private static bool IsMathNetLinearAlgebra(INamedTypeSymbol? type) =>
        type?.ContainingNamespace?.ToDisplayString() is { } name && name.StartsWith("MathNet.Numerics.LinearAlgebra", System.StringComparison.Ordinal);

    public bool IsTensorPrimitives(IMethodSymbol method, string name) =>
        method.Name == name && Is(method.ContainingType, TensorPrimitives);

    public bool IsEnumerable(IMethodSymbol method, string name) =>
        method.Name == name && Is((method.ReducedFrom ?? method).ContainingType, Enumerable);

    private static bool Is(INamedTypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);
}
