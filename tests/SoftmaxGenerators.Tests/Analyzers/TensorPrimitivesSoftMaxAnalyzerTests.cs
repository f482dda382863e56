using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

public class TensorPrimitivesSoftMaxAnalyzerTests
{
    private static Task Verify(string members) => AnalyzerVerifier<TensorPrimitivesSoftMaxAnalyzer>.VerifyAsync(Sources.Class(members));

    public static TheoryData<string> Positives => new()
    {
        """
        static void F(ReadOnlySpan<float> x, Span<float> y) => {|SMX0004:TensorPrimitives.SoftMax(x, y)|};
        """,
        """
        static double[] F(double[] x) { var y = new double[x.Length]; {|SMX0004:TensorPrimitives.SoftMax<double>(x, y)|}; return y; }
        """,
        """
        static void F(float[] x) { {|SMX0004:TensorPrimitives.SoftMax(x, x)|}; }
        """,
    };

    public static TheoryData<string> Negatives => new()
    {
        """
        static void F(ReadOnlySpan<float> x, Span<float> y) { float m = TensorPrimitives.Max(x); TensorPrimitives.Subtract(x, m, y); TensorPrimitives.Exp(y, y); TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y); }
        """,
        """
        static void SoftMax(ReadOnlySpan<float> x, Span<float> y) { x.CopyTo(y); }
        static void F(float[] x, float[] y) => SoftMax(x, y);
        """,
        """
        static float F(ReadOnlySpan<float> x) => TensorPrimitives.Max(x) + TensorPrimitives.Sum(x);
        """,
    };

    [Theory]
    [MemberData(nameof(Positives))]
    public Task Reports_SoftMax_calls(string members) => Verify(members);

    [Theory]
    [MemberData(nameof(Negatives))]
    public Task Silent_elsewhere(string members) => Verify(members);
}
