using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>Branches inside the loops: conditions that take one branch for the whole call (a layer's activation
/// switch, a setting), exponentials in branches that never run with the softmax, and the if/else whose two branches
/// each exponentiate.</summary>
internal static partial class ShiftPlanner
{
    /// <summary>
    /// The conditions of the ifs and switches between the loops and the exponential take the same branch on every pass:
    /// they read no loop variable, nothing written inside the loops, and call nothing but pure math. Then the loops
    /// exponentiate on every pass or on none, and the maximum over every pass is the right one.
    /// </summary>
    private static bool GuardsAreInvariant(FixContext context, List<ExpressionSyntax> guards, StatementSyntax insertion, HashSet<ISymbol> loopVariables)
    {
        foreach (ExpressionSyntax guard in guards)
        {
            if (context.Model.GetOperation(guard) is not { } condition || !IsPure(context, condition))
            {
                return false;
            }

            var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            OperationHelpers.CollectReferencedSymbols(condition, read);
            foreach (ISymbol symbol in read)
            {
                if (loopVariables.Contains(symbol)
                    || (symbol is ILocalSymbol local && local.DeclaringSyntaxReferences.Any(r => insertion.Span.Contains(r.Span)))
                    || context.Analysis.WritesOf(symbol).Any(write => insertion.Span.Contains(write.Node.Syntax.Span)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The two exponentials sit in different sections of one switch, or in the two branches of one if, whose condition
    /// takes the same branch on every pass of the loops around it: no call evaluates both.
    /// </summary>
    private static bool InExclusiveBranch(FixContext context, ExpSite site, ExpSite other, CancellationToken cancellationToken) =>
        InExclusiveBranch(context, site, other, cancellationToken, out _);

    /// <summary>As above; <paramref name="ifElse"/> is the if/else that separates them (null for a switch).</summary>
    private static bool InExclusiveBranch(FixContext context, ExpSite site, ExpSite other, CancellationToken cancellationToken, out IfStatementSyntax? ifElse)
    {
        ifElse = null;
        SyntaxNode first = site.Node.Syntax;
        SyntaxNode second = other.Node.Syntax;
        foreach (SyntaxNode ancestor in first.Ancestors())
        {
            if (!ancestor.Span.Contains(second.Span))
            {
                continue;
            }

            ExpressionSyntax? condition = ancestor switch
            {
                SwitchStatementSyntax switchStatement when switchStatement.Sections.Any(s => s.Span.Contains(first.Span))
                    && !switchStatement.Sections.Any(s => s.Span.Contains(first.Span) && s.Span.Contains(second.Span))
                    && switchStatement.Sections.Any(s => s.Span.Contains(second.Span)) => switchStatement.Expression,
                IfStatementSyntax { Else: { } otherwise } ifStatement
                    when (ifStatement.Statement.Span.Contains(first.Span) && otherwise.Span.Contains(second.Span))
                        || (otherwise.Span.Contains(first.Span) && ifStatement.Statement.Span.Contains(second.Span)) => ifStatement.Condition,
                _ => null,
            };
            if (condition is null)
            {
                return false; // the innermost common statement does not separate them
            }

            ifElse = ancestor as IfStatementSyntax;

            StatementSyntax? loop = ancestor.Ancestors().LastOrDefault(a => a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax) as StatementSyntax;
            var loopVariables = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            if (loop is not null)
            {
                foreach (StatementSyntax enclosing in ancestor.Ancestors().OfType<StatementSyntax>().Where(a => loop.Span.Contains(a.Span)))
                {
                    CollectLoopVariables(context.Model, enclosing, loopVariables, cancellationToken);
                }
            }

            return GuardsAreInvariant(context, new List<ExpressionSyntax> { condition }, loop ?? (StatementSyntax)ancestor, loopVariables);
        }

        return false;
    }

    /// <summary>
    /// The alternative exponential, in the other branch of <paramref name="ifElse"/>, can be evaluated again in the
    /// maximum loop: pure, the if/else inside the innermost loop and no other loop around the exponential, reading
    /// only loop variables and what the loops do not write (or write as the exponentials' own stores).
    /// </summary>
    private static bool CanTakeAlternative(FixContext context, ExpSite alternative, IfStatementSyntax ifElse, List<StatementSyntax> chain,
        StatementSyntax insertion, HashSet<ISymbol> loopVariables, List<ExpSite> stores)
    {
        StatementSyntax innermost = chain[chain.Count - 1];
        if (alternative.Exponent is not { } exponent || !IsPure(context, exponent) || !innermost.Span.Contains(ifElse.Span)
            || alternative.Node.Syntax.Ancestors().FirstOrDefault(a => a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax) != innermost)
        {
            return false;
        }

        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(exponent, read);
        foreach (ISymbol symbol in read)
        {
            if (loopVariables.Contains(symbol))
            {
                continue;
            }

            if ((symbol is ILocalSymbol local && local.DeclaringSyntaxReferences.Any(r => insertion.Span.Contains(r.Span)))
                || context.Analysis.WritesOf(symbol).Any(w => insertion.Span.Contains(w.Node.Syntax.Span) && !(w.Element && IsOwnStore(context, w, stores))))
            {
                return false;
            }
        }

        return true;
    }
}
