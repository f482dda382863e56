using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;
using Verifier = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.TensorPrimitivesSoftMaxAnalyzer, SoftmaxGenerators.CodeFixes.TensorPrimitivesSoftMaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// SMX0004's second fix, "Use a generated softmax kernel": the text it produces (one fix at a time and with Fix All, which
/// the verifier runs in document, project and solution scopes), its title, and where it is not offered.
/// <see cref="GeneratedRuntimeKernelRunTests"/> compiles the fixed code with the generator and runs it.
/// </summary>
public class TensorSoftMaxKernelFixTests
{
    private static Task Verify(string source, string fixedSource, string? title = null) =>
        Verify(new[] { source }, new[] { fixedSource }, title);

    private static Task Verify(string[] sources, string[] fixedSources, string? title = null)
    {
        var test = new Verifier.Test
        {
            CompilerDiagnostics = CompilerDiagnostics.None,
            CodeActionEquivalenceKey = TensorPrimitivesSoftMaxCodeFixProvider.KernelKey,
        };
        for (int i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
            test.FixedState.Sources.Add(($"/0/Test{i}.cs", fixedSources[i]));
        }

        if (title is not null)
        {
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        }

        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Adds_Softmax_without_a_length_and_keeps_a_destination_created_with_the_source_length() => Verify(
        """
        using System;
        using System.Numerics.Tensors;

        namespace App;

        /// <summary>Scores.</summary>
        public static class Scores
        {
            public static float[] Probabilities(float[] logits)
            {
                var p = new float[logits.Length];
                // the softmax
                {|SMX0004:TensorPrimitives.SoftMax(logits, p)|};
                return p;
            }

            public static void InPlace(Span<double> x) => {|SMX0004:TensorPrimitives.SoftMax<double>(x, x)|};
        }
        """,
        """
        using System;
        using System.Numerics.Tensors;
        using SoftmaxGenerators;

        namespace App;

        /// <summary>Scores.</summary>
        [Softmax]
        public static partial class Scores
        {
            public static float[] Probabilities(float[] logits)
            {
                var p = new float[logits.Length];
                // the softmax
                Softmax(logits, p);
                return p;
            }

            public static void InPlace(Span<double> x) => Softmax(x, x);
        }
        """,
        "Use a generated softmax kernel ([Softmax] on 'Scores')");

    [Fact]
    public Task Lengths_proven_equal_by_a_check_or_a_shared_size_keep_the_destination() => Verify(
        Sources.Class("""
                static void A(float[] x, Span<float> y)
                {
                    if (x.Length != y.Length) throw new ArgumentException();
                    {|SMX0004:TensorPrimitives.SoftMax(x, y)|};
                }

                static void B(int n)
                {
                    var x = new double[n];
                    Span<double> y = stackalloc double[n];
                    {|SMX0004:TensorPrimitives.SoftMax<double>(x, y)|};
                }

                static void D(ReadOnlySpan<float> x)
                {
                    int n = x.Length;
                    var y = new float[n];
                    {|SMX0004:TensorPrimitives.SoftMax(x, y)|};
                }
            """),
        Sources.Class("""
                static void A(float[] x, Span<float> y)
                {
                    if (x.Length != y.Length) throw new ArgumentException();
                    Softmax(x, y);
                }

                static void B(int n)
                {
                    var x = new double[n];
                    Span<double> y = stackalloc double[n];
                    Softmax(x, y);
                }

                static void D(ReadOnlySpan<float> x)
                {
                    int n = x.Length;
                    var y = new float[n];
                    Softmax(x, y);
                }
            """).Replace("using System.Numerics.Tensors;\n", "using System.Numerics.Tensors;\nusing SoftmaxGenerators;\n").Replace("public class C", "[Softmax]\npublic partial class C"));

    [Fact]
    public Task A_destination_that_may_be_longer_is_sliced_to_the_source_length() => Verify(
        Sources.Class("""
                float[] _logits = new float[3];
                float[] _p = new float[3];

                static void F(ReadOnlySpan<float> x, Span<float> y)
                {
                    {|SMX0004:TensorPrimitives.SoftMax(x, y)|};
                }

                static void G(double[] x, double[] y, int offset)
                {
                    {|SMX0004:TensorPrimitives.SoftMax<double>(destination: y.AsSpan(offset), x: x)|};
                }

                void H() => {|SMX0004:TensorPrimitives.SoftMax(this._logits, _p)|};
            """),
        Sources.Class("""
                float[] _logits = new float[3];
                float[] _p = new float[3];

                static void F(ReadOnlySpan<float> x, Span<float> y)
                {
                    Softmax(x, y.Slice(0, x.Length));
                }

                static void G(double[] x, double[] y, int offset)
                {
                    Softmax(x, y.AsSpan(offset).Slice(0, x.Length));
                }

                void H() => Softmax(this._logits, _p.AsSpan(0, this._logits.Length));
            """).Replace("using System.Numerics.Tensors;\n", "using System.Numerics.Tensors;\nusing SoftmaxGenerators;\n").Replace("public class C", "[Softmax]\npublic partial class C"));

    [Fact]
    public Task Reuses_an_existing_run_time_attribute_and_names_a_new_one_SoftmaxAny() => Verify(
        new[]
        {
            """
            using System;
            using System.Numerics.Tensors;
            using SoftmaxGenerators;

            [Softmax(MethodName = "Probabilities")]
            public partial class A
            {
                static void F(float[] x) => {|SMX0004:TensorPrimitives.SoftMax(x, x)|};
            }

            [Softmax(10)]
            [Softmax(Precision = SoftmaxPrecision.Accurate, MethodName = "Precise")]
            public partial class B
            {
                static void F(float[] x) => {|SMX0004:TensorPrimitives.SoftMax(x, x)|};
            }
            """,
        },
        new[]
        {
            """
            using System;
            using System.Numerics.Tensors;
            using SoftmaxGenerators;

            [Softmax(MethodName = "Probabilities")]
            public partial class A
            {
                static void F(float[] x) => Probabilities(x, x);
            }

            [Softmax(10)]
            [Softmax(Precision = SoftmaxPrecision.Accurate, MethodName = "Precise")]
            [Softmax(MethodName = "SoftmaxAny")]
            public partial class B
            {
                static void F(float[] x) => SoftmaxAny(x, x);
            }
            """,
        });

    [Fact]
    public Task A_constant_length_gets_the_fixed_length_kernel_as_SMX0005_fix_does() => Verify(
        Sources.Class("""
                static void F(float[] x)
                {
                    var p = new float[10];
                    var q = new float[10];
                    {|SMX0004:TensorPrimitives.SoftMax(p, q)|};
                }
            """),
        Sources.Class("""
                static void F(float[] x)
                {
                    var p = new float[10];
                    var q = new float[10];
                    Softmax(p, q);
                }
            """).Replace("using System.Numerics.Tensors;\n", "using System.Numerics.Tensors;\nusing SoftmaxGenerators;\n").Replace("public class C", "[Softmax(10)]\npublic partial class C"),
        "Use a generated softmax kernel ([Softmax(10)] on 'C')");

    [Fact]
    public Task Fix_All_adds_one_attribute_per_type_and_length_across_files() => Verify(
        new[]
        {
            """
            using System;
            using System.Numerics.Tensors;

            public partial class C
            {
                static void A(float[] x, float[] y) { {|SMX0004:TensorPrimitives.SoftMax(x, y)|}; }

                static void B(Span<double> x) { {|SMX0004:TensorPrimitives.SoftMax<double>(x, x)|}; }
            }
            """,
            """
            using System;
            using System.Numerics.Tensors;

            public partial class C
            {
                static void D(float[] x) { var y = new float[x.Length]; {|SMX0004:TensorPrimitives.SoftMax(x, y)|}; }

                static void E() { var x = new float[4]; {|SMX0004:TensorPrimitives.SoftMax(x, x)|}; }
            }

            public class Other
            {
                static void G(ReadOnlySpan<float> x, Span<float> y) { {|SMX0004:TensorPrimitives.SoftMax(x, y)|}; }
            }
            """,
        },
        new[]
        {
            """
            using System;
            using System.Numerics.Tensors;
            using SoftmaxGenerators;

            [Softmax]
            [Softmax(4, MethodName = "Softmax4")]
            public partial class C
            {
                static void A(float[] x, float[] y) { Softmax(x, y.AsSpan(0, x.Length)); }

                static void B(Span<double> x) { Softmax(x, x); }
            }
            """,
            """
            using System;
            using System.Numerics.Tensors;
            using SoftmaxGenerators;

            public partial class C
            {
                static void D(float[] x) { var y = new float[x.Length]; Softmax(x, y); }

                static void E() { var x = new float[4]; Softmax4(x, x); }
            }

            [Softmax]
            public partial class Other
            {
                static void G(ReadOnlySpan<float> x, Span<float> y) { Softmax(x, y.Slice(0, x.Length)); }
            }
            """,
        });

    [Fact]
    public Task Top_level_statements_get_a_Program_declaration() => new Verifier.Test
    {
        TestState =
        {
            OutputKind = OutputKind.ConsoleApplication,
            Sources =
            {
                """
                using System.Numerics.Tensors;

                float[] x = System.Array.ConvertAll(args, float.Parse);
                {|SMX0004:TensorPrimitives.SoftMax(x, x)|};
                System.Console.WriteLine(x[0]);
                """,
            },
        },
        FixedState =
        {
            OutputKind = OutputKind.ConsoleApplication,
            Sources =
            {
                """
                using System.Numerics.Tensors;
                using SoftmaxGenerators;

                float[] x = System.Array.ConvertAll(args, float.Parse);
                Softmax(x, x);
                System.Console.WriteLine(x[0]);

                [Softmax]
                partial class Program
                {
                }
                """,
            },
        },
        CompilerDiagnostics = CompilerDiagnostics.None,
        CodeActionEquivalenceKey = TensorPrimitivesSoftMaxCodeFixProvider.KernelKey,
    }.RunAsync(CancellationToken.None);

    [Fact]
    public async Task Both_fixes_are_offered_the_sequence_first()
    {
        IReadOnlyList<CodeAction> actions = await ActionsAsync(Sources.Class("static void F(float[] x, float[] y) { TensorPrimitives.SoftMax(x, y); }"));
        Assert.Equal(
            new[] { "Use the stable Max, Subtract, Exp, Sum, Divide sequence", "Use a generated softmax kernel ([Softmax] on 'C')" },
            actions.Select(a => a.Title));
        Assert.Equal(
            new[] { TensorPrimitivesSoftMaxCodeFixProvider.StableKey, TensorPrimitivesSoftMaxCodeFixProvider.KernelKey },
            actions.Select(a => a.EquivalenceKey));
    }

    public static TheoryData<string> NotOffered => new()
    {
        // a source that cannot be read twice without effects (a property, a call), when the destination must be sliced
        "float[] Logits { get; } = new float[3]; void F(float[] y) => TensorPrimitives.SoftMax(Logits, y);",
        "static float[] Next() => new float[3]; static void F(float[] y) => TensorPrimitives.SoftMax(Next(), y);",
        "static void F(float[] x, float[] y) => TensorPrimitives.SoftMax(x.AsSpan(1), y);",
        // a destination whose evaluation could change the source
        "float[] _x = new float[3]; float[] Buffer() { _x = new float[4]; return new float[5]; } void F() => TensorPrimitives.SoftMax(_x, Buffer());",
        "static void F(float[] x, Func<float[]> y) => TensorPrimitives.SoftMax(x, y());",
        // a destination that cannot be sliced here (no AsSpan in scope without 'using System', an ArraySegment)
        "static void F(float[] x, ArraySegment<float> y) => TensorPrimitives.SoftMax(x, y);",
        // types that cannot hold the kernel, element types it does not have
        "public class G<T> { static void F(float[] x) => TensorPrimitives.SoftMax(x, x); }",
        "public interface I { static void F(float[] x) => TensorPrimitives.SoftMax(x, x); }",
        "static void F(Half[] x) => TensorPrimitives.SoftMax<Half>(x, x);",
    };

    [Theory]
    [MemberData(nameof(NotOffered))]
    public async Task Not_offered_where_the_kernel_would_change_the_meaning_or_cannot_be_generated(string members)
    {
        // A control next to each case, offered, so that the case also fails when the fix is never offered.
        string source = Sources.Class(members + "\nstatic void Control(float[] p, float[] q) => TensorPrimitives.SoftMax(p, q);");
        Assert.DoesNotContain(await ActionsAsync(source), a => a.EquivalenceKey == TensorPrimitivesSoftMaxCodeFixProvider.KernelKey);
        Assert.Contains(await ActionsAsync(source, span: "SoftMax(p, q)"), a => a.EquivalenceKey == TensorPrimitivesSoftMaxCodeFixProvider.KernelKey);
    }

    [Fact]
    public async Task Not_offered_for_an_array_destination_to_slice_without_System_in_scope()
    {
        const string source = "public class C { static void F(float[] x, float[] y) => System.Numerics.Tensors.TensorPrimitives.SoftMax(x, y); static void G(float[] x) => System.Numerics.Tensors.TensorPrimitives.SoftMax(x, x); }";
        Assert.DoesNotContain(await ActionsAsync(source, span: "SoftMax(x, y)"), a => a.EquivalenceKey == TensorPrimitivesSoftMaxCodeFixProvider.KernelKey);
        Assert.Contains(await ActionsAsync(source, span: "SoftMax(x, x)"), a => a.EquivalenceKey == TensorPrimitivesSoftMaxCodeFixProvider.KernelKey);
    }

    [Fact]
    public async Task Not_offered_without_the_attribute_assembly()
    {
        string source = Sources.Class("static void F(float[] x) => TensorPrimitives.SoftMax(x, x);");
        Assert.DoesNotContain(await ActionsAsync(source, withAttributes: false), a => a.EquivalenceKey == TensorPrimitivesSoftMaxCodeFixProvider.KernelKey);
        Assert.Contains(await ActionsAsync(source, withAttributes: true), a => a.EquivalenceKey == TensorPrimitivesSoftMaxCodeFixProvider.KernelKey);
    }

    /// <summary>The actions the provider registers for the SMX0004 diagnostic (the first, or the one whose text ends with <paramref name="span"/>).</summary>
    private static async Task<IReadOnlyList<CodeAction>> ActionsAsync(string source, bool withAttributes = true, string? span = null)
    {
        using var workspace = new AdhocWorkspace();
        ProjectId projectId = ProjectId.CreateNewId();
        ImmutableArray<MetadataReference> references = TestReferences.Net10.Add(TestReferences.NumericsTensors);
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "P", "P", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: withAttributes ? references.Add(TestReferences.Attributes) : references));
        DocumentId documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Test.cs", SourceText.From(source));
        Document document = solution.GetDocument(documentId)!;
        Compilation compilation = (await document.Project.GetCompilationAsync())!;
        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new TensorPrimitivesSoftMaxAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        Diagnostic diagnostic = diagnostics.Where(d => d.Id == "SMX0004").OrderBy(d => d.Location.SourceSpan.Start)
            .First(d => span is null || source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length).EndsWith(span, System.StringComparison.Ordinal));
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await new TensorPrimitivesSoftMaxCodeFixProvider().RegisterCodeFixesAsync(context);
        return actions;
    }
}
