using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// The fixed code compiles, gives the original results on small inputs (1e-6 relative) and finite, correct results
/// where the original overflows: [800, 799, 790, 805] and [20, 300, 5000].
/// </summary>
public class FixedCodeRunsTests
{
    private static readonly double[][] s_small = { new[] { 1.0, 2.0, 3.0 }, new[] { 0.5, -1.0, 2.0, 0.0 } };
    private static readonly double[][] s_large = { new[] { 800.0, 799.0, 790.0, 805.0 }, new[] { 20.0, 300.0, 5000.0 } };
    private static readonly double[] s_largeDouble = { 1000.0, 999.0, 0.0 };
    private static readonly double[] s_largeFloat = { 100.0, 99.0, 0.0 };

    public static TheoryData<string, string, string> Cases => new()
    {
        // rule, reference (softmax | softmin | softmax/2 | lse | softplus), members; the entry point is F
        { "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }" },
        { "SMX0001", "softmax", "public static float[] F(float[] x) { var y = new float[x.Length]; float sum = 0f; for (int i = 0; i < x.Length; i++) sum += MathF.Exp(x[i]); for (int i = 0; i < x.Length; i++) y[i] = MathF.Exp(x[i]) / sum; return y; }" },
        { "SMX0001", "softmax/2", "public static double[] F(double[] x) { double t = 2.0; var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] / t); s += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= s; return y; }" },
        { "SMX0001", "softmin", "public static double[] F(double[] d) { var w = new double[d.Length]; double s = 0; for (int i = 0; i < d.Length; i++) { w[i] = Math.Exp(-d[i]); s += w[i]; } double inv = 1.0 / s; for (int i = 0; i < w.Length; i++) w[i] *= inv; return w; }" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) => x.Select(v => Math.Exp(v) / x.Sum(Math.Exp)).ToArray();" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) { var e = x.Select(Math.Exp).ToArray(); var s = e.Sum(); return e.Select(v => v / s).ToArray(); }" },
        { "SMX0001", "softmax/2", "public static double[] F(double[] x) { var list = x.ToList(); double s = list.Sum(v => Math.Exp(v / 2)); return list.Select(v => Math.Exp(v / 2) / s).ToArray(); }" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) { var list = new List<double>(x); double s = 0; foreach (var v in list) s += Math.Exp(v); var r = new List<double>(); foreach (var v in list) r.Add(Math.Exp(v) / s); return r.ToArray(); }" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; Span(x, y); return y; } static void Span(ReadOnlySpan<double> x, Span<double> y) { double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Pow(Math.E, x[i]); sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum; }" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) { var m = new double[2, x.Length]; for (int c = 0; c < x.Length; c++) { m[0, c] = -x[c]; m[1, c] = x[c]; } Rows(m); var y = new double[x.Length]; for (int c = 0; c < x.Length; c++) y[c] = m[1, c]; return y; } static void Rows(double[,] x) { for (int r = 0; r < x.GetLength(0); r++) { double sum = 0; for (int c = 0; c < x.GetLength(1); c++) { x[r, c] = Math.Exp(x[r, c]); sum += x[r, c]; } for (int c = 0; c < x.GetLength(1); c++) x[r, c] /= sum; } }" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) { var rows = new[] { x.Select(v => -v).ToArray(), (double[])x.Clone() }; foreach (var row in rows) { double sum = 0; for (int c = 0; c < row.Length; c++) { row[c] = Math.Exp(row[c]); sum += row[c]; } for (int c = 0; c < row.Length; c++) row[c] /= sum; } return rows[1]; }" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) { var e = new double[x.Length]; double s = 0; int i = 0; while (i < x.Length) { e[i] = Math.Exp(x[i]); s += e[i]; i++; } i = 0; while (i < x.Length) { e[i] /= s; i++; } return e; }" },
        { "SMX0001", "softmin", "public static float[] F(float[] x) { var e = new float[x.Length]; float s = 0; int i = 0; do { e[i] = float.Exp(-x[i]); s += e[i]; } while (++i < x.Length); for (int k = 0; k < e.Length; k++) e[k] = e[k] / s; return e; }" },
        { "SMX0001", "softmax", "public static float[] F(float[] x) { var e = new float[x.Length]; TensorPrimitives.Exp(x, e); TensorPrimitives.Divide(e, TensorPrimitives.Sum(e), e); return e; }" },
        { "SMX0001", "softmax", "public static T[] F<T>(T[] x) where T : IFloatingPointIeee754<T> { var y = new T[x.Length]; T s = T.Zero; for (int i = 0; i < x.Length; i++) { y[i] = T.Exp(x[i]); s += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= s; return y; }" },
        { "SMX0001", "softmax", "private float _z; public static float[] F(float[] x) => new C().G(x); float[] G(float[] x) { _z = 0; for (int i = 0; i < x.Length; i++) _z += MathF.Exp(x[i]); var y = new float[x.Length]; for (int i = 0; i < x.Length; i++) y[i] = MathF.Exp(x[i]) / _z; return y; }" },
        { "SMX0002", "lse", "public static double F(double[] x) { double s = 0; foreach (var v in x) s += Math.Exp(v); return Math.Log(s); }" },
        { "SMX0002", "lse", "public static float F(float[] x) { float s = 0; for (int i = 0; i < x.Length; i++) s += MathF.Exp(x[i]); float lse = MathF.Log(s); return lse; }" },
        { "SMX0002", "lse", "public static double F(double[] x) => Math.Log(x.Sum(Math.Exp));" },
        { "SMX0002", "lse", "public static double F(double[] x) { var list = x.ToList(); return Math.Log(list.Select(v => Math.Exp(v)).Sum()); }" },
        { "SMX0002", "softplus", "public static double F(double[] x) => Math.Log(1 + Math.Exp(x[0]));" },
        { "SMX0002", "softplus", "public static float F(float[] x) { float z = x[0]; return 2 * MathF.Log(MathF.Exp(z) + 1f) / 2; }" },
        { "SMX0002", "softplus", "public static T F<T>(T[] x) where T : IFloatingPointIeee754<T> => T.Log(T.One + T.Exp(x[0]));" },
        { "SMX0003", "logsoftmax0", "static double[] Softmax(double[] x) { double m = x.Max(); var e = x.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); } public static double F(double[] x) { var p = Softmax(x); return Math.Log(p[0]); }" },
        { "SMX0003", "logsoftmax0", "static double[] Softmax(double[] x) { double m = x.Max(); var e = x.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); } public static double F(double[] x) => Softmax(x).Select(p => Math.Log(p)).Take(1).ToArray().Sum();" },
        { "SMX0003", "logsoftmax0", "static float[] Softmax(float[] x) { float m = x.Max(); var e = x.Select(v => MathF.Exp(v - m)).ToArray(); float s = e.Sum(); return e.Select(v => v / s).ToArray(); } public static float F(float[] x) => MathF.Log(Softmax(x)[0]);" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) { IEnumerable<double> q = x; double total = 0; foreach (double v in q) total += double.Exp(v); return q.Select(v => Math.Exp(v) / total).ToArray(); }" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) { var list = x.ToList(); double s = list.Sum(Math.Exp); var y = new double[list.Count]; for (int i = 0; i < list.Count; i++) y[i] = Math.Exp(list[i]) / s; return y; }" },
        { "SMX0004", "softmax", "public static float[] F(float[] x) { var y = new float[x.Length]; TensorPrimitives.SoftMax(x, y); return y; }" },
        { "SMX0004", "softmax", "public static double[] F(double[] x) { var y = (double[])x.Clone(); TensorPrimitives.SoftMax<double>(y, y); return y; }" },
        { "SMX0004", "softmax", "public static double[] F(double[] x) => G(x); static double[] G(ReadOnlySpan<double> x) { Span<double> y = stackalloc double[x.Length]; TensorPrimitives.SoftMax(x, y); return y.ToArray(); }" },
        { "SMX0001", "softmax", "public static double[] F(double[] x) { ReadOnlySpan<double> s = x; var e = new double[s.Length]; TensorPrimitives.Exp(s, e); TensorPrimitives.Divide<double>(e, TensorPrimitives.Sum<double>(e), e); return e; }" },
    };

    /// <summary>Loop shapes seen on real code (the exponential in a local, guarded divisions, reciprocals, scores in the loop, ...).</summary>
    public static TheoryData<string, string, string, string> RealShapes => new()
    {
        { "local", "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { var e = Math.Exp(x[i]); y[i] = e; sum += e; } for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }" },
        { "local_temperature", "SMX0001", "softmax/2", "public static double[] F(double[] x) { double t = 2; var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { double e = Math.Exp(x[i] / t); y[i] = e; sum += e; } for (int i = 0; i < x.Length; i++) y[i] = y[i] / sum; return y; }" },
        { "if_sum_zero", "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } for (int i = 0; i < x.Length; i++) { if (sum == 0) y[i] = 1.0 / x.Length; else y[i] /= sum; } return y; }" },
        { "if_sum_positive", "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } if (sum > 0) { for (int i = 0; i < x.Length; i++) y[i] /= sum; } return y; }" },
        { "ternary", "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] = sum == 0 ? 0 : y[i] / sum; return y; }" },
        { "max_eps", "SMX0001", "softmax", "public static float[] F(float[] x) { var y = new float[x.Length]; float sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = MathF.Exp(x[i]); sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= Math.Max(sum, 1e-12f); return y; }" },
        { "sum_reciprocal", "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } sum = 1 / sum; for (int i = 0; i < x.Length; i++) y[i] *= sum; return y; }" },
        { "inv_local", "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } var inv = 1.0 / sum; for (int i = 0; i < x.Length; i++) y[i] = y[i] * inv; return y; }" },
        { "scores", "SMX0001", "softmax", "public static double[] F(double[] x) { var w = new double[x.Length]; for (int k = 0; k < x.Length; k++) w[k] = 1; var e = new double[x.Length]; double sum = 0; for (int k = 0; k < x.Length; k++) { double z = w[k] * x[k] + 0.0; e[k] = Math.Exp(z); sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }" },
        { "scores_inner_loop", "SMX0001", "softmax", "public static double[] F(double[] x) { var b = new double[x.Length]; var e = new double[x.Length]; double sum = 0; for (int k = 0; k < x.Length; k++) { double z = b[k]; for (int j = 0; j < x.Length; j++) z += (j == k ? 1.0 : 0.0) * x[j]; e[k] = Math.Exp(z); sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }" },
        { "scores_float_temperature", "SMX0001", "softmax/2", "public static float[] F(float[] x) { float t = 2f; var e = new float[x.Length]; float sum = 0; for (int k = 0; k < x.Length; k++) { float z = x[k] * 1f; z += 0f; e[k] = MathF.Exp(z / t); sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }" },
        { "pow_e", "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Pow(Math.E, x[i]); sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }" },
        { "rows_2d_local", "SMX0001", "softmax", "public static double[] F(double[] x) { var m = new double[1, x.Length]; for (int j = 0; j < x.Length; j++) m[0, j] = x[j]; for (int r = 0; r < m.GetLength(0); r++) { double sum = 0; for (int j = 0; j < x.Length; j++) { double e = Math.Exp(m[r, j]); m[r, j] = e; sum += e; } for (int j = 0; j < x.Length; j++) m[r, j] /= sum; } var y = new double[x.Length]; for (int j = 0; j < x.Length; j++) y[j] = m[0, j]; return y; }" },
        { "dictionary", "SMX0001", "softmax", "public static double[] F(double[] x) { var d = new Dictionary<int, double>(); for (int i = 0; i < x.Length; i++) d[i] = x[i]; var p = new Dictionary<int, double>(); double sum = 0; foreach (var kv in d) { p[kv.Key] = Math.Exp(kv.Value); sum += p[kv.Key]; } foreach (var k in d.Keys) p[k] /= sum; return p.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToArray(); }" },
        { "tensor_other_destination", "SMX0001", "softmax", "public static float[] F(float[] x) { var e = new float[x.Length]; TensorPrimitives.Exp(x, e); float s = TensorPrimitives.Sum(e); var y = new float[x.Length]; TensorPrimitives.Divide(e, s, y); return y; }" },
        { "tensor_span_destination_checked", "SMX0001", "softmax", "public static float[] F(float[] x) { var y = new float[x.Length]; G(x, y); return y; } static void G(ReadOnlySpan<float> x, Span<float> y) { if (x.Length != y.Length) throw new ArgumentException(\"length\"); TensorPrimitives.Exp(x, y); TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y); }" },
        { "tensor_softmax_span_checked", "SMX0004", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; G(x, y); return y; } static void G(ReadOnlySpan<double> x, Span<double> y) { if (y.Length != x.Length) { return; } TensorPrimitives.SoftMax(x, y); }" },
        { "lse_local", "SMX0002", "lse", "public static double F(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) { double e = Math.Exp(x[i]); s += e; } return Math.Log(s); }" },
        { "lse_local_rows", "SMX0002", "lse", "public static double F(double[] x) { var m = new double[1, x.Length]; for (int j = 0; j < x.Length; j++) m[0, j] = x[j]; double r0 = 0; for (int r = 0; r < 1; r++) { double s = 0; for (int j = 0; j < x.Length; j++) { var e = Math.Exp(m[r, j]); s += e; } r0 = Math.Log(s); } return r0; }" },
        { "lse_scores_recomputed", "SMX0002", "lse", "public static double F(double[] x) { var b = new double[x.Length]; double s = 0; for (int k = 0; k < x.Length; k++) { double z = b[k]; z += 1.0 * x[k]; s += Math.Exp(z); } return Math.Log(s); }" },
        { "chained", "SMX0001", "softmax", "public static float[] F(float[] x) { var y = new float[x.Length]; float sum = 0; for (int i = 0; i < x.Length; i++) sum += y[i] = MathF.Exp(x[i]); for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }" },
        { "tensor_softmax_rented_destination", "SMX0004", "softmax", "public static float[] F(float[] x) { var rented = new float[x.Length + 2]; rented[x.Length] = 5f; G(x, rented.AsSpan(0, x.Length)); if (rented[x.Length] != 5f) throw new InvalidOperationException(); return rented.AsSpan(0, x.Length).ToArray(); } static void G(ReadOnlySpan<float> x, Span<float> y) { TensorPrimitives.SoftMax(x, y); }" },
        { "tensor_softmax_slices", "SMX0004", "softmax", "public static double[] F(double[] x) { var logits = new double[x.Length + 1]; x.CopyTo(logits, 0); logits[x.Length] = 1e300; var rented = new double[x.Length + 3]; TensorPrimitives.SoftMax(logits.AsSpan(0, x.Length), rented.AsSpan(1, x.Length)); return rented.AsSpan(1, x.Length).ToArray(); }" },
        { "tensor_softmax_in_if", "SMX0004", "softmax", "public static float[] F(float[] x) { var y = (float[])x.Clone(); if (y.Length > 0) TensorPrimitives.SoftMax(y, y); return y; }" },
        { "softplus_lambda", "SMX0002", "softplus", "public static double F(double[] x) { Func<double, double> softplus = v => Math.Log(1.0 + Math.Exp(v)); return softplus(x[0]); }" },
        { "local_cast_to_float", "SMX0001", "softmax", "public static float[] F(float[] x) { var sum = 0f; var dst = new float[x.Length]; for (var i = 0; i < x.Length; ++i) { var e = (float)Math.Exp(x[i]); dst[i] = e; sum += e; } var sumInv = 1f / sum; for (var i = 0; i < x.Length; ++i) dst[i] *= sumInv; return dst; }" },
        { "rows_sum_declared_after_the_exponentials", "SMX0001", "softmax", "public static float[] F(float[] x) { var m = new float[1, x.Length]; for (int j = 0; j < x.Length; j++) m[0, j] = x[j]; var r = Rows(m); var y = new float[x.Length]; for (int j = 0; j < x.Length; j++) y[j] = r[0, j]; return y; } static float[,] Rows(float[,] source) { int rows = source.GetLength(0); int columns = source.GetLength(1); var res = new float[rows, columns]; var expCache = new float[rows, columns]; for (int i = 0; i < rows; i++) { for (int j = 0; j < columns; j++) { expCache[i, j] = MathF.Exp(source[i, j]); } float sum = 0; for (int j = 0; j < columns; j++) { sum += expCache[i, j]; } for (int j = 0; j < columns; j++) { res[i, j] = expCache[i, j] / sum; } } return res; }" },
        { "fixed_index", "SMX0001", "softmax", "public static double[] F(double[] x) { var y = new double[x.Length]; for (int k = 0; k < x.Length; k++) y[k] = P(x, k); return y; } static double P(double[] inputs, int index) { double expSum = 0; for (int i = 0; i < inputs.Length; i++) { expSum += Math.Exp(inputs[i]); } double res = Math.Exp(inputs[index]) / expSum; return res; }" },
        { "infinity_guard", "SMX0001", "softmax", "public static double[] F(double[] x) { var p = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { double e = Math.Exp(x[i]); p[i] = e; s += e; } if (double.IsInfinity(s) || s == 0) { return new double[x.Length]; } for (int i = 0; i < x.Length; i++) p[i] /= s; return p; }" },
        { "normalize_helper", "SMX0001", "softmax", "public static double[] F(double[] x) { var len = x.Length; var output = new double[len]; for (var i = 0; i < len; ++i) { output[i] = Math.Exp(x[i]); } return Normalize(output); } static double[] Normalize(double[] input) { var sum = input.Sum(); var r = new double[input.Length]; for (var i = 0; i < input.Length; ++i) r[i] = input[i] / sum; return r; }" },
        { "helper_exponent", "SMX0001", "softmax/2", "public static double[] F(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += Math.Exp(Scale(x[i])); var y = new double[x.Length]; for (int i = 0; i < x.Length; i++) y[i] = Math.Exp(Scale(x[i])) / s; return y; } static double Scale(double v) { if (v != 0.0) { return v / 2.0; } else { return 0.0; } }" },
        { "list_add_cumulative", "SMX0001", "softmax/2", "const double e = 2.718281828459045; public static double[] F(double[] x) { var exp = new List<double>(); foreach (var a in x) exp.Add(Math.Pow(C.e, a / 2)); double sum = exp.Sum(); var probability = new List<double>(); double current = 0.0; for (int i = 0; i < exp.Count; i++) { current += exp[i]; probability.Add(current / sum); } var y = new double[x.Length]; for (int i = 0; i < y.Length; i++) y[i] = probability[i] - (i == 0 ? 0 : probability[i - 1]); return y; }" },
        { "softplus_single_use_locals", "SMX0002", "softplus", "public static float F(float[] v) { float x = v[0]; float exp = (float)Math.Exp(x), sum = 1 + exp, ln = (float)Math.Log(sum); return ln; }" },
        { "member_of_each_element", "SMX0001", "softmax/2", "public class A { public double Score { get; set; } } public static double[] F(double[] x) { var actions = new List<A>(); foreach (var v in x) actions.Add(new A { Score = v }); return G(actions, 2.0); } static double[] G(List<A> actions, double t) { double total = 0; foreach (var action in actions) { action.Score = Math.Exp(action.Score / t); total += action.Score; } var p = new List<double>(); foreach (var action in actions) p.Add(action.Score / total); return p.ToArray(); }" },
        { "boltzmann_mean", "SMX0001", "softmax/2", "public class E { private readonly double _fitness; public E(double f) => _fitness = f; public double Fitness() => _fitness; } public static double[] F(double[] x) { var pop = new List<E>(); foreach (var v in x) pop.Add(new E(v)); return Slices(pop, 2.0).Select(v => v / x.Length).ToArray(); } static List<double> Slices(List<E> pop, double temperature) { double total = 0; foreach (E entity in pop) { total += Math.Pow(Math.E, entity.Fitness() / temperature); if (double.IsInfinity(total)) { throw new OverflowException(); } } double mean = total / pop.Count; var slices = new List<double>(); foreach (E entity in pop) { double expected = Math.Pow(Math.E, entity.Fitness() / temperature) / mean; slices.Add(expected); } return slices; }" },
        { "lse_scores_foreach", "SMX0002", "lse", "public static float F(float[] x) { float s = 0; foreach (var v in x) { float z = 0.5f * v; z += z; s += MathF.Exp(z); } return MathF.Log(s); }" },
    };

    [Theory]
    [MemberData(nameof(RealShapes))]
    public Task Real_shapes_fixed_code_matches_the_original_and_is_stable(string shape, string rule, string reference, string members)
    {
        Assert.NotEmpty(shape);
        return Fixed_code_matches_the_original_on_small_inputs_and_is_stable_on_large_ones(rule, reference, members);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fixed_code_matches_the_original_on_small_inputs_and_is_stable_on_large_ones(string rule, string reference, string members)
    {
        string original = Sources.Class(members);
        (DiagnosticAnalyzer analyzer, CodeFixProvider fixer) = rule switch
        {
            "SMX0001" => ((DiagnosticAnalyzer)new NaiveSoftmaxAnalyzer(), (CodeFixProvider)new NaiveSoftmaxCodeFixProvider()),
            "SMX0002" => (new NaiveLogSumExpAnalyzer(), new NaiveLogSumExpCodeFixProvider()),
            "SMX0003" => (new LogOfSoftmaxAnalyzer(), new LogOfSoftmaxCodeFixProvider()),
            _ => (new TensorPrimitivesSoftMaxAnalyzer(), new TensorPrimitivesSoftMaxCodeFixProvider()),
        };
        Assert.Contains(await FixRunner.DiagnosticsAsync(original, analyzer), d => d.Id == rule);
        string fixedSource = await FixRunner.ApplyAllAsync(original, analyzer, fixer);
        Assert.NotEqual(original, fixedSource);
        Assert.DoesNotContain(await FixRunner.DiagnosticsAsync(fixedSource, analyzer), d => d.Id == rule);

        using CompiledCode before = CompiledCode.Compile(original);
        using CompiledCode after = CompiledCode.Compile(fixedSource);
        foreach (double[] input in s_small)
        {
            double[] expected = Run(before, input, members);
            double[] actual = Run(after, input, members);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 * Math.Max(Math.Abs(expected[i]), 1e-300) + 1e-300,
                    $"input [{string.Join(", ", input)}], [{i}]: original {expected[i]:R}, fixed {actual[i]:R}\n{fixedSource}");
            }
        }

        bool isFloat = members.Contains("float[] F(", StringComparison.Ordinal) || members.Contains("float F(", StringComparison.Ordinal);
        foreach (double[] input in s_large.Append(isFloat ? s_largeFloat : s_largeDouble))
        {
            double[] actual = Run(after, input, members);
            double[] expected = Reference(reference, input);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(double.IsFinite(actual[i]), $"input [{string.Join(", ", input)}]: [{i}] is {actual[i]}\n{fixedSource}");
                double tolerance = isFloat ? 1e-5 : 1e-12;
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                    $"input [{string.Join(", ", input)}], [{i}]: expected {expected[i]:R}, fixed {actual[i]:R}\n{fixedSource}");
            }
        }
    }

    private static double[] Run(CompiledCode code, double[] input, string members)
    {
        bool isFloat = members.Contains("float[] F(", StringComparison.Ordinal) || members.Contains("float F(", StringComparison.Ordinal);
        object? argument = isFloat ? input.Select(v => (float)v).ToArray() : input.ToArray();
        return code.Invoke("C", "F", argument) switch
        {
            double[] doubles => doubles,
            float[] floats => floats.Select(v => (double)v).ToArray(),
            double scalar => new[] { scalar },
            float scalar => new[] { (double)scalar },
            var other => throw new InvalidOperationException($"unexpected result {other}"),
        };
    }

    /// <summary>Stable references, computed in double.</summary>
    internal static double[] Reference(string reference, double[] x) => reference switch
    {
        "softmax" => Softmax(x),
        "softmin" => Softmax(x.Select(v => -v).ToArray()),
        "softmax/2" => Softmax(x.Select(v => v / 2).ToArray()),
        "lse" => new[] { LogSumExp(x) },
        "softplus" => new[] { Math.Max(x[0], 0) + Math.Log(1 + Math.Exp(-Math.Abs(x[0]))) },
        "logsoftmax0" => new[] { x[0] - LogSumExp(x) },
        _ => throw new ArgumentOutOfRangeException(nameof(reference)),
    };

    private static double[] Softmax(double[] x)
    {
        double m = x.Max();
        double[] e = x.Select(v => Math.Exp(v - m)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    private static double LogSumExp(double[] x)
    {
        double m = x.Max();
        return m + Math.Log(x.Sum(v => Math.Exp(v - m)));
    }
}
