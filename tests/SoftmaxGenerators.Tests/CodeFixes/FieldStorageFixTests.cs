using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// Exponentials and their sum kept in fields that other members read: a softmax layer that keeps them for its
/// backward pass (LGFW's NNSoftMaxLayer). The fix is offered only when every read elsewhere is an arithmetic
/// expression in which the shift cancels out (or the field ends up normalized in place); a field another member
/// returns, writes (other than with a fresh array) or reads alone sees the scaled values, and the fix is declined.
/// </summary>
public class FieldStorageFixTests
{
    private const string Layer = """
            private double[] m_expOutput = new double[4];
            private double m_sum;
            private double[] m_output = new double[4];
            private double[] m_bpInToE = new double[4];

            public void Setup(int n)
            {
                m_expOutput = new double[n];
                m_output = new double[n];
                m_bpInToE = new double[n];
            }

            public double[] Forward(double[] input)
            {
                m_sum = 0;
                for (int i = 0; i < input.Length; ++i)
                {
                    m_expOutput[i] = {|SMX0001:Math.Exp(input[i])|};
                    m_sum += m_expOutput[i];
                }

                m_sum = 1 / m_sum;
                for (int i = 0; i < input.Length; ++i)
                    m_output[i] = m_expOutput[i] * m_sum;
                return m_output;
            }

            public double[] Backward(double[] outToE)
            {
                double sum2 = m_sum * m_sum;
                for (int i = 0; i < m_bpInToE.Length; ++i)
                {
                    m_bpInToE[i] = 0;
                    for (int j = 0; j < m_bpInToE.Length; ++j)
                    {
                        if (i == j)
                            m_bpInToE[i] += (m_sum - m_expOutput[i] * sum2) * m_expOutput[i] * outToE[j];
                        else
                            m_bpInToE[i] -= m_expOutput[j] * sum2 * m_expOutput[i] * outToE[j];
                    }
                }

                return m_bpInToE;
            }
        """;

    private const string FixedForward = """
                m_sum = 0;
                double max = double.NegativeInfinity;
                for (int i = 0; i < input.Length; ++i)
                {
                    max = Math.Max(max, input[i]);
                }

                for (int i = 0; i < input.Length; ++i)
                {
                    m_expOutput[i] = Math.Exp(input[i] - max);
                    m_sum += m_expOutput[i];
                }
        """;

    private const string OriginalForward = """
                m_sum = 0;
                for (int i = 0; i < input.Length; ++i)
                {
                    m_expOutput[i] = {|SMX0001:Math.Exp(input[i])|};
                    m_sum += m_expOutput[i];
                }
        """;

    [Fact]
    public Task A_backward_pass_of_degree_zero_keeps_the_fix() => Verifier.VerifyAsync(
        Sources.Class(Layer),
        Sources.Class(Layer.Replace(OriginalForward, FixedForward)));

    [Fact]
    public Task A_field_normalized_in_place_may_be_read_anywhere() => Verifier.VerifyAsync(
        // mmentella/mai's SoftmaxActivationFunction: Backward reads the probabilities the shift leaves unchanged.
        Sources.Class("""
            private double[] output = new double[0];
            public double[] Forward(double[] input)
            {
                output = new double[input.Length];
                double sum = 0;
                for (int i = 0; i < input.Length; i++) { output[i] = {|SMX0001:Math.Exp(input[i])|}; sum += output[i]; }
                for (int i = 0; i < input.Length; i++) output[i] /= sum;
                return output;
            }
            public double Backward(double g, int i) => g * output[i] * (1 - output[i]);
            public double[] Probabilities => output;
        """),
        Sources.Class("""
            private double[] output = new double[0];
            public double[] Forward(double[] input)
            {
                output = new double[input.Length];
                double sum = 0;
                double max = double.NegativeInfinity;
                for (int i = 0; i < input.Length; i++)
                {
                    max = Math.Max(max, input[i]);
                }

                for (int i = 0; i < input.Length; i++) { output[i] = Math.Exp(input[i] - max); sum += output[i]; }
                for (int i = 0; i < input.Length; i++) output[i] /= sum;
                return output;
            }
            public double Backward(double g, int i) => g * output[i] * (1 - output[i]);
            public double[] Probabilities => output;
        """));

