using System;
using System.Threading.Tasks;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>Where the sum lives and what is added to it: an extra slot of the exponentials' own array (opennlp's
/// QNModel), an epsilon added to the divisor.</summary>
public class SumPlacementFixTests
{
    private const string ExtraSlot = """
            public static double[] F(double[] scores, int n)
            {
                var result = new double[n];
                var table = new double[n + 1];
                for (int k = 0; k < n; k++)
                    table[k] += scores[k];
                for (int k = 0; k < n; k++)
                {
                    table[k] = {|SMX0001:Math.Exp(table[k])|};
                    table[n] += table[k];
                }

                for (int k = 0; k < n; k++)
                    result[k] = table[k] / table[n];
                return result;
            }
        """;

    [Fact]
    public Task The_sum_in_an_extra_slot_of_the_array_is_shifted() => Verifier.VerifyAsync(
        // opennlp's QNModel: the running sum past the last outcome.
        Sources.Class(ExtraSlot),
        Sources.Class("""
                public static double[] F(double[] scores, int n)
                {
                    var result = new double[n];
                    var table = new double[n + 1];
                    for (int k = 0; k < n; k++)
                        table[k] += scores[k];
                    double max = double.NegativeInfinity;
                    for (int k = 0; k < n; k++)
                    {
                        max = Math.Max(max, table[k]);
                    }

                    for (int k = 0; k < n; k++)
                    {
                        table[k] = Math.Exp(table[k] - max);
                        table[n] += table[k];
                    }

                    for (int k = 0; k < n; k++)
                        result[k] = table[k] / table[n];
                    return result;
                }
            """));

    [Theory]
    // The slot may not start at zero, is read for something else, or the array leaves the method.
    [InlineData("var table = new double[n + 1];", "var table = new double[n + 1]; table[n] = 1;")]
    [InlineData("for (int k = 0; k < n; k++)\n            table[k] += scores[k];", "for (int k = 0; k <= n; k++)\n            table[k] += scores[k];")]
    [InlineData("return result;", "result[0] += table[n]; return result;")]
    [InlineData("return result;", "Array.Clear(table); return result;")]
    public Task The_sum_in_an_extra_slot_that_the_shift_could_change_is_not_fixed(string from, string to)
    {
        string members = ExtraSlot.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(ExtraSlot, members);
        return Verifier.VerifyAsync(Sources.Class(members), Sources.Class(members));
    }

    [Fact]
    public Task An_epsilon_added_to_the_divisor_stays() => Verifier.VerifyAsync(
        Sources.Class("""
                public static float[] F(float[] x)
                {
                    var y = new float[x.Length];
                    float sum = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        y[i] = {|SMX0001:MathF.Exp(x[i])|};
                        sum += y[i];
                    }

                    for (int i = 0; i < x.Length; i++)
                        y[i] /= sum + 0.001f;
                    return y;
                }
            """),
        Sources.Class("""
                public static float[] F(float[] x)
                {
                    var y = new float[x.Length];
                    float sum = 0;
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

                    for (int i = 0; i < x.Length; i++)
                        y[i] /= sum + 0.001f;
                    return y;
                }
            """));
}
