using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SoftmaxGenerators.Generator;
using SoftmaxGenerators.Model;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Generator;

/// <summary>
/// The test hooks of SoftmaxGenerators_EmitWidthHooks: off unless the build sets the property, and when on, an internal
/// class that runs each width's kernels, with the public methods and their dispatchers unchanged.
/// </summary>
public class WidthHooksTests
{
    private const string Source = """
        using SoftmaxGenerators;
        namespace App
        {
            [Softmax(10)]
            [Softmax(1000, MethodName = "Large", Precision = SoftmaxPrecision.Accurate)]
            // One MethodName, two attributes with different functions (as the SMX0003 fix may leave): their width hooks
            // are named after each attribute's first method, Quad and QuadCrossEntropy.
            [Softmax(4, MethodName = "Quad")]
            [Softmax(4, MethodName = "Quad", Functions = SoftmaxFunctions.CrossEntropy)]
            [Softmax(MethodName = "Any", Functions = SoftmaxFunctions.All)]
            public static partial class Digits { }
        }
        """;

    private static readonly Dictionary<string, string> On = new() { ["build_property.SoftmaxGenerators_EmitWidthHooks"] = "true" };

    private static readonly TargetCapabilities Net10 = new(HasSpan: true, HasVector128: true, HasVector256: true, HasVector512: true, HasMaxNative: true, LanguageVersion: 1400);

    private static string Generate(Dictionary<string, string>? options, ImmutableReferences references = ImmutableReferences.Net10, LanguageVersion version = LanguageVersion.Latest)
    {
        GeneratorRunner.Result result = GeneratorRunner.Run(
            GeneratorRunner.CreateCompilation(
                Source,
                references == ImmutableReferences.Net10 ? TestReferences.Net10 : TestReferences.NetStandard20WithMemory,
                version,
                version == LanguageVersion.CSharp7_3 ? NullableContextOptions.Disable : NullableContextOptions.Enable),
            options);
        Assert.Empty(result.GeneratorDiagnostics);
        string[] diagnostics = result.OutputDiagnostics.Select(d => d.ToString()).ToArray();
        Assert.True(diagnostics.Length == 0, string.Join("\n", diagnostics.Take(20)));
        return result.Sources.Single().SourceText.ToString();
    }

    public enum ImmutableReferences
    {
        Net10,
        NetStandard,
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    [InlineData("")]
    [InlineData("no")]
    public void Hooks_are_off_unless_the_build_turns_them_on(string? value)
    {
        Dictionary<string, string>? options = value is null ? null : new() { ["build_property.SoftmaxGenerators_EmitWidthHooks"] = value };
        string text = Generate(options);
        Assert.DoesNotContain("__SoftmaxWidths", text);
        Assert.DoesNotContain("SelectedWidth", text);
        Assert.DoesNotContain("ThrowWidth", text);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData(" TRUE ")]
    public void The_property_turns_them_on(string value) =>
        Assert.Contains("internal static class __SoftmaxWidths", Generate(new() { ["build_property.SoftmaxGenerators_EmitWidthHooks"] = value }));

    [Fact]
    public void Hooks_add_code_and_change_none()
    {
        // Every line of the output without hooks, in order, is in the output with hooks: the public methods, the
        // dispatchers and the kernels are the same text, so the hooks cost a consumer's calls nothing.
        string[] off = Generate(null).Split('\n');
        string[] on = Generate(On).Split('\n');
        int j = 0;
        foreach (string line in off)
        {
            while (j < on.Length && on[j] != line)
            {
                j++;
            }

            Assert.True(j < on.Length, $"'{line}' of the output without hooks is missing or out of order with hooks");
            j++;
        }

        Assert.True(on.Length > off.Length);
    }

    [Fact]
    public void Hooks_are_internal_and_the_public_surface_is_unchanged()
    {
        static string[] PublicMembers(Dictionary<string, string>? options)
        {
            GeneratorRunner.Result result = GeneratorRunner.Run(GeneratorRunner.CreateCompilation(Source, TestReferences.Net10), options);
            INamedTypeSymbol digits = result.Output.GetTypeByMetadataName("App.Digits")!;
            return digits.GetMembers().Where(m => m.DeclaredAccessibility == Accessibility.Public).Select(m => m.ToDisplayString()).OrderBy(s => s).ToArray();
        }

        Assert.Equal(PublicMembers(null), PublicMembers(On));
        GeneratorRunner.Result hooked = GeneratorRunner.Run(GeneratorRunner.CreateCompilation(Source, TestReferences.Net10), On);
        INamedTypeSymbol hooks = hooked.Output.GetTypeByMetadataName("App.Digits+__SoftmaxWidths")!;
        Assert.Equal(Accessibility.Internal, hooks.DeclaredAccessibility);
        Assert.All(hooks.GetMembers().Where(m => !m.IsImplicitlyDeclared), m => Assert.Equal(Accessibility.Internal, m.DeclaredAccessibility));
    }

    [Theory]
    [InlineData(ImmutableReferences.Net10, LanguageVersion.Latest)]
    [InlineData(ImmutableReferences.NetStandard, LanguageVersion.Latest)]
    [InlineData(ImmutableReferences.NetStandard, LanguageVersion.CSharp7_3)]
    public void Hooks_compile_without_warnings_for_every_consumer(ImmutableReferences references, LanguageVersion version)
    {
        string text = Generate(On, references, version);
        Assert.Contains("internal static class __SoftmaxWidths", text);
        if (references == ImmutableReferences.NetStandard)
        {
            // Without vectors there is only the scalar kernel.
            Assert.Contains("return new int[] { 0 };", text);
        }
    }

