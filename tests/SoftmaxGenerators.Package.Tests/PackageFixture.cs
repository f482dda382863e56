using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Xunit;

namespace SoftmaxGenerators.Package.Tests;

/// <summary>
/// Packs the package once (with a unique prerelease version, so the NuGet cache never serves a stale copy) into a
/// temporary local feed, and creates throwaway consumer projects outside the repository.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "smx-package-tests", Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;

        string project = Path.Combine(RepositoryRoot, "src", "SoftmaxGenerators.Package", "SoftmaxGenerators.Package.csproj");
        PackOutput = Dotnet.Run(RepositoryRoot, "pack", project, "-c", "Release", "-o", Feed, "-p:Version=" + Version);
        PackagePath = Path.Combine(Feed, $"SoftmaxGenerators.{Version}.nupkg");
    }

    public string Root { get; }

    public string Feed { get; }

    public string Version { get; }

    public string PackagePath { get; }

    public Dotnet.Result PackOutput { get; }

    public static string RepositoryRoot { get; } = typeof(PackageFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>Writes a consumer project (nuget.config with the local feed, csproj, sources) and returns its folder.</summary>
    public string CreateConsumer(string name, string targetFramework, string outputType, IReadOnlyDictionary<string, string> files, string extraProperties = "")
    {
        string directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        WriteNuGetConfig(directory);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>{targetFramework}</TargetFramework>
                <OutputType>{outputType}</OutputType>
                <LangVersion>latest</LangVersion>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <ImplicitUsings>disable</ImplicitUsings>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SoftmaxGenerators" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        foreach ((string file, string text) in files)
        {
            File.WriteAllText(Path.Combine(directory, file), text);
        }

        return directory;
    }

    /// <summary>
    /// Copies samples/{name} (without bin/obj) out of the repository into <paramref name="folder"/>, points it at the temporary feed and at the
    /// version packed here (the sample's own PackageReference names 0.1.0), and returns its folder.
    /// </summary>
    public string CopySample(string name, string? folder = null)
    {
        string source = Path.Combine(RepositoryRoot, "samples", name);
        string directory = Path.Combine(Root, folder ?? "sample-" + name);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj")
            {
                continue;
            }

            string target = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        string project = Path.Combine(directory, name + ".csproj");
        string text = File.ReadAllText(project);
        const string reference = "<PackageReference Include=\"SoftmaxGenerators\" Version=\"0.1.0\" />";
        Assert.Contains(reference, text);
        File.WriteAllText(project, text.Replace(reference, $"<PackageReference Include=\"SoftmaxGenerators\" Version=\"{Version}\" />"));
        WriteNuGetConfig(directory);
        return directory;
    }

    private void WriteNuGetConfig(string directory) => File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="smx-test-feed" value="{Feed}" />
          </packageSources>
        </configuration>
        """);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Runs the dotnet CLI as a child process, without the MSBuild variables of the test host.</summary>
public static class Dotnet
{
    public sealed record Result(int ExitCode, string Output)
    {
        public Result AssertSuccess()
        {
            Assert.True(ExitCode == 0, "dotnet failed with exit code " + ExitCode + ":\n" + Output);
            return this;
        }
    }

    public static Result Run(string workingDirectory, params string[] arguments) => Run(workingDirectory, null, arguments);

    /// <summary>Runs dotnet with extra environment variables (e.g. DOTNET_ROLL_FORWARD).</summary>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Start("dotnet", workingDirectory, environment, arguments);

    /// <summary>Runs another program (a published native binary) the same way.</summary>
    public static Result Exec(string workingDirectory, string program, params string[] arguments) =>
        Start(program, workingDirectory, null, arguments);

    private static Result Start(string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment, string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            return new Result(-1, "timed out after 8 minutes\n" + output);
        }

        process.WaitForExit();
        return new Result(process.ExitCode, output.ToString());
    }
}

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "package";
}
