using System;
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
using Microsoft.CodeAnalysis.Text;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// Generated kernels for rows whose length is known only at run time, end to end: SMX0004's "Use a generated softmax
/// kernel" fix and the SMX0001 -> SMX0005 chain over loops are applied (one diagnostic at a time, re-analyzing after
/// each), the fixed code is compiled with the real generator, has no errors, warnings or SMX1xxx diagnostics, and
/// computes the stable softmax of every row where TensorPrimitives.SoftMax and the naive loops overflow; values of a
/// longer destination past the input's length stay as they were, and empty rows that the loops left alone still work.
/// </summary>
public class GeneratedRuntimeKernelRunTests
{
    private const string Usings = "using System;\nusing System.Linq;\nusing System.Numerics.Tensors;\n\n";

    public static TheoryData<string, string, bool> SoftMaxCases => new()
    {
        // members of class C (or a whole program when it starts with '//'); rows separated by '|', a row "=a b" is
        // expected as it is (values SoftMax must not touch); float results
        {
            "public static float[] F() => G(new float[] { 100, 99, 0 }); static float[] G(float[] x) { var y = new float[x.Length]; TensorPrimitives.SoftMax(x, y); return y; }",
            "100 99 0", true
        },
        {
            // a longer destination: the kernel writes the first x.Length values, the rest stays
            "public static double[] F() { var b = new double[5]; b[3] = 7; b[4] = -1; G(new double[] { 20, 300, 5000 }, b); return b; } static void G(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.SoftMax<double>(x, y);",
            "20 300 5000|=7 -1", false
        },
        {
            "public static float[] F() { var x = new float[] { 800, 799, 790, 805 }; var y = new float[6]; y[4] = 42; y[5] = 43; TensorPrimitives.SoftMax(x, y); return y; }",
            "800 799 790 805|=42 43", true
        },
        {
            // fields, in place and into another field; a member already named Softmax
            "public static int Softmax => 0; float[] _w = { 1, 2, 3, 4, 5 }; float[] _p = new float[7]; public static float[] F() { var c = new C(); c.G(); return c._w.Concat(c._p).ToArray(); } void G() { TensorPrimitives.SoftMax(this._w, _p); TensorPrimitives.SoftMax(_w, _w); }",
            "1 2 3 4 5|1 2 3 4 5|=0 0", true
        },
        {
            // a run-time and a constant length in one type: [Softmax] and [Softmax(3)]
            "public static double[] F() { var a = new double[] { 3, 1, 2 }; TensorPrimitives.SoftMax<double>(a, a); return a.Concat(G(new double[] { 709, 710, 0, -5 })).ToArray(); } static double[] G(double[] x) { var p = new double[x.Length]; TensorPrimitives.SoftMax<double>(x, p); return p; }",
            "3 1 2|709 710 0 -5", false
        },
        {
            "// top-level statements\n"
            + Usings
            + "var x = C.Input.ToArray();\nTensorPrimitives.SoftMax(x, x);\nC.Result = x;\n\n"
            + "public class C\n{\n    public static float[] Input = { 88, 89, 90 };\n\n    public static float[] Result = Array.Empty<float>();\n\n"
            + "    public static float[] F() { typeof(C).Assembly.EntryPoint!.Invoke(null, new object[] { Array.Empty<string>() }); return Result; }\n}\n",
            "88 89 90", true
        },
    };

    [Theory]
    [MemberData(nameof(SoftMaxCases))]
    public async Task SMX0004_kernel_fix_compiles_with_the_generator_and_computes_the_stable_softmax(string members, string rows, bool isFloat)
    {
        bool program = members.StartsWith("//", StringComparison.Ordinal);
        string original = program ? members : Usings + "public class C\n{\n    " + members + "\n}\n";
        OutputKind outputKind = program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary;

        string fixedSource = await ApplyAsync(original, new TensorPrimitivesSoftMaxAnalyzer(), new TensorPrimitivesSoftMaxCodeFixProvider(), TensorPrimitivesSoftMaxCodeFixProvider.KernelKey, outputKind);
        Assert.DoesNotContain("TensorPrimitives.SoftMax", fixedSource, StringComparison.Ordinal);
        Assert.Matches(@"\[Softmax\]|\[Softmax\(MethodName", fixedSource);
        RunAndCompare(fixedSource, outputKind, rows, isFloat);
    }

    public static TheoryData<string, string, bool> NaiveCases => new()
    {
        {
            // a destination created with the input's length; an empty row
            "public static double[] F() => G(new double[] { 800, 799, 790, 805 }).Concat(G(new double[0])).ToArray(); static double[] G(double[] x) { var y = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }",
            "800 799 790 805", false
        },
        {
            // in place, the sum and the division loops of the tutorials
            "public static float[] F() { var w = new float[] { 100, 99, 0 }; G(w); G(Array.Empty<float>()); return w; } static void G(float[] w) { float s = 0; for (int i = 0; i < w.Length; i++) { w[i] = MathF.Exp(w[i]); s += w[i]; } for (int i = 0; i < w.Length; i++) w[i] = w[i] / s; }",
            "100 99 0", true
        },
        {
            // a length local and bounds 'i < n'
            "public static float[] F() => G(new float[] { 20, 300, 5000, 1 }).Concat(G(new float[0])).ToArray(); static float[] G(float[] logits) { int n = logits.Length; var p = new float[n]; float z = 0f; for (int i = 0; i < n; i++) z += MathF.Exp(logits[i]); for (int i = 0; i < n; i++) p[i] = MathF.Exp(logits[i]) / z; return p; }",
            "20 300 5000 1", true
        },
        {
            // a length check before the loops
            "public static double[] F() { var y = new double[3]; G(new double[] { 1, 2, 3 }, y); return y; } static void G(double[] x, double[] y) { if (x.Length != y.Length) throw new ArgumentException(); double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } for (int i = 0; i < y.Length; i++) y[i] /= sum; }",
            "1 2 3", false
        },
    };

