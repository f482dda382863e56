using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.Analyzers.Flow;

/// <summary>
/// Members whose name says they hold probabilities: <c>model.Probabilities[i]</c>, <c>GetLogConditionalProbability(..)</c>,
/// <c>LogProbability</c>. Such a value is a probability (at most 1) or a log-probability (at most 0), so an exponential
/// of it cannot overflow whichever it is. Only members count (locals and parameters are followed to their definitions
/// instead: a local named <c>probs</c> often holds logits on their way to a softmax), a member the analysed body writes
/// is not taken (an in-place softmax over a field that first holds scores), and densities (<c>ProbabilityDensity</c>,
/// which can exceed 1) are not probabilities.
/// </summary>
internal sealed partial class ValueBounds
{
    private static readonly Interval s_probabilityOrLog = new(double.NegativeInfinity, 1);

    private static bool IsProbabilityName(string name) =>
        name.IndexOf("probabilit", StringComparison.OrdinalIgnoreCase) >= 0
        && name.IndexOf("density", StringComparison.OrdinalIgnoreCase) < 0;

    /// <summary>Whether every element of <paramref name="collection"/> (the source of <c>x.Sum(Math.Exp)</c>) is a
    /// member named as probabilities.</summary>
    public static bool IsNamedProbabilityCollection(IOperation collection) => !NamedProbability(collection).IsTop;

    /// <summary>The range of a read of a member named as probabilities (a field, a property, or the elements of one),
    /// or of the parameter of a LINQ lambda over one (<c>m.LogProbabilities.Select(v =&gt; Math.Exp(v))</c>);
    /// <see cref="Interval.Top"/> otherwise.</summary>
    private static Interval NamedProbability(IOperation read)
    {
        IOperation member = OperationHelpers.Unwrap(read) switch
        {
            IArrayElementReferenceOperation element => OperationHelpers.Unwrap(element.ArrayReference),
            IParameterReferenceOperation parameter when LinqSource(parameter) is { } source => OperationHelpers.Unwrap(source),
            var other => other,
        };
        // Locals and parameters are left to their definitions; IsFloatingOrFloatingArray takes fields and properties only.
        return OperationHelpers.VariableOf(member) is { } symbol
            && IsProbabilityName(symbol.Name) && IsFloatingOrFloatingArray(symbol) && !WrittenInBody(symbol, read)
            ? s_probabilityOrLog
            : Interval.Top;
    }

    /// <summary>The collection a LINQ operator (<c>System.Linq.Enumerable</c>) passes element by element to the lambda
    /// that declares <paramref name="parameter"/>; null for any other parameter.</summary>
    private static IOperation? LinqSource(IParameterReferenceOperation parameter)
    {
        if (parameter.Parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.LambdaMethod, Parameters.Length: 1 } lambda)
        {
            return null;
        }

        for (IOperation? current = parameter.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
            {
                IOperation? up = function.Parent;
                while (up is IDelegateCreationOperation or IConversionOperation)
                {
                    up = up.Parent;
                }

                return up is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { IsExtensionMethod: true, ContainingType: { Name: "Enumerable", ContainingNamespace.Name: "Linq" } } } call } argument
                    && call.Arguments.Length == 2 && call.Arguments[1] == argument
                    ? call.Arguments[0].Value
                    : null;
            }
        }

        return null;
    }

    /// <summary>The range of a call of a method named as a probability (<c>GetLogConditionalProbability(...)</c>).</summary>
    private static Interval NamedProbability(IInvocationOperation invocation) =>
        IsProbabilityName(invocation.TargetMethod.Name) && IsFloating(invocation.TargetMethod.ReturnType) ? s_probabilityOrLog : Interval.Top;

    private static bool IsFloatingOrFloatingArray(ISymbol symbol)
    {
        ITypeSymbol? type = symbol switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };
        return type is IArrayTypeSymbol array ? IsFloating(array.ElementType) : IsFloating(type);
    }

    private static bool IsFloating(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single;

    /// <summary>Whether the member (or an element of it) is assigned, incremented or passed by reference anywhere in
    /// the outermost body around <paramref name="read"/>.</summary>
    private static bool WrittenInBody(ISymbol member, IOperation read)
    {
        IOperation root = read;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        foreach (IOperation written in OperationHelpers.WriteTargets(root))
        {
            IOperation target = OperationHelpers.Unwrap(written);
            if (target is IArrayElementReferenceOperation element)
            {
                target = OperationHelpers.Unwrap(element.ArrayReference);
            }

            if (SymbolEqualityComparer.Default.Equals(OperationHelpers.VariableOf(target), member))
            {
                return true;
            }
        }

        return false;
    }
}
