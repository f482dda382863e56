using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

public class UpgradeToGeneratedSoftmaxAnalyzerTests
{
    private static Task Verify(string members) => AnalyzerVerifier<UpgradeToGeneratedSoftmaxAnalyzer>.VerifyAsync(Sources.Class(members));

    public static TheoryData<string> Positives => new()
    {
        // new T[N], float and double, generic and explicit type arguments
        "static void F() { var x = new float[10]; var y = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; }",
        "static void F() { var x = new double[3]; {|SMX0005:TensorPrimitives.SoftMax<double>(x, x)|}; }",
        // constant locals and fields
        "const int N = 16; static void F() { var x = new float[N]; var y = new float[N]; {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; }",
        "static void F() { const int n = 5; float[] x = new float[n]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }",
        "static void F() { var x = new float[2 * 8]; var y = new float[16]; {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; }",
        // initializers and collection expressions
        "static void F() { var x = new float[] { 1, 2, 3 }; var y = new float[3]; {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; }",
        "static void F() { float[] x = { 1, 2, 3 }; var y = new float[3]; {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; }",
        "static void F() { var x = new[] { 1.0, 2.0 }; double[] y = [0, 0]; {|SMX0005:TensorPrimitives.SoftMax<double>(x, y)|}; }",
        "static void F() { ReadOnlySpan<float> x = [1f, 2f, 3f, 4f]; Span<float> y = stackalloc float[4]; {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; }",
        // stackalloc
        "static void F() { Span<float> x = stackalloc float[8]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }",
        "static void F() { Span<double> x = stackalloc double[] { 1, 2 }; Span<double> y = stackalloc[] { 0.0, 0.0 }; {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; }",
        // spans over arrays
        "static void F() { var a = new float[10]; var y = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(a.AsSpan(), y.AsSpan())|}; }",
        "static void F() { var a = new float[20]; var y = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(a.AsSpan(0, 10), y)|}; }",
        "static void F() { var a = new float[20]; {|SMX0005:TensorPrimitives.SoftMax(a.AsSpan(10), a.AsSpan(0, 10))|}; }",
        "static void F() { var a = new float[20]; Span<float> s = a; {|SMX0005:TensorPrimitives.SoftMax(s.Slice(0, 10), s.Slice(10))|}; }",
        "static void F() { var a = new float[10]; var s = new Span<float>(a); ReadOnlySpan<float> r = s; {|SMX0005:TensorPrimitives.SoftMax(r, s)|}; }",
        "static void F() { var a = new float[10]; var s = MemoryExtensions.AsSpan(a, 0, 10); {|SMX0005:TensorPrimitives.SoftMax(s, s)|}; }",
        // parameters and locals checked before the call
        "static void F(float[] x, Span<float> y) { if (x.Length != 10) throw new ArgumentException(); if (y.Length != 10) throw new ArgumentException(); {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; }",
        "static void F(ReadOnlySpan<double> x, Span<double> y) { if (x.Length != 4 || 4 != y.Length) { throw new ArgumentException(); } {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; }",
        "static void F(float[] x) { ArgumentOutOfRangeException.ThrowIfNotEqual(x.Length, 7); {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }",
        "static bool F(float[] x) { if (x.Length != 7) return false; var y = new float[7]; {|SMX0005:TensorPrimitives.SoftMax(x, y)|}; return true; }",
        "static void F(float[] x) { if (x.Length != 7) throw new ArgumentException(); for (int r = 0; r < 3; r++) { {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; } }",
        "static void F(Func<float[]> get) { var x = get(); if (x.Length != 7) throw new ArgumentException(); {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }",
        // lambdas, local functions, expression bodies, nested and other types
        "static Action F() { var x = new float[10]; return () => {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }",
        "static void F() { Local(); static void Local() { Span<float> x = stackalloc float[3]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; } }",
        "void F() { var x = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }",
        "public struct S { void F() { var x = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; } }",
        "public record R { void F() { var x = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; } }",
        "public record struct RS { void F() { var x = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; } }",
        "readonly float[] _f = Make(); static float[] Make() { var x = new float[2]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; return x; }",
        // readonly fields of classes, initialized with a constant length and never assigned again
        "readonly float[] _x = new float[10]; void F() => {|SMX0005:TensorPrimitives.SoftMax(_x, _x)|};",
        "static readonly double[] s_w = { 1, 2, 3 }; static void F() { var y = new double[3]; {|SMX0005:TensorPrimitives.SoftMax<double>(s_w, y)|}; }",
        "const int N = 4; readonly float[] _x = new float[N], _y = new float[N]; public C() { } void F() => {|SMX0005:TensorPrimitives.SoftMax(_x.AsSpan(), _y)|};",
        // bounds
        "static void F() { var x = new float[1]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }",
        "static void F() { var x = new float[16777216]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }",
    };

