using System.Threading.Tasks;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveLogSumExpAnalyzer, SoftmaxGenerators.CodeFixes.NaiveLogSumExpCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

public class NaiveLogSumExpCodeFixTests
{
    [Fact]
    public Task Loop_and_softplus_in_one_type() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double LogSumExp(double[] x)
                {
                    double sum = 0;
                    foreach (double v in x)
                        sum += Math.Exp(v);
                    return {|SMX0002:Math.Log(sum)|};
                }

                public static float Softplus(float x) => {|SMX0002:MathF.Log(1f + MathF.Exp(x))|};
            """),
        Sources.Class("""
                public static double LogSumExp(double[] x)
                {
                    double sum = 0;
                    double max = double.NegativeInfinity;
                    foreach (double v in x)
                    {
                        max = Math.Max(max, v);
                    }

                    foreach (double v in x)
                        sum += Math.Exp(v - max);
                    return max + Math.Log(sum);
                }

                public static float Softplus(float x) => MathF.Max(x, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));
            """));

    [Fact]
    public Task Linq_log_sum_exp() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double Lse(double[] x) => -{|SMX0002:Math.Log(x.Sum(Math.Exp))|};
            """),
        Sources.Class("""
                public static double Lse(double[] x)
                {
                    double max = x.Max();
                    return -(max + Math.Log(x.Sum(v => Math.Exp(v - max))));
                }
            """));

    [Fact]
    public Task Generic_softplus() => Verifier.VerifyAsync(
        Sources.Class("""
                public static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> => {|SMX0002:T.Log(T.One + T.Exp(x))|};
                public static double Loss(double margin) => 0.5 * {|SMX0002:Math.Log(1 + Math.Exp(-margin))|};
            """),
        Sources.Class("""
                public static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> => T.Max(x, T.Zero) + T.Log(T.One + T.Exp(-T.Abs(x)));
                public static double Loss(double margin) => 0.5 * (Math.Max(-margin, 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs(-margin))));
            """));

    [Theory]
    [InlineData("static double LogAddExp(double a, double b) => {|SMX0002:Math.Log(Math.Exp(a) + Math.Exp(b))|};")]
    [InlineData("static double Softplus(Func<double> f) => {|SMX0002:Math.Log(1 + Math.Exp(f()))|};")]
    [InlineData("static double Lse(double[] x) { double s = 0; foreach (var v in x) s += Math.Exp(v); Console.WriteLine(s); return {|SMX0002:Math.Log(s)|}; }")]
    public Task No_fix_for_unsupported_shapes(string members) => Verifier.VerifyAsync(Sources.Class(members), Sources.Class(members));

    [Fact]
    public Task Scores_in_the_loop_and_an_exponential_in_a_local_in_one_type() => Verifier.VerifyAsync(
        Sources.Class("""
                public static double Forward(double[] alpha, double[,] trans, int k)
                {
                    double sum = 0;
                    for (int j = 0; j < alpha.Length; j++)
                    {
                        double score = alpha[j] + trans[j, k];
                        sum += Math.Exp(score);
                    }

                    return {|SMX0002:Math.Log(sum)|};
                }

                public static float Lse(float[] x)
                {
                    float s = 0f;
                    for (int i = 0; i < x.Length; i++)
                    {
                        float e = MathF.Exp(x[i]);
                        s += e;
                    }

                    return {|SMX0002:MathF.Log(s)|};
                }
            """),
        Sources.Class("""
                public static double Forward(double[] alpha, double[,] trans, int k)
                {
                    double sum = 0;
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < alpha.Length; j++)
                    {
                        double score = alpha[j] + trans[j, k];
                        max = Math.Max(max, score);
                    }

                    for (int j = 0; j < alpha.Length; j++)
                    {
                        double score = alpha[j] + trans[j, k];
                        sum += Math.Exp(score - max);
                    }

                    return max + Math.Log(sum);
                }

                public static float Lse(float[] x)
                {
                    float s = 0f;
                    float max = float.NegativeInfinity;
                    for (int i = 0; i < x.Length; i++)
                    {
                        max = Math.Max(max, x[i]);
                    }

                    for (int i = 0; i < x.Length; i++)
                    {
                        float e = MathF.Exp(x[i] - max);
                        s += e;
                    }

                    return max + MathF.Log(s);
                }
            """));

    [Theory]
    [InlineData("static double F(double[] x) { double s = 0; int calls = 0; for (int k = 0; k < x.Length; k++) { double z = x[k]; calls++; s += Math.Exp(z); } return {|SMX0002:Math.Log(s)|} + calls; }")]
    [InlineData("static double F(double[] x) { double s = 0; double carry = 0; for (int k = 0; k < x.Length; k++) { double z = x[k] + carry; s += Math.Exp(z); carry = z; } return {|SMX0002:Math.Log(s)|}; }")]
    [InlineData("static double Next(double v) => v; static double F(double[] x) { double s = 0; foreach (var v in x) { double z = Next(v); s += Math.Exp(z); } return {|SMX0002:Math.Log(s)|}; }")]
    public Task No_fix_for_scores_with_side_effects_carried_state_or_calls(string members) =>
        Verifier.VerifyAsync(Sources.Class(members), Sources.Class(members));
}
