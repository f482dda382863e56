using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// The fixes that move code to a generated kernel, for one site or for many (Fix All): SMX0005's softmax, and the
/// layer functions that the SMX0002 and SMX0003 fixes offer (log-sum-exp, log-softmax, cross-entropy; their sites come
/// from <see cref="GeneratedLayerSites"/>). Groups the sites by the type that will hold the kernels, gives every row
/// length and function of a type one method name (an existing <c>[Softmax(N)]</c> of that length that generates the
/// function, or a new attribute with a name whose generated methods no member of the type uses), adds each new
/// attribute once, makes the type and its containing types partial in every declaration, and replaces each site by a
/// call to the generated method. Works on the solution, since a type's declarations can be in several documents.
/// </summary>
internal static partial class GeneratedSoftmaxRewriter
{
    /// <summary>
    /// One computation to replace: a TensorPrimitives.SoftMax call or the statements of a stable softmax loop (SMX0005),
    /// or a layer function's code (<see cref="Rewrite"/> builds the call).
    /// </summary>
    internal sealed class Site
    {
        public Site(Document document, int order, SyntaxNode node, int length, INamedTypeSymbol type, ExpressionSyntax source, ExpressionSyntax destination, SyntaxNode member, ImmutableArray<StatementSyntax> removed)
            : this(document, order, node, length, type, member, removed, Model.LayerFunctions.Softmax, rewrite: null)
        {
            Source = source;
            Destination = destination;
        }

        /// <summary>A site of the layer function <paramref name="function"/> (one <see cref="Model.LayerFunctions"/> flag),
        /// whose <paramref name="node"/> becomes what <paramref name="rewrite"/> makes of it (as rewritten so far) given the
        /// generated method's name, and whose <paramref name="removed"/> statements go.</summary>
        public Site(Document document, int order, SyntaxNode node, int length, INamedTypeSymbol type, SyntaxNode member, ImmutableArray<StatementSyntax> removed,
            int function, Func<ExpressionSyntax, SyntaxNode, SyntaxNode>? rewrite)
        {
            Document = document;
            Order = order;
            Node = node;
            Length = length;
            Type = type;
            Member = member;
            Removed = removed;
            Function = function;
            Rewrite = rewrite;
        }

        public Document Document { get; }

        /// <summary>The document's position in its project: sites are handled in document, then source, order.</summary>
        public int Order { get; }

        /// <summary>What the call replaces: the SoftMax invocation, the first statement of the loops, or the layer function's expression or statement.</summary>
        public SyntaxNode Node { get; }

        public int Length { get; }

        public INamedTypeSymbol Type { get; }

        /// <summary>The softmax's input (SMX0005 sites only).</summary>
        public ExpressionSyntax? Source { get; }

        /// <summary>The softmax's output (SMX0005 sites only).</summary>
        public ExpressionSyntax? Destination { get; }

        /// <summary>The function whose generated method is called: <see cref="Model.LayerFunctions.Softmax"/> for SMX0005.</summary>
        public int Function { get; }

        /// <summary>For layer functions: builds the replacement of <see cref="Node"/> from the generated method's name.</summary>
        public Func<ExpressionSyntax, SyntaxNode, SyntaxNode>? Rewrite { get; }

        /// <summary>The member declaration (or the compilation unit of top-level statements) that contains the call.</summary>
        public SyntaxNode Member { get; }

        /// <summary>Statements that go with the fix: the other statements of a softmax's loops and the sum's declaration, or a log-sum-exp's loop and sum.</summary>
        public ImmutableArray<StatementSyntax> Removed { get; }

        /// <summary>
        /// For loops over a run-time length (<see cref="Length"/> 0) that may be empty, where the loops write nothing
        /// and the kernel throws: the call goes under <c>if (x.Length &gt; 0)</c>.
        /// </summary>
        public bool GuardEmpty { get; set; }
    }

    /// <summary>
    /// Where a site's generated kernel would go: the type that contains <paramref name="node"/> when it can receive
    /// <c>[Softmax(N)]</c> (<see cref="GeneratedSoftmaxCandidates.TargetType"/>), the member declaration (or compilation
    /// unit) around the node, and the document's position in its project. False when the compilation cannot use
    /// generated kernels.
    /// </summary>
    public static bool TryLocate(Document document, SemanticModel model, SyntaxNode node, CancellationToken cancellationToken,
        out INamedTypeSymbol type, out SyntaxNode member, out int order)
    {
        type = null!;
        member = null!;
        order = 0;
        if (!GeneratedSoftmaxCandidates.CanGenerate(model.Compilation))
        {
            return false;
        }

        ISymbol? enclosing = model.GetEnclosingSymbol(node.SpanStart, cancellationToken);
        while (enclosing is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            enclosing = enclosing.ContainingSymbol;
        }

        INamedTypeSymbol? target = GeneratedSoftmaxCandidates.TargetType(enclosing, cancellationToken);
        SyntaxNode? memberSyntax = node.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax and not BaseTypeDeclarationSyntax and not GlobalStatementSyntax)
            ?? node.Ancestors().OfType<CompilationUnitSyntax>().FirstOrDefault();
        if (target is null || memberSyntax is null)
        {
            return false;
        }

