using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

public class NaiveLogSumExpAnalyzerTests
{
    private static Task Verify(string members) => AnalyzerVerifier<NaiveLogSumExpAnalyzer>.VerifyAsync(Sources.Class(members));

    public static TheoryData<string> Positives => new()
    {
        """
        static double Lse(double[] x) { double s = 0; foreach (var v in x) s += Math.Exp(v); return {|SMX0002:Math.Log(s)|}; }
        """,
        """
        static float Lse(float[] x) { float s = 0; for (int i = 0; i < x.Length; i++) s += MathF.Exp(x[i]); return {|SMX0002:MathF.Log(s)|}; }
        """,
        """
        static double Lse(double[] x) => {|SMX0002:Math.Log(x.Sum(Math.Exp))|};
        """,
        """
        static double Lse(IEnumerable<double> x) => {|SMX0002:Math.Log(x.Select(v => Math.Exp(v)).Sum())|};
        """,
        """
        static double Softplus(double x) => {|SMX0002:Math.Log(1 + Math.Exp(x))|};
        """,
        """
        static float Softplus(float x) => {|SMX0002:MathF.Log(MathF.Exp(x) + 1f)|};
        """,
        """
        static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> => {|SMX0002:T.Log(T.One + T.Exp(x))|};
        """,
        """
        static double LogAddExp(double a, double b) => {|SMX0002:Math.Log(Math.Exp(a) + Math.Exp(b))|};
        """,
        """
        static T Lse<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T> { T s = T.Zero; foreach (T v in x) s += T.Exp(v); return {|SMX0002:T.Log(s)|}; }
        """,
    };

    public static TheoryData<string> Negatives => new()
    {
        """
        static double Lse(double[] x) { double m = x.Max(); double s = 0; foreach (var v in x) s += Math.Exp(v - m); return m + Math.Log(s); }
        """,
        """
        static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));
        """,
        """
        static double Softplus(double x) { if (x > 20) return x; return Math.Log(1 + Math.Exp(x)); }
        """,
        """
        static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
        """,
        """
        static float Lse(float[] x) { float m = x.Max(); return m + MathF.Log(x.Sum(v => MathF.Exp(v - m))); }
        """,
        """
        static double Entropy(double[] p) { double h = 0; foreach (var v in p) h -= v * Math.Log(v); return h; }
        static double LogExp(double x) => Math.Log(Math.Exp(x));
        """,
        """
        static double LogAdd(double a, double b) { double lo = Math.Min(a, b), hi = Math.Max(a, b); return hi - lo > 40 ? hi : hi + Math.Log(Math.Exp(lo - hi) + 1.0); }
        static double Log1p(double x) => Math.Abs(x) > 1e-4 ? Math.Log(1.0 + x) : (1 - 0.5 * x) * x;
        static readonly double LogTen = Math.Log(10);
        """,
        """
        static double Lse(double[] v) { if (v.Length == 0) return double.NegativeInfinity; double a = v.Max(); double s = 0; for (int i = 0; i < v.Length; i++) s += Math.Exp(v[i] - a); return a + Math.Log(s); }
        static double InverseSoftplus(double y) => Math.Log(Math.Exp(y) - 1);
        """,
    };

    [Theory]
    [MemberData(nameof(Positives))]
    public Task Reports_naive_log_sum_exp(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Negatives))]
    public Task Silent_on_stable_forms(string members) => Verify(members);
}
