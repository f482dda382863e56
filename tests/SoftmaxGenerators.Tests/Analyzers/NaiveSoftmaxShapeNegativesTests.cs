using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>Stable (or unrelated) code in every shape family SMX0001 recognizes: at least three cases each.</summary>
public class NaiveSoftmaxShapeNegativesTests
{
    private static Task Verify(string members) => AnalyzerVerifier<NaiveSoftmaxAnalyzer>.VerifyAsync(Sources.Class(members));

    public static TheoryData<string> Loops => new()
    {
        // while / do
        "static double[] F(double[] x) { double m = x.Max(); var e = new double[x.Length]; double s = 0; int i = 0; while (i < x.Length) { e[i] = Math.Exp(x[i] - m); s += e[i]; i++; } i = 0; while (i < x.Length) { e[i] /= s; i++; } return e; }",
        "static float[] F(float[] x) { float m = float.MinValue; int j = 0; while (j < x.Length) { m = MathF.Max(m, x[j]); j++; } var e = new float[x.Length]; float s = 0; int i = 0; do { e[i] = MathF.Exp(x[i] - m); s += e[i]; } while (++i < x.Length); for (int k = 0; k < e.Length; k++) e[k] /= s; return e; }",
        "static double F(double[] x) { double s = 0; int i = 0; while (i < x.Length) { s += Math.Exp(x[i]); i++; } return s; }",
        // foreach
        "static List<double> F(List<double> x) { double m = x.Max(); double sum = 0; foreach (var v in x) sum += Math.Exp(v - m); var r = new List<double>(); foreach (var v in x) r.Add(Math.Exp(v - m) / sum); return r; }",
        "static double F(IEnumerable<double> x) { double sum = 0; foreach (var v in x) sum += Math.Exp(v); return sum * 2; }",
        "static Dictionary<string, double> F(Dictionary<string, double> s) { double m = s.Values.Max(); double z = 0; foreach (var kv in s) z += Math.Exp(kv.Value - m); var r = new Dictionary<string, double>(); foreach (var kv in s) r[kv.Key] = Math.Exp(kv.Value - m) / z; return r; }",
        // exponential computed twice / stored in an array / in place
        "static double[] F(double[] x) { double m = x.Max(); double s = 0; for (int i = 0; i < x.Length; i++) s += Math.Exp(x[i] - m); var y = new double[x.Length]; for (int i = 0; i < x.Length; i++) y[i] = Math.Exp(x[i] - m) / s; return y; }",
        "static void F(double[] x) { double m = x.Max(); double s = 0; for (int i = 0; i < x.Length; i++) { x[i] = Math.Exp(x[i] - m); s += x[i]; } for (int i = 0; i < x.Length; i++) x[i] /= s; }",
        "static double[] F(double[] x) { var e = new double[x.Length]; for (int i = 0; i < x.Length; i++) e[i] = Math.Exp(x[i]); return e; }",
    };

    public static TheoryData<string> Collections => new()
    {
        // LINQ
        "static double[] F(double[] x) { double m = x.Max(); return x.Select(v => Math.Exp(v - m) / x.Sum(u => Math.Exp(u - m))).ToArray(); }",
        "static double[] F(double[] x) => x.Select(v => Math.Exp(v - x.Max())).Select(e => e).ToArray();",
        "static double F(double[] x) => x.Sum(Math.Exp);",
        // Span / ReadOnlySpan
        "static void F(ReadOnlySpan<float> x, Span<float> y) { float m = TensorPrimitives.Max(x); float s = 0; for (int i = 0; i < x.Length; i++) { y[i] = MathF.Exp(x[i] - m); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; }",
        "static void F(Span<double> x) { double m = double.NegativeInfinity; foreach (var v in x) m = Math.Max(m, v); double s = 0; for (int i = 0; i < x.Length; i++) { x[i] = Math.Exp(x[i] - m); s += x[i]; } for (int i = 0; i < x.Length; i++) x[i] /= s; }",
        "static void F(ReadOnlySpan<double> d, Span<double> w) { double s = 0; for (int i = 0; i < d.Length; i++) { w[i] = Math.Exp(-d[i] * d[i]); s += w[i]; } for (int i = 0; i < d.Length; i++) w[i] /= s; }",
        // List / IEnumerable / dictionary values
        "static List<double> F(List<double> x) { double m = x.Max(); var e = x.Select(v => Math.Exp(v - m)).ToList(); double s = e.Sum(); return e.Select(v => v / s).ToList(); }",
        "static double[] F(IEnumerable<double> x) { double m = x.Aggregate(double.NegativeInfinity, Math.Max); double s = x.Sum(v => Math.Exp(v - m)); return x.Select(v => Math.Exp(v - m) / s).ToArray(); }",
        "static Dictionary<string, double> F(Dictionary<string, double> d) { double m = d.Values.Max(); double s = d.Values.Sum(v => Math.Exp(v - m)); return d.ToDictionary(kv => kv.Key, kv => Math.Exp(kv.Value - m) / s); }",
    };

