using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SoftmaxScan;

/// <summary>One compilation unit of a repository: a project's files with its packages and project references, a
/// Unity project, or the loose files no project claims.</summary>
internal sealed class ProjectUnit
{
    public required string Name { get; set; }

    public required string Directory { get; init; }

    public string? ProjectFile { get; init; }

    public List<string> Files { get; } = new();

    public List<(string Id, string? Version)> Packages { get; } = new();

    public List<string> ProjectReferences { get; } = new();

    public bool ImplicitUsings { get; set; }

    public bool Unity { get; set; }

    public bool? Nullable { get; set; }

    public bool AllowUnsafe { get; set; }

    /// <summary>The assembly name the build gives it (AssemblyName, else the project file's name).</summary>
    public string? AssemblyName { get; set; }

    /// <summary>&lt;InternalsVisibleTo Include="..."/&gt; items: the SDK turns them into assembly attributes.</summary>
    public List<string> FriendAssemblies { get; } = new();

    /// <summary>&lt;Compile Remove="..."/&gt; patterns (SDK style), relative to the project directory, as regular expressions.</summary>
    public List<Regex> Removed { get; } = new();
}

/// <summary>Finds the projects of a source tree the way their builds would see them.</summary>
internal static partial class SourceTree
{
    private static readonly string[] Skipped = { "obj", "bin", ".git", "node_modules", "packages" };

