using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SoftmaxScan;

/// <summary>A compilation of one project unit, with what it took to build it.</summary>
internal sealed record BuiltUnit(ProjectUnit Unit, CSharpCompilation Compilation, AnalyzerOptions Options, IReadOnlyList<BuiltUnit> Dependencies)
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
        var dependencies = new List<BuiltUnit>();
        foreach (string referenced in unit.ProjectReferences)
        {
            if (byProject.TryGetValue(referenced, out ProjectUnit? other) && BuildOne(root, other, byProject, built, visiting) is { } dependency)
            {
                dependencies.Add(dependency);
                packages.AddRange(dependency.Packages);
            }
        }

        // Project references are transitive, as in the SDK.
        var closure = new List<BuiltUnit>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(BuiltUnit dependency)
        {
            if (seen.Add(dependency.Compilation.AssemblyName!))
            {
                closure.Add(dependency);
                foreach (BuiltUnit inner in dependency.Dependencies)
                {
                    Add(inner);
                }
            }
        }

        dependencies.ForEach(Add);
        references.AddRange(closure.Select(d => d.Compilation.ToMetadataReference()));

        // Packages flow to referencing projects, as NuGet's transitive restore does.
        unit.Packages.Clear();
        unit.Packages.AddRange(packages.Distinct());

        // One file per assembly name, none the reference pack already has (older out-of-band copies make types ambiguous).
        var framework = new HashSet<string>(s_framework.Value.OfType<PortableExecutableReference>().Select(r => Path.GetFileName(r.FilePath!)), StringComparer.OrdinalIgnoreCase);
        foreach (string path in _restorer.CompileAssemblies(packages)
            .Where(p => !framework.Contains(Path.GetFileName(p)))
            .GroupBy(p => Path.GetFileName(p), StringComparer.OrdinalIgnoreCase)
            .Select(g => g.OrderByDescending(AssemblyVersion).First()))
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
            if (!System.Text.RegularExpressions.Regex.IsMatch(all, @"\bclass\s+Mathf\b") && !references.Any(r => r.Display?.EndsWith("UnityEngine.dll", StringComparison.OrdinalIgnoreCase) == true))
            {
                trees.Add(CSharpSyntaxTree.ParseText(UnityStubs.Engine, parseOptions, Path.Combine(unit.Directory, "obj", "UnityEngine.stubs.g.cs")));
            }

            if (all.Contains("Unity.Collections", StringComparison.Ordinal) && !System.Text.RegularExpressions.Regex.IsMatch(all, @"\bstruct\s+NativeArray\b"))
            {
                trees.Add(CSharpSyntaxTree.ParseText(UnityStubs.Collections, parseOptions, Path.Combine(unit.Directory, "obj", "UnityCollections.stubs.g.cs")));
            }

            if (all.Contains("Unity.Mathematics", StringComparison.Ordinal) && !System.Text.RegularExpressions.Regex.IsMatch(all, @"\bclass\s+math\b"))
            {
                trees.Add(CSharpSyntaxTree.ParseText(UnityStubs.Mathematics, parseOptions, Path.Combine(unit.Directory, "obj", "UnityMathematics.stubs.g.cs")));
            }
        }

        if (unit.FriendAssemblies.Count > 0)
        {
            string attributes = string.Concat(unit.FriendAssemblies.Distinct(StringComparer.Ordinal)
                .Select(friend => $"[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"{friend.Replace("\"", "", StringComparison.Ordinal)}\")]\n"));
            trees.Add(CSharpSyntaxTree.ParseText(attributes, parseOptions, Path.Combine(unit.Directory, "obj", "InternalsVisibleTo.g.cs")));
        }

        string assemblyName = unit.AssemblyName ?? Path.GetFileNameWithoutExtension(unit.ProjectFile ?? "Loose" + Math.Abs(StringComparer.Ordinal.GetHashCode(key)).ToString("x"));
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: unit.Nullable == true ? NullableContextOptions.Enable : NullableContextOptions.Disable,
            allowUnsafe: true,
            concurrentBuild: true);
        // A friend that its references name with a public key is public-signed with that key, as its real build is signed.
        ImmutableArray<byte> friendKey = dependencies.Select(d => FriendPublicKey(d.Compilation, assemblyName)).FirstOrDefault(k => !k.IsDefaultOrEmpty);
        if (!friendKey.IsDefaultOrEmpty)
        {
            options = options.WithCryptoPublicKey(friendKey).WithPublicSign(true);
        }

        CSharpCompilation compilation = CSharpCompilation.Create(assemblyName, trees, references, options);
        var result = new BuiltUnit(unit, compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, EditorConfig.For(root, trees)), closure);
        built[key] = result;
        visiting.Remove(unit);
        return result;
    }

    private static Version AssemblyVersion(string path)
    {
        try
        {
            return System.Reflection.AssemblyName.GetAssemblyName(path).Version ?? new Version(0, 0);
        }
        catch (Exception e) when (e is BadImageFormatException or IOException)
        {
            return new Version(0, 0);
        }
    }

    /// <summary>The public key the dependency's InternalsVisibleTo gives for <paramref name="friend"/>, if any.</summary>
    private static ImmutableArray<byte> FriendPublicKey(CSharpCompilation dependency, string friend)
    {
        foreach (AttributeData attribute in dependency.Assembly.GetAttributes())
        {
            if (attribute.AttributeClass?.Name != "InternalsVisibleToAttribute" || attribute.ConstructorArguments.Length != 1
                || attribute.ConstructorArguments[0].Value is not string text)
            {
                continue;
            }

            string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
            string? key = parts.Skip(1).FirstOrDefault(p => p.StartsWith("PublicKey=", StringComparison.OrdinalIgnoreCase))?["PublicKey=".Length..];
            if (string.Equals(parts[0], friend, StringComparison.OrdinalIgnoreCase) && key is { Length: > 0 } && key.Length % 2 == 0 && key.All(Uri.IsHexDigit))
            {
                return ImmutableArray.Create(Convert.FromHexString(key));
            }
        }

        return default;
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
