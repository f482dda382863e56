using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

public class NaiveSoftmaxAnalyzerTests
{
    private static Task Verify(string members) => AnalyzerVerifier<NaiveSoftmaxAnalyzer>.VerifyAsync(Sources.Class(members));

    public static TheoryData<string> Positives => new()
    {
        // for loops
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i])|}; sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }
        """,
        """
        static float[] F(float[] x) { var y = new float[x.Length]; float sum = 0f; for (int i = 0; i < x.Length; i++) sum += {|SMX0001:MathF.Exp(x[i])|}; for (int i = 0; i < x.Length; i++) y[i] = MathF.Exp(x[i]) / sum; return y; }
        """,
        """
        static void F(double[] x, double[] y) { double sum = 0; for (int i = 0; i < x.Length; i++) { double e = {|SMX0001:Math.Exp(x[i])|}; y[i] = e; sum = sum + e; } double inv = 1.0 / sum; for (int i = 0; i < y.Length; i++) y[i] *= inv; }
        """,
        // The running sum in an extra slot of the array (opennlp's QNModel).
        """
        static double[] F(double[] t, int n) { var r = new double[n]; for (int k = 0; k < n; k++) { t[k] = {|SMX0001:Math.Exp(t[k])|}; t[n] += t[k]; } for (int k = 0; k < n; k++) r[k] = t[k] / t[n]; return r; }
        """,
        // foreach
        """
        static List<double> F(List<double> x) { double sum = 0; foreach (var v in x) sum += {|SMX0001:Math.Exp(v)|}; var r = new List<double>(); foreach (var v in x) r.Add(Math.Exp(v) / sum); return r; }
        """,
        """
        static double[] F(IEnumerable<double> x) { double total = 0; foreach (double v in x) { total += {|SMX0001:double.Exp(v)|}; } return x.Select(v => Math.Exp(v) / total).ToArray(); }
        """,
        """
        static Dictionary<string, double> F(Dictionary<string, double> scores) { double z = 0; foreach (var kv in scores) z += {|SMX0001:Math.Exp(kv.Value)|}; var r = new Dictionary<string, double>(); foreach (var kv in scores) r[kv.Key] = Math.Exp(kv.Value) / z; return r; }
        """,
        // while
        """
        static double[] F(double[] x) { var e = new double[x.Length]; double s = 0; int i = 0; while (i < x.Length) { e[i] = {|SMX0001:Math.Exp(x[i])|}; s += e[i]; i++; } i = 0; while (i < x.Length) { e[i] /= s; i++; } return e; }
        """,
        """
        static float[] F(float[] x) { var e = new float[x.Length]; float s = 0; int i = 0; do { e[i] = {|SMX0001:float.Exp(x[i])|}; s += e[i]; } while (++i < x.Length); for (int k = 0; k < e.Length; k++) e[k] = e[k] / s; return e; }
        """,
        // LINQ
        """
        static double[] F(double[] x) { var e = x.Select({|SMX0001:Math.Exp|}).ToArray(); var s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        """,
        """
        static double[] F(double[] x) => x.Select(v => Math.Exp(v) / x.Sum({|SMX0001:Math.Exp|})).ToArray();
        """,
        """
        static double[] F(double[] x) { double s = x.Sum(v => {|SMX0001:Math.Exp(v)|}); return x.Select(v => Math.Exp(v) / s).ToArray(); }
        """,
        """
        static double[] F(double[] x) { var s = x.Select(v => {|SMX0001:Math.Exp(v)|}).Sum(); return x.Select(v => Math.Exp(v) / s).ToArray(); }
        """,
        // Span / ReadOnlySpan
        """
        static void F(ReadOnlySpan<float> x, Span<float> y) { float sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:MathF.Exp(x[i])|}; sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum; }
        """,
        """
        static void F(Span<double> x) { double sum = 0; for (int i = 0; i < x.Length; i++) { x[i] = {|SMX0001:Math.Exp(x[i])|}; sum += x[i]; } for (int i = 0; i < x.Length; i++) x[i] /= sum; }
        """,
        """
        static void F(ReadOnlySpan<double> x, Span<double> y) { double sum = 0; foreach (var v in x) sum += {|SMX0001:Math.Exp(v)|}; for (int i = 0; i < x.Length; i++) y[i] = Math.Exp(x[i]) / sum; }
        """,
        // batches
        """
        static void F(double[,] x, double[,] y) { for (int r = 0; r < x.GetLength(0); r++) { double sum = 0; for (int c = 0; c < x.GetLength(1); c++) sum += {|SMX0001:Math.Exp(x[r, c])|}; for (int c = 0; c < x.GetLength(1); c++) y[r, c] = Math.Exp(x[r, c]) / sum; } }
        """,
        """
        static void F(float[][] x) { foreach (var row in x) { float sum = 0; for (int c = 0; c < row.Length; c++) { row[c] = {|SMX0001:MathF.Exp(row[c])|}; sum += row[c]; } for (int c = 0; c < row.Length; c++) row[c] /= sum; } }
        """,
        """
        static void F(double[][] x, double[] sums) { for (int r = 0; r < x.Length; r++) for (int c = 0; c < x[r].Length; c++) sums[r] += {|SMX0001:Math.Exp(x[r][c])|}; for (int r = 0; r < x.Length; r++) for (int c = 0; c < x[r].Length; c++) x[r][c] = Math.Exp(x[r][c]) / sums[r]; }
        """,
        // fields
        """
        private double _sum;
        public void Fit(double[] x) { _sum = 0; foreach (var v in x) _sum += {|SMX0001:Math.Exp(v)|}; }
        public double P(double v) => Math.Exp(v) / _sum;
        """,
        """
        private float _z;
        public float[] F(float[] x) { _z = 0; for (int i = 0; i < x.Length; i++) _z += {|SMX0001:MathF.Exp(x[i])|}; var y = new float[x.Length]; for (int i = 0; i < x.Length; i++) y[i] = MathF.Exp(x[i]) / _z; return y; }
        """,
        """
        private double total;
        public void Add(double score) => total += {|SMX0001:Math.Exp(score)|};
        public double Probability(double score) => Math.Exp(score) / this.total;
        """,
        // temperature, softmin, computed scores
        """
        static double[] F(double[] x, double t) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i] / t)|}; s += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= s; return y; }
        """,
        """
        static double[] F(double[] d) { var w = new double[d.Length]; double s = 0; for (int i = 0; i < d.Length; i++) { w[i] = {|SMX0001:Math.Exp(-d[i])|}; s += w[i]; } for (int i = 0; i < w.Length; i++) w[i] /= s; return w; }
        """,
        """
        static double[] F(double[][] w, double[] b, double[] x) { var p = new double[b.Length]; double s = 0; for (int k = 0; k < b.Length; k++) { double z = b[k]; for (int j = 0; j < x.Length; j++) z += w[k][j] * x[j]; p[k] = {|SMX0001:Math.Exp(z)|}; s += p[k]; } for (int k = 0; k < p.Length; k++) p[k] /= s; return p; }
        """,
        """
        static double[] F(double[] w, double[] x, double b) { var p = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { p[i] = {|SMX0001:Math.Pow(Math.E, w[i] * x[i] + b)|}; s += p[i]; } for (int i = 0; i < x.Length; i++) p[i] /= s; return p; }
        """,
        // a field array of exponentials divided by a field sum in another member
        """
        private double[] _w = new double[8];
        private double _z;
        public void Fit(double[] x) { _z = 0; for (int i = 0; i < x.Length; i++) { _w[i] = {|SMX0001:Math.Exp(x[i])|}; _z += _w[i]; } }
        public double P(int i) => _w[i] / _z;
        """,
        // importance weights from log-weights, attention over computed scores
        """
        static double[] Normalize(double[] logW) { var w = new double[logW.Length]; double total = 0; for (int i = 0; i < w.Length; i++) { w[i] = {|SMX0001:Math.Exp(logW[i])|}; total += w[i]; } for (int i = 0; i < w.Length; i++) w[i] /= total; return w; }
        """,
        """
        static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
        static double[] Attend(double[] q, double[][] keys) { var scores = keys.Select(k => Dot(q, k) / Math.Sqrt(q.Length)).ToArray(); var w = scores.Select(s => {|SMX0001:Math.Exp(s)|}).ToArray(); double z = w.Sum(); for (int j = 0; j < w.Length; j++) w[j] /= z; return w; }
        """,
        // TensorPrimitives
        """
        static void F(ReadOnlySpan<float> x, Span<float> y) { {|SMX0001:TensorPrimitives.Exp(x, y)|}; float s = TensorPrimitives.Sum(y); TensorPrimitives.Divide(y, s, y); }
        """,
        """
        static void F(double[] x, double[] y) { {|SMX0001:TensorPrimitives.Exp<double>(x, y)|}; TensorPrimitives.Divide<double>(y, TensorPrimitives.Sum<double>(y), y); }
        """,
        """
        static float[] F(float[] x) { var e = new float[x.Length]; {|SMX0001:TensorPrimitives.Exp(x, e)|}; var s = TensorPrimitives.Sum(e); for (int i = 0; i < e.Length; i++) e[i] /= s; return e; }
        """,
        // generic math
        """
        static T[] F<T>(T[] x) where T : IFloatingPointIeee754<T> { var y = new T[x.Length]; T s = T.Zero; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:T.Exp(x[i])|}; s += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= s; return y; }
        """,
        """
        static void F<T>(ReadOnlySpan<T> x, Span<T> y) where T : IExponentialFunctions<T>, IDivisionOperators<T, T, T> { T s = T.Zero; for (int i = 0; i < x.Length; i++) s += {|SMX0001:T.Exp(x[i])|}; for (int i = 0; i < x.Length; i++) y[i] = T.Exp(x[i]) / s; }
        """,
        """
        static T[] F<T>(IEnumerable<T> x) where T : IFloatingPointIeee754<T> { T s = T.Zero; foreach (T v in x) s += {|SMX0001:T.Exp(v)|}; return x.Select(v => T.Exp(v) / s).ToArray(); }
        """,
        // Scaled exponentials: divided by a temperature, raised to a power, divided by another exponential.
        """
        static float[] F(float[] x, float t) { var y = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:MathF.Exp(x[i])|} / t; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        """
        static double[] F(double[] x, double t) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Pow({|SMX0001:Math.Exp(x[i])|}, 1 / t); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // The relative form p_i = 1 / sum_j exp(x_j) / exp(x_i): infinity over infinity for large inputs.
        """
        static float[] F(float[] x) { var p = new float[x.Length]; for (int i = 0; i < x.Length; i++) { float s = 0; for (int j = 0; j < x.Length; j++) s += {|SMX0001:MathF.Exp(x[j])|} / MathF.Exp(x[i]); p[i] = 1 / s; } return p; }
        """,
        // ... over LINQ with a temperature (Kalmia's move selection), in query and method syntax.
        """
        static float[] F(List<int> counts, float t) { var e = (from c in counts select {|SMX0001:MathF.Exp(c)|}).ToArray(); var p = new float[e.Length]; for (int i = 0; i < e.Length; i++) p[i] = 1f / (from v in e select MathF.Pow(v / e[i], 1f / t)).Sum(); return p; }
        """,
        """
        static double[] F(double[] x) { var e = x.Select(v => {|SMX0001:Math.Exp(v)|}).ToArray(); return e.Select(v => 1.0 / e.Select(w => w / v).Sum()).ToArray(); }
        """,
        """
        static double[] F(double[] x) { var e = (from v in x select {|SMX0001:Math.Exp(v)|}).ToList(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        """,
    };

    public static TheoryData<string> Negatives => new()
    {
        // max subtracted, computed many ways
        """
        static double[] F(double[] x) { double m = double.NegativeInfinity; foreach (var v in x) if (v > m) m = v; var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - m); s += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= s; return y; }
        """,
        """
        static double[] F(double[] x) { double max = x.Max(); var e = x.Select(v => Math.Exp(v - max)).ToArray(); var s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        """,
        """
        static double[] F(double[] x) { var e = x.Select(v => Math.Exp(v - x.Max())).ToArray(); var s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        """,
        """
        static float[] F(float[] x) { float m = x.Aggregate(float.MinValue, MathF.Max); var e = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { e[i] = MathF.Exp(x[i] - m); s += e[i]; } for (int i = 0; i < e.Length; i++) e[i] /= s; return e; }
        """,
        """
        static float[] F(float[] x) { float m = float.MinValue; for (int i = 0; i < x.Length; i++) m = MathF.Max(m, x[i]); var e = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { e[i] = MathF.Exp(x[i] - m); s += e[i]; } for (int i = 0; i < e.Length; i++) e[i] /= s; return e; }
        """,
        """
        static void F(ReadOnlySpan<float> x, Span<float> y) { float m = TensorPrimitives.Max(x); TensorPrimitives.Subtract(x, m, y); TensorPrimitives.Exp(y, y); TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y); }
        """,
        """
        static double FindMax(double[] x) => x.Max();
        static double[] F(double[] x) { double top = FindMax(x); var e = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { e[i] = Math.Exp(x[i] - top); s += e[i]; } for (int i = 0; i < e.Length; i++) e[i] /= s; return e; }
        """,
        """
        static void F(double[] x) { double m = x.Max(); for (int i = 0; i < x.Length; i++) x[i] -= m; double s = 0; for (int i = 0; i < x.Length; i++) { x[i] = Math.Exp(x[i]); s += x[i]; } for (int i = 0; i < x.Length; i++) x[i] /= s; }
        """,
        """
        static double[] F(double[] x) { double m = x.Max(); double s = 0; var y = new double[x.Length]; for (int i = 0; i < x.Length; i++) { double shifted = x[i] - m; y[i] = Math.Exp(shifted); s += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= s; return y; }
        """,
        """
        static T[] F<T>(T[] x) where T : IFloatingPointIeee754<T> { T m = x[0]; foreach (T v in x) m = T.Max(m, v); var y = new T[x.Length]; T s = T.Zero; for (int i = 0; i < x.Length; i++) { y[i] = T.Exp(x[i] - m); s += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= s; return y; }
        """,
        // sigmoid / logistic
        """
        static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
        static float Logistic(float x) { float e = MathF.Exp(x); return e / (1f + e); }
        static double Tanh(double x) => (Math.Exp(x) - Math.Exp(-x)) / (Math.Exp(x) + Math.Exp(-x));
        """,
        // non-positive exponents (Gaussian kernels, Laplace weights)
        """
        static double[] F(double[] d) { var w = new double[d.Length]; double s = 0; for (int i = 0; i < d.Length; i++) { w[i] = Math.Exp(-d[i] * d[i]); s += w[i]; } for (int i = 0; i < w.Length; i++) w[i] /= s; return w; }
        """,
        """
        static double[] F(double[] d, double sigma) { var w = new double[d.Length]; double s = 0; for (int i = 0; i < d.Length; i++) { w[i] = Math.Exp(-(d[i] * d[i]) / (2 * sigma * sigma)); s += w[i]; } for (int i = 0; i < w.Length; i++) w[i] /= s; return w; }
        """,
        """
        static float[] F(float[] d) { var w = new float[d.Length]; float s = 0; for (int i = 0; i < d.Length; i++) { w[i] = MathF.Exp(-MathF.Abs(d[i])); s += w[i]; } for (int i = 0; i < w.Length; i++) w[i] /= s; return w; }
        """,
        // decay / growth, sums never used to normalize
        """
        static double Decay(double n0, double k, double t) => n0 * Math.Exp(-k * t);
        static double Grow(double p, double r, double t) => p * Math.Pow(Math.E, r * t);
        """,
        """
        static double Total(double[] x) { double s = 0; foreach (var v in x) s += Math.Exp(v); return s; }
        static double Mean(double[] x) { double s = 0; foreach (var v in x) s += Math.Exp(v); return s / x.Length; }
        """,
        """
        static double Integral(double a, double b, int n) { double h = (b - a) / n, s = 0; for (int i = 0; i < n; i++) s += Math.Exp(a + i * h); return s * h; }
        """,
        // real-world exponentials that are not softmax: probability mass functions, annealing, smoothing factors,
        // a share of an exponentially grown total, a growth ratio
        """
        static double Poisson(double lambda, int k) { double f = 1; for (int i = 2; i <= k; i++) f *= i; return Math.Exp(-lambda) * Math.Pow(lambda, k) / f; }
        static bool Accept(Random rnd, double delta, double temperature) => rnd.NextDouble() < Math.Exp(-delta / temperature);
        static double Alpha(double dt, double tau) => 1 - Math.Exp(-dt / tau);
        """,
        """
        static double Share(double[] amounts, double r, double t, int k) { double total = 0; foreach (var a in amounts) total += a * Math.Exp(r * t); return amounts[k] / total; }
        static double Ratio(double r, double t, double t0) => Math.Exp(r * t) / Math.Exp(r * t0);
        """,
        """
        private double _total;
        public void Grow(double[] rates) { foreach (var r in rates) _total += Math.Exp(r); }
        public double PerItem(int n) => n / _total * 0 + _count / _total;
        private double _count;
        """,
        // Scaled and relative forms of stable exponentials, a ratio that is not summed, a logistic that is summed.
        """
        static float[] F(float[] x) { float m = x.Max(); var e = (from v in x select MathF.Exp(v - m)).ToArray(); var p = new float[e.Length]; for (int i = 0; i < e.Length; i++) p[i] = 1f / (from v in e select v / e[i]).Sum(); return p; }
        """,
        """
        static double Odds(double a, double b) => Math.Exp(a) / Math.Exp(b);
        static double[] Tempered(double[] x, double t) { double m = x.Max(); var y = x.Select(v => Math.Pow(Math.Exp(v - m), 1 / t)).ToArray(); double s = y.Sum(); return y.Select(v => v / s).ToArray(); }
        """,
        """
        static double MeanShare(double[] x) { double s = 0; foreach (var v in x) s += Math.Exp(v) / (1 + Math.Exp(v)); return 1 / s; }
        """,
        """
        static double[] Inverse(double[] x) { var e = x.Select(v => Math.Exp(v)).ToArray(); return e.Select(v => 1.0 / e.Select(w => v / w).Sum()).ToArray(); }
        """,
        // stable log-sum-exp and log-softmax
        """
        static double Lse(double[] x) { double m = x.Max(); double s = 0; foreach (var v in x) s += Math.Exp(v - m); return m + Math.Log(s); }
        static double[] LogSoftmax(double[] x) { double lse = Lse(x); return x.Select(v => v - lse).ToArray(); }
        """,
    };

    [Theory]
    [MemberData(nameof(Positives))]
    public Task Reports_naive_softmax(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Negatives))]
    public Task Silent_on_stable_and_unrelated_code(string members) => Verify(members);
}
