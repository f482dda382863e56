using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// Fix All for the numerics fixes. Each fix rewrites a region of a method (it inserts a maximum and shifts several
/// exponentials), so fixes in one document are applied one after another on the updated document, each re-analyzed,
/// instead of merging text changes that could overlap. Used for document, project and solution scopes.
/// </summary>
internal sealed class SequentialFixAllProvider : DocumentBasedFixAllProvider
{
    private static readonly string s_annotationKind = "SoftmaxGenerators.FixAllTarget";

    private readonly Func<Document, SyntaxNode, CancellationToken, Task<Document?>> _fix;

    public SequentialFixAllProvider(Func<Document, SyntaxNode, CancellationToken, Task<Document?>> fix) => _fix = fix;

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        CancellationToken cancellationToken = fixAllContext.CancellationToken;
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || diagnostics.IsEmpty)
        {
            return document;
        }

        // Mark every diagnosed node, then fix them in source order, finding each again in the updated tree.
        var annotations = diagnostics
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select((diagnostic, index) => (Node: root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), Annotation: new SyntaxAnnotation(s_annotationKind, index.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();
        root = root.ReplaceNodes(
            annotations.Select(a => a.Node).Distinct(),
            (original, rewritten) => rewritten.WithAdditionalAnnotations(annotations.Where(a => a.Node == original).Select(a => a.Annotation)));
        Document current = document.WithSyntaxRoot(root);
        foreach ((_, SyntaxAnnotation annotation) in annotations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SyntaxNode? currentRoot = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            SyntaxNode? target = currentRoot?.GetAnnotatedNodes(annotation).FirstOrDefault();
            if (target is null)
            {
                continue;
            }

            Document? fixedDocument = await _fix(current, target, cancellationToken).ConfigureAwait(false);
            if (fixedDocument is not null)
            {
                current = fixedDocument;
            }
        }

        return current;
    }
}
