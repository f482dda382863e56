using System.Linq;
using System.Threading.Tasks;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>Half-typed code never makes an analyzer throw; generated code is never reported.</summary>
public class RobustnessTests
{
    public static TheoryData<string> BrokenBodies => new()
    {
        "static void F(double[] x) { double sum = 0; for (int i = 0; i < x.Length; i++) sum += Math.Exp(",
        "static void F(double[] x) { var p = x.Select(Math.Exp).",
        "static double F(double[] x) { double s = 0; foreach (var v in x) s += Math.Exp(v); return Math.Log(",
        "static void F(double[] x) { double s = 0; foreach (var v in ) s += Math.Exp(v); x[0] = Math.Exp(x[0]) / s; }",
        "static void F(double[] x) { double s; s += Math.Exp(x[); var y = x[0] / s; }",
        "static void F(float[] x, float[] y) { TensorPrimitives.SoftMax(x, ); TensorPrimitives.Exp(, y); var s = TensorPrimitives.Sum(y); TensorPrimitives.Divide(y, s, y) }",
        "static double F(double[] x) { var p = Softmax(x); return -Math.Log(p[",
        "static double F(double[] x) => Math.Log(1 + Math.Exp(",
        "static T F<T>(T[] x) where T : IExponentialFunctions<T> { T s = T.Zero; foreach (var v in x) s += T.Exp(v); return T.Exp(x[0]) / s",
        "double _s; void F(double[] x) { foreach (var v in x) _s += Math.Exp(v); } double G(double v) => Math.Exp(v) / _s",
        "static void F(double[] x) { double s = 0; for (;;) s += Math.Exp(undefined); var q = undefined / s; }",
        "static double F(double[] x) { double s = 0; s += Math.Pow(Math.E, ); return 1 / s; }",
        // Wrappers, summaries and flow on broken or recursive code.
        "static double Exp(double v) => Exp(v); static double[] F(double[] x) { double s = 0; foreach (var v in x) s += Exp(v); return x.Select(v => Exp(v) / s).ToArray(); }",
        "static double A(double v) => B(v); static double B(double v) => A(v); static double F(double[] x) { double s = 0; foreach (var v in x) s += A(v); return A(x[0]) / s; }",
        "static double Exp(double v) => Math.Exp(; static double F(double[] x) { double s = 0; foreach (var v in x) s += Exp(v); return Exp(x[0]) / s; }",
        "static double Exp(double v) { return Math.Pow(Math.E }; static double F(double x) => Math.Log(1 + Exp(x));",
        "static void Normalize(double[] p) { double s = 0; foreach (var v in p) s += v; for (int i = 0; i < p.Length; i++) p[i] /= ; } static void F(double[] x) { for (int i = 0; i < x.Length; i++) x[i] = Math.Exp(x[i]); Normalize(x); }",
        "static double F(double[] x) { double z = x[0]; if (z > ) z = 50; if (z < -) return 0; while (z > 30 && ) z--; return Math.Log(1 + Math.Exp(z)); }",
        "static double F(double[] x, double eps) { double d2 = 0; for (int k = 0; k < x.Length; k++) d2 += x[k] * ; var w = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { w[i] = Math.Exp(-d2 / eps); s += w[i]; } return w[0] / s; }",
        "static double[] P(double[] z) { var p = new double[z.Length]; double s = 0; for (int i = 0; i < z.Length; i++) { p[i] = Math.Exp(z[i]); s += p[i]; } for (int i = 0; i < z.Length; i++) p[i] /= s; return P(p); } static double L(double[] z) => -Math.Log(P(z)[0]);",
        "static double F(double[] p, double t) { var la = new double[p.Length]; la = la; for (int i = 0; i < p.Length; i++) la[i] = Math.Log(la[i]); return Math.Exp(la[0] / t) / Math.Exp(la[1]",
        "interface IOps<T> { T Exp(T v); T Add(T a, T b); T Divide(T a, T b); } static T F<T>(T[] x, IOps<T> o, T z) { foreach (var v in x) z = o.Add(z, o.Exp(v)); return o.Divide(o.Exp(x[0]), ",
        "static double S(double x) => Math.Exp(x) / (1 + Math.Exp(",
        "static double S(double x) => Math.Exp(x) / (1 + Math.Exp(y));",
        "static double S(double x) => Math.Exp() / (1 + Math.Exp());",
        "static double S(double x) => Math.Exp(x) / (1 + );",
        "static double S(double x) => / (1 + Math.Exp(x));",
        "static double S(double x) { var k = Math.Exp(; return k / (1 + k); }",
        "static double S(double x) { var k = Math.Exp(x) return k / (1 + k) }",
        "static double S(double x) { k = Math.Exp(x); return k / (1 + k); }",
        "static double S(double x) { if (x > ) return 1; return Math.Exp(x) / (1 + Math.Exp(x)); }",
        "static double S(double x) => x < 0 ? Math.Exp(x) / (1 + Math.Exp(x)) : ;",
        "static T S<T>(T x) where T : IExponentialFunctions<T> { T k = T.Exp(x); return k / (T.One + k",
        "double _k; double S(double x) { switch (x) { case > 1: _k = Math.Exp(x); return _k / (1 + _k); } goto L; L: return 0;",
        // Element-wise functions, interface implementations, general logistics, pointers and clipped arrays, half-typed.
        "interface IB<T> { T Exp(T x); T Log(T x); } class K : IB<Missing> { public Missing Exp(Missing x) => x; public Missing Log(Missing x) => Log(Exp(x) + 1",
        "class K : IDoesNotExist { public Tensor Exp(Tensor x) => x; public Tensor Softplus(Tensor x) => Log(Exp(x) + 1); }",
        "static double L(double r, double t) => (r * Math.Exp(r * t)) / (Math.Log(2) * Math.Exp(t * r) + ",
        "static double L(double r, double t) => (r * Math.Exp(r * )) / (Math.Log(2) * Math.Exp() + Math.Log(2));",
        "static unsafe void F(float* p, int n) { float s = 0; for (int i = 0; i < n; i++) { p[i] = MathF.Exp(p[); s += p[i]; } p[0] /= s; }",
        "static void F(double[] a, double[] b) { double m = 0; for (int i = 0; i < b.Length; i++) m = Math.Max(m, b[i]; for (int i = 0; i < a.Length; i++) b[i] = Math.Exp(a[i] - m",
        "static float[] F(float[] x, List<float>[] prob) { float inv = 1f / ; foreach (var v in x) prob[0].Add(MathF.Exp(v)); prob[0][0] *= inv; Backward(ref prob); return -MathF.Log(prob[0][0]); }",
        "static object F(dynamic k, object x) { x = k.Softmax(x); x = k.Clip(x, 1e-7, ); return k.Log(x); }",
        // A callee filling a member of its argument, half-typed.
        "class S { public float[] Output; } void Fill(S state) { float z = 0; float[] output = state.; for (int i = 0; i < output.Length; i++) { output[i] = MathF.Exp(output[i]); z += output[i]; } z = 1f / z; Missing.Multiply(output, z); } float L(S s, int t) { Fill(s); return -MathF.Log(s.Output[t]); }",
        "class S { public float[] Output; } void Fill(S state) { float z = 0; float[] output = state.Output; for (int i = 0; i < output.Length; i++) { output[i] = MathF.Exp(output[i]); z += output[i]; } z = 1f / ; Multiply(output, z); } float L(S s, int t) { Fill(); return -MathF.Log(s.Output[t]); }",
        // Whole-array sums and sampling, half-typed.
        "static Missing F(Missing logits) { var e = np.exp(logits); return e / np.sum(e, ",
        "interface IK { Tensor Exp(Tensor x); Tensor Sum(Tensor x, int axis); } static Tensor F(IK k, Tensor x) { var e = k.Exp(x); return e / k.Sum(, 1); }",
        "static string P(Dictionary<string, float> d, float t) { float s = 0; foreach (var kv in d) s += MathF.Exp(kv.Value / t); float r = UnityEngine.Random.Range(0f, ); float c = 0; foreach (var kv in d) { c += MathF.Exp(kv.Value / t); if (r <= c) return kv.Key; } return null; }",
        // Scaled and relative exponentials, query syntax, half-typed.
        "static float[] F(List<int> c, float t) { var e = (from v in c select MathF.Exp(v)).ToArray(); var p = new float[e.Length]; for (int i = 0; i < e.Length; i++) p[i] = 1f / (from v in e select MathF.Pow(v / e[i], )).Sum(); return p; }",
        "static float[] F(List<int> c, float t) { var e = (from v in select MathF.Exp(v)).ToArray(); var p = new float[e.Length]; for (int i = 0; i < e.Length; i++) p[i] = 1f / (from w in e select w / e[i]).Sum(); return p; }",
        "static float[] F(float[] x, Missing t) { var y = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Pow(MathF.Exp(x[i]), 1 / t) / ; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }",
        "static float[] F(float[] x) { var p = new float[x.Length]; for (int i = 0; i < x.Length; i++) { float s = 0; for (int j = 0; j < x.Length; j++) s += MathF.Exp(x[j]) / MathF.Exp(x[); p[i] = 1 / s; } return p; }",
        "static MathNet.Numerics.LinearAlgebra.Vector<double> F(MathNet.Numerics.LinearAlgebra.Vector<double> s) { s = s.PointwiseExp(; return s / s.Sum(); }",
        "static object F(dynamic s) { s = s.PointwiseExp(); return s / s.Sum(); }",
        "class V { public void Map(Func<double, double> f, V r) { } public double Sum() => 0; public void DivideInPlace(double s) { } } static void F(V x, V r) { x.Map(Math.Exp, ); r.DivideInPlace(r.Sum(); }",
        "class V { public void MapInPlace(Func<double, double> f) { } public double Sum() => 0; } static void F(V x) { x.MapInPlace(Math.Exp); x.DivideInPlace(x.Sum()); }",
    };

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task Analyzers_never_throw_on_incomplete_code(string body)
    {
        string source = Sources.Usings + "public class C\n{\n" + body;
        var (_, exceptions) = await NumericsAnalyzerRunner.RunAsync(NumericsAnalyzerRunner.Compile(("Broken.cs", source)));
        Assert.Empty(exceptions);
    }

