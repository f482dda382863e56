using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SoftmaxGenerators.Diagnostics;

/// <summary>
/// The rules a <c>[Softmax(N)]</c> target must satisfy. Shared by the generator (which generates nothing for an invalid
/// target) and by <see cref="Analyzers.SoftmaxUsageAnalyzer"/> (which explains why), so the two never disagree.
/// </summary>
internal static class SoftmaxUsageRules
{
    public const string AttributeMetadataName = "SoftmaxGenerators.SoftmaxAttribute";
    public const string GeneratedCodeTool = "SoftmaxGenerators";
    public const string DefaultMethodName = "Softmax";

    /// <summary>The [Softmax] attribute as the compilation sees it (from the SoftmaxGenerators.Attributes reference,
    /// or declared in the sources), or null when the package is not referenced.</summary>
    public static INamedTypeSymbol? AttributeType(Compilation compilation) =>
        Analyzers.Facts.KnownTypes.Library(compilation, AttributeMetadataName, "SoftmaxGenerators.Attributes", "SoftmaxGenerators");
    public const string RowsSuffix = "Rows";

    /// <summary>The model's length of <c>[Softmax]</c> without a length: rows of any length, chosen at run time.</summary>
    public const int RuntimeLength = 0;

    /// <summary>Whether the attribute reads as <c>[Softmax]</c> (no length), as opposed to an explicit <c>[Softmax(0)]</c>.</summary>
    private static bool IsRuntimeAttribute(AttributeData attribute) => attribute.ConstructorArguments.Length == 0;

    /// <summary>One [Softmax] attribute as read from metadata.</summary>
    public readonly struct AttributeInfo
    {
        public AttributeInfo(AttributeData data, int? length, string? methodName, bool accurate, int functions = Model.LayerFunctions.Softmax)
        {
            Data = data;
            Length = length;
            MethodName = methodName;
            Accurate = accurate;
            Functions = functions;
        }

        public AttributeData Data { get; }

        /// <summary>The row length, or null when the attribute has compile errors of its own.</summary>
        public int? Length { get; }

        public string? MethodName { get; }

        /// <summary>Precision = SoftmaxPrecision.Accurate.</summary>
        public bool Accurate { get; }

        /// <summary>The <c>Functions</c> flags (<see cref="Model.LayerFunctions"/>).</summary>
        public int Functions { get; }
    }

    /// <summary>Reads the [Softmax] attributes of a type, in declaration order.</summary>
    public static ImmutableArray<AttributeInfo> ReadAttributes(INamedTypeSymbol type, INamedTypeSymbol? attributeType)
    {
        ImmutableArray<AttributeInfo>.Builder builder = ImmutableArray.CreateBuilder<AttributeInfo>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!IsSoftmaxAttribute(attribute.AttributeClass, attributeType))
            {
                continue;
            }

