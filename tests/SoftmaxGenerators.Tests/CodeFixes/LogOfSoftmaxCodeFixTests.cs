using System.Threading.Tasks;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.LogOfSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.LogOfSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

public class LogOfSoftmaxCodeFixTests
{
    private const string Helper = """
            static double[] Softmax(double[] x) { double m = x.Max(); var e = x.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }

        """;

    [Fact]
    public Task Negative_log_likelihood_and_cross_entropy() => Verifier.VerifyAsync(
        Sources.Class(Helper + """
                public static double Nll(double[] logits, int label)
                {
                    var p = Softmax(logits);
                    return -{|SMX0003:Math.Log(p[label])|};
                }

                public static double CrossEntropy(double[] logits, double[] target)
                {
                    double[] probs = Softmax(logits);
                    double loss = 0;
                    for (int i = 0; i < target.Length; i++)
                        loss -= target[i] * {|SMX0003:Math.Log(probs[i])|};
                    return loss;
                }
            """),
        Sources.Class(Helper + """
                public static double Nll(double[] logits, int label)
                {
                    var p = Softmax(logits);
                    double max = logits.Max();
                    double logSumExp = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
                    return -(logits[label] - logSumExp);
                }

                public static double CrossEntropy(double[] logits, double[] target)
                {
                    double[] probs = Softmax(logits);
                    double loss = 0;
                    double max = logits.Max();
                    double logSumExp = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
                    for (int i = 0; i < target.Length; i++)
                        loss -= target[i] * (logits[i] - logSumExp);
                    return loss;
                }
            """));

    [Fact]
    public Task Batch_rows_read_through_an_element_access_in_a_loop() => Verifier.VerifyAsync(
        Sources.Class(Helper + """
                public static double MeanNll(double[][] batch, int[] labels)
                {
                    double total = 0;
                    for (int r = 0; r < batch.Length; r++)
                    {
                        double[] p = Softmax(batch[r]);
                        total -= {|SMX0003:Math.Log(p[labels[r]])|};
                    }

                    return total / batch.Length;
                }
            """),
        Sources.Class(Helper + """
                public static double MeanNll(double[][] batch, int[] labels)
                {
                    double total = 0;
                    for (int r = 0; r < batch.Length; r++)
                    {
                        double[] p = Softmax(batch[r]);
                        double max = batch[r].Max();
                        double logSumExp = max + Math.Log(batch[r].Sum(v => Math.Exp(v - max)));
                        total -= (batch[r][labels[r]] - logSumExp);
                    }

                    return total / batch.Length;
                }
            """));

    [Fact]
    public Task Logits_changed_between_the_softmax_and_the_log_get_no_fix() => Verifier.VerifyAsync(
        Sources.Class(Helper + """
                public static double Nll(double[][] batch, int label)
                {
                    int r = 0;
                    double[] p = Softmax(batch[r]);
                    r++;
                    return -{|SMX0003:Math.Log(p[label])|};
                }
            """),
        Sources.Class(Helper + """
                public static double Nll(double[][] batch, int label)
                {
                    int r = 0;
                    double[] p = Softmax(batch[r]);
                    r++;
                    return -{|SMX0003:Math.Log(p[label])|};
                }
            """));

    [Fact]
    public Task Adds_using_System_Linq_where_the_file_lacks_it() => Verifier.VerifyAsync(
        """
        using System;

        public static class Losses
        {
            public static double CrossEntropy(double[] logits, int label) => -{|SMX0003:Math.Log(Activations.Softmax(logits)[label])|};
        }

        public static class Activations
        {
            public static double[] Softmax(double[] x)
            {
                var e = new double[x.Length];
                return e;
            }
        }
        """,
        """
        using System;
        using System.Linq;

        public static class Losses
        {
            public static double CrossEntropy(double[] logits, int label)
            {
                double max = logits.Max();
                double logSumExp = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
                return -(logits[label] - logSumExp);
            }
        }

        public static class Activations
        {
            public static double[] Softmax(double[] x)
            {
                var e = new double[x.Length];
                return e;
            }
        }
        """);

    [Fact]
    public Task Expression_bodied_direct_index() => Verifier.VerifyAsync(
        Sources.Class(Helper + """
                public static double Nll(double[] logits, int label) => -{|SMX0003:Math.Log(Softmax(logits)[label])|};
            """),
        Sources.Class(Helper + """
                public static double Nll(double[] logits, int label)
                {
                    double max = logits.Max();
                    double logSumExp = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
                    return -(logits[label] - logSumExp);
                }
            """));

    [Fact]
    public Task Select_log_over_the_probabilities() => Verifier.VerifyAsync(
        Sources.Class(Helper + """
                public static double[] LogProbs(double[] logits)
                {
                    var p = Softmax(logits);
                    return p.Select(q => {|SMX0003:Math.Log(q)|}).ToArray();
                }
            """),
        Sources.Class(Helper + """
                public static double[] LogProbs(double[] logits)
                {
                    var p = Softmax(logits);
                    double max = logits.Max();
                    double logSumExp = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
                    return logits.Select(q => (q - logSumExp)).ToArray();
                }
            """));

    [Theory]
    [InlineData("static double[] F(double[] x) { var p = Softmax(x); return p.Select(v => 2 * {|SMX0003:Math.Log(v)|}).ToArray(); }")]
    [InlineData("static float F(ReadOnlySpan<float> x, int k) { Span<float> p = stackalloc float[x.Length]; TensorPrimitives.SoftMax(x, p); return -{|SMX0003:MathF.Log(p[k])|}; }")]
    [InlineData("static double F(double[] x, int k) { var p = Softmax(x); x[0] = 1; return -{|SMX0003:Math.Log(p[k])|}; }")]
    public Task No_fix_for_other_shapes(string members) => Verifier.VerifyAsync(Sources.Class(Helper + members), Sources.Class(Helper + members));
}