    public static TheoryData<string> Batches => new()
    {
        "static void F(double[,] x) { for (int r = 0; r < x.GetLength(0); r++) { double m = double.NegativeInfinity; for (int c = 0; c < x.GetLength(1); c++) m = Math.Max(m, x[r, c]); double s = 0; for (int c = 0; c < x.GetLength(1); c++) { x[r, c] = Math.Exp(x[r, c] - m); s += x[r, c]; } for (int c = 0; c < x.GetLength(1); c++) x[r, c] /= s; } }",
        "static void F(float[][] x) { foreach (var row in x) { float m = row.Max(); float s = 0; for (int c = 0; c < row.Length; c++) { row[c] = MathF.Exp(row[c] - m); s += row[c]; } for (int c = 0; c < row.Length; c++) row[c] /= s; } }",
        "static void F(float[][] x) { foreach (var row in x) { TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row); TensorPrimitives.Exp(row, row); TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row); } }",
        // sums in fields
        """
        private double _sum; private double _max;
        public void Fit(double[] x) { _max = x.Max(); _sum = 0; foreach (var v in x) _sum += Math.Exp(v - _max); }
        public double P(double v) => Math.Exp(v - _max) / _sum;
        """,
        """
        private double _total;
        public void Add(double x) => _total += Math.Exp(x);
        public double Total => _total;
        """,
        """
        private double _z;
        public void Add(double x) => _z += Math.Exp(-x * x);
        public double Density(double x) => Math.Exp(-x * x) / _z;
        """,
    };

    public static TheoryData<string> Inputs => new()
    {
        // temperature, softmin, computed scores
        "static double[] F(double[] x, double t) { double m = x.Max() / t; var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] / t - m); s += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= s; return y; }",
        "static double[] F(double[] d) { double m = d.Min(); var w = new double[d.Length]; double s = 0; for (int i = 0; i < d.Length; i++) { w[i] = Math.Exp(-(d[i] - m)); s += w[i]; } for (int i = 0; i < w.Length; i++) w[i] /= s; return w; }",
        "static double[] F(double[] w, double[] x, double b) { var z = new double[x.Length]; for (int i = 0; i < x.Length; i++) z[i] = w[i] * x[i] + b; double m = z.Max(); var p = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { p[i] = Math.Exp(z[i] - m); s += p[i]; } for (int i = 0; i < x.Length; i++) p[i] /= s; return p; }",
        // TensorPrimitives
        "static void F(ReadOnlySpan<double> x, Span<double> y) { TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y); TensorPrimitives.Exp<double>(y, y); TensorPrimitives.Divide<double>(y, TensorPrimitives.Sum<double>(y), y); }",
        "static float F(ReadOnlySpan<float> x, Span<float> tmp) { TensorPrimitives.Exp(x, tmp); return TensorPrimitives.Sum(tmp); }",
        "static void F(float[] x, float[] y) { float m = TensorPrimitives.Max(x); TensorPrimitives.Subtract(x, m, y); TensorPrimitives.Exp(y, y); float s = TensorPrimitives.Sum(y); TensorPrimitives.Multiply(y, 1f / s, y); }",
        // float, double and generic math
        "static float[] F(float[] x) { float m = x.Max(); float s = x.Sum(v => MathF.Exp(v - m)); return x.Select(v => MathF.Exp(v - m) / s).ToArray(); }",
        "static T[] F<T>(T[] x) where T : IFloatingPointIeee754<T> { T m = x.Max()!; T s = T.Zero; foreach (T v in x) s += T.Exp(v - m); return x.Select(v => T.Exp(v - m) / s).ToArray(); }",
        "static T F<T>(T x) where T : IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));",
    };

    [Theory]
    [MemberData(nameof(Loops))]
    public Task Silent_on_loops(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Collections))]
    public Task Silent_on_linq_spans_and_collections(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Batches))]
    public Task Silent_on_batches_and_fields(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Inputs))]
    public Task Silent_on_temperature_scores_tensors_and_generic_math(string members) => Verify(members);
}
