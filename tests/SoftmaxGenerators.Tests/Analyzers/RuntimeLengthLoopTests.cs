using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>
/// SMX0005 on stable softmax loops over buffers of one length known only at run time (the generated <c>[Softmax]</c>
/// kernel), and only where the two lengths are provably equal.
/// </summary>
public class RuntimeLengthLoopTests
{
    private static Task Verify(string members) => AnalyzerVerifier<UpgradeToGeneratedSoftmaxAnalyzer>.VerifyAsync(Sources.Class(members));

    private const string Max = "double max = double.NegativeInfinity; for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]); ";

    private const string Loops = "for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0005:Math.Exp(x[i] - max)|}; sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; ";

    private const string Silent = "for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; ";

    public static TheoryData<string> Positives => new()
    {
        // one buffer, in place
        "static void F(double[] x) { double sum = 0; " + Max + Loops.Replace("y[", "x[").Replace("y.Length", "x.Length") + "}",
        "static void F(double[][] rows) { foreach (var x in rows) { double sum = 0; " + Max + Loops.Replace("y[", "x[").Replace("y.Length", "x.Length") + "} }",
        // a destination created with the source's length (array, stackalloc, through a length local)
        "static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; " + Max + Loops + "return y; }",
        "static double F(ReadOnlySpan<double> x) { Span<double> y = stackalloc double[x.Length]; double sum = 0; " + Max + Loops + "return y[0]; }",
        "static double[] F(double[] x) { int n = x.Length; var y = new double[n]; double sum = 0; " + Max + Loops.Replace("i < x.Length", "i < n").Replace("i < y.Length", "i < n") + "return y; }",
        // both created with one size, or a span of that size over each
        "static void F(int n) { var x = new double[n]; var y = new double[n]; double sum = 0; " + Max + Loops + "}",
        "static void F(double[] a, double[] b, int r, int n) { var x = a.AsSpan(r * n, n); var y = b.AsSpan(r * n, n); double sum = 0; " + Max + Loops + "}",
        "static void F(Span<double> a, int n) { var x = a.Slice(0, n); var y = new double[n]; double sum = 0; " + Max + Loops + "}",
        // a length check before the loops (throw or return, either order, ThrowIfNotEqual)
        "static void F(double[] x, Span<double> y) { if (x.Length != y.Length) throw new ArgumentException(); double sum = 0; " + Max + Loops + "}",
        "static void F(double[] x, double[] y) { if (y.Length != x.Length) { return; } double sum = 0; " + Max + Loops + "}",
        "static void F(double[] x, double[] y, int n) { if (x.Length != n || y.Length != n) return; double sum = 0; " + Max + Loops + "}",
        "static void F(double[] x, double[] y) { ArgumentOutOfRangeException.ThrowIfNotEqual(y.Length, x.Length); double sum = 0; " + Max + Loops + "}",
        // the SMX0001 fix's other shapes: foreach, the exponential computed twice, a Max call, a reciprocal
        "static float[] F(float[] logits) { var y = new float[logits.Length]; float z = 0f; float max = float.NegativeInfinity; foreach (float v in logits) max = Math.Max(max, v); foreach (float v in logits) z += {|SMX0005:MathF.Exp(v - max)|}; for (int i = 0; i < logits.Length; i++) y[i] = MathF.Exp(logits[i] - max) / z; return y; }",
        "static void F(double[] w) { double s = 0; double max = w.Max(); for (int i = 0; i < w.Length; i++) { w[i] = {|SMX0005:double.Exp(w[i] - max)|}; s = s + w[i]; } double inv = 1.0 / s; for (int i = 0; i < w.Length; i++) w[i] = w[i] * inv; }",
        "static void F(float[] x, float[] y) { if (x.Length != y.Length) throw new ArgumentException(); float sum = 0; float max = TensorPrimitives.Max(x); for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0005:MathF.Exp(x[i] - max)|}; sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
        // rows of a batch, each in a local of the loop body
        "static void F(float[] batch, float[] output, int rows, int n) { for (int r = 0; r < rows; r++) { var x = batch.AsSpan(r * n, n); var y = output.AsSpan(r * n, n); float sum = 0; float max = float.NegativeInfinity; for (int i = 0; i < n; i++) max = MathF.Max(max, x[i]); for (int i = 0; i < n; i++) { y[i] = {|SMX0005:MathF.Exp(x[i] - max)|}; sum += y[i]; } for (int i = 0; i < n; i++) y[i] /= sum; } }",
    };

