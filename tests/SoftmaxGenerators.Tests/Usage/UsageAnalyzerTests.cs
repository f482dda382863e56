using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;
using Verify = SoftmaxGenerators.Tests.Infrastructure.AnalyzerVerifier<SoftmaxGenerators.Analyzers.SoftmaxUsageAnalyzer>;

namespace SoftmaxGenerators.Tests.Usage;

/// <summary>SMX1001-SMX1009: misuse of [Softmax(N)] is explained, and the generator then generates nothing.</summary>
public class UsageAnalyzerTests
{
    private const string Usings = "using System;\nusing SoftmaxGenerators;\n";

    [Theory]
    [InlineData("[Softmax(10)] public static partial class Digits { }")]
    [InlineData("[Softmax(1)] [Softmax(16_777_216, MethodName = \"Huge\")] public partial struct S { }")]
    [InlineData("namespace A.B; public static partial class Outer { [Softmax(3, MethodName = \"Probabilities\")] internal partial class Inner { } }")]
    [InlineData("[Softmax(5)] public partial record R; [Softmax(5)] public partial record struct RS; [Softmax(5)] public ref partial struct Ref { }")]
    [InlineData("[Softmax(10)] public partial class WithOverloads { public static void Softmax(int x) { } public static void Softmax(ReadOnlySpan<int> a, Span<int> b) { } public static void Softmax(ref Span<float> values) { } }")]
    [InlineData("[Softmax(10)] public partial class A { } [Softmax(10, MethodName = \"Other\")] public partial class A { }")]
    [InlineData("public class Base { private static void Softmax(ReadOnlySpan<float> a, Span<float> b) { } } [Softmax(4)] public partial class Derived : Base { }")]
    [InlineData("[Softmax(10, Functions = SoftmaxFunctions.All)] [Softmax(10, MethodName = \"Policy\", Functions = SoftmaxFunctions.LogSoftmax | SoftmaxFunctions.LogSumExp)] public static partial class Layers { public static float LogSumExp(float[] x) => 0; }")]
    [InlineData("[Softmax] [Softmax(MethodName = \"Any\", Functions = SoftmaxFunctions.All)] [Softmax(10, MethodName = \"Ten\")] public static partial class RunTime { }")]
    public Task Valid_targets_have_no_diagnostics(string code) => Verify.VerifyAsync(Usings + code);

    [Theory]
    [InlineData("0")]
    [InlineData("(SoftmaxFunctions)64")]
    [InlineData("SoftmaxFunctions.All | (SoftmaxFunctions)128")]
    public Task Functions_naming_nothing_or_unknown_bits(string functions) =>
        Verify.VerifyAsync(Usings + $"[{{|SMX1010:Softmax(10, Functions = {functions})|}}] public static partial class D {{ }}");

    [Fact]
    public Task Layer_function_names_clash_and_duplicate() => Verify.VerifyAsync(Usings + """
        [{|SMX1005:Softmax(10, Functions = SoftmaxFunctions.LogSumExp)|}]
        [{|SMX1004:Softmax(20, MethodName = "LogSumExp", Functions = SoftmaxFunctions.Softmax)|}]
        public static partial class D
        {
            public static float LogSumExp(ReadOnlySpan<float> values) => 0;
        }

        [Softmax(4, MethodName = "Head", Functions = SoftmaxFunctions.CrossEntropy)]
        [{|SMX1004:Softmax(4, MethodName = "HeadCrossEntropy", Functions = SoftmaxFunctions.Softmax)|}]
        public static partial class E { }
        """);

    [Fact]
    public Task Type_not_partial() => Verify.VerifyAsync(Usings + "[Softmax(10)] public static class {|SMX1001:Digits|} { }");

    [Fact]
    public Task Containing_type_not_partial() => Verify.VerifyAsync(Usings + "public class {|SMX1001:Outer|} { [Softmax(10)] public partial class Inner { } }");

