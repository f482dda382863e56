using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.UpgradeToGeneratedSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.UpgradeToGeneratedSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// SMX0005's fix on stable softmax loops over buffers of one run-time length: <c>[Softmax]</c> on the type, the loops
/// replaced by one call, under <c>if (x.Length &gt; 0)</c> where an empty row is possible (the loops write nothing for
/// it, the kernel throws). One fix at a time and Fix All (the verifier runs both).
/// </summary>
public class RuntimeLoopKernelFixTests
{
    private static Task Verify(string source, string fixedSource, string? title = null)
    {
        var test = new Verifier.Test { TestCode = source, FixedCode = fixedSource, CompilerDiagnostics = CompilerDiagnostics.None };
        if (title is not null)
        {
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        }

        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task The_SMX0001_fix_output_becomes_a_guarded_call_to_a_kernel_named_around_the_type_own_Softmax() => Verify(
        Sources.Usings + """
        public static class Activations
        {
            public static double[] Softmax(double[] logits)
            {
                var result = new double[logits.Length];
                double sum = 0; // running total
                double max = double.NegativeInfinity;
                for (int i = 0; i < logits.Length; i++)
                {
                    max = Math.Max(max, logits[i]);
                }

                // exponentiate
                for (int i = 0; i < logits.Length; i++)
                {
                    result[i] = {|SMX0005:Math.Exp(logits[i] - max)|};
                    sum += result[i];
                }

                for (int i = 0; i < result.Length; i++)
                    result[i] /= sum;
                return result;
            }
        }
        """,
        Sources.Usings.Replace("using System.Numerics.Tensors;\n", "using System.Numerics.Tensors;\nusing SoftmaxGenerators;\n") + """
        [Softmax(MethodName = "SoftmaxAny")]
        public static partial class Activations
        {
            public static double[] Softmax(double[] logits)
            {
                var result = new double[logits.Length];
                if (logits.Length > 0)
                {
                    SoftmaxAny(logits, result);
                }
                return result;
            }
        }
        """,
        "Use a generated softmax kernel ([Softmax] on 'Activations')");

    [Fact]
    public Task No_guard_where_an_empty_row_is_excluded_or_already_throws() => Verify(
        Sources.Class("""
                static void A(float[] x, float[] y)
                {
                    if (x.Length == 0 || x.Length != y.Length) throw new ArgumentException();
                    float sum = 0;
                    float max = float.NegativeInfinity;
                    foreach (float v in x)
                        max = MathF.Max(max, v);
                    for (int i = 0; i < x.Length; i++)
                    {
                        y[i] = {|SMX0005:MathF.Exp(x[i] - max)|};
                        sum += y[i];
                    }

                    for (int i = 0; i < y.Length; i++)
                        y[i] /= sum;
                }

                static void B(Span<double> w)
                {
                    double s = 0;
                    double max = TensorPrimitives.Max<double>(w);
                    for (int i = 0; i < w.Length; i++) { w[i] = {|SMX0005:Math.Exp(w[i] - max)|}; s += w[i]; }
                    for (int i = 0; i < w.Length; i++) w[i] /= s;
                }
            """),
        Sources.Class("""
                static void A(float[] x, float[] y)
                {
                    if (x.Length == 0 || x.Length != y.Length) throw new ArgumentException();
                    Softmax(x, y);
                }

                static void B(Span<double> w)
                {
                    Softmax(w, w);
                }
            """).Replace("using System.Numerics.Tensors;\n", "using System.Numerics.Tensors;\nusing SoftmaxGenerators;\n").Replace("public class C", "[Softmax]\npublic partial class C"));

    [Fact]
    public Task Fix_All_adds_one_run_time_attribute_next_to_a_constant_one() => Verify(
        Sources.Class("""
                static void A(double[] x)
                {
                    var y = new double[x.Length];
                    double sum = 0;
                    double max = double.NegativeInfinity;
                    for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]);
                    for (int i = 0; i < x.Length; i++) sum += {|SMX0005:Math.Exp(x[i] - max)|};
                    for (int i = 0; i < x.Length; i++) y[i] = Math.Exp(x[i] - max) / sum;
                }

                static void B()
                {
                    var x = new double[3];
                    double sum = 0;
                    double max = double.NegativeInfinity;
                    for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]);
                    for (int i = 0; i < x.Length; i++) { x[i] = {|SMX0005:Math.Exp(x[i] - max)|}; sum += x[i]; }
                    for (int i = 0; i < x.Length; i++) x[i] /= sum;
                }

                static void D(int n)
                {
                    var a = new float[n];
                    var b = new float[n];
                    float sum = 0;
                    float max = float.NegativeInfinity;
                    for (int i = 0; i < n; i++) max = Math.Max(max, a[i]);
                    for (int i = 0; i < n; i++) { b[i] = {|SMX0005:MathF.Exp(a[i] - max)|}; sum += b[i]; }
                    for (int i = 0; i < n; i++) b[i] /= sum;
                }
            """),
        Sources.Class("""
                static void A(double[] x)
                {
                    var y = new double[x.Length];
                    if (x.Length > 0)
                    {
                        Softmax(x, y);
                    }
                }

                static void B()
                {
                    var x = new double[3];
                    Softmax3(x, x);
                }

                static void D(int n)
                {
                    var a = new float[n];
                    var b = new float[n];
                    if (a.Length > 0)
                    {
                        Softmax(a, b);
                    }
                }
            """).Replace("using System.Numerics.Tensors;\n", "using System.Numerics.Tensors;\nusing SoftmaxGenerators;\n").Replace("public class C", "[Softmax]\n[Softmax(3, MethodName = \"Softmax3\")]\npublic partial class C"));
}
