using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Diagnostics;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

public class NaiveLogisticAnalyzerTests
{
    private static Task Verify(string members) => AnalyzerVerifier<NaiveLogisticAnalyzer>.VerifyAsync(Sources.Class(members));

    public static TheoryData<string> Positives => new()
    {
        "static double Sigmoid(double x) => {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|};",
        "static double Sigmoid(double x) => {|SMX0006:Math.Exp(x) / (Math.Exp(x) + 1.0)|};",
        "static float Sigmoid(float x) => {|SMX0006:MathF.Exp(x) / (1f + MathF.Exp(x))|};",
        "static float Sigmoid(float x) => {|SMX0006:float.Exp(x) / (float.Exp(x) + 1)|};",
        "static double Sigmoid(double x) => {|SMX0006:double.Exp(x) / (1 + double.Exp(x))|};",
        "static T Sigmoid<T>(T x) where T : IExponentialFunctions<T> => {|SMX0006:T.Exp(x) / (T.One + T.Exp(x))|};",
        "static double Sigmoid(double x) => {|SMX0006:Math.Pow(Math.E, x) / (1 + Math.Pow(Math.E, x))|};",
        "static double Sigmoid(double x, double a) => {|SMX0006:a * Math.Exp(x) / (1 + Math.Exp(x))|};",
        // any finite b and k: exp(x) / (b + k * exp(x)) is inf / inf just the same
        "static double R(double x) => {|SMX0006:Math.Exp(x) / (2 + Math.Exp(x))|};",
        "static double R(double x) => {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x) * 2)|};",
        "static double R(double r, double t) => {|SMX0006:(r * Math.Exp(r * t)) / (Math.Log(2) * Math.Exp(t * r) + Math.Log(2))|};",
        // the negated form overflows for very negative x
        "static double Sigmoid(double x) => {|SMX0006:Math.Exp(-x) / (1 + Math.Exp(-x))|};",
        "static double P(double[] w, double[] v, double b) => {|SMX0006:Math.Exp(Dot(w, v) + b) / (1 + Math.Exp(Dot(w, v) + b))|}; static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();",
        "static float P(double z) => {|SMX0006:(float)Math.Exp(z) / (1 + (float)Math.Exp(z))|};",
        // two statements
        "static double Sigmoid(double v) { var k = Math.Exp(v); return {|SMX0006:k / (1 + k)|}; }",
        "static double Sigmoid(double v) { double k; k = Math.Exp(v); Console.WriteLine(k); return {|SMX0006:k / (k + 1)|}; }",
        "double _k; double Sigmoid(double v) { _k = Math.Exp(v); return {|SMX0006:_k / (1 + _k)|}; }",
        "static void Sigmoid(double[] x, double[] y) { for (int i = 0; i < x.Length; i++) { double e = Math.Exp(x[i]); y[i] = {|SMX0006:e / (1 + e)|}; } }",
        "static double Sigmoid(double v, bool f) { double k = Math.Exp(v); if (f) { return {|SMX0006:k / (1 + k)|}; } return 0; }",
        // a comparison that does not bound the exponent above
        "static double Sigmoid(double x) => x > 0 ? {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|} : 0.5;",
        "static double Sigmoid(double x) => x < 1000 ? {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|} : 1;",
        "static double Sigmoid(double x, double y) => y < 0 ? {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|} : 1;",
        "static double Sigmoid(double x) { if (x > 20) { Console.WriteLine(x); } return {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|}; }",
        "static double Sigmoid(double x) { if (x > 20) return 1; x = x * x; return {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|}; }",
        "static double Sigmoid(double x) => {|SMX0006:Math.Exp(Math.Min(x, 1000)) / (1 + Math.Exp(Math.Min(x, 1000)))|};",
        "static double Sigmoid(double x) => Math.Abs(x) > 30 ? {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|} : 0.5;",
        "static double Sigmoid(double x) => Math.Abs(x) < 1000 ? {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|} : 1;",
        "static Func<double, double> S = x => {|SMX0006:Math.Exp(x) / (1 + Math.Exp(x))|};",
    };

