using System;
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
/// The exponential under an if or a switch inside the loop (a layer whose activation is chosen per call: Noedify's
/// <c>case SoftMax:</c>). The maximum loop repeats the loop header without the condition, which is right only when the
/// condition takes the same branch on every pass.
/// </summary>
public class GuardedLoopFixTests
{
    private const string Layer = """
            public enum Act { Sigmoid, SoftMax, Linear }

            public static float[] Apply(float[] inputs, Act activation)
            {
                float[] outputs = new float[inputs.Length];
                float normSum = 0;
                for (int j = 0; j < inputs.Length; j++)
                {
                    switch (activation)
                    {
                        case Act.Sigmoid: outputs[j] = 1f / (1f + MathF.Exp(-inputs[j])); break;
                        case Act.SoftMax:
                            {
                                outputs[j] = {|SMX0001:MathF.Exp(inputs[j])|};
                                normSum += outputs[j];
                                break;
                            }
                        default: outputs[j] = inputs[j]; break;
                    }
                }

                if (activation == Act.SoftMax)
                {
                    for (int j = 0; j < inputs.Length; j++)
                        outputs[j] /= normSum + 0.001f;
                }

                return outputs;
            }
        """;

    private static Task Verify(string members, string fixedMembers) =>
        new Softmax.Test { TestCode = Sources.Class(members), FixedCode = Sources.Class(fixedMembers) }.RunAsync(CancellationToken.None);

    [Fact]
    public Task Softmax_case_of_a_switch_on_a_parameter_is_shifted() => Verify(
        Layer,
        """
            public enum Act { Sigmoid, SoftMax, Linear }

            public static float[] Apply(float[] inputs, Act activation)
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
                    switch (activation)
                    {
                        case Act.Sigmoid: outputs[j] = 1f / (1f + MathF.Exp(-inputs[j])); break;
                        case Act.SoftMax:
                            {
                                outputs[j] = MathF.Exp(inputs[j] - max);
                                normSum += outputs[j];
                                break;
                            }
                        default: outputs[j] = inputs[j]; break;
                    }
                }

                if (activation == Act.SoftMax)
                {
                    for (int j = 0; j < inputs.Length; j++)
                        outputs[j] /= normSum + 0.001f;
                }

                return outputs;
            }
        """);

    [Fact]
    public Task Exponential_under_an_if_on_a_field_is_shifted() => Verify(
        """
            private bool useSoftmax = true;

            public double[] F(double[] x)
            {
                var y = new double[x.Length];
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    if (useSoftmax)
                    {
                        y[i] = {|SMX0001:Math.Exp(x[i])|};
                        sum += y[i];
                    }
                    else
                        y[i] = x[i];
                }

                for (int i = 0; i < x.Length; i++)
                    y[i] /= sum;
                return y;
            }
        """,
        """
            private bool useSoftmax = true;

            public double[] F(double[] x)
            {
                var y = new double[x.Length];
                double sum = 0;
                double max = double.NegativeInfinity;
                for (int i = 0; i < x.Length; i++)
                {
                    max = Math.Max(max, x[i]);
                }

                for (int i = 0; i < x.Length; i++)
                {
                    if (useSoftmax)
                    {
                        y[i] = Math.Exp(x[i] - max);
                        sum += y[i];
                    }
                    else
                        y[i] = x[i];
                }

                for (int i = 0; i < x.Length; i++)
                    y[i] /= sum;
                return y;
            }
        """);

    private const string WithElu = """
            public enum Act { Elu, Sigmoid, SoftMax }

            public static double[] Apply(double[] x, Act activation)
            {
                var y = new double[x.Length];
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    switch (activation)
                    {
                        case Act.Elu: if (x[i] > 0) y[i] = x[i]; else y[i] = Math.Exp(x[i]) - 1; break;
                        case Act.SoftMax:
                            y[i] = {|SMX0001:Math.Exp(x[i])|};
                            sum += y[i];
                            break;
                        default: y[i] = 1.0 / (1.0 + Math.Exp(-x[i])); break;
                    }
                }

                if (activation == Act.SoftMax)
                {
                    for (int i = 0; i < x.Length; i++)
                        y[i] /= sum;
                }

                return y;
            }
        """;

