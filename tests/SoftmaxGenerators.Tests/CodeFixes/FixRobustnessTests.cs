using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>The SMX0001 fix never throws on half-typed versions of the shapes it handles (locals, guards, reciprocals,
/// scores, length-checked TensorPrimitives destinations).</summary>
public class FixRobustnessTests
{
    public static TheoryData<string> BrokenBodies => new()
    {
        "static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { var e = Math.Exp(x[i]); y[i] = e; sum += e; } for (int i = 0; i < x.Length; i++) y[i] /= ",
        "static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { var e = Math.Exp(x[i]); y[i] = e; sum += e; } if (sum == ) y[0] = 1; else for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }",
        "static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } sum = 1 / ; for (int i = 0; i < x.Length; i++) y[i] *= sum; return y; }",
        "static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= Math.Max(sum, ); return y; }",
        "static double[] F(double[] x) { var e = new double[x.Length]; double sum = 0; for (int k = 0; k < x.Length; k++) { double z = undefined[k] * x[k]; e[k] = Math.Exp(z); sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }",
        "static double[] F(double[] x) { var e = new double[x.Length]; double sum = 0; for (int k = 0; k < ; k++) { double z = x[k]; for (int j = 0; j < x.Length; j++) z += ; e[k] = Math.Exp(z); sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }",
        "static void F(ReadOnlySpan<float> x, Span<float> y) { if (x.Length != y.) throw new ArgumentException(); TensorPrimitives.Exp(x, y); TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y); }",
        "static void F(ReadOnlySpan<float> x, Span<float> y) { if (x.Length != y.Length) throw; TensorPrimitives.Exp(x, y); TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y) ",
        // Degree-zero uses, misdirected maxima and pointers, half-typed.
        "static double D(double[] x, int k) { double s = 0; foreach (var v in x) s += Math.Exp(v); double e = Math.Exp(x[k]); return (e * s - e * e) / (s * ",
        "static double D(double[] x, int k) { double s = 0; foreach (var v in x) s += Math.Exp(v); double e = Math.Exp(x[]); return (e * s - e * undefined) / (s * s); }",
        "static double[] F(double[] a, double[] b) { double m = 0; for (int i = 0; i < b.Length; i++) m = Math.Max(m, b[); double s = 0; for (int i = 0; i < a.Length; i++) { b[i] = Math.Exp(a[i] - m); s += b[i]; } for (int i = 0; i < a.Length; i++) b[i] /= s; return b; }",
        "static unsafe void F(float* p, int n) { float s = 0; for (int i = 0; i < n; i++) { p[i] = MathF.Exp(p[); s += p[i]; } for (int i = 0; i < n; i++) p[i] /= s; }",
        "static void F(float* p, int n) { float s = 0; for (int i = 0; i < n; i++) { p[i] = MathF.Exp(p[i]); s += p[i]; } for (int i = 0; i < n; i++) p[i] /= s; }",
        // Extra-slot sums, branches of a setting, half-typed.
        "static double[] F(double[] s, int n) { var r = new double[n]; var t = new double[n + 1]; for (int k = 0; k < ; k++) { t[k] = Math.Exp(t[k]); t[n] += t[k]; } for (int k = 0; k < n; k++) r[k] = t[k] / t[n]; return r; }",
        "static double[] F(double[] s, int n) { var r = new double[n]; var t = new double[n + 1]; for (int k = 0; k < n; k++) { t[k] = Math.Exp(t[k]); t[] += t[k]; } for (int k = 0; k < n; k++) r[k] = t[k] / t[n]; return r; }",
        "static double[] F(double[] p, double[] e, bool c) { double s = 0; for (int o = 0; o < p.Length; o++) { if (c) p[o] = Math.Exp(p[o] + e[o]); else p[o] = Math.Exp(p[); s += p[o]; } for (int o = 0; o < p.Length; o++) p[o] /= s; return p; }",
        // Guarded loops, epsilon divisors and sampling, half-typed.
        "static float[] F(float[] x, Act a) { var y = new float[x.Length]; float s = 0; for (int j = 0; j < x.Length; j++) { switch (a) { case Act.Soft: y[j] = MathF.Exp(x[j]); s += y[j]; break; case : y[j] = MathF.Exp(x[j]) - 1; break; } } for (int j = 0; j < x.Length; j++) y[j] /= s + ; return y; }",
        "static float[] F(float[] x, bool on) { var y = new float[x.Length]; float s = 0; for (int j = 0; j < x.Length; j++) { if (on && Missing()) { y[j] = MathF.Exp(x[j]); s += y[j]; } else y[j] = MathF.Exp(x[j]) - 1; } for (int j = 0; j < x.Length; j++) y[j] /= s + 1e-3f; return y; }",
        "static string P(Dictionary<string, float> d, float t, Random rng) { float s = 0; foreach (var kv in d) s += MathF.Exp(kv.Value / t); float r = (float)rng.NextDouble() * ; float c = 0; foreach (var kv in d) { c += MathF.Exp(kv.Value / t); if (r <= c) return kv.Key; } return null; }",
        "static string P(Dictionary<string, float> d, float t, Random rng) { float s = 0; float best = float.NegativeInfinity; foreach (var kv in d) { var e = MathF.Exp(kv.Value / t); s += e; if (e > best) best = e; } float r = rng.Range(0f, s); float c = 0; foreach (var kv in d) { c += MathF.Exp(kv.Value / t); if (r <= c) return kv.Key; } return undefined; }",
        // Scaled exponentials, query syntax and fields read by other members, half-typed.
        "static float[] F(float[] x, float t) { var y = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { y[i] = MathF.Exp(x[i]) / t.; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }",
        "static double[] F(double[] x) { var e = (from v in x select Math.Exp(v) into z select z).ToList(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }",
        "private double[] m_e = new double[4]; private double m_s; public double[] Fwd(double[] x) { m_s = 0; for (int i = 0; i < x.Length; i++) { m_e[i] = Math.Exp(x[i]); m_s += m_e[i]; } m_s = 1 / m_s; return m_e; } public double Bwd(int i) { double q = m_s * ; return m_e[i] * q; }",
        "private double[] m_e = new double[4]; private double m_s; public void Fwd(double[] x) { m_s = 0; for (int i = 0; i < x.Length; i++) { m_e[i] = Math.Exp(x[i]); m_s += m_e[i]; } m_s = 1 / m_s; } public double Bwd(int i) { double q = m_s * m_s; q = ; return m_e[i] * q * m_e[]; }",
    };

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task Fix_never_throws_on_incomplete_code(string body)
    {
        string source = Sources.Usings + "public class C\n{\n" + body;
        string result = await FixRunner.ApplyAllAsync(source, new NaiveSoftmaxAnalyzer(), new NaiveSoftmaxCodeFixProvider());
        Assert.NotNull(result);
    }
}
