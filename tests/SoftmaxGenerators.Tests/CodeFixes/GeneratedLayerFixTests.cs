using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.Testing;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using LogOfSoftmaxVerifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.LogOfSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.LogOfSoftmaxCodeFixProvider>;
using LogSumExpVerifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveLogSumExpAnalyzer, SoftmaxGenerators.CodeFixes.NaiveLogSumExpCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// The second actions of SMX0002 and SMX0003, "use a generated kernel": the text they produce one at a time and with Fix
/// All (the verifier checks both, and every scope), their titles next to the rewrite's, and where they are not offered.
/// The generated methods do not exist here (the verifier runs no generator), so compiler errors are not compared;
/// <see cref="GeneratedLayerRunTests"/> compiles and runs the fixed code with the generator.
/// </summary>
public class GeneratedLayerFixTests
{
    private const string Softmax = """
            static double[] Softmax(double[] x) { double m = x.Max(); var e = x.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }

        """;

    private static Task VerifyLogSumExp(string source, string fixedSource)
    {
        var test = new LogSumExpVerifier.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = NaiveLogSumExpCodeFixProvider.GeneratedEquivalenceKey,
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        return test.RunAsync(CancellationToken.None);
    }

    private static Task VerifyLogOfSoftmax(string source, string fixedSource)
    {
        var test = new LogOfSoftmaxVerifier.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = LogOfSoftmaxCodeFixProvider.GeneratedEquivalenceKey,
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Log_sum_exp_loops_and_linq_over_constant_lengths_call_the_generated_kernel() => VerifyLogSumExp(
        """
        using System;
        using System.Linq;

        public class Scores
        {
            public static double Lse(double[] x)
            {
                if (x.Length != 4) throw new ArgumentException("four scores");
                double sum = 0;
                foreach (double v in x)
                    sum += Math.Exp(v);
                return {|SMX0002:Math.Log(sum)|};
            }

            public static float Linq(float[] x)
            {
                ArgumentOutOfRangeException.ThrowIfNotEqual(x.Length, 4);
                return -{|SMX0002:MathF.Log(x.Sum(v => MathF.Exp(v)))|};
            }

            public static float Partition(float[] scores)
            {
                var x = new float[8];
                scores.CopyTo(x, 0);
                float z = 0f;
                for (int i = 0; i < x.Length; i++)
                {
                    z = z + MathF.Exp(x[i]);
                }
                return {|SMX0002:MathF.Log(z)|};
            }
        }
        """,
        """
        using System;
        using System.Linq;
        using SoftmaxGenerators;

        [Softmax(4, Functions = SoftmaxFunctions.LogSumExp)]
        [Softmax(8, MethodName = "Softmax8", Functions = SoftmaxFunctions.LogSumExp)]
        public partial class Scores
        {
            public static double Lse(double[] x)
            {
                if (x.Length != 4) throw new ArgumentException("four scores");
                return LogSumExp(x);
            }

            public static float Linq(float[] x)
            {
                ArgumentOutOfRangeException.ThrowIfNotEqual(x.Length, 4);
                return -LogSumExp(x);
            }

            public static float Partition(float[] scores)
            {
                var x = new float[8];
                scores.CopyTo(x, 0);
                return Softmax8LogSumExp(x);
            }
        }
        """);

    [Fact]
    public Task Log_sum_exp_reuses_an_attribute_of_the_length_that_generates_it_unless_a_users_LogSumExp_would_take_the_call() => VerifyLogSumExp(
        """
        using System;
        using System.Linq;
        using SoftmaxGenerators;

        [Softmax(3, MethodName = "Head", Functions = SoftmaxFunctions.Softmax | SoftmaxFunctions.LogSumExp)]
        [Softmax(5, Functions = SoftmaxFunctions.LogSumExp)]
        public static partial class Model
        {
            static readonly double[] s_bias = { 1, 2, 3 };

            public static double Evidence() => {|SMX0002:Math.Log(s_bias.Select(Math.Exp).Sum())|};

            public static double LogSumExp(double[] values)
            {
                if (values.Length != 5) return 0;
                double total = 0;
                for (int i = 0; i < 5; i++) total += Math.Exp(values[i]);
                return {|SMX0002:Math.Log(total)|};
            }
        }
        """,
        """
        using System;
        using System.Linq;
        using SoftmaxGenerators;

        [Softmax(3, MethodName = "Head", Functions = SoftmaxFunctions.Softmax | SoftmaxFunctions.LogSumExp)]
        [Softmax(5, Functions = SoftmaxFunctions.LogSumExp)]
        [Softmax(5, MethodName = "Softmax5", Functions = SoftmaxFunctions.LogSumExp)]
        public static partial class Model
        {
            static readonly double[] s_bias = { 1, 2, 3 };

            public static double Evidence() => HeadLogSumExp(s_bias);

            public static double LogSumExp(double[] values)
            {
                if (values.Length != 5) return 0;
                return Softmax5LogSumExp(values);
            }
        }
        """);

    [Fact]
    public Task Cross_entropy_of_one_label_calls_the_generated_kernel_with_the_sign_folded_in() => VerifyLogOfSoftmax(
        Sources.Class(Softmax + """
                public static double Nll(double[] logits, int label)
                {
                    if (logits.Length != 10) throw new ArgumentException();
                    var p = Softmax(logits);
                    return -{|SMX0003:Math.Log(p[label])|};
                }

                readonly double[] _logits = new double[10];

                public double Direct(int label) => -{|SMX0003:Math.Log(Softmax(_logits)[label])|};

                public double Penalized(int label, double penalty)
                {
                    double[] p = Softmax(_logits);
                    return penalty - {|SMX0003:Math.Log(p[label])|};
                }

                public double Pair(int a, int b)
                {
                    double[] p = Softmax(_logits);
                    return -{|SMX0003:Math.Log(p[a])|} - {|SMX0003:Math.Log(p[b])|};
                }

                public double Total(int[] labels)
                {
                    double loss = 0;
                    foreach (int label in labels)
                    {
                        double[] p = Softmax(_logits);
                        loss -= {|SMX0003:Math.Log(p[label])|};
                    }

                    return loss;
                }

                public static float LogLikelihood(float[] x, int k)
                {
                    if (x.Length != 3) throw new ArgumentException();
                    Span<float> p = stackalloc float[3];
                    TensorPrimitives.SoftMax(x, p);
                    float logP = {|SMX0003:MathF.Log(p[k])|};
                    return logP * 2;
                }
            """),
        Sources.Usings.Replace("using System.Numerics.Tensors;\n", "using System.Numerics.Tensors;\nusing SoftmaxGenerators;\n")
        + "[Softmax(10, Functions = SoftmaxFunctions.CrossEntropy)]\n"
        + "[Softmax(3, MethodName = \"Softmax3\", Functions = SoftmaxFunctions.CrossEntropy)]\n"
        + "public partial class C\n{\n" + Softmax + """
                public static double Nll(double[] logits, int label)
                {
                    if (logits.Length != 10) throw new ArgumentException();
                    var p = Softmax(logits);
                    return SoftmaxCrossEntropy(logits, label);
                }

                readonly double[] _logits = new double[10];

                public double Direct(int label) => SoftmaxCrossEntropy(_logits, label);

                public double Penalized(int label, double penalty)
                {
                    double[] p = Softmax(_logits);
                    return penalty + SoftmaxCrossEntropy(_logits, label);
                }

                public double Pair(int a, int b)
                {
                    double[] p = Softmax(_logits);
                    return SoftmaxCrossEntropy(_logits, a) + SoftmaxCrossEntropy(_logits, b);
                }

                public double Total(int[] labels)
                {
                    double loss = 0;
                    foreach (int label in labels)
                    {
                        double[] p = Softmax(_logits);
                        loss += SoftmaxCrossEntropy(_logits, label);
                    }

                    return loss;
                }

                public static float LogLikelihood(float[] x, int k)
                {
                    if (x.Length != 3) throw new ArgumentException();
                    Span<float> p = stackalloc float[3];
                    TensorPrimitives.SoftMax(x, p);
                    float logP = -Softmax3CrossEntropy(x, k);
                    return logP * 2;
                }
            """ + "\n}\n");

    [Fact]
    public Task Log_probabilities_of_every_class_call_the_generated_log_softmax() => VerifyLogOfSoftmax(
        Sources.Class(Softmax + """
                public static double[] LogProbabilities(double[] logits)
                {
                    if (logits.Length != 4) throw new ArgumentException();
                    var p = Softmax(logits);
                    var y = new double[4];
                    // log-probabilities
                    for (int i = 0; i < y.Length; i++)
                        y[i] = {|SMX0003:Math.Log(p[i])|};
                    return y;
                }
            """),
        Sources.Usings.Replace("using System.Numerics.Tensors;\n", "using System.Numerics.Tensors;\nusing SoftmaxGenerators;\n")
        + "[Softmax(4, Functions = SoftmaxFunctions.LogSoftmax)]\n"
        + "public partial class C\n{\n" + Softmax + """
                public static double[] LogProbabilities(double[] logits)
                {
                    if (logits.Length != 4) throw new ArgumentException();
                    var p = Softmax(logits);
                    var y = new double[4];
                    // log-probabilities
                    LogSoftmax(logits, y);
                    return y;
                }
            """ + "\n}\n");

    [Fact]
    public async Task Log_sum_exp_reuses_the_generated_method_that_the_IDE_already_sees()
    {
        string source = """
            using System;
            using SoftmaxGenerators;

            [Softmax(3, Functions = SoftmaxFunctions.LogSumExp)]
            public static partial class Scores
            {
                public static double Lse(double[] x)
                {
                    if (x.Length != 3) throw new ArgumentException();
                    double sum = 0;
                    foreach (double v in x) sum += Math.Exp(v);
                    return Math.Log(sum);
                }
            }
            """;
        (string text, int applied) = await GeneratedLayerActions.ApplyAllAsync(source, new NaiveLogSumExpAnalyzer(), new NaiveLogSumExpCodeFixProvider(),
            NaiveLogSumExpCodeFixProvider.GeneratedEquivalenceKey, withGeneratedSources: true);
        Assert.Equal(1, applied);
        Assert.Contains("        return LogSumExp(x);", text);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, @"\[Softmax\("));
    }

    [Fact]
    public async Task Each_action_comes_second_after_the_rewrite_with_its_function_attribute_and_type_in_the_title()
    {
        string logSumExp = Sources.Class("""
                public static double Lse(double[] x)
                {
                    if (x.Length != 4) throw new ArgumentException();
                    double sum = 0;
                    foreach (double v in x) sum += Math.Exp(v);
                    return Math.Log(sum);
                }
            """);
        (string _, List<CodeAction> lse) = Assert.Single(await GeneratedLayerActions.OfferedAsync(logSumExp, new NaiveLogSumExpAnalyzer(), new NaiveLogSumExpCodeFixProvider()));
        Assert.Equal(
            new[] { "Use the stable log-sum-exp", "Use a generated log-sum-exp kernel ([Softmax(4, Functions = SoftmaxFunctions.LogSumExp)] on 'C')" },
            lse.Select(a => a.Title));
        Assert.Equal(NaiveLogSumExpCodeFixProvider.GeneratedEquivalenceKey, lse[1].EquivalenceKey);

        string logOfSoftmax = Sources.Class(Softmax + """
                public static double Nll(double[] logits, int label)
                {
                    if (logits.Length != 10) throw new ArgumentException();
                    return -Math.Log(Softmax(logits)[label]);
                }

                public static double[] LogProbabilities(double[] logits)
                {
                    if (logits.Length != 10) throw new ArgumentException();
                    var p = Softmax(logits);
                    var y = new double[10];
                    for (int i = 0; i < y.Length; i++) y[i] = Math.Log(p[i]);
                    return y;
                }
            """);
        List<(string Text, List<CodeAction> Actions)> offered = await GeneratedLayerActions.OfferedAsync(logOfSoftmax, new LogOfSoftmaxAnalyzer(), new LogOfSoftmaxCodeFixProvider());
        Assert.Equal(2, offered.Count);
        Assert.Equal(
            new[] { "Compute the log-softmax directly", "Use a generated cross-entropy kernel ([Softmax(10, Functions = SoftmaxFunctions.CrossEntropy)] on 'C')" },
            offered[0].Actions.Select(a => a.Title));
        Assert.Equal(
            new[] { "Compute the log-softmax directly", "Use a generated log-softmax kernel ([Softmax(10, Functions = SoftmaxFunctions.LogSoftmax)] on 'C')" },
            offered[1].Actions.Select(a => a.Title));
        Assert.All(offered, o => Assert.Equal(LogOfSoftmaxCodeFixProvider.GeneratedEquivalenceKey, o.Actions[1].EquivalenceKey));
    }

    /// <summary>Each case: a method where the action is offered (<c>Ok</c>) and one where it must not be (<c>No</c>).</summary>
    public static TheoryData<string> LogSumExpNotOffered => new()
    {
        // a run-time length
        "static double No(double[] x) { double s = 0; foreach (var v in x) s += Math.Exp(v); return Math.Log(s); }",
        // scores, not the elements themselves
        "static double No(double[] x) { if (x.Length != 4) return 0; double s = 0; for (int i = 0; i < x.Length; i++) s += Math.Exp(2 * x[i]); return Math.Log(s); }",
        // not every element
        "static double No(double[] x) { if (x.Length != 4) return 0; double s = 0; for (int i = 0; i < 3; i++) s += Math.Exp(x[i]); return Math.Log(s); }",
        // the sum is used elsewhere
        "static double No(double[] x) { if (x.Length != 4) return 0; double s = 0; foreach (var v in x) s += Math.Exp(v); Console.WriteLine(s); return Math.Log(s); }",
        // something that may change x runs between the loop and the log
        "static void Touch(double[] x) { } static double No(double[] x) { if (x.Length != 4) return 0; double s = 0; foreach (var v in x) s += Math.Exp(v); Touch(x); return Math.Log(s); }",
        "static double Touch(double[] x) => 0; static double No(double[] x) { if (x.Length != 4) return 0; double s = 0; foreach (var v in x) s += Math.Exp(v); return Touch(x) + Math.Log(s); }",
        // the log runs later, in a lambda
        "static Func<double> No(double[] x) { if (x.Length != 4) return null; double s = 0; foreach (var v in x) s += Math.Exp(v); return () => Math.Log(s); }",
        // float scores summed in double (a double exponential of floats): not the float kernel's arithmetic
        "static double No(float[] x) { if (x.Length != 4) return 0; double s = 0; foreach (float v in x) s += Math.Exp(v); return Math.Log(s); }",
        // a sum that does not start at zero
        "static double No(double[] x) { if (x.Length != 4) return 0; double s = 1; foreach (var v in x) s += Math.Exp(v); return Math.Log(s); }",
        // a list: no span for the kernel
        "static double No(List<double> x) { if (x.Count != 4) return 0; return Math.Log(x.Sum(Math.Exp)); }",
    };

    [Theory]
    [MemberData(nameof(LogSumExpNotOffered))]
    public async Task Log_sum_exp_action_is_not_offered_for_other_shapes(string members)
    {
        string source = Sources.Class("""
                static double Ok(double[] x) { if (x.Length != 4) return 0; double s = 0; foreach (var v in x) s += Math.Exp(v); return Math.Log(s); }

            """ + members);
        List<(string Text, List<CodeAction> Actions)> offered = await GeneratedLayerActions.OfferedAsync(source, new NaiveLogSumExpAnalyzer(), new NaiveLogSumExpCodeFixProvider());
        Assert.Equal(2, offered.Count);
        Assert.Contains(offered[0].Actions, a => a.EquivalenceKey == NaiveLogSumExpCodeFixProvider.GeneratedEquivalenceKey);
        Assert.DoesNotContain(offered[1].Actions, a => a.EquivalenceKey == NaiveLogSumExpCodeFixProvider.GeneratedEquivalenceKey);
    }

    public static TheoryData<string> LogOfSoftmaxNotOffered => new()
    {
        // a run-time length
        "static double No(double[] x, int k) { var p = Softmax(x); return -Math.Log(p[k]); }",
        "static float No(ReadOnlySpan<float> x, int k) { Span<float> p = stackalloc float[x.Length]; TensorPrimitives.SoftMax(x, p); return -MathF.Log(p[k]); }",
        // the logits change between the softmax and the log
        "static double No(double[] x, int k) { if (x.Length != 4) return 0; var p = Softmax(x); x[0] = 1; return -Math.Log(p[k]); }",
        "static void Touch(double[] x) { } static double No(double[] x, int k) { if (x.Length != 4) return 0; var p = Softmax(x); Touch(x); return -Math.Log(p[k]); }",
        // one log per element of a softmax computed once: a cross-entropy per element would redo the row each time
        "static double[] No(double[] x) { if (x.Length != 4) return x; var p = Softmax(x); var y = new double[4]; for (int i = 0; i < 4; i++) y[i] = -Math.Log(p[i]); return y; }",
        // a soft-target cross-entropy loop (a sum of products, not one log)
        "static double No(double[] x, double[] t) { if (x.Length != 4 || t.Length != 4) return 0; var p = Softmax(x); double loss = 0; for (int i = 0; i < 4; i++) loss -= t[i] * Math.Log(p[i]); return loss; }",
        // log-probabilities of only some classes
        "static double[] No(double[] x) { if (x.Length != 4) return x; var p = Softmax(x); var y = new double[4]; for (int i = 0; i < 3; i++) y[i] = Math.Log(p[i]); return y; }",
        // into a span that may partly overlap the logits (the kernel would throw where the loop did not)
        "static void No(double[] x, Span<double> y) { if (x.Length != 4 || y.Length != 4) return; var p = Softmax(x); for (int i = 0; i < y.Length; i++) y[i] = Math.Log(p[i]); }",
        // Select over the probabilities: no buffer to write
        "static double[] No(double[] x) { if (x.Length != 4) return x; var p = Softmax(x); return p.Select(q => Math.Log(q)).ToArray(); }",
        // float probabilities, double log
        "static float[] SoftmaxF(float[] x) => x; static double No(float[] x, int k) { if (x.Length != 4) return 0; return -Math.Log(SoftmaxF(x)[k]); }",
        // a long index
        "static double No(double[] x, long k) { if (x.Length != 4) return 0; return -Math.Log(Softmax(x)[k]); }",
    };

    [Theory]
    [MemberData(nameof(LogOfSoftmaxNotOffered))]
    public async Task Cross_entropy_and_log_softmax_actions_are_not_offered_for_other_shapes(string members)
    {
        string source = Sources.Class(Softmax + """
                static double Ok(double[] x, int k) { if (x.Length != 4) return 0; var p = Softmax(x); return -Math.Log(p[k]); }

            """ + members);
        List<(string Text, List<CodeAction> Actions)> offered = await GeneratedLayerActions.OfferedAsync(source, new LogOfSoftmaxAnalyzer(), new LogOfSoftmaxCodeFixProvider());
        Assert.True(offered.Count >= 2, string.Join(", ", offered.Select(o => o.Text)));
        Assert.Contains(offered[0].Actions, a => a.EquivalenceKey == LogOfSoftmaxCodeFixProvider.GeneratedEquivalenceKey);
        Assert.All(offered.Skip(1), o => Assert.DoesNotContain(o.Actions, a => a.EquivalenceKey == LogOfSoftmaxCodeFixProvider.GeneratedEquivalenceKey));
    }
}
