using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0001: computes the maximum first (a loop, Max() in LINQ, TensorPrimitives.Max) and subtracts it inside each
/// exponential of the softmax, keeping names, comments and formatting. No fix where the shape cannot be fixed safely.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NaiveSoftmaxCodeFixProvider)), Shared]
public sealed class NaiveSoftmaxCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "SoftmaxGenerators.SubtractMaximum";

    private static readonly FixAllProvider s_fixAll = new SequentialFixAllProvider(FixAsync);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NumericsDescriptors.NaiveSoftmaxId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => s_fixAll;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            // Offer the fix only where it can be computed.
            if (await FixAsync(context.Document, node, context.CancellationToken).ConfigureAwait(false) is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Subtract the maximum before exponentiating",
                    cancellationToken => FixOrKeepAsync(context.Document, node, cancellationToken),
                    EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> FixOrKeepAsync(Document document, SyntaxNode node, CancellationToken cancellationToken) =>
        await FixAsync(document, node, cancellationToken).ConfigureAwait(false) ?? document;

    internal static async Task<Document?> FixAsync(Document document, SyntaxNode node, CancellationToken cancellationToken)
    {
        FixContext? context = await FixContext.CreateAsync(document, node, cancellationToken).ConfigureAwait(false);
        if (context?.FindSite(node) is not { } site)
        {
            return null;
        }

        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return null;
        }

        if (site.Kind == ExpSiteKind.Tensor)
        {
            ShiftPlan? tensorPlan = ShiftPlanner.TensorSumsOnlyDivide(context, site, cancellationToken) ? TensorPlanner.PlanExp(context, site) : null;
            return tensorPlan is null ? null : document.WithSyntaxRoot(tensorPlan.Apply(root));
        }

        foreach (Accumulator accumulator in context.Analysis.AccumulatorsOf(site))
        {
            if (!context.Analysis.Normalizes(accumulator, out _))
            {
                continue;
            }

            ShiftPlan? plan = ShiftPlanner.Plan(context, site, accumulator, ShiftPlanner.SumUse.Divisor, ImmutableArray<IInvocationOperation>.Empty, cancellationToken);
            if (plan is not null)
            {
                return document.WithSyntaxRoot(plan.Apply(root));
            }
        }

        return null;
    }
}
