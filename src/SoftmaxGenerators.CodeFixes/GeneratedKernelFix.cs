using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// A code action that moves the diagnosed code to a generated kernel (<see cref="GeneratedSoftmaxRewriter"/>): how a
/// diagnostic's site is found, the equivalence key, and the title of Fix All; each action's title names the function,
/// the attribute and the type. Fix All collects the sites of the whole scope and rewrites them together, so each type
/// gets each attribute once.
/// </summary>
internal sealed class GeneratedKernelFix
{
    private readonly Func<Document, TextSpan, CancellationToken, Task<GeneratedSoftmaxRewriter.Site?>> _findSite;

    /// <param name="title">The title of Fix All.</param>
    /// <param name="equivalenceKey">The key that Fix All groups the actions by.</param>
    /// <param name="findSite">Re-analyzes the diagnostic at a span; null where this action is not offered.</param>
    public GeneratedKernelFix(string title, string equivalenceKey, Func<Document, TextSpan, CancellationToken, Task<GeneratedSoftmaxRewriter.Site?>> findSite)
    {
        Title = title;
        EquivalenceKey = equivalenceKey;
        _findSite = findSite;
        FixAll = new FixAllProvider(this);
    }

    public string Title { get; }

    public string EquivalenceKey { get; }

    /// <summary>Fix All of this action, for document, project and solution scopes.</summary>
    public Microsoft.CodeAnalysis.CodeFixes.FixAllProvider FixAll { get; }

    /// <summary>Registers the action for the diagnostic where its site is found.</summary>
    public async Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic)
    {
        if (await _findSite(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false) is not { } site)
        {
            return;
        }

        Solution solution = context.Document.Project.Solution;
        context.RegisterCodeFix(
            CodeAction.Create(
                TitleOf(site),
                cancellationToken => GeneratedSoftmaxRewriter.ApplyAsync(solution, new[] { site }, cancellationToken),
                EquivalenceKey),
            diagnostic);
    }

    /// <summary>
    /// "Use a generated cross-entropy kernel ([Softmax(10, Functions = SoftmaxFunctions.CrossEntropy)] on 'C')": the
    /// function, the attribute that generates it, and the type that gets it.
    /// </summary>
    internal static string TitleOf(GeneratedSoftmaxRewriter.Site site)
    {
        string n = site.Length.ToString(CultureInfo.InvariantCulture);
        (string function, string functions) = site.Function switch
        {
            Model.LayerFunctions.LogSumExp => ("log-sum-exp", ", Functions = SoftmaxFunctions.LogSumExp"),
            Model.LayerFunctions.LogSoftmax => ("log-softmax", ", Functions = SoftmaxFunctions.LogSoftmax"),
            Model.LayerFunctions.CrossEntropy => ("cross-entropy", ", Functions = SoftmaxFunctions.CrossEntropy"),
            _ => ("softmax", string.Empty),
        };
        return $"Use a generated {function} kernel ([Softmax({n}{functions})] on '{site.Type.Name}')";
    }

    /// <summary>Collects the diagnostics of the scope and fixes them together, grouped by type, length and function.</summary>
    private sealed class FixAllProvider : Microsoft.CodeAnalysis.CodeFixes.FixAllProvider
    {
        private readonly GeneratedKernelFix _fix;

        public FixAllProvider(GeneratedKernelFix fix) => _fix = fix;

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            CodeAction action = CodeAction.Create(
                _fix.Title,
                cancellationToken => FixAllAsync(fixAllContext, cancellationToken),
                _fix.EquivalenceKey);
            return Task.FromResult<CodeAction?>(action);
        }

        private async Task<Solution> FixAllAsync(FixAllContext context, CancellationToken cancellationToken)
        {
            IEnumerable<Document> documents = context.Scope switch
            {
                FixAllScope.Document when context.Document is not null => new[] { context.Document },
                FixAllScope.Project => context.Project.Documents,
                FixAllScope.Solution => SolutionDocuments(context.Solution),
                _ => Array.Empty<Document>(),
            };

            var sites = new List<GeneratedSoftmaxRewriter.Site>();
            foreach (Document document in documents)
            {
                foreach (Diagnostic diagnostic in await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))
                {
                    if (await _fix._findSite(document, diagnostic.Location.SourceSpan, cancellationToken).ConfigureAwait(false) is { } site)
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
