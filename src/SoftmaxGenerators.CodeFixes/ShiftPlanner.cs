using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// Plans "compute the maximum first and subtract it inside each exponential" for a naive sum of exponentials, in
/// loops (the loop headers are repeated to compute the maximum of the exponent itself, so temperature, negation and
/// computed scores all work) and in LINQ (Max() of the same source). Every check that fails means no fix: a wrong
/// fix is worse than none.
/// </summary>
/// <remarks>Split by concern: ShiftPlanner.Loops.cs and ShiftPlanner.Linq.cs (where the maximum goes), ShiftPlanner.Branches.cs (ifs and switches in the loops), ShiftPlanner.Sampling.cs and ShiftPlanner.ExtraSlot.cs (sums that sample or live in the array),
/// ShiftPlanner.RelatedSites.cs (which exponentials and storage belong to the softmax), ShiftPlanner.SumSafety.cs
/// (uses of the sum the shift keeps correct).</remarks>
internal static partial class ShiftPlanner
{
    /// <summary>How the sum may be used besides being accumulated.</summary>
    public enum SumUse
    {
        /// <summary>Only as a divisor of the exponentials (softmax).</summary>
        Divisor,

        /// <summary>Only as the argument of the given log calls (log-sum-exp).</summary>
        Log,
    }

    public static ShiftPlan? Plan(FixContext context, ExpSite site, Accumulator accumulator, SumUse use, IReadOnlyCollection<IInvocationOperation> logs, CancellationToken cancellationToken)
    {
        if (!site.IsNaive || site.Kind == ExpSiteKind.Tensor || MaxFunctions.For(site.ValueType, context) is not { } functions)
        {
            return null;
        }

        BodyAnalysis analysis = context.Analysis;
        LinqInfo? linq = LinqInfo.Of(site);
        List<ExpSite> related = RelatedSites(context, site, linq);
        if (related.Count == 0 || !related.Contains(site))
        {
            return null;
        }

        // Every exponential that feeds this sum or is divided by it must be one of the related ones, and vice versa.
        var otherStores = new List<ExpSite>();
        (ExpSite Site, IfStatementSyntax IfElse)? alternative = null;
        foreach (ExpSite other in analysis.ExpSites)
        {
            bool isRelated = related.Contains(other);
            bool touches = FeedsOrDivides(context, other, accumulator);
            if (other == site || isRelated == touches)
            {
                continue;
            }

            // The activation's other cases (ELU's exp(x[j]) - 1, a sigmoid stored in the same array) in a switch that
            // takes one case for the whole call: a call that runs them runs no shifted exponential, so every value it
            // computes is as before, and a call that sums runs none of them. A naive exponential that feeds the sum in
            // the other branch would stay naive after the fix (and hidden behind the shifted one): no fix.
            if (!(touches && other.IsNaive) && InExclusiveBranch(context, site, other, cancellationToken))
            {
                related.Remove(other);
                otherStores.Add(other);
                continue;
            }

            // opennlp's GISModel: exp(a) in one branch of an if/else on a setting, exp(b) in the other, one sum: both
            // get the maximum of the exponent their branch takes (PlanLoop); a second such exponential, no fix.
            if (touches && other.IsNaive && !isRelated && alternative is null && linq is null
                && InExclusiveBranch(context, site, other, cancellationToken, out IfStatementSyntax? ifElse) && ifElse is not null)
            {
                alternative = (other, ifElse);
                otherStores.Add(other);
                continue;
            }

            return null;
        }

        HashSet<ISymbol> storage = StorageOf(context, alternative is { } shifted ? related.Concat(new[] { shifted.Site }).ToList() : related);
        if (!ExtendStorageThroughLocals(context, accumulator, related, storage, cancellationToken))
        {
            return null;
        }

        if (!MemberStoresAreSafe(context, accumulator, related))
        {
            return null;
        }

        ExtendStorageThroughPartialSums(context, accumulator, storage, cancellationToken);
        if (!SumUsesAreSafe(context, accumulator, related, storage, use, logs, cancellationToken))
        {
            return null;
        }

        return linq is null
            ? PlanLoop(context, site, accumulator, related, functions, cancellationToken, otherStores, alternative)
            : PlanLinq(context, site, linq, related, functions, cancellationToken);
    }