    public static TheoryData<string> Negatives => new()
    {
        // length only known at run time
        "static void F(float[] x, float[] y) => TensorPrimitives.SoftMax(x, y);",
        "static void F(int n) { var x = new float[n]; TensorPrimitives.SoftMax(x, x); }",
        "static void F(ReadOnlySpan<float> x) { Span<float> y = stackalloc float[x.Length]; TensorPrimitives.SoftMax(x, y); }",
        "static void F(float[] a, int s) { var y = new float[4]; TensorPrimitives.SoftMax(a.AsSpan(s, 4), y); }",
        "static void F() { var a = new float[4]; TensorPrimitives.SoftMax(a.AsSpan(..4), a); }",
        "static void F() { var a = new float[4]; float[] b = [.. a]; TensorPrimitives.SoftMax(b, b); }",
        // mismatched lengths
        "static void F() { var x = new float[10]; var y = new float[11]; TensorPrimitives.SoftMax(x, y); }",
        "static void F() { var x = new float[10]; var y = new float[20]; TensorPrimitives.SoftMax(x, y.AsSpan(1)); }",
        // reassigned, aliased, written through ref/out
        "static void F(int n) { var x = new float[10]; if (n > 1) x = new float[n]; TensorPrimitives.SoftMax(x, x); }",
        "static void F() { var x = new float[10]; Array.Resize(ref x, 3); TensorPrimitives.SoftMax(x, x); }",
        "static void F() { var x = new float[10]; G(out x); TensorPrimitives.SoftMax(x, x); } static void G(out float[] a) => a = new float[3];",
        "static void F() { var x = new float[10]; ref float[] r = ref x; r = new float[2]; TensorPrimitives.SoftMax(x, x); }",
        "static void F() { var x = new float[10]; Action a = () => x = new float[1]; a(); TensorPrimitives.SoftMax(x, x); }",
        "static void F() { var x = new float[10]; (x, _) = (new float[1], 0); TensorPrimitives.SoftMax(x, x); }",
        "static void F(float[] x) { if (x.Length != 10) throw new ArgumentException(); x = new float[3]; TensorPrimitives.SoftMax(x, x); }",
        "static void F(ref float[] x) { if (x.Length != 10) throw new ArgumentException(); TensorPrimitives.SoftMax(x, x); }",
        // checks that do not guard the call
        "static void F(float[] x) { TensorPrimitives.SoftMax(x, x); if (x.Length != 10) throw new ArgumentException(); }",
        "static void F(float[] x) { if (x.Length != 10) { Console.WriteLine(); } TensorPrimitives.SoftMax(x, x); }",
        "static void F(float[] x) { if (x.Length == 10) throw new ArgumentException(); TensorPrimitives.SoftMax(x, x); }",
        "static void F(float[] x) { if (x.Length != 10 && x.Length != 12) throw new ArgumentException(); TensorPrimitives.SoftMax(x, x); }",
        "static void F(float[] x, bool b) { if (b) { if (x.Length != 10) throw new ArgumentException(); } TensorPrimitives.SoftMax(x, x); }",
        "static void F(float[] x) { Local(); if (x.Length != 10) throw new ArgumentException(); void Local() => TensorPrimitives.SoftMax(x, x); }",
        "static void F(float[] x) { goto skip; if (x.Length != 10) throw new ArgumentException(); skip: TensorPrimitives.SoftMax(x, x); }",
        "static void F(float[] x) { System.Diagnostics.Debug.Assert(x.Length == 10); TensorPrimitives.SoftMax(x, x); }",
        // out of the generator's range
        "static void F() { var x = new float[16777217]; TensorPrimitives.SoftMax(x, x); }",
        "static void F() { var x = new float[0]; TensorPrimitives.SoftMax(x, x); }",
        // not a float/double softmax, not TensorPrimitives
        "static void F() { var x = new Half[10]; TensorPrimitives.SoftMax<Half>(x, x); }",
        "static void SoftMax(ReadOnlySpan<float> x, Span<float> y) { } static void F() { var x = new float[10]; SoftMax(x, x); }",
        "static void F() { var x = new float[10]; TensorPrimitives.Exp(x, x); }",
        // fields that are not readonly, are assigned in a constructor or init accessor, or belong to a struct
        "float[] _x = new float[10]; void F() => TensorPrimitives.SoftMax(_x, _x);",
        "readonly float[] _x = new float[10]; public C(int n) { _x = new float[n]; } void F() => TensorPrimitives.SoftMax(_x, _x);",
        "readonly float[] _x = new float[10]; public C(int n) { Array.Resize(ref _x, n); } void F() => TensorPrimitives.SoftMax(_x, _x);",
        "readonly float[] _x = new float[10]; public float[] X { get => _x; init => _x = value; } void F() => TensorPrimitives.SoftMax(_x, _x);",
        "public struct S { public S() { } readonly float[] _x = new float[10]; void F() => TensorPrimitives.SoftMax(_x, _x); }",
        "readonly float[] _x; readonly float[] _y = new float[10]; public C() { _x = new float[10]; } void F() => TensorPrimitives.SoftMax(_x, _y);",
        // containing types the generator does not support
        "public class G<T> { static void F() { var x = new float[10]; TensorPrimitives.SoftMax(x, x); } }",
        "public interface I { static void F() { var x = new float[10]; TensorPrimitives.SoftMax(x, x); } }",
    };

