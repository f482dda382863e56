using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>Exponentials stored and normalized through pointers (<c>float* py; py[i] /= sum</c>), which IOperation
/// does not model as element accesses: reported, and fixed in the plain loop shape.</summary>
public class PointerShapesTests
{
    private static Solution AllowUnsafe(Solution solution, ProjectId projectId) => solution.WithProjectCompilationOptions(projectId,
        ((CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!).WithAllowUnsafe(true));

    private static Task Verify(string members)
    {
        var test = new AnalyzerVerifier<NaiveSoftmaxAnalyzer>.Test { TestCode = Sources.Class(members) };
        test.SolutionTransforms.Add(AllowUnsafe);
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Softmax_through_pointers_in_a_local_function_is_reported() => Verify("""
        static class ActivationFunctions { public static float Softmax(float x) => (float)Math.Exp(x); }
        public static unsafe void SoftmaxForward(float* px, float* py, int n, int l)
        {
            void Row(int i)
            {
                int offset = i * l;
                float sum = 0;
                for (int j = 0; j < l; j++)
                {
                    float value = {|SMX0001:ActivationFunctions.Softmax(px[offset + j])|};
                    py[offset + j] = value;
                    sum += value;
                }
                for (int j = 0; j < l; j++) py[offset + j] /= sum;
            }
            for (int i = 0; i < n; i++) Row(i);
        }
        """);

    [Fact]
    public Task Shifted_softmax_through_pointers_is_silent() => Verify("""
        public static unsafe void Softmax(float* x, float* y, int l)
        {
            float max = float.NegativeInfinity;
            for (int j = 0; j < l; j++) max = MathF.Max(max, x[j]);
            float sum = 0;
            for (int j = 0; j < l; j++) { y[j] = MathF.Exp(x[j] - max); sum += y[j]; }
            for (int j = 0; j < l; j++) y[j] /= sum;
        }
        """);

    private static Task VerifyFix(string members, string fixedMembers)
    {
        var test = new CodeFixVerifier<NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>.Test
        {
            TestCode = Sources.Class(members),
            FixedCode = Sources.Class(fixedMembers),
        };
        test.SolutionTransforms.Add(AllowUnsafe);
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task The_fix_reads_the_maximum_through_the_pointer() => VerifyFix(
        """
            public static unsafe void Softmax(float* x, float* y, int l)
            {
                float sum = 0;
                for (int j = 0; j < l; j++) { y[j] = {|SMX0001:MathF.Exp(x[j])|}; sum += y[j]; }
                for (int j = 0; j < l; j++) y[j] /= sum;
            }
        """,
        """
            public static unsafe void Softmax(float* x, float* y, int l)
            {
                float sum = 0;
                float max = float.NegativeInfinity;
                for (int j = 0; j < l; j++)
                {
                    max = Math.Max(max, x[j]);
                }

                for (int j = 0; j < l; j++) { y[j] = MathF.Exp(x[j] - max); sum += y[j]; }
                for (int j = 0; j < l; j++) y[j] /= sum;
            }
        """);

    /// <summary>NeuralNetwork.NET's SoftmaxForward: a wrapper named Softmax, stores through a pointer, a local function
    /// per row; the fix repeats the loop with its index local to take the maximum.</summary>
    [Fact]
    public Task The_fix_handles_a_wrapper_in_a_local_function() => VerifyFix(
        """
            static class ActivationFunctions { public static float Softmax(float x) => (float)Math.Exp(x); }
            public static unsafe void SoftmaxForward(float* px, float* py, int n, int l)
            {
                void Row(int i)
                {
                    int offset = i * l;
                    float sum = 0;
                    for (int j = 0; j < l; j++)
                    {
                        int target = offset + j;
                        float value = {|SMX0001:ActivationFunctions.Softmax(px[target])|};
                        py[target] = value;
                        sum += value;
                    }
                    for (int j = 0; j < l; j++) py[offset + j] /= sum;
                }
                for (int i = 0; i < n; i++) Row(i);
            }
        """,
        """
            static class ActivationFunctions { public static float Softmax(float x) => (float)Math.Exp(x); }
            public static unsafe void SoftmaxForward(float* px, float* py, int n, int l)
            {
                void Row(int i)
                {
                    int offset = i * l;
                    float sum = 0;
                    float max = float.NegativeInfinity;
                    for (int j = 0; j < l; j++)
                    {
                        int target = offset + j;
                        max = Math.Max(max, px[target]);
                    }

                    for (int j = 0; j < l; j++)
                    {
                        int target = offset + j;
                        float value = ActivationFunctions.Softmax(px[target] - max);
                        py[target] = value;
                        sum += value;
                    }
                    for (int j = 0; j < l; j++) py[offset + j] /= sum;
                }
                for (int i = 0; i < n; i++) Row(i);
            }
        """);
}
