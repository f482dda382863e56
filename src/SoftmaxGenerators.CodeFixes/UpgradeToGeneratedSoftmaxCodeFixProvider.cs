using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0005: adds <c>[Softmax(N)]</c> to the containing type (partial, with a unique method name when needed) and calls
/// the generated kernel instead of <c>TensorPrimitives.SoftMax</c>. Fix All adds each attribute once per type and
/// length, across partial declarations and documents.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UpgradeToGeneratedSoftmaxCodeFixProvider)), Shared]
public sealed class UpgradeToGeneratedSoftmaxCodeFixProvider : CodeFixProvider
{
    internal const string Title = "Use a generated softmax kernel";
    internal const string EquivalenceKey = "SoftmaxGenerators.UseGeneratedSoftmax";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NumericsDescriptors.UseGeneratedSoftmaxId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => GeneratedSoftmaxFixAllProvider.Instance;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            GeneratedSoftmaxRewriter.Site? site = await GeneratedSoftmaxRewriter.FindSiteAsync(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false);
            if (site is null)
            {
                continue;
            }

            Solution solution = context.Document.Project.Solution;
            context.RegisterCodeFix(
                CodeAction.Create(
                    ActionTitle(site),
                    cancellationToken => GeneratedSoftmaxRewriter.ApplyAsync(solution, new[] { site }, cancellationToken),
                    EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>"Use a generated softmax kernel ([Softmax(10)] on 'C')", or "([Softmax] on 'C')" for a run-time length.</summary>
    internal static string ActionTitle(GeneratedSoftmaxRewriter.Site site)
    {
        string attribute = site.Length == SoftmaxUsageRules.RuntimeLength
            ? "[Softmax]"
            : $"[Softmax({site.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)})]";
        return $"{Title} ({attribute} on '{site.Type.Name}')";
    }

    /// <summary>Collects the diagnostics of the scope and fixes them together, grouped by type and length.</summary>
    private sealed class GeneratedSoftmaxFixAllProvider : FixAllProvider
    {
        public static readonly GeneratedSoftmaxFixAllProvider Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            CodeAction action = CodeAction.Create(
                Title,
                cancellationToken => FixAllAsync(fixAllContext, cancellationToken),
                EquivalenceKey);
            return Task.FromResult<CodeAction?>(action);
        }

        private static async Task<Solution> FixAllAsync(FixAllContext context, CancellationToken cancellationToken)
        {
            IEnumerable<Document> documents = context.Scope switch
            {
                FixAllScope.Document when context.Document is not null => new[] { context.Document },
                FixAllScope.Project => context.Project.Documents,
                FixAllScope.Solution => SolutionDocuments(context.Solution),
                _ => System.Array.Empty<Document>(),
            };

            var sites = new List<GeneratedSoftmaxRewriter.Site>();
            foreach (Document document in documents)
            {
                foreach (Diagnostic diagnostic in await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))
                {
                    if (await GeneratedSoftmaxRewriter.FindSiteAsync(document, diagnostic.Location.SourceSpan, cancellationToken).ConfigureAwait(false) is { } site)
                    {
                        sites.Add(site);
                    }
                }
            }

            return await GeneratedSoftmaxRewriter.ApplyAsync(context.Solution, sites, cancellationToken).ConfigureAwait(false);
        }

        private static IEnumerable<Document> SolutionDocuments(Solution solution)
        {
            foreach (Project project in solution.Projects)
            {
                foreach (Document document in project.Documents)
                {
                    yield return document;
                }
            }
        }
    }
}