        foreach (DocumentId id in document.Project.DocumentIds)
        {
            if (id == document.Id)
            {
                break;
            }

            order++;
        }

        type = target;
        member = memberSyntax;
        return true;
    }

    /// <summary>Re-analyzes the call at <paramref name="span"/>; null when it is not (or no longer) an SMX0005 site.</summary>
    public static async Task<Site?> FindSiteAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || !root.FullSpan.Contains(span))
        {
            return null;
        }

        InvocationExpressionSyntax? call = root.FindNode(span, getInnermostNodeForTie: true)
            .AncestorsAndSelf()
            .OfType<InvocationExpressionSyntax>()
            .FirstOrDefault(candidate => candidate.Span == span);
        NumericsSymbols? symbols = NumericsSymbols.Create(model.Compilation, document.Project.AnalyzerOptions);
        if (call is null || symbols is null
            || model.GetOperation(call, cancellationToken) is not IInvocationOperation operation
            || !TryLocate(document, model, call, cancellationToken, out INamedTypeSymbol type, out SyntaxNode memberSyntax, out int order))
        {
            return null;
        }

        var lengths = new ConstantLengths(ConstantLengths.RootOf(operation), new ConstantLengths.Symbols(model.Compilation));
        if (symbols.IsTensorPrimitives(operation.TargetMethod, "SoftMax"))
        {
            return GeneratedSoftmaxCandidates.SoftMaxCallLength(operation, symbols, lengths) is int length
                && ArgumentSyntaxOf(operation, 0) is { } source
                && ArgumentSyntaxOf(operation, 1) is { } destination
                ? new Site(document, order, call, length, type, source, destination, memberSyntax, ImmutableArray<StatementSyntax>.Empty)
                : null;
        }

        if (StableLoopSoftmax.Match(operation, symbols, lengths) is { } loops
            && loops.Source.Syntax is ExpressionSyntax input && loops.Destination.Syntax is ExpressionSyntax output
            && loops.Statements[0].Syntax is StatementSyntax first)
        {
            ImmutableArray<StatementSyntax>.Builder removed = ImmutableArray.CreateBuilder<StatementSyntax>();
            foreach (IOperation statement in loops.Statements.Skip(1).Append(loops.SumDeclaration))
            {
                if (statement.Syntax is not StatementSyntax syntax)
                {
                    return null;
                }

                removed.Add(syntax);
            }

            return new Site(document, order, first, loops.Length, type, input, output, memberSyntax, removed.ToImmutable()) { GuardEmpty = loops.MayBeEmpty };
        }

        return null;
    }

    private static ExpressionSyntax? ArgumentSyntaxOf(IInvocationOperation call, int ordinal)
    {
        foreach (IArgumentOperation argument in call.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument.Syntax is ArgumentSyntax syntax && syntax.RefKindKeyword.IsKind(SyntaxKind.None) ? syntax.Expression : null;
            }
        }

        return null;
    }

    /// <summary>Applies the fix to every site; sites whose type cannot be edited are left alone.</summary>
    public static async Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<Site> sites, CancellationToken cancellationToken)
    {
        var edits = new SolutionEdits(solution);
        foreach (IGrouping<ProjectId, Site> project in sites.GroupBy(site => site.Document.Project.Id))
        {
            Compilation? compilation = await solution.GetProject(project.Key)!.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
            INamedTypeSymbol? attributeType = compilation?.GetTypeByMetadataName(SoftmaxUsageRules.AttributeMetadataName);
            if (compilation is null || attributeType is null)
            {
                continue;
            }

            var byType = new Dictionary<INamedTypeSymbol, List<Site>>(SymbolEqualityComparer.Default);
            foreach (Site site in project.OrderBy(s => s.Order).ThenBy(s => s.Node.SpanStart))
            {
                if (!byType.TryGetValue(site.Type, out List<Site>? list))
                {
                    byType[site.Type] = list = new List<Site>();
                }

                list.Add(site);
            }

            foreach (KeyValuePair<INamedTypeSymbol, List<Site>> group in byType)
            {
                PlanType(edits, compilation, attributeType, group.Key, group.Value, cancellationToken);
            }
        }

        return await edits.ApplyAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void PlanType(SolutionEdits edits, Compilation compilation, INamedTypeSymbol attributeType, INamedTypeSymbol type, List<Site> sites, CancellationToken cancellationToken)
    {
        // Every declaration that needs 'partial' must be editable; otherwise the fix would not compile.
        var partialDeclarations = new List<(DocumentId Document, TypeDeclarationSyntax Declaration)>();
        var typeDeclarations = new List<(DocumentId Document, TypeDeclarationSyntax Declaration)>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            foreach (SyntaxReference reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
                {
                    continue;
                }

                DocumentId? document = edits.Solution.GetDocumentId(declaration.SyntaxTree);
                bool needsPartial = !declaration.Modifiers.Any(SyntaxKind.PartialKeyword);
                if (document is null)
                {
                    if (needsPartial)
                    {
                        return;
                    }

                    continue;
                }

                if (needsPartial)
                {
                    partialDeclarations.Add((document, declaration));
                }

                if (SymbolEqualityComparer.Default.Equals(current, type))
                {
                    typeDeclarations.Add((document, declaration));
                }
            }
        }

        // One method name per row length and function: an existing [Softmax(N)] (Fast) of that length that generates
        // the function, or a new attribute with a name none of whose generated methods is in use.
        ImmutableArray<SoftmaxUsageRules.AttributeInfo> existing = SoftmaxUsageRules.ReadAttributes(type, attributeType);
        HashSet<string> taken = TakenNames(type, existing, cancellationToken);
        var names = new Dictionary<(int Length, int Function), string>();
        var reused = new HashSet<(int Length, int Function)>();
        var added = new List<(int Length, string Name, int Function)>();
        foreach (Site site in sites)
        {
            (int, int) key = (site.Length, site.Function);
            if (names.ContainsKey(key))
            {
                continue;
            }

            SoftmaxUsageRules.AttributeInfo match = existing.FirstOrDefault(a => a.Length == site.Length && !a.Accurate && (a.Functions & site.Function) != 0
                && SoftmaxUsageRules.IsValidMethodName(a.MethodName) && !HasOtherMembersNamed(type, GeneratedMethodName(a.MethodName!, site.Function))
                && (site.Length != SoftmaxUsageRules.RuntimeLength || a.Data.ConstructorArguments.Length == 0)); // [Softmax], not an invalid [Softmax(0)]
            if (match.Data is not null)
            {
                names[key] = match.MethodName!;
                reused.Add(key);
                continue;
            }

            string name = ChooseName(site.Length, site.Function, taken);
            taken.UnionWith(SoftmaxUsageRules.GeneratedNames(name, site.Function));
            names[key] = name;
            added.Add((site.Length, name, site.Function));
        }

        foreach ((DocumentId document, TypeDeclarationSyntax declaration) in partialDeclarations)
        {
            edits.Replace(document, declaration, node => node is TypeDeclarationSyntax rewritten && !rewritten.Modifiers.Any(SyntaxKind.PartialKeyword)
                ? MakePartialCodeFixProvider.AddPartial(rewritten)
                : node);
        }

        foreach (Site site in sites)
        {
            string name = GeneratedMethodName(names[(site.Length, site.Function)], site.Function);
            bool qualify = reused.Contains((site.Length, site.Function)) && DeclaredNames(site.Member).Contains(name);
            SemanticModel model = compilation.GetSemanticModel(site.Node.SyntaxTree);
            ExpressionSyntax callee = qualify
                ? SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    SyntaxFactory.ParseExpression(type.ToMinimalDisplayString(model, site.Node.SpanStart)),
                    SyntaxFactory.IdentifierName(name))
                : SyntaxFactory.IdentifierName(name);
            Site current = site;
            if (site.Rewrite is { } rewrite)
            {
                edits.Replace(site.Document.Id, site.Node, node => rewrite(callee, node));
                foreach (StatementSyntax statement in site.Removed)
                {
                    edits.Remove(site.Document.Id, statement);
                }

                continue;
            }

            if (site.Removed.IsEmpty)
            {
                edits.Replace(site.Document.Id, site.Node, node => node is InvocationExpressionSyntax call ? RewriteCall(call, current, callee) : node);
                continue;
            }

            // Loops: the first statement becomes the call, the others go.
            edits.Replace(site.Document.Id, site.Node, node => GuardIfEmpty(SyntaxFactory.ExpressionStatement(
                    SyntaxFactory.InvocationExpression(callee, SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                    {
                        SyntaxFactory.Argument(current.Source!.WithoutTrivia()),
                        SyntaxFactory.Argument(current.Destination!.WithoutTrivia()),
                    })))), current, node)
                .WithTriviaFrom(node));
            foreach (StatementSyntax statement in site.Removed)
            {
                edits.Remove(site.Document.Id, statement);
            }
        }

        if (added.Count == 0)
        {
            return;
        }

        // The attributes go next to existing [Softmax] attributes, else on the declaration that contains the first call
        // (else the first declaration); top-level statements without a Program declaration get one at the end of their
        // file. The choice does not depend on which calls are fixed together, so one fix at a time and Fix All agree.
        Site first = sites[0];
        SyntaxReference? annotated = existing.Select(a => a.Data.ApplicationSyntaxReference).FirstOrDefault(r => r is not null);
        (DocumentId Document, TypeDeclarationSyntax Declaration) host = typeDeclarations.FirstOrDefault(d => annotated is not null
            && d.Declaration.SyntaxTree == annotated.SyntaxTree && d.Declaration.Span.Contains(annotated.Span));
        if (host.Declaration is null)
        {
            host = typeDeclarations.FirstOrDefault(d => d.Declaration.SyntaxTree == first.Node.SyntaxTree && d.Declaration.Span.Contains(first.Node.Span));
        }

        if (host.Declaration is null && typeDeclarations.Count > 0)
        {
            host = typeDeclarations[0];
        }

        if (host.Declaration is not null)
        {
            SemanticModel model = compilation.GetSemanticModel(host.Declaration.SyntaxTree);
            string attributeName = AttributeName(model, host.Declaration.SpanStart, attributeType, out bool needsUsing);
            string functionsName = FunctionsName(model, host.Declaration.SpanStart, attributeName, needsUsing);
            if (needsUsing)
            {
                edits.AddUsing(host.Document);
            }

            string endOfLine = Imports.EndOfLine(host.Declaration.SyntaxTree.GetRoot());
            edits.Replace(host.Document, host.Declaration, node => node is TypeDeclarationSyntax declaration
                ? AddAttributes(declaration, added.Select(a => AttributeList(attributeName, functionsName, a.Length, a.Name, a.Function)), endOfLine)
                : node);
        }
        else if (first.Node.SyntaxTree.GetRoot(cancellationToken) is CompilationUnitSyntax unit)
        {
            SemanticModel model = compilation.GetSemanticModel(unit.SyntaxTree);
            string attributeName = AttributeName(model, unit.EndOfFileToken.SpanStart, attributeType, out bool needsUsing);
            string functionsName = FunctionsName(model, unit.EndOfFileToken.SpanStart, attributeName, needsUsing);
            if (needsUsing)
            {
                edits.AddUsing(first.Document.Id);
            }

            string endOfLine = Imports.EndOfLine(unit.SyntaxTree.GetRoot());
            var lists = added.Select(a => AttributeList(attributeName, functionsName, a.Length, a.Name, a.Function)).ToList();
            edits.Append(first.Document.Id, ProgramDeclaration(type.Name, lists, endOfLine));
        }
    }

    private static ExpressionSyntax RewriteCall(InvocationExpressionSyntax call, Site site, ExpressionSyntax callee)
    {
        SeparatedSyntaxList<ArgumentSyntax> arguments = call.ArgumentList.Arguments;
        bool positional = arguments.Count == 2 && arguments.All(a => a.NameColon is null)
            && arguments[0].Expression.IsEquivalentTo(site.Source) && arguments[1].Expression.IsEquivalentTo(site.Destination);
        ArgumentListSyntax list = positional
            ? call.ArgumentList
            : SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Argument(site.Source!.WithoutTrivia()),
                SyntaxFactory.Argument(site.Destination!.WithoutTrivia()),
            }));
        return SyntaxFactory.InvocationExpression(callee.WithTriviaFrom(call.Expression), list).WithTriviaFrom(call);
    }

    /// <summary>
    /// <c>if (x.Length &gt; 0) { Softmax(x, y); }</c> for a run-time row that may be empty (the loops did nothing for
    /// it, the kernel throws), at the replaced statement's indentation; the call itself otherwise.
    /// </summary>
    private static StatementSyntax GuardIfEmpty(ExpressionStatementSyntax call, Site site, SyntaxNode replaced)
    {
        if (!site.GuardEmpty)
        {
            return call;
        }

        string endOfLine = Imports.EndOfLine(replaced.SyntaxTree.GetRoot());
        string indentation = Indentation(replaced.GetLeadingTrivia()).ToFullString();
        string unit = indentation.Contains("\t") ? "\t" : "    ";
        return SyntaxFactory.ParseStatement(
            $"if ({site.Source!.WithoutTrivia()}.Length > 0){endOfLine}{indentation}{{{endOfLine}{indentation}{unit}{call.NormalizeWhitespace()}{endOfLine}{indentation}}}");
    }

    /// <summary>The edits of one fix, by document, applied at the end with one ReplaceNodes per document.</summary>
    private sealed class SolutionEdits
    {
        private readonly Dictionary<DocumentId, Dictionary<SyntaxNode, List<Func<SyntaxNode, SyntaxNode>>>> _replacements = new();
        private static readonly SyntaxAnnotation s_remove = new("SoftmaxGenerators.Remove");
        private readonly HashSet<DocumentId> _usings = new();
        private readonly Dictionary<DocumentId, List<MemberDeclarationSyntax>> _appended = new();

        public SolutionEdits(Solution solution) => Solution = solution;

        public Solution Solution { get; }

        public void Replace(DocumentId document, SyntaxNode node, Func<SyntaxNode, SyntaxNode> rewrite)
        {
            if (!_replacements.TryGetValue(document, out Dictionary<SyntaxNode, List<Func<SyntaxNode, SyntaxNode>>>? nodes))
            {
                _replacements[document] = nodes = new Dictionary<SyntaxNode, List<Func<SyntaxNode, SyntaxNode>>>();
            }

            if (!nodes.TryGetValue(node, out List<Func<SyntaxNode, SyntaxNode>>? rewrites))
            {
                nodes[node] = rewrites = new List<Func<SyntaxNode, SyntaxNode>>();
            }

            rewrites.Add(rewrite);
        }

        public void AddUsing(DocumentId document) => _usings.Add(document);

        public void Remove(DocumentId document, SyntaxNode node) =>
            Replace(document, node, rewritten => rewritten.WithAdditionalAnnotations(s_remove));

        public void Append(DocumentId document, MemberDeclarationSyntax member)
        {
            if (!_appended.TryGetValue(document, out List<MemberDeclarationSyntax>? members))
            {
                _appended[document] = members = new List<MemberDeclarationSyntax>();
            }

            members.Add(member);
        }

        public async Task<Solution> ApplyAsync(CancellationToken cancellationToken)
        {
            Solution solution = Solution;
            foreach (DocumentId id in _replacements.Keys.Concat(_usings).Concat(_appended.Keys).Distinct())
            {
                Document? document = solution.GetDocument(id);
                if (document is null || await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not CompilationUnitSyntax root)
                {
                    continue;
                }

                string endOfLine = Imports.EndOfLine(root);
                if (_replacements.TryGetValue(id, out Dictionary<SyntaxNode, List<Func<SyntaxNode, SyntaxNode>>>? nodes))
                {
                    root = root.ReplaceNodes(nodes.Keys, (original, rewritten) =>
                    {
                        foreach (Func<SyntaxNode, SyntaxNode> rewrite in nodes[original])
                        {
                            rewritten = rewrite(rewritten);
                        }

                        return rewritten;
                    });
                    root = root.RemoveNodes(root.GetAnnotatedNodes(s_remove), SyntaxRemoveOptions.KeepNoTrivia) ?? root;
                }

                if (_appended.TryGetValue(id, out List<MemberDeclarationSyntax>? members))
                {
                    root = AppendMembers(root, members, endOfLine);
                }

                if (_usings.Contains(id))
                {
                    root = (CompilationUnitSyntax)Imports.Add(root, "SoftmaxGenerators", endOfLine);
                }

                solution = solution.WithDocumentSyntaxRoot(id, root);
            }

            return solution;
        }

        private static CompilationUnitSyntax AppendMembers(CompilationUnitSyntax root, List<MemberDeclarationSyntax> members, string endOfLine)
        {
            bool endsWithNewLine = root.Members.Count == 0
                || root.Members[root.Members.Count - 1].GetLastToken().TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia);
            SyntaxTriviaList separator = endsWithNewLine
                ? SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine(endOfLine))
                : SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine(endOfLine), SyntaxFactory.EndOfLine(endOfLine));
            // Keep the file's convention: no final newline when it had none.
            MemberDeclarationSyntax[] added = members.Select(member => member.WithLeadingTrivia(separator)).ToArray();
            if (!endsWithNewLine)
            {
                added[added.Length - 1] = added[added.Length - 1].WithTrailingTrivia(SyntaxFactory.TriviaList());
            }

            return root.AddMembers(added);
        }
    }
}
