using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.UpgradeToGeneratedSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.UpgradeToGeneratedSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// The text the SMX0005 fix produces, one fix at a time and with Fix All (document, project and solution scopes give
/// the same text). The generated methods do not exist here (the verifier runs no generator), so compiler errors are not
/// compared; <see cref="UpgradeToGeneratedSoftmaxRunTests"/> compiles and runs fixed code with the generator.
/// </summary>
public class UpgradeToGeneratedSoftmaxCodeFixTests
{
    private static Task Verify(string source, string fixedSource, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary) =>
        Verify(new[] { source }, new[] { fixedSource }, outputKind);

    private static Task Verify(string[] sources, string[] fixedSources, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var test = new Verifier.Test { CompilerDiagnostics = CompilerDiagnostics.None };
        for (int i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
            test.FixedState.Sources.Add(($"/0/Test{i}.cs", fixedSources[i]));
        }

        test.TestState.OutputKind = outputKind;
        test.FixedState.OutputKind = outputKind;
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Adds_the_attribute_partial_and_using_and_calls_the_kernel() => Verify(
        """
        using System;
        using System.Numerics.Tensors;

        namespace App;

        /// <summary>Scores.</summary>
        public static class Scores
        {
            public static float[] F()
            {
                var x = new float[] { 1, 2, 3 };
                var y = new float[3];
                // the softmax
                {|SMX0005:TensorPrimitives.SoftMax(x, y)|};
                return y;
            }
        }
        """,
        """
        using System;
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        namespace App;

        /// <summary>Scores.</summary>
        [Softmax(3)]
        public static partial class Scores
        {
            public static float[] F()
            {
                var x = new float[] { 1, 2, 3 };
                var y = new float[3];
                // the softmax
                Softmax(x, y);
                return y;
            }
        }
        """);

    [Fact]
    public Task Two_calls_and_two_lengths_in_one_type_get_one_attribute_per_length() => Verify(
        """
        using System;
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        [Serializable]
        class C
        {
            void A() { var x = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }

            void B() { Span<double> x = stackalloc double[10]; {|SMX0005:TensorPrimitives.SoftMax<double>(x, x)|}; }

            void D() { var x = new float[4]; var y = new float[4]; {|SMX0005:TensorPrimitives.SoftMax(destination: y, x: x)|}; }

            void E() { var x = new double[10]; {|SMX0005:TensorPrimitives.SoftMax<double>(x, x)|}; }
        }
        """,
        """
        using System;
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        [Serializable]
        [Softmax(10)]
        [Softmax(4, MethodName = "Softmax4")]
        partial class C
        {
            void A() { var x = new float[10]; Softmax(x, x); }

            void B() { Span<double> x = stackalloc double[10]; Softmax(x, x); }

            void D() { var x = new float[4]; var y = new float[4]; Softmax4(x, y); }

            void E() { var x = new double[10]; Softmax(x, x); }
        }
        """);

    [Fact]
    public Task Reuses_an_existing_attribute_of_the_same_length_and_avoids_names_in_use() => Verify(
        """
        using System;
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        [Softmax(3, MethodName = "Probabilities")]
        [Softmax(5)]
        [Softmax(8, MethodName = "Precise8", Precision = SoftmaxPrecision.Accurate)]
        public partial class C
        {
            public static int Softmax8 => 0;

            static void A() { var x = new float[3]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }

            static void B() { var x = new float[6]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }

            static void D() { var x = new float[8]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }
        }
        """,
        """
        using System;
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        [Softmax(3, MethodName = "Probabilities")]
        [Softmax(5)]
        [Softmax(8, MethodName = "Precise8", Precision = SoftmaxPrecision.Accurate)]
        [Softmax(6, MethodName = "Softmax6")]
        [Softmax(8, MethodName = "Softmax8_2")]
        public partial class C
        {
            public static int Softmax8 => 0;

            static void A() { var x = new float[3]; Probabilities(x, x); }

            static void B() { var x = new float[6]; Softmax6(x, x); }

            static void D() { var x = new float[8]; Softmax8_2(x, x); }
        }
        """);

    [Fact]
    public Task Names_used_by_locals_inherited_members_and_other_types_are_avoided() => Verify(
        """
        using System.Numerics.Tensors;

        public class Softmax { }

        public class Base { protected void Softmax2() { } }

        public class C : Base
        {
            void A()
            {
                var x = new float[2];
                {|SMX0005:TensorPrimitives.SoftMax(x, x)|};
                void Softmax() { }
            }
        }
        """,
        """
        using System.Numerics.Tensors;

        public class Softmax { }

        public class Base { protected void Softmax2() { } }

        [global::SoftmaxGenerators.Softmax(2, MethodName = "Softmax2_2")]
        public partial class C : Base
        {
            void A()
            {
                var x = new float[2];
                Softmax2_2(x, x);
                void Softmax() { }
            }
        }
        """);

    [Fact]
    public Task Nested_types_become_partial_with_their_containers() => Verify(
        """
        using System.Numerics.Tensors;

        namespace App
        {
            public class Outer
            {
                internal struct Inner
                {
                    public void F(float[] x)
                    {
                        if (x.Length != 7) throw new System.ArgumentException();
                        System.Action run = () => {|SMX0005:TensorPrimitives.SoftMax(x, x)|};
                        run();
                    }
                }
            }
        }
        """,
        """
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        namespace App
        {
            public partial class Outer
            {
                [Softmax(7)]
                internal partial struct Inner
                {
                    public void F(float[] x)
                    {
                        if (x.Length != 7) throw new System.ArgumentException();
                        System.Action run = () => Softmax(x, x);
                        run();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Fix_All_adds_each_attribute_once_across_partial_declarations_in_two_files() => Verify(
        new[]
        {
            """
            using System.Numerics.Tensors;

            public partial class C
            {
                static void A() { var x = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }
            }
            """,
            """
            using System;
            using System.Numerics.Tensors;

            public partial class C
            {
                static void B() { var x = new float[10]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }

                static void D() { Span<float> x = stackalloc float[4]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }
            }

            public class Other
            {
                static void E() { var x = new float[4]; {|SMX0005:TensorPrimitives.SoftMax(x, x)|}; }
            }
            """,
        },
        new[]
        {
            """
            using System.Numerics.Tensors;
            using SoftmaxGenerators;

            [Softmax(10)]
            [Softmax(4, MethodName = "Softmax4")]
            public partial class C
            {
                static void A() { var x = new float[10]; Softmax(x, x); }
            }
            """,
            """
            using System;
            using System.Numerics.Tensors;
            using SoftmaxGenerators;

            public partial class C
            {
                static void B() { var x = new float[10]; Softmax(x, x); }

                static void D() { Span<float> x = stackalloc float[4]; Softmax4(x, x); }
            }

            [Softmax(4)]
            public partial class Other
            {
                static void E() { var x = new float[4]; Softmax(x, x); }
            }
            """,
        });

    [Fact]
    public Task Top_level_statements_and_a_class_in_the_same_file() => Verify(
        """
        using System.Numerics.Tensors;

        var x = new float[] { 1, 2, 3 };
        {|SMX0005:TensorPrimitives.SoftMax(x, x)|};
        var z = new float[4];
        {|SMX0005:TensorPrimitives.SoftMax(z, z)|};
        System.Console.WriteLine(x[0] + z[0]);

        public class C
        {
            public static void F() { var y = new double[2]; {|SMX0005:TensorPrimitives.SoftMax<double>(y, y)|}; }
        }
        """,
        """
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        var x = new float[] { 1, 2, 3 };
        Softmax(x, x);
        var z = new float[4];
        Softmax4(z, z);
        System.Console.WriteLine(x[0] + z[0]);

        [Softmax(2)]
        public partial class C
        {
            public static void F() { var y = new double[2]; Softmax(y, y); }
        }

        [Softmax(3)]
        [Softmax(4, MethodName = "Softmax4")]
        partial class Program
        {
        }
        """,
        OutputKind.ConsoleApplication);

    [Fact]
    public Task Stable_softmax_loops_become_one_call() => Verify(
        """
        using System;

        public class C
        {
            public static double[] F()
            {
                var x = new double[] { 1, 2, 3 };
                var result = new double[3];
                double sum = 0; // running total
                double max = double.NegativeInfinity;
                for (int i = 0; i < x.Length; i++)
                    max = Math.Max(max, x[i]);
                // exponentiate
                for (int i = 0; i < x.Length; i++)
                {
                    result[i] = {|SMX0005:Math.Exp(x[i] - max)|};
                    sum += result[i];
                }

                for (int i = 0; i < result.Length; i++)
                    result[i] /= sum;
                return result;
            }

            public static float[] G(float[] logits)
            {
                if (logits.Length != 3) throw new ArgumentException();
                var result = new float[3];
                float z = 0f;
                float max = float.NegativeInfinity;
                foreach (float v in logits)
                    max = Math.Max(max, v);
                foreach (float v in logits)
                    z += {|SMX0005:MathF.Exp(v - max)|};
                for (int i = 0; i < logits.Length; i++)
                    result[i] = MathF.Exp(logits[i] - max) / z;
                return result;
            }
        }
        """,
        """
        using System;
        using SoftmaxGenerators;

        [Softmax(3)]
        public partial class C
        {
            public static double[] F()
            {
                var x = new double[] { 1, 2, 3 };
                var result = new double[3];
                Softmax(x, result);
                return result;
            }

            public static float[] G(float[] logits)
            {
                if (logits.Length != 3) throw new ArgumentException();
                var result = new float[3];
                Softmax(logits, result);
                return result;
            }
        }
        """);

    [Fact]
    public Task Top_level_statements_with_an_existing_Program_declaration() => Verify(
        """
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        var x = new float[5];
        {|SMX0005:TensorPrimitives.SoftMax(x, x)|};

        public partial class Program
        {
            public static int Softmax => 1;
        }
        """,
        """
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        var x = new float[5];
        Softmax5(x, x);

        [Softmax(5, MethodName = "Softmax5")]
        public partial class Program
        {
            public static int Softmax => 1;
        }
        """,
        OutputKind.ConsoleApplication);
}
