using Microsoft.CodeAnalysis;

namespace SoftmaxGenerators.Diagnostics;

/// <summary>Descriptors of the <c>SMX1xxx</c> rules: misuse of <c>[Softmax(N)]</c>. No code is generated for a type
/// with any of these errors.</summary>
internal static class UsageDescriptors
{
    public const string Category = "SoftmaxGenerators.Usage";

    public const string TypeNotPartialId = "SMX1001";
    public const string LengthTooSmallId = "SMX1002";
    public const string LengthTooLargeId = "SMX1003";
    public const string DuplicateMethodNameId = "SMX1004";
    public const string MemberClashId = "SMX1005";
    public const string UnsupportedTargetId = "SMX1006";
    public const string InvalidMethodNameId = "SMX1007";
    public const string SpanUnavailableId = "SMX1008";
    public const string LanguageVersionTooOldId = "SMX1009";
    public const string InvalidFunctionsId = "SMX1010";

    /// <summary>The largest supported row length, 2^24. Above it a float accumulator can no longer count one
    /// more unit (2^24 + 1 is not a float), and a row is over 64 MiB: use a dynamic-length API instead.</summary>
    public const int MaxLength = 16_777_216;

    public static readonly DiagnosticDescriptor TypeNotPartial = Create(
        TypeNotPartialId,
        "Type with [Softmax] must be partial",
        "Type '{0}' must be declared partial so that SoftmaxGenerators can add the generated softmax methods{1}",
        "The generator adds methods to the annotated type, so it and every type that contains it must be declared partial.");

    public static readonly DiagnosticDescriptor LengthTooSmall = Create(
        LengthTooSmallId,
        "Softmax row length must be at least 1",
        "The softmax row length must be at least 1, but it is {0}",
        "A softmax row needs at least one value.");

    public static readonly DiagnosticDescriptor LengthTooLarge = Create(
        LengthTooLargeId,
        "Softmax row length is too large",
        "The softmax row length {0} is above the supported maximum of 16,777,216 (2^24)",
        "Fixed-length kernels are generated for rows of up to 2^24 values; use a dynamic-length softmax for longer rows.");

    public static readonly DiagnosticDescriptor DuplicateMethodName = Create(
        DuplicateMethodNameId,
        "Two [Softmax] attributes generate the same method",
        "The [Softmax] attribute with method name '{0}' generates '{1}', which another [Softmax] attribute on '{2}' also generates",
        "Each [Softmax] attribute on a type must use a distinct MethodName (the batch method adds 'Rows' to it).");

    public static readonly DiagnosticDescriptor MemberClash = Create(
        MemberClashId,
        "Generated softmax method clashes with an existing member",
        "The generated method '{0}' clashes with the existing member '{1}'",
        "A generated method would collide with a member of the type (or hide an inherited one). Rename the member or set MethodName.");

    public static readonly DiagnosticDescriptor UnsupportedTarget = Create(
        UnsupportedTargetId,
        "Type is not supported by [Softmax]",
        "[Softmax] cannot generate code for '{0}': {1}",
        "Softmax kernels are generated into non-generic classes and structs that are not nested in generic types.");

    public static readonly DiagnosticDescriptor InvalidMethodName = Create(
        InvalidMethodNameId,
        "MethodName is not a valid method name",
        "MethodName '{0}' is not a valid C# method name",
        "MethodName must be a plain C# identifier that is not a keyword.");

    public static readonly DiagnosticDescriptor SpanUnavailable = Create(
        SpanUnavailableId,
        "Span<T> is not available",
        "[Softmax] kernels need System.Span<T>, which this target framework does not have; add a reference to the System.Memory package",
        "The generated API takes spans. On .NET Framework and netstandard2.0 they come from the System.Memory package.");

    public static readonly DiagnosticDescriptor LanguageVersionTooOld = Create(
        LanguageVersionTooOldId,
        "C# language version is too old for [Softmax]",
        "[Softmax] kernels need C# 7.3 or newer, but this project uses C# {0}",
        "The generated code uses span and ref features of C# 7.3.");

    public static readonly DiagnosticDescriptor InvalidFunctions = Create(
        InvalidFunctionsId,
        "[Softmax] Functions must name known functions",
        "Functions = {0} names no function or an unknown one; combine the SoftmaxFunctions values (Softmax, LogSoftmax, LogSumExp, CrossEntropy, Backward, Temperature)",
        "The Functions property of [Softmax] takes a combination of the SoftmaxFunctions flags; 0 generates nothing and other bits have no meaning.");

    private static DiagnosticDescriptor Create(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description,
            HelpLinks.For(id), WellKnownDiagnosticTags.NotConfigurable);
}