    /// <summary>Stable softmax loops as the SMX0001 fix writes them, over constant-length buffers.</summary>
    public static TheoryData<string> LoopPositives => new()
    {
        """
        static double[] F()
        {
            var x = new double[] { 1, 2, 3 };
            var result = new double[3];
            double sum = 0; // running total
            double max = double.NegativeInfinity;
            for (int i = 0; i < x.Length; i++)
                max = Math.Max(max, x[i]);
            for (int i = 0; i < x.Length; i++)
            {
                result[i] = {|SMX0005:Math.Exp(x[i] - max)|};
                sum += result[i];
            }

            for (int i = 0; i < result.Length; i++)
                result[i] /= sum;
            return result;
        }
        """,
        """
        static float[] F(float[] logits)
        {
            if (logits.Length != 4) throw new ArgumentException();
            var result = new float[4];
            float z = 0f;
            float max = float.NegativeInfinity;
            foreach (float v in logits)
                max = Math.Max(max, v);
            foreach (float v in logits)
                z += {|SMX0005:MathF.Exp(v - max)|};
            for (int i = 0; i < logits.Length; i++)
                result[i] = MathF.Exp(logits[i] - max) / z;
            return result;
        }
        """,
        """
        static void F()
        {
            var w = new double[] { 3, 1, 2 };
            double s = 0;
            double max = w.Max();
            for (int i = 0; i < 3; i++) { w[i] = {|SMX0005:double.Exp(w[i] - max)|}; s = s + w[i]; }
            double inv = 1.0 / s;
            for (int i = 0; i < w.Length; i++) w[i] = w[i] * inv;
        }
        """,
        """
        static void F(Span<float> y)
        {
            if (y.Length != 8) return;
            Span<float> x = stackalloc float[8];
            float sum = 0;
            float max = float.NegativeInfinity;
            for (int i = 0; i < x.Length; i++)
                max = MathF.Max(max, x[i]);
            for (int i = 0; i < x.Length; ++i) { y[i] = {|SMX0005:MathF.Exp(x[i] - max)|}; sum += y[i]; }
            for (int i = 0; i < y.Length; i += 1) y[i] /= sum;
        }
        """,
    };

