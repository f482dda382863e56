using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>
/// What SMX0005 and its fix share: which softmax calls have a constant row length, and which types can receive a
/// <c>[Softmax(N)]</c> attribute (the rules of <see cref="SoftmaxUsageRules"/>, minus <c>partial</c>, which the fix adds).
/// </summary>
internal static class GeneratedSoftmaxCandidates
{
    /// <summary>
    /// For <c>TensorPrimitives.SoftMax(x, destination)</c> over float or double where both spans provably hold the same
    /// constant number of values N (1 &lt;= N &lt;= 2^24), returns N; otherwise null.
    /// </summary>
    public static int? SoftMaxCallLength(IInvocationOperation call, NumericsSymbols symbols, ConstantLengths lengths)
    {
        IMethodSymbol method = call.TargetMethod;
        if (!symbols.IsTensorPrimitives(method, "SoftMax")
            || method.Parameters.Length != 2 || call.Arguments.Length != 2 || ElementType(method.Parameters[0].Type) == SpecialType.None
            || ElementType(method.Parameters[0].Type) != ElementType(method.Parameters[1].Type)
            || call.Syntax.ContainsDiagnostics)
        {
            return null;
        }

        IOperation? source = OperationHelpers.Argument(call, 0);
        IOperation? destination = OperationHelpers.Argument(call, 1);
        if (source is null || destination is null || source is IInvalidOperation || destination is IInvalidOperation)
        {
            return null;
        }

        int? length = lengths.LengthOf(source);
        return length is int n && n >= 1 && n <= UsageDescriptors.MaxLength && lengths.LengthOf(destination) == n ? n : null;
    }

    /// <summary>float or double for Span&lt;float&gt;, ReadOnlySpan&lt;double&gt; and the like; otherwise None.</summary>
    public static SpecialType ElementType(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", TypeArguments.Length: 1 } span
        && span.TypeArguments[0].SpecialType is SpecialType.System_Single or SpecialType.System_Double
            ? span.TypeArguments[0].SpecialType
            : SpecialType.None;

    /// <summary>
    /// The type that would hold the generated kernel for code inside
    /// <paramref name="member"/>: the innermost containing type, when it and every containing type is a non-generic class,
    /// struct or record declared in source (not file-local), or the Program class of top-level statements. Otherwise null.
    /// </summary>
    public static INamedTypeSymbol? TargetType(ISymbol? member, CancellationToken cancellationToken)
    {
        INamedTypeSymbol? type = member as INamedTypeSymbol ?? member?.ContainingType;
        if (type is null)
        {
            return null;
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeKind is not (TypeKind.Class or TypeKind.Struct) || current.IsGenericType || current.IsAnonymousType
                || current.DeclaringSyntaxReferences.IsEmpty)
            {
                return null;
            }

            foreach (SyntaxReference reference in current.DeclaringSyntaxReferences)
            {
                SyntaxNode declaration = reference.GetSyntax(cancellationToken);
                if (declaration is CompilationUnitSyntax && current.Name == "Program" && current.ContainingType is null
                    && current.ContainingNamespace.IsGlobalNamespace)
                {
                    continue; // the Program class of top-level statements
                }

                if (declaration is not (ClassDeclarationSyntax or StructDeclarationSyntax or RecordDeclarationSyntax)
                    || IsFileLocal((TypeDeclarationSyntax)declaration))
                {
                    return null;
                }
            }
        }

        return type;
    }

    // A file-local type (C# 11). Recognized by the modifier's text, which only the keyword has in a modifier list: the
    // Roslyn 4.3 band, which compilers 4.4-4.7 load, has no SyntaxKind for it.
    private static bool IsFileLocal(TypeDeclarationSyntax declaration)
    {
        foreach (SyntaxToken modifier in declaration.Modifiers)
        {
            if (modifier.ValueText == "file")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the compilation can use generated kernels: the attribute is referenced and the generator would run.</summary>
    public static bool CanGenerate(Compilation compilation) =>
        SoftmaxUsageRules.AttributeType(compilation) is not null
        && Facts.KnownTypes.Span(compilation) is not null
        && compilation is CSharpCompilation { LanguageVersion: >= LanguageVersion.CSharp7_3 };
}
