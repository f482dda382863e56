using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace SoftmaxGenerators.Tests.Infrastructure;

/// <summary>Metadata references for test compilations, read from the NuGet cache (no download at run time).</summary>
public static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_net80 = new(() => Load(
        Path.Combine("microsoft.netcore.app.ref", "8.0.0", "ref", "net8.0")));

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_netStandard20 = new(() => Load(
        Path.Combine("netstandard.library", "2.0.3", "build", "netstandard2.0", "ref")));

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_systemMemory = new(() =>
        Load(Path.Combine("system.memory", "4.5.5", "lib", "netstandard2.0"))
            .AddRange(Load(Path.Combine("system.buffers", "4.5.1", "lib", "netstandard2.0")))
            .AddRange(Load(Path.Combine("system.runtime.compilerservices.unsafe", "4.5.3", "lib", "netstandard2.0")))
            .AddRange(Load(Path.Combine("system.numerics.vectors", "4.5.0", "lib", "netstandard2.0"))));

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_net10 = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    /// <summary>The public attribute assembly.</summary>
    public static MetadataReference Attributes { get; } = MetadataReference.CreateFromFile(typeof(SoftmaxAttribute).Assembly.Location);

    /// <summary>The .NET 8 reference assemblies (Microsoft.NETCore.App.Ref 8.0.0).</summary>
    public static ImmutableArray<MetadataReference> Net80 => s_net80.Value;

    /// <summary>netstandard2.0 alone: no Span&lt;T&gt;.</summary>
    public static ImmutableArray<MetadataReference> NetStandard20 => s_netStandard20.Value;

    /// <summary>netstandard2.0 with System.Memory (Span&lt;T&gt;), as a .NET Framework consumer of the package has.</summary>
    public static ImmutableArray<MetadataReference> NetStandard20WithMemory => s_netStandard20.Value.AddRange(s_systemMemory.Value);

    /// <summary>The running .NET 10 runtime's assemblies.</summary>
    public static ImmutableArray<MetadataReference> Net10 => s_net10.Value;

    /// <summary>System.Numerics.Tensors 11.0.0 for net10.0 (TensorPrimitives).</summary>
    public static MetadataReference NumericsTensors { get; } = MetadataReference.CreateFromFile(
        Path.Combine(PackageRoot, "system.numerics.tensors", "11.0.0", "lib", "net10.0", "System.Numerics.Tensors.dll"));

    /// <summary>For Microsoft.CodeAnalysis.Testing verifiers: no package resolution (offline); the references come from <see cref="Net10"/>.</summary>
    public static ReferenceAssemblies Net10ReferenceAssemblies { get; } = new ReferenceAssemblies("net10.0");

    public static string PackageRoot => Metadata("NuGetPackageRoot");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    private static string Metadata(string key) =>
        typeof(TestReferences).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static ImmutableArray<MetadataReference> Load(string relativeDirectory)
    {
        string directory = Path.Combine(PackageRoot, relativeDirectory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Reference assemblies not found at '{directory}'. Run 'dotnet restore' first.");
        }

        return Directory.GetFiles(directory, "*.dll")
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
