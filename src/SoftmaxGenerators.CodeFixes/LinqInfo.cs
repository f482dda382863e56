using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using System.Linq;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>An exponential inside Select/Sum: Select(Math.Exp), Sum(v =&gt; Math.Exp(v)).</summary>
internal sealed class LinqInfo
{
    private LinqInfo(IInvocationOperation call, IOperation source, IAnonymousFunctionOperation? lambda)
    {
        Call = call;
        Source = source;
        Lambda = lambda;
    }

    public IInvocationOperation Call { get; }

    public IOperation Source { get; }

    public IAnonymousFunctionOperation? Lambda { get; }

    public static LinqInfo? Of(ExpSite site)
    {
        if (site.Kind == ExpSiteKind.MethodGroup)
        {
            return site.EnclosingCall is { } call && OperationHelpers.SourceOf(call) is { } source ? new LinqInfo(call, source, null) : null;
        }

        if (site.Kind != ExpSiteKind.Call)
        {
            return null;
        }

        for (IOperation? current = site.Node.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation lambda)
            {
                if ((lambda.Syntax is LambdaExpressionSyntax { ExpressionBody: not null } || IsPlainQuerySelect(lambda.Syntax))
                    && lambda.Symbol.Parameters.Length == 1
                    && OperationHelpers.EnclosingCallOfDelegate(lambda) is { TargetMethod.Name: "Select" or "Sum" } call
                    && OperationHelpers.SourceOf(call) is { } source)
                {
                    return new LinqInfo(call, source, lambda);
                }

                return null;
            }

            if (current is IBlockOperation { IsImplicit: false })
            {
                return null;
            }
        }

        return null;
    }

    /// <summary><c>from v in source select f(v)</c> with nothing between: its lambda's parameter is the range variable
    /// itself (a let, a second from or a typed range variable would add transparent identifiers or a Cast).</summary>
    private static bool IsPlainQuerySelect(SyntaxNode syntax) =>
        syntax.Parent is SelectClauseSyntax { Parent: QueryBodySyntax { Clauses.Count: 0, Continuation: null, Parent: QueryExpressionSyntax { FromClause.Type: null } } };
}

/// <summary>How to write the maximum for an element type.</summary>
internal sealed class MaxFunctions
{
    private MaxFunctions(string typeName, string negativeInfinity, string max)
    {
        TypeName = typeName;
        NegativeInfinity = negativeInfinity;
        Max = max;
    }

    public string TypeName { get; }

    public string NegativeInfinity { get; }

    public string Max { get; }

    public static MaxFunctions? For(ITypeSymbol? type, FixContext context)
    {
        switch (type)
        {
            case { SpecialType: SpecialType.System_Double }:
                return new MaxFunctions("double", "double.NegativeInfinity", "System.Math.Max");
            case { SpecialType: SpecialType.System_Single }:
                return new MaxFunctions("float", "float.NegativeInfinity", "System.Math.Max");
            case ITypeParameterSymbol parameter when context.Analysis.Symbols.FloatingPointIeee754 is { } ieee:
                foreach (INamedTypeSymbol constraint in parameter.ConstraintTypes.OfType<INamedTypeSymbol>())
                {
                    if (SymbolEqualityComparer.Default.Equals(constraint.OriginalDefinition, ieee)
                        || System.Linq.Enumerable.Any(constraint.AllInterfaces, i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, ieee)))
                    {
                        return new MaxFunctions(parameter.Name, parameter.Name + ".NegativeInfinity", parameter.Name + ".Max");
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
