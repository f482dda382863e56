using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.Analyzers.Patterns;

internal enum LogSumExpShape
{
    /// <summary>log(1 + exp(x)) or log(exp(x) + 1).</summary>
    Softplus,

    /// <summary>log(exp(a) + exp(b) + ...): a few explicit terms.</summary>
    Terms,

    /// <summary>log(sum) where sum accumulates exponentials, or log(x.Sum(Math.Exp)).</summary>
    Accumulated,
}

/// <summary>A naive log-sum-exp: the log call and the exponentials under it.</summary>
internal sealed class LogSumExpMatch
{
    public LogSumExpMatch(IInvocationOperation log, LogSumExpShape shape, List<ExpSite> sites, ISymbol? sumSymbol)
    {
        Log = log;
        Shape = shape;
        Sites = sites;
        SumSymbol = sumSymbol;
    }

    public IInvocationOperation Log { get; }

    public LogSumExpShape Shape { get; }

    public List<ExpSite> Sites { get; }

    public ISymbol? SumSymbol { get; }
}

/// <summary>Shared by the SMX0002 analyzer and fix.</summary>
internal static class LogSumExpMatcher
{
    public static LogSumExpMatch? Match(BodyAnalysis analysis, IInvocationOperation log)
    {
        if (log.Arguments.Length != 1)
        {
            return null;
        }

        var leaves = new List<IOperation>();
        Flatten(log.Arguments[0].Value, leaves, 0);
        InlineSingleDefinitions(analysis, leaves);
        var sites = new List<ExpSite>();
        // log1p(y) is log(1 + y): the 1 is implicit.
        bool logP1 = analysis.Symbols.IsLogP1(log.TargetMethod);
        int constants = 0;
        int directExps = 0;
        ISymbol? sumSymbol = null;
        foreach (IOperation leaf in leaves)
        {
            if (OperationHelpers.IsConstant(leaf) || IsGenericOne(leaf))
            {
                constants++;
                continue;
            }

            if ((analysis.SiteOf(leaf) ?? SingleDefinitionSite(analysis, leaf)) is { Kind: ExpSiteKind.Call } direct)
            {
                directExps++;
                sites.Add(direct);
                continue;
            }

            bool found = false;
            ISymbol? symbol = OperationHelpers.ReferencedSymbol(leaf);
            if (symbol is ILocalSymbol or IFieldSymbol)
            {
                sumSymbol = symbol;
            }

            foreach (ExpSite site in analysis.ExpSites)
            {
                foreach (Accumulator accumulator in analysis.AccumulatorsOf(site))
                {
                    bool matches = (symbol is not null && accumulator.Symbol is not null && SymbolEqualityComparer.Default.Equals(symbol, accumulator.Symbol))
                        || (accumulator.Invocation is not null && accumulator.Invocation == leaf);
                    if (matches)
                    {
                        sites.Add(site);
                        found = true;
                        break;
                    }
                }
            }

            if (!found)
            {
                return null;
            }
        }

        if (sites.Count == 0)
        {
            return null;
        }

        // log(1 + exp(-y * f)), log(exp(a) + exp(b)): written-out terms take a negated product for a margin of either
        // sign; a sum accumulated in a loop (log(sum of exp(-beta * d[j])), a t-SNE row) for a kernel's exponent.
        // Exponentials multiplied into one term (exp(logPrior) * exp(score)) are safe only together: one bounded factor
        // does not bound the product.
        bool written = directExps == sites.Count;
        var termSafety = new Dictionary<IOperation, bool>();
        foreach (ExpSite site in sites)
        {
            bool safe = site.Shifted || (written ? site.BoundedAsMargin : site.Bounded);
            IOperation term = ProductTerm(site.Node);
            termSafety[term] = termSafety.TryGetValue(term, out bool others) ? others && safe : safe;
        }

        if (termSafety.ContainsValue(true))
        {
            return null;
        }

        LogSumExpShape shape;
        if (directExps == sites.Count && directExps == leaves.Count - constants)
        {
            if (directExps == 1 && constants == 0 && !logP1)
            {
                return null; // log(exp(x)) is just x
            }

            foreach (ExpSite site in sites)
            {
                if (site.Exponent is null)
                {
                    return null;
                }
            }

            bool softplus = logP1
                ? directExps == 1 && leaves.Count == 1
                : directExps == 1 && constants == 1 && leaves.Count == 2 && IsOne(leaves);
            shape = softplus ? LogSumExpShape.Softplus : LogSumExpShape.Terms;
        }
        else if (directExps == 0 && leaves.Count - constants == 1 && !logP1)
        {
            shape = LogSumExpShape.Accumulated;
        }
        else
        {
            return null;
        }

        return new LogSumExpMatch(log, shape, sites, shape == LogSumExpShape.Accumulated ? sumSymbol : null);
    }

