using System.Threading;
using System.Threading.Tasks;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using LogSumExp = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveLogSumExpAnalyzer, SoftmaxGenerators.CodeFixes.NaiveLogSumExpCodeFixProvider>;
using Softmax = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>Fixes for the exponentials and logs that are not System.Math: they keep the user's functions and compile,
/// or are not offered.</summary>
public class RealCodeShapesFixTests
{
    private static Task VerifyLogSumExp(string members, string fixedMembers, string usings = "")
    {
        var test = new LogSumExp.Test { TestCode = usings + Sources.Class(members), FixedCode = usings + Sources.Class(fixedMembers) };
        test.TestState.Sources.Add(("Unity.cs", Sources.UnityStubs));
        test.FixedState.Sources.Add(("Unity.cs", Sources.UnityStubs));
        return test.RunAsync(CancellationToken.None);
    }

    private static Task VerifySoftmax(string members, string fixedMembers)
    {
        var test = new Softmax.Test { TestCode = Sources.Class(members), FixedCode = Sources.Class(fixedMembers) };
        test.TestState.Sources.Add(("Unity.cs", Sources.UnityStubs));
        test.FixedState.Sources.Add(("Unity.cs", Sources.UnityStubs));
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Unity_softplus_keeps_Mathf() => VerifyLogSumExp(
        "static float Softplus(float x) => {|SMX0002:UnityEngine.Mathf.Log(1f + UnityEngine.Mathf.Exp(x))|};",
        "static float Softplus(float x) => UnityEngine.Mathf.Max(x, 0f) + UnityEngine.Mathf.Log(1f + UnityEngine.Mathf.Exp(-UnityEngine.Mathf.Abs(x)));");

    [Fact]
    public Task Unity_mathematics_softplus_uses_lower_case_math() => VerifyLogSumExp(
        "static float Softplus(float x) { float v = {|SMX0002:Unity.Mathematics.math.log(Unity.Mathematics.math.exp(x) + 1f)|}; return v; }",
        "static float Softplus(float x) { float v = Unity.Mathematics.math.max(x, 0f) + Unity.Mathematics.math.log(1f + Unity.Mathematics.math.exp(-Unity.Mathematics.math.abs(x))); return v; }");

    [Fact]
    public Task Using_static_softplus_keeps_bare_names() => VerifyLogSumExp(
        "static double Softplus(double x) { return {|SMX0002:Log(1.0 + Exp(x))|}; }",
        "static double Softplus(double x) { return Max(x, 0.0) + Log(1.0 + Exp(-Abs(x))); }",
        "using static System.Math;\n");

    [Fact]
    public Task Using_static_softplus_qualifies_a_shadowed_name() => VerifyLogSumExp(
        "static int Max(int a, int b) => a; static double Softplus(double x) { return {|SMX0002:Log(1.0 + Exp(x))|}; }",
        "static int Max(int a, int b) => a; static double Softplus(double x) { return Math.Max(x, 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs(x))); }",
        "using static System.Math;\n");

    [Fact]
    public Task Log1p_softplus_is_fixed() => VerifyLogSumExp(
        "static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> => {|SMX0002:T.LogP1(T.Exp(x))|};",
        "static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> => T.Max(x, T.Zero) + T.Log(T.One + T.Exp(-T.Abs(x)));");

    [Fact]
    public Task Softplus_over_a_local_read_twice_is_not_fixed() => VerifyLogSumExp(
        "static double Softplus(double x) { var e = Math.Exp(x); return {|SMX0002:Math.Log(1 + e)|} + e; }",
        "static double Softplus(double x) { var e = Math.Exp(x); return {|SMX0002:Math.Log(1 + e)|} + e; }");

    [Fact]
    public Task Softplus_through_single_use_locals_is_fixed() => VerifyLogSumExp(
        "static float Softplus(float x) { float exp = (float)Math.Exp(x), sum = 1 + exp, ln = (float){|SMX0002:Math.Log(sum)|}; return ln; }",
        "static float Softplus(float x) { float exp = (float)Math.Exp(x), sum = 1 + exp, ln = (float)(Math.Max(x, 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs(x)))); return ln; }");

    [Fact]
    public Task Wrapper_softplus_is_not_fixed() => VerifyLogSumExp(
        "static double Ln(double v) => Math.Log(v); static double E(double v) => Math.Exp(v); static double Softplus(double x) => {|SMX0002:Ln(1 + E(x))|};",
        "static double Ln(double v) => Math.Log(v); static double E(double v) => Math.Exp(v); static double Softplus(double x) => {|SMX0002:Ln(1 + E(x))|};");

    [Fact]
    public Task Unity_softmax_is_shifted() => VerifySoftmax(
        """
            static float[] Boltzmann(float[] q)
            {
                var p = new float[q.Length];
                float sum = 0;
                for (int a = 0; a < q.Length; a++)
                {
                    p[a] = {|SMX0001:UnityEngine.Mathf.Exp(q[a])|};
                    sum += p[a];
                }

                for (int a = 0; a < q.Length; a++)
                    p[a] /= sum;
                return p;
            }
        """,
        """
            static float[] Boltzmann(float[] q)
            {
                var p = new float[q.Length];
                float sum = 0;
                float max = float.NegativeInfinity;
                for (int a = 0; a < q.Length; a++)
                {
                    max = Math.Max(max, q[a]);
                }

                for (int a = 0; a < q.Length; a++)
                {
                    p[a] = UnityEngine.Mathf.Exp(q[a] - max);
                    sum += p[a];
                }

                for (int a = 0; a < q.Length; a++)
                    p[a] /= sum;
                return p;
            }
        """);

    [Theory]
    [InlineData("static int calls; static double Scale(double v) { calls++; return v; } static double[] F(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += {|SMX0001:Math.Exp(Scale(x[i]))|}; var y = new double[x.Length]; for (int i = 0; i < x.Length; i++) y[i] = Math.Exp(Scale(x[i])) / s; return y; }")]
    [InlineData("static double[] Normalize(double[] v) { var s = v.Sum(); var r = new double[v.Length]; for (int i = 0; i < v.Length; i++) r[i] = v[i] / s; return r; } static double[] F(double[] x) { var e = new double[x.Length]; for (int i = 0; i < x.Length; i++) e[i] = {|SMX0001:Math.Exp(x[i])|}; var p = Normalize(e); p[0] += e[0]; return p; }")]
    public Task Not_fixed_when_the_shift_could_change_the_meaning(string members) => VerifySoftmax(members, members);
}
