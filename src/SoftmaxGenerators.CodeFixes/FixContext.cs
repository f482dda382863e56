using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>The analysis of the member that contains a diagnosed node, rebuilt with the shared matcher.</summary>
internal sealed class FixContext
{
    private FixContext(Document document, SemanticModel model, BodyAnalysis analysis, SyntaxNode member)
    {
        Document = document;
        Model = model;
        Analysis = analysis;
        Member = member;
    }

    public Document Document { get; }

    public SemanticModel Model { get; }

    public BodyAnalysis Analysis { get; }

    /// <summary>The method, constructor, operator or accessor declaration.</summary>
    public SyntaxNode Member { get; }

    public static async Task<FixContext?> CreateAsync(Document document, SyntaxNode node, CancellationToken cancellationToken)
    {
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null || NumericsSymbols.Create(model.Compilation, document.Project.AnalyzerOptions) is not { } symbols)
        {
            return null;
        }

        if (MemberOf(node) is { } member)
        {
            IOperation? body = model.GetOperation(member, cancellationToken);
            if (body is null)
            {
                return null;
            }

            BodyAnalysis? analysis = BodyAnalysis.Create(symbols, ImmutableArray.Create(body));
            return analysis is null ? null : new FixContext(document, model, analysis, member);
        }

        return null;
    }

    /// <summary>The method, constructor, operator or accessor declaration around the node, or null.</summary>
    public static SyntaxNode? MemberOf(SyntaxNode node)
    {
        foreach (SyntaxNode ancestor in node.AncestorsAndSelf())
        {
            if (ancestor is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax)
            {
                return ancestor;
            }
        }

        return null;
    }

    /// <summary>The exponential whose syntax is (or wraps) the node.</summary>
    public ExpSite? FindSite(SyntaxNode node)
    {
        foreach (ExpSite site in Analysis.ExpSites)
        {
            if (site.Node.Syntax.Span == node.Span)
            {
                return site;
            }
        }

        return null;
    }
}