    public static TheoryData<string> Negatives => new()
    {
        // lengths not provably equal: unrelated parameters, different sizes, a size of another buffer
        "static void F(double[] x, double[] y) { double sum = 0; " + Max + Silent + "}",
        "static void F(int n, int m) { var x = new double[n]; var y = new double[m]; double sum = 0; " + Max + Silent + "}",
        "static void F(double[] x, double[] z) { var y = new double[z.Length]; double sum = 0; " + Max + Silent + "}",
        "static void F(double[] x, int n) { var y = new double[n + 1]; double sum = 0; " + Max + Silent + "}",
        "static void F(double[] a, double[] b, int s, int n) { var x = a.AsSpan(s); var y = b.AsSpan(s); double sum = 0; " + Max + Silent + "}",
        // reassigned buffers or sizes
        "static void F(double[] x, int k) { var y = new double[x.Length]; if (k > 0) x = new double[k]; double sum = 0; " + Max + Silent + "}",
        "static void F(double[] x) { var y = new double[x.Length]; Array.Resize(ref y, 3); double sum = 0; " + Max + Silent + "}",
        "static void F(int n) { var x = new double[n]; n++; var y = new double[n]; double sum = 0; " + Max + Silent + "}",
        "static void F(ref double[] x) { var y = new double[x.Length]; double sum = 0; " + Max + Silent + "}",
        // a check that does not leave, is in an else, comes after, or is jumped over
        "static void F(double[] x, double[] y) { if (x.Length != y.Length) Console.WriteLine(); double sum = 0; " + Max + Silent + "}",
        "static void F(double[] x, double[] y) { double sum = 0; " + Max + Silent + "if (x.Length != y.Length) throw new ArgumentException(); }",
        "static void F(double[] x, double[] y) { goto L; L: if (x.Length != y.Length) throw new ArgumentException(); double sum = 0; " + Max + Silent + "}",
        // loops that do not cover the buffers: a bound that is another number
        "static void F(double[] x, int n) { var y = new double[x.Length]; double sum = 0; double max = double.NegativeInfinity; for (int i = 0; i < n; i++) max = Math.Max(max, x[i]); for (int i = 0; i < n; i++) { y[i] = Math.Exp(x[i] - max); sum += y[i]; } for (int i = 0; i < n; i++) y[i] /= sum; }",
        // the maximum or the sum used afterwards
        "static double F(double[] x) { var y = new double[x.Length]; double sum = 0; " + Max + Silent + "return sum; }",
        // TensorPrimitives.SoftMax with a run-time length is SMX0004's (its fix offers the kernel)
        "static void F(float[] x, float[] y) => TensorPrimitives.SoftMax(x, y);",
        "static void F(float[] x) { var y = new float[x.Length]; TensorPrimitives.SoftMax(x, y); }",
    };

    [Theory]
    [MemberData(nameof(Positives))]
    public Task Reports_stable_loops_over_buffers_of_one_run_time_length(string members) => Verify(members);

    /// <summary>Reported next to every negative, so that each negative also fails when run-time lengths are not reported at all.</summary>
    private const string Control = "\nstatic void Control(double[] x) { var y = new double[x.Length]; double sum = 0; " + Max + Loops + "}";

    [Theory]
    [MemberData(nameof(Negatives))]
    public Task Silent_where_the_lengths_are_not_provably_equal(string members) => Verify(members + Control);

    [Fact]
    public Task Message_says_the_length_is_known_at_run_time() => AnalyzerVerifier<UpgradeToGeneratedSoftmaxAnalyzer>.VerifyAsync(
        Sources.Class("static void F(double[] x) { var y = new double[x.Length]; double sum = 0; " + Max
            + "for (int i = 0; i < x.Length; i++) { y[i] = {|#0:Math.Exp(x[i] - max)|}; sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }"),
        new DiagnosticResult("SMX0005", DiagnosticSeverity.Info)
            .WithLocation(0)
            .WithArguments("Math.Exp(x[i] - max)", "a row whose length is known only at run time", "[Softmax]"));
}
