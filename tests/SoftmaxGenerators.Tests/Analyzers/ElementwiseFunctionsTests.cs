using System.Threading;
using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;
using SoftmaxFix = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>;
using SoftplusFix = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveLogSumExpAnalyzer, SoftmaxGenerators.CodeFixes.NaiveLogSumExpCodeFixProvider>;

namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>
/// Exponentials and logs of whole arrays: a tensor backend's <c>Exp(Tensor)</c> declared by an interface and
/// implemented in the compilation (SiaNet's backends), library functions such as <c>np.exp(NDArray)</c>.
/// </summary>
public class ElementwiseFunctionsTests
{
    private const string Backend = """
        namespace Backends
        {
            public sealed class NdArray
            {
                public float[] Data = new float[0];
                public static NdArray operator +(NdArray a, float b) => a;
                public static NdArray operator -(NdArray a, NdArray b) => a;
                public static NdArray operator /(NdArray a, NdArray b) => a;
            }

            public interface IBackend
            {
                NdArray Exp(NdArray x);
                NdArray Log(NdArray x);
                NdArray Max(NdArray x, int axis);
                NdArray Sum(NdArray x, int axis);
            }

            public static class Native
            {
                public static NdArray Apply(string op, NdArray x) => x;
            }
        }
        """;

    private static Task Verify<TAnalyzer>(string members, params string[] extra)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerVerifier<TAnalyzer>.Test { TestCode = Sources.Usings + "using Backends;\n" + members };
        test.TestState.Sources.Add(("Backend.cs", Backend));
        foreach (string source in extra)
        {
            test.TestState.Sources.Add(source);
        }

