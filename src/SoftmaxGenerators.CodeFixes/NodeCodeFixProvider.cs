using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// The shared shape of the numerics fixers: one diagnostic id, a fix computed from the node the diagnostic points at,
/// offered only where it can be computed, and Fix All applying the fixes of a document one after another
/// (<see cref="SequentialFixAllProvider"/>), since fixes in one method can overlap. A fixer may offer a second action
/// that calls a generated kernel instead (<see cref="GeneratedKernelFix"/>); Fix All then follows the action chosen.
/// </summary>
public abstract class NodeCodeFixProvider : CodeFixProvider
{
    private readonly string _title;
    private readonly string _equivalenceKey;
    private readonly Func<Document, SyntaxNode, CancellationToken, Task<Document?>> _fix;
    private readonly FixAllProvider _fixAll;
    private readonly GeneratedKernelFix? _generated;

    private protected NodeCodeFixProvider(
        string diagnosticId, string title, string equivalenceKey, Func<Document, SyntaxNode, CancellationToken, Task<Document?>> fix,
        GeneratedKernelFix? generated = null)
    {
        FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);
        _title = title;
        _equivalenceKey = equivalenceKey;
        _fix = fix;
        _generated = generated;
        FixAllProvider sequential = new SequentialFixAllProvider(fix);
        _fixAll = generated is null ? sequential : new ByEquivalenceKey(sequential, generated);
    }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => _fixAll;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);

            // Offer the fix only where it can be computed: where a shape cannot be fixed safely, no fix beats a wrong one.
            if (await _fix(context.Document, node, context.CancellationToken).ConfigureAwait(false) is not null)
            {
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        _title,
                        async cancellationToken => await _fix(document, node, cancellationToken).ConfigureAwait(false) ?? document,
                        _equivalenceKey),
                    diagnostic);
            }

            // The generated kernel second, where it computes exactly what the code does.
            if (_generated is not null)
            {
                await _generated.RegisterAsync(context, diagnostic).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Fix All of the action whose equivalence key the context names.</summary>
    private sealed class ByEquivalenceKey : FixAllProvider
    {
        private readonly FixAllProvider _rewrite;
        private readonly GeneratedKernelFix _generated;

        public ByEquivalenceKey(FixAllProvider rewrite, GeneratedKernelFix generated)
        {
            _rewrite = rewrite;
            _generated = generated;
        }

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext) =>
            fixAllContext.CodeActionEquivalenceKey == _generated.EquivalenceKey
                ? _generated.FixAll.GetFixAsync(fixAllContext)
                : _rewrite.GetFixAsync(fixAllContext);
    }
}