    public static List<ProjectUnit> Discover(string root)
    {
        root = Path.GetFullPath(root);
        var projectFiles = Enumerate(root, "*.csproj").ToList();
        var projectDirectories = projectFiles.Select(Path.GetDirectoryName).Select(d => d! + Path.DirectorySeparatorChar).ToList();
        var allFiles = Enumerate(root, "*.cs").ToList();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var units = new List<ProjectUnit>();
        Dictionary<string, string> centralVersions = CentralVersions(root);
        foreach (string projectFile in projectFiles)
        {
            ProjectUnit unit = ReadProject(root, projectFile, centralVersions);
            string directory = Path.GetDirectoryName(projectFile)! + Path.DirectorySeparatorChar;
            if (unit.Files.Count == 0)
            {
                // SDK style: every .cs file under the project directory that no nested project owns.
                foreach (string file in allFiles)
                {
                    if (file.StartsWith(directory, StringComparison.Ordinal)
                        && !projectDirectories.Any(other => other.Length > directory.Length && other.StartsWith(directory, StringComparison.Ordinal) && file.StartsWith(other, StringComparison.Ordinal)))
                    {
                        string relative = file.Substring(directory.Length).Replace(Path.DirectorySeparatorChar, '/');
                        if (unit.Removed.Any(pattern => pattern.IsMatch(relative)))
                        {
                            claimed.Add(file); // removed from the build, not a loose file either
                            continue;
                        }

                        unit.Files.Add(file);
                    }
                }
            }

            foreach (string file in unit.Files)
            {
                claimed.Add(file);
            }

            if (unit.Files.Count > 0)
            {
                units.Add(unit);
            }
        }

        var loose = allFiles.Where(file => !claimed.Contains(file)).ToList();
        if (loose.Count > 0)
        {
            var unit = new ProjectUnit { Name = "(loose files)", Directory = root };
            unit.Files.AddRange(loose);
            unit.Unity = loose.Any(file => file.Contains($"{Path.DirectorySeparatorChar}Assets{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                || loose.Take(2000).Any(file => File.ReadAllText(file).Contains("UnityEngine", StringComparison.Ordinal));
            if (unit.Unity)
            {
                unit.Name = "(unity)";
                unit.AllowUnsafe = true;
            }

            units.Add(unit);
        }

        foreach (ProjectUnit unit in units)
        {
            unit.Unity |= unit.Files.Take(2000).Any(file => File.ReadAllText(file).Contains("using UnityEngine", StringComparison.Ordinal));
        }

        return units;
    }

    private static IEnumerable<string> Enumerate(string root, string pattern)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            string directory = pending.Pop();
            IEnumerable<string> files;
            IEnumerable<string> directories;
            try
            {
                files = System.IO.Directory.EnumerateFiles(directory, pattern).ToList();
                directories = System.IO.Directory.EnumerateDirectories(directory).ToList();
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            foreach (string file in files.OrderBy(f => f, StringComparer.Ordinal))
            {
                yield return file;
            }

            foreach (string child in directories.OrderByDescending(d => d, StringComparer.Ordinal))
            {
                string name = Path.GetFileName(child);
                bool unityCache = name is "Library" or "Temp" && System.IO.Directory.Exists(Path.Combine(directory, "Assets"));
                if (!unityCache && !Skipped.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    pending.Push(child);
                }
            }
        }
    }

    private static ProjectUnit ReadProject(string root, string projectFile, Dictionary<string, string> centralVersions)
    {
        string directory = Path.GetDirectoryName(projectFile)!;
        var unit = new ProjectUnit
        {
            Name = Path.GetRelativePath(root, projectFile),
            Directory = directory,
            ProjectFile = projectFile,
        };
        XDocument document;
        try
        {
            document = XDocument.Load(projectFile);
        }
        catch (Exception)
        {
            return unit;
        }

        // Directory.Build.props files from the repository root down to the project set defaults the project may override.
        foreach (string props in DirectoryProps(root, directory))
        {
            try
            {
                ReadProperties(XDocument.Load(props).Root!, unit);
            }
            catch (Exception)
            {
                // Unreadable props: skipped.
            }
        }

        XElement project = document.Root!;
        bool sdkStyle = project.Attribute("Sdk") is not null || project.Elements().Any(e => e.Name.LocalName == "Sdk");
        foreach (XElement element in project.Descendants())
        {
            string name = element.Name.LocalName;
            string? include = element.Attribute("Include")?.Value ?? element.Attribute("Update")?.Value;
            switch (name)
            {
                case "PackageReference" when element.Attribute("Include") is { } id:
                    string? version = element.Attribute("Version")?.Value ?? element.Attribute("VersionOverride")?.Value
                        ?? element.Elements().FirstOrDefault(e => e.Name.LocalName == "Version")?.Value;
                    if (version is null)
                    {
                        centralVersions.TryGetValue(id.Value, out version);
                    }

                    unit.Packages.Add((id.Value, version));
                    break;
                case "InternalsVisibleTo" when element.Attribute("Include")?.Value is { } friend:
                    string? friendKey = element.Attribute("Key")?.Value;
                    unit.FriendAssemblies.Add(friendKey is { Length: > 0 } ? friend + ", PublicKey=" + friendKey : friend);
                    break;
                case "ProjectReference" when include is not null:
                    unit.ProjectReferences.Add(Path.GetFullPath(Path.Combine(directory, include.Replace('\\', Path.DirectorySeparatorChar))));
                    break;
                case "Compile" when sdkStyle && element.Attribute("Remove")?.Value is { } removed:
                    foreach (string pattern in removed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        unit.Removed.Add(Glob(pattern));
                    }

                    break;
                case "Compile" when !sdkStyle && include is not null && include.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && !include.Contains('*'):
                    string path = Path.GetFullPath(Path.Combine(directory, include.Replace('\\', Path.DirectorySeparatorChar)));
                    if (File.Exists(path))
                    {
                        unit.Files.Add(path);
                    }

                    break;
            }
        }

        ReadProperties(project, unit);

        string packagesConfig = Path.Combine(directory, "packages.config");
        if (File.Exists(packagesConfig))
        {
            try
            {
                foreach (XElement package in XDocument.Load(packagesConfig).Descendants("package"))
                {
                    if (package.Attribute("id")?.Value is { } id)
                    {
                        unit.Packages.Add((id, package.Attribute("version")?.Value));
                    }
                }
            }
            catch (Exception)
            {
                // An unreadable packages.config: no packages from it.
            }
        }

        return unit;
    }

    /// <summary>An MSBuild item glob (<c>Array.cs</c>, <c>Legacy/**</c>, <c>**/*.Designer.cs</c>) relative to the project.</summary>
    private static Regex Glob(string pattern)
    {
        string normalized = pattern.Replace('\\', '/');
        normalized = normalized.StartsWith("./", StringComparison.Ordinal) ? normalized.Substring(2) : normalized;
        string expression = Regex.Escape(normalized).Replace(@"\*\*/", "(.*/)?").Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]");
        return new Regex("^" + expression + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static void ReadProperties(XElement root, ProjectUnit unit)
    {
        foreach (XElement element in root.Descendants())
        {
            switch (element.Name.LocalName)
            {
                case "ImplicitUsings":
                    unit.ImplicitUsings = element.Value.Trim() is "enable" or "true";
                    break;
                case "Nullable":
                    unit.Nullable = element.Value.Trim() is "enable";
                    break;
                case "AssemblyName" when !element.Value.Contains("$(", StringComparison.Ordinal):
                    unit.AssemblyName = element.Value.Trim();
                    break;
                case "AllowUnsafeBlocks":
                    unit.AllowUnsafe = element.Value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
                    break;
            }
        }
    }

    /// <summary>The Directory.Build.props files that apply to a project directory, outermost first.</summary>
    private static IEnumerable<string> DirectoryProps(string root, string directory)
    {
        var found = new List<string>();
        for (string? current = directory; current is not null && current.StartsWith(root, StringComparison.Ordinal); current = Path.GetDirectoryName(current))
        {
            string props = Path.Combine(current, "Directory.Build.props");
            if (File.Exists(props))
            {
                found.Add(props);
            }
        }

        found.Reverse();
        return found;
    }

    /// <summary>Directory.Packages.props versions anywhere in the tree (central package management).</summary>
    private static Dictionary<string, string> CentralVersions(string root)
    {
        var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string props in Enumerate(root, "Directory.Packages.props"))
        {
            try
            {
                foreach (XElement element in XDocument.Load(props).Descendants().Where(e => e.Name.LocalName == "PackageVersion"))
                {
                    if (element.Attribute("Include")?.Value is { } id && element.Attribute("Version")?.Value is { } version)
                    {
                        versions[id] = PropertyReference().IsMatch(version) ? "*" : version;
                    }
                }
            }
            catch (Exception)
            {
                // Unreadable: no central versions.
            }
        }

        return versions;
    }

    [GeneratedRegex(@"\$\(")]
    private static partial Regex PropertyReference();
}
