using System;

namespace SoftmaxGenerators.Model;

/// <summary>One type declaration of the nesting chain, as the generated partial declaration must spell it.</summary>
/// <param name="Keyword">The declaration keywords with <c>partial</c> in its place: <c>partial class</c>,
/// <c>ref partial struct</c>, <c>partial record struct</c>...</param>
/// <param name="Name">The type's name (no generic parameters: generic types are not supported).</param>
internal sealed record TypeDeclarationModel(string Keyword, string Name);

/// <summary>One <c>[Softmax(N)]</c> attribute: a row length, the name of the generated methods, whether the
/// kernels are the accurate variant (<c>SoftmaxPrecision.Accurate</c>), and the functions requested
/// (<c>SoftmaxFunctions</c> as an int, see <see cref="LayerFunctions"/>).</summary>
internal sealed record KernelRequest(int Length, string MethodName, bool Accurate = false, int Functions = LayerFunctions.Softmax)
{
    public bool Has(int function) => (Functions & function) != 0;

    /// <summary><c>[Softmax]</c> without a length: kernels for any row length, chosen at run time (Length is 0).</summary>
    public bool IsRuntime => Length == 0;
}

/// <summary>The values of the attributes assembly's <c>SoftmaxFunctions</c> flags, and the method names they generate.</summary>
internal static class LayerFunctions
{
    public const int Softmax = 1;
    public const int LogSoftmax = 2;
    public const int LogSumExp = 4;
    public const int CrossEntropy = 8;
    public const int Backward = 16;
    public const int Temperature = 32;
    public const int All = 63;

    /// <summary>Whether <paramref name="functions"/> names at least one function and nothing unknown.</summary>
    public static bool IsValid(int functions) => functions != 0 && (functions & ~All) == 0;

    /// <summary>The flags other than <see cref="Softmax"/>: the functions of the layer kernels.</summary>
    public static bool HasLayer(int functions) => (functions & ~Softmax) != 0;

    public static string LogSoftmaxName(string methodName) => "Log" + methodName;

    public static string LogSumExpName(string methodName) => methodName == "Softmax" ? "LogSumExp" : methodName + "LogSumExp";

    public static string CrossEntropyName(string methodName) => methodName + "CrossEntropy";

    public static string BackwardName(string methodName) => methodName + "Backward";
}

/// <summary>Everything the emitter needs for one annotated type. Holds no symbols or syntax.</summary>
/// <param name="Namespace">The containing namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="Types">The nesting chain, outermost first; the last entry is the annotated type.</param>
/// <param name="Kernels">The attributes, in declaration order.</param>
/// <param name="HintName">A unique, deterministic file name for the generated source.</param>
internal sealed record SoftmaxTypeModel(
    string? Namespace,
    EquatableArray<TypeDeclarationModel> Types,
    EquatableArray<KernelRequest> Kernels,
    string HintName);

/// <summary>What the consumer's target framework, language version and compilation options offer.</summary>
internal sealed record TargetCapabilities(
    bool HasSpan,
    bool HasVector128,
    bool HasVector256,
    bool HasVector512,
    bool HasMaxNative,
    int LanguageVersion,
    // The consumer's project allows unsafe code (AllowUnsafeBlocks): the two-pass kernel's second pass then writes with
    // non-temporal stores, which need a pinned, aligned pointer.
    bool AllowUnsafe = false)
{
    /// <summary>C# 7.3: the oldest language version the generated scalar code compiles with.</summary>
    public const int MinimumLanguageVersion = 703;

    /// <summary>Whether code can be generated at all.</summary>
    public bool CanGenerate => HasSpan && LanguageVersion >= MinimumLanguageVersion;

    /// <summary>Vector paths need the .NET 7+ cross-platform vector API and C# 9 (<c>nuint</c>).</summary>
    public bool HasVectors => HasVector128 && LanguageVersion >= 900;

    /// <summary><c>#nullable</c> needs C# 8.</summary>
    public bool SupportsNullableDirective => LanguageVersion >= 800;
}

/// <summary>The generator's options, read from the build (MSBuild properties made visible to the compiler).</summary>
/// <param name="EmitWidthHooks">
/// <c>build_property.SoftmaxGenerators_EmitWidthHooks</c>: also emit an internal <c>__SoftmaxWidths</c> class per
/// annotated type whose methods run each SIMD width's kernel directly, whatever the hardware accelerates. For tests of
/// the generated kernels only; off by default, and the public methods and their dispatchers are the same either way.
/// </param>
internal sealed record GeneratorOptions(bool EmitWidthHooks)
{
    /// <summary>The MSBuild property that turns the width hooks on.</summary>
    public const string EmitWidthHooksProperty = "SoftmaxGenerators_EmitWidthHooks";

    /// <summary>No hooks: what a consumer gets.</summary>
    public static readonly GeneratorOptions Default = new(EmitWidthHooks: false);
}
