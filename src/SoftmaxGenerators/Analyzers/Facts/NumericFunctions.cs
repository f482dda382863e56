using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SoftmaxGenerators.Analyzers.Facts;

/// <summary>What a method computes, as far as the numerics rules care.</summary>
internal enum NumericFunction
{
    None,

    /// <summary>e^x of its one argument.</summary>
    Exp,

    /// <summary>The natural logarithm of its one argument.</summary>
    Log,

    /// <summary>log(1 + x) of its one argument.</summary>
    LogP1,
}

/// <summary>
/// Facts about the exponential and logarithm functions of one compilation: which methods compute e^x or log(x).
/// Known libraries are recognized by symbol (System.Math and friends, <c>UnityEngine.Mathf</c>,
/// <c>Unity.Mathematics.math</c>, numeric-operations interfaces), user wrappers defined in the compilation by a
/// small summary of their bodies, and the user's own functions by the <c>.editorconfig</c> keys
/// <c>softmax_generators.exp_methods</c> and <c>softmax_generators.log_methods</c>. Answers are cached per method.
/// </summary>
internal sealed class NumericFunctions
{
    /// <summary>The .editorconfig key naming the user's exponential functions (fully qualified, comma separated).</summary>
    public const string ExpMethodsKey = "softmax_generators.exp_methods";

    /// <summary>The .editorconfig key naming the user's natural-logarithm functions.</summary>
    public const string LogMethodsKey = "softmax_generators.log_methods";

    private const int MaxWrapperDepth = 3;

    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol? _math;
    private readonly INamedTypeSymbol? _mathF;
    private readonly INamedTypeSymbol? _exponentialFunctions;
    private readonly INamedTypeSymbol? _logarithmicFunctions;
    private readonly INamedTypeSymbol? _unityMathf;
    private readonly INamedTypeSymbol? _unityMath;
    private readonly ImmutableHashSet<string> _configuredExp;
    private readonly ImmutableHashSet<string> _configuredLog;
    private readonly ConcurrentDictionary<IMethodSymbol, NumericFunction> _cache = new(SymbolEqualityComparer.Default);
    private readonly Func<string, bool> _mayBeFunctionName;

    /// <param name="compilation">The compilation whose functions are classified.</param>
    /// <param name="options">The analyzer options (for the .editorconfig keys).</param>
    /// <param name="mayBeFunctionName">False for a method name that no exponential or logarithm of the compilation can
    /// have (<see cref="InterestIndex.IsFunctionName"/>): such methods are rejected without a look-up.</param>
    public NumericFunctions(Compilation compilation, AnalyzerOptions? options, Func<string, bool>? mayBeFunctionName = null)
    {
        _compilation = compilation;
        _mayBeFunctionName = mayBeFunctionName ?? (static _ => true);
        _math = KnownTypes.CoreLibrary(compilation, "System.Math");
        _mathF = KnownTypes.CoreLibrary(compilation, "System.MathF");
        _exponentialFunctions = KnownTypes.CoreLibrary(compilation, "System.Numerics.IExponentialFunctions`1");
        _logarithmicFunctions = KnownTypes.CoreLibrary(compilation, "System.Numerics.ILogarithmicFunctions`1");
        _unityMathf = KnownTypes.Library(compilation, "UnityEngine.Mathf", "UnityEngine");
        _unityMath = KnownTypes.Library(compilation, "Unity.Mathematics.math", "Unity.Mathematics");
        (_configuredExp, _configuredLog) = ReadConfiguration(compilation, options);
    }

    public INamedTypeSymbol? Math => _math;

    public INamedTypeSymbol? MathF => _mathF;

    public INamedTypeSymbol? ExponentialFunctions => _exponentialFunctions;

    public INamedTypeSymbol? LogarithmicFunctions => _logarithmicFunctions;

    public INamedTypeSymbol? UnityMathf => _unityMathf;

