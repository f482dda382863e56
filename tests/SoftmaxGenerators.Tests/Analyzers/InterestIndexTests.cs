using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Analyzers.Facts;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>
/// The text pre-filter (<see cref="InterestIndex"/>) skips code that names no exponential, log or softmax. These tests
/// pin the cases where the name in the analyzed body is not one of the obvious ones: each fails if the index forgets
/// that name (the rule goes silent).
/// </summary>
public class InterestIndexTests
{
    private static Task Verify<TAnalyzer>(string members, string? editorConfig, params (string Path, string Source)[] extraSources)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerVerifier<TAnalyzer>.Test { TestCode = Sources.Class(members) };
        foreach ((string path, string source) in extraSources)
        {
            test.TestState.Sources.Add((path, source));
        }

        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig + "\n"));
        }

        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Wrapper_of_a_wrapper_of_a_wrapper_in_another_file_is_followed() => Verify<NaiveSoftmaxAnalyzer>(
        // The analyzed body names only Grow; the exponential is three wrappers away, in another file.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Numerics.Grow(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        null,
        ("/Numerics.cs", """
            public static class Numerics
            {
                private static double E1(double x) => System.Math.Exp(x);
                private static double E2(double x) { return (double)E1(x); }
                public static double Grow(double value) => (E2(value));
            }
            """));

    [Fact]
    public Task Configured_function_with_an_unusual_name_is_indexed() => Verify<NaiveSoftmaxAnalyzer>(
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:MyLib.Approx.Expo(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        "softmax_generators.exp_methods = MyLib.Approx.Expo",
        ("/Approx.cs", "namespace MyLib { public static class Approx { public static double Expo(double x) { double r = 1 + x / 16; r *= r; r *= r; r *= r; r *= r; return r; } } }"));

    [Fact]
    public Task Forward_function_of_a_softmax_type_declared_elsewhere_is_indexed() => Verify<LogOfSoftmaxAnalyzer>(
        // Step's text names neither a log nor a softmax: only Forward, a method of a softmax type of another file.
        """
        public double Step(double[] z, int label) => Losses.Nll(Layers.Output().Forward(z), label);
        """,
        null,
        ("/Layers.cs", """
            public sealed class SoftmaxLayer
            {
                public double[] Forward(double[] z) { var p = new double[z.Length]; double max = double.NegativeInfinity; foreach (var v in z) max = System.Math.Max(max, v); double s = 0; for (int i = 0; i < z.Length; i++) { p[i] = System.Math.Exp(z[i] - max); s += p[i]; } for (int i = 0; i < z.Length; i++) p[i] /= s; return p; }
            }

            public static class Layers
            {
                public static SoftmaxLayer Output() => new();
            }

            public static class Losses
            {
                public static double Nll(double[] probabilities, int label) => -{|SMX0003:System.Math.Log(probabilities[label])|};
            }
            """));

    [Fact]
    public void Forward_names_count_where_a_type_only_context_names_a_softmax_type_that_can_have_them()
    {
        // A library's softmax type (unresolved here: only the syntax matters) held in a field.
        const string withLibraryType = """
            public class C
            {
                private Lib.SoftmaxLayer _layer;
                public double F(double[] z) => _layer.Forward(z)[0];
            }
            """;
        // Softmax identifiers that are no type in a type context, and a softmax type of the sources that declares no
        // forward function: Forward here is some other object's.
        const string without = """
            public class C
            {
                private sealed class ImplSoftmax { public double Score(double x) => x; }
                private readonly object _impl = new ImplSoftmax();
                private Other _layer = new Other();
                public string SoftmaxName => "x";
                public double F(double[] z) => _layer.Forward(z);
            }

            public class Other { public double Forward(double[] z) => z[0]; }
            """;
        Assert.True(Index(withLibraryType).MayBeInteresting(Method(withLibraryType, "F")));
        Assert.False(Index(without).MayBeInteresting(Method(without, "F")));
    }

    [Fact]
    public void Names_in_comments_and_strings_do_not_count_and_calls_do()
    {
        const string source = """
            public static class C
            {
                // Math.Exp(x) / sum: a softmax, says the comment.
                public static string Quiet(double x) => "Math.Exp(x) and softmax and Log" + x;

                public static double Loud(double x) => System.Math.Exp(x);

                public static double Caller(double x) => Loud(x) + 1;

                public static double SoftmaxScore(double x) => x;
            }
            """;
        InterestIndex index = Index(source);
        MethodDeclarationSyntax Method(string name) => InterestIndexTests.Method(source, name);

        Assert.False(index.MayBeInteresting(Method("Quiet")));
        Assert.True(index.MayBeInteresting(Method("Loud")));
        Assert.True(index.MayBeInteresting(Method("Caller")));
        Assert.True(index.MayBeInteresting(Method("SoftmaxScore")));
    }

    private static readonly System.Collections.Generic.Dictionary<string, Compilation> s_compilations = new();

    private static Compilation CompilationOf(string source)
    {
        lock (s_compilations)
        {
            if (!s_compilations.TryGetValue(source, out Compilation? compilation))
            {
                compilation = NumericsAnalyzerRunner.Compile(("/C.cs", source));
                s_compilations[source] = compilation;
            }

            return compilation;
        }
    }

    private static InterestIndex Index(string source) => InterestIndex.Build(CompilationOf(source), Enumerable.Empty<string>());

    private static MethodDeclarationSyntax Method(string source, string name) => CompilationOf(source).SyntaxTrees.Single().GetRoot()
        .DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == name);
}