    [Fact]
    public Task The_same_exponential_in_another_case_keeps_its_exponent() => Verify(
        WithElu,
        """
            public enum Act { Elu, Sigmoid, SoftMax }

            public static double[] Apply(double[] x, Act activation)
            {
                var y = new double[x.Length];
                double sum = 0;
                double max = double.NegativeInfinity;
                for (int i = 0; i < x.Length; i++)
                {
                    max = Math.Max(max, x[i]);
                }

                for (int i = 0; i < x.Length; i++)
                {
                    switch (activation)
                    {
                        case Act.Elu: if (x[i] > 0) y[i] = x[i]; else y[i] = Math.Exp(x[i]) - 1; break;
                        case Act.SoftMax:
                            y[i] = Math.Exp(x[i] - max);
                            sum += y[i];
                            break;
                        default: y[i] = 1.0 / (1.0 + Math.Exp(-x[i])); break;
                    }
                }

                if (activation == Act.SoftMax)
                {
                    for (int i = 0; i < x.Length; i++)
                        y[i] /= sum;
                }

                return y;
            }
        """);

    [Fact]
    public Task The_same_exponential_in_a_branch_chosen_per_element_keeps_the_fix_away()
    {
        string members = WithElu.Replace("switch (activation)", "switch (x[i] > 5 ? Act.Elu : activation)", StringComparison.Ordinal);
        return Verify(members, members);
    }

    private const string Corrected = """
            public static double[] F(double[] prior, double[] extra, bool corrected)
            {
                double normal = 0.0;
                for (int o = 0; o < prior.Length; o++)
                {
                    if (corrected)
                        prior[o] = {|SMX0001:Math.Exp(prior[o] + extra[o])|};
                    else
                        prior[o] = {|SMX0001:Math.Exp(prior[o])|};
                    normal += prior[o];
                }

                for (int o = 0; o < prior.Length; o++)
                    prior[o] /= normal;
                return prior;
            }
        """;

    [Fact]
    public Task Exponentials_in_both_branches_of_a_setting_get_the_maximum_of_their_branch() => Verify(
        // opennlp's GISModel: with the correction the exponent has a second term; either way one sum normalizes.
        Corrected,
        """
            public static double[] F(double[] prior, double[] extra, bool corrected)
            {
                double normal = 0.0;
                double max = double.NegativeInfinity;
                for (int o = 0; o < prior.Length; o++)
                {
                    if (corrected)
                        max = Math.Max(max, prior[o] + extra[o]);
                    else
                        max = Math.Max(max, prior[o]);
                }

                for (int o = 0; o < prior.Length; o++)
                {
                    if (corrected)
                        prior[o] = Math.Exp(prior[o] + extra[o] - max);
                    else
                        prior[o] = Math.Exp(prior[o] - max);
                    normal += prior[o];
                }

                for (int o = 0; o < prior.Length; o++)
                    prior[o] /= normal;
                return prior;
            }
        """);

