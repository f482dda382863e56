using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// The "use a generated kernel" actions of SMX0002 and SMX0003 end to end: every diagnostic takes the action (one at a
/// time, re-analyzing after each), the fixed code compiles with the real generator without errors, warnings or usage
/// diagnostics, and computes the exact log-sum-exp, cross-entropy or log-softmax, on logits where the naive code gives
/// NaN or infinity.
/// </summary>
public class GeneratedLayerRunTests
{
    private const string Usings = "using System;\nusing System.Linq;\nusing System.Numerics.Tensors;\n";

    private const string NaiveSoftmax = "static double[] StableSoftmax(double[] x) { var e = x.Select(Math.Exp).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); } ";

    /// <summary>Members of class C whose F() returns the results, the number of diagnostics, and the expected values.</summary>
    public static TheoryData<string, int, string> LogSumExpCases => new()
    {
        {
            "public static double[] F() => new[] { G(new double[] { 800, 799, 790, 805 }) }; "
            + "static double G(double[] x) { if (x.Length != 4) throw new ArgumentException(); double s = 0; foreach (double v in x) s += Math.Exp(v); return Math.Log(s); }",
            1, "lse 800 799 790 805"
        },
        {
            "static readonly float[] s_scores = { 20, 300, 5000 }; "
            + "public static float[] F() => new[] { MathF.Log(s_scores.Sum(MathF.Exp)), 1 + MathF.Log(s_scores.Select(v => MathF.Exp(v)).Sum()) }; ",
            2, "lse 20 300 5000|1+lse 20 300 5000"
        },
        {
            // two lengths in one type, and a user method named LogSumExp
            "public static double[] F() { var x = new double[8]; for (int i = 0; i < 8; i++) x[i] = 100 * i; double s = 0; for (int i = 0; i < x.Length; i++) s = s + Math.Exp(x[i]); "
            + "return new[] { Math.Log(s), LogSumExp(new double[] { -1000, -1001 }) }; } "
            + "public static double LogSumExp(double[] v) { if (v.Length != 2) throw new ArgumentException(); double t = 0; foreach (var e in v) t += Math.Exp(e); return Math.Log(t); }",
            2, "lse 0 100 200 300 400 500 600 700|lse -1000 -1001"
        },
    };

    [Theory]
    [MemberData(nameof(LogSumExpCases))]
    public Task Log_sum_exp_after_the_fix_is_the_generated_kernel_and_exact(string members, int diagnostics, string expected) =>
        FixCompileAndRun(members, diagnostics, expected, new NaiveLogSumExpAnalyzer(), new NaiveLogSumExpCodeFixProvider(),
            NaiveLogSumExpCodeFixProvider.GeneratedEquivalenceKey, @"\bLogSumExp\(\w+\)|Softmax\d+LogSumExp\(");

    public static TheoryData<string, int, string> LogOfSoftmaxCases => new()
    {
        {
            NaiveSoftmax
            + "public static double[] F() => new[] { Nll(new double[] { 800, 799, 790, 805 }, 3), Nll(new double[] { 800, 799, 790, 805 }, 2) }; "
            + "static double Nll(double[] logits, int label) { if (logits.Length != 4) throw new ArgumentException(); var p = StableSoftmax(logits); return -Math.Log(p[label]); }",
            1, "ce 3 800 799 790 805|ce 2 800 799 790 805"
        },
        {
            // an existing [Softmax(4)] of the same length, TensorPrimitives' softmax, a float log kept negated
            "public static float[] F() { var x = new float[] { 20, 300, 5000, 5001 }; var y = new float[4]; Softmax(x, y); return new[] { LogP(x, 0), LogP(x, 3), y[3] }; } "
            + "static float LogP(float[] x, int k) { if (x.Length != 4) throw new ArgumentException(); Span<float> p = stackalloc float[4]; TensorPrimitives.SoftMax(x, p); float logP = MathF.Log(p[k]); return logP; }",
            1, "-ce 0 20 300 5000 5001|-ce 3 20 300 5000 5001|softmax 3 20 300 5000 5001"
        },
        {
            NaiveSoftmax
            + "static readonly double[] s_logits = { 1000, 0, -1000, 999 }; "
            + "public static double[] F() { var p = StableSoftmax(s_logits); var y = new double[4]; for (int i = 0; i < y.Length; i++) y[i] = Math.Log(p[i]); return y; }",
            1, "logsoftmax 1000 0 -1000 999"
        },
        {
            // a batch loop: one cross-entropy per row, the sign folded into -=
            NaiveSoftmax
            + "readonly double[] _row = new double[3]; "
            + "public static double[] F() => new[] { new C().Total(new double[][] { new double[] { 900, 0, -900 }, new double[] { 1, 2, 3 } }, new[] { 1, 2 }) }; "
            + "double Total(double[][] batch, int[] labels) { double loss = 0; for (int r = 0; r < batch.Length; r++) { batch[r].CopyTo(_row, 0); double[] p = StableSoftmax(_row); loss -= Math.Log(p[labels[r]]); } return loss; }",
            1, "ce 1 900 0 -900 + ce 2 1 2 3"
        },
    };

