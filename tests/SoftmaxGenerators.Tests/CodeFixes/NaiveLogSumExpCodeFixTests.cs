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
}
