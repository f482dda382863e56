using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>SMX0004: replaces TensorPrimitives.SoftMax(x, d) with Subtract(x, Max(x), d); Exp(d, d); Divide(d, Sum(d), d).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TensorPrimitivesSoftMaxCodeFixProvider)), Shared]
public sealed class TensorPrimitivesSoftMaxCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "SoftmaxGenerators.StableTensorSoftMax";

    private static readonly FixAllProvider s_fixAll = new SequentialFixAllProvider(FixAsync);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NumericsDescriptors.TensorPrimitivesSoftMaxId);

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
            if (await FixAsync(context.Document, node, context.CancellationToken).ConfigureAwait(false) is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use the stable Max, Subtract, Exp, Sum, Divide sequence",
                    async cancellationToken => await FixAsync(context.Document, node, cancellationToken).ConfigureAwait(false) ?? context.Document,
                    EquivalenceKey),
                diagnostic);
        }
    }

    internal static async Task<Document?> FixAsync(Document document, SyntaxNode node, CancellationToken cancellationToken)
    {
        FixContext? context = await FixContext.CreateAsync(document, node, cancellationToken).ConfigureAwait(false);
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (context is null || root is null)
        {
            return null;
        }

        foreach (IInvocationOperation call in context.Analysis.SoftMaxCalls)
        {
            if (call.Syntax.Span == node.Span && TensorPlanner.PlanSoftMax(context, call) is { } plan)
            {
                return document.WithSyntaxRoot(plan.Apply(root));
            }
        }

        return null;
    }
}
