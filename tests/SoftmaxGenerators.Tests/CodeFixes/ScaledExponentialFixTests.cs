using System.Threading.Tasks;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// Exponentials scaled before they are stored or summed: divided by a temperature. The shift multiplies each such
/// value by one factor, so the max-shifted code computes the same. Powers of exponentials and the relative form
/// <c>1 / sum_j (e_j / e_i)^(1/T)</c> (Kalmia's move selection) are reported but not fixed: the shift would underflow
/// values the original kept, and trade the relative form's infinity / infinity for 0 / 0.
/// </summary>
public class ScaledExponentialFixTests
{
    [Fact]
    public Task Divided_by_a_temperature_after_the_exponential() => Verifier.VerifyAsync(
        Sources.Class("static float[] F(float[] x, float t) { var y = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:MathF.Exp(x[i])|} / t; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }"),
        Sources.Class("static float[] F(float[] x, float t) { var y = new float[x.Length]; float s = 0; float max = float.NegativeInfinity; for (int i = 0; i < x.Length; i++) { max = Math.Max(max, x[i]); } for (int i = 0; i < x.Length; i++) { y[i] = MathF.Exp(x[i] - max) / t; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }"));

    [Fact]
    public Task A_query_of_exponentials_stored_in_a_list() => Verifier.VerifyAsync(
        Sources.Class("static double[] F(double[] x) { var e = (from v in x select {|SMX0001:Math.Exp(v)|}).ToList(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }"),
        Sources.Class("static double[] F(double[] x) { double max = x.Max(); var e = (from v in x select Math.Exp(v - max)).ToList(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }"));

    public static TheoryData<string> Unfixable => new()
    {
        // A power of the exponential, exp(x)^(1/T): for x = [80, -30] and T = 100 the original weights are right, but
        // exp(-30 - 80) underflows to 0 where exp(-1.1) = 0.33 is wanted. The fix would have to move the power inside.
        "static double[] F(double[] x, double t) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Pow({|SMX0001:Math.Exp(x[i])|}, 1 / t); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }",
        "static double[] F(double[] x, double[] w) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Pow({|SMX0001:Math.Exp(x[i])|}, w[i]); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }",
        // The relative form 1 / sum_j (e_j / e_i)^(1/T) (Kalmia's move selection): after a shift, an e_i far below the
        // maximum underflows to 0 and its ratio with itself is 0 / 0, NaN where the right answer is about 0.
        "public static float[] Probabilities(List<int> counts, float t) { var e = (from c in counts select {|SMX0001:MathF.Exp(c)|}).ToArray(); var p = new float[e.Length]; for (int i = 0; i < e.Length; i++) p[i] = 1f / (from v in e select MathF.Pow(v / e[i], 1f / t)).Sum(); return p; }",
        "static double[] F(double[] x) { var e = x.Select(v => {|SMX0001:Math.Exp(v)|}).ToArray(); return e.Select(v => 1.0 / e.Select(w => w / v).Sum()).ToArray(); }",
        "static float[] F(float[] x) { var p = new float[x.Length]; for (int i = 0; i < x.Length; i++) { float s = 0; for (int j = 0; j < x.Length; j++) s += {|SMX0001:MathF.Exp(x[j])|} / MathF.Exp(x[i]); p[i] = 1 / s; } return p; }",
        // A query with a let clause: its lambdas take a transparent identifier, not the range variable.
        "static double[] F(double[] x) { var e = (from v in x let z = v * 2 select {|SMX0001:Math.Exp(z)|}).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }",
    };

    [Theory]
    [MemberData(nameof(Unfixable))]
    public Task No_fix_where_the_shift_would_change_the_result(string members) => Verifier.VerifyAsync(Sources.Class(members), Sources.Class(members));
}
