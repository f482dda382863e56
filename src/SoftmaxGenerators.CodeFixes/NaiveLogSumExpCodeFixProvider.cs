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
/// max(x, 0) + log(1 + exp(-|x|)). A log of a few explicit exponentials is reported but not fixed. Where x has a
/// constant length N, a second action calls a generated kernel instead: <c>LogSumExp(x)</c>, the summing loop removed
/// (<see cref="GeneratedLayerSites"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NaiveLogSumExpCodeFixProvider)), Shared]
public sealed class NaiveLogSumExpCodeFixProvider : NodeCodeFixProvider
{
    internal const string GeneratedTitle = "Use generated log-sum-exp kernels";
    internal const string GeneratedEquivalenceKey = "SoftmaxGenerators.UseGeneratedLogSumExp";

    private static readonly GeneratedKernelFix s_generated = new(GeneratedTitle, GeneratedEquivalenceKey, GeneratedLayerSites.LogSumExpAsync);

    /// <summary>Creates the provider.</summary>
    public NaiveLogSumExpCodeFixProvider()
        : base(NumericsDescriptors.NaiveLogSumExpId, "Use the stable log-sum-exp", "SoftmaxGenerators.StableLogSumExp", FixAsync, s_generated)
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
        INamedTypeSymbol? mathType = match.Log.TargetMethod.ContainingType;
        if (site.Exponent?.Syntax is ExpressionSyntax tensorExponent && OperationHelpers.IsPlainRead(site.Exponent)
            && match.Log.Syntax.Span.Contains(site.Node.Syntax.Span) && ElementwisePlanner.IsArrayValued(match.Log.TargetMethod.ReturnType, context))
        {
            // A whole tensor (a backend's Log(Exp(x) + 1)): the backend's element-wise maximum, absolute value and negation.
            if (ElementwisePlanner.StableSoftplus(context, match.Log, tensorExponent) is not { } tensorStable)
            {
                return null;
            }

            var tensorPlan = new ShiftPlan(context.Member, insertBefore: null, maxName: string.Empty);
            tensorPlan.Replacements.Add((match.Log.Syntax, current => NeedsParentheses(current) ? "(" + tensorStable + ")" : tensorStable));
            return tensorPlan.WithoutInsertion();
        }

        if (site.Exponent?.Syntax is not ExpressionSyntax exponent
            || match.Log.Syntax is not InvocationExpressionSyntax { Expression: var callee }
            || !OperationHelpers.IsPlainRead(site.Exponent)
            || !(match.Log.Syntax.Span.Contains(site.Node.Syntax.Span) || ReachesOnlyThroughLocals(context, site, match.Log))
            || !context.Analysis.Symbols.IsMathType(mathType, genericMath: true))
        {
            // The exponential is elsewhere (a local read more than once), or the receiver has no Max/Log/Exp/Abs.
            return null;
        }

        // Unity.Mathematics.math names them in lower case (math.max, math.log, math.exp, math.abs).
        bool lowerCase = mathType!.Name == "math";
        string max = lowerCase ? "max" : "Max";
        string log = lowerCase ? "log" : "Log";
        string exp = lowerCase ? "exp" : "Exp";
        string abs = lowerCase ? "abs" : "Abs";
        string p;
        if (callee is MemberAccessExpressionSyntax access)
        {
            p = access.Expression.WithoutTrivia().ToString();
        }
        else if (callee is IdentifierNameSyntax && mathType.TypeKind != TypeKind.Interface)
        {
            // using static System.Math: Log(1 + Exp(x)) keeps bare names where Max and Abs mean the same type's members.
            int position = match.Log.Syntax.SpanStart;
            bool bare = new[] { max, log, exp, abs }.All(name => context.Model.LookupSymbols(position, name: name) is { Length: > 0 } found
                && found.All(symbol => symbol is IMethodSymbol && SymbolEqualityComparer.Default.Equals(symbol.ContainingType, mathType)));
            p = bare ? string.Empty : mathType.ToMinimalDisplayString(context.Model, position);
        }
        else
        {
            return null;
        }

        string q = p.Length == 0 ? string.Empty : p + ".";
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
            case ITypeParameterSymbol type when MaxFunctions.For(type, context) is not null && p.Length > 0:
                zero = p + ".Zero";
                one = p + ".One";
                break;
            default:
                return null;
        }

        string z = exponent.WithoutTrivia().ToString();
        string stable = $"{q}{max}({z}, {zero}) + {q}{log}({one} + {q}{exp}(-{q}{abs}({z})))";
        var plan = new ShiftPlan(context.Member, insertBefore: null, maxName: string.Empty);
        plan.Replacements.Add((match.Log.Syntax, current => NeedsParentheses(current) ? "(" + stable + ")" : stable));
        plan.Statements.Clear();
        return plan.WithoutInsertion();
    }

    /// <summary>
    /// <c>float exp = (float)Math.Exp(x), sum = 1 + exp, ln = (float)Math.Log(sum);</c>: the exponential reaches the
    /// log only through locals assigned once and read once, and its exponent is a parameter or local never written
    /// after its declaration, so the log can be rewritten from the exponent alone (the locals stay, unused by it).
    /// </summary>
    private static bool ReachesOnlyThroughLocals(FixContext context, ExpSite site, IInvocationOperation log)
    {
        if (site.Exponent is null || OperationHelpers.ReferencedSymbol(site.Exponent) is not { } variable
            || variable is not (IParameterSymbol { RefKind: RefKind.None } or ILocalSymbol { IsRef: false })
            || context.Analysis.WritesOf(variable).Any(w => w.Node is not IVariableDeclaratorOperation)
            || context.Model.GetOperation(context.Member) is not { } body)
        {
            return false;
        }

        IOperation current = site.Node;
        for (int depth = 0; depth < 8; depth++)
        {
            IOperation? parent = current.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation or IBinaryOperation { OperatorKind: BinaryOperatorKind.Add })
            {
                current = parent;
                parent = parent.Parent;
            }

            if (parent is IArgumentOperation { Parent: IInvocationOperation call } && call == log)
            {
                return true;
            }

            if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                || context.Analysis.WritesOf(declarator.Symbol).Count != 1)
            {
                return false;
            }

            List<IOperation> reads = OperationHelpers.DescendantsAndSelf(body)
                .Where(n => n is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol))
                .ToList();
            if (reads.Count != 1)
            {
                return false;
            }

            current = reads[0];
        }

        return false;
    }

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
