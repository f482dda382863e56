using System.Threading.Tasks;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.TensorPrimitivesSoftMaxAnalyzer, SoftmaxGenerators.CodeFixes.TensorPrimitivesSoftMaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

public class TensorPrimitivesSoftMaxCodeFixTests
{
    [Fact]
    public Task Two_calls_in_one_type() => Verifier.VerifyAsync(
        Sources.Class("""
                public static float[] A(float[] x)
                {
                    var y = new float[x.Length];
                    // stable now
                    {|SMX0004:TensorPrimitives.SoftMax(x, y)|};
                    return y;
                }

                public static void B(Span<double> x)
                {
                    {|SMX0004:TensorPrimitives.SoftMax<double>(x, x)|};
                }
            """),
        Sources.Class("""
                public static float[] A(float[] x)
                {
                    var y = new float[x.Length];
                    // stable now
                    TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y);
                    TensorPrimitives.Exp(y, y);
                    TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
                    return y;
                }

                public static void B(Span<double> x)
                {
                    TensorPrimitives.Subtract<double>(x, TensorPrimitives.Max<double>(x), x);
                    TensorPrimitives.Exp<double>(x, x);
                    TensorPrimitives.Divide<double>(x, TensorPrimitives.Sum<double>(x), x);
                }
            """));

    [Fact]
    public Task Stackalloc_destination() => Verifier.VerifyAsync(
        Sources.Class("""
                public static float F(ReadOnlySpan<float> x)
                {
                    Span<float> p = stackalloc float[x.Length];
                    {|SMX0004:TensorPrimitives.SoftMax(x, p)|};
                    return p[0];
                }
            """),
        Sources.Class("""
                public static float F(ReadOnlySpan<float> x)
                {
                    Span<float> p = stackalloc float[x.Length];
                    TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), p);
                    TensorPrimitives.Exp(p, p);
                    TensorPrimitives.Divide(p, TensorPrimitives.Sum(p), p);
                    return p[0];
                }
            """));

    [Fact]
    public Task Buffers_of_the_same_constant_length() => Verifier.VerifyAsync(
        Sources.Class("""
                public static float[] Head(float[] features)
                {
                    var logits = new float[10];
                    logits[0] = features[0];
                    var probabilities = new float[10];
                    {|SMX0004:TensorPrimitives.SoftMax(logits, probabilities)|};
                    return probabilities;
                }
            """),
        Sources.Class("""
                public static float[] Head(float[] features)
                {
                    var logits = new float[10];
                    logits[0] = features[0];
                    var probabilities = new float[10];
                    TensorPrimitives.Subtract(logits, TensorPrimitives.Max(logits), probabilities);
                    TensorPrimitives.Exp(probabilities, probabilities);
                    TensorPrimitives.Divide(probabilities, TensorPrimitives.Sum(probabilities), probabilities);
                    return probabilities;
                }
            """));

    [Fact]
    public Task Destination_of_unknown_length_is_sliced_to_the_source() => Verifier.VerifyAsync(
        Sources.Class("""
                static void F(ReadOnlySpan<float> x, Span<float> y)
                {
                    {|SMX0004:TensorPrimitives.SoftMax(x, y)|};
                }

                static void G()
                {
                    var x = new double[10];
                    var y = new double[12];
                    {|SMX0004:TensorPrimitives.SoftMax<double>(x, y)|};
                }
            """),
        Sources.Class("""
                static void F(ReadOnlySpan<float> x, Span<float> y)
                {
                    Span<float> destination = y.Slice(0, x.Length);
                    TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), destination);
                    TensorPrimitives.Exp(destination, destination);
                    TensorPrimitives.Divide(destination, TensorPrimitives.Sum(destination), destination);
                }

                static void G()
                {
                    var x = new double[10];
                    var y = new double[12];
                    Span<double> destination = y.AsSpan(0, x.Length);
                    TensorPrimitives.Subtract<double>(x, TensorPrimitives.Max<double>(x), destination);
                    TensorPrimitives.Exp<double>(destination, destination);
                    TensorPrimitives.Divide<double>(destination, TensorPrimitives.Sum<double>(destination), destination);
                }
            """));

    [Fact]
    public Task Slices_are_evaluated_once() => Verifier.VerifyAsync(
        Sources.Class("""
                static void F(Span<float> logits, float[] probs, int n)
                {
                    {|SMX0004:TensorPrimitives.SoftMax(logits.Slice(0, n), probs.AsSpan(0, n))|};
                }
            """),
        Sources.Class("""
                static void F(Span<float> logits, float[] probs, int n)
                {
                    ReadOnlySpan<float> input = logits.Slice(0, n);
                    Span<float> destination = probs.AsSpan(0, n).Slice(0, input.Length);
                    TensorPrimitives.Subtract(input, TensorPrimitives.Max(input), destination);
                    TensorPrimitives.Exp(destination, destination);
                    TensorPrimitives.Divide(destination, TensorPrimitives.Sum(destination), destination);
                }
            """));

    [Fact]
    public Task Call_in_the_body_of_an_if_becomes_a_block() => Verifier.VerifyAsync(
        Sources.Class("""
                static float[] F(float[] output, bool crossEntropy)
                {
                    if (crossEntropy)
                        {|SMX0004:TensorPrimitives.SoftMax(output, output)|};

                    return output;
                }
            """),
        Sources.Class("""
                static float[] F(float[] output, bool crossEntropy)
                {
                    if (crossEntropy)
                    {
                        TensorPrimitives.Subtract(output, TensorPrimitives.Max(output), output);
                        TensorPrimitives.Exp(output, output);
                        TensorPrimitives.Divide(output, TensorPrimitives.Sum(output), output);
                    }

                    return output;
                }
            """));

    [Theory]
    [InlineData("static void F(ReadOnlySpan<float> x, Span<float> y) => {|SMX0004:TensorPrimitives.SoftMax(x, y)|};")]
    [InlineData("static void F(float[] x) { {|SMX0004:TensorPrimitives.SoftMax(x.AsSpan(1), x)|}; }")]
    public Task No_fix_for_expression_bodies_and_partly_overlapping_buffers(string members) => new Verifier.Test
    {
        // The sequence is not offered; the first one may still call a generated kernel (TensorPrimitivesSoftMaxKernelFixTests).
        TestCode = Sources.Class(members),
        FixedCode = Sources.Class(members),
        CodeActionEquivalenceKey = SoftmaxGenerators.CodeFixes.TensorPrimitivesSoftMaxCodeFixProvider.StableKey,
    }.RunAsync(System.Threading.CancellationToken.None);
}