    [Theory]
    // The branch is chosen per element, or a third exponential feeds the sum.
    [InlineData("if (corrected)", "if (extra[o] > 0)")]
    [InlineData("else\n                prior[o] = {|SMX0001:Math.Exp(prior[o])|};", "else if (extra.Length > 2)\n                prior[o] = {|SMX0001:Math.Exp(prior[o])|};\n            else\n                prior[o] = {|SMX0001:Math.Exp(-prior[o])|};")]
    public Task Other_branch_exponentials_that_the_maximum_cannot_follow_keep_the_fix_away(string from, string to)
    {
        string members = Corrected.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Corrected, members);
        return Verify(members, members);
    }

    [Fact]
    public async Task Fixed_branches_keep_results_and_are_finite_for_large_inputs()
    {
        string original = Sources.Class(Corrected.Replace("{|SMX0001:", "", StringComparison.Ordinal).Replace(")|}", ")", StringComparison.Ordinal)
            + "\n    public static double[] G(double[] p, double[] e, bool c) => F((double[])p.Clone(), e, c);");
        string fixedSource = await FixRunner.ApplyAllAsync(original, new NaiveSoftmaxAnalyzer(), new NaiveSoftmaxCodeFixProvider());
        Assert.NotEqual(original, fixedSource);
        using CompiledCode before = CompiledCode.Compile(original);
        using CompiledCode after = CompiledCode.Compile(fixedSource);
        double[] extra = { 0.5, -0.25, 1.0 };
        foreach (bool corrected in new[] { true, false })
        {
            double[] x = { 0.3, 1.7, -2.0 };
            double[] expected = (double[])before.Invoke("C", "G", x, extra, corrected)!;
            double[] actual = (double[])after.Invoke("C", "G", x, extra, corrected)!;
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12, $"{expected[i]:R} vs {actual[i]:R}\n{fixedSource}");
            }

            double[] large = { 1000.0, 999.0, 0.0 };
            Assert.True(double.IsNaN(((double[])before.Invoke("C", "G", large, extra, corrected)!)[0]));
            double[] stable = (double[])after.Invoke("C", "G", large, extra, corrected)!;
            Assert.All(stable, p => Assert.True(double.IsFinite(p)));
            Assert.Equal(1.0, stable[0] + stable[1] + stable[2], 12);
        }
    }

    [Theory]
    // The condition reads the index: the maximum over every element may dwarf the exponentiated ones.
    [InlineData("if (i != skip)")]
    [InlineData("if (x[i] < limit)")]
    // The condition changes inside the loop.
    [InlineData("if ((flag = !flag))")]
    // It calls something that may answer differently on each pass.
    [InlineData("if (Allowed())")]
    public Task Conditions_that_may_change_between_passes_keep_the_fix_away(string condition)
    {
        string members = """
                private static int calls;
                private static bool Allowed() => ++calls % 2 == 0;

                public static double[] F(double[] x, int skip, double limit, bool flag)
                {
                    var y = new double[x.Length];
                    double sum = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        CONDITION
                        {
                            y[i] = {|SMX0001:Math.Exp(x[i])|};
                            sum += y[i];
                        }
                    }

                    for (int i = 0; i < x.Length; i++)
                        y[i] /= sum;
                    return y;
                }
            """.Replace("CONDITION", condition, StringComparison.Ordinal);
        return Verify(members, members);
    }

    [Fact]
    public async Task Fixed_layer_keeps_results_and_is_finite_for_large_inputs()
    {
        string original = Sources.Class(Layer.Replace("{|SMX0001:", "", StringComparison.Ordinal).Replace(")|}", ")", StringComparison.Ordinal)
            + "\n    public static float[] F(float[] x) => Apply(x, Act.SoftMax);");
        string fixedSource = await FixRunner.ApplyAllAsync(original, new NaiveSoftmaxAnalyzer(), new NaiveSoftmaxCodeFixProvider());
        Assert.NotEqual(original, fixedSource);
        using CompiledCode before = CompiledCode.Compile(original);
        using CompiledCode after = CompiledCode.Compile(fixedSource);
        foreach (float[] x in new[] { new[] { 1f, 2f, 3f }, new[] { 0.5f, -1f, 2f, 0f } })
        {
            float[] expected = (float[])before.Invoke("C", "F", x)!;
            float[] actual = (float[])after.Invoke("C", "F", x)!;
            for (int i = 0; i < x.Length; i++)
            {
                // The epsilon is now added to a sum that is exp(-max) times the original: at most 0.1% apart.
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-3f * expected[i], $"{expected[i]:R} vs {actual[i]:R}\n{fixedSource}");
            }
        }

        float[] large = { 100f, 99f, 0f };
        Assert.True(float.IsNaN(((float[])before.Invoke("C", "F", large)!)[0]));
        float[] stable = (float[])after.Invoke("C", "F", large)!;
        Assert.Equal(1f / (1f + MathF.Exp(-1f)), stable[0], 3);
    }
}