    /// <summary>For TensorPrimitives.Exp(x, d): every sum of d only divides d (a softmax), so shifting d is exact.</summary>
    public static bool TensorSumsOnlyDivide(FixContext context, ExpSite site, CancellationToken cancellationToken)
    {
        if (site.Node is not IInvocationOperation invocation || OperationHelpers.Argument(invocation, 1) is not { } destination
            || OperationHelpers.RootSymbol(destination) is not { } storageSymbol)
        {
            return false;
        }

        var related = new List<ExpSite> { site };
        var storage = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { storageSymbol };
        ImmutableArray<Accumulator> accumulators = context.Analysis.AccumulatorsOf(site);
        if (accumulators.IsEmpty)
        {
            return false;
        }

        foreach (Accumulator accumulator in accumulators)
        {
            if (!SumUsesAreSafe(context, accumulator, related, storage, SumUse.Divisor, ImmutableArray<IInvocationOperation>.Empty, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>exponent - max in every related exponential; a method group becomes a lambda.</summary>
    private static void AddShifts(FixContext context, ShiftPlan plan, List<ExpSite> related, SyntaxNode position, string max, params string[] taken)
    {
        string? element = null;
        foreach (ExpSite other in related)
        {
            if (other.Kind == ExpSiteKind.MethodGroup)
            {
                element ??= UniqueName(context, position, "v", taken.Concat(new[] { max }).ToArray());
                string name = element;
                plan.Replacements.Add((other.Node.Syntax, current => name + " => " + ((ExpressionSyntax)current).WithoutTrivia() + "(" + name + " - " + max + ")"));
            }
            else if (other.Exponent?.Syntax is ExpressionSyntax otherExponent)
            {
                plan.Replacements.Add((otherExponent, current => Shifted((ExpressionSyntax)current, max)));
            }
        }
    }

    /// <summary>Only reads, arithmetic and pure math: the exponent can be evaluated again without side effects.</summary>
    private static bool IsPure(FixContext context, IOperation operation)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(operation))
        {
            switch (node)
            {
                case ILiteralOperation or ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                    or IArrayElementReferenceOperation or IBinaryOperation or IUnaryOperation or IConversionOperation
                    or IInstanceReferenceOperation or IArgumentOperation:
                    break;
                case IPropertyReferenceOperation property when property.Property.GetMethod is not null:
                    break;
                case IInvocationOperation invocation when invocation.TargetMethod.IsStatic
                    && (context.Analysis.Symbols.IsMathMember(invocation.TargetMethod, invocation.TargetMethod.Name)
                        || invocation.TargetMethod.ContainingType?.TypeKind == TypeKind.Interface):
                    break;
                case { Kind: OperationKind.None } when OperationHelpers.PointerOfElement(node) is not null:
                    // p[i] on a pointer: a read (its pointer and index are checked as descendants).
                    break;
                case IInvocationOperation invocation when PureHelpers.IsPure(context, invocation.TargetMethod):
                    // An exponent helper of this compilation (GetExponent(q[i]) => q / tau): evaluating it again is harmless.
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>System.Math.Max as Math.Max where 'Math' means System.Math at the position.</summary>
    public static string MathCall(FixContext context, SyntaxNode position, string call)
    {
        const string prefix = "System.Math.";
        if (!call.StartsWith(prefix, System.StringComparison.Ordinal))
        {
            return call;
        }

        var found = context.Model.LookupNamespacesAndTypes(position.SpanStart, name: "Math");
        return found.Length == 1 && found[0] is INamedTypeSymbol type && type.ToDisplayString() == "System.Math"
            ? call.Substring("System.".Length)
            : call;
    }

    /// <summary>exponent - max, parenthesized where precedence needs it.</summary>
    public static string Shifted(ExpressionSyntax exponent, string max)
    {
        ExpressionSyntax bare = exponent.WithoutTrivia();
        bool safe = bare is IdentifierNameSyntax or ElementAccessExpressionSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
            or LiteralExpressionSyntax or ParenthesizedExpressionSyntax or PrefixUnaryExpressionSyntax or CastExpressionSyntax
            or PostfixUnaryExpressionSyntax
            || (bare is BinaryExpressionSyntax binary && binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression
                or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression);
        return (safe ? bare.ToString() : "(" + bare + ")") + " - " + max;
    }

    /// <summary>A local name not used anywhere in the member nor visible at the position.</summary>
    public static string UniqueName(FixContext context, SyntaxNode position, string preferred, params string[] taken)
    {
        var used = new HashSet<string>(taken);
        foreach (SyntaxToken token in context.Member.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                used.Add(token.ValueText);
            }
        }

        foreach (ISymbol symbol in context.Model.LookupSymbols(position.SpanStart))
        {
            used.Add(symbol.Name);
        }

        if (!used.Contains(preferred))
        {
            return preferred;
        }

        for (int i = 2; ; i++)
        {
            string candidate = preferred + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