    /// <summary>The functions named in .editorconfig (qualified names).</summary>
    public IEnumerable<string> ConfiguredNames => System.Linq.Enumerable.Concat(_configuredExp, _configuredLog);

    /// <summary>True when the compilation may hold an exponential that these facts recognize.</summary>
    public bool MayHaveExponentials => _math is not null || _mathF is not null || _exponentialFunctions is not null
        || _unityMathf is not null || _unityMath is not null || !_configuredExp.IsEmpty;

    /// <summary>What the method computes; <see cref="NumericFunction.None"/> when it is not a known exp or log.</summary>
    public NumericFunction Classify(IMethodSymbol? method)
    {
        if (method is null)
        {
            return NumericFunction.None;
        }

        method = method.ReducedFrom ?? method;
        if (method.Parameters.Length != 1)
        {
            return NumericFunction.None;
        }

        // Fast rejection without a cache look-up: everything recognized maps a number to a number, except the
        // element-wise functions of arrays, tensors and vectors (Unity.Mathematics' overloads, IBackend.Exp(Tensor)),
        // which keep their names.
        if ((!IsNumericValue(method.ReturnType) && FunctionNamed(method.Name) == NumericFunction.None) || !_mayBeFunctionName(method.Name))
        {
            return NumericFunction.None;
        }

        IMethodSymbol definition = method.OriginalDefinition;
        if (_cache.TryGetValue(definition, out NumericFunction known))
        {
            return known;
        }

        NumericFunction result = ClassifyCore(definition, 0);
        _cache.TryAdd(definition, result);
        return result;
    }

    public bool IsExp(IMethodSymbol? method) => Classify(method) == NumericFunction.Exp;

    public bool IsLog(IMethodSymbol? method) => Classify(method) == NumericFunction.Log;

    private NumericFunction ClassifyCore(IMethodSymbol method, int depth)
    {
        INamedTypeSymbol? type = method.ContainingType;
        if (type is null)
        {
            return NumericFunction.None;
        }

        string name = method.Name;
        if (Is(type, _math) || Is(type, _mathF) || type.SpecialType is SpecialType.System_Double or SpecialType.System_Single
            || IsDefinition(type, _exponentialFunctions) || IsDefinition(type, _logarithmicFunctions))
        {
            return name switch
            {
                "Exp" => NumericFunction.Exp,
                "Log" => NumericFunction.Log,
                "LogP1" => NumericFunction.LogP1,
                _ => NumericFunction.None,
            };
        }

        if (Is(type, _unityMathf))
        {
            return name switch
            {
                "Exp" => NumericFunction.Exp,
                "Log" => NumericFunction.Log,
                _ => NumericFunction.None,
            };
        }

        if (Is(type, _unityMath))
        {
            return name switch
            {
                "exp" => NumericFunction.Exp,
                "log" => NumericFunction.Log,
                _ => NumericFunction.None,
            };
        }

        if (!_configuredExp.IsEmpty || !_configuredLog.IsEmpty)
        {
            string qualified = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)) + "." + name;
            if (_configuredExp.Contains(qualified))
            {
                return NumericFunction.Exp;
            }

