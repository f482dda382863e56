using System.Threading;
using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>
/// Shapes seen in real repositories: exponentials that are not System.Math (Unity, Unity.Mathematics, numeric
/// operations, user wrappers, configured functions) and exponents whose range the flow analysis bounds (Gaussian
/// kernels through locals, clamps, guards, constants).
/// </summary>
public class RealCodeShapesTests
{
    private static Task Verify<TAnalyzer>(string members, string? editorConfig = null, params string[] extraSources)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerVerifier<TAnalyzer>.Test { TestCode = Sources.Class(members) };
        test.TestState.Sources.Add(("Unity.cs", Sources.UnityStubs));
        foreach (string source in extraSources)
        {
            test.TestState.Sources.Add(source);
        }

        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig + "\n"));
        }

        return test.RunAsync(CancellationToken.None);
    }

    public static TheoryData<string> SoftmaxPositives => new()
    {
        // The softmax derivative e * (sum - e) / (sum^2 + eps): the divisor grows with the sum and overflows with it.
        """
        static float[] Delta(float[] inputs, int kind)
        {
            float[] outputs = new float[inputs.Length];
            float normSum = 0;
            for (int j = 0; j < inputs.Length; j++)
            {
                switch (kind)
                {
                    case 1: outputs[j] = 1; break;
                    case 2: { outputs[j] = {|SMX0001:MathF.Exp(inputs[j])|}; normSum += outputs[j]; break; }
                }
            }
            if (kind == 2)
            {
                float normSum_sq = normSum * normSum + 0.001f;
                for (int j = 0; j < inputs.Length; j++) outputs[j] = outputs[j] * (normSum - outputs[j]) / normSum_sq;
            }
            return outputs;
        }
        """,
        """
        static double[] Delta(double[] x)
        {
            var e = new double[x.Length];
            double s = 0;
            for (int i = 0; i < x.Length; i++) { e[i] = {|SMX0001:Math.Exp(x[i])|}; s += e[i]; }
            double squared = Math.Pow(s, 2);
            for (int i = 0; i < x.Length; i++) e[i] = e[i] * (s - e[i]) / squared;
            return e;
        }
        """,
        // Wrappers that clamp the exponential (encog's BoundMath.Exp): saturated, equal probabilities for large logits.
        """
        static class Bounds { public static double Bound(double d) { if (d < -1e20) return -1e20; return d > 1e20 ? 1e20 : d; } }
        static double BoundedExp(double a) { return Bounds.Bound(Math.Exp(a)); }
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:BoundedExp(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        """
        static double CappedExp(double a) => Math.Min(Math.Exp(a), 1e20);
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:CappedExp(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // The guard says the opposite: the exponential's element is positive and unbounded.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { if (x[i] < 0) y[i] = x[i]; else y[i] = {|SMX0001:Math.Exp(x[i])|} - 1; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // Boltzmann selection normalized to the mean (GenFx): the divisor is the sum over the count.
        """
        static List<double> Select(List<double> fitness, double temperature) { double total = 0; foreach (var f in fitness) total += {|SMX0001:Math.Pow(Math.E, f / temperature)|}; double mean = total / fitness.Count; var slices = new List<double>(); foreach (var f in fitness) slices.Add(Math.Pow(Math.E, f / temperature) / mean); return slices; }
        """,
        // Exponentials kept in a member of each element (utility AI actions, neuron objects), summed and divided.
        """
        class Action { public float Score { get; set; } }
        static Action? Select(List<Action> actions, float temperature, float draw) { float total = 0; foreach (var action in actions) { action.Score = MathF.Max({|SMX0001:MathF.Exp(action.Score / temperature)|} - 1, 0f); total += action.Score; } float running = 0; foreach (var action in actions) { running += action.Score / total; if (draw <= running) return action; } return null; }
        """,
        """
        class Neuron { public double InVal; public double OutVal; }
        static void Forward(List<Neuron> neurons) { double eSum = 0.0; neurons.ForEach(n => { n.OutVal = {|SMX0001:Math.Exp(n.InVal)|}; eSum += n.OutVal; }); neurons.ForEach(n => n.OutVal /= eSum); }
        """,
        // Unity: Boltzmann action selection with Mathf.Exp.
        """
        static float[] Boltzmann(float[] q, float temperature) { var p = new float[q.Length]; float sum = 0; for (int a = 0; a < q.Length; a++) { p[a] = {|SMX0001:UnityEngine.Mathf.Exp(q[a] / temperature)|}; sum += p[a]; } for (int a = 0; a < q.Length; a++) p[a] /= sum; return p; }
        """,
        // Unity.Mathematics
        """
        static float[] F(float[] x) { var y = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Unity.Mathematics.math.exp(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // Mathf.Pow(Mathf.E, x)
        """
        static float[] F(float[] x) { var y = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:UnityEngine.Mathf.Pow(UnityEngine.Mathf.E, x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A one-line wrapper around Math.Exp.
        """
        static double Exp(double v) => Math.Exp(v);
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Exp(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A block-bodied wrapper around Math.Pow(Math.E, x), with a cast.
        """
        static float E(float v) { return (float)Math.Pow(Math.E, v); }
        static float[] F(float[] x) { var y = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:E(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A wrapper of a wrapper, as an instance method of an activation class.
        """
        sealed class Activation { public double Apply(double v) => Helpers.Exp(v); }
        static class Helpers { public static double Exp(double v) => Math.Exp(v); }
        static double[] F(double[] x, Activation act) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:act.Apply(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // Numeric-operations abstraction (NumOps.Exp).
        """
        interface INumericOperations<T> { T Exp(T value); T Add(T a, T b); T Divide(T a, T b); }
        static T[] F<T>(T[] x, INumericOperations<T> ops, T zero) { var y = new T[x.Length]; T s = zero; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:ops.Exp(x[i])|}; s = ops.Add(s, y[i]); } for (int i = 0; i < x.Length; i++) y[i] = ops.Divide(y[i], s); return y; }
        """,
        // A clamp in the loop that does not bound the exponent from above.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { double z = Math.Max(x[i], -50); y[i] = {|SMX0001:Math.Exp(z)|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A local written again later in the loop: its first value (0) does not bound it.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; double z = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(z)|}; s += y[i]; z = x[i] * 1000; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A guard on another variable bounds nothing.
        """
        static double[] F(double[] x, double t) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { double v = x[i]; if (t > 50) continue; y[i] = {|SMX0001:Math.Exp(v)|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A log plus an unknown score is not a power.
        """
        static double[] F(double[] p, double[] score) { var q = new double[p.Length]; double s = 0; for (int i = 0; i < p.Length; i++) { q[i] = {|SMX0001:Math.Exp(Math.Log(p[i]) + score[i])|}; s += q[i]; } for (int i = 0; i < p.Length; i++) q[i] /= s; return q; }
        """,
        // A product of two unknown factors without a negation is not bounded.
        """
        static double[] F(double[] x, double beta) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(beta * x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A square is non-negative but not bounded above.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i] * x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A single negated read (softmin) is still reported.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(-x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
    };

    public static TheoryData<string> FlowPositives => new()
    {
        // Chained assignment.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) sum += y[i] = {|SMX0001:Math.Exp(x[i])|}; for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }
        """,
        // List.Add, then Sum and a LINQ division.
        """
        static List<double> F(double[] x) { var exps = new List<double>(); foreach (var v in x) exps.Add({|SMX0001:Math.Exp(v)|}); double sum = exps.Sum(); return exps.Select(e => e / sum).ToList(); }
        """,
        // List.Add with a running sum.
        """
        static List<double> F(double[] x) { var exps = new List<double>(); double sum = 0; foreach (var v in x) { var e = {|SMX0001:Math.Exp(v)|}; exps.Add(e); sum += e; } for (int i = 0; i < exps.Count; i++) exps[i] /= sum; return exps; }
        """,
        // A cast inside a LINQ lambda.
        """
        static float[] F(float[] x) { var e = x.Select(v => (float){|SMX0001:Math.Exp(v)|}).ToArray(); float s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        """,
        // Normalization by a helper that divides its argument by its sum.
        """
        static void Normalize(double[] p) { double s = 0; for (int i = 0; i < p.Length; i++) s += p[i]; for (int i = 0; i < p.Length; i++) p[i] /= s; }
        static double[] F(double[] x) { var y = new double[x.Length]; for (int i = 0; i < x.Length; i++) y[i] = {|SMX0001:Math.Exp(x[i])|}; Normalize(y); return y; }
        """,
        // Roulette-wheel sampling scaled by the sum (HHG.UtilityAI SoftmaxSelector shape).
        """
        static string Pick(Dictionary<string, float> scores, float temperature) { float sum = 0f; foreach (var kv in scores) sum += {|SMX0001:UnityEngine.Mathf.Exp(kv.Value / temperature)|}; float roll = UnityEngine.Random.Range(0f, sum); float cumulative = 0f; foreach (var kv in scores) { cumulative += UnityEngine.Mathf.Exp(kv.Value / temperature); if (roll <= cumulative) return kv.Key; } return null; }
        """,
        """
        static int Pick(double[] q, Random rng) { double total = 0; foreach (var v in q) total += {|SMX0001:Math.Exp(v)|}; double r = rng.NextDouble() * total; double c = 0; for (int i = 0; i < q.Length; i++) { c += Math.Exp(q[i]); if (c >= r) return i; } return q.Length - 1; }
        """,
        // Normalized by an extension helper that returns a normalized copy (k-chr/NNBasics shape).
        """
        static double[] F(double[] input) { var output = new double[input.Length]; for (var i = 0; i < input.Length; ++i) output[i] = {|SMX0001:Math.Exp(input[i])|}; return output.Normalize(); }
        """,
        // A constant minus something shifts nothing (maximum-entropy GIS scores).
        """
        static double[] F(double[] s, double[] f, double c) { double normal = 0; for (int k = 0; k < s.Length; k++) { s[k] = {|SMX0001:Math.Exp(s[k] * c + (1.0 - f[k] / c))|}; normal += s[k]; } for (int k = 0; k < s.Length; k++) s[k] /= normal; return s; }
        """,
        // Math.Pow of a hand-written e, collected in a list (bandit Boltzmann selection).
        """
        const double e = 2.71828;
        static List<double> F(double[] estimates, double tau) { var exp = new List<double>(); foreach (var a in estimates) exp.Add({|SMX0001:Math.Pow(e, a / tau)|}); double sum = exp.Sum(); for (int i = 0; i < exp.Count; i++) exp[i] = exp[i] / sum; return exp; }
        """,
        // A cumulative sum of the exponentials divided by their total (roulette probabilities).
        """
        static List<double> F(double[] estimates, double tau) { var exp = new List<double>(); foreach (var a in estimates) exp.Add({|SMX0001:Math.Exp(a / tau)|}); double sum = exp.Sum(); var probability = new List<double>(); double current = 0.0; for (int i = 0; i < exp.Count; i++) { current += exp[i]; probability.Add(current / sum); } return probability; }
        """,
        // The softmax derivative from raw exponentials, divided by the squared sum (Noedify, havilash shapes).
        """
        static double[] F(double[] x) { var e = new double[x.Length]; double s = 0; for (int j = 0; j < x.Length; j++) { e[j] = {|SMX0001:Math.Exp(x[j])|}; s += e[j]; } for (int j = 0; j < x.Length; j++) e[j] = e[j] * (s - e[j]) / (s * s + 0.001); return e; }
        """,
        // Divided by something that is not a running maximum of the same values.
        """
        static double[] F(double[] prior, double[] other) { double m = 1; for (int o = 0; o < other.Length; o++) { if (m < Math.Abs(other[o])) m = Math.Abs(other[o]); } double normal = 0.0; for (int o = 0; o < prior.Length; o++) { prior[o] = {|SMX0001:Math.Exp(prior[o] / m)|}; normal += prior[o]; } for (int o = 0; o < prior.Length; o++) prior[o] /= normal; return prior; }
        """,
        // A long chain of copies: out of depth is unbounded, never "shifted".
        """
        static double[] F(double[] x0) { var x1 = x0; var x2 = x1; var x3 = x2; var x4 = x3; var x5 = x4; var x6 = x5; var x7 = x6; var x8 = x7; var x9 = x8; var y = new double[x9.Length]; double s = 0; for (int i = 0; i < x9.Length; i++) { y[i] = {|SMX0001:Math.Exp(x9[i])|}; s += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= s; return y; }
        """,
    };

    public static TheoryData<string> SummaryCases => new()
    {
        // A helper of this compilation that shifts in place: judged by its body, silent.
        """
        static void SubtractMax(double[] x) { double m = x.Max(); for (int i = 0; i < x.Length; i++) x[i] -= m; }
        static double[] F(double[] x) { SubtractMax(x); var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A helper whose name speaks of normalizing but whose body does not shift: reported.
        """
        static void NormalizeScale(double[] x) { for (int i = 0; i < x.Length; i++) x[i] *= 2; }
        static double[] F(double[] x) { NormalizeScale(x); var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // An exponent helper that returns a difference: silent.
        """
        static double Centered(double[] x, int i, double m) => x[i] - m;
        static double[] F(double[] x) { double m = x.Max(); var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(Centered(x, i, m)); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // An exponent helper named like a maximum that returns a raw score: reported.
        """
        static double MaxScore(double[] x, int i) => x[i] * 3;
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:Math.Exp(MaxScore(x, i))|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // Scores written through out by an unknown method are unknown, not shifted.
        """
        static void Forward(double[] input, out double[] logits) { logits = input; }
        static double[] F(double[] input) { Forward(input, out double[] z); var y = new double[z.Length]; double s = 0; for (int i = 0; i < z.Length; i++) { y[i] = {|SMX0001:Math.Exp(z[i])|}; s += y[i]; } for (int i = 0; i < z.Length; i++) y[i] /= s; return y; }
        """,
    };

    public static TheoryData<string> LogOfSoftmaxCases => new()
    {
        // The probabilities live in one member of a state object; a ref argument writes another member (also written
        // element by element).
        """
        public class State { public List<float>[] prob = { new List<float>() }; public float[] rate = new float[4]; }
        static void Backward(State s, ref float[] rate) { }
        static float Loss(State state, float[] scores)
        {
            float max = scores.Max();
            float fbase = 0;
            for (int j = 0; j < scores.Length; j++) { state.rate[j] = 0f; state.prob[0].Add((float)Math.Exp(scores[j] - max)); fbase += state.prob[0][j]; }
            fbase = 1f / fbase;
            for (int j = 0; j < scores.Length; j++) state.prob[0][j] *= fbase;
            float loss = (float)-{|SMX0003:Math.Log(state.prob[0][0])|};
            Backward(state, ref state.rate);
            return loss;
        }
        """,
        // ... but a ref argument that reaches the member holding them may clip them.
        """
        public class State { public List<float>[] prob = { new List<float>() }; }
        static void Clip(ref List<float>[] p) { }
        static float Loss(State state, float[] scores)
        {
            float max = scores.Max();
            float fbase = 0;
            for (int j = 0; j < scores.Length; j++) { state.prob[0].Add((float)Math.Exp(scores[j] - max)); fbase += state.prob[0][j]; }
            fbase = 1f / fbase;
            for (int j = 0; j < scores.Length; j++) state.prob[0][j] *= fbase;
            Clip(ref state.prob);
            return (float)-Math.Log(state.prob[0][0]);
        }
        """,
        // Normalized by multiplying with the reciprocal of the sum (catalyst's StarSpace).
        """
        static float Loss(List<float> prob, float[] scores)
        {
            float max = scores.Max();
            float fbase = 0;
            for (int j = 0; j < scores.Length; j++) { prob.Add((float)Math.Exp(scores[j] - max)); fbase += prob[j]; }
            fbase = 1f / fbase;
            for (int j = 0; j < prob.Count; j++) prob[j] *= fbase;
            return (float)-{|SMX0003:Math.Log(prob[0])|};
        }
        """,
        // A helper that returns a softmax under another name, logged by the caller.
        """
        static double[] Probabilities(double[] z) { double m = z.Max(); var p = new double[z.Length]; double s = 0; for (int i = 0; i < z.Length; i++) { p[i] = Math.Exp(z[i] - m); s += p[i]; } for (int i = 0; i < z.Length; i++) p[i] /= s; return p; }
        static double Loss(double[] z, int label) { var p = Probabilities(z); return -{|SMX0003:Math.Log(p[label])|}; }
        """,
        // Mutually recursive helpers do not hang the analysis.
        """
        static double[] A(double[] z, int n) => n > 0 ? B(z, n - 1) : z;
        static double[] B(double[] z, int n) => A(z, n);
        static double Loss(double[] z, int label) { var p = A(z, 3); return -Math.Log(p[label]); }
        """,
        // Entropy guarded against zero probabilities.
        """
        static double H(double[] z) { var p = Softmax(z); double h = 0; for (int j = 0; j < p.Length; j++) { double pj = p[j]; if (pj > 1e-7) h -= pj * Math.Log(pj); } return h; }
        static double[] Softmax(double[] z) { double m = z.Max(); var e = z.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        """,
        """
        static double H(double[] z) { var p = Softmax(z); double h = 0; foreach (var pj in p) { if (pj == 0) continue; h -= pj * Math.Log(pj); } return h; }
        static double[] Softmax(double[] z) { double m = z.Max(); var e = z.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        """,
        """
        static double H(double[] z) { var p = Softmax(z); double h = 0; foreach (var pj in p) h -= pj * {|SMX0003:Math.Log(pj)|}; return h; }
        static double[] Softmax(double[] z) { double m = z.Max(); var e = z.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        """,
        // A helper that returns something else.
        """
        static double[] Scale(double[] z) { var p = new double[z.Length]; for (int i = 0; i < z.Length; i++) p[i] = z[i] * 2; return p; }
        static double Loss(double[] z, int label) { var p = Scale(z); return -Math.Log(p[label]); }
        """,
        // A helper that fills its argument with probabilities, logged by the caller (maxent GIS trainers).
        """
        static void Evaluate(double[] scores, double[] outcomeSums) { double sum = 0; for (int i = 0; i < outcomeSums.Length; i++) { outcomeSums[i] = Math.Exp(scores[i]); sum += outcomeSums[i]; } for (int i = 0; i < outcomeSums.Length; i++) outcomeSums[i] /= sum; }
        static double[] distribution = new double[3];
        static double LogLikelihood(double[][] scores, int[] outcomes) { double ll = 0; for (int t = 0; t < scores.Length; t++) { Evaluate(scores[t], distribution); ll += {|SMX0003:Math.Log(distribution[outcomes[t]])|}; } return ll; }
        """,
        // A helper that fills a member of a state object (fastText's ComputeOutputSoftmax(state), then state.Output).
        """
        class State { public float[] Hidden = new float[4]; public float[] Output = new float[4]; }
        static void ComputeOutputSoftmax(State state) { float max = state.Hidden.Max(); float z = 0; for (int i = 0; i < state.Output.Length; i++) { state.Output[i] = MathF.Exp(state.Hidden[i] - max); z += state.Output[i]; } for (int i = 0; i < state.Output.Length; i++) state.Output[i] /= z; }
        static double Loss(State state, int target) { ComputeOutputSoftmax(state); return -{|SMX0003:Math.Log(state.Output[target])|}; }
        """,
        // A helper that normalizes counts, not exponentials: its output is not a softmax.
        """
        static void Normalize(double[] counts) { double sum = 0; for (int i = 0; i < counts.Length; i++) sum += counts[i]; for (int i = 0; i < counts.Length; i++) counts[i] /= sum; }
        static double Loss(double[] counts, int label) { Normalize(counts); return -Math.Log(counts[label]); }
        """,
        // A helper that points its parameter at a new array: the caller's array is untouched.
        """
        static void Fill(double[] p, double[] z) { p = new double[z.Length]; double s = 0; for (int i = 0; i < z.Length; i++) { p[i] = Math.Exp(z[i]); s += p[i]; } for (int i = 0; i < z.Length; i++) p[i] /= s; }
        static double Loss(double[] p, double[] z, int label) { Fill(p, z); return -Math.Log(p[label]); }
        """,
        // Probabilities passed to a loss that logs them (NeuralLib's Error.CrossEntropy(softmax, expected)).
        """
        class MArray { public float[] Values = new float[4]; }
        static MArray Softmax(MArray x) { var r = new MArray(); float m = x.Values.Max(); float s = 0; for (int i = 0; i < 4; i++) { r.Values[i] = MathF.Exp(x.Values[i] - m); s += r.Values[i]; } for (int i = 0; i < 4; i++) r.Values[i] /= s; return r; }
        static float CrossEntropy(MArray output, MArray expected) { float e = 0; for (int i = 0; i < output.Values.Length; i++) e -= (float){|SMX0003:Math.Log(output.Values[i])|} * expected.Values[i]; return e; }
        static float Train(MArray logits, MArray y) { var softmax = Softmax(logits); return CrossEntropy(softmax, y) + CrossEntropy(softmax, y); }
        static float Other(MArray logits, MArray y) => CrossEntropy(Softmax(logits), y);
        """,
        """
        static double[] Softmax(double[] z) { double m = z.Max(); var e = z.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        static double Entropy(double[] p) { double h = 0; foreach (var pj in p) h -= pj * {|SMX0003:Math.Log(pj)|}; return h; }
        static double F(double[] z) => Entropy(Softmax(z));
        """,
        // The forward function of a softmax type produces probabilities (Softmax.Apply(x), SoftmaxLayer.Forward(x)).
        """
        class Softmax { public static float[] Apply(float[] x) { var r = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { r[i] = MathF.Exp(x[i]); s += r[i]; } for (int i = 0; i < x.Length; i++) r[i] /= s; return r; } }
        class SoftmaxLayer { public double[] Forward(double[] x) => x; public void Backward(double[] g) { } }
        static double CrossEntropy(float[] output, int label) => -{|SMX0003:Math.Log(output[label])|};
        static double Loss(double[] p, int label) => -{|SMX0003:Math.Log(p[label])|};
        static double Train(float[] logits, int label) => CrossEntropy(Softmax.Apply(logits), label);
        static double Layer(SoftmaxLayer layer, double[] x, int label) { var p = layer.Forward(x); return -{|SMX0003:Math.Log(p[label])|} + Loss(layer.Forward(x), label); }
        """,
        // The same loss given something else, a guarded log, a smoothed log: silent.
        """
        static double[] Softmax(double[] z) { double m = z.Max(); var e = z.Select(v => Math.Exp(v - m)).ToArray(); double s = e.Sum(); return e.Select(v => v / s).ToArray(); }
        static double CrossEntropy(double[] p, int label) => -Math.Log(p[label]);
        static double Guarded(double[] p, int label) => p[label] > 0 ? -Math.Log(p[label]) : 50;
        static double Smoothed(double[] p, int label) => -Math.Log(p[label] + 1e-12);
        static double F(double[] z, double[] frequencies, int label) => CrossEntropy(frequencies, label) + Guarded(Softmax(z), label) + Smoothed(Softmax(z), label);
        """,
        // The caller guards the log.
        """
        static void Evaluate(double[] scores, double[] outcomeSums) { double sum = 0; for (int i = 0; i < outcomeSums.Length; i++) { outcomeSums[i] = Math.Exp(scores[i]); sum += outcomeSums[i]; } for (int i = 0; i < outcomeSums.Length; i++) outcomeSums[i] /= sum; }
        static double Loss(double[] scores, double[] p, int label) { Evaluate(scores, p); return p[label] > 1e-12 ? -Math.Log(p[label]) : 27.6; }
        """,
    };

    [Theory]
    [MemberData(nameof(LogOfSoftmaxCases))]
    public Task Log_of_softmax_through_helpers(string members) => Verify<LogOfSoftmaxAnalyzer>(members);

    [Theory]
    [MemberData(nameof(SummaryCases))]
    public Task Callees_are_judged_by_their_bodies(string members) => Verify<NaiveSoftmaxAnalyzer>(members);

    [Theory]
    [MemberData(nameof(FlowPositives))]
    public Task Flow_is_followed(string members) => Verify<NaiveSoftmaxAnalyzer>(members, null,
        "using System.Linq; public static class CollectionsExtensions { public static double[] Normalize(this double[] input) { var sum = input.Sum(); var output = new double[input.Length]; for (var i = 0; i < input.Length; ++i) output[i] = input[i] / sum; return output; } }");

    [Theory]
    [MemberData(nameof(SoftmaxPositives))]
    public Task Softmax_is_reported(string members) => Verify<NaiveSoftmaxAnalyzer>(members);

    public static TheoryData<string> SoftmaxNegatives => new()
    {
        // A function of an exponential that is no clamp is no exponential: log(exp(a)) = a, a square.
        """
        static double Same(double a) => Math.Log(Math.Exp(a));
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Same(x[i]); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        """
        static double Square(double d) => d * d;
        static double Sq(double a) => Square(Math.Exp(a));
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Sq(x[i]); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // An ELU branch: the element is non-positive where its exponential is taken (Noedify's activation switch).
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { if (x[i] > 0) y[i] = x[i]; else y[i] = Math.Exp(x[i]) - 1; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        """
        static float[] F(List<float> x) { var y = new float[x.Count]; float s = 0; for (int i = 0; i < x.Count; i++) { if (x[i] <= -1) continue; y[i] = x[i] < 0 ? MathF.Exp(x[i]) : 1; s += y[i]; } for (int i = 0; i < x.Count; i++) y[i] /= s; return y; }
        """,
        // Gaussian kernel through locals: d2 is a sum of squares.
        """
        static double[] F(double[] px, double[] py, double x, double y, double s) { var w = new double[px.Length]; double sum = 0; for (int i = 0; i < px.Length; i++) { double dx = px[i] - x; double dy = py[i] - y; double d2 = dx * dx + dy * dy; w[i] = Math.Exp(-d2 / (2 * s * s)); sum += w[i]; } for (int i = 0; i < w.Length; i++) w[i] /= sum; return w; }
        """,
        // Diffusion-map kernel: d2 accumulated in a loop, divided by a bandwidth.
        """
        static double[] F(double[][] pts, double[] q, double eps) { var w = new double[pts.Length]; double sum = 0; for (int i = 0; i < pts.Length; i++) { double d2 = 0; for (int k = 0; k < q.Length; k++) { double diff = pts[i][k] - q[k]; d2 += diff * diff; } w[i] = Math.Exp(-d2 / eps); sum += w[i]; } for (int i = 0; i < w.Length; i++) w[i] /= sum; return w; }
        """,
        // t-SNE style: beta times a squared distance kept in an array filled here.
        """
        static double[] F(double[] a, double[] b, double beta) { var d = new double[a.Length]; for (int j = 0; j < a.Length; j++) { double t = a[j] - b[j]; d[j] = t * t; } var p = new double[a.Length]; double sum = 0; for (int j = 0; j < a.Length; j++) { p[j] = Math.Exp(-beta * d[j]); sum += p[j]; } for (int j = 0; j < a.Length; j++) p[j] /= sum; return p; }
        """,
        // t-SNE rows: a negated product of a distance and a precision (jdmccaffrey/tsne-csharp, fel88/t-SNE shapes).
        """
        static double[] F(double[] di, double beta) { var p = new double[di.Length]; double sumP = 0; for (int j = 0; j < di.Length; ++j) { p[j] = Math.Exp(-1 * di[j] * beta); sumP += p[j]; } if (sumP == 0.0) sumP = 1.0e-12; for (int j = 0; j < di.Length; ++j) p[j] /= sumP; return p; }
        """,
        """
        static double[] F(double[] D, int i, int N, double beta) { var prow = new double[N]; var psum = 0.0; for (var j = 0; j < N; j++) { var pj = Math.Exp(-D[i * N + j] * beta); if (i == j) { pj = 0; } prow[j] = pj; psum += pj; } for (var j = 0; j < N; j++) prow[j] = prow[j] / psum; return prow; }
        """,
        // Probabilistic neural network: squared differences stored in a field array, then accumulated (encog PNN shape).
        """
        double[] _dsqr = new double[8];
        double[] F(double[][] samples, double[] input, double[] sigma) { var w = new double[samples.Length]; double psum = 0; for (int r = 0; r < samples.Length; r++) { double dist = 0.0; for (int k = 0; k < input.Length; k++) { double diff = input[k] - samples[r][k]; diff /= sigma[k]; _dsqr[k] = diff * diff; dist += _dsqr[k]; } dist = Math.Exp(-dist); w[r] = dist; psum += dist; } for (int r = 0; r < w.Length; r++) w[r] /= psum; return w; }
        """,
        // Clamped before the exponential.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { double z = Math.Clamp(x[i], -50, 50); y[i] = Math.Exp(z); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        """
        static float[] F(float[] x) { var y = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { float z = x[i]; if (z > 50f) z = 50f; y[i] = MathF.Exp(z); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        """
        static float[] F(float[] x) { var y = new float[x.Length]; float s = 0; for (int i = 0; i < x.Length; i++) { float z = UnityEngine.Mathf.Min(x[i], 30f); y[i] = UnityEngine.Mathf.Exp(z); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A guard that skips large values.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { double v = x[i]; if (v > 40) continue; y[i] = Math.Exp(v); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // A guard bounds what is computed from the guarded value: x <= 20, so 2 * x <= 40.
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { double v = x[i]; if (v > 20) continue; v = v * 2; y[i] = Math.Exp(v); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // Test data drawn from a known range, and a relative error divided by the sum (dotLLM FastMathTests shape).
        """
        static float F(Random rng, int n) { var input = new float[n]; for (int i = 0; i < n; i++) input[i] = rng.NextSingle() * 10f - 5f; var refOutput = new float[n]; float refSum = 0f; for (int i = 0; i < n; i++) { refOutput[i] = MathF.Exp(input[i]); refSum += refOutput[i]; } return refOutput[0] / refSum; }
        """,
        """
        static float F(float fusedSum, int len) { var input = new float[len]; for (int i = 0; i < len; i++) input[i] = -i * 0.5f; float refSum = 0f; for (int i = 0; i < len; i++) refSum += MathF.Exp(input[i]); return input[0] / refSum; }
        """,
        """
        static float F(float[] input, float fusedSum) { var refOutput = new float[input.Length]; float refSum = 0f; for (int i = 0; i < input.Length; i++) { refOutput[i] = MathF.Exp(input[i]); refSum += refOutput[i]; } return MathF.Abs(fusedSum - refSum) / refSum; }
        """,
        // Divided by a running maximum of the absolute values (OpenNLP perceptron shape): within [-1, 1].
        """
        static double[] F(double[] prior) { double maxPrior = 1; for (int o = 0; o < prior.Length; o++) { if (maxPrior < Math.Abs(prior[o])) { maxPrior = Math.Abs(prior[o]); } } double normal = 0.0; for (int o = 0; o < prior.Length; o++) { prior[o] = Math.Exp(prior[o] / maxPrior); normal += prior[o]; } for (int o = 0; o < prior.Length; o++) prior[o] /= normal; return prior; }
        """,
        // Constants.
        """
        static double[] F() { var y = new double[3]; double s = 0; for (int i = 0; i < 3; i++) { y[i] = Math.Exp(2.0 * i); s += y[i]; } for (int i = 0; i < 3; i++) y[i] /= s; return y; }
        """,
        // A power written through logarithms: exp(log(p) / T).
        """
        static double[] Sharpen(double[] p, double t) { var q = new double[p.Length]; double s = 0; for (int i = 0; i < p.Length; i++) { q[i] = Math.Exp(Math.Log(p[i]) / t); s += q[i]; } for (int i = 0; i < p.Length; i++) q[i] /= s; return q; }
        """,
        // HMM forward step on log-probabilities computed in the body.
        """
        static double[] Step(double[] prior, double[] emission) { var la = new double[prior.Length]; var lb = new double[prior.Length]; for (int i = 0; i < prior.Length; i++) { la[i] = Math.Log(prior[i]); lb[i] = Math.Log(emission[i]); } var post = new double[prior.Length]; double z = 0; for (int i = 0; i < prior.Length; i++) { post[i] = Math.Exp(la[i] + lb[i]); z += post[i]; } for (int i = 0; i < prior.Length; i++) post[i] /= z; return post; }
        """,
        // A method named Exp that is not an exponential (two parameters).
        """
        static double Exp(double b, double e) => Math.Pow(b, e);
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = Exp(2, x[i]); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        // Max-shifted with Unity functions.
        """
        static float[] F(float[] q) { float m = float.MinValue; foreach (var v in q) m = UnityEngine.Mathf.Max(m, v); var p = new float[q.Length]; float s = 0; for (int a = 0; a < q.Length; a++) { p[a] = UnityEngine.Mathf.Exp(q[a] - m); s += p[a]; } for (int a = 0; a < q.Length; a++) p[a] /= s; return p; }
        """,
    };

    [Theory]
    [MemberData(nameof(SoftmaxNegatives))]
    public Task Bounded_or_stable_is_silent(string members) => Verify<NaiveSoftmaxAnalyzer>(members);

    [Fact]
    public Task Configured_exponential_is_reported() => Verify<NaiveSoftmaxAnalyzer>(
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:MyLib.FastMath.Exp(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        "softmax_generators.exp_methods = MyLib.FastMath.Exp, Other.Lib.Exp",
        "namespace MyLib { public static class FastMath { public static double Exp(double x) { double r = 1 + x / 256; r *= r; r *= r; r *= r; r *= r; r *= r; r *= r; r *= r; r *= r; return r; } } }");

    [Fact]
    public Task Configured_names_accept_global_prefixes_and_odd_separators() => Verify<NaiveSoftmaxAnalyzer>(
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = {|SMX0001:MyLib.FastMath.Exp(x[i])|}; s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        "softmax_generators.exp_methods = ,, Broken<T>,  global::MyLib.FastMath.Exp\t, <>",
        "namespace MyLib { public static class FastMath { public static double Exp(double x) { double r = 1 + x / 256; r *= r; r *= r; return r; } } }");

    [Fact]
    public Task Unconfigured_approximation_is_not_an_exponential() => Verify<NaiveSoftmaxAnalyzer>(
        """
        static double[] F(double[] x) { var y = new double[x.Length]; double s = 0; for (int i = 0; i < x.Length; i++) { y[i] = MyLib.FastMath.Exp(x[i]); s += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= s; return y; }
        """,
        null,
        "namespace MyLib { public static class FastMath { public static double Exp(double x) { double r = 1 + x / 256; r *= r; r *= r; return r; } } }");

    public static TheoryData<string> LogSumExpCases => new()
    {
        // Unity softplus: reported.
        "static float Softplus(float x) => {|SMX0002:UnityEngine.Mathf.Log(1f + UnityEngine.Mathf.Exp(x))|};",
        // Configured log and exp.
        "static double Lse(double a, double b) => {|SMX0002:Math.Log(Math.Exp(a) + Math.Exp(b))|};",
        // Constants never overflow.
        "static double Softplus2() => Math.Log(1 + Math.Exp(2.0));",
        // The stable softplus with |x| kept in a local.
        "static double Softplus(double x) { double ax = Math.Abs(x); return Math.Max(x, 0) + Math.Log(1 + Math.Exp(-ax)); }",
        // Guarded by an early return.
        "static double Softplus(double x) { if (x > 30) return x; return Math.Log(1 + Math.Exp(x)); }",
        // Clamped parameter.
        "static double Softplus(double x) { if (x > 30) x = 30; return Math.Log(1 + Math.Exp(x)); }",
        // log1p(exp(x)).
        "static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> => {|SMX0002:T.LogP1(T.Exp(x))|};",
        "static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> => T.LogP1(T.Exp(-T.Abs(x)));",
        // Softplus spread over locals (NeuralNetwork.NET shape).
        "static float Softplus(float x) { float exp = (float)Math.Exp(x); float sum = 1 + exp; return (float){|SMX0002:Math.Log(sum)|}; }",
        // Softplus spread over a local.
        "static double Softplus(double x) { var e = Math.Exp(x); return {|SMX0002:Math.Log(1 + e)|}; }",
        "static double Softplus(double x) { var e = Math.Exp(-x * x); return Math.Log(1 + e); }",
        // A softplus case of an activation switch whose other cases reassign the parameter (Barracuda's reference CPU).
        "enum Act { None, Relu, Softplus, Relu6 } static float Apply(float v, Act a) { switch (a) { case Act.Relu: v = MathF.Max(v, 0f); break; case Act.None: v = MathF.Tanh(v); break; case Act.Softplus: v = {|SMX0002:MathF.Log(MathF.Exp(v) + 1f)|}; break; case Act.Relu6: v = MathF.Min(MathF.Max(0f, v), 6f); break; default: v = 0.5f * (MathF.Exp(v) - MathF.Exp(-v)); break; } return v; }",
        // The shift is in the same branch (or reaches around a loop): stable, silent.
        "static float Apply(float v, float m, bool shift) { if (shift) { v = v - m; return MathF.Log(MathF.Exp(v) + 1f); } else { v = 0; } return v; }",
        "static float Apply(float[] xs, float m) { float r = 0, v = 0; for (int i = 0; i < xs.Length; i++) { if (i % 2 == 0) r += MathF.Log(MathF.Exp(v) + 1f); else v = xs[i] - m; } return r; }",
        // The logistic loss of a margin: a label of either sign times a score (elthrika, GNet shapes).
        "static Func<double, double, double> LogisticLoss = (target, result) => Math.Log(2) * {|SMX0002:Math.Log(1 + Math.Exp(-target * result))|};",
        "static double Logit(double T, double O) => {|SMX0002:Math.Log(1.0 + Math.Exp(-T * O))|};",
        // The log of a t-SNE row's sum: kernel exponents (a precision times a distance), not margins.
        "static double Entropy(double[] d, double beta) { double sumP = 0; for (int j = 0; j < d.Length; j++) sumP += Math.Exp(-d[j] * beta); return Math.Log(sumP); }",
        // A margin of a square or an absolute value is bounded.
        "static double Loss(double y, double f) => Math.Log(1.0 + Math.Exp(-y * y * Math.Abs(f)));",
    };

    [Theory]
    [MemberData(nameof(LogSumExpCases))]
    public Task LogSumExp_cases(string members) => Verify<NaiveLogSumExpAnalyzer>(members);
}

/// <summary>A user tensor type whose Sum takes a selector (Kemsekov/Adam-Optimizer-C- shape).</summary>
public class UserTensorShapesTests
{
    private const string Tensor = """
        public sealed class FTensor
        {
            private readonly float[] _values;
            public FTensor(float[] values) => _values = values;
            public float Sum(System.Func<float, float> selector) { float s = 0; foreach (var v in _values) s += selector(v); return s; }
            public FTensor Map(System.Func<float, float> map) { var r = new float[_values.Length]; for (int i = 0; i < r.Length; i++) r[i] = map(_values[i]); return new FTensor(r); }
        }
        """;

    [Fact]
    public Task Sum_with_a_selector_on_a_user_type_is_a_sum()
    {
        var test = new AnalyzerVerifier<NaiveSoftmaxAnalyzer>.Test
        {
            TestCode = Sources.Class("static FTensor Activation(FTensor x) { var sum = x.Sum(v => {|SMX0001:MathF.Exp(v)|}); return x.Map(v => MathF.Exp(v) / sum); }"),
        };
        test.TestState.Sources.Add(("FTensor.cs", Tensor));
        return test.RunAsync(CancellationToken.None);
    }
}
