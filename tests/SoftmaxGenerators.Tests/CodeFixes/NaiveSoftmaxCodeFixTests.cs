using System;
using System.Threading;
using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

public class NaiveSoftmaxCodeFixTests
{
    [Fact]
    public Task Loops_two_diagnostics_in_one_type_keep_comments_and_formatting() => Verifier.VerifyAsync(
        Sources.Usings + """
        public static class Activations
        {
            public static double[] Softmax(double[] logits)
            {
                var result = new double[logits.Length];
                double sum = 0; // running total
                // exponentiate
                for (int i = 0; i < logits.Length; i++)
                {
                    result[i] = {|SMX0001:Math.Exp(logits[i])|};
                    sum += result[i];
                }

                for (int i = 0; i < result.Length; i++)
                    result[i] /= sum;
                return result;
            }

            public static float[] Softmax(float[] logits, float temperature)
            {
                var result = new float[logits.Length];
                float z = 0f;
                foreach (float v in logits)
                    z += {|SMX0001:MathF.Exp(v / temperature)|};
                for (int i = 0; i < logits.Length; i++)
                    result[i] = MathF.Exp(logits[i] / temperature) / z;
                return result;
            }
        }
        """,
        Sources.Usings + """
        public static class Activations
        {
            public static double[] Softmax(double[] logits)
            {
                var result = new double[logits.Length];
                double sum = 0; // running total
                double max = double.NegativeInfinity;
                for (int i = 0; i < logits.Length; i++)
                {
                    max = Math.Max(max, logits[i]);
                }

                // exponentiate
                for (int i = 0; i < logits.Length; i++)
                {
                    result[i] = Math.Exp(logits[i] - max);
                    sum += result[i];
                }

                for (int i = 0; i < result.Length; i++)
                    result[i] /= sum;
                return result;
            }

            public static float[] Softmax(float[] logits, float temperature)
            {
                var result = new float[logits.Length];
                float z = 0f;
                float max = float.NegativeInfinity;
                foreach (float v in logits)
                {
                    max = Math.Max(max, v / temperature);
                }

                foreach (float v in logits)
                    z += MathF.Exp(v / temperature - max);
                for (int i = 0; i < logits.Length; i++)
                    result[i] = MathF.Exp(logits[i] / temperature - max) / z;
                return result;
            }
        }
        """);

