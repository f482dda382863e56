using Microsoft.CodeAnalysis;

namespace SoftmaxGenerators.Analyzers.Facts;

/// <summary>
/// Finds the library types the rules match without <see cref="Compilation.GetTypeByMetadataName"/>, which searches
/// every reference of the compilation: on a project with hundreds of references that search costs more than the
/// rules themselves. A type is looked up in the compilation's own sources and in the referenced assemblies whose
/// names say they can define it (the core library for <c>System.Math</c>, <c>System.Numerics.Tensors</c> for
/// <c>TensorPrimitives</c>, the <c>UnityEngine</c> modules for <c>Mathf</c>).
/// </summary>
internal static class KnownTypes
{
    /// <summary>A type of the core library (the assembly that defines <see cref="object"/>), or of the sources.</summary>
    public static INamedTypeSymbol? CoreLibrary(Compilation compilation, string metadataName) =>
        compilation.ObjectType.ContainingAssembly?.GetTypeByMetadataName(metadataName)
        ?? Source(compilation, metadataName);

    /// <summary>A type declared in the compilation's own sources; the declared type names are checked first, which
    /// costs nothing where the sources do not declare it.</summary>
    public static INamedTypeSymbol? Source(Compilation compilation, string metadataName)
    {
        int dot = metadataName.LastIndexOf('.');
        string name = metadataName.Substring(dot + 1);
        int arity = name.IndexOf('`');
        if (arity >= 0)
        {
            name = name.Substring(0, arity);
        }

        return compilation.Assembly.TypeNames.Contains(name) ? compilation.Assembly.GetTypeByMetadataName(metadataName) : null;
    }

    /// <summary><c>System.Span&lt;T&gt;</c>: in the core library, or in System.Memory for .NET Standard 2.0 and .NET
    /// Framework.</summary>
    public static INamedTypeSymbol? Span(Compilation compilation) =>
        CoreLibrary(compilation, "System.Span`1") ?? Library(compilation, "System.Span`1", "System.Memory");

    /// <summary><c>System.MemoryExtensions</c>: in the core library, or in System.Memory.</summary>
    public static INamedTypeSymbol? MemoryExtensions(Compilation compilation) =>
        CoreLibrary(compilation, "System.MemoryExtensions") ?? Library(compilation, "System.MemoryExtensions", "System.Memory");

    /// <summary>A type of the sources, or of a referenced assembly whose name is one of
    /// <paramref name="assemblyNames"/> or starts with one of them followed by a dot.</summary>
    public static INamedTypeSymbol? Library(Compilation compilation, string metadataName, params string[] assemblyNames)
    {
        if (Source(compilation, metadataName) is { } own)
        {
            return own;
        }

        foreach (IAssemblySymbol assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            if (Matches(assembly.Name, assemblyNames) && assembly.GetTypeByMetadataName(metadataName) is { DeclaredAccessibility: Accessibility.Public } type)
            {
                return type;
            }
        }

        return null;
    }

    private static bool Matches(string name, string[] prefixes)
    {
        foreach (string prefix in prefixes)
        {
            if (name.Length >= prefix.Length && string.CompareOrdinal(name, 0, prefix, 0, prefix.Length) == 0
                && (name.Length == prefix.Length || name[prefix.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }
}
