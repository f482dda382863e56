using System;
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

namespace SoftmaxGenerators.Tests.Infrastructure;

/// <summary>Applies code fixes in an ad-hoc workspace, one diagnostic at a time, and returns the fixed source.</summary>
public static class FixRunner
{
    /// <param name="withAttributes">Also reference SoftmaxGenerators.Attributes (for fixes that add [Softmax(N)]).</param>
    public static async Task<string> ApplyAllAsync(
        string source, DiagnosticAnalyzer analyzer, CodeFixProvider fixer, int maxIterations = 20,
        bool withAttributes = false, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        using var workspace = new AdhocWorkspace();
        ProjectId projectId = ProjectId.CreateNewId();
        ImmutableArray<MetadataReference> references = TestReferences.Net10.Add(TestReferences.NumericsTensors);
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Fixed", "Fixed", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: withAttributes ? references.Add(TestReferences.Attributes) : references));
        DocumentId documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Test.cs", SourceText.From(source));
        Document document = solution.GetDocument(documentId)!;
        var skipped = new HashSet<TextSpan>();
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            Compilation compilation = (await document.Project.GetCompilationAsync())!;
            ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync();
            Diagnostic? next = diagnostics
                .Where(d => fixer.FixableDiagnosticIds.Contains(d.Id) && !skipped.Contains(d.Location.SourceSpan))
                .OrderBy(d => d.Location.SourceSpan.Start)
                .FirstOrDefault();
            if (next is null)
            {
                break;
            }

            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, next, (action, _) => actions.Add(action), CancellationToken.None);
            await fixer.RegisterCodeFixesAsync(context);
            if (actions.Count == 0)
            {
                skipped.Add(next.Location.SourceSpan);
                continue;
            }

            ImmutableArray<CodeActionOperation> operations = await actions[0].GetOperationsAsync(CancellationToken.None);
            Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            document = changed.GetDocument(documentId)!;
        }

        return (await document.GetTextAsync()).ToString();
    }

    /// <summary>Analyzer diagnostics of a project with an .editorconfig next to the source, as the IDE and the build see it.</summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsWithEditorConfigAsync(string source, string editorConfig, DiagnosticAnalyzer analyzer)
    {
        using var workspace = new AdhocWorkspace();
        ProjectId projectId = ProjectId.CreateNewId();
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "smx-editorconfig");
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Configured", "Configured", LanguageNames.CSharp,
                filePath: System.IO.Path.Combine(directory, "Configured.csproj"),
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: TestReferences.Net10.Add(TestReferences.NumericsTensors)));
        solution = solution.AddDocument(DocumentInfo.Create(DocumentId.CreateNewId(projectId), "Test.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(source), VersionStamp.Default)), filePath: System.IO.Path.Combine(directory, "Test.cs")));
        solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From(editorConfig), filePath: System.IO.Path.Combine(directory, ".editorconfig"));
        Project project = solution.GetProject(projectId)!;
        Compilation compilation = (await project.GetCompilationAsync())!;
        return await compilation.WithAnalyzers(ImmutableArray.Create(analyzer), project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
    }

    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(string source, DiagnosticAnalyzer analyzer)
    {
        CSharpCompilation compilation = NumericsAnalyzerRunner.Compile(("Test.cs", source));
        return await compilation.WithAnalyzers(ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync();
    }
}
