using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SoftmaxScan;

/// <summary>A compilation of one project unit, with what it took to build it.</summary>
internal sealed record BuiltUnit(ProjectUnit Unit, CSharpCompilation Compilation, AnalyzerOptions Options)
{
    /// <summary>The packages of the project and of the projects it references.</summary>
    public IReadOnlyList<(string Id, string? Version)> Packages => Unit.Packages;
}

/// <summary>Builds the compilations of a source tree as its projects' builds would: the .NET 10 reference pack, the
/// restored NuGet packages, project references as compilation references, implicit global usings, Unity stubs.</summary>
internal sealed class Compilations
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_framework = new(LoadFramework);
    private readonly PackageRestorer _restorer;
    private readonly TextWriter _log;

    public Compilations(PackageRestorer restorer, TextWriter log)
    {
        _restorer = restorer;
        _log = log;
    }

    public List<BuiltUnit> Build(string root, List<ProjectUnit> units)
    {
        var built = new Dictionary<string, BuiltUnit>(StringComparer.Ordinal);
        var byProject = units.Where(u => u.ProjectFile is not null).ToDictionary(u => Path.GetFullPath(u.ProjectFile!), u => u, StringComparer.Ordinal);
        var visiting = new HashSet<ProjectUnit>();
        var results = new List<BuiltUnit>();
        foreach (ProjectUnit unit in units)
        {
            if (BuildOne(root, unit, byProject, built, visiting) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    private BuiltUnit? BuildOne(string root, ProjectUnit unit, Dictionary<string, ProjectUnit> byProject, Dictionary<string, BuiltUnit> built, HashSet<ProjectUnit> visiting)
    {
        string key = unit.ProjectFile ?? unit.Name;
        if (built.TryGetValue(key, out BuiltUnit? done))
        {
            return done;
        }

        if (!visiting.Add(unit))
        {
            return null;
        }

        var references = new List<MetadataReference>(s_framework.Value);
        var packages = new List<(string, string?)>(unit.Packages);
        foreach (string referenced in unit.ProjectReferences)
        {
            if (byProject.TryGetValue(referenced, out ProjectUnit? other) && BuildOne(root, other, byProject, built, visiting) is { } dependency)
            {
                references.Add(dependency.Compilation.ToMetadataReference());
                packages.AddRange(dependency.Packages);
            }
        }

        // Packages flow to referencing projects, as NuGet's transitive restore does.
        unit.Packages.Clear();
        unit.Packages.AddRange(packages.Distinct());

        foreach (string path in _restorer.CompileAssemblies(packages))
        {
            references.Add(MetadataReference.CreateFromFile(path));
        }

        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: new[] { "TRACE", "NET", "NETCOREAPP", "NET10_0_OR_GREATER" });
        var trees = new List<SyntaxTree>();
        foreach (string file in unit.Files)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException)
            {
                continue;
            }

            trees.Add(CSharpSyntaxTree.ParseText(text, parseOptions, file, System.Text.Encoding.UTF8));
        }

        if (unit.ImplicitUsings)
        {
            trees.Add(CSharpSyntaxTree.ParseText(
                "global using global::System;\nglobal using global::System.Collections.Generic;\nglobal using global::System.IO;\nglobal using global::System.Linq;\nglobal using global::System.Net.Http;\nglobal using global::System.Threading;\nglobal using global::System.Threading.Tasks;\n",
                parseOptions, Path.Combine(unit.Directory, "obj", "ImplicitUsings.g.cs")));
        }

        if (unit.Unity)
        {
            string all = string.Concat(trees.Take(3000).Select(t => t.ToString()));
            if (!all.Contains("class Mathf", StringComparison.Ordinal) && !references.Any(r => r.Display?.EndsWith("UnityEngine.dll", StringComparison.OrdinalIgnoreCase) == true))
            {
                trees.Add(CSharpSyntaxTree.ParseText(UnityStubs.Engine, parseOptions, Path.Combine(unit.Directory, "obj", "UnityEngine.stubs.g.cs")));
            }

            if (all.Contains("Unity.Collections", StringComparison.Ordinal) && !all.Contains("struct NativeArray", StringComparison.Ordinal))
            {
                trees.Add(CSharpSyntaxTree.ParseText(UnityStubs.Collections, parseOptions, Path.Combine(unit.Directory, "obj", "UnityCollections.stubs.g.cs")));
            }

            if (all.Contains("Unity.Mathematics", StringComparison.Ordinal) && !all.Contains("class math", StringComparison.Ordinal))
            {
                trees.Add(CSharpSyntaxTree.ParseText(UnityStubs.Mathematics, parseOptions, Path.Combine(unit.Directory, "obj", "UnityMathematics.stubs.g.cs")));
            }
        }

        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: unit.Nullable == true ? NullableContextOptions.Enable : NullableContextOptions.Disable,
            allowUnsafe: true,
            concurrentBuild: true);
        string name = Path.GetFileNameWithoutExtension(unit.ProjectFile ?? "Loose") + "_" + Math.Abs(StringComparer.Ordinal.GetHashCode(key)).ToString("x");
        CSharpCompilation compilation = CSharpCompilation.Create(name, trees, references, options);
        var result = new BuiltUnit(unit, compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, EditorConfig.For(root, trees)));
        built[key] = result;
        visiting.Remove(unit);
        return result;
    }

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        string dotnet = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location)!)!)!;
        string packs = Path.Combine(Path.GetDirectoryName(dotnet)!, "packs", "Microsoft.NETCore.App.Ref");
        string? refDirectory = Directory.Exists(packs)
            ? Directory.GetDirectories(packs).OrderByDescending(d => d, StringComparer.Ordinal)
                .Select(d => Path.Combine(d, "ref", "net10.0")).FirstOrDefault(Directory.Exists)
            : null;
        IEnumerable<string> files = refDirectory is not null
            ? Directory.GetFiles(refDirectory, "*.dll")
            : ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll" or "Microsoft.CSharp.dll");
        return files.Select(f => (MetadataReference)MetadataReference.CreateFromFile(f)).ToImmutableArray();
    }
}
