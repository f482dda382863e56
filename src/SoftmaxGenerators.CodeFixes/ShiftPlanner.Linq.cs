using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>Maximum insertion for LINQ: Max() of the same source (Max(v => exponent) for lambdas); expression-bodied members become blocks.</summary>
internal static partial class ShiftPlanner
{
    private static ShiftPlan? PlanLinq(FixContext context, ExpSite site, LinqInfo linq, List<ExpSite> related, MaxFunctions functions, CancellationToken cancellationToken)
    {
        // In query syntax the source operation's syntax is the from clause.
        ExpressionSyntax? sourceSyntax = linq.Source.Syntax switch
        {
            FromClauseSyntax from => from.Expression,
            ExpressionSyntax expression => expression,
            _ => null,
        };
        if (OperationHelpers.ReferencedSymbol(linq.Source) is not { } source || sourceSyntax is null)
        {
            return null;
        }

        // The source must never be written in the body (except where it is declared).
        foreach (Write write in context.Analysis.WritesOf(source))
        {
            if (write.Element || write.Node is not IVariableDeclaratorOperation)
            {
                return null;
            }
        }

        if (linq.Lambda is not null && (site.Exponent is null || !IsPure(context, site.Exponent)))
        {
            return null;
        }

        SyntaxNode first = related.Select(r => r.Node.Syntax).OrderBy(n => n.SpanStart).First();
        StatementSyntax? statement = first.Ancestors().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent is BlockSyntax);
        bool expressionBodied = false;
        if (statement is null || !context.Member.Span.Contains(statement.Span))
        {
            // An expression-bodied member: the fix turns it into a block.
            ArrowExpressionClauseSyntax? arrow = context.Member switch
            {
                BaseMethodDeclarationSyntax method => method.ExpressionBody,
                AccessorDeclarationSyntax accessor => accessor.ExpressionBody,
                _ => null,
            };
            if (arrow is null || !arrow.Span.Contains(first.Span) || first.Ancestors().Any(a => a is StatementSyntax && arrow.Span.Contains(a.Span)))
            {
                return null;
            }

            expressionBodied = true;
            statement = null;
        }
        else
        {
            // Every related exponential is in this statement or after it, in the same block, and not in a nested lambda
            // whose parameter the maximum would depend on.
            foreach (ExpSite other in related)
            {
                if (!statement.Parent!.Span.Contains(other.Node.Syntax.Span) || other.Node.Syntax.SpanStart < statement.SpanStart)
                {
                    return null;
                }
            }
        }

        if (LinqInfo.Of(site) is not { } info)
        {
            return null;
        }

        // Max of the exponent: x.Max() for Math.Exp or v => Math.Exp(v), else x.Max(v => exponent).
        string maxExpression;
        if (info.Lambda is null || (site.Exponent is not null && OperationHelpers.Unwrap(site.Exponent) is IParameterReferenceOperation))
        {
            maxExpression = sourceSyntax.WithoutTrivia() + ".Max()";
        }
        else
        {
            string parameter = info.Lambda.Symbol.Parameters[0].Name;
            maxExpression = sourceSyntax.WithoutTrivia() + ".Max(" + parameter + " => " + ((ExpressionSyntax)site.Exponent!.Syntax).WithoutTrivia() + ")";
        }

        SyntaxNode position = (SyntaxNode?)statement ?? context.Member;
        string max = UniqueName(context, position, "max");
        var plan = new ShiftPlan(context.Member, statement, max);
        plan.ReturnsVoid = expressionBodied && context.Model.GetDeclaredSymbol(context.Member, cancellationToken) is IMethodSymbol { ReturnsVoid: true };
        plan.Statements.Add(functions.TypeName + " " + max + " = " + maxExpression + ";");
        AddShifts(context, plan, related, position, max);
        return plan;
    }
}
