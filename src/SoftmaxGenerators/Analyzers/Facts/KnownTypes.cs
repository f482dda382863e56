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
        ?? compilation.Assembly.GetTypeByMetadataName(metadataName);

    /// <summary>A type of the sources, or of a referenced assembly whose name is one of
    /// <paramref name="assemblyNames"/> or starts with one of them followed by a dot.</summary>
    public static INamedTypeSymbol? Library(Compilation compilation, string metadataName, params string[] assemblyNames)
    {
        if (compilation.Assembly.GetTypeByMetadataName(metadataName) is { } own)
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
