using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SoftmaxScan;

/// <summary>One SMX diagnostic found in a repository.</summary>
internal sealed record Finding(string Repo, string Path, int Line, string Id, string Member, string Expression, Diagnostic Diagnostic, BuiltUnit Unit);

/// <summary>What a compilation looked like: how well the harness bound it.</summary>
internal sealed record UnitReport(string Repo, string Unit, int Files, int Errors, int Unresolved, int AnalyzerExceptions);

/// <summary>Runs the package's analyzers over compilations.</summary>
internal static class Scanner
{
    /// <summary>SOFTMAXSCAN_ERRORS=N prints the first N compiler errors of each compilation (why a call does not bind).</summary>
    private static readonly int ShownErrors = int.TryParse(Environment.GetEnvironmentVariable("SOFTMAXSCAN_ERRORS"), out int shown) ? shown : 0;

    private static readonly string[] UnresolvedIds = { "CS0246", "CS0103", "CS0234", "CS1061", "CS0117" };

    public static ImmutableArray<DiagnosticAnalyzer> LoadAnalyzers(string? directory)
    {
        Assembly assembly = directory is null
            ? typeof(SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer).Assembly
            : new AnalyzerLoadContext(directory).LoadFromAssemblyPath(System.IO.Path.Combine(directory, "SoftmaxGenerators.dll"));
        return assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
    }

    public static async Task<(List<Finding> Findings, UnitReport Report)> ScanAsync(string repo, string root, BuiltUnit built, ImmutableArray<DiagnosticAnalyzer> analyzers, bool countErrors, TextWriter log)
    {
        var exceptions = new ConcurrentBag<string>();
        var options = new CompilationWithAnalyzersOptions(
            built.Options,
            onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Add(analyzer.GetType().Name + ": " + exception.GetType().Name + ": " + exception.Message),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var withAnalyzers = new CompilationWithAnalyzers(built.Compilation, analyzers, options);
        ImmutableArray<Diagnostic> diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        var findings = new List<Finding>();
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (diagnostic.Id == "AD0001")
            {
                exceptions.Add(diagnostic.GetMessage());
                continue;
            }

            if (!diagnostic.Id.StartsWith("SMX", StringComparison.Ordinal) || !diagnostic.Location.IsInSource)
            {
                continue;
            }

            FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
            string path = System.IO.Path.GetRelativePath(root, span.Path).Replace('\\', '/');
            SyntaxNode node = diagnostic.Location.SourceTree!.GetRoot().FindNode(diagnostic.Location.SourceSpan);
            findings.Add(new Finding(repo, path, span.StartLinePosition.Line + 1, diagnostic.Id, MemberName(node), OneLine(node.ToString()), diagnostic, built));
        }

        foreach (string exception in exceptions.Distinct())
        {
            log.WriteLine($"  ANALYZER EXCEPTION in {repo} {built.Unit.Name}: {exception}");
        }

        int errors = 0, unresolved = 0;
        if (countErrors)
        {
            foreach (Diagnostic error in built.Compilation.GetDiagnostics())
            {
                if (error.Severity == DiagnosticSeverity.Error)
                {
                    if (errors < ShownErrors)
                    {
                        log.WriteLine($"  error in {built.Unit.Name}: {error}");
                    }

                    errors++;
                    if (UnresolvedIds.Contains(error.Id))
                    {
                        unresolved++;
                    }
                }
            }
        }

        var report = new UnitReport(repo, built.Unit.Name, built.Unit.Files.Count, errors, unresolved, exceptions.Count);
        return (findings.OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Line).ToList(), report);
    }

    public static string MemberName(SyntaxNode node)
    {
        foreach (SyntaxNode ancestor in node.AncestorsAndSelf())
        {
            switch (ancestor)
            {
                case LocalFunctionStatementSyntax local:
                    return local.Identifier.ValueText;
                case MethodDeclarationSyntax method:
                    return method.Identifier.ValueText;
                case ConstructorDeclarationSyntax constructor:
                    return constructor.Identifier.ValueText + ".ctor";
                case PropertyDeclarationSyntax property:
                    return property.Identifier.ValueText;
                case OperatorDeclarationSyntax op:
                    return "operator " + op.OperatorToken.ValueText;
                case BaseTypeDeclarationSyntax type:
                    return type.Identifier.ValueText;
            }
        }

        return "(top level)";
    }

    public static string OneLine(string text)
    {
        string flat = string.Join(" ", text.Split(new[] { '\r', '\n', '\t' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
        return flat.Length > 120 ? flat[..117] + "..." : flat;
    }

    /// <summary>Loads a packed copy of the analyzers beside the referenced one; Roslyn itself comes from the host.</summary>
    private sealed class AnalyzerLoadContext : System.Runtime.Loader.AssemblyLoadContext
    {
        private readonly string _directory;

        public AnalyzerLoadContext(string directory)
            : base("packed-analyzers") => _directory = directory;

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is { } simple && !simple.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) && !simple.StartsWith("System.", StringComparison.Ordinal))
            {
                string candidate = System.IO.Path.Combine(_directory, simple + ".dll");
                if (File.Exists(candidate))
                {
                    return LoadFromAssemblyPath(candidate);
                }
            }

            return null;
        }
    }
}
