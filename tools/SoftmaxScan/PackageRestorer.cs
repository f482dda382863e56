using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SoftmaxScan;

/// <summary>
/// Restores the NuGet packages a project declares through a throwaway net10.0 project (cached under
/// artifacts/scan-cache by package set) and returns their compile-time assemblies. Versions missing from the feed
/// resolve to the next one; a set that fails to restore is retried one package at a time; what cannot be restored is
/// reported and skipped.
/// </summary>
internal sealed class PackageRestorer
{
    private static readonly string[] Ignored =
    {
        "Microsoft.NET.Test.Sdk", "xunit", "xunit.runner.visualstudio", "NUnit", "NUnit3TestAdapter", "MSTest.TestAdapter",
        "MSTest.TestFramework", "coverlet.collector", "Microsoft.SourceLink.GitHub", "StyleCop.Analyzers", "Microsoft.CodeAnalysis.NetAnalyzers",
        "Microsoft.NETFramework.ReferenceAssemblies", "Microsoft.CodeAnalysis.Analyzers", "Nerdbank.GitVersioning", "MinVer",
    };

    private readonly string _cache;
    private readonly TextWriter _log;

    public PackageRestorer(string cache, TextWriter log)
    {
        _cache = cache;
        _log = log;
        Directory.CreateDirectory(cache);
    }

    public List<string> CompileAssemblies(IEnumerable<(string Id, string? Version)> packages)
    {
        var wanted = packages
            .Where(p => !Ignored.Contains(p.Id, StringComparer.OrdinalIgnoreCase) && !p.Id.StartsWith("Microsoft.NETCore.App", StringComparison.OrdinalIgnoreCase))
            .GroupBy(p => p.Id, StringComparer.OrdinalIgnoreCase)
            .Select(g => (Id: g.Key, Version: Normalize(g.First().Version)))
            .OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (wanted.Count == 0)
        {
            return new List<string>();
        }

        List<string>? all = Restore(wanted);
        if (all is not null)
        {
            return all;
        }

        var assemblies = new List<string>();
        foreach (var package in wanted)
        {
            List<string>? one = Restore(new List<(string, string)> { package });
            if (one is null && ApiPackage(package.Id) is { } api)
            {
                // A native flavour of a library that is not served: its compile-time API is the managed package it depends on.
                _log.WriteLine($"  package {package.Id} {package.Version}: not served, compiled against {api}");
                one = Restore(new List<(string, string)> { (api, "*") });
            }

            if (one is null)
            {
                _log.WriteLine($"  package {package.Id} {package.Version}: not restored, skipped");
                continue;
            }

            assemblies.AddRange(one);
        }

        return assemblies.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>ONNX Runtime's execution-provider packages (DirectML, OpenVINO, CUDA) carry native binaries and take
    /// their whole API from Microsoft.ML.OnnxRuntime.Managed.</summary>
    private static string? ApiPackage(string id) =>
        id.StartsWith("Microsoft.ML.OnnxRuntime.", StringComparison.OrdinalIgnoreCase) || id.StartsWith("Intel.ML.OnnxRuntime.", StringComparison.OrdinalIgnoreCase)
            ? (id.EndsWith(".Managed", StringComparison.OrdinalIgnoreCase) || id.Contains("Extensions", StringComparison.OrdinalIgnoreCase) ? null : "Microsoft.ML.OnnxRuntime.Managed")
            : null;

    private static string Normalize(string? version)
    {
        if (string.IsNullOrWhiteSpace(version) || version.Contains("$(", StringComparison.Ordinal))
        {
            return "*";
        }

        version = version.Trim().Trim('[', ']', '(', ')');
        int comma = version.IndexOf(',');
        return comma >= 0 ? (comma == 0 ? "*" : version[..comma].Trim()) : version;
    }

    private List<string>? Restore(List<(string Id, string Version)> packages)
    {
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(";", packages.Select(p => p.Id + "/" + p.Version)))))[..16];
        string directory = Path.Combine(_cache, key);
        string result = Path.Combine(directory, "assemblies.txt");
        string failed = Path.Combine(directory, "failed.txt");
        if (File.Exists(result))
        {
            return File.ReadAllLines(result).Where(File.Exists).ToList();
        }

        if (File.Exists(failed))
        {
            return null;
        }

        Directory.CreateDirectory(directory);
        var project = new StringBuilder();
        project.AppendLine("<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework>");
        project.AppendLine("<ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally><NoWarn>NU1603;NU1605;NU1701;NU1702;NU1608</NoWarn>");
        project.AppendLine("<ImportDirectoryBuildProps>false</ImportDirectoryBuildProps><ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps></PropertyGroup><ItemGroup>");
        foreach ((string id, string version) in packages)
        {
            project.AppendLine($"<PackageReference Include=\"{System.Security.SecurityElement.Escape(id)}\" Version=\"{System.Security.SecurityElement.Escape(version)}\" />");
        }

        project.AppendLine("</ItemGroup></Project>");
        File.WriteAllText(Path.Combine(directory, "restore.csproj"), project.ToString());
        var start = new ProcessStartInfo("dotnet", "restore restore.csproj --verbosity quiet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        if (!process.WaitForExit(300_000) || process.ExitCode != 0)
        {
            File.WriteAllText(failed, output);
            return null;
        }

        List<string> assemblies = ReadAssets(Path.Combine(directory, "obj", "project.assets.json"));
        File.WriteAllLines(result, assemblies);
        return assemblies;
    }

    private static List<string> ReadAssets(string assetsFile)
    {
        var assemblies = new List<string>();
        using JsonDocument assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        string packageFolder = assets.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
        JsonElement libraries = assets.RootElement.GetProperty("libraries");
        foreach (JsonProperty target in assets.RootElement.GetProperty("targets").EnumerateObject())
        {
            foreach (JsonProperty library in target.Value.EnumerateObject())
            {
                if (!library.Value.TryGetProperty("compile", out JsonElement compile) || !libraries.TryGetProperty(library.Name, out JsonElement info)
                    || !info.TryGetProperty("path", out JsonElement path))
                {
                    continue;
                }

                foreach (JsonProperty file in compile.EnumerateObject())
                {
                    if (file.Name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                    {
                        string full = Path.Combine(packageFolder, path.GetString()!, file.Name.Replace('/', Path.DirectorySeparatorChar));
                        if (File.Exists(full))
                        {
                            assemblies.Add(full);
                        }
                    }
                }
            }
        }

        return assemblies;
    }
}
