using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Generator;

/// <summary>The generated code compiles without any warning for every consumer kind.</summary>
public class GeneratedCodeCompilesTests
{
    private const string Source = """
        using SoftmaxGenerators;

        namespace App.Models
        {
            [Softmax(1)]
            [Softmax(3, MethodName = "Three")]
            [Softmax(10, MethodName = "Digits")]
            [Softmax(17, MethodName = "Seventeen")]
            [Softmax(64, MethodName = "SixtyFour")]
            [Softmax(1000, MethodName = "Thousand")]
            [Softmax(65537, MethodName = "Large")]
            [Softmax(4194304, MethodName = "TwoPass")]
            [Softmax(10, MethodName = "Precise", Precision = SoftmaxPrecision.Accurate)]
            [Softmax(1000, MethodName = "PreciseThousand", Precision = SoftmaxPrecision.Accurate)]
            public static partial class Heads { }

            [Softmax(1, Functions = SoftmaxFunctions.All)]
            [Softmax(10, MethodName = "Digits", Functions = SoftmaxFunctions.All)]
            [Softmax(10, MethodName = "PreciseDigits", Precision = SoftmaxPrecision.Accurate, Functions = SoftmaxFunctions.All)]
            [Softmax(37, MethodName = "Odd", Functions = SoftmaxFunctions.LogSumExp | SoftmaxFunctions.CrossEntropy)]
            [Softmax(1000, MethodName = "Vocabulary", Functions = SoftmaxFunctions.All)]
            [Softmax(1000, MethodName = "PreciseVocabulary", Precision = SoftmaxPrecision.Accurate, Functions = SoftmaxFunctions.All)]
            public static partial class Layers { }

            [Softmax]
            [Softmax(MethodName = "Precise", Precision = SoftmaxPrecision.Accurate, Functions = SoftmaxFunctions.All)]
            [Softmax(MethodName = "Policy", Functions = SoftmaxFunctions.All)]
            public static partial class AnyLength { }

            public partial class Outer
            {
                [Softmax(8)]
                internal partial struct Inner { }
            }
        }

        [Softmax(33)]
        public partial record GlobalRecord;

        [Softmax(5)]
        public partial record struct GlobalRecordStruct;

        [Softmax(16)]
        public ref partial struct RefStruct { }
        """;

    public static TheoryData<string> Consumers => new() { "net8.0", "net10.0", "netstandard2.0", "netstandard2.0-csharp7.3" };

    [Theory]
    [MemberData(nameof(Consumers))]
    public void Generated_code_compiles_without_warnings(string consumer)
    {
        (ImmutableArray<MetadataReference> references, LanguageVersion version) = consumer switch
        {
            "net8.0" => (TestReferences.Net80, LanguageVersion.Latest),
            "net10.0" => (TestReferences.Net10, LanguageVersion.Latest),
            "netstandard2.0" => (TestReferences.NetStandard20WithMemory, LanguageVersion.Latest),
            _ => (TestReferences.NetStandard20WithMemory, LanguageVersion.CSharp7_3),
        };
        string source = version == LanguageVersion.CSharp7_3
            ? Source.Replace("[Softmax(33)]\npublic partial record GlobalRecord;", string.Empty)
                .Replace("[Softmax(5)]\npublic partial record struct GlobalRecordStruct;", string.Empty)
            : Source;

        GeneratorRunner.Result result = GeneratorRunner.Run(GeneratorRunner.CreateCompilation(
            source, references, version, version == LanguageVersion.CSharp7_3 ? NullableContextOptions.Disable : NullableContextOptions.Enable));

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.NotEmpty(result.Sources);
        string[] diagnostics = result.OutputDiagnostics.Select(d => d.ToString()).ToArray();
        Assert.True(diagnostics.Length == 0, string.Join("\n", diagnostics.Take(20)));
        Assert.DoesNotContain(result.Sources, s => s.SourceText.ToString().Contains("fixed (") || s.SourceText.ToString().Contains("NonTemporal"));
    }

    public static TheoryData<string> VectorConsumers => new() { "net8.0", "net10.0" };

    /// <summary>
    /// A project that allows unsafe code gets the non-temporal stores of the two-pass kernel's second pass (fixed and
    /// run-time lengths); the code still compiles without a warning. Projects that do not allow it get no unsafe code
    /// (above); netstandard2.0 has no vector kernels, so nothing changes there.
    /// </summary>
    [Theory]
    [MemberData(nameof(VectorConsumers))]
    public void Unsafe_projects_get_non_temporal_stores_and_compile_without_warnings(string consumer)
    {
        ImmutableArray<MetadataReference> references = consumer == "net8.0" ? TestReferences.Net80 : TestReferences.Net10;
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(Source, references);
        GeneratorRunner.Result result = GeneratorRunner.Run(compilation.WithOptions(compilation.Options.WithAllowUnsafe(true)));

        Assert.Empty(result.GeneratorDiagnostics);
        string[] diagnostics = result.OutputDiagnostics.Select(d => d.ToString()).ToArray();
        Assert.True(diagnostics.Length == 0, string.Join("\n", diagnostics.Take(20)));
        string[] sources = result.Sources.Select(s => s.SourceText.ToString()).ToArray();
        string heads = Assert.Single(sources, s => s.Contains("partial class Heads"));
        string anyLength = Assert.Single(sources, s => s.Contains("partial class AnyLength"));
        foreach (string width in new[] { "Vector512", "Vector256", "Vector128" })
        {
            Assert.Contains($"{width}.StoreAlignedNonTemporal(", heads);
            Assert.Contains($"{width}.StoreAlignedNonTemporal(", anyLength);
        }

        Assert.DoesNotContain(sources, s => !s.Contains("partial class Heads") && !s.Contains("partial class AnyLength") && s.Contains("NonTemporal"));
    }
}