    [Fact]
    public Task Both_type_and_container_not_partial() =>
        Verify.VerifyAsync(Usings + "public class {|SMX1001:Outer|} { public class {|SMX1001:Middle|} { [Softmax(10)] struct {|SMX1001:Inner|} { } } }");

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("int.MinValue")]
    public Task Length_below_one(string length) =>
        Verify.VerifyAsync(Usings + $"[{{|SMX1002:Softmax({length})|}}] public static partial class D {{ }}");

    [Theory]
    [InlineData("16_777_217")]
    [InlineData("int.MaxValue")]
    public Task Length_above_limit(string length) =>
        Verify.VerifyAsync(Usings + $"[{{|SMX1003:Softmax({length})|}}] public static partial class D {{ }}");

    [Fact]
    public Task Duplicate_method_names() => Verify.VerifyAsync(Usings + """
        [Softmax(10)]
        [{|SMX1004:Softmax(20)|}]
        [Softmax(30, MethodName = "Other")]
        [{|SMX1004:Softmax(40, MethodName = "OtherRows")|}]
        public static partial class D { }
        """);

    [Fact]
    public Task Duplicates_across_partial_declarations() => Verify.VerifyAsync(Usings + """
        [Softmax(10)]
        public static partial class D { }
        [{|SMX1004:Softmax(12)|}]
        public static partial class D { }
        """);

    [Fact]
    public Task Clash_with_an_existing_method_of_the_same_signature() => Verify.VerifyAsync(Usings + """
        [{|SMX1005:Softmax(10)|}]
        public static partial class D
        {
            public static void Softmax(ReadOnlySpan<float> input, Span<float> output) { }
        }
        """);

    [Fact]
    public Task Clash_with_a_property_or_field() => Verify.VerifyAsync(Usings + """
        [{|SMX1005:Softmax(10)|}]
        [{|SMX1005:Softmax(10, MethodName = "Probabilities")|}]
        public partial class D
        {
            public int Softmax { get; set; }
            private int ProbabilitiesRows;
        }
        """);

    [Fact]
    public Task Clash_with_the_type_name() =>
        Verify.VerifyAsync(Usings + "[{|SMX1005:Softmax(10, MethodName = \"Head\")|}] public partial class Head { }");

    [Fact]
    public Task Clash_with_an_inherited_method() => Verify.VerifyAsync(Usings + """
        public class Base { public static void SoftmaxRows(ReadOnlySpan<double> a, Span<double> b) { } }
        [{|SMX1005:Softmax(4)|}]
        public partial class Derived : Base { }
        """);

    [Fact]
    public Task Clash_with_in_place_signature() => Verify.VerifyAsync(Usings + """
        [{|SMX1005:Softmax(4)|}]
        public partial class D { public void Softmax(Span<double> v) { } }
        """);

    [Fact]
    public Task Generic_type() => Verify.VerifyAsync(Usings + "[Softmax(10)] public partial class {|SMX1006:G|}<T> { }");

    [Fact]
    public Task Nested_in_generic_type() => Verify.VerifyAsync(Usings + "public partial class G<T> { [Softmax(10)] public partial class {|SMX1006:Inner|} { } }");

    [Theory]
    [InlineData("\"class\"")]
    [InlineData("\"1abc\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("\"has space\"")]
    [InlineData("\"__SoftmaxKernels\"")]
    public Task Invalid_method_name(string name) =>
        Verify.VerifyAsync(Usings + $"[{{|SMX1007:Softmax(10, MethodName = {name})|}}] public static partial class D {{ }}");

    [Fact]
    public async Task Language_version_too_old()
    {
        var test = new Verify.Test
        {
            TestCode = "using SoftmaxGenerators;\n[{|SMX1009:Softmax(10)|}] public static partial class D { }",
            LanguageVersion = LanguageVersion.CSharp7_2,
        };
        await test.RunAsync();
    }

    [Fact]
    public void Span_unavailable_is_reported_and_nothing_is_generated()
    {
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(
            "[SoftmaxGenerators.Softmax(10)] public static partial class D { }",
            TestReferences.NetStandard20,
            LanguageVersion.CSharp7_3,
            NullableContextOptions.Disable);

        Diagnostic[] diagnostics = AnalyzerRunner.Run(compilation, new SoftmaxUsageAnalyzer());
        Assert.Equal(new[] { "SMX1008" }, diagnostics.Select(d => d.Id));
        Assert.Empty(GeneratorRunner.Run(compilation).Sources);
    }

    public static TheoryData<string> InvalidSources => new()
    {
        "[Softmax(10)] public static class NotPartial { }",
        "[Softmax(0)] public static partial class Zero { }",
        "[Softmax(20_000_000)] public static partial class Huge { }",
        "[Softmax(10)] [Softmax(20)] public static partial class Duplicate { }",
        "[Softmax(10)] public partial class Clash { public static void Softmax(ReadOnlySpan<float> a, Span<float> b) { } }",
        "[Softmax(10)] public partial class Generic<T> { }",
        "[Softmax(10, MethodName = \"void\")] public partial class Keyword { }",
    };

    [Theory]
    [MemberData(nameof(InvalidSources))]
    public void Invalid_targets_generate_nothing(string code)
    {
        GeneratorRunner.Result result = GeneratorRunner.Run(Usings + code);
        Assert.Empty(result.Sources);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Null(result.RunResult.Results.Single().Exception);
    }

    public static TheoryData<string> BrokenSources => new()
    {
        "[Softmax(] public static partial class A { }",
        "[Softmax(\"ten\")] public static partial class A { }",
        "[Softmax(10, MethodName = )] public static partial class A { }",
        "[Softmax(10, MethodName = 42)] public static partial class A { }",
        "[Softmax(10, Length = 3)] public static partial class A { }",
        "[Softmax] public static partial class A { }",
        "[Softmax(10)] public static partial class",
        "[Softmax(10)] public static partial class A<",
        "[Softmax(10)] public partial interface I { }",
        "[Softmax(10)] public enum E { X }",
        "[Softmax(10)] public static partial class A { public static void Softmax(ReadOnlySpan<float> a, Span<",
        "public partial class Outer { [Softmax(10)] partial class Inner : Missing { } }",
        "[Softmax(10)] partial class A : A { }",
        "[Softmax(10 / 0)] partial class A { }",
        "[Softmax(10)] partial record R(int X",
    };

    [Theory]
    [MemberData(nameof(BrokenSources))]
    public void Broken_code_never_crashes_the_generator_or_the_analyzer(string code)
    {
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(Usings + code);
        GeneratorRunner.Result result = GeneratorRunner.Run(compilation);
        Assert.Null(result.RunResult.Results.Single().Exception);
        Assert.Empty(result.GeneratorDiagnostics);

        Diagnostic[] diagnostics = AnalyzerRunner.Run(compilation, new SoftmaxUsageAnalyzer());
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }
}