    [Fact]
    public Task Probabilities_stored_in_a_public_property_are_not_the_exponentials() => Verifier.VerifyAsync(
        // TurtleML's SoftMaxOutputLayer: exp(x) / sum goes into Outputs, which holds probabilities, not exponentials.
        Sources.Class("""
            public float[] Outputs { get; } = new float[3];
            public float[] CalculateOutputs(float[] inputs)
            {
                float sum = 0f;
                for (int i = 0; i < inputs.Length; i++) sum += (float){|SMX0001:Math.Exp(inputs[i])|};
                for (int i = 0; i < inputs.Length; i++) Outputs[i] = (float)Math.Exp(inputs[i]) / sum;
                return Outputs;
            }
        """),
        Sources.Class("""
            public float[] Outputs { get; } = new float[3];
            public float[] CalculateOutputs(float[] inputs)
            {
                float sum = 0f;
                double max = double.NegativeInfinity;
                for (int i = 0; i < inputs.Length; i++)
                {
                    max = Math.Max(max, inputs[i]);
                }

                for (int i = 0; i < inputs.Length; i++) sum += (float)Math.Exp(inputs[i] - max);
                for (int i = 0; i < inputs.Length; i++) Outputs[i] = (float)Math.Exp(inputs[i] - max) / sum;
                return Outputs;
            }
        """));

    public static TheoryData<string> Declined => new()
    {
        // The exponentials themselves leave the type through a property.
        Layer + "\n    public double[] Exponentials => m_expOutput;",
        // Another member reads the reciprocal alone.
        Layer + "\n    public double Partition() => 1 / m_sum;",
        // Another member reads one exponential alone.
        Layer + "\n    public double First() => m_expOutput[0] * 2;",
        // Another member writes the sum.
        Layer + "\n    public void Reset() { m_sum = 1; }",
        // The exponentials in a field other types can read.
        Layer.Replace("private double[] m_expOutput", "internal double[] m_expOutput"),
        // A return before the reciprocal: other members could see the sum itself.
        Layer.Replace("        m_sum = 1 / m_sum;", "        if (m_sum > 1e300) return m_output;\n        m_sum = 1 / m_sum;"),
    };

    [Theory]
    [MemberData(nameof(Declined))]
    public Task No_fix_when_another_member_sees_the_scaled_values(string members) => Verifier.VerifyAsync(Sources.Class(members), Sources.Class(members));

    [Fact]
    public async Task The_fixed_layer_computes_the_same_gradients_and_stays_finite()
    {
        string original = Sources.Class(Layer.Replace("{|SMX0001:", string.Empty).Replace("(input[i])|}", "(input[i])"));
        string fixedSource = await FixRunner.ApplyAllAsync(original, new NaiveSoftmaxAnalyzer(), new NaiveSoftmaxCodeFixProvider());
        Assert.Contains("Math.Exp(input[i] - max)", fixedSource);
        using CompiledCode before = CompiledCode.Compile(original);
        using CompiledCode after = CompiledCode.Compile(fixedSource);
        double[] upstream = { 0.5, -1, 2, 0.25 };

        double[] ordinary = { 0.3, -1.2, 2.5, 0.9 };
        object naiveLayer = before.CreateInstance("C");
        object fixedLayer = after.CreateInstance("C");
        double[] p = (double[])((double[])CompiledCode.Call(naiveLayer, "Forward", ordinary)!).Clone();
        double[] q = (double[])CompiledCode.Call(fixedLayer, "Forward", ordinary)!;
        double[] g = (double[])((double[])CompiledCode.Call(naiveLayer, "Backward", upstream)!).Clone();
        double[] h = (double[])CompiledCode.Call(fixedLayer, "Backward", upstream)!;
        for (int i = 0; i < p.Length; i++)
        {
            Assert.Equal(p[i], q[i], 1e-12);
            Assert.Equal(g[i], h[i], 1e-12);
        }

        // Logits of 800: the naive layer's exponentials overflow (outputs NaN, gradients NaN), the fixed one's do not.
        double[] large = { 800, 799, 10, 0 };
        Assert.Contains(((double[])CompiledCode.Call(naiveLayer, "Forward", large)!), double.IsNaN);
        Assert.Contains(((double[])CompiledCode.Call(naiveLayer, "Backward", upstream)!), double.IsNaN);
        double[] stable = (double[])CompiledCode.Call(fixedLayer, "Forward", large)!;
        Assert.All(stable, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(1 / (1 + System.Math.Exp(-1)), stable[0], 1e-12);
        Assert.All((double[])CompiledCode.Call(fixedLayer, "Backward", upstream)!, v => Assert.True(double.IsFinite(v)));
    }
}
