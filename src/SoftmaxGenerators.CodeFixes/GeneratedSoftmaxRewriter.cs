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
internal static class GeneratedSoftmaxRewriter
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

            return new Site(document, order, first, loops.Length, type, input, output, memberSyntax, removed.ToImmutable());
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
                && SoftmaxUsageRules.IsValidMethodName(a.MethodName) && !HasOtherMembersNamed(type, GeneratedMethodName(a.MethodName!, site.Function)));
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
            edits.Replace(site.Document.Id, site.Node, node => SyntaxFactory.ExpressionStatement(
                    SyntaxFactory.InvocationExpression(callee, SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                    {
                        SyntaxFactory.Argument(current.Source!.WithoutTrivia()),
                        SyntaxFactory.Argument(current.Destination!.WithoutTrivia()),
                    }))))
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

    /// <summary>The name of the generated method of <paramref name="function"/> for an attribute's <c>MethodName</c>.</summary>
    internal static string GeneratedMethodName(string methodName, int function) => function switch
    {
        Model.LayerFunctions.LogSoftmax => Model.LayerFunctions.LogSoftmaxName(methodName),
        Model.LayerFunctions.LogSumExp => Model.LayerFunctions.LogSumExpName(methodName),
        Model.LayerFunctions.CrossEntropy => Model.LayerFunctions.CrossEntropyName(methodName),
        Model.LayerFunctions.Backward => Model.LayerFunctions.BackwardName(methodName),
        _ => methodName,
    };

    /// <summary>
    /// Whether the type or a base type has a member of that name that this generator did not write: an overload the
    /// call could bind to instead of the generated method (a user's <c>LogSumExp(double[])</c> is a better match for
    /// an array than the generated <c>LogSumExp(ReadOnlySpan&lt;double&gt;)</c>).
    /// </summary>
    private static bool HasOtherMembersNamed(INamedTypeSymbol type, string name)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers(name))
            {
                if (!member.IsImplicitlyDeclared && !member.GetAttributes().Any(a => a.AttributeClass?.Name == "GeneratedCodeAttribute"
                    && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[0].Value as string == SoftmaxUsageRules.GeneratedCodeTool))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string ChooseName(int length, int function, HashSet<string> taken)
    {
        bool Free(string name) => SoftmaxUsageRules.GeneratedNames(name, function).All(generated => !taken.Contains(generated));

        if (Free(SoftmaxUsageRules.DefaultMethodName))
        {
            return SoftmaxUsageRules.DefaultMethodName;
        }

        string withLength = SoftmaxUsageRules.DefaultMethodName + length.ToString(CultureInfo.InvariantCulture);
        if (Free(withLength))
        {
            return withLength;
        }

        for (int suffix = 2; ; suffix++)
        {
            string candidate = withLength + "_" + suffix.ToString(CultureInfo.InvariantCulture);
            if (Free(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>
    /// Names a new method must not use: the type's name, every member of the type and its base types (generated ones
    /// included), the names existing attributes claim, and every name declared inside the type's code (a local or
    /// local function named like the method would hide it at the call).
    /// </summary>
    private static HashSet<string> TakenNames(INamedTypeSymbol type, ImmutableArray<SoftmaxUsageRules.AttributeInfo> existing, CancellationToken cancellationToken)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal) { type.Name };
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (string name in current.MemberNames)
            {
                taken.Add(name);
            }
        }

        foreach (SoftmaxUsageRules.AttributeInfo attribute in existing)
        {
            if (attribute.MethodName is { } name)
            {
                taken.UnionWith(SoftmaxUsageRules.GeneratedNames(name, attribute.Functions));
            }
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            SyntaxNode declaration = reference.GetSyntax(cancellationToken);
            IEnumerable<SyntaxNode> scopes = declaration is CompilationUnitSyntax unit
                ? unit.Members.OfType<GlobalStatementSyntax>()
                : new[] { declaration };
            foreach (SyntaxNode scope in scopes)
            {
                taken.UnionWith(DeclaredNames(scope));
            }
        }

        return taken;
    }

    private static HashSet<string> DeclaredNames(SyntaxNode scope)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<SyntaxNode> nodes = scope is CompilationUnitSyntax unit
            ? unit.Members.OfType<GlobalStatementSyntax>().SelectMany(s => s.DescendantNodesAndSelf())
            : scope.DescendantNodesAndSelf();
        foreach (SyntaxNode node in nodes)
        {
            SyntaxToken identifier = node switch
            {
                VariableDeclaratorSyntax declarator => declarator.Identifier,
                SingleVariableDesignationSyntax designation => designation.Identifier,
                LocalFunctionStatementSyntax function => function.Identifier,
                ParameterSyntax parameter => parameter.Identifier,
                TypeParameterSyntax typeParameter => typeParameter.Identifier,
                ForEachStatementSyntax loop => loop.Identifier,
                CatchDeclarationSyntax catchDeclaration => catchDeclaration.Identifier,
                FromClauseSyntax from => from.Identifier,
                LetClauseSyntax let => let.Identifier,
                JoinClauseSyntax join => join.Identifier,
                JoinIntoClauseSyntax into => into.Identifier,
                QueryContinuationSyntax continuation => continuation.Identifier,
                _ => default,
            };
            if (identifier.ValueText is { Length: > 0 } text)
            {
                names.Add(text);
            }
        }

        return names;
    }

    /// <summary>
    /// <c>Softmax</c> when it already binds to the attribute there, or after adding <c>using SoftmaxGenerators;</c>
    /// when nothing else of that name is in scope; otherwise the qualified name.
    /// </summary>
    private static string AttributeName(SemanticModel model, int position, INamedTypeSymbol attributeType, out bool needsUsing)
    {
        needsUsing = false;
        ImmutableArray<ISymbol> found = model.LookupNamespacesAndTypes(position, name: "Softmax")
            .AddRange(model.LookupNamespacesAndTypes(position, name: "SoftmaxAttribute"));
        if (found.IsEmpty)
        {
            needsUsing = true;
            return "Softmax";
        }

        return found.All(symbol => SymbolEqualityComparer.Default.Equals(symbol, attributeType))
            ? "Softmax"
            : "global::SoftmaxGenerators.Softmax";
    }

    /// <summary>
    /// The name to write for the <c>SoftmaxFunctions</c> enum next to <paramref name="attributeName"/>: <c>SoftmaxFunctions</c>
    /// where it binds to the attributes assembly's enum (or will, once the using the attribute needs is added), else the
    /// qualified name.
    /// </summary>
    private static string FunctionsName(SemanticModel model, int position, string attributeName, bool needsUsing)
    {
        const string Qualified = "global::SoftmaxGenerators.SoftmaxFunctions";
        if (attributeName != "Softmax")
        {
            return Qualified;
        }

        ImmutableArray<ISymbol> found = model.LookupNamespacesAndTypes(position, name: "SoftmaxFunctions");
        return (found.IsEmpty && needsUsing) || (found.Length > 0 && found.All(symbol => symbol is INamedTypeSymbol { TypeKind: TypeKind.Enum } named
            && named.ToDisplayString() == "SoftmaxGenerators.SoftmaxFunctions"))
            ? "SoftmaxFunctions"
            : Qualified;
    }

    private static AttributeListSyntax AttributeList(string attributeName, string functionsName, int length, string methodName, int function)
    {
        string n = length.ToString(CultureInfo.InvariantCulture);
        string arguments = methodName == SoftmaxUsageRules.DefaultMethodName ? n : $"{n}, MethodName = \"{methodName}\"";
        if (function != Model.LayerFunctions.Softmax)
        {
            arguments += $", Functions = {functionsName}.{FunctionName(function)}";
        }

        var declaration = (TypeDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration($"[{attributeName}({arguments})] class C {{ }}")!;
        return declaration.AttributeLists[0].WithoutTrivia();
    }

    /// <summary>The <c>SoftmaxFunctions</c> member of one flag.</summary>
    internal static string FunctionName(int function) => function switch
    {
        Model.LayerFunctions.LogSoftmax => "LogSoftmax",
        Model.LayerFunctions.LogSumExp => "LogSumExp",
        Model.LayerFunctions.CrossEntropy => "CrossEntropy",
        Model.LayerFunctions.Backward => "Backward",
        Model.LayerFunctions.Temperature => "Temperature",
        _ => "Softmax",
    };

    /// <summary>Adds the lists after the existing attributes, each on its own line at the declaration's indentation.</summary>
    internal static TypeDeclarationSyntax AddAttributes(TypeDeclarationSyntax declaration, IEnumerable<AttributeListSyntax> lists, string endOfLine)
    {
        SyntaxToken first = declaration.GetFirstToken();
        SyntaxTriviaList indentation = Indentation(first.LeadingTrivia);
        var newLists = lists.Select(list => list.WithLeadingTrivia(indentation).WithTrailingTrivia(SyntaxFactory.EndOfLine(endOfLine))).ToList();
        if (newLists.Count == 0)
        {
            return declaration;
        }

        if (declaration.AttributeLists.Count == 0)
        {
            // The first list takes over the declaration's leading trivia (documentation comments, blank lines).
            newLists[0] = newLists[0].WithLeadingTrivia(first.LeadingTrivia);
            declaration = declaration.ReplaceToken(first, first.WithLeadingTrivia(indentation));
        }

        return declaration.WithAttributeLists(declaration.AttributeLists.AddRange(newLists));
    }

    private static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
    {
        int start = leading.Count;
        while (start > 0 && leading[start - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            start--;
        }

        return SyntaxFactory.TriviaList(leading.Skip(start));
    }

    private static MemberDeclarationSyntax ProgramDeclaration(string name, List<AttributeListSyntax> lists, string endOfLine)
    {
        string attributes = string.Concat(lists.Select(list => list.ToFullString() + endOfLine));
        return SyntaxFactory.ParseMemberDeclaration($"{attributes}partial class {name}{endOfLine}{{{endOfLine}}}{endOfLine}")!;
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
