using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0002: log(sum(exp(x))) becomes m + log(sum(exp(x - m))); the softplus log(1 + exp(x)) becomes
/// max(x, 0) + log(1 + exp(-|x|)). A log of a few explicit exponentials is reported but not fixed.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NaiveLogSumExpCodeFixProvider)), Shared]
public sealed class NaiveLogSumExpCodeFixProvider : NodeCodeFixProvider
{
    /// <summary>Creates the provider.</summary>
    public NaiveLogSumExpCodeFixProvider()
        : base(NumericsDescriptors.NaiveLogSumExpId, "Use the stable log-sum-exp", "SoftmaxGenerators.StableLogSumExp", FixAsync)
    {
    }

    internal static async Task<Document?> FixAsync(Document document, SyntaxNode node, CancellationToken cancellationToken)
    {
        FixContext? context = await FixContext.CreateAsync(document, node, cancellationToken).ConfigureAwait(false);
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (context is null || root is null)
        {
            return null;
        }

        IInvocationOperation? log = null;
        foreach (IInvocationOperation candidate in context.Analysis.LogCalls)
        {
            if (candidate.Syntax.Span == node.Span)
            {
                log = candidate;
            }
        }

        if (log is null || LogSumExpMatcher.Match(context.Analysis, log) is not { } match)
        {
            return null;
        }

        ShiftPlan? plan = match.Shape switch
        {
            LogSumExpShape.Softplus => PlanSoftplus(context, match),
            LogSumExpShape.Accumulated => PlanAccumulated(context, match, cancellationToken),
            _ => null,
        };
        return plan is null ? null : document.WithSyntaxRoot(plan.Apply(root));
    }

    private static ShiftPlan? PlanSoftplus(FixContext context, LogSumExpMatch match)
    {
        ExpSite site = match.Sites[0];
        if (site.Exponent?.Syntax is not ExpressionSyntax exponent
            || match.Log.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
            || !OperationHelpers.IsPlainRead(site.Exponent)
            || !match.Log.Syntax.Span.Contains(site.Node.Syntax.Span)
            || !HasMaxLogExpAbs(context, match.Log.TargetMethod.ContainingType))
        {
            // The exponential is elsewhere (a local), or the receiver has no Max/Log/Exp/Abs of these names.
            return null;
        }

        string p = access.Expression.WithoutTrivia().ToString();
        string zero;
        string one;
        switch (match.Log.TargetMethod.ReturnType)
        {
            case { SpecialType: SpecialType.System_Double }:
                zero = "0.0";
                one = "1.0";
                break;
            case { SpecialType: SpecialType.System_Single }:
                zero = "0f";
                one = "1f";
                break;
            case ITypeParameterSymbol type when MaxFunctions.For(type, context) is not null:
                zero = p + ".Zero";
                one = p + ".One";
                break;
            default:
                return null;
        }

        string z = exponent.WithoutTrivia().ToString();
        string stable = $"{p}.Max({z}, {zero}) + {p}.Log({one} + {p}.Exp(-{p}.Abs({z})))";
        var plan = new ShiftPlan(context.Member, insertBefore: null, maxName: string.Empty);
        plan.Replacements.Add((match.Log.Syntax, current => NeedsParentheses(current) ? "(" + stable + ")" : stable));
        plan.Statements.Clear();
        return plan.WithoutInsertion();
    }

    /// <summary>Math, MathF, double, float, UnityEngine.Mathf and generic-math T all have Max, Log, Exp and Abs.</summary>
    private static bool HasMaxLogExpAbs(FixContext context, INamedTypeSymbol? type) =>
        context.Analysis.Symbols.IsMathType(type, genericMath: true) && type!.Name != "math"; // math.max is lower case

    private static ShiftPlan? PlanAccumulated(FixContext context, LogSumExpMatch match, CancellationToken cancellationToken)
    {
        ExpSite site = match.Sites[0];
        // All logs of the same sum are rewritten together.
        var logs = new List<IInvocationOperation>();
        foreach (IInvocationOperation other in context.Analysis.LogCalls)
        {
            if (LogSumExpMatcher.Match(context.Analysis, other) is { Shape: LogSumExpShape.Accumulated } otherMatch
                && (other == match.Log || (match.SumSymbol is not null && SymbolEqualityComparer.Default.Equals(otherMatch.SumSymbol, match.SumSymbol))))
            {
                logs.Add(other);
            }
        }

        foreach (Accumulator accumulator in context.Analysis.AccumulatorsOf(site))
        {
            bool isThisSum = (match.SumSymbol is not null && accumulator.Symbol is not null && SymbolEqualityComparer.Default.Equals(match.SumSymbol, accumulator.Symbol))
                || (accumulator.Invocation is not null && OperationHelpers.DescendantsAndSelf(match.Log).Contains(accumulator.Invocation));
            if (!isThisSum)
            {
                continue;
            }

            ShiftPlan? plan = ShiftPlanner.Plan(context, site, accumulator, ShiftPlanner.SumUse.Log, logs, cancellationToken);
            if (plan is null)
            {
                return null;
            }

            string max = plan.MaxName;
            foreach (IInvocationOperation other in logs)
            {
                plan.Replacements.Add((other.Syntax, current =>
                {
                    string text = max + " + " + current.WithoutTrivia();
                    return NeedsParentheses(current) ? "(" + text + ")" : text;
                }));
            }

            return plan;
        }

        return null;
    }

    private static bool NeedsParentheses(SyntaxNode expression) =>
        expression.Parent is not (ArrowExpressionClauseSyntax or ReturnStatementSyntax or EqualsValueClauseSyntax or ArgumentSyntax
            or ParenthesizedExpressionSyntax or AssignmentExpressionSyntax)
        && !(expression.Parent is BinaryExpressionSyntax binary && binary.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.AddExpression) && binary.Left == expression);
}