        return test.RunAsync(CancellationToken.None);
    }

    private const string Implementation = """
        public class CpuBackend : IBackend
        {
            public NdArray Exp(NdArray x) => Native.Apply("exp", x);
            public NdArray Log(NdArray x) { return Native.Apply("log", x); }
            public NdArray Max(NdArray x, int axis) => x;
            public NdArray Sum(NdArray x, int axis) => x;
        """;

    [Fact]
    public Task Softplus_with_the_backends_own_functions_is_reported() => Verify<NaiveLogSumExpAnalyzer>(
        Implementation + """
            public NdArray Softplus(NdArray x, int axis = -1) { return {|SMX0002:Log((Exp(x) + 1))|}; }
        }
        """);

    [Fact]
    public Task Softplus_through_the_interface_is_reported() => Verify<NaiveLogSumExpAnalyzer>("""
        public static class Layers
        {
            public static NdArray Softplus(IBackend k, NdArray x) => {|SMX0002:k.Log(k.Exp(x) + 1)|};
        }
        """);

    [Fact]
    public Task Shifted_softmax_with_the_backends_functions_is_silent() => Verify<NaiveSoftmaxAnalyzer>(
        Implementation + """
            public NdArray Softmax(NdArray x, int axis = -1)
            {
                var e = Exp(x - Max(x, axis));
                var s = Sum(e, axis);
                return e / s;
            }
        }
        """);

    private const string NumSharp = """
        namespace NumSharp
        {
            public sealed class NDArray
            {
                public static NDArray operator -(NDArray a, NDArray b) => a;
                public static NDArray operator /(NDArray a, NDArray b) => a;
            }

            public static class np
            {
                public static extern NDArray exp(in NDArray a);
                public static extern NDArray exp(in NDArray a, System.Type dtype);
                public static extern NDArray max(in NDArray a);
                public static extern NDArray sum(in NDArray a, int? axis = null);
            }
        }
        """;

    [Fact]
    public Task NumSharp_softmax_of_whole_arrays_is_reported_and_its_shifted_form_silent() => Verify<NaiveSoftmaxAnalyzer>("""
        using NumSharp;

        public static class Post
        {
            public static NDArray Naive(NDArray logits)
            {
                var exp = {|SMX0001:np.exp(logits)|};
                return exp / np.sum(exp);
            }

            public static NDArray Stable(NDArray logits)
            {
                var exp = np.exp(logits - np.max(logits));
                return exp / np.sum(exp);
            }

            public static NDArray NotNormalized(NDArray logits, NDArray scale)
            {
                var exp = np.exp(logits);
                return exp / scale;
            }
        }
        """, NumSharp);

    private const string MathNet = """
        namespace MathNet.Numerics.LinearAlgebra
        {
            public abstract class Vector<T> : System.Collections.Generic.IEnumerable<T> where T : struct
            {
                public extern Vector<T> PointwiseExp();
                public extern T Sum();
                public extern T Maximum();
                public static extern Vector<T> operator -(Vector<T> v, T s);
                public static extern Vector<T> operator /(Vector<T> v, T s);
                public extern System.Collections.Generic.IEnumerator<T> GetEnumerator();
                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
            }
        }
        """;

    [Fact]
    public Task MathNet_pointwise_exponentials_normalized_by_their_sum_are_reported() => Verify<NaiveSoftmaxAnalyzer>("""
        using Vector = MathNet.Numerics.LinearAlgebra.Vector<double>;

        public static class Layer
        {
            // Photon's Chista SoftMax.Conduct: the signal's exponentials divided by their sum.
            public static Vector Naive(Vector signal)
            {
                signal = {|SMX0001:signal.PointwiseExp()|};
                return signal / signal.Sum();
            }

            public static Vector Stable(Vector x)
            {
                var e = (x - x.Maximum()).PointwiseExp();
                return e / e.Sum();
            }

            public static double Partition(Vector x) => x.PointwiseExp().Sum();
        }
        """, MathNet);

    private const string OwnVector = """
        namespace Ml
        {
            public sealed class Vec
            {
                private readonly double[] _d;
                public Vec(int n) => _d = new double[n];
                public double this[int i] { get => _d[i]; set => _d[i] = value; }
                public void Map(System.Func<double, double> f, Vec result) { for (int i = 0; i < _d.Length; i++) result[i] = f(_d[i]); }
                public void MapInPlace(System.Func<double, double> f) { for (int i = 0; i < _d.Length; i++) _d[i] = f(_d[i]); }
                public double Sum() { double s = 0; foreach (double v in _d) s += v; return s; }
                public void DivideInPlace(double s) { for (int i = 0; i < _d.Length; i++) _d[i] /= s; }
            }
        }
        """;

    [Fact]
    public Task A_vector_types_map_of_the_exponential_divided_by_its_sum_is_reported() => Verify<NaiveSoftmaxAnalyzer>("""
        using Ml;

        public static class Activation
        {
            // MachineLearning.Domain's SoftmaxActivation.Activate.
            public static void Softmax(Vec input, Vec result)
            {
                input.Map({|SMX0001:Math.Exp|}, result);
                var sum = result.Sum();
                result.DivideInPlace(sum);
            }

            public static void InPlace(Vec v)
            {
                v.MapInPlace({|SMX0001:Math.Exp|});
                v.DivideInPlace(v.Sum());
            }

            public static void NotNormalized(Vec input, Vec result, double scale)
            {
                input.Map(Math.Exp, result);
                result.DivideInPlace(scale);
            }

            public static double Partition(Vec input, Vec result)
            {
                input.Map(Math.Exp, result);
                return result.Sum();
            }
        }
        """, OwnVector);

    [Fact]
    public Task A_vector_types_map_of_the_exponential_gets_no_fix() => VerifySoftmaxFixNone("""
            public static void Softmax(Ml.Vec input, Ml.Vec result)
            {
                input.Map({|SMX0001:Math.Exp|}, result);
                var sum = result.Sum();
                result.DivideInPlace(sum);
            }
        """);

    private static Task VerifySoftmaxFixNone(string members)
    {
        string code = Sources.Usings + "public static class C\n{\n" + members + "\n}\n";
        var test = new SoftmaxFix.Test { TestCode = code, FixedCode = code };
        test.TestState.Sources.Add(OwnVector);
        test.FixedState.Sources.Add(OwnVector);
        return test.RunAsync(CancellationToken.None);
    }

    private static Task VerifySoftmaxFix(string members, string fixedMembers)
    {
        var test = new SoftmaxFix.Test { TestCode = "using NumSharp;\n" + members, FixedCode = "using NumSharp;\n" + fixedMembers };
        test.TestState.Sources.Add(NumSharp);
        test.FixedState.Sources.Add(NumSharp);
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task NumSharp_softmax_gets_the_librarys_maximum() => VerifySoftmaxFix(
        """
        public static class Post
        {
            public static NDArray Softmax(NDArray logits)
            {
                var exp = {|SMX0001:np.exp(logits)|};
                var probabilities = exp / np.sum(exp);
                return probabilities;
            }
        }
        """,
        """
        public static class Post
        {
            public static NDArray Softmax(NDArray logits)
            {
                var exp = np.exp(logits - np.max(logits));
                var probabilities = exp / np.sum(exp);
                return probabilities;
            }
        }
        """);

    [Theory]
    // A sum along an axis (the whole-array maximum could underflow a row), the exponentials read elsewhere.
    [InlineData("var probabilities = exp / np.sum(exp, 1);")]
    [InlineData("var probabilities = exp / np.sum(exp); Keep(exp);")]
    public Task NumSharp_softmax_that_the_whole_array_maximum_would_change_is_not_fixed(string statement)
    {
        string members = """
            public static class Post
            {
                static void Keep(NDArray a) { }

                public static NDArray Softmax(NDArray logits)
                {
                    var exp = {|SMX0001:np.exp(logits)|};
                    STATEMENT
                    return probabilities;
                }
            }
            """.Replace("STATEMENT", statement, System.StringComparison.Ordinal);
        return VerifySoftmaxFix(members, members);
    }

    [Fact]
    public Task Softmax_through_the_backend_interface_is_reported() => Verify<NaiveSoftmaxAnalyzer>("""
        public static class Layers
        {
            public static NdArray Softmax(IBackend k, NdArray x, int axis)
            {
                var e = {|SMX0001:k.Exp(x)|};
                return e / k.Sum(e, axis);
            }

            public static NdArray Shifted(IBackend k, NdArray x, int axis)
            {
                var e = k.Exp(x - k.Max(x, axis));
                return e / k.Sum(e, axis);
            }
        }
        """);

    [Fact]
    public Task A_method_named_Exp_that_implements_nothing_is_not_an_exponential() => Verify<NaiveLogSumExpAnalyzer>("""
        public class Ops
        {
            public NdArray Exp(NdArray x) => Native.Apply("expand", x);
            public NdArray Log(NdArray x) => Native.Apply("logits", x);
            public NdArray Softplus(NdArray x) => Log(Exp(x) + 1);
        }
        """);

    [Fact]
    public Task Complex_exponentials_are_not_reported() => Verify<NaiveLogSumExpAnalyzer>("""
        public static class Transforms
        {
            public static Complex Phase(double theta) => Complex.Log(Complex.Exp(new Complex(0, theta)) + 1);
        }
        """);

    [Fact]
    public Task Log_of_a_clipped_softmax_is_silent_and_of_an_unclipped_one_reported() => Verify<LogOfSoftmaxAnalyzer>("""
        public static class Losses
        {
            public static NdArray Softmax(IBackend k, NdArray x) => x;
            public static NdArray Clipped(IBackend k, NdArray preds) { preds = Softmax(k, preds); preds = Clip(preds, 1e-7f, 1 - 1e-7f); return k.Log(preds); }
            public static NdArray Unclipped(IBackend k, NdArray preds) { preds = Softmax(k, preds); return {|SMX0003:k.Log(preds)|}; }
            static NdArray Clip(NdArray x, float lo, float hi) => x;
        }
        """);

    [Fact]
    public Task A_layer_interpreters_dispatch_is_not_a_log_of_softmax() => Verify<LogOfSoftmaxAnalyzer>("""
        public static class Interpreter
        {
            public static NdArray Softmax(NdArray x) => x;
            public static NdArray Run(IBackend k, NdArray x, int[] layers)
            {
                foreach (int layer in layers)
                {
                    if (layer == 1) x = Softmax(x);
                    else if (layer == 2) x = k.Exp(x);
                    else if (layer == 3) x = k.Log(x);
                }

                return x;
            }

            public static NdArray Chain(IBackend k, NdArray x, int[] layers)
            {
                foreach (int layer in layers)
                {
                    x = Softmax(x);
                    if (layer == 3) x = {|SMX0003:k.Log(x)|};
                }

                return x;
            }
        }
        """);

    private const string Engine = """
        namespace Engine
        {
            public abstract class Tensor
            {
                public static Tensor operator +(Tensor a, Tensor b) => a;
                public static Tensor operator +(Tensor a, float b) => a;
            }

            public interface IBackend
            {
                Tensor Exp(Tensor x);
                Tensor Log(Tensor x);
                Tensor Abs(Tensor x);
                Tensor Neg(Tensor x);
                Tensor Max(Tensor x, int dim);
                Tensor Maximum(Tensor a, float b);
            }

            public abstract class BackendBase : IBackend
            {
                public abstract Tensor Exp(Tensor x);
                public abstract Tensor Log(Tensor x);
                public abstract Tensor Abs(Tensor x);
                public abstract Tensor Neg(Tensor x);
                public abstract Tensor Max(Tensor x, int dim);
                public abstract Tensor Maximum(Tensor a, float b);
            }
        }
        """;

    [Theory]
    [InlineData(
        "public Tensor Softplus(Tensor x, int axis = -1) { return {|SMX0002:Log((Exp(x) + 1))|}; }",
        "public Tensor Softplus(Tensor x, int axis = -1) { return Maximum(x, 0f) + Log((Exp(Neg(Abs(x))) + 1)); }")]
    [InlineData(
        "public static Tensor Softplus(IBackend k, Tensor x) => {|SMX0002:k.Log(k.Exp(x) + 1)|};",
        "public static Tensor Softplus(IBackend k, Tensor x) => k.Maximum(x, 0f) + k.Log(k.Exp(k.Neg(k.Abs(x))) + 1);")]
    public Task Tensor_softplus_uses_the_backends_maximum_abs_and_negation(string member, string fixedMember)
    {
        const string Header = "using Engine;\npublic abstract class Cpu : BackendBase\n{\n";
        var test = new SoftplusFix.Test { TestCode = Header + member + "\n}\n", FixedCode = Header + fixedMember + "\n}\n" };
        test.TestState.Sources.Add(("Engine.cs", Engine));
        test.FixedState.Sources.Add(("Engine.cs", Engine));
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task No_fix_for_a_tensor_softplus_without_an_elementwise_maximum()
    {
        string source = Sources.Usings + "using Backends;\n" + Implementation + """
                public NdArray Softplus(NdArray x) => {|SMX0002:Log(Exp(x) + 1)|};
            }
            """;
        var test = new SoftplusFix.Test { TestCode = source, FixedCode = source };
        test.TestState.Sources.Add(("Backend.cs", Backend));
        test.FixedState.Sources.Add(("Backend.cs", Backend));
        return test.RunAsync(CancellationToken.None);
    }
}