    /// <summary>
    /// A local defined once as a sum (<c>sum = 1 + e</c>; <c>Math.Log(sum)</c>) stands for its terms. An accumulated
    /// sum (<c>sum += ...</c>) has several writes and is left alone.
    /// </summary>
    private static void InlineSingleDefinitions(BodyAnalysis analysis, List<IOperation> leaves)
    {
        for (int round = 0; round < 3; round++)
        {
            bool changed = false;
            for (int i = 0; i < leaves.Count; i++)
            {
                if (OperationHelpers.Unwrap(leaves[i]) is ILocalReferenceOperation { Local: { } local }
                    && analysis.WritesOf(local) is { Count: 1 } writes && writes[0].Kind == WriteKind.Assign && !writes[0].Element
                    && writes[0].Value is { } value && OperationHelpers.Unwrap(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add })
                {
                    var terms = new List<IOperation>();
                    Flatten(value, terms, 0);
                    leaves.RemoveAt(i);
                    leaves.InsertRange(i, terms);
                    changed = true;
                }
            }

            if (!changed)
            {
                break;
            }
        }
    }

    /// <summary>A local whose one definition is an exponential (<c>var e = Math.Exp(x); Math.Log(1 + e)</c>).</summary>
    private static ExpSite? SingleDefinitionSite(BodyAnalysis analysis, IOperation leaf)
    {
        if (OperationHelpers.Unwrap(leaf) is not ILocalReferenceOperation { Local: { } local })
        {
            return null;
        }

        IReadOnlyList<Write> writes = analysis.WritesOf(local);
        if (writes.Count != 1 || writes[0].Kind != WriteKind.Assign || writes[0].Element || writes[0].Value is not { } value)
        {
            return null;
        }

        return analysis.SiteOf(OperationHelpers.Unwrap(value));
    }

    private static bool IsOne(List<IOperation> leaves)
    {
        foreach (IOperation leaf in leaves)
        {
            if (IsGenericOne(leaf))
            {
                return true;
            }

            if (OperationHelpers.IsConstant(leaf))
            {
                return OperationHelpers.ConstantNumber(leaf) == 1;
            }
        }

        return false;
    }

    private static bool IsGenericOne(IOperation leaf) =>
        leaf is IPropertyReferenceOperation { Property: { IsStatic: true, Name: "One" } };

    private static void Flatten(IOperation operation, List<IOperation> into, int depth)
    {
        operation = OperationHelpers.Unwrap(operation);
        if (depth < 16 && operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition)
        {
            Flatten(addition.LeftOperand, into, depth + 1);
            Flatten(addition.RightOperand, into, depth + 1);
            return;
        }

        into.Add(operation);
    }

    /// <summary>The product or quotient an exponential is a factor of (the exponential itself when it stands alone).</summary>
    private static IOperation ProductTerm(IOperation exponential)
    {
        IOperation term = exponential;
        while (term.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide }
            or IParenthesizedOperation or IConversionOperation)
        {
            term = term.Parent;
        }

        return term;
    }
}