    [Fact]
    public async Task Deep_expressions_do_not_overflow_the_walks()
    {
        // 20,000 chained additions nest the operation tree 20,000 deep: every walk of a body must keep its own stack.
        string terms = string.Join(" + ", Enumerable.Range(0, 20_000).Select(i => $"x[{i % 7}]"));
        string source = Sources.Usings + "public class C\n{\n    static double F(double[] x) { double s = " + terms + "; return Math.Log(1 + Math.Exp(s)) / s; }\n}\n";
        var (diagnostics, exceptions) = await NumericsAnalyzerRunner.RunAsync(NumericsAnalyzerRunner.Compile(("Deep.cs", source)));
        Assert.Empty(exceptions);
        Assert.Contains(diagnostics, d => d.Id == "SMX0002");
    }

    [Fact]
    public async Task Generated_code_is_not_reported()
    {
        string naive = Sources.Usings + """
            public class G
            {
                static double[] F(double[] x) { double s = 0; foreach (var v in x) s += Math.Exp(v); return x.Select(v => Math.Exp(v) / s).ToArray(); }
                static double L(double x) => Math.Log(1 + Math.Exp(x));
                static void T(float[] x) => TensorPrimitives.SoftMax(x, x);
                static double S(double x) => Math.Exp(x) / (1 + Math.Exp(x));
            }
            """;
        var (generatedDiagnostics, generatedExceptions) = await NumericsAnalyzerRunner.RunAsync(NumericsAnalyzerRunner.Compile(("G.g.cs", naive)));
        Assert.Empty(generatedExceptions);
        Assert.Empty(generatedDiagnostics);

        var (ordinaryDiagnostics, _) = await NumericsAnalyzerRunner.RunAsync(NumericsAnalyzerRunner.Compile(("G.cs", naive)));
        Assert.Equal(new[] { "SMX0001", "SMX0002", "SMX0004", "SMX0006" }, ordinaryDiagnostics.Select(d => d.Id).Distinct().OrderBy(id => id));
    }