    [Fact]
    public void Each_kernel_lists_the_widths_its_row_fills()
    {
        string text = Emitter.Emit(SnapshotTests.Model("App", new[] { ("partial class", "A") }, (3, "Three"), (10, "Ten"), (1000, "Large")), Net10, new GeneratorOptions(EmitWidthHooks: true));
        Assert.Contains("internal static int[] Single3Widths()\n            {\n                return new int[] { 0 };", text);
        Assert.Contains("internal static int[] Double3Widths()\n            {\n                return new int[] { 128, 0 };", text);
        Assert.Contains("internal static int[] Single10Widths()\n            {\n                return new int[] { 256, 128, 0 };", text);
        // Double rows of at most two Vector512 vectors have no Vector512 kernel (measured slower on Zen 4).
        Assert.Contains("internal static int[] Double10Widths()\n            {\n                return new int[] { 256, 128, 0 };", text);
        Assert.Contains("internal static int[] Double1000Widths()\n            {\n                return new int[] { 512, 256, 128, 0 };", text);
        Assert.Contains("internal static int[] Single1000Widths()\n            {\n                return new int[] { 512, 256, 128, 0 };", text);
        Assert.Contains("internal static int[] ThreeSingleWidths() => __SoftmaxKernels.Single3Widths();", text);
    }

    [Fact]
    public void The_selected_width_hook_asks_what_the_dispatcher_asks()
    {
        // The dispatcher's conditions, in order, and the hook's, in order, are the same IsHardwareAccelerated tests.
        string text = Emitter.Emit(SnapshotTests.Model("App", new[] { ("partial class", "A") }, (10, "Softmax")), Net10, new GeneratorOptions(EmitWidthHooks: true));
        foreach (string kernel in new[] { "Single10", "Double10" })
        {
            string dispatcher = Method(text, $"internal static void {kernel}(");
            string rows = Method(text, $"internal static void {kernel}Rows(");
            string hook = Method(text, $"internal static int {kernel}SelectedWidth(");
            Assert.NotEmpty(Conditions(hook));
            Assert.Equal(Conditions(dispatcher), Conditions(hook));
            Assert.Equal(Conditions(rows).Where(c => c.Contains("IsHardwareAccelerated")), Conditions(hook));
        }
    }

    [Fact]
    public void Hooks_run_each_width_and_refuse_a_missing_one()
    {
        const string program = """
            using System;
            using SoftmaxGenerators;
            namespace App;
            [Softmax(10)]
            [Softmax(1000, MethodName = "Large", Precision = SoftmaxPrecision.Accurate)]
            public static partial class Digits
            {
                public static string Run()
                {
                    var results = new System.Collections.Generic.List<string>();
                    float[] input = new float[10];
                    for (int i = 0; i < 10; i++) input[i] = i * 0.5f;
                    var expected = new float[10];
                    Softmax(input, expected);
                    foreach (int width in __SoftmaxWidths.SoftmaxSingleWidths())
                    {
                        var output = new float[10];
                        __SoftmaxWidths.Softmax(width, input, output);
                        var rows = new float[20];
                        __SoftmaxWidths.SoftmaxRows(width, new float[20], rows);
                        double error = 0;
                        for (int i = 0; i < 10; i++) error = Math.Max(error, Math.Abs(output[i] - expected[i]) / expected[i]);
                        results.Add(width + ":" + (error < 1e-5 && Math.Abs(rows[19] - 0.1f) < 1e-6 ? "ok" : "bad"));
                    }

                    var large = new double[1000];
                    foreach (int width in __SoftmaxWidths.LargeDoubleWidths())
                    {
                        __SoftmaxWidths.Large(width, large);
                        results.Add("d" + width + ":" + (Math.Abs(large[999] - 0.001) < 1e-15 ? "ok" : "bad"));
                        Array.Clear(large, 0, large.Length);
                    }

                    try { __SoftmaxWidths.Softmax(512, input, new float[10]); results.Add("512 ran"); }
                    catch (ArgumentOutOfRangeException e) when (e.ParamName == "width") { results.Add("512 refused"); }
                    results.Add("selected " + __SoftmaxWidths.SoftmaxSingleSelectedWidth());
                    return string.Join(" ", results);
                }
            }
            """;
        using CompiledCode code = CompiledCode.Compile(program, withGenerator: true, OutputKind.DynamicallyLinkedLibrary, On);
        string result = (string)code.Invoke("App.Digits", "Run")!;
        int selected = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256 : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? 128 : 0;
        Assert.Equal($"256:ok 128:ok 0:ok d512:ok d256:ok d128:ok d0:ok 512 refused selected {selected}", result);
    }

    [Fact]
    public void Options_are_read_from_the_build_property()
    {
        Assert.False(Parser.ReadOptions(new GlobalOptionsProvider(new Dictionary<string, string>()).GlobalOptions).EmitWidthHooks);
        Assert.True(Parser.ReadOptions(new GlobalOptionsProvider(On).GlobalOptions).EmitWidthHooks);
        Assert.Equal("SoftmaxGenerators_EmitWidthHooks", GeneratorOptions.EmitWidthHooksProperty);
    }

    /// <summary>The text of the method whose declaration starts with <paramref name="header"/>, to its closing brace.</summary>
    private static string Method(string text, string header)
    {
        int start = text.IndexOf(header, StringComparison.Ordinal);
        Assert.True(start >= 0, header);
        int open = text.IndexOf('{', start);
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
            if (depth == 0)
            {
                return text.Substring(start, i - start + 1);
            }
        }

        throw new InvalidOperationException(header);
    }

    private static string[] Conditions(string method) =>
        method.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("if (", StringComparison.Ordinal)).ToArray();
}
