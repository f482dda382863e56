using System.Threading;
using System.Threading.Tasks;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveLogisticAnalyzer, SoftmaxGenerators.CodeFixes.NaiveLogisticCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

public class NaiveLogisticCodeFixTests
{
    [Theory]
    [InlineData(
        "static double S(double x) => {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|};",
        "static double S(double x) => 1 / (1 + Math.Exp(-x));")]
    [InlineData(
        "static double S(double r, double t) => {|SMX0006:(r*Math.Exp(r*t))/(Math.Log(2)*Math.Exp(t*r)+Math.Log(2))|};",
        "static double S(double r, double t) => r / (Math.Log(2) + Math.Log(2) * Math.Exp(-(t*r)));")]
    [InlineData(
        "static double S(double x, double b) => {|SMX0006:Math.Exp(x) / (b + Math.Exp(x))|};",
        "static double S(double x, double b) => 1 / (1 + b * Math.Exp(-x));")]
    [InlineData(
        "static float S(float x, float b) => {|SMX0006:MathF.Exp(x) / (1 + (b + 1) * MathF.Exp(x))|};",
        "static float S(float x, float b) => 1 / ((b + 1) + 1 * MathF.Exp(-x));")]
    [InlineData(
        "static double S(double x) => {|SMX0006:Math.Exp(x) / (Math.Exp(x) + 1.0)|};",
        "static double S(double x) => 1.0 / (Math.Exp(-x) + 1.0);")]
    [InlineData(
        "static float S(float x) => {|SMX0006:MathF.Exp(x) / (1f + MathF.Exp(x))|};",
        "static float S(float x) => 1f / (1f + MathF.Exp(-x));")]
    [InlineData(
        "static float S(float x) => {|SMX0006:float.Exp(x) / (1 + float.Exp(x))|};",
        "static float S(float x) => 1 / (1 + float.Exp(-x));")]
    [InlineData(
        "static T S<T>(T x) where T : IExponentialFunctions<T> => {|SMX0006:T.Exp(x) / (T.One + T.Exp(x))|};",
        "static T S<T>(T x) where T : IExponentialFunctions<T> => T.One / (T.One + T.Exp(-x));")]
    [InlineData(
        "static double S(double x) => {|SMX0006:Math.Pow(Math.E, x) / (1 + Math.Pow(Math.E, x))|};",
        "static double S(double x) => 1 / (1 + Math.Pow(Math.E, -x));")]
    [InlineData(
        "static double S(double x) => {|SMX0006:Math.Exp(-x) / (1 + Math.Exp(-x))|};",
        "static double S(double x) => 1 / (1 + Math.Exp(x));")]
    [InlineData(
        "static double S(double[] w, double[] v, double b) => 0.5 + {|SMX0006:Math.Exp(w[0] * v[0] + b) / (1 + Math.Exp(w[0] * v[0] + b))|};",
        "static double S(double[] w, double[] v, double b) => 0.5 + 1 / (1 + Math.Exp(-(w[0] * v[0] + b)));")]
    [InlineData(
        "static double S(double x, double a) => {|SMX0006:a * Math.Exp(x) / (1 + Math.Exp(x))|};",
        "static double S(double x, double a) => a / (1 + Math.Exp(-x));")]
    [InlineData(
        "static double S(double x, double a) => {|SMX0006:Math.Exp(x) * (a + 1) / (1 + Math.Exp(x))|};",
        "static double S(double x, double a) => (a + 1) / (1 + Math.Exp(-x));")]
    [InlineData(
        "static float S(double z) => {|SMX0006:(float)Math.Exp(z) / (1 + (float)Math.Exp(z))|};",
        "static float S(double z) => 1 / (1 + (float)Math.Exp(-z));")]
    [InlineData(
        "public virtual float Transfer(float x) => (float)({|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|});",
        "public virtual float Transfer(float x) => (float)(1 / (1 + Math.Exp(-x)));")]
    public Task Direct_form(string members, string fixedMembers) => Verifier.VerifyAsync(Sources.Class(members), Sources.Class(fixedMembers));

    [Fact]
    public Task Local_used_only_by_the_division_gets_a_negated_initializer() => Verifier.VerifyAsync(
        Sources.Class("""
                static void S(double[] x, double[] y)
                {
                    for (int i = 0; i < x.Length; i++)
                    {
                        double e = Math.Exp(x[i]);
                        y[i] = {|SMX0006:e / (1 + e)|};
                    }
                }
            """),
        Sources.Class("""
                static void S(double[] x, double[] y)
                {
                    for (int i = 0; i < x.Length; i++)
                    {
                        double e = Math.Exp(-x[i]);
                        y[i] = 1 / (1 + e);
                    }
                }
            """));

    [Fact]
    public Task Reused_local_and_field_are_kept_and_the_division_reads_a_negated_copy() => Verifier.VerifyAsync(
        Sources.Class("""
                float _k;

                double S(double v)
                {
                    double k;
                    k = Math.Exp(v);
                    Console.WriteLine(k);
                    return {|SMX0006:k / (k + 1)|};
                }

                float F(float v)
                {
                    _k = MathF.Exp(v);
                    return 2 + {|SMX0006:_k / (1 + _k)|};
                }
            """),
        Sources.Class("""
                float _k;

                double S(double v)
                {
                    double k;
                    k = Math.Exp(v);
                    Console.WriteLine(k);
                    return 1 / (Math.Exp(-v) + 1);
                }

                float F(float v)
                {
                    _k = MathF.Exp(v);
                    return 2 + 1 / (1 + MathF.Exp(-v));
                }
            """));

    [Fact]
    public Task No_fix_when_the_exponent_changes_before_the_division()
    {
        string members = """
                static double S(double v)
                {
                    double k = Math.Exp(v);
                    v = 0;
                    Console.WriteLine(k);
                    return {|SMX0006:k / (1 + k)|};
                }
            """;
        return Verifier.VerifyAsync(Sources.Class(members), Sources.Class(members));
    }

    [Fact]
    public Task Fix_all_in_one_type() => Verifier.VerifyAsync(
        Sources.Class("""
                static double A(double x) => {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|};
                static float B(float x) { var e = MathF.Exp(2 * x); return {|SMX0006:e / (e + 1)|}; }
                static double C2(double x) => {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|} - {|SMX0006:Math.Exp(-x) / (1 + Math.Exp(-x))|};
            """),
        Sources.Class("""
                static double A(double x) => 1 / (1 + Math.Exp(-x));
                static float B(float x) { var e = MathF.Exp(-(2 * x)); return 1 / (e + 1); }
                static double C2(double x) => 1 / (1 + Math.Exp(-x)) - 1 / (1 + Math.Exp(x));
            """));

    [Fact]
    public async Task Fix_all_across_two_partial_files()
    {
        var test = new Verifier.Test();
        test.TestState.Sources.Add(("A.cs", Sources.Usings + """
            public partial class Model
            {
                public static double A(double x) => {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|};
            }
            """));
        test.TestState.Sources.Add(("B.cs", Sources.Usings + """
            public partial class Model
            {
                public static float B(float x)
                {
                    float e = MathF.Exp(x);
                    return {|SMX0006:e / (1f + e)|};
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Sources.Usings + """
            public partial class Model
            {
                public static double A(double x) => 1 / (1 + Math.Exp(-x));
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Sources.Usings + """
            public partial class Model
            {
                public static float B(float x)
                {
                    float e = MathF.Exp(-x);
                    return 1f / (1f + e);
                }
            }
            """));
        await test.RunAsync(CancellationToken.None);
    }
}