    [Fact]
    public async Task Severity_is_configurable()
    {
        string naive = Sources.Class("static void T(float[] x) => TensorPrimitives.SoftMax(x, x);");
        var compilation = NumericsAnalyzerRunner.Compile(("A.cs", naive));
        var options = compilation.Options.WithSpecificDiagnosticOptions(new System.Collections.Generic.Dictionary<string, Microsoft.CodeAnalysis.ReportDiagnostic>
        {
            ["SMX0004"] = Microsoft.CodeAnalysis.ReportDiagnostic.Error,
        });
        var (diagnostics, _) = await NumericsAnalyzerRunner.RunAsync(compilation.WithOptions(options));
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, Assert.Single(diagnostics).Severity);
    }
}

/// <summary>The analyzers run over this repository's own sources (generator, analyzers, fixes, tests): no exception
/// and no warning, since none of it computes a naive softmax.</summary>
public class RepositorySourcesTests
{
    [Fact]
    public async Task Repository_sources_analyze_without_exceptions_or_warnings()
    {
        string root = TestReferences.RepositoryRoot;
        var files = new[] { "src", "tests" }
            .Select(folder => System.IO.Path.Combine(root, folder))
            .Where(System.IO.Directory.Exists)
            .SelectMany(folder => System.IO.Directory.EnumerateFiles(folder, "*.cs", System.IO.SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}")
                && !path.Contains($"{System.IO.Path.DirectorySeparatorChar}bin{System.IO.Path.DirectorySeparatorChar}"))
            .Select(path => (path, System.IO.File.ReadAllText(path)))
            .ToArray();
        Assert.NotEmpty(files);
        var (diagnostics, exceptions) = await NumericsAnalyzerRunner.RunAsync(NumericsAnalyzerRunner.Compile(files));
        Assert.Empty(exceptions);
        Assert.Empty(diagnostics);
    }
}
