using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;

namespace SoftmaxScan;

/// <summary>
/// The <c>kernels</c> command: what the generated-kernel suggestions and fixes do on real code, as if the package were
/// installed (each compilation also references SoftmaxGenerators.Attributes). Lists every SMX0005 suggestion (constant
/// or run-time length); applies SMX0004's "Use a generated softmax kernel" fix to every SMX0004 call; and applies the
/// SMX0001 fix to every SMX0001 diagnostic, then SMX0005's fix to the suggestions that appear in its document (the
/// naive loops -> SMX0001 -> SMX0005 chain). Fixed code is compiled with the generator; only new errors count.
/// </summary>
internal static class KernelCheck
{
    private static readonly MetadataReference s_attributes = MetadataReference.CreateFromFile(typeof(SoftmaxGenerators.SoftmaxAttribute).Assembly.Location);

    public sealed class Counts
    {
        public int ConstantSuggestions;
        public int RuntimeSuggestions;
        public int SoftMaxCalls;
        public int KernelOffered;
        public int KernelCompiles;
        public int NaiveSites;
        public int NaiveFixed;
        public int ChainSuggestions;
        public int ChainCompiles;
    }

    public static async Task RunAsync(string repo, string root, List<BuiltUnit> units, Counts counts, TextWriter log)
    {
        foreach (BuiltUnit built in units)
        {
            CSharpCompilation compilation = built.Compilation.AddReferences(s_attributes);
            var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new NaiveSoftmaxAnalyzer(), new TensorPrimitivesSoftMaxAnalyzer(), new UpgradeToGeneratedSoftmaxAnalyzer());
            ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(analyzers, built.Options).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
            foreach (Diagnostic diagnostic in diagnostics.Where(d => d.Location.IsInSource).OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
            {
                string where = $"{repo} {Path.GetRelativePath(root, diagnostic.Location.SourceTree!.FilePath)}:{diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1}";
                switch (diagnostic.Id)
                {
                    case "SMX0005":
                        bool runtime = diagnostic.Properties.TryGetValue("Length", out string? length) && length == "0";
                        if (runtime)
                        {
                            counts.RuntimeSuggestions++;
                        }
                        else
                        {
                            counts.ConstantSuggestions++;
                        }

                        log.WriteLine($"  SMX0005 {(runtime ? "run-time" : "length " + length)} {where}: {diagnostic.GetMessage()}");
                        break;
                    case "SMX0004":
                    {
                        counts.SoftMaxCalls++;
                        var (outcome, change) = await ApplyAsync(compilation, diagnostic, new TensorPrimitivesSoftMaxCodeFixProvider(), "SoftmaxGenerators.TensorSoftMaxToGeneratedKernel").ConfigureAwait(false);
                        counts.KernelOffered += outcome == "not offered" ? 0 : 1;
                        counts.KernelCompiles += outcome == "compiles" ? 1 : 0;
                        log.WriteLine($"  SMX0004 kernel fix: {outcome} {where}: {change}");
                        break;
                    }

                    case "SMX0001":
                    {
                        counts.NaiveSites++;
                        await ChainAsync(built, compilation, diagnostic, where, counts, log).ConfigureAwait(false);
                        break;
                    }
                }
            }
        }
    }

