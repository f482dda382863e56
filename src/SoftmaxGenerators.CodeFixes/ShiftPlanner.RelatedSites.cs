using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>Which exponentials belong to one softmax (same exponent up to loop variables and lambda parameters), which sum they feed, and where they are stored.</summary>
internal static partial class ShiftPlanner
{
    /// <summary>Exponentials with the same exponent as <paramref name="site"/>, up to the names of loop variables
    /// (loops) or of lambda parameters over the same source (LINQ).</summary>
    private static List<ExpSite> RelatedSites(FixContext context, ExpSite site, LinqInfo? linq)
    {
        var result = new List<ExpSite>();
        string? key = Key(context, site);
        if (key is null)
        {
            return result;
        }

        foreach (ExpSite other in context.Analysis.ExpSites)
        {
            if (!other.IsNaive || other.Kind == ExpSiteKind.Tensor)
            {
                continue;
            }

            LinqInfo? otherLinq = LinqInfo.Of(other);

            if (linq is not null && otherLinq is not null
                && !SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(linq.Source), OperationHelpers.ReferencedSymbol(otherLinq.Source)))
            {
                continue;
            }

            if (Key(context, other) == key)
            {
                result.Add(other);
            }
        }

        return result;
    }

    /// <summary>The exponent's text with loop variables and lambda parameters replaced by a placeholder.</summary>
    private static string? Key(FixContext context, ExpSite site)
    {
        if (site.Kind == ExpSiteKind.MethodGroup)
        {
            // Select(Math.Exp) over x: the element x[$], like a loop over the same collection.
            return site.EnclosingCall is { } call && OperationHelpers.SourceOf(call)?.Syntax is IdentifierNameSyntax source
                ? source.Identifier.ValueText + " [ $ ] "
                : "$";
        }

        if (site.Exponent?.Syntax is not { } syntax)
        {
            return null;
        }

        var builder = new StringBuilder();
        foreach (SyntaxToken token in syntax.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is IdentifierNameSyntax name
                && context.Model.GetSymbolInfo(name).Symbol is { } symbol && IsVariableOfIteration(symbol))
            {
                // foreach (var v in x) ... v is the element x[$] of a for loop over the same collection.
                if (symbol is ILocalSymbol && symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is ForEachStatementSyntax { Expression: IdentifierNameSyntax collection })
                {
                    builder.Append(collection.Identifier.ValueText).Append(" [ $ ] ");
                    continue;
                }

                // x.Select(v => ...) or x.Sum(v => ...): v is the element x[$] too.
                if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol lambda }
                    && lambda.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is LambdaExpressionSyntax { Parent: ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax source } } } } })
                {
                    builder.Append(source.Identifier.ValueText).Append(" [ $ ] ");
                    continue;
                }

                builder.Append("$ ");
                continue;
            }

            // x[index] with a fixed index (a parameter or a local never written in the body, outside a loop over x):
            // one element of x, like x[$] in the loop that sums them (Exp(x[index]) / sum beside sum += Exp(x[i])).
            // Whatever the maximum, exp(a - m) / sum(exp(b - m)) is exp(a) / sum(exp(b)): the shift keeps the meaning.
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is IdentifierNameSyntax { Parent: ArgumentSyntax { Parent: BracketedArgumentListSyntax { Arguments.Count: 1, Parent: ElementAccessExpressionSyntax } } } fixedIndex
                && context.Model.GetSymbolInfo(fixedIndex).Symbol is { } indexSymbol and (IParameterSymbol { RefKind: RefKind.None } or ILocalSymbol)
                && context.Analysis.WritesOf(indexSymbol).All(w => w.Node is IVariableDeclaratorOperation))
            {
                builder.Append("$ ");
                continue;
            }

            if (token.IsKind(SyntaxKind.OpenBracketToken) || token.IsKind(SyntaxKind.CloseBracketToken))
            {
                builder.Append(token.Text).Append(' ');
                continue;
            }

            builder.Append(token.Text).Append(' ');
        }

        return builder.ToString();
    }

    private static bool IsVariableOfIteration(ISymbol symbol)
    {
        if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } })
        {
            return true;
        }

        if (symbol is ILocalSymbol local)
        {
            foreach (SyntaxReference reference in local.DeclaringSyntaxReferences)
            {
                SyntaxNode declaration = reference.GetSyntax();
                if (declaration is ForEachStatementSyntax
                    || declaration.Parent?.Parent is ForStatementSyntax
                    || declaration.Parent is ForEachVariableStatementSyntax)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The site adds to this sum, or is divided by it (directly or through a reciprocal).</summary>
    private static bool FeedsOrDivides(FixContext context, ExpSite site, Accumulator accumulator)
    {
        foreach (Accumulator other in context.Analysis.AccumulatorsOf(site))
        {
            if (Same(other, accumulator))
            {
                return true;
            }
        }

        ISymbol? sum = SumSymbol(accumulator);
        for (IOperation? current = site.Node; current is not null && current is not IBlockOperation; current = current.Parent)
        {
            IOperation? parent = current.Parent;
            if (parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division && division.LeftOperand == current
                && (ReferencesSum(division.RightOperand, accumulator, sum) || IsScaledSum(context, division.RightOperand, sum)))
            {
                return true;
            }

            if (parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product)
            {
                IOperation factor = product.LeftOperand == current ? product.RightOperand : product.LeftOperand;
                if (IsReciprocalOf(context, factor, accumulator, sum))
                {
                    return true;
                }
            }
        }

        return sum is not null && HeldInScaleInvariantUse(context, site, sum);
    }

    /// <summary>
    /// <c>double ex = Math.Exp(x[k]); return (ex * sum - ex * ex) / (sum * sum);</c>: the exponential is kept in a
    /// local that meets the sum in an expression of degree zero (the softmax derivative).
    /// </summary>
    private static bool HeldInScaleInvariantUse(FixContext context, ExpSite site, ISymbol sum)
    {
        IOperation? parent = OperationHelpers.ParentSkippingConversions(site.Node, out _);
        ILocalSymbol? holder = parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedSymbol(assignment.Target) is ILocalSymbol target => target,
            _ => null,
        };
        if (holder is null || context.Model.GetOperation(context.Member) is not { } body)
        {
            return false;
        }

        var related = new List<ExpSite> { site };
        var storage = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { holder };
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, holder)
                && IsScaleInvariantUse(node, sum, related, storage, out IOperation top) && OperationHelpers.References(top, sum))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A local set once to sum / c (the mean of the exponentials: total / pop.Count).</summary>
    private static bool IsScaledSum(FixContext context, IOperation divisor, ISymbol? sum)
    {
        if (sum is null || OperationHelpers.ReferencedSymbol(divisor) is not ILocalSymbol local)
        {
            return false;
        }

        IReadOnlyList<Write> writes = context.Analysis.WritesOf(local);
        return writes.Count == 1 && writes[0].Node is IVariableDeclaratorOperation && writes[0].Value is { } value
            && OperationHelpers.Unwrap(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division
            && OperationHelpers.ReferencedSymbol(division.LeftOperand) is { } left && SymbolEqualityComparer.Default.Equals(left, sum)
            && !OperationHelpers.References(division.RightOperand, sum);
    }

    private static bool IsReciprocalOf(FixContext context, IOperation factor, Accumulator accumulator, ISymbol? sum)
    {
        if (OperationHelpers.ReferencedSymbol(factor) is not ILocalSymbol local)
        {
            return false;
        }

        foreach (Write write in context.Analysis.WritesOf(local))
        {
            if (write.Value is { } value && OperationHelpers.Unwrap(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division
                && ReferencesSum(division.RightOperand, accumulator, sum))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Same(Accumulator a, Accumulator b) =>
        (a.Symbol is not null && b.Symbol is not null && SymbolEqualityComparer.Default.Equals(a.Symbol, b.Symbol))
        || (a.Invocation is not null && a.Invocation == b.Invocation);

    /// <summary>The variable that holds the sum: the accumulator itself, or the local a Sum() call is stored in.</summary>
    private static ISymbol? SumSymbol(Accumulator accumulator)
    {
        if (accumulator.Symbol is not null)
        {
            return accumulator.Symbol;
        }

        if (accumulator.Invocation is { } invocation
            && OperationHelpers.ParentSkippingConversions(invocation, out _) is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            return declarator.Symbol;
        }

        return null;
    }

    private static bool ReferencesSum(IOperation operation, Accumulator accumulator, ISymbol? sum) =>
        (sum is not null && OperationHelpers.References(operation, sum))
        || (accumulator.Invocation is not null && OperationHelpers.DescendantsAndSelf(operation).Contains(accumulator.Invocation));

    /// <summary>The variables the related exponentials are stored in (e[i] = exp(...), var e = x.Select(Math.Exp).ToArray()).</summary>
    private static HashSet<ISymbol> StorageOf(FixContext context, List<ExpSite> related)
    {
        var storage = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (ExpSite site in related)
        {
            IOperation current = site.Node;
            if (site.Kind == ExpSiteKind.MethodGroup && site.EnclosingCall is { } call)
            {
                current = call;
            }
            else if (LinqInfo.Of(site) is { Call: { } linqCall })
            {
                current = linqCall;
            }

            for (int depth = 0; depth < 8; depth++)
            {
                IOperation? parent = OperationHelpers.ParentSkippingConversions(current, out IOperation child);
                if (parent is IArgumentOperation { Parent: IInvocationOperation next } && next.TargetMethod.Name is "ToArray" or "ToList" or "AsEnumerable")
                {
                    current = next;
                    continue;
                }

                if (UniformScaling(context, parent, child) is { } scaled)
                {
                    current = scaled;
                    continue;
                }

                if (parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Add", IsStatic: false, Parameters.Length: 1 } method, Instance: { } list } }
                    && method.ContainingType.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
                    && OperationHelpers.RootSymbol(list) is { } added)
                {
                    // list.Add(Math.Exp(...)).
                    storage.Add(added);
                }
                else if (parent is ISimpleAssignmentOperation assignment && OperationHelpers.RootSymbol(assignment.Target) is { } target)
                {
                    storage.Add(target);
                }
                else if (parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
                {
                    storage.Add(declarator.Symbol);
                }

                break;
            }
        }

        return storage;
    }

    /// <summary>
    /// <c>exp(x) / t</c> with t no exponential and no sum of them (exp(x) / sum is the normalization): the shift
    /// multiplies every such value by one factor, exp(-max), so where they are stored is storage like the
    /// exponentials'. Returns the quotient, or null. (Not <c>Math.Pow(exp(x), 1 / T)</c>: with a large T a shifted
    /// exponential underflows where its power would not, so the fix could lose weights the original had.)
    /// </summary>
    private static IOperation? UniformScaling(FixContext context, IOperation? parent, IOperation child) =>
        parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient && quotient.LeftOperand == child
        && context.Analysis.IsScale(quotient.RightOperand)
            ? quotient
            : null;
}