    public static TheoryData<string> Negatives => new()
    {
        "static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));",
        "static double Sigmoid(double x) => 1.0 - 1.0 / (1 + Math.Exp(x));",
        "static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));",
        "static double Sigmoid(double x) => x < 0 ? Math.Exp(x) / (1 + Math.Exp(x)) : 1 / (1 + Math.Exp(-x));",
        "static double Sigmoid(double x) => x > 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));",
        "static double Sigmoid(double x) => x > 0 ? Math.Exp(-x) / (1 + Math.Exp(-x)) : 0.5;",
        "static double Sigmoid(double x) => !(x > 30) ? Math.Exp(x) / (1 + Math.Exp(x)) : 1;",
        "static double Sigmoid(double x) => x < -5 || x > 20 ? 0 : Math.Exp(x) / (1 + Math.Exp(x));",
        "static double Sigmoid(double x) => 2 * x < 10 ? Math.Exp(2 * x) / (1 + Math.Exp(2 * x)) : 1;",
        "static double Sigmoid(double x) { if (x > 20) return 1; return Math.Exp(x) / (1 + Math.Exp(x)); }",
        "static double Sigmoid(double x) { if (x >= 0) { return 1 / (1 + Math.Exp(-x)); } else { double e = Math.Exp(x); return e / (1 + e); } }",
        "static double Sigmoid(double x) { if (x < 0) { double e = Math.Exp(x); return e / (1 + e); } return 1 / (1 + Math.Exp(-x)); }",
        "static float Sigmoid(float x) { if (x > 40f) throw new ArgumentOutOfRangeException(nameof(x)); return MathF.Exp(x) / (1 + MathF.Exp(x)); }",
        // bounded exponents
        "static double Half() => Math.Exp(0.0) / (1 + Math.Exp(0.0));",
        "static double K() => Math.Exp(2.0) / (1 + Math.Exp(2.0));",
        "static double G(double x) => Math.Exp(-x * x) / (1 + Math.Exp(-x * x));",
        "static double G(double x) => Math.Exp(-Math.Abs(x)) / (1 + Math.Exp(-Math.Abs(x)));",
        "static double G(double x) { double e = Math.Exp(-Math.Abs(x)); return x >= 0 ? 1 / (1 + e) : e / (1 + e); }",
        "static double G(double x) => Math.Exp(Math.Min(x, 30)) / (1 + Math.Exp(Math.Min(x, 30)));",
        "static float G(float x) { float e = MathF.Exp(Math.Clamp(x, -30f, 30f)); return e / (1 + e); }",
        "static double Sigmoid(double x) => Math.Abs(x) < 30 ? Math.Exp(x) / (1 + Math.Exp(x)) : (x > 0 ? 1 : 0);",
        "static double Sigmoid(double x) { if (Math.Abs(x) > 30) return x > 0 ? 1 : 0; return Math.Exp(-x) / (1 + Math.Exp(-x)); }",
        // not a logistic, or the variable may hold something else at the division
        "static double R(double x, double y) => Math.Exp(x) / (1 + Math.Exp(y));",
        "static double R(double x) => Math.Exp(x) / (1 + x);",
        "static double R(double x, double y) { var k = Math.Exp(x); k = y; return k / (1 + k); }",
        "static double R(double x, double y) { var k = Math.Exp(x); Set(ref k); return k / (1 + k); } static void Set(ref double k) => k = 0.5;",
        "static double R(double[] x) { double k = 0; double r = 0; foreach (var v in x) { r += k / (1 + k); k = Math.Exp(v); } return r; }",
        "double _k; double R(double v) { _k = Math.Exp(v); Clamp(); return _k / (1 + _k); } void Clamp() => _k = Math.Min(_k, 1);",
        "static double R(double x) { double k = Math.Exp(x); Func<double> f = () => k / (1 + k); k = 0; return f(); }",
        "static double R(double x) => Math.Exp(x) / (1 + Math.Log(x));",
        "static double R(double x, double a) => a * Math.Exp(-1.0) / (1 + Math.Exp(x));",
        "static double R(double x, double a) => a * x / (1 + Math.Exp(x));",
        "static double R(double x) { double k = Math.Exp(x); void Zero() => k = 0; Zero(); return k / (1 + k); }",
        "static double D(double x) { var e = Math.Exp(-x); return e / Math.Pow(e + 1, 2); }",
        "static double R(double x) => Math.Exp(x) / (1 + Math.Exp(x) + Math.Exp(2 * x));",
        "static double R(double x, double y) => Math.Exp(x) / (Math.Exp(y) + Math.Exp(x));",
        "static double R(double x, double y) => Math.Exp(x) / (y * Math.Exp(x) + Math.Exp(x));",
    };

    [Theory]
    [MemberData(nameof(Positives))]
    public Task Reports_naive_logistic(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Negatives))]
    public Task Silent_on_stable_forms(string members) => Verify(members);

    [Fact]
    public async Task Message_names_the_division()
    {
        var test = new AnalyzerVerifier<NaiveLogisticAnalyzer>.Test
        {
            TestCode = Sources.Class("static double S(double x) => {|#0:Math.Exp(x) / (1 + Math.Exp(x))|};"),
        };
        test.ExpectedDiagnostics.Add(new DiagnosticResult(NumericsDescriptors.NaiveLogistic).WithLocation(0).WithArguments("Math.Exp(x) / (1 + Math.Exp(x))"));
        await test.RunAsync(CancellationToken.None);
    }
}
