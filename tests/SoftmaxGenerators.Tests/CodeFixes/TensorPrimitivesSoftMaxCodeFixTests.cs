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

    [Theory]
    [InlineData("static void F() { var x = new float[10]; var y = new float[12]; {|SMX0004:TensorPrimitives.SoftMax(x, y)|}; }")]
    [InlineData("static void F(ReadOnlySpan<float> x, Span<float> y) => {|SMX0004:TensorPrimitives.SoftMax(x, y)|};")]
    [InlineData("static void F(ReadOnlySpan<float> x, Span<float> y) { {|SMX0004:TensorPrimitives.SoftMax(x, y)|}; }")]
    [InlineData("static void F(float[] x) { {|SMX0004:TensorPrimitives.SoftMax(x.AsSpan(1), x)|}; }")]
    public Task No_fix_when_the_destination_length_is_unknown(string members) => Verifier.VerifyAsync(Sources.Class(members), Sources.Class(members));
}
