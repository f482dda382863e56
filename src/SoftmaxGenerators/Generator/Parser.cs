using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Diagnostics;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>Symbols to models: the only place of the generator that looks at symbols.</summary>
internal static class Parser
{
    /// <summary>
    /// Builds the model of one annotated type, or returns null when the target is invalid (the analyzer explains
    /// why) or when this declaration is not the one that owns generation for a type declared in several parts.
    /// </summary>
    public static SoftmaxTypeModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return null;
        }

        ImmutableArray<SoftmaxUsageRules.AttributeInfo> attributes = SoftmaxUsageRules.ReadAttributes(type, attributeType: null);
        if (attributes.IsEmpty)
        {
            return null;
        }

        // A partial type may carry [Softmax] attributes on several declarations; all of them are generated once, from
        // the declaration that holds the first attribute.
        SyntaxReference? first = attributes[0].Data.ApplicationSyntaxReference;
        if (first is null || first.SyntaxTree != context.TargetNode.SyntaxTree || !context.TargetNode.Span.Contains(first.Span))
        {
            return null;
        }

        if (!SoftmaxUsageRules.Validate(type, attributes, report: null, cancellationToken))
        {
            return null;
        }

        var kernels = new KernelRequest[attributes.Length];
        for (int i = 0; i < attributes.Length; i++)
        {
            kernels[i] = new KernelRequest(attributes[i].Length!.Value, attributes[i].MethodName!, attributes[i].Accurate, attributes[i].Functions);
        }

        var chain = new List<TypeDeclarationModel>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            chain.Insert(0, new TypeDeclarationModel(Keyword(current), current.Name));
        }

        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing
            ? containing.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty)
            : null;

        return new SoftmaxTypeModel(ns, new EquatableArray<TypeDeclarationModel>(chain.ToArray()), new EquatableArray<KernelRequest>(kernels), HintName(ns, chain));
    }

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "partial record struct",
        { IsRecord: true } => "partial record",
        { TypeKind: TypeKind.Struct, IsRefLikeType: true } => "ref partial struct",
        { TypeKind: TypeKind.Struct } => "partial struct",
        _ => "partial class",
    };

    private static string HintName(string? ns, List<TypeDeclarationModel> chain)
    {
        var builder = new StringBuilder();
        if (ns is not null)
        {
            builder.Append(ns).Append('.');
        }

        for (int i = 0; i < chain.Count; i++)
        {
            builder.Append(i == 0 ? string.Empty : "+").Append(chain[i].Name);
        }

        return builder.Append(".Softmax.g.cs").ToString();
    }

    /// <summary>Reads what the consumer's target framework and language version offer.</summary>
    public static TargetCapabilities ReadCapabilities(Compilation compilation, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        INamedTypeSymbol? vector128 = compilation.GetTypeByMetadataName("System.Runtime.Intrinsics.Vector128");
        int languageVersion = compilation is CSharpCompilation csharp ? (int)csharp.LanguageVersion : 0;
        return new TargetCapabilities(
            HasSpan: compilation.GetTypeByMetadataName("System.Span`1") is not null
                && compilation.GetTypeByMetadataName("System.ReadOnlySpan`1") is not null,
            HasVector128: HasCrossPlatformApi(vector128),
            HasVector256: HasCrossPlatformApi(compilation.GetTypeByMetadataName("System.Runtime.Intrinsics.Vector256")),
            HasVector512: HasCrossPlatformApi(compilation.GetTypeByMetadataName("System.Runtime.Intrinsics.Vector512")),
            HasMaxNative: vector128 is not null && !vector128.GetMembers("MaxNative").IsEmpty,
            LanguageVersion: languageVersion,
            AllowUnsafe: compilation.Options is CSharpCompilationOptions { AllowUnsafe: true });
    }

    /// <summary>Reads the generator's options from the build's global analyzer options.</summary>
    public static GeneratorOptions ReadOptions(AnalyzerConfigOptions globalOptions) =>
        globalOptions.TryGetValue("build_property." + GeneratorOptions.EmitWidthHooksProperty, out string? value)
            && bool.TryParse(value?.Trim(), out bool emit) && emit
            ? new GeneratorOptions(EmitWidthHooks: true)
            : GeneratorOptions.Default;

    /// <summary>The .NET 7+ cross-platform API: IsHardwareAccelerated, LoadUnsafe, StoreUnsafe, Shuffle.</summary>
    private static bool HasCrossPlatformApi(INamedTypeSymbol? vectorClass) =>
        vectorClass is not null
        && !vectorClass.GetMembers("IsHardwareAccelerated").IsEmpty
        && !vectorClass.GetMembers("LoadUnsafe").IsEmpty
        && !vectorClass.GetMembers("AndNot").IsEmpty;
}
