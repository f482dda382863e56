using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;
using Softmax = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// Uses of the sum and of the exponentials that the shift keeps because they are of degree zero in its factor: the
/// softmax derivative <c>(e * s - e * e) / (s * s)</c>. Uses of another degree keep the fix away.
/// </summary>
public class ScaleInvariantFixTests
{
    private const string Derivative = """
            public static double Derivative(double[] inputs, int index)
            {
                double expSum = 0;
                for (int i = 0; i < inputs.Length; i++)
                {
                    expSum += {|SMX0001:Math.Exp(inputs[i])|};
                }

                double ex = Math.Exp(inputs[index]);

                return (ex * expSum - ex * ex) / (expSum * expSum);
            }
        """;

    private static Task Verify(string members, string fixedMembers) =>
        new Softmax.Test { TestCode = Sources.Class(members), FixedCode = Sources.Class(fixedMembers) }.RunAsync(CancellationToken.None);

    [Fact]
    public Task Softmax_derivative_is_shifted() => Verify(
        Derivative,
        """
            public static double Derivative(double[] inputs, int index)
            {
                double expSum = 0;
                double max = double.NegativeInfinity;
                for (int i = 0; i < inputs.Length; i++)
                {
                    max = Math.Max(max, inputs[i]);
                }

                for (int i = 0; i < inputs.Length; i++)
                {
                    expSum += Math.Exp(inputs[i] - max);
                }

                double ex = Math.Exp(inputs[index] - max);

                return (ex * expSum - ex * ex) / (expSum * expSum);
            }
        """);

    [Theory]
    // Degree 1 and -1: the shift would scale the result.
    [InlineData("return ex * expSum / expSum;")]
    [InlineData("return ex / (expSum * expSum);")]
    // Not homogeneous: the added constant does not scale (an epsilon up to 1e-3 would: the shifted square is at least 1).
    [InlineData("return (ex * expSum - ex * ex) / (expSum * expSum + 1.0);")]
    [InlineData("return (ex * expSum - ex * ex) / (expSum * ex + 1e-3);")]
    [InlineData("return (ex * expSum - ex) / (expSum * expSum);")]
    public Task Other_degrees_are_not_fixed(string returned)
    {
        string members = Derivative.Replace("return (ex * expSum - ex * ex) / (expSum * expSum);", returned, StringComparison.Ordinal);
        return Verify(members, members);
    }

    [Fact]
    public Task Derivative_over_a_squared_sum_kept_in_a_local_is_shifted() => Verify(
        """
            public static float[] Delta(float[] inputs)
            {
                float[] outputs = new float[inputs.Length];
                float normSum = 0;
                for (int j = 0; j < inputs.Length; j++)
                {
                    outputs[j] = {|SMX0001:MathF.Exp(inputs[j])|};
                    normSum += outputs[j];
                }

                float normSum_sq = normSum * normSum + 0.001f;
                for (int j = 0; j < inputs.Length; j++)
                    outputs[j] = outputs[j] * (normSum - outputs[j]) / normSum_sq;
                return outputs;
            }
        """,
        """
            public static float[] Delta(float[] inputs)
            {
                float[] outputs = new float[inputs.Length];
                float normSum = 0;
                float max = float.NegativeInfinity;
                for (int j = 0; j < inputs.Length; j++)
                {
                    max = Math.Max(max, inputs[j]);
                }

                for (int j = 0; j < inputs.Length; j++)
                {
                    outputs[j] = MathF.Exp(inputs[j] - max);
                    normSum += outputs[j];
                }

                float normSum_sq = normSum * normSum + 0.001f;
                for (int j = 0; j < inputs.Length; j++)
                    outputs[j] = outputs[j] * (normSum - outputs[j]) / normSum_sq;
                return outputs;
            }
        """);

    [Theory]
    // The local is read where its degree is not cancelled, or holds more than the sum.
    [InlineData("return outputs;", "outputs[0] = normSum_sq; return outputs;")]
    [InlineData("float normSum_sq = normSum * normSum + 0.001f;", "float normSum_sq = normSum * outputs[0] + 0.001f;")]
    [InlineData("float normSum_sq = normSum * normSum + 0.001f;", "float normSum_sq = normSum * normSum + 0.5f;")]
    public Task Derived_locals_that_do_not_cancel_are_not_fixed(string from, string to)
    {
        string members = """
                public static float[] Delta(float[] inputs)
                {
                    float[] outputs = new float[inputs.Length];
                    float normSum = 0;
                    for (int j = 0; j < inputs.Length; j++)
                    {
                        outputs[j] = {|SMX0001:MathF.Exp(inputs[j])|};
                        normSum += outputs[j];
                    }

                    float normSum_sq = normSum * normSum + 0.001f;
                    for (int j = 0; j < inputs.Length; j++)
                        outputs[j] = outputs[j] * (normSum - outputs[j]) / normSum_sq;
                    return outputs;
                }
            """.Replace(from, to, StringComparison.Ordinal);
        return Verify(members, members);
    }

    [Fact]
    public async Task Fixed_derivative_keeps_small_results_and_is_finite_for_large_inputs()
    {
        string original = Sources.Class(Derivative.Replace("{|SMX0001:", "", StringComparison.Ordinal).Replace(")|}", ")", StringComparison.Ordinal)
            + "\n    public static double F(double[] x) => Derivative(x, 0);");
        string fixedSource = await FixRunner.ApplyAllAsync(original, new NaiveSoftmaxAnalyzer(), new NaiveSoftmaxCodeFixProvider());
        Assert.NotEqual(original, fixedSource);
        using CompiledCode before = CompiledCode.Compile(original);
        using CompiledCode after = CompiledCode.Compile(fixedSource);
        foreach (double[] x in new[] { new[] { 1.0, 2.0, 3.0 }, new[] { 0.5, -1.0, 2.0, 0.0 } })
        {
            double expected = (double)before.Invoke("C", "F", x)!;
            double actual = (double)after.Invoke("C", "F", x)!;
            Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Abs(expected), $"{expected:R} vs {actual:R}\n{fixedSource}");
        }

        double[] large = { 1000.0, 999.0, 0.0 };
        Assert.True(double.IsNaN((double)before.Invoke("C", "F", large)!));
        double p = 1 / (1 + Math.Exp(-1) + Math.Exp(-1000));
        Assert.Equal(p * (1 - p), (double)after.Invoke("C", "F", large)!, 12);
    }
}
