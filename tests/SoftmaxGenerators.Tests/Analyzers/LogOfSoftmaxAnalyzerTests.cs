using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

public class LogOfSoftmaxAnalyzerTests
{
    private const string Helpers = """
        static double[] Softmax(double[] x) { double m = x.Max(); var e = x.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        static double[] LogSoftmax(double[] x) { double m = x.Max(); double l = m + Math.Log(x.Sum(v => Math.Exp(v - m))); return x.Select(v => v - l).ToArray(); }

        """;

    private static Task Verify(string members) => AnalyzerVerifier<LogOfSoftmaxAnalyzer>.VerifyAsync(Sources.Class(Helpers + members));

    public static TheoryData<string> Positives => new()
    {
        """
        static double Loss(double[] logits, int label) { var p = Softmax(logits); return -{|SMX0003:Math.Log(p[label])|}; }
        """,
        """
        static double Loss(double[] logits, int label) => -{|SMX0003:Math.Log(Softmax(logits)[label])|};
        """,
        """
        static double[] LogProbs(double[] logits) { var p = Softmax(logits); return p.Select(v => {|SMX0003:Math.Log(v)|}).ToArray(); }
        """,
        """
        static double[] LogProbs(double[] logits) => Softmax(logits).Select(q => {|SMX0003:Math.Log(q)|}).ToArray();
        """,
        """
        static double CrossEntropy(double[] logits, double[] y) { var p = Softmax(logits); double loss = 0; for (int i = 0; i < y.Length; i++) loss -= y[i] * {|SMX0003:Math.Log(p[i])|}; return loss; }
        """,
        """
        static float Loss(ReadOnlySpan<float> logits, int label) { Span<float> p = stackalloc float[logits.Length]; TensorPrimitives.SoftMax(logits, p); return -{|SMX0003:MathF.Log(p[label])|}; }
        """,
        """
        static double Loss(double[] x, int label) { double m = x.Max(); var e = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { e[i] = Math.Exp(x[i] - m); s += e[i]; } for (int i = 0; i < e.Length; i++) e[i] /= s; return -{|SMX0003:Math.Log(e[label])|}; }
        """,
    };

    public static TheoryData<string> Negatives => new()
    {
        """
        static void ClipInPlace(double[] p, double eps) { for (int i = 0; i < p.Length; i++) p[i] = Math.Clamp(p[i], eps, 1 - eps); }
        static double F(double[] x, int k) { var p = Softmax(x); ClipInPlace(p, 1e-7); return -Math.Log(p[k]); }
        """,
        """
        static double F(double[] x, int k) { var p = Softmax(x); for (int i = 0; i < p.Length; i++) p[i] = Math.Max(p[i], 1e-12); return -Math.Log(p[k]); }
        """,
        """
        static double SoftmaxCrossEntropy(double[] logits, int label) => LogSoftmax(logits)[label];
        static double F(double[] x) { double loss = SoftmaxCrossEntropy(x, 0); return Math.Log(loss); }
        """,
        """
        static double Loss(double[] logits, int label) => -LogSoftmax(logits)[label];
        """,
        """
        static double Entropy(double[] p) { double h = 0; foreach (var v in p) h -= v * Math.Log(v); return h; }
        """,
        """
        static double Loss(double[] logits, int label) { var p = Softmax(logits); return -Math.Log(Math.Max(p[label], 1e-12)); }
        """,
        """
        static double Loss(double[] logits, int label) { double m = logits.Max(); double lse = m + Math.Log(logits.Sum(v => Math.Exp(v - m))); return lse - logits[label]; }
        """,
    };

    /// <summary>fastText (catalyst): the callee fills state.Output through an alias and scales it with a library
    /// multiply by the reciprocal of the sum; the caller logs state.Output[target], and only that member.</summary>
    [Fact]
    public Task Log_of_a_member_a_callee_filled_with_probabilities_is_reported() => Verify("""
        public class ThreadState { public float[] Hidden = new float[4]; public float[] Output = new float[3]; public float[] Gradient = new float[3]; }
        public static class SIMD { public static float Max(float[] a) => a.Max(); public static void Multiply(float[] a, float s) { for (int i = 0; i < a.Length; i++) a[i] *= s; } }
        private void ComputeOutputSoftmax(ThreadState state)
        {
            float z = 0.0f;
            float[] hidden = state.Hidden;
            float[] output = state.Output;
            for (int i = 0; i < output.Length; i++)
                output[i] = hidden[i % hidden.Length];
            float max = SIMD.Max(output);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = (float)(Math.Exp(output[i] - max));
                z += output[i];
            }
            z = 1.0f / z;
            SIMD.Multiply(output, z);
        }

        private float ComputeSoftmax(ThreadState state, int target)
        {
            ComputeOutputSoftmax(state);
            return (float)(-{|SMX0003:Math.Log(state.Output[target])|});
        }

        private float Other(ThreadState state, int target)
        {
            ComputeOutputSoftmax(state);
            return (float)(-Math.Log(state.Hidden[target]));
        }
        """);

    [Theory]
    [MemberData(nameof(Positives))]
    public Task Reports_log_of_softmax(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Negatives))]
    public Task Silent_on_log_softmax_and_unrelated_logs(string members) => Verify(members);
}
