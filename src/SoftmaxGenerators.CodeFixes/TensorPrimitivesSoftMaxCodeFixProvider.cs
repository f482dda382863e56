using System.Collections.Generic;
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

/// <summary>
/// SMX0004, two fixes: replaces TensorPrimitives.SoftMax(x, d) with Subtract(x, Max(x), d); Exp(d, d);
/// Divide(d, Sum(d), d) (first, so the command line's <c>dotnet format</c> takes it), or with a call to a generated kernel
/// (<c>[Softmax]</c> on the containing type, or <c>[Softmax(N)]</c> for a constant length, as SMX0005's fix; see
/// <see cref="TensorSoftMaxKernelSite"/>). Fix All applies the chosen one to the whole scope: the sequence one call at
/// a time, the kernels grouped by type so that each attribute is added once.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TensorPrimitivesSoftMaxCodeFixProvider)), Shared]
public sealed class TensorPrimitivesSoftMaxCodeFixProvider : CodeFixProvider
{
    internal const string StableTitle = "Use the stable Max, Subtract, Exp, Sum, Divide sequence";
    internal const string StableKey = "SoftmaxGenerators.StableTensorSoftMax";
    internal const string KernelKey = "SoftmaxGenerators.TensorSoftMaxToGeneratedKernel";

    private static readonly SequentialFixAllProvider s_stableFixAll = new(FixAsync);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NumericsDescriptors.TensorPrimitivesSoftMaxId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => TwoFixesFixAllProvider.Instance;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        Document document = context.Document;
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            // Each fix only where it can be computed.
            SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (await FixAsync(document, node, context.CancellationToken).ConfigureAwait(false) is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        StableTitle,
                        async cancellationToken => await FixAsync(document, node, cancellationToken).ConfigureAwait(false) ?? document,
                        StableKey),
                    diagnostic);
            }

            if (await TensorSoftMaxKernelSite.FindAsync(document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false) is { } site)
            {
                Solution solution = document.Project.Solution;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        UpgradeToGeneratedSoftmaxCodeFixProvider.ActionTitle(site),
                        cancellationToken => GeneratedSoftmaxRewriter.ApplyAsync(solution, new[] { site }, cancellationToken),
                        KernelKey),
                    diagnostic);
            }
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

    /// <summary>Fix All of the action that was chosen: the sequence one call at a time, or every kernel site of the scope at once.</summary>
    private sealed class TwoFixesFixAllProvider : FixAllProvider
    {
        public static readonly TwoFixesFixAllProvider Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            if (fixAllContext.CodeActionEquivalenceKey != KernelKey)
            {
                return s_stableFixAll.GetFixAsync(fixAllContext);
            }

            CodeAction action = CodeAction.Create(
                UpgradeToGeneratedSoftmaxCodeFixProvider.Title,
                cancellationToken => FixAllKernelsAsync(fixAllContext, cancellationToken),
                KernelKey);
            return Task.FromResult<CodeAction?>(action);
        }

        private static async Task<Solution> FixAllKernelsAsync(FixAllContext context, CancellationToken cancellationToken)
        {
            var documents = new List<Document>();
            switch (context.Scope)
            {
                case FixAllScope.Document when context.Document is not null:
                    documents.Add(context.Document);
                    break;
                case FixAllScope.Project:
                    documents.AddRange(context.Project.Documents);
                    break;
                case FixAllScope.Solution:
                    foreach (Project project in context.Solution.Projects)
                    {
                        documents.AddRange(project.Documents);
                    }

                    break;
            }

            var sites = new List<GeneratedSoftmaxRewriter.Site>();
            foreach (Document document in documents)
            {
                foreach (Diagnostic diagnostic in await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))
                {
                    if (await TensorSoftMaxKernelSite.FindAsync(document, diagnostic.Location.SourceSpan, cancellationToken).ConfigureAwait(false) is { } site)
                    {
                        sites.Add(site);
                    }
                }
            }

            return await GeneratedSoftmaxRewriter.ApplyAsync(context.Solution, sites, cancellationToken).ConfigureAwait(false);
        }
    }
}