            // [Softmax] without arguments: a run-time length, 0 in the model.
            int? length = attribute.ConstructorArguments.Length == 0 && attribute.AttributeConstructor is { Parameters.Length: 0 } ? RuntimeLength
                : attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Primitive
                && attribute.ConstructorArguments[0].Value is int value ? value : null;
            string? methodName = DefaultMethodName;
            bool accurate = false;
            int functions = Model.LayerFunctions.Softmax;
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == "MethodName")
                {
                    methodName = named.Value.Value as string;
                }
                else if (named.Key == "Precision")
                {
                    accurate = named.Value.Value is int precision && precision == 1;
                }
                else if (named.Key == "Functions")
                {
                    functions = named.Value.Value is int flags ? flags : 0;
                }
            }

            builder.Add(new AttributeInfo(attribute, length, methodName, accurate, functions));
        }

        return builder.ToImmutable();
    }

    private static bool IsSoftmaxAttribute(INamedTypeSymbol? candidate, INamedTypeSymbol? attributeType) =>
        candidate is not null && (attributeType is not null
            ? SymbolEqualityComparer.Default.Equals(candidate, attributeType)
            : candidate.ToDisplayString() == AttributeMetadataName);

    /// <summary>
    /// Checks the type and its attributes. Returns true when code can be generated. When <paramref name="report"/> is
    /// given, every problem is reported to it; otherwise the check stops at the first one.
    /// </summary>
    public static bool Validate(
        INamedTypeSymbol type,
        ImmutableArray<AttributeInfo> attributes,
        System.Action<Diagnostic>? report,
        CancellationToken cancellationToken,
        bool checkContainingTypes = true)
    {
        bool valid = true;

        // Unsupported targets: generic types, or types nested in generic types; anything but classes and structs.
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            string? reason = current.TypeKind is not (TypeKind.Class or TypeKind.Struct)
                ? "only classes and structs can hold generated kernels"
                : current.IsGenericType
                    ? (SymbolEqualityComparer.Default.Equals(current, type)
                        ? "generic types are not supported"
                        : $"it is nested in the generic type '{current.Name}'")
                    : null;
            if (reason is not null)
            {
                valid = false;
                if (report is null)
                {
                    return false;
                }

                report(Diagnostic.Create(UsageDescriptors.UnsupportedTarget, IdentifierLocation(type, cancellationToken), type.Name, reason));
                break;
            }
        }

        // Not partial: the type and, for the generator, every containing type. The analyzer reports a containing type
        // when it analyzes that type (see ReportIfNotPartial), so each diagnostic stays local to its symbol.
        for (INamedTypeSymbol? current = type; current is not null; current = checkContainingTypes ? current.ContainingType : null)
        {
            if (!ReportIfNotPartial(current, type, report, cancellationToken))
            {
                valid = false;
                if (report is null)
                {
                    return false;
                }
            }
        }

        var claimed = new Dictionary<string, int>(System.StringComparer.Ordinal);
        for (int index = 0; index < attributes.Length; index++)
        {
            AttributeInfo attribute = attributes[index];
            if (attribute.Length is not int length)
            {
                // The compiler already reports the malformed attribute.
                valid = false;
                continue;
            }

            if ((length < 1 && !IsRuntimeAttribute(attribute.Data)) || length > UsageDescriptors.MaxLength)
            {
                valid = false;
                if (report is null)
                {
                    return false;
                }

                report(Diagnostic.Create(
                    length < 1 ? UsageDescriptors.LengthTooSmall : UsageDescriptors.LengthTooLarge,
                    AttributeLocation(attribute.Data, cancellationToken),
                    length));
            }

            if (!Model.LayerFunctions.IsValid(attribute.Functions))
            {
                valid = false;
                if (report is null)
                {
                    return false;
                }

                report(Diagnostic.Create(UsageDescriptors.InvalidFunctions, AttributeLocation(attribute.Data, cancellationToken), attribute.Functions));
                continue;
            }

            string? methodName = attribute.MethodName;
            if (!IsValidMethodName(methodName))
            {
                valid = false;
                if (report is null)
                {
                    return false;
                }

                report(Diagnostic.Create(UsageDescriptors.InvalidMethodName, AttributeLocation(attribute.Data, cancellationToken), methodName ?? "null"));
                continue;
            }

            List<string> names = GeneratedNames(methodName!, attribute.Functions);
            foreach (string generated in names)
            {
                if (claimed.ContainsKey(generated))
                {
                    valid = false;
                    if (report is null)
                    {
                        return false;
                    }

                    report(Diagnostic.Create(UsageDescriptors.DuplicateMethodName, AttributeLocation(attribute.Data, cancellationToken), methodName, generated, type.Name));
                    break;
                }
            }

            foreach (string generated in names)
            {
                claimed[generated] = index;
                string? clash = FindClash(type, generated, generated == methodName, generated == methodName || generated == methodName + RowsSuffix);
                if (clash is not null)
                {
                    valid = false;
                    if (report is null)
                    {
                        return false;
                    }

                    report(Diagnostic.Create(UsageDescriptors.MemberClash, AttributeLocation(attribute.Data, cancellationToken), generated, clash));
                }
            }
        }

        return valid;
    }

    /// <summary>
    /// Reports SMX1001 on every declaration of <paramref name="declared"/> that lacks <c>partial</c>; returns whether
    /// all have it. <paramref name="annotated"/> is the [Softmax] type that needs it (the same type, or one nested in it).
    /// </summary>
    public static bool ReportIfNotPartial(INamedTypeSymbol declared, INamedTypeSymbol annotated, System.Action<Diagnostic>? report, CancellationToken cancellationToken)
    {
        bool partial = true;
        foreach (SyntaxReference reference in declared.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                partial = false;
                if (report is null)
                {
                    return false;
                }

                string suffix = SymbolEqualityComparer.Default.Equals(declared, annotated)
                    ? string.Empty
                    : $" (it contains '{annotated.Name}')";
                report(Diagnostic.Create(UsageDescriptors.TypeNotPartial, declaration.Identifier.GetLocation(), declared.Name, suffix));
            }
        }

        return partial;
    }

    /// <summary>The method names one attribute generates (each once), for its <c>Functions</c> flags.</summary>
    public static List<string> GeneratedNames(string methodName, int functions = Model.LayerFunctions.Softmax)
    {
        var names = new List<string>();
        void Add(string name)
        {
            if (!names.Contains(name))
            {
                names.Add(name);
                names.Add(name + RowsSuffix);
            }
        }

        if ((functions & (Model.LayerFunctions.Softmax | Model.LayerFunctions.Temperature)) != 0)
        {
            Add(methodName);
        }

        if ((functions & Model.LayerFunctions.LogSoftmax) != 0)
        {
            Add(Model.LayerFunctions.LogSoftmaxName(methodName));
        }

        if ((functions & Model.LayerFunctions.LogSumExp) != 0)
        {
            Add(Model.LayerFunctions.LogSumExpName(methodName));
        }

        if ((functions & Model.LayerFunctions.CrossEntropy) != 0)
        {
            Add(Model.LayerFunctions.CrossEntropyName(methodName));
        }

        if ((functions & Model.LayerFunctions.Backward) != 0)
        {
            Add(Model.LayerFunctions.BackwardName(methodName));
        }

        return names;
    }

    public static bool IsValidMethodName(string? name) =>
        name is not null
        && SyntaxFacts.IsValidIdentifier(name)
        && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None
        && !name.StartsWith("__Softmax", System.StringComparison.Ordinal);

    /// <summary>
    /// Finds a member that the generated method <paramref name="name"/> would collide with: any non-method member of
    /// that name, the type's own name, or a method with one of the generated signatures, declared in the type or
    /// inherited. Methods this generator produced are ignored (the analyzer sees them in the compilation).
    /// </summary>
    private static string? FindClash(INamedTypeSymbol type, string name, bool isSingleRowName, bool isSoftmaxName)
    {
        if (name == type.Name)
        {
            return type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        }

        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers(name))
            {
                if (member.IsImplicitlyDeclared || IsGeneratedByUs(member))
                {
                    continue;
                }

                if (!SymbolEqualityComparer.Default.Equals(current, type) && member.DeclaredAccessibility == Accessibility.Private)
                {
                    continue;
                }

                if (member is not IMethodSymbol method)
                {
                    return member.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
                }

                if (isSoftmaxName ? HasGeneratedSignature(method, isSingleRowName) : StartsWithSpan(method))
                {
                    return method.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
                }
            }
        }

        return null;
    }

    private static bool IsGeneratedByUs(ISymbol member)
    {
        foreach (AttributeData attribute in member.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "GeneratedCodeAttribute"
                && attribute.ConstructorArguments.Length == 2
                && attribute.ConstructorArguments[0].Value as string == GeneratedCodeTool)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>(ReadOnlySpan&lt;T&gt;, Span&lt;T&gt;) always; (Span&lt;T&gt;) for the single-row name; T float or double.</summary>
    private static bool HasGeneratedSignature(IMethodSymbol method, bool isSingleRowName)
    {
        ImmutableArray<IParameterSymbol> parameters = method.Parameters;
        foreach (IParameterSymbol parameter in parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                return false;
            }
        }

        if (parameters.Length == 2)
        {
            SpecialType element = SpanElement(parameters[0].Type, "ReadOnlySpan");
            return element != SpecialType.None && SpanElement(parameters[1].Type, "Span") == element;
        }

        return isSingleRowName && parameters.Length == 1 && SpanElement(parameters[0].Type, "Span") != SpecialType.None;
    }

    /// <summary>The layer functions' methods (log-softmax, log-sum-exp, cross-entropy, backward) all take a span of float
    /// or double first: a method of the same name that does too is taken as a clash.</summary>
    private static bool StartsWithSpan(IMethodSymbol method) =>
        method.Parameters.Length > 0
        && method.Parameters[0].RefKind == RefKind.None
        && (SpanElement(method.Parameters[0].Type, "ReadOnlySpan") != SpecialType.None || SpanElement(method.Parameters[0].Type, "Span") != SpecialType.None);

    private static SpecialType SpanElement(ITypeSymbol type, string spanName) =>
        type is INamedTypeSymbol { Name: var name, TypeArguments.Length: 1 } named
        && name == spanName
        && named.ContainingNamespace?.ToDisplayString() == "System"
        && named.TypeArguments[0].SpecialType is SpecialType.System_Single or SpecialType.System_Double
            ? named.TypeArguments[0].SpecialType
            : SpecialType.None;

    private static Location IdentifierLocation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is BaseTypeDeclarationSyntax declaration)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.Length > 0 ? type.Locations[0] : Location.None;
    }

    private static Location AttributeLocation(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? Location.None;
}