    public static TheoryData<string> LoopNegatives => new()
    {
        // the sum or the maximum is used afterwards
        "static double F() { var x = new double[3]; var y = new double[3]; double sum = 0; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; return sum; }",
        "static double F() { var x = new double[3]; var y = new double[3]; double sum = 0; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; return max; }",
        // length unknown, or partial loops
        "static void F(double[] x, double[] y) { double sum = 0; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
        "static void F() { var x = new double[3]; var y = new double[3]; double sum = 0; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length - 1; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
        "static void F() { var x = new double[3]; var y = new double[3]; double sum = 0; double max = double.NegativeInfinity; for (int i = 1; i < x.Length; i++) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
        // temperature, another buffer's maximum, mixed precision, a sum that does not start at 0
        "static void F(double t) { var x = new double[3]; var y = new double[3]; double sum = 0; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i] / t); for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] / t - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
        "static void F() { var a = new double[3]; var x = new double[3]; var y = new double[3]; double sum = 0; double max = double.NegativeInfinity; for (int i = 0; i < a.Length; i++) max = Math.Max(max, a[i]); for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
        "static void F() { var x = new float[3]; var y = new float[3]; double sum = 0; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length; i++) { y[i] = (float)Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= (float)sum; }",
        "static void F() { var x = new double[3]; var y = new double[3]; double sum = 1; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
        // something between the loops
        "static void F() { var x = new double[3]; var y = new double[3]; double sum = 0; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); x[0] = 5; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
        // a naive softmax (SMX0001's business)
        "static void F() { var x = new double[3]; var y = new double[3]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
    };

