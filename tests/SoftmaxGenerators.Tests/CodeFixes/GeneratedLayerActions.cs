using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SoftmaxGenerators.Tests.Infrastructure;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// The code actions a fixer registers for each of its diagnostics, and the repeated application of one of them (by
/// equivalence key), in an ad-hoc workspace with the attributes assembly referenced, as a consumer of the package has.
/// </summary>
internal static class GeneratedLayerActions
{
    /// <summary>For each diagnostic of the fixer, in source order: the diagnosed text and the actions offered for it.</summary>
    public static async Task<List<(string Text, List<CodeAction> Actions)>> OfferedAsync(string source, DiagnosticAnalyzer analyzer, CodeFixProvider fixer)
    {
        using var workspace = new AdhocWorkspace();
        Document document = CreateDocument(workspace, source, OutputKind.DynamicallyLinkedLibrary);
        var offered = new List<(string Text, List<CodeAction> Actions)>();
        foreach (Diagnostic diagnostic in await DiagnosticsAsync(document, analyzer, fixer))
        {
            var actions = new List<CodeAction>();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
            offered.Add((source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length), actions));
        }

        return offered;
    }

    /// <summary>
    /// Applies the action with <paramref name="equivalenceKey"/> to the first diagnostic that offers it, re-analyzing
    /// after each, until none does; returns the text and the number of actions applied. With
    /// <paramref name="withGeneratedSources"/>, the generator's output for the original source is part of the project,
    /// as in an IDE (the generated members exist, marked [GeneratedCode]).
    /// </summary>
    public static async Task<(string Text, int Applied)> ApplyAllAsync(
        string source, DiagnosticAnalyzer analyzer, CodeFixProvider fixer, string equivalenceKey, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary,
        bool withGeneratedSources = false)
    {
        using var workspace = new AdhocWorkspace();
        Document document = CreateDocument(workspace, source, outputKind);
        if (withGeneratedSources)
        {
            Compilation compilation = (await document.Project.GetCompilationAsync())!;
            GeneratorDriver driver = CSharpGeneratorDriver.Create(new SoftmaxGenerators.Generator.SoftmaxGenerator().AsSourceGenerator())
                .RunGenerators(compilation);
            Solution solution = document.Project.Solution;
            foreach (SyntaxTree tree in driver.GetRunResult().GeneratedTrees)
            {
                solution = solution.AddDocument(DocumentId.CreateNewId(document.Project.Id), System.IO.Path.GetFileName(tree.FilePath), await tree.GetTextAsync());
            }

            document = solution.GetDocument(document.Id)!;
        }
        var skipped = new HashSet<TextSpan>();
        int applied = 0;
        for (int iteration = 0; iteration < 20; iteration++)
        {
            Diagnostic? next = (await DiagnosticsAsync(document, analyzer, fixer)).FirstOrDefault(d => !skipped.Contains(d.Location.SourceSpan));
            if (next is null)
            {
                break;
            }

            var actions = new List<CodeAction>();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, next, (action, _) => actions.Add(action), CancellationToken.None));
            CodeAction? action = actions.FirstOrDefault(a => a.EquivalenceKey == equivalenceKey);
            if (action is null)
            {
                skipped.Add(next.Location.SourceSpan);
                continue;
            }

            ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
            document = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
            applied++;
        }

        return ((await document.GetTextAsync()).ToString(), applied);
    }

    private static Document CreateDocument(AdhocWorkspace workspace, string source, OutputKind outputKind)
    {
        ProjectId projectId = ProjectId.CreateNewId();
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Fixed", "Fixed", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: TestReferences.Net10.Add(TestReferences.NumericsTensors).Add(TestReferences.Attributes)));
        DocumentId documentId = DocumentId.CreateNewId(projectId);
        return solution.AddDocument(documentId, "Test.cs", SourceText.From(source)).GetDocument(documentId)!;
    }

    private static async Task<IEnumerable<Diagnostic>> DiagnosticsAsync(Document document, DiagnosticAnalyzer analyzer, CodeFixProvider fixer)
    {
        Compilation compilation = (await document.Project.GetCompilationAsync())!;
        ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync();
        return diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).OrderBy(d => d.Location.SourceSpan.Start);
    }
}
