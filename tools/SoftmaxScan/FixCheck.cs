using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace SoftmaxScan;

/// <summary>The outcome of asking the code fixes about one diagnostic.</summary>
internal enum FixOutcome
{
    /// <summary>No provider offered an action.</summary>
    Declined,

    /// <summary>The first action applied, the result compiles with no new error and the diagnostic is gone.</summary>
    Correct,

    /// <summary>The action produced new compiler errors.</summary>
    NewErrors,

    /// <summary>It compiles, but the same rule still fires on the same line.</summary>
    StillReported,

    /// <summary>The provider threw.</summary>
    Crashed,
}

/// <summary>Applies the package's code fixes to real diagnostics in an ad hoc workspace holding the compilation's
/// documents and, as projects of their own, the projects it references (only new errors count, so the baseline is the
/// same compilation before the fix).</summary>
internal static class FixCheck
{
    private static readonly Lazy<ImmutableArray<CodeFixProvider>> s_providers = new(() =>
        typeof(SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray());

    public static async Task<(FixOutcome Outcome, string Detail)> CheckAsync(Finding finding, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        CodeFixProvider[] providers = s_providers.Value.Where(p => p.FixableDiagnosticIds.Contains(finding.Id)).ToArray();
        if (providers.Length == 0)
        {
            return (FixOutcome.Declined, "no provider");
        }

        using var workspace = new AdhocWorkspace();
        var compilation = finding.Unit.Compilation;
        ProjectId projectId = ProjectId.CreateNewId();
        var references = compilation.References.OfType<PortableExecutableReference>().ToList();
        Solution solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "Scan", compilation.AssemblyName!, LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: compilation.SyntaxTrees.FirstOrDefault()?.Options, metadataReferences: references));

        // Project references become projects of the workspace (their types bind in the fix as in the build).
        var referenced = new Dictionary<Compilation, ProjectId>();
        foreach (CompilationReference reference in compilation.References.OfType<CompilationReference>())
        {
            ProjectId referencedId = AddReferencedProject(ref solution, reference.Compilation, referenced);
            solution = solution.AddProjectReference(projectId, new ProjectReference(referencedId));
        }

        DocumentId? target = null;
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            DocumentId id = DocumentId.CreateNewId(projectId);
            solution = solution.AddDocument(id, System.IO.Path.GetFileName(tree.FilePath), tree.GetText(), filePath: tree.FilePath);
            if (tree.FilePath == finding.Diagnostic.Location.SourceTree?.FilePath)
            {
                target = id;
            }
        }

        if (target is null)
        {
            return (FixOutcome.Declined, "document not found");
        }

        Document document = solution.GetDocument(target)!;
        SyntaxTree documentTree = (await document.GetSyntaxTreeAsync().ConfigureAwait(false))!;
        Compilation before = (await document.Project.GetCompilationAsync().ConfigureAwait(false))!;
        int errorsBefore = Errors(before);
        Diagnostic diagnostic = Diagnostic.Create(finding.Diagnostic.Descriptor, Location.Create(documentTree, finding.Diagnostic.Location.SourceSpan));
        var actions = new List<CodeAction>();
        try
        {
            foreach (CodeFixProvider provider in providers)
            {
                var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
                await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            }

            if (actions.Count == 0)
            {
                return (FixOutcome.Declined, "no action");
            }

            CodeAction chosen = Flatten(actions[0]);
            ImmutableArray<CodeActionOperation> operations = await chosen.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
            if (operations.OfType<ApplyChangesOperation>().FirstOrDefault() is not { } apply)
            {
                return (FixOutcome.Declined, "no change");
            }

            Project fixedProject = apply.ChangedSolution.GetProject(projectId)!;
            Compilation after = (await fixedProject.GetCompilationAsync().ConfigureAwait(false))!;
            int errorsAfter = Errors(after);
            if (errorsAfter > errorsBefore)
            {
                string first = after.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)
                    .Select(d => d.Id + " " + d.GetMessage()).Except(before.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id + " " + d.GetMessage()))
                    .FirstOrDefault() ?? "";
                return (FixOutcome.NewErrors, $"{errorsBefore} -> {errorsAfter} errors: {first}");
            }

            // Diagnostics are matched by the text of their line; a document can hold several identical lines (two
            // overloads with the same sum), so the fix removed this one when fewer such diagnostics remain than before.
            ImmutableArray<DiagnosticAnalyzer> rule = analyzers.Where(a => a.SupportedDiagnostics.Any(d => d.Id == finding.Id)).ToImmutableArray();
            ImmutableArray<Diagnostic> remaining = await after.WithAnalyzers(rule).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
            SyntaxTree fixedTree = (await fixedProject.GetDocument(target)!.GetSyntaxTreeAsync().ConfigureAwait(false))!;
            TextLine line = documentTree.GetText().Lines.GetLineFromPosition(finding.Diagnostic.Location.SourceSpan.Start);
            string lineText = line.ToString().Trim();
            int SameLine(IEnumerable<Diagnostic> diagnostics, SyntaxTree tree) => diagnostics.Count(d => d.Id == finding.Id && d.Location.SourceTree == tree
                && tree.GetText().Lines.GetLineFromPosition(d.Location.SourceSpan.Start).ToString().Trim() == lineText);
            int stillThere = SameLine(remaining, fixedTree);
            bool still = stillThere > 0
                && stillThere >= SameLine(await before.WithAnalyzers(rule).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false), documentTree);
            return still ? (FixOutcome.StillReported, chosen.Title) : (FixOutcome.Correct, chosen.Title);
        }
        catch (Exception exception)
        {
            return (FixOutcome.Crashed, exception.GetType().Name + ": " + exception.Message);
        }
    }

    internal static ProjectId AddReferencedProject(ref Solution solution, Compilation compilation, Dictionary<Compilation, ProjectId> added)
    {
        if (added.TryGetValue(compilation, out ProjectId? existing))
        {
            return existing;
        }

        ProjectId id = ProjectId.CreateNewId();
        added[compilation] = id;
        solution = solution.AddProject(ProjectInfo.Create(
            id, VersionStamp.Default, compilation.AssemblyName ?? "Referenced", compilation.AssemblyName ?? "Referenced", LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: compilation.SyntaxTrees.FirstOrDefault()?.Options,
            metadataReferences: compilation.References.OfType<PortableExecutableReference>()));
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(id), System.IO.Path.GetFileName(tree.FilePath), tree.GetText(), filePath: tree.FilePath);
        }

        foreach (CompilationReference reference in compilation.References.OfType<CompilationReference>())
        {
            ProjectId referencedId = AddReferencedProject(ref solution, reference.Compilation, added);
            solution = solution.AddProjectReference(id, new ProjectReference(referencedId));
        }

        return id;
    }

    private static CodeAction Flatten(CodeAction action) =>
        action.NestedActions.Length > 0 ? Flatten(action.NestedActions[0]) : action;

    private static int Errors(Compilation compilation) => compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
}