    [Theory]
    [MemberData(nameof(LoopPositives))]
    public Task Reports_stable_softmax_loops_over_constant_lengths(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(LoopNegatives))]
    public Task Silent_on_other_loops(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Positives))]
    public Task Reports_constant_length_SoftMax_calls(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Negatives))]
    public Task Silent_when_the_length_is_not_a_provable_constant(string members) => Verify(members);

    [Fact]
    public Task Message_names_the_length() => AnalyzerVerifier<UpgradeToGeneratedSoftmaxAnalyzer>.VerifyAsync(
        Sources.Class("static void F() { var x = new float[12]; {|#0:TensorPrimitives.SoftMax(x, x)|}; }"),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("SMX0005", DiagnosticSeverity.Info)
            .WithLocation(0)
            .WithArguments("TensorPrimitives.SoftMax(x, x)", "exactly 12 values", "[Softmax(12)]"));

    [Fact]
    public async Task A_constant_length_SoftMax_call_gets_both_SMX0004_and_SMX0005()
    {
        var compilation = NumericsAnalyzerRunner.Compile(("A.cs", Sources.Class("static void F() { var x = new float[10]; TensorPrimitives.SoftMax(x, x); }")));
        var (diagnostics, exceptions) = await NumericsAnalyzerRunner.RunAsync(compilation);
        Assert.Empty(exceptions);
        Assert.Equal(new[] { "SMX0004", "SMX0005" }, diagnostics.Select(d => d.Id).OrderBy(id => id));
        Assert.Single(diagnostics.Select(d => d.Location.SourceSpan).Distinct());
        Assert.Equal(DiagnosticSeverity.Info, diagnostics.Single(d => d.Id == "SMX0005").Severity);
    }

    [Fact]
    public Task File_local_types_are_not_reported() => AnalyzerVerifier<UpgradeToGeneratedSoftmaxAnalyzer>.VerifyAsync(Sources.Usings + """
        file class F
        {
            static void G() { var x = new float[10]; TensorPrimitives.SoftMax(x, x); }
        }

        class Outer<T>
        {
            class Inner
            {
                static void G() { var x = new float[10]; TensorPrimitives.SoftMax(x, x); }
            }
        }
        """);

    [Fact]
    public Task Top_level_statements_are_reported()
    {
        var test = new AnalyzerVerifier<UpgradeToGeneratedSoftmaxAnalyzer>.Test
        {
            TestCode = """
                using System.Numerics.Tensors;

                var x = new float[] { 1, 2, 3 };
                {|SMX0005:TensorPrimitives.SoftMax(x, x)|};
                System.Console.WriteLine(x[0]);
                """,
        };
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        return test.RunAsync();
    }

    [Fact]
    public async Task Silent_without_the_attribute_assembly()
    {
        // The runtime and TensorPrimitives, but not SoftmaxGenerators.Attributes: the package is not installed.
        var compilation = NumericsAnalyzerRunner.Compile(("A.cs", Sources.Class("static void F() { var x = new float[10]; TensorPrimitives.SoftMax(x, x); }")))
            .RemoveReferences(TestReferences.Attributes);
        var diagnostics = await compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create<DiagnosticAnalyzer>(new UpgradeToGeneratedSoftmaxAnalyzer())).GetAnalyzerDiagnosticsAsync();
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task Silent_in_generated_code_and_for_old_language_versions()
    {
        string source = Sources.Class("static void F() { var x = new float[10]; TensorPrimitives.SoftMax(x, x); }");
        var analyzers = System.Collections.Immutable.ImmutableArray.Create<DiagnosticAnalyzer>(new UpgradeToGeneratedSoftmaxAnalyzer());
        var ordinary = NumericsAnalyzerRunner.Compile(("A.cs", source));
        Assert.Single(await ordinary.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync());
        var generated = NumericsAnalyzerRunner.Compile(("A.g.cs", source));
        Assert.Empty(await generated.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync());
        var old = ordinary.ReplaceSyntaxTree(ordinary.SyntaxTrees.Single(), ordinary.SyntaxTrees.Single().WithRootAndOptions(ordinary.SyntaxTrees.Single().GetRoot(), new CSharpParseOptions(LanguageVersion.CSharp7_2)));
        Assert.Empty(await old.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync());
    }

    public static TheoryData<string> BrokenBodies => new()
    {
        "static void F() { var x = new float[10]; TensorPrimitives.SoftMax(x, ",
        "static void F() { var x = new float[10]; TensorPrimitives.SoftMax(x, y); }",
        "static void F() { var x = new float[]; TensorPrimitives.SoftMax(x, x); }",
        "static void F() { var x = new float[10; TensorPrimitives.SoftMax(x, x.AsSpan(0, )); }",
        "static void F() { Span<float> x = stackalloc float[; TensorPrimitives.SoftMax(x, x); }",
        "static void F(float[] x) { if (x.Length != ) throw; TensorPrimitives.SoftMax(x, x); }",
        "static void F(float[] x) { ArgumentOutOfRangeException.ThrowIfNotEqual(x.Length); TensorPrimitives.SoftMax(x, x); }",
        "static void F() { float[] x = [1, 2, ..]; TensorPrimitives.SoftMax(x, x.Slice(",
        "static void F() { var x = new float[10]; TensorPrimitives.SoftMax(x, x, x); TensorPrimitives.SoftMax(); }",
        "static void F() { var x = new double[3]; double s = 0; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length; i++) { x[i] = Math.Exp(x[i] - max); s += x[i]; } for (int i = 0; i < ; i++) x[i] /= s; }",
        "static void F() { var x = new double[3]; double s = 0; double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length; i++) { x[i] = Math.Exp(x[i] - ); s += x[i]; } for (int i = 0; i < x.Length; i++) x[i] /= s; }",
        "static void F() { var x = new double[3]; double s = 0; double max = double.NegativeInfinity; foreach (var v in ) max = Math.Max(max, v); for (int i = 0; i < x.Length; i++) { x[i] = Math.Exp(x[i] - max); s += x[i]; } for (int i = 0; i < x.Length; i++) x[i] /= s",
        "static void F() { var x = new double[3]; double s = 0; double max = double.NegativeInfinity; for (;;) max = Math.Max(max, x[i]); for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - max); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; }",
    };

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task Never_throws_on_incomplete_code(string body)
    {
        string source = Sources.Usings + "public class C\n{\n" + body;
        var exceptions = new System.Collections.Concurrent.ConcurrentQueue<System.Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(System.Collections.Immutable.ImmutableArray<AdditionalText>.Empty),
            (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var compilation = NumericsAnalyzerRunner.Compile(("Broken.cs", source));
        var diagnostics = await compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create<DiagnosticAnalyzer>(new UpgradeToGeneratedSoftmaxAnalyzer()), options).GetAnalyzerDiagnosticsAsync();
        Assert.Empty(exceptions);
        Assert.Empty(diagnostics);
    }
}