            if (_configuredLog.Contains(qualified))
            {
                return NumericFunction.Log;
            }
        }

        if (!SymbolEqualityComparer.Default.Equals(method.ReturnType, method.Parameters[0].Type))
        {
            return NumericFunction.None;
        }

        bool numeric = IsNumericValue(method.ReturnType);
        if (!numeric && !IsElementwiseValue(method.ReturnType))
        {
            return NumericFunction.None;
        }

        // Numeric-operations abstractions (NumOps.Exp(x), Ops<T>.Exp(x)) and tensor backends (IBackend.Exp(Tensor),
        // np.exp(NDArray), torch.exp(Tensor)): an abstract or interface member, or one from a referenced library,
        // named like the function and mapping a number (or an array of numbers, element by element) to the same type.
        if (method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.IsEmpty)
        {
            return FunctionNamed(name);
        }

        // The implementation of such a member in this compilation (a backend's Exp(Tensor) that calls its native
        // library): what the interface or base member says it computes.
        if (depth < MaxWrapperDepth && FunctionNamed(name) != NumericFunction.None && Implemented(method) is { } implemented)
        {
            return ClassifyCore(implemented.OriginalDefinition, depth + 1);
        }

        // A wrapper in this compilation: its whole body returns a known function of its parameter.
        return numeric && depth < MaxWrapperDepth ? ClassifyWrapper(method, depth) : NumericFunction.None;
    }

    private static NumericFunction FunctionNamed(string name) => name switch
    {
        "Exp" or "exp" => NumericFunction.Exp,
        "Log" or "log" => NumericFunction.Log,
        _ => NumericFunction.None,
    };

    /// <summary>The interface member or overridden member of the same name that the method implements.</summary>
    private static IMethodSymbol? Implemented(IMethodSymbol method)
    {
        if (method.OverriddenMethod is { } overridden)
        {
            return overridden;
        }

        foreach (IMethodSymbol explicitImplementation in method.ExplicitInterfaceImplementations)
        {
            return explicitImplementation;
        }

        if (method.IsStatic || method.DeclaredAccessibility != Accessibility.Public || method.ContainingType is not { } type)
        {
            return null;
        }

        foreach (INamedTypeSymbol contract in type.AllInterfaces)
        {
            foreach (ISymbol member in contract.GetMembers(method.Name))
            {
                if (member is IMethodSymbol { Parameters.Length: 1 } candidate
                    && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(candidate), method))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A value an exponential can apply to element by element: a tensor, an n-dimensional array, a SIMD vector, a
    /// matrix (any class, struct or interface that is no built-in number). Complex numbers and quaternions are left
    /// out: their exponentials are rotations (e^(i theta)), summed in transforms, and do not overflow the same way.
    /// </summary>
    private static bool IsElementwiseValue(ITypeSymbol type) =>
        type.SpecialType == SpecialType.None
        && type.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface
        && type.Name.IndexOf("Complex", StringComparison.OrdinalIgnoreCase) < 0
        && type.Name.IndexOf("Quaternion", StringComparison.OrdinalIgnoreCase) < 0;

    private static bool IsNumericValue(ITypeSymbol type) =>
        type.SpecialType is SpecialType.System_Double or SpecialType.System_Single || type is ITypeParameterSymbol;

    /// <summary>
    /// <c>static double Exp(double x) =&gt; Math.Exp(x);</c>, <c>{ return (float)Math.Exp(x); }</c>,
    /// <c>Math.Pow(Math.E, x)</c>: the body is one returned call of a known function whose argument is the parameter.
    /// </summary>
    private NumericFunction ClassifyWrapper(IMethodSymbol method, int depth)
    {
        if (method.DeclaringSyntaxReferences.Length != 1
            || method.DeclaringSyntaxReferences[0].GetSyntax() is not BaseMethodDeclarationSyntax declaration)
        {
            return NumericFunction.None;
        }

        if (WrapperReturn(declaration) is not InvocationExpressionSyntax invocation || !_compilation.ContainsSyntaxTree(invocation.SyntaxTree))
        {
            return NumericFunction.None;
        }

        // Binds only this one call of a small candidate body: cheap, and cached per method.
#pragma warning disable RS1030 // The wrapper's body is in another tree than the operation being analyzed.
        SemanticModel model = _compilation.GetSemanticModel(invocation.SyntaxTree);
#pragma warning restore RS1030
        if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol callee)
        {
            return NumericFunction.None;
        }

        string parameter = method.Parameters[0].Name;
        SeparatedSyntaxList<ArgumentSyntax> arguments = invocation.ArgumentList.Arguments;
        if (arguments.Count == 1 && IsParameter(arguments[0].Expression, parameter))
        {
            IMethodSymbol target = callee.ReducedFrom ?? callee;
            if (target.Parameters.Length != 1)
            {
                return NumericFunction.None;
            }

            IMethodSymbol definition = target.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(definition, method))
            {
                return NumericFunction.None;
            }

            return _cache.TryGetValue(definition, out NumericFunction cached) ? cached : ClassifyCore(definition, depth + 1);
        }

        if (IsClampedExponential(model, callee, arguments, parameter, depth))
        {
            return NumericFunction.Exp;
        }

        // Math.Pow(Math.E, x)
        if (arguments.Count == 2 && callee.Name == "Pow" && (Is(callee.ContainingType, _math) || Is(callee.ContainingType, _mathF) || Is(callee.ContainingType, _unityMathf))
            && IsParameter(arguments[1].Expression, parameter)
            && model.GetSymbolInfo(StripCasts(arguments[0].Expression)!).Symbol is IFieldSymbol { Name: "E" } e
            && (Is(e.ContainingType, _math) || Is(e.ContainingType, _mathF) || Is(e.ContainingType, _unityMathf)))
        {
            return NumericFunction.Exp;
        }

        return NumericFunction.None;
    }

    /// <summary>
    /// A clamp of an exponential of the parameter: <c>BoundNumbers.Bound(Math.Exp(x))</c> (a one-parameter method of
    /// the compilation that returns its argument on some path), <c>Math.Min(Math.Exp(x), 1e20)</c>,
    /// <c>Math.Clamp(Math.Exp(x), 1e-10, 1e10)</c> (the other arguments constant). Clamped or not, a sum of such
    /// values divided by itself is a softmax that saturates or overflows where the logits are large.
    /// </summary>
    private bool IsClampedExponential(SemanticModel model, IMethodSymbol callee, SeparatedSyntaxList<ArgumentSyntax> arguments, string parameter, int depth)
    {
        bool mathClamp = callee.Name is "Min" or "Max" or "Clamp"
            && (Is(callee.ContainingType, _math) || Is(callee.ContainingType, _mathF) || Is(callee.ContainingType, _unityMathf));
        if (!mathClamp && !(arguments.Count == 1 && callee.Parameters.Length == 1 && ReturnsItsParameter(callee)))
        {
            return false;
        }

        InvocationExpressionSyntax? inner = null;
        foreach (ArgumentSyntax argument in arguments)
        {
            ExpressionSyntax value = StripCasts(argument.Expression)!;
            if (inner is null && value is InvocationExpressionSyntax call && call.ArgumentList.Arguments.Count == 1
                && IsParameter(call.ArgumentList.Arguments[0].Expression, parameter))
            {
                inner = call;
            }
            else if (!model.GetConstantValue(value).HasValue)
            {
                return false;
            }
        }

        if (inner is null || model.GetSymbolInfo(inner).Symbol is not IMethodSymbol innerMethod)
        {
            return false;
        }

        IMethodSymbol definition = (innerMethod.ReducedFrom ?? innerMethod).OriginalDefinition;
        return definition.Parameters.Length == 1
            && (_cache.TryGetValue(definition, out NumericFunction cached) ? cached : ClassifyCore(definition, depth + 1)) == NumericFunction.Exp;
    }

    /// <summary>A one-parameter method of the compilation that returns its parameter on some path (<c>return d;</c>,
    /// <c>return d &gt; Max ? Max : d;</c>): a clamp, read from its syntax.</summary>
    private bool ReturnsItsParameter(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        if (method.DeclaringSyntaxReferences.Length != 1
            || method.DeclaringSyntaxReferences[0].GetSyntax() is not BaseMethodDeclarationSyntax declaration
            || !_compilation.ContainsSyntaxTree(declaration.SyntaxTree)
            || declaration.Span.Length > 2000)
        {
            return false;
        }

        string parameter = method.Parameters[0].Name;
        foreach (SyntaxNode node in declaration.DescendantNodes())
        {
            ExpressionSyntax? returned = node switch
            {
                ReturnStatementSyntax { Expression: { } value } => value,
                ArrowExpressionClauseSyntax { Expression: var value } => value,
                _ => null,
            };
            returned = StripCasts(returned);
            if (returned is not null && (IsParameter(returned, parameter)
                || (returned is ConditionalExpressionSyntax conditional
                    && (IsParameter(conditional.WhenTrue, parameter) || IsParameter(conditional.WhenFalse, parameter)))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What a wrapper's whole body returns, casts and parentheses stripped: the expression body, or the one
    /// returned value of a one-statement block; null for any other body. Shared with <see cref="InterestIndex"/>, which
    /// indexes the names of exactly these wrappers.</summary>
    internal static ExpressionSyntax? WrapperReturn(BaseMethodDeclarationSyntax declaration)
    {
        ExpressionSyntax? returned = declaration.ExpressionBody?.Expression;
        if (returned is null && declaration.Body is { Statements.Count: 1 } body && body.Statements[0] is ReturnStatementSyntax { Expression: { } value })
        {
            returned = value;
        }

        return StripCasts(returned);
    }

    /// <summary>The exponential a clamping wrapper clamps: the argument of <c>Bound(Math.Exp(x))</c> or
    /// <c>Math.Min(Math.Exp(x), 1e20)</c> that is a call (see <see cref="IsClampedExponential"/>).</summary>
    internal static bool IsArgumentOf(InvocationExpressionSyntax outer, ExpressionSyntax inner)
    {
        foreach (ArgumentSyntax argument in outer.ArgumentList.Arguments)
        {
            if (StripCasts(argument.Expression) == inner)
            {
                return true;
            }
        }

        return false;
    }

    private static ExpressionSyntax? StripCasts(ExpressionSyntax? expression)
    {
        while (true)
        {
            switch (expression)
            {
                case CastExpressionSyntax cast:
                    expression = cast.Expression;
                    continue;
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    continue;
                default:
                    return expression;
            }
        }
    }

    private static bool IsParameter(ExpressionSyntax expression, string parameter) =>
        StripCasts(expression) is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == parameter;

    private static bool Is(INamedTypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);

    private static bool IsDefinition(INamedTypeSymbol type, INamedTypeSymbol? genericInterface) =>
        genericInterface is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, genericInterface);

    /// <summary>
    /// The configured names: every value of the keys seen in the options of any file of the compilation (editorconfig
    /// sections usually cover all C# files) and in the global options.
    /// </summary>
    private static (ImmutableHashSet<string> Exp, ImmutableHashSet<string> Log) ReadConfiguration(Compilation compilation, AnalyzerOptions? options)
    {
        if (options?.AnalyzerConfigOptionsProvider is not { } provider)
        {
            return (ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty);
        }

        var exp = new HashSet<string>(StringComparer.Ordinal);
        var log = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Read(AnalyzerConfigOptions configOptions)
        {
            if (configOptions.TryGetValue(ExpMethodsKey, out string? expValue) && seen.Add("e:" + expValue))
            {
                AddNames(expValue, exp);
            }

            if (configOptions.TryGetValue(LogMethodsKey, out string? logValue) && seen.Add("l:" + logValue))
            {
                AddNames(logValue, log);
            }
        }

        Read(provider.GlobalOptions);
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            Read(provider.GetOptions(tree));
        }

        return (exp.ToImmutableHashSet(StringComparer.Ordinal), log.ToImmutableHashSet(StringComparer.Ordinal));
    }

    private static void AddNames(string value, HashSet<string> into)
    {
        foreach (string part in value.Split(new[] { ',', ';', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
        {
            string name = part.Trim();
            if (name.StartsWith("global::", StringComparison.Ordinal))
            {
                name = name.Substring("global::".Length);
            }

            int generic = name.IndexOf('<');
            if (generic < 0 && name.Length > 0)
            {
                into.Add(name);
            }
        }
    }
}
