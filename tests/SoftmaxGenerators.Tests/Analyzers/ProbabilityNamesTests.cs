using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>
/// Exponents read from members named as probabilities (a probability is at most 1, a log-probability at most 0, so
/// neither overflows): silent. Locals and parameters so named, members the same body writes, and densities stay
/// unknown, hence reported.
/// </summary>
public class ProbabilityNamesTests
{
    private const string Model = """
        public sealed class Hmm
        {
            public double[] Probabilities = new double[2];
            public double[] LogProbabilities => Probabilities;
            public double[,] Transitions = new double[2, 2];
            public double GetLogConditionalProbability(int state, int symbol) => Transitions[state, symbol];
            public double ProbabilityDensity(double x) => x;
        }

        """;

    private static Task SoftmaxVerify(string members) => AnalyzerVerifier<NaiveSoftmaxAnalyzer>.VerifyAsync(Sources.Class(Model + members));

    private static Task LogSumExpVerify(string members) => AnalyzerVerifier<NaiveLogSumExpAnalyzer>.VerifyAsync(Sources.Class(Model + members));

    public static TheoryData<string> SilentSoftmax => new()
    {
        // A field of another object, read element by element (Accord-style HMM log-probabilities).
        "static double[] F(Hmm m) { var p = new double[2]; double s = 0; for (int i = 0; i < 2; i++) { p[i] = Math.Exp(m.Probabilities[i]); s += p[i]; } for (int i = 0; i < 2; i++) p[i] /= s; return p; }",
        // A property.
        "static double[] F(Hmm m) { double s = m.LogProbabilities.Sum(Math.Exp); return m.LogProbabilities.Select(v => Math.Exp(v) / s).ToArray(); }",
    };

    public static TheoryData<string> ReportedSoftmax => new()
    {
        // A local named as probabilities that holds logits, exponentiated in place.
        "static double[] F(double[] logits) { var probabilities = (double[])logits.Clone(); double s = 0; for (int i = 0; i < probabilities.Length; i++) { probabilities[i] = {|SMX0001:Math.Exp(probabilities[i])|}; s += probabilities[i]; } for (int i = 0; i < probabilities.Length; i++) probabilities[i] /= s; return probabilities; }",
        // A field the same body first fills with scores.
        """
        private double[] _probabilities = new double[4];
        public void F(double[] scores) { double s = 0; for (int i = 0; i < 4; i++) { _probabilities[i] = scores[i]; } for (int i = 0; i < 4; i++) { _probabilities[i] = {|SMX0001:Math.Exp(_probabilities[i])|}; s += _probabilities[i]; } for (int i = 0; i < 4; i++) _probabilities[i] /= s; }
        """,
        // A parameter so named (its caller decides what it holds).
        "static double[] F(double[] probabilities) { double s = 0; foreach (var v in probabilities) s += {|SMX0001:Math.Exp(v)|}; return probabilities.Select(v => Math.Exp(v) / s).ToArray(); }",
        // A density can exceed 1.
        "static double[] F(Hmm m, double[] x) { double s = 0; foreach (var v in x) s += {|SMX0001:Math.Exp(m.ProbabilityDensity(v))|}; return x.Select(v => Math.Exp(m.ProbabilityDensity(v)) / s).ToArray(); }",
        // Another member of the same object without the name.
        "static double[] F(Hmm m) { var p = new double[2]; double s = 0; for (int i = 0; i < 2; i++) { p[i] = {|SMX0001:Math.Exp(m.Transitions[0, i])|}; s += p[i]; } for (int i = 0; i < 2; i++) p[i] /= s; return p; }",
    };

    public static TheoryData<string> SilentLogSumExp => new()
    {
        // cs-simple-nlp's log-linear tagger: exp of a returned log-probability (-cost), summed and logged.
        "static double F(Hmm m, int[] states) { double sum = 0; foreach (int s in states) sum += Math.Exp(m.GetLogConditionalProbability(s, 1)); return Math.Log(sum); }",
        "static double F(Hmm m) => Math.Log(m.Probabilities.Sum(Math.Exp));",
    };

    public static TheoryData<string> ReportedLogSumExp => new()
    {
        "static double F(double[] probabilities) => {|SMX0002:Math.Log(probabilities.Sum(Math.Exp))|};",
        "static double F(Hmm m, double[] x) { double sum = 0; foreach (var v in x) sum += Math.Exp(m.ProbabilityDensity(v)); return {|SMX0002:Math.Log(sum)|}; }",
        // A product of two exponentials: one named as a probability, the other a score.
        "static double F(Hmm m, double[] x) { double sum = 0; for (int i = 0; i < 2; i++) sum += Math.Exp(m.Probabilities[i]) * Math.Exp(x[i]); return {|SMX0002:Math.Log(sum)|}; }",
    };

    [Theory]
    [MemberData(nameof(SilentSoftmax))]
    public Task Softmax_of_members_named_as_probabilities_is_silent(string members) => SoftmaxVerify(members);

    [Theory]
    [MemberData(nameof(ReportedSoftmax))]
    public Task Softmax_of_other_values_is_reported(string members) => SoftmaxVerify(members);

    [Theory]
    [MemberData(nameof(SilentLogSumExp))]
    public Task Log_sum_exp_of_members_named_as_probabilities_is_silent(string members) => LogSumExpVerify(members);

    [Theory]
    [MemberData(nameof(ReportedLogSumExp))]
    public Task Log_sum_exp_of_other_values_is_reported(string members) => LogSumExpVerify(members);
}