    /// <summary>SMX0001's fix, then SMX0005's fix on the suggestions that appear in the fixed document.</summary>
    private static async Task ChainAsync(BuiltUnit built, CSharpCompilation compilation, Diagnostic naive, string where, Counts counts, TextWriter log)
    {
        (Solution solution, ProjectId project, DocumentId? target) = Workspace(compilation, naive.Location.SourceTree!.FilePath, out AdhocWorkspace workspace);
        using (workspace)
        {
            if (target is null)
            {
                return;
            }

            Document document = solution.GetDocument(target)!;
            SyntaxTree tree = (await document.GetSyntaxTreeAsync().ConfigureAwait(false))!;
            CodeAction? action = await FirstActionAsync(document, Diagnostic.Create(naive.Descriptor, Location.Create(tree, naive.Location.SourceSpan)), new NaiveSoftmaxCodeFixProvider(), key: null).ConfigureAwait(false);
            if (action is null || (await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false)).OfType<ApplyChangesOperation>().FirstOrDefault() is not { } apply)
            {
                log.WriteLine($"  SMX0001 not fixed {where}");
                return;
            }

            counts.NaiveFixed++;
            Document stable = apply.ChangedSolution.GetDocument(target)!;
            Compilation stableCompilation = (await stable.Project.GetCompilationAsync().ConfigureAwait(false))!;
            SyntaxTree stableTree = (await stable.GetSyntaxTreeAsync().ConfigureAwait(false))!;

            // The member of the naive softmax, before and after the fix (which edits only inside it, so it starts at the same place).
            static SyntaxNode? Member(SyntaxTree tree, int position) => tree.GetRoot().FindToken(position).Parent?.AncestorsAndSelf()
                .FirstOrDefault(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax);
            SyntaxNode? memberBefore = Member(naive.Location.SourceTree!, naive.Location.SourceSpan.Start);
            SyntaxNode? memberAfter = memberBefore is null ? null : Member(stableTree, memberBefore.SpanStart);
            if (memberBefore is null || memberAfter is null)
            {
                return;
            }

            var upgradeAnalyzer = ImmutableArray.Create<DiagnosticAnalyzer>(new UpgradeToGeneratedSoftmaxAnalyzer());
            int before = (await compilation.WithAnalyzers(upgradeAnalyzer, built.Options).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false))
                .Count(d => d.Location.SourceTree == naive.Location.SourceTree && memberBefore.Span.Contains(d.Location.SourceSpan));
            var suggestions = (await stableCompilation.WithAnalyzers(upgradeAnalyzer, built.Options).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false))
                .Where(d => d.Location.SourceTree == stableTree && memberAfter.Span.Contains(d.Location.SourceSpan)).ToList();
            if (suggestions.Count <= before)
            {
                log.WriteLine($"  SMX0001 fixed, no new SMX0005 {where}");
                return;
            }

            Diagnostic suggestion = suggestions[0];
            counts.ChainSuggestions++;
            CodeAction? upgrade = await FirstActionAsync(stable, suggestion, new UpgradeToGeneratedSoftmaxCodeFixProvider(), key: null).ConfigureAwait(false);
            string outcome = upgrade is null ? "no SMX0005 fix" : await CompileWithGeneratorAsync(solution, upgrade, project).ConfigureAwait(false);
            counts.ChainCompiles += outcome == "compiles" ? 1 : 0;
            log.WriteLine($"  SMX0001 -> SMX0005 ({(suggestion.Properties["Length"] == "0" ? "run-time" : "length " + suggestion.Properties["Length"])}): {outcome} {where}");
            log.WriteLine("    " + string.Join("\n    ", (await ChangedTextAsync(upgrade, stable).ConfigureAwait(false)).Split('\n')));
        }
    }

    private static async Task<string> ChangedTextAsync(CodeAction? action, Document document)
    {
        if (action is null || (await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false)).OfType<ApplyChangesOperation>().FirstOrDefault() is not { } apply)
        {
            return "";
        }

        var changes = await apply.ChangedSolution.GetDocument(document.Id)!.GetTextChangesAsync(document).ConfigureAwait(false);
        return string.Join("\n", changes.Select(c => $"@{c.Span.Start}: '{c.NewText}'"));
    }

    private static async Task<(string Outcome, string Detail)> ApplyAsync(CSharpCompilation compilation, Diagnostic diagnostic, CodeFixProvider provider, string key)
    {
        (Solution solution, ProjectId project, DocumentId? target) = Workspace(compilation, diagnostic.Location.SourceTree!.FilePath, out AdhocWorkspace workspace);
        using (workspace)
        {
            if (target is null)
            {
                return ("document not found", "");
            }

            Document document = solution.GetDocument(target)!;
            SyntaxTree tree = (await document.GetSyntaxTreeAsync().ConfigureAwait(false))!;
            CodeAction? action = await FirstActionAsync(document, Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree, diagnostic.Location.SourceSpan)), provider, key).ConfigureAwait(false);
            if (action is null)
            {
                return ("not offered", "");
            }

            string outcome = await CompileWithGeneratorAsync(solution, action, project).ConfigureAwait(false);
            return (outcome, (await ChangedTextAsync(action, document).ConfigureAwait(false)).Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal));
        }
    }

    private static async Task<CodeAction?> FirstActionAsync(Document document, Diagnostic diagnostic, CodeFixProvider provider, string? key)
    {
        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None)).ConfigureAwait(false);
        return actions.FirstOrDefault(a => key is null || a.EquivalenceKey == key);
    }

    /// <summary>"compiles" when the fixed project, with the generator run, has no error the original project lacks.</summary>
    private static async Task<string> CompileWithGeneratorAsync(Solution before, CodeAction action, ProjectId project)
    {
        var original = (CSharpCompilation)(await before.GetProject(project)!.GetCompilationAsync().ConfigureAwait(false))!;
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        if (operations.OfType<ApplyChangesOperation>().FirstOrDefault() is not { } apply)
        {
            return "no change";
        }

        var fixedCompilation = (CSharpCompilation)(await apply.ChangedSolution.GetProject(project)!.GetCompilationAsync().ConfigureAwait(false))!;
        CSharpGeneratorDriver.Create(new[] { new SoftmaxGenerators.Generator.SoftmaxGenerator().AsSourceGenerator() }, parseOptions: (CSharpParseOptions)original.SyntaxTrees[0].Options)
            .RunGeneratorsAndUpdateCompilation(fixedCompilation, out Compilation generated, out _);
        var errorsBefore = original.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id + " " + d.GetMessage()).ToHashSet();
        var added = generated.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !errorsBefore.Contains(d.Id + " " + d.GetMessage())).ToList();
        return added.Count == 0 ? "compiles" : $"NEW ERRORS: {added[0]}";
    }

    /// <summary>The compilation's documents in an ad hoc workspace; project references as metadata of the compilation's own references.</summary>
    private static (Solution Solution, ProjectId Project, DocumentId? Target) Workspace(CSharpCompilation compilation, string path, out AdhocWorkspace workspace)
    {
        workspace = new AdhocWorkspace();
        ProjectId projectId = ProjectId.CreateNewId();
        Solution solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "Scan", compilation.AssemblyName!, LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: compilation.SyntaxTrees.FirstOrDefault()?.Options,
            metadataReferences: compilation.References.OfType<PortableExecutableReference>()));
        var referenced = new Dictionary<Compilation, ProjectId>();
        foreach (CompilationReference reference in compilation.References.OfType<CompilationReference>())
        {
            ProjectId referencedId = FixCheck.AddReferencedProject(ref solution, reference.Compilation, referenced);
            solution = solution.AddProjectReference(projectId, new ProjectReference(referencedId));
        }

        DocumentId? target = null;
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            DocumentId id = DocumentId.CreateNewId(projectId);
            solution = solution.AddDocument(id, Path.GetFileName(tree.FilePath), tree.GetText(), filePath: tree.FilePath);
            if (tree.FilePath == path)
            {
                target = id;
            }
        }

        return (solution, projectId, target);
    }
}
