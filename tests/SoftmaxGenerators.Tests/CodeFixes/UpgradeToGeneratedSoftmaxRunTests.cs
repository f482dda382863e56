using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// SMX0005 end to end: the fix is applied (one diagnostic at a time, re-analyzing after each), the fixed code is
/// compiled with the real generator, has no errors or warnings and no SMX1xxx usage diagnostic, and computes the stable
/// softmax of every row, including rows where TensorPrimitives.SoftMax overflows to NaN.
/// </summary>
public class UpgradeToGeneratedSoftmaxRunTests
{
    private const string Usings = "using System;\nusing System.Linq;\nusing System.Numerics.Tensors;\n\n";

    public static TheoryData<string, string, bool> Cases => new()
    {
        // members of class C (or a whole program when it starts with '//'); rows separated by '|'; float results
        {
            "public static float[] F() { var x = new float[] { 800, 799, 790, 805 }; var y = new float[4]; TensorPrimitives.SoftMax(x, y); return y; }",
            "800 799 790 805", true
        },
        {
            "public static double[] F() { Span<double> s = stackalloc double[] { 20, 300, 5000 }; TensorPrimitives.SoftMax<double>(s, s); return s.ToArray(); }",
            "20 300 5000", false
        },
        {
            "public static float[] F() => G(new float[] { 1, 2, 3, 4, 5 }); static float[] G(float[] x) { if (x.Length != 5) throw new ArgumentException(); var y = new float[5]; Action a = () => TensorPrimitives.SoftMax(x, y); a(); return y; }",
            "1 2 3 4 5", true
        },
        {
            "public static float[] F() { var a = new float[] { 0, 800, 799, 790, 805, 0 }; var y = new float[4]; TensorPrimitives.SoftMax(a.AsSpan(1, 4), y); return y; }",
            "800 799 790 805", true
        },
        {
            "public static double[] F() { double[] x = [3, 1, 2]; const int n = 3; var y = new double[n]; TensorPrimitives.SoftMax<double>(x, y); return y; }",
            "3 1 2", false
        },
        {
            // a property already named Softmax, two lengths and a reused length, an instance method of a nested struct
            "public static int Softmax => 0; public static double[] F() => new S().G(); public struct S { public double[] G() { var a = new double[] { 1, 2, 3 }; TensorPrimitives.SoftMax<double>(a, a); var b = new double[] { 800, 799 }; TensorPrimitives.SoftMax<double>(b, b); var c = new double[] { -5, 0, 5 }; TensorPrimitives.SoftMax<double>(c, c); return a.Concat(b).Concat(c).ToArray(); } }",
            "1 2 3|800 799|-5 0 5", false
        },
        {
            "public static float[] F() => new R(1).P(new float[] { 88, 89, 90 }); public record R(int Id) { public float[] P(float[] scores) { if (scores.Length != 3) return scores; var p = new float[3]; TensorPrimitives.SoftMax(scores, p); return p; } }",
            "88 89 90", true
        },
        {
            // a readonly field
            "static readonly double[] s_logits = { 800, 799, 790, 805 }; readonly double[] _p = new double[4]; public static double[] F() => new C().P(); double[] P() { TensorPrimitives.SoftMax<double>(s_logits, _p); return _p; }",
            "800 799 790 805", false
        },
        {
            // a ref struct nested in C, and a type named like the attribute
            "public static float[] F() => Buf.G().Concat(Softmax.H()).ToArray(); public ref struct Buf { public static float[] G() { Span<float> s = stackalloc float[] { 1, 2, 3, 4 }; TensorPrimitives.SoftMax(s, s); return s.ToArray(); } } public static class Softmax { public static float[] H() { var x = new float[] { 9, 8 }; TensorPrimitives.SoftMax(x, x); return x; } }",
            "1 2 3 4|9 8", true
        },
        {
            "// top-level statements and a class in one file\n"
            + Usings
            + "var x = new float[] { 100, 99, 0 };\nTensorPrimitives.SoftMax(x, x);\nvar z = new double[] { 1, 2 };\nTensorPrimitives.SoftMax<double>(z, z);\nC.Result = x.Concat(z.Select(v => (float)v)).Concat(C.G()).ToArray();\n\n"
            + "public class C\n{\n    public static float[] Result = Array.Empty<float>();\n\n    public static float[] F() { typeof(C).Assembly.EntryPoint!.Invoke(null, new object[] { Array.Empty<string>() }); return Result; }\n\n"
            + "    public static float[] G() { Span<float> s = stackalloc float[] { 7, 7 }; TensorPrimitives.SoftMax(s, s); return s.ToArray(); }\n}\n",
            "100 99 0|1 2|7 7", true
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fixed_code_calls_the_generated_kernel_and_computes_the_stable_softmax(string members, string rows, bool isFloat)
    {
        bool program = members.StartsWith("//", StringComparison.Ordinal);
        string original = program ? members : Usings + "public class C\n{\n    " + members + "\n}\n";
        OutputKind outputKind = program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary;
        var analyzer = new UpgradeToGeneratedSoftmaxAnalyzer();

        int reported = (await Analyze(original, outputKind, analyzer)).Count(d => d.Id == "SMX0005");
        Assert.Equal(original.Split("TensorPrimitives.SoftMax").Length - 1, reported);

        string fixedSource = await FixRunner.ApplyAllAsync(original, analyzer, new UpgradeToGeneratedSoftmaxCodeFixProvider(), withAttributes: true, outputKind: outputKind);
        Assert.DoesNotContain("TensorPrimitives.SoftMax", fixedSource, StringComparison.Ordinal);
        Assert.Matches(@"\[(global::SoftmaxGenerators\.)?Softmax\(", fixedSource);

        await RunAndCompare(fixedSource, outputKind, rows, isFloat);
    }

    public static TheoryData<string, string, bool> NaiveCases => new()
    {
        {
            "public static double[] F() { var x = new double[] { 800, 799, 790, 805 }; var y = new double[4]; double sum = 0; for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); sum += y[i]; } for (int i = 0; i < x.Length; i++) y[i] /= sum; return y; }",
            "800 799 790 805", false
        },
        {
            "public static float[] F() => G(new float[] { 100, 99, 0 }); static float[] G(float[] x) { if (x.Length != 3) throw new ArgumentException(); var y = new float[3]; float z = 0f; foreach (float v in x) z += MathF.Exp(v); for (int i = 0; i < x.Length; i++) y[i] = MathF.Exp(x[i]) / z; return y; }",
            "100 99 0", true
        },
        {
            "public static double[] F() { var w = new double[] { 20, 300, 5000 }; double s = 0; for (int i = 0; i < w.Length; i++) { w[i] = Math.Exp(w[i]); s += w[i]; } double inv = 1.0 / s; for (int i = 0; i < w.Length; i++) w[i] *= inv; return w; }",
            "20 300 5000", false
        },
    };

    /// <summary>Naive loops: the SMX0001 fix makes them stable, then the SMX0005 fix replaces them by the generated kernel.</summary>
    [Theory]
    [MemberData(nameof(NaiveCases))]
    public async Task Naive_loops_end_in_the_generated_kernel_after_the_SMX0001_and_SMX0005_fixes(string members, string rows, bool isFloat)
    {
        string original = Usings + "public class C\n{\n    " + members + "\n}\n";
        string stable = await FixRunner.ApplyAllAsync(original, new NaiveSoftmaxAnalyzer(), new NaiveSoftmaxCodeFixProvider(), withAttributes: true);
        Assert.Contains("NegativeInfinity", stable, StringComparison.Ordinal);
        Assert.Contains((await Analyze(stable, OutputKind.DynamicallyLinkedLibrary, new UpgradeToGeneratedSoftmaxAnalyzer())), d => d.Id == "SMX0005");

        string fixedSource = await FixRunner.ApplyAllAsync(stable, new UpgradeToGeneratedSoftmaxAnalyzer(), new UpgradeToGeneratedSoftmaxCodeFixProvider(), withAttributes: true);
        Assert.DoesNotContain("Exp(", fixedSource, StringComparison.Ordinal);
        Assert.DoesNotContain("NegativeInfinity", fixedSource, StringComparison.Ordinal);
        Assert.Matches(@"\[(global::SoftmaxGenerators\.)?Softmax\(", fixedSource);
        await RunAndCompare(fixedSource, OutputKind.DynamicallyLinkedLibrary, rows, isFloat);
    }

    private static async Task RunAndCompare(string fixedSource, OutputKind outputKind, string rows, bool isFloat)
    {
        using CompiledCode code = CompiledCode.Compile(fixedSource, withGenerator: true, outputKind);
        Assert.Empty(code.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        ImmutableArray<Diagnostic> usage = await code.Compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SoftmaxUsageAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        Assert.Empty(usage);
        Assert.Contains(code.Compilation.SyntaxTrees, tree => tree.FilePath.EndsWith(".Softmax.g.cs", StringComparison.Ordinal));

        double[] actual = code.Invoke("C", "F") switch
        {
            float[] floats => floats.Select(v => (double)v).ToArray(),
            double[] doubles => doubles,
            var other => throw new InvalidOperationException($"unexpected result {other}"),
        };
        double[] expected = rows.Split('|').SelectMany(row => Stable(row.Split(' ').Select(double.Parse).ToArray())).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = isFloat ? 2e-6 : 1e-14;
            Assert.True(double.IsFinite(actual[i]) && Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(expected[i], 1e-30) + 1e-300,
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

    private static async Task<ImmutableArray<Diagnostic>> Analyze(string source, OutputKind outputKind, DiagnosticAnalyzer analyzer)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Analyzed",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            TestReferences.Net10.Add(TestReferences.NumericsTensors).Add(TestReferences.Attributes),
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return await compilation.WithAnalyzers(ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync();
    }
}
