using System;
using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// SMX0006 fixes compile, give the original results on ordinary inputs and finite, correct results (0 or 1 in the
/// limit) where the original is NaN: x = +-1000 in double, +-100 in float.
/// </summary>
public class NaiveLogisticFixedCodeRunsTests
{
    private static readonly double[] s_ordinary = { -6.0, -1.5, -0.25, 0.0, 0.5, 2.0, 7.0 };

    public static TheoryData<string> Cases => new()
    {
        // the entry point is F(double x) or F(float x); "a" scales the logistic where it appears
        "public static double F(double x) => Math.Exp(x) / (1 + Math.Exp(x));",
        "public static double F(double x) => (x*Math.Exp(x*2))/(Math.Log(2)*Math.Exp(2*x)+Math.Log(2));",
        "public static double F(double x) => Math.Exp(x) / (0.25 + 3 * Math.Exp(x));",
        "public static double F(double x) => Math.Exp(x) / (Math.Exp(x) + 1.0);",
        "public static double F(double x) => 1 - Math.Exp(-x) / (1 + Math.Exp(-x));",
        "public static float F(float x) => MathF.Exp(x) / (1f + MathF.Exp(x));",
        "public static float F(float x) => float.Exp(x) / (float.Exp(x) + 1);",
        "public static double F(double x) => double.Exp(x) / (1 + double.Exp(x));",
        "public static double F(double x) => Math.Pow(Math.E, x) / (1 + Math.Pow(Math.E, x));",
        "public static double F(double x) => S(x); static T S<T>(T x) where T : IExponentialFunctions<T> => T.Exp(x) / (T.One + T.Exp(x));",
        "public static float F(float x) => S(x); static T S<T>(T x) where T : IFloatingPointIeee754<T> => T.Exp(x) / (T.One + T.Exp(x));",
        "public static double F(double x) { var k = Math.Exp(x); return k / (1 + k); }",
        "public static float F(float x) { float k; k = MathF.Exp(x); Console.Write(\"\"); return k / (k + 1f); }",
        "static double _k; public static double F(double x) { _k = Math.Exp(x); return _k / (1 + _k); }",
        "public static double F(double x) { var y = new double[2]; G(new[] { x, -x }, y); return y[0] - 1e-3 * y[1]; } static void G(double[] x, double[] y) { for (int i = 0; i < x.Length; i++) { double e = Math.Exp(x[i]); y[i] = e / (1 + e); } }",
        "public static double F(double x) => 3 * Math.Exp(2 * x) / (1 + Math.Exp(2 * x));",
        "public static float F(float x) => (float)Math.Exp(x) / (1 + (float)Math.Exp(x));",
        "public static double F(double x) => (float)(Math.Exp(x) / (1 + Math.Exp(x)));",
        "public static double F(double x) => x > 0 ? 2 * Math.Exp(x) / (1 + Math.Exp(x)) - 1 : Math.Tanh(x / 2);",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fixed_logistic_matches_the_original_and_is_finite_at_the_extremes(string members)
    {
        string original = Sources.Class(members);
        var analyzer = new NaiveLogisticAnalyzer();
        Assert.Contains(await FixRunner.DiagnosticsAsync(original, analyzer), d => d.Id == "SMX0006");
        string fixedSource = await FixRunner.ApplyAllAsync(original, analyzer, new NaiveLogisticCodeFixProvider());
        Assert.NotEqual(original, fixedSource);
        Assert.DoesNotContain(await FixRunner.DiagnosticsAsync(fixedSource, analyzer), d => d.Id == "SMX0006");

        bool isFloat = members.Contains("float F(", StringComparison.Ordinal);
        using CompiledCode before = CompiledCode.Compile(original);
        using CompiledCode after = CompiledCode.Compile(fixedSource);
        foreach (double x in s_ordinary)
        {
            double expected = Run(before, x, isFloat);
            double actual = Run(after, x, isFloat);
            double tolerance = isFloat ? 1e-6 : 1e-13;
            Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)),
                $"x = {x}: original {expected:R}, fixed {actual:R}\n{fixedSource}");
        }

        double large = isFloat ? 100 : 1000;
        Assert.True(double.IsNaN(Run(before, large, isFloat)) || double.IsNaN(Run(before, -large, isFloat)), "the original was expected to be NaN at one end");
        foreach (double x in new[] { large, -large })
        {
            double actual = Run(after, x, isFloat);
            double expected = Reference(members, x);
            Assert.True(double.IsFinite(actual), $"x = {x}: {actual}\n{fixedSource}");
            Assert.True(Math.Abs(expected - actual) <= 1e-12, $"x = {x}: expected {expected:R}, fixed {actual:R}\n{fixedSource}");
        }
    }

    private static double Run(CompiledCode code, double x, bool isFloat) => code.Invoke("C", "F", isFloat ? (object)(float)x : x) switch
    {
        double d => d,
        float f => f,
        var other => throw new InvalidOperationException($"unexpected result {other}"),
    };

    /// <summary>The limits: the logistic is 1 at +infinity and 0 at -infinity (scaled or mirrored as the case says).</summary>
    private static double Reference(string members, double x)
    {
        double sigmoid = x > 0 ? 1 : 0;
        if (members.Contains("1 - ", StringComparison.Ordinal))
        {
            return sigmoid;
        }

        if (members.Contains("y[0] - 1e-3 * y[1]", StringComparison.Ordinal))
        {
            return sigmoid - 1e-3 * (1 - sigmoid);
        }

        if (members.Contains("Math.Tanh", StringComparison.Ordinal))
        {
            return x > 0 ? 1 : -1;
        }

        if (members.Contains("Math.Log(2)", StringComparison.Ordinal))
        {
            return x > 0 ? x / Math.Log(2) : 0; // x e^(2x) / (ln2 e^(2x) + ln2)
        }

        if (members.Contains("0.25 + 3", StringComparison.Ordinal))
        {
            return x > 0 ? 1.0 / 3 : 0;
        }

        return members.Contains("3 * ", StringComparison.Ordinal) ? 3 * sigmoid : sigmoid;
    }
}