    /// <summary>Naive loops over buffers of one run-time length: SMX0001's fix makes them stable, SMX0005's fix calls the [Softmax] kernel.</summary>
    [Theory]
    [MemberData(nameof(NaiveCases))]
    public async Task Naive_loops_over_run_time_lengths_end_in_the_generated_kernel(string members, string rows, bool isFloat)
    {
        string original = Usings + "public class C\n{\n    " + members + "\n}\n";
        string stable = await FixRunner.ApplyAllAsync(original, new NaiveSoftmaxAnalyzer(), new NaiveSoftmaxCodeFixProvider(), withAttributes: true);
        Assert.Contains("NegativeInfinity", stable, StringComparison.Ordinal);

        string fixedSource = await ApplyAsync(stable, new UpgradeToGeneratedSoftmaxAnalyzer(), new UpgradeToGeneratedSoftmaxCodeFixProvider(), UpgradeToGeneratedSoftmaxCodeFixProvider.EquivalenceKey, OutputKind.DynamicallyLinkedLibrary);
        Assert.DoesNotContain("Exp(", fixedSource, StringComparison.Ordinal);
        Assert.DoesNotContain("NegativeInfinity", fixedSource, StringComparison.Ordinal);
        Assert.Contains("[Softmax]", fixedSource, StringComparison.Ordinal);
        RunAndCompare(fixedSource, OutputKind.DynamicallyLinkedLibrary, rows, isFloat);
    }

    /// <summary>Applies the action with <paramref name="key"/> to each diagnostic of the fixer in turn; every diagnostic must get one.</summary>
    private static async Task<string> ApplyAsync(string source, DiagnosticAnalyzer analyzer, CodeFixProvider fixer, string key, OutputKind outputKind)
    {
        using var workspace = new AdhocWorkspace();
        ProjectId projectId = ProjectId.CreateNewId();
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Fixed", "Fixed", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: TestReferences.Net10.Add(TestReferences.NumericsTensors).Add(TestReferences.Attributes)));
        DocumentId documentId = DocumentId.CreateNewId(projectId);
        Document document = solution.AddDocument(documentId, "Test.cs", SourceText.From(source)).GetDocument(documentId)!;
        int fixes = 0;
        for (int iteration = 0; iteration < 20; iteration++)
        {
            Compilation compilation = (await document.Project.GetCompilationAsync())!;
            if (iteration == 0)
            {
                Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            }

            Diagnostic? next = (await compilation.WithAnalyzers(ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync())
                .Where(d => fixer.FixableDiagnosticIds.Contains(d.Id))
                .OrderBy(d => d.Location.SourceSpan.Start)
                .FirstOrDefault();
            if (next is null)
            {
                break;
            }

            var actions = new List<CodeAction>();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, next, (action, _) => actions.Add(action), CancellationToken.None));
            CodeAction action = Assert.Single(actions, a => a.EquivalenceKey == key);
            ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
            document = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(documentId)!;
            fixes++;
        }

        Assert.True(fixes > 0, "no diagnostic was fixed");
        return (await document.GetTextAsync()).ToString();
    }

    private static void RunAndCompare(string fixedSource, OutputKind outputKind, string rows, bool isFloat)
    {
        using CompiledCode code = CompiledCode.Compile(fixedSource, withGenerator: true, outputKind);
        Assert.Empty(code.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        ImmutableArray<Diagnostic> usage = code.Compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SoftmaxUsageAnalyzer()))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.Empty(usage);

        double[] actual = code.Invoke("C", "F") switch
        {
            float[] floats => floats.Select(v => (double)v).ToArray(),
            double[] doubles => doubles,
            var other => throw new InvalidOperationException($"unexpected result {other}"),
        };
        double[] expected = rows.Split('|').SelectMany(row => row.StartsWith('=')
            ? row.Substring(1).Split(' ').Select(double.Parse)
            : Stable(row.Split(' ').Select(double.Parse).ToArray())).ToArray();
        Assert.True(expected.Length == actual.Length, $"expected {expected.Length} values, got {actual.Length}\n{fixedSource}");
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = isFloat ? 2e-6 : 1e-14;
            Assert.True(double.IsFinite(actual[i]) && Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(Math.Abs(expected[i]), 1e-30) + 1e-300,
                $"[{i}]: expected {expected[i]:R}, got {actual[i]:R}\n{fixedSource}");
        }
    }

    private static double[] Stable(double[] row)
    {
        double max = row.Max();
        double[] e = row.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
