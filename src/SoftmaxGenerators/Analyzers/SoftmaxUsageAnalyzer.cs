using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.Analyzers;

/// <summary>
/// Explains why no kernels were generated for a <c>[Softmax(N)]</c> type (SMX1001-SMX1009). Uses the same rules as
/// the generator, which generates nothing for a type with any of these errors.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SoftmaxUsageAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        UsageDescriptors.TypeNotPartial,
        UsageDescriptors.LengthTooSmall,
        UsageDescriptors.LengthTooLarge,
        UsageDescriptors.DuplicateMethodName,
        UsageDescriptors.MemberClash,
        UsageDescriptors.UnsupportedTarget,
        UsageDescriptors.InvalidMethodName,
        UsageDescriptors.SpanUnavailable,
        UsageDescriptors.LanguageVersionTooOld,
        UsageDescriptors.InvalidFunctions);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            INamedTypeSymbol? attributeType = SoftmaxUsageRules.AttributeType(start.Compilation);
            if (attributeType is null)
            {
                return;
            }

            bool hasSpan = Facts.KnownTypes.Span(start.Compilation) is not null;
            LanguageVersion languageVersion = start.Compilation is CSharpCompilation csharp ? csharp.LanguageVersion : LanguageVersion.Latest;
            start.RegisterSymbolAction(
                symbolContext => AnalyzeType(symbolContext, attributeType, hasSpan, languageVersion),
                SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attributeType, bool hasSpan, LanguageVersion languageVersion)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        ImmutableArray<SoftmaxUsageRules.AttributeInfo> attributes = SoftmaxUsageRules.ReadAttributes(type, attributeType);
        if (attributes.IsEmpty)
        {
            // A type that contains a [Softmax] type must be partial too; it is reported here, on its own declaration.
            // This runs for every type of the compilation: the nested types are searched only when the type has some
            // and one of its declarations lacks 'partial', which the syntax tells cheaply.
            if (!type.GetTypeMembers().IsEmpty
                && !SoftmaxUsageRules.ReportIfNotPartial(type, type, report: null, context.CancellationToken)
                && FindAnnotatedDescendant(type, attributeType) is INamedTypeSymbol annotated)
            {
                SoftmaxUsageRules.ReportIfNotPartial(type, annotated, context.ReportDiagnostic, context.CancellationToken);
            }

            return;
        }

        Location location = attributes[0].Data.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? Location.None;
        if (!hasSpan)
        {
            context.ReportDiagnostic(Diagnostic.Create(UsageDescriptors.SpanUnavailable, location));
        }

        if ((int)languageVersion < Model.TargetCapabilities.MinimumLanguageVersion)
        {
            context.ReportDiagnostic(Diagnostic.Create(UsageDescriptors.LanguageVersionTooOld, location, languageVersion.ToDisplayString()));
        }

        SoftmaxUsageRules.Validate(type, attributes, context.ReportDiagnostic, context.CancellationToken, checkContainingTypes: false);
    }

    private static INamedTypeSymbol? FindAnnotatedDescendant(INamedTypeSymbol type, INamedTypeSymbol attributeType)
    {
        foreach (INamedTypeSymbol nested in type.GetTypeMembers())
        {
            if (!SoftmaxUsageRules.ReadAttributes(nested, attributeType).IsEmpty)
            {
                return nested;
            }

            if (FindAnnotatedDescendant(nested, attributeType) is INamedTypeSymbol deeper)
            {
                return deeper;
            }
        }

        return null;
    }
}