    [Fact]
    public async Task Fix_all_across_two_partial_files()
    {
        var test = new Verifier.Test();
        test.TestState.Sources.Add(("A.cs", Sources.Usings + """
            public partial class Model
            {
                public static double[] A(double[] x)
                {
                    double s = 0;
                    foreach (var v in x) s += {|SMX0001:Math.Exp(v)|};
                    var p = new double[x.Length];
                    for (int i = 0; i < x.Length; i++) p[i] = Math.Exp(x[i]) / s;
                    return p;
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Sources.Usings + """
            public partial class Model
            {
                public static double[] B(double[] x)
                {
                    var e = x.Select({|SMX0001:Math.Exp|}).ToArray();
                    double s = e.Sum();
                    return e.Select(v => v / s).ToArray();
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Sources.Usings + """
            public partial class Model
            {
                public static double[] A(double[] x)
                {
                    double s = 0;
                    double max = double.NegativeInfinity;
                    foreach (var v in x)
                    {
                        max = Math.Max(max, v);
                    }

                    foreach (var v in x) s += Math.Exp(v - max);
                    var p = new double[x.Length];
                    for (int i = 0; i < x.Length; i++) p[i] = Math.Exp(x[i] - max) / s;
                    return p;
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Sources.Usings + """
            public partial class Model
            {
                public static double[] B(double[] x)
                {
                    double max = x.Max();
                    var e = x.Select(v2 => Math.Exp(v2 - max)).ToArray();
                    double s = e.Sum();
                    return e.Select(v => v / s).ToArray();
                }
            }
            """));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Linq_one_liner_becomes_a_block() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double[] F(double[] x) => x.Select(v => Math.Exp(v) / x.Sum({|SMX0001:Math.Exp|})).ToArray();
            """),
        Sources.Class("""
                public static double[] F(double[] x)
                {
                    double max = x.Max();
                    return x.Select(v => Math.Exp(v - max) / x.Sum(v2 => Math.Exp(v2 - max))).ToArray();
                }
            """));

    [Fact]
    public Task Linq_lambda_with_temperature_uses_max_of_the_exponent() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double[] F(List<double> x, double t)
                {
                    double s = x.Sum(v => {|SMX0001:Math.Exp(v / t)|});
                    return x.Select(v => Math.Exp(v / t) / s).ToArray();
                }
            """),
        Sources.Class("""
                public static double[] F(List<double> x, double t)
                {
                    double max = x.Max(v => v / t);
                    double s = x.Sum(v => Math.Exp(v / t - max));
                    return x.Select(v => Math.Exp(v / t - max) / s).ToArray();
                }
            """));

    [Fact]
    public Task Batch_rows_get_a_maximum_per_row() => Verifier.VerifyAsync(
        Sources.Class("""
                public static void F(double[,] x)
                {
                    for (int r = 0; r < x.GetLength(0); r++)
                    {
                        double sum = 0;
                        for (int c = 0; c < x.GetLength(1); c++)
                        {
                            x[r, c] = {|SMX0001:Math.Exp(x[r, c])|};
                            sum += x[r, c];
                        }

                        for (int c = 0; c < x.GetLength(1); c++)
                            x[r, c] /= sum;
                    }
                }
            """),
        Sources.Class("""
                public static void F(double[,] x)
                {
                    for (int r = 0; r < x.GetLength(0); r++)
                    {
                        double sum = 0;
                        double max = double.NegativeInfinity;
                        for (int c = 0; c < x.GetLength(1); c++)
                        {
                            max = Math.Max(max, x[r, c]);
                        }

                        for (int c = 0; c < x.GetLength(1); c++)
                        {
                            x[r, c] = Math.Exp(x[r, c] - max);
                            sum += x[r, c];
                        }

                        for (int c = 0; c < x.GetLength(1); c++)
                            x[r, c] /= sum;
                    }
                }
            """));

    [Fact]
    public Task Generic_math_uses_T_Max() => Verifier.VerifyAsync(
        Sources.Class("""
                public static void F<T>(ReadOnlySpan<T> x, Span<T> y) where T : IFloatingPointIeee754<T>
                {
                    T sum = T.Zero;
                    for (int i = 0; i < x.Length; i++)
                        sum += {|SMX0001:T.Exp(x[i])|};
                    for (int i = 0; i < x.Length; i++)
                        y[i] = T.Exp(x[i]) / sum;
                }
            """),
        Sources.Class("""
                public static void F<T>(ReadOnlySpan<T> x, Span<T> y) where T : IFloatingPointIeee754<T>
                {
                    T sum = T.Zero;
                    T max = T.NegativeInfinity;
                    for (int i = 0; i < x.Length; i++)
                    {
                        max = T.Max(max, x[i]);
                    }

                    for (int i = 0; i < x.Length; i++)
                        sum += T.Exp(x[i] - max);
                    for (int i = 0; i < x.Length; i++)
                        y[i] = T.Exp(x[i] - max) / sum;
                }
            """));

    [Fact]
    public Task TensorPrimitives_exp_becomes_subtract_max_then_exp() => Verifier.VerifyAsync(
        Sources.Class("""
                public static float[] F(float[] x)
                {
                    var e = new float[x.Length];
                    {|SMX0001:TensorPrimitives.Exp(x, e)|};
                    TensorPrimitives.Divide(e, TensorPrimitives.Sum(e), e);
                    return e;
                }
            """),
        Sources.Class("""
                public static float[] F(float[] x)
                {
                    var e = new float[x.Length];
                    TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), e);
                    TensorPrimitives.Exp(e, e);
                    TensorPrimitives.Divide(e, TensorPrimitives.Sum(e), e);
                    return e;
                }
            """));

    [Fact]
    public Task Two_softmaxes_in_one_method_get_two_maxima() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double[] F(double[] a, double[] b)
                {
                    double sa = a.Sum(v => {|SMX0001:Math.Exp(v)|});
                    double sb = b.Sum(v => {|SMX0001:Math.Exp(v)|});
                    return a.Select(v => Math.Exp(v) / sa).Concat(b.Select(v => Math.Exp(v) / sb)).ToArray();
                }
            """),
        Sources.Class("""
                public static double[] F(double[] a, double[] b)
                {
                    double max = a.Max();
                    double sa = a.Sum(v => Math.Exp(v - max));
                    double max2 = b.Max();
                    double sb = b.Sum(v => Math.Exp(v - max2));
                    return a.Select(v => Math.Exp(v - max) / sa).Concat(b.Select(v => Math.Exp(v - max2) / sb)).ToArray();
                }
            """));

    [Fact]
    public Task While_loop_takes_the_maximum_over_the_collection() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double[] F(double[] x, double t)
                {
                    var e = new double[x.Length];
                    double s = 0;
                    int i = 0;
                    while (i < x.Length)
                    {
                        e[i] = {|SMX0001:Math.Exp(x[i] / t)|};
                        s += e[i];
                        i++;
                    }

                    for (int k = 0; k < e.Length; k++)
                        e[k] /= s;
                    return e;
                }
            """),
        Sources.Class("""
                public static double[] F(double[] x, double t)
                {
                    var e = new double[x.Length];
                    double s = 0;
                    int i = 0;
                    double max = double.NegativeInfinity;
                    foreach (var v in x)
                    {
                        max = Math.Max(max, v / t);
                    }

                    while (i < x.Length)
                    {
                        e[i] = Math.Exp(x[i] / t - max);
                        s += e[i];
                        i++;
                    }

                    for (int k = 0; k < e.Length; k++)
                        e[k] /= s;
                    return e;
                }
            """));

    [Fact]
    public Task Loop_sum_and_linq_numerators_share_one_maximum() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double[] F(IEnumerable<double> x)
                {
                    double total = 0;
                    double first = Math.Exp(1);
                    foreach (double v in x)
                        total += {|SMX0001:double.Exp(v)|};
                    return x.Select(v => Math.Exp(v) / total).Append(first).ToArray();
                }
            """),
        Sources.Class("""
                public static double[] F(IEnumerable<double> x)
                {
                    double total = 0;
                    double first = Math.Exp(1);
                    double max = double.NegativeInfinity;
                    foreach (double v in x)
                    {
                        max = Math.Max(max, v);
                    }

                    foreach (double v in x)
                        total += double.Exp(v - max);
                    return x.Select(v => Math.Exp(v - max) / total).Append(first).ToArray();
                }
            """));

    [Fact]
    public Task Exponential_in_a_local_guarded_division_and_reciprocal_sum_two_diagnostics_in_one_type() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double[] F(double[] x, double t)
                {
                    var y = new double[x.Length];
                    double sum = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        double e = {|SMX0001:Math.Exp(x[i] / t)|};
                        y[i] = e;
                        sum += e;
                    }

                    for (int i = 0; i < x.Length; i++)
                        y[i] = sum == 0 ? 0 : y[i] / sum;
                    return y;
                }

                public static float[] G(float[] x)
                {
                    var y = new float[x.Length];
                    float sum = 0f;
                    for (int i = 0; i < x.Length; i++)
                    {
                        y[i] = {|SMX0001:MathF.Exp(x[i])|};
                        sum += y[i];
                    }

                    sum = 1f / sum;
                    for (int i = 0; i < x.Length; i++)
                        y[i] *= sum;
                    return y;
                }
            """),
        Sources.Class("""
                public static double[] F(double[] x, double t)
                {
                    var y = new double[x.Length];
                    double sum = 0;
                    double max = double.NegativeInfinity;
                    for (int i = 0; i < x.Length; i++)
                    {
                        max = Math.Max(max, x[i] / t);
                    }

                    for (int i = 0; i < x.Length; i++)
                    {
                        double e = Math.Exp(x[i] / t - max);
                        y[i] = e;
                        sum += e;
                    }

                    for (int i = 0; i < x.Length; i++)
                        y[i] = sum == 0 ? 0 : y[i] / sum;
                    return y;
                }

                public static float[] G(float[] x)
                {
                    var y = new float[x.Length];
                    float sum = 0f;
                    float max = float.NegativeInfinity;
                    for (int i = 0; i < x.Length; i++)
                    {
                        max = Math.Max(max, x[i]);
                    }

                    for (int i = 0; i < x.Length; i++)
                    {
                        y[i] = MathF.Exp(x[i] - max);
                        sum += y[i];
                    }

                    sum = 1f / sum;
                    for (int i = 0; i < x.Length; i++)
                        y[i] *= sum;
                    return y;
                }
            """));

    [Fact]
    public Task Guarded_divisions_by_a_floored_sum_and_under_if() => Verifier.VerifyAsync(
        Sources.Class("""
                public static void F(float[] x, float[] y)
                {
                    float sum = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        var e = {|SMX0001:MathF.Exp(x[i])|};
                        y[i] = e;
                        sum += e;
                    }

                    if (sum > 0)
                    {
                        for (int i = 0; i < x.Length; i++)
                            y[i] /= MathF.Max(sum, 1e-12f);
                    }
                }
            """),
        Sources.Class("""
                public static void F(float[] x, float[] y)
                {
                    float sum = 0;
                    float max = float.NegativeInfinity;
                    for (int i = 0; i < x.Length; i++)
                    {
                        max = Math.Max(max, x[i]);
                    }

                    for (int i = 0; i < x.Length; i++)
                    {
                        var e = MathF.Exp(x[i] - max);
                        y[i] = e;
                        sum += e;
                    }

                    if (sum > 0)
                    {
                        for (int i = 0; i < x.Length; i++)
                            y[i] /= MathF.Max(sum, 1e-12f);
                    }
                }
            """));

    [Fact]
    public Task Scores_computed_in_the_loop_get_a_score_pass() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double[] F(double[][] w, double[] h, double[] b)
                {
                    var e = new double[b.Length];
                    double sum = 0;
                    for (int k = 0; k < b.Length; k++)
                    {
                        double z = b[k];
                        for (int j = 0; j < h.Length; j++)
                            z += w[k][j] * h[j];
                        e[k] = {|SMX0001:Math.Exp(z)|};
                        sum += e[k];
                    }

                    for (int k = 0; k < b.Length; k++)
                        e[k] /= sum;
                    return e;
                }
            """),
        Sources.Class("""
                public static double[] F(double[][] w, double[] h, double[] b)
                {
                    var e = new double[b.Length];
                    double sum = 0;
                    double max = double.NegativeInfinity;
                    for (int k = 0; k < b.Length; k++)
                    {
                        double z = b[k];
                        for (int j = 0; j < h.Length; j++)
                            z += w[k][j] * h[j];
                        e[k] = z;
                        max = Math.Max(max, e[k]);
                    }

                    for (int k = 0; k < b.Length; k++)
                    {
                        e[k] = Math.Exp(e[k] - max);
                        sum += e[k];
                    }

                    for (int k = 0; k < b.Length; k++)
                        e[k] /= sum;
                    return e;
                }
            """));

    [Fact]
    public Task TensorPrimitives_exp_into_a_span_whose_length_is_checked_first() => Verifier.VerifyAsync(
        Sources.Class("""
                public static void F(ReadOnlySpan<float> x, Span<float> y)
                {
                    if (x.Length != y.Length)
                        throw new ArgumentException("Lengths differ.", nameof(y));
                    {|SMX0001:TensorPrimitives.Exp(x, y)|};
                    TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
                }
            """),
        Sources.Class("""
                public static void F(ReadOnlySpan<float> x, Span<float> y)
                {
                    if (x.Length != y.Length)
                        throw new ArgumentException("Lengths differ.", nameof(y));
                    TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y);
                    TensorPrimitives.Exp(y, y);
                    TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
                }
            """));

    [Fact]
    public Task Fix_all_scores_and_a_length_checked_tensor_destination_in_one_type() => Verifier.VerifyAsync(
        Sources.Class("""
                public static float[] Heads(float[] w, float[] b, float h)
                {
                    var p = new float[b.Length];
                    float total = 0f;
                    for (int k = 0; k < b.Length; k++)
                    {
                        float z = w[k] * h + b[k];
                        p[k] = {|SMX0001:MathF.Exp(z)|};
                        total += p[k];
                    }

                    total = 1f / total;
                    for (int k = 0; k < b.Length; k++)
                        p[k] *= total;
                    return p;
                }

                public static void Probabilities(ReadOnlySpan<double> x, Span<double> y)
                {
                    if (y.Length != x.Length) return;
                    {|SMX0001:TensorPrimitives.Exp(x, y)|};
                    double s = TensorPrimitives.Sum<double>(y);
                    TensorPrimitives.Divide<double>(y, s, y);
                }
            """),
        Sources.Class("""
                public static float[] Heads(float[] w, float[] b, float h)
                {
                    var p = new float[b.Length];
                    float total = 0f;
                    float max = float.NegativeInfinity;
                    for (int k = 0; k < b.Length; k++)
                    {
                        float z = w[k] * h + b[k];
                        p[k] = z;
                        max = Math.Max(max, p[k]);
                    }

                    for (int k = 0; k < b.Length; k++)
                    {
                        p[k] = MathF.Exp(p[k] - max);
                        total += p[k];
                    }

                    total = 1f / total;
                    for (int k = 0; k < b.Length; k++)
                        p[k] *= total;
                    return p;
                }

                public static void Probabilities(ReadOnlySpan<double> x, Span<double> y)
                {
                    if (y.Length != x.Length) return;
                    TensorPrimitives.Subtract<double>(x, TensorPrimitives.Max<double>(x), y);
                    TensorPrimitives.Exp<double>(y, y);
                    double s = TensorPrimitives.Sum<double>(y);
                    TensorPrimitives.Divide<double>(y, s, y);
                }
            """));

    public static TheoryData<string> Unfixable => new()
    {
        // while loops over part of the collection, sums in arrays or in fields used by other members, mixed loop/LINQ:
        // reported, not fixed
        """
        static double[] F(double[] x, int n) { var e = new double[n]; double s = 0; int i = 0; while (i < n) { e[i] = {|SMX0001:Math.Exp(x[i])|}; s += e[i]; i++; } i = 0; while (i < n) { e[i] /= s; i++; } return e; }
        """,
        """
        static void F(double[][] x, double[] sums) { for (int r = 0; r < x.Length; r++) for (int c = 0; c < x[r].Length; c++) sums[r] += {|SMX0001:Math.Exp(x[r][c])|}; for (int r = 0; r < x.Length; r++) for (int c = 0; c < x[r].Length; c++) x[r][c] = Math.Exp(x[r][c]) / sums[r]; }
        """,
        """
        private double _sum;
        public void Fit(double[] x) { _sum = 0; foreach (var v in x) _sum += {|SMX0001:Math.Exp(v)|}; }
        public double P(double v) => Math.Exp(v) / _sum;
        """,
        """
        static double[] F(double[] x) { double s = 0; var y = x; foreach (var v in x) s += {|SMX0001:Math.Exp(v)|}; return y.Select(v => Math.Exp(v) / s).ToArray(); }
        """,
        """
        static void F(ReadOnlySpan<float> x, Span<float> y) { {|SMX0001:TensorPrimitives.Exp(x, y)|}; TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y); }
        """,
        """
        static float F(float[] x) { var e = new float[x.Length]; {|SMX0001:TensorPrimitives.Exp(x, e)|}; float s = TensorPrimitives.Sum(e); TensorPrimitives.Divide(e, s, e); return MathF.Log(s); }
        """,
        """
        static double[] F(double[] x) { var e = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { e[i] = {|SMX0001:Math.Exp(x[i])|}; s += e[i]; } Console.WriteLine(s); for (int i = 0; i < x.Length; i++) e[i] /= s; return e; }
        """,
        """
        static double F(double[] x) { var e = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { e[i] = {|SMX0001:Math.Exp(x[i])|}; s += e[i]; } double inv = 1 / s; for (int i = 0; i < x.Length; i++) e[i] *= inv; return x.Length * inv; }
        """,
        // The exponential in a local that is also read for something else than the store, the sum and the division.
        """
        static double[] F(double[] x, out double mean) { var y = new double[x.Length]; double sum = 0; mean = 0; for (int i = 0; i < x.Length; i++) { var e = {|SMX0001:Math.Exp(x[i])|}; y[i] = e; sum += e; mean += e * x[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }
        """,
        // Scores computed in the loop with side effects, an early exit, a call that may not be pure, or read later.
        """
        private int _calls;
        double[] F(double[] x) { var e = new double[x.Length]; double sum = 0; for (int k = 0; k < x.Length; k++) { double z = x[k]; _calls++; e[k] = {|SMX0001:Math.Exp(z)|}; sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }
        """,
        """
        static double Score(double v) => v;
        static double[] F(double[] x) { var e = new double[x.Length]; double sum = 0; for (int k = 0; k < x.Length; k++) { double z = Score(x[k]); e[k] = {|SMX0001:Math.Exp(z)|}; sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }
        """,
        """
        static double[] F(double[] x) { var e = new double[x.Length]; double sum = 0; for (int k = 0; k < x.Length; k++) { double z = 0; for (int j = 0; j < x.Length; j++) { if (x[j] > 5) break; z += x[j]; } e[k] = {|SMX0001:Math.Exp(z)|}; sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }
        """,
        """
        static double[] F(double[] x, double[] logits) { var e = new double[x.Length]; double sum = 0; for (int k = 0; k < x.Length; k++) { double z = 2 * x[k]; e[k] = {|SMX0001:Math.Exp(z)|}; logits[k] = z; sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }
        """,
        """
        static double[] F(double[] x) { var e = new double[x.Length]; double sum = 0; for (int k = 0; k < x.Length; k++) { double z = k > 0 ? e[k - 1] : x[k]; e[k] = {|SMX0001:Math.Exp(z)|}; sum += e[k]; } for (int k = 0; k < x.Length; k++) e[k] /= sum; return e; }
        """,
        // A destination of unknown length: a check that does not prove equal lengths, or one after the call.
        """
        static void F(ReadOnlySpan<float> x, Span<float> y) { if (x.Length > y.Length) throw new ArgumentException(); {|SMX0001:TensorPrimitives.Exp(x, y)|}; TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y); }
        """,
        """
        static void F(ReadOnlySpan<float> x, Span<float> y, Span<float> z) { if (x.Length != y.Length) return; y = z; {|SMX0001:TensorPrimitives.Exp(x, y)|}; TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y); }
        """,
        // The local copied to two places (the second could be returned unnormalized); divided and then multiplied.
        """
        static double[] F(double[] x, double[] raw) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { var e = {|SMX0001:Math.Exp(x[i])|}; raw[i] = e; y[i] = e; sum += e; } for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }
        """,
        """
        static void F(double[] x, double[] y) { double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i])|}; sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum; sum = 1 / sum; for (int i = 0; i < x.Length; i++) y[i] *= sum; }
        """,
        // Guards that change meaning when the sum is scaled: a non-zero threshold, a floor that is not small.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i])|}; sum += y[i]; } if (sum > 1e-10) { for (int i = 0; i < x.Length; i++) y[i] /= sum; } return y; }
        """,
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i])|}; sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= Math.Max(sum, 1.0); return y; }
        """,
        // A term added to the divisor that does not scale with the shift: a constant that is no epsilon, a variable.
        """
        static float[] F(float[] x) { var y = new float[x.Length]; float sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:MathF.Exp(x[i])|}; sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum + 1000f; return y; }
        """,
        """
        static double[] F(double[] x, double prior) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i])|}; sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= prior + sum; return y; }
        """,
        // sum = 1 / sum, then the reciprocal is used for something else than multiplying the exponentials.
        """
        static double F(double[] x, double[] y) { double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i])|}; sum += y[i]; } sum = 1 / sum; for (int i = 0; i < x.Length; i++) y[i] *= sum; return sum; }
        """,
        """
        static void F(double[] x, double[] y) { double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i])|}; sum += y[i]; } for (int k = 0; k < 1; k++) sum = 1 / sum; for (int i = 0; i < x.Length; i++) y[i] *= sum; }
        """,
    };

    [Theory]
    [MemberData(nameof(Unfixable))]
    public Task No_fix_where_the_shape_cannot_be_fixed_safely(string members) => Verifier.VerifyAsync(Sources.Class(members), Sources.Class(members));
}
