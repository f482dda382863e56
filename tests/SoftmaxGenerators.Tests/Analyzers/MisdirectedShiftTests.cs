using System.Threading;
using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>
/// A subtraction counts as a shift unless the subtracted maximum is plainly not the maximum of what is exponentiated
/// (seen in real code: the maximum of the previous call's output, the maximum of two elements retaken in a loop).
/// </summary>
public class MisdirectedShiftTests
{
    private static Task Verify(string members) =>
        new AnalyzerVerifier<NaiveSoftmaxAnalyzer>.Test { TestCode = Sources.Class(members) }.RunAsync(CancellationToken.None);

    public static TheoryData<string> Unshifted => new()
    {
        // The running maximum of the output array (last call's probabilities), subtracted from the input.
        """
        static double[] Forward(double[] input, double[] output)
        {
            var max = .0d;
            for (var i = 0; i < output.Length; i++) max = Math.Max(max, output[i]);
            for (var i = 0; i < input.Length; i++) output[i] = {|SMX0001:Math.Exp(input[i] - max)|};
            var sum = .0d;
            for (var i = 0; i < output.Length; i++) sum += output[i];
            for (var i = 0; i < input.Length; i++) output[i] = output[i] / sum;
            return output;
        }
        """,
        // The maximum of the first and the latest score only, retaken on each turn.
        """
        static void Probabilities(List<float> prob, float[] scores)
        {
            prob.Clear();
            prob.Add(scores[0]);
            float max = prob[0];
            for (int j = 1; j < scores.Length; j++) { prob.Add(scores[j]); max = Math.Max(prob[0], prob[j]); }
            float total = 0;
            for (int j = 0; j < prob.Count; j++) { prob[j] = (float){|SMX0001:Math.Exp(prob[j] - max)|}; total += prob[j]; }
            for (int j = 0; j < prob.Count; j++) prob[j] /= total;
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Unshifted))]
    public Task A_maximum_of_something_else_is_no_shift(string members) => Verify(members);

    public static TheoryData<string> Shifted => new()
    {
        // The running maximum of the exponentiated array itself.
        """
        static double[] Forward(double[] input, double[] output)
        {
            var max = double.MinValue;
            for (var i = 0; i < input.Length; i++) max = Math.Max(max, input[i]);
            for (var i = 0; i < input.Length; i++) output[i] = Math.Exp(input[i] - max);
            var sum = .0d;
            for (var i = 0; i < output.Length; i++) sum += output[i];
            for (var i = 0; i < input.Length; i++) output[i] /= sum;
            return output;
        }
        """,
        // Two elements, and their maximum, outside any loop: a complete two-way softmax.
        """
        static double[] Pair(double[] x)
        {
            double m = Math.Max(x[0], x[1]);
            double a = Math.Exp(x[0] - m), b = Math.Exp(x[1] - m);
            return new[] { a / (a + b), b / (a + b) };
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Shifted))]
    public Task A_maximum_that_may_be_right_is_a_shift(string members) => Verify(members);

    /// <summary>The maximum of a copy of the input, made element by element, by a call or through an alias, before the
    /// maximum is taken: it may be the right one.</summary>
    [Theory]
    [InlineData("for (var i = 0; i < input.Length; i++) work[i] = input[i] * 2;")]
    [InlineData("Array.Copy(input, work, input.Length);")]
    [InlineData("var alias = work; for (var i = 0; i < input.Length; i++) alias[i] = input[i];")]
    public Task A_maximum_of_a_copy_is_a_shift(string copy) => Verify($$"""
        static double[] Forward(double[] input, double[] work)
        {
            {{copy}}
            var max = double.MinValue;
            for (var i = 0; i < work.Length; i++) max = Math.Max(max, work[i]);
            var output = new double[input.Length];
            var sum = .0d;
            for (var i = 0; i < input.Length; i++) { output[i] = Math.Exp(input[i] - max); sum += output[i]; }
            for (var i = 0; i < input.Length; i++) output[i] /= sum;
            return output;
        }
        """);

    /// <summary>The fix subtracts the maximum of what is exponentiated after the misdirected one: exp(x - m - max(x - m)).</summary>
    [Fact]
    public Task The_fix_subtracts_the_real_maximum_as_well() => new CodeFixVerifier<NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>.Test
    {
        TestCode = Sources.Class("""
            static double[] Forward(double[] input, double[] output)
            {
                var max = .0d;
                for (var i = 0; i < output.Length; i++) max = Math.Max(max, output[i]);
                for (var i = 0; i < input.Length; i++) output[i] = {|SMX0001:Math.Exp(input[i] - max)|};
                var sum = .0d;
                for (var i = 0; i < input.Length; i++) sum += output[i];
                for (var i = 0; i < input.Length; i++) output[i] = output[i] / sum;
                return output;
            }
            """),
        FixedCode = Sources.Class("""
            static double[] Forward(double[] input, double[] output)
            {
                var max = .0d;
                for (var i = 0; i < output.Length; i++) max = Math.Max(max, output[i]);
                double max2 = double.NegativeInfinity;
                for (var i = 0; i < input.Length; i++)
                {
                    max2 = Math.Max(max2, input[i] - max);
                }

                for (var i = 0; i < input.Length; i++) output[i] = Math.Exp(input[i] - max - max2);
                var sum = .0d;
                for (var i = 0; i < input.Length; i++) sum += output[i];
                for (var i = 0; i < input.Length; i++) output[i] = output[i] / sum;
                return output;
            }
            """),
    }.RunAsync(CancellationToken.None);
}