    [Theory]
    [MemberData(nameof(LogOfSoftmaxCases))]
    public Task Cross_entropy_and_log_softmax_after_the_fix_are_the_generated_kernels_and_exact(string members, int diagnostics, string expected) =>
        FixCompileAndRun(members, diagnostics, expected, new LogOfSoftmaxAnalyzer(), new LogOfSoftmaxCodeFixProvider(),
            LogOfSoftmaxCodeFixProvider.GeneratedEquivalenceKey, @"SoftmaxCrossEntropy\(|LogSoftmax\(");

    private static async Task FixCompileAndRun(string members, int diagnostics, string expected, DiagnosticAnalyzer analyzer, CodeFixProvider fixer, string key, string called)
    {
        bool existing = members.Contains("Softmax(x, y)", StringComparison.Ordinal);
        string original = Usings + (existing ? "using SoftmaxGenerators;\n\n[Softmax(4)]\npublic partial class C\n{\n    " : "\npublic class C\n{\n    ") + members + "\n}\n";
        (string fixedSource, int applied) = await GeneratedLayerActions.ApplyAllAsync(original, analyzer, fixer, key);
        Assert.True(diagnostics == applied, $"{applied} actions applied, {diagnostics} expected:\n{fixedSource}");
        Assert.Matches(@"\[Softmax\(\d+, (MethodName = ""\w+"", )?Functions = SoftmaxFunctions\.\w+\)\]", fixedSource);
        Assert.DoesNotContain("Math.Log(s", fixedSource, StringComparison.Ordinal);
        Assert.DoesNotContain("Math.Log(p[", fixedSource, StringComparison.Ordinal);
        Assert.DoesNotContain("MathF.Log(p[", fixedSource, StringComparison.Ordinal);
        Assert.Matches(called, fixedSource);

        using CompiledCode code = CompiledCode.Compile(fixedSource, withGenerator: true, OutputKind.DynamicallyLinkedLibrary);
        Assert.Empty(code.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        ImmutableArray<Diagnostic> usage = await code.Compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SoftmaxUsageAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        Assert.Empty(usage);

        (double[] actual, bool isFloat) = code.Invoke("C", "F") switch
        {
            float[] floats => (floats.Select(v => (double)v).ToArray(), true),
            double[] doubles => (doubles, false),
            var other => throw new InvalidOperationException($"unexpected result {other}"),
        };
        (double Value, double Scale)[] reference = expected.Split('|').SelectMany(Reference).ToArray();
        Assert.Equal(reference.Length, actual.Length);
        for (int i = 0; i < reference.Length; i++)
        {
            // A few units in the last place of the row's largest magnitude: log-sum-exp minus a logit cancels.
            double tolerance = (isFloat ? 5e-7 : 2e-15) * reference[i].Scale;
            Assert.True(double.IsFinite(actual[i]) && Math.Abs(reference[i].Value - actual[i]) <= tolerance,
                $"[{i}]: expected {reference[i].Value:R}, got {actual[i]:R}\n{fixedSource}");
        }
    }

    /// <summary>
    /// "lse x..." log-sum-exp, "ce k x..." cross-entropy of label k, "-ce k x..." its negation, "logsoftmax x..." every
    /// log-probability, "softmax k x..." one probability, "1+lse x...", and "a + b" sums, in double (shifted by the
    /// maximum); each with the scale of its error bound, the largest magnitude of its row and result.
    /// </summary>
    private static (double Value, double Scale)[] Reference(string expression)
    {
        if (expression.Contains(" + ", StringComparison.Ordinal))
        {
            (double Value, double Scale)[] terms = expression.Split(" + ").Select(term => Reference(term)[0]).ToArray();
            return new[] { (terms.Sum(t => t.Value), terms.Sum(t => t.Scale)) };
        }

        string[] words = expression.Split(' ');
        double[] Numbers(int skip) => words.Skip(skip).Select(double.Parse).ToArray();
        static double Lse(double[] x)
        {
            double max = x.Max();
            return max + Math.Log(x.Sum(v => Math.Exp(v - max)));
        }

        double[] values = words[0] switch
        {
            "lse" => new[] { Lse(Numbers(1)) },
            "1+lse" => new[] { 1 + Lse(Numbers(1)) },
            "ce" => new[] { Lse(Numbers(2)) - Numbers(2)[int.Parse(words[1])] },
            "-ce" => new[] { Numbers(2)[int.Parse(words[1])] - Lse(Numbers(2)) },
            "logsoftmax" => Numbers(1).Select(v => v - Lse(Numbers(1))).ToArray(),
            "softmax" => new[] { Math.Exp(Numbers(2)[int.Parse(words[1])] - Lse(Numbers(2))) },
            _ => throw new ArgumentException(expression),
        };
        double scale = Math.Max(1, Numbers(words[0] is "ce" or "-ce" or "softmax" ? 2 : 1).Max(Math.Abs));
        return values.Select(v => (v, Math.Max(scale, Math.Abs(v)))).ToArray();
    }
}
