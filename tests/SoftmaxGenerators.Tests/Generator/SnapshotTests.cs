using System;
using System.IO;
using System.Linq;
using SoftmaxGenerators.Generator;
using SoftmaxGenerators.Model;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Generator;

/// <summary>
/// The emitted text, pinned. To accept a deliberate change run the tests with SMX_UPDATE_SNAPSHOTS=1 and review the
/// diff of tests/SoftmaxGenerators.Tests/Snapshots in git.
/// </summary>
public class SnapshotTests
{
    private static readonly TargetCapabilities Net10 = new(HasSpan: true, HasVector128: true, HasVector256: true, HasVector512: true, HasMaxNative: true, LanguageVersion: 1400);
    private static readonly TargetCapabilities Net8 = Net10 with { HasMaxNative = false, LanguageVersion = 1200 };
    private static readonly TargetCapabilities NetStandard = new(HasSpan: true, HasVector128: false, HasVector256: false, HasVector512: false, HasMaxNative: false, LanguageVersion: 703);

    public static TheoryData<string> Cases => new() { "Digits10_net10", "Small3_net8", "Loop1000_net10", "TwoHeads_netstandard", "Nested_global_net10", "Accurate_10_and_1000_net10", "Hooks_10_and_3_net10", "Layer_10_net10", "Layer_3_netstandard", "Runtime_net10", "Runtime_netstandard" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Emitted_source_matches_snapshot(string name)
    {
        (SoftmaxTypeModel model, TargetCapabilities capabilities) = name switch
        {
            "Digits10_net10" => (Model("App", new[] { ("partial class", "Digits") }, (10, "Softmax")), Net10),
            "Small3_net8" => (Model("App", new[] { ("partial struct", "Tiny") }, (3, "Softmax")), Net8),
            "Loop1000_net10" => (Model("App.Nlp", new[] { ("partial class", "Vocabulary") }, (1000, "Next")), Net10),
            "TwoHeads_netstandard" => (Model("Legacy", new[] { ("partial class", "Heads") }, (4, "Softmax"), (10, "Digits")), NetStandard),
            "Accurate_10_and_1000_net10" => (Model("App", new[] { ("partial class", "Precise") }, (10, "Softmax", true), (1000, "Large", true), (10, "Fast", false)), Net10),
            "Hooks_10_and_3_net10" => (Model("App", new[] { ("partial class", "Hooked") }, (10, "Softmax"), (3, "Three")), Net10),
            "Layer_10_net10" => (LayerModel(new KernelRequest(10, "Softmax", false, LayerFunctions.All)), Net10),
            "Runtime_net10" => (LayerModel(new KernelRequest(0, "Softmax")), Net10),
            "Runtime_netstandard" => (LayerModel(new KernelRequest(0, "Softmax", true, LayerFunctions.Softmax | LayerFunctions.LogSumExp)), NetStandard),
            "Layer_3_netstandard" => (LayerModel(new KernelRequest(3, "Head", true, LayerFunctions.LogSoftmax | LayerFunctions.CrossEntropy)), NetStandard),
            _ => (Model(null, new[] { ("partial class", "Outer"), ("ref partial struct", "Inner") }, (17, "Softmax")), Net10),
        };

        // SoftmaxGenerators_EmitWidthHooks (tests only): the hooks class and the kernels' width hooks.
        GeneratorOptions options = name.StartsWith("Hooks", StringComparison.Ordinal) ? new GeneratorOptions(EmitWidthHooks: true) : GeneratorOptions.Default;
        string actual = Emitter.Emit(model, capabilities, options);
        Snapshot.Match(name + ".g.cs", actual);
    }

    [Fact]
    public void Emission_is_deterministic()
    {
        SoftmaxTypeModel model = Model("App", new[] { ("partial class", "Digits") }, (10, "Softmax"), (1000, "Big"));
        Assert.Equal(Emitter.Emit(model, Net10), Emitter.Emit(model, Net10));
        var hooks = new GeneratorOptions(EmitWidthHooks: true);
        Assert.Equal(Emitter.Emit(model, Net10, hooks), Emitter.Emit(model, Net10, hooks));
    }

    [Fact]
    public void Scalar_consumers_get_no_vector_code()
    {
        string text = Emitter.Emit(Model("Legacy", new[] { ("partial class", "Heads") }, (64, "Softmax")), NetStandard);
        Assert.DoesNotContain("Vector", text);
        Assert.DoesNotContain("#nullable", text);
        Assert.DoesNotContain("nuint", text);
        Assert.DoesNotContain("MathF", text);
    }

    [Fact]
    public void Accurate_and_fast_kernels_share_the_scalar_kernel()
    {
        string text = Emitter.Emit(Model("App", new[] { ("partial class", "A") }, (64, "Fast", false), (64, "Precise", true)), Net10);
        Assert.Contains("internal static void Single64(", text);
        Assert.Contains("internal static void Single64Accurate(", text);
        Assert.Contains("private static void Single64AccurateVector256(", text);
        Assert.Equal(1, text.Split("private static void Single64Scalar(").Length - 1);
        Assert.Contains("KahanAdd(ref sum, ref sumCompensation, e);", text);
        Assert.Contains("sum += Widen(e);", text);
    }

    [Fact]
    public void Large_rows_give_compact_code()
    {
        string small = Emitter.Emit(Model("App", new[] { ("partial class", "A") }, (1000, "Softmax")), Net10);
        string large = Emitter.Emit(Model("App", new[] { ("partial class", "A") }, (1_048_576, "Softmax")), Net10);
        Assert.InRange(large.Length, small.Length * 8 / 10, small.Length * 11 / 10);

        // From KernelEmitter.TwoPassMinLength on, fast float rows add a two-pass kernel per width, of constant size too.
        string twoPass = Emitter.Emit(Model("App", new[] { ("partial class", "A") }, (4_194_304, "Softmax")), Net10);
        string huge = Emitter.Emit(Model("App", new[] { ("partial class", "A") }, (16_777_216, "Softmax")), Net10);
        Assert.Contains("/// <summary>Vector256 kernel for rows of 16777216 values (two passes).</summary>", huge);
        Assert.InRange(huge.Length, twoPass.Length * 9 / 10, twoPass.Length * 11 / 10);
    }

    [Fact]
    public void Only_the_requested_functions_are_generated()
    {
        string lse = Emitter.Emit(LayerModel(new KernelRequest(10, "Softmax", false, LayerFunctions.LogSumExp)), Net10);
        Assert.Contains("public static float LogSumExp(global::System.ReadOnlySpan<float> input)", lse);
        Assert.Contains("public static void LogSumExpRows(global::System.ReadOnlySpan<double> input, global::System.Span<double> results)", lse);
        Assert.DoesNotContain("public static void Softmax(", lse);
        Assert.DoesNotContain("CrossEntropy", lse);
        Assert.DoesNotContain("Backward", lse);
        Assert.DoesNotContain("Single10Vector256(", lse);

        string named = Emitter.Emit(LayerModel(new KernelRequest(10, "Policy", false, LayerFunctions.All)), Net10);
        foreach (string method in new[] { "Policy(", "PolicyRows(", "LogPolicy(", "LogPolicyRows(", "PolicyLogSumExp(", "PolicyCrossEntropy(", "PolicyCrossEntropyRows(", "PolicyBackward(", "PolicyBackwardRows(" })
        {
            Assert.Contains(" " + method, named);
        }
    }

    [Fact]
    public void Layer_kernels_of_large_rows_stay_compact()
    {
        string small = Emitter.Emit(LayerModel(new KernelRequest(1000, "Softmax", false, LayerFunctions.All)), Net10);
        string large = Emitter.Emit(LayerModel(new KernelRequest(1_000_000, "Softmax", false, LayerFunctions.All)), Net10);
        Assert.InRange(large.Length, small.Length * 8 / 10, small.Length * 12 / 10);
    }

    [Fact]
    public void Register_kernels_are_used_up_to_four_vectors_and_loops_beyond()
    {
        string text = Emitter.Emit(Model("App", new[] { ("partial class", "A") }, (32, "Softmax"), (33, "Other")), Net10);
        Assert.Contains("Single32Vector256(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)", text);
        Assert.Contains("/// <summary>Vector256 kernel for rows of 32 values (4 vectors held in registers).</summary>", text);
        Assert.Contains("/// <summary>Vector256 kernel for rows of 33 values (three passes).</summary>", text);
        Assert.Contains("/// <summary>Vector512 kernel for rows of 32 values (2 vectors held in registers).</summary>", text);
    }

    private static SoftmaxTypeModel LayerModel(params KernelRequest[] kernels) =>
        new("App", new EquatableArray<TypeDeclarationModel>(new[] { new TypeDeclarationModel("partial class", "Layer") }), new EquatableArray<KernelRequest>(kernels), "Test.g.cs");

    internal static SoftmaxTypeModel Model(string? ns, (string Keyword, string Name)[] types, params (int Length, string Method)[] kernels) =>
        Model(ns, types, kernels.Select(k => (k.Length, k.Method, false)).ToArray());

    internal static SoftmaxTypeModel Model(string? ns, (string Keyword, string Name)[] types, params (int Length, string Method, bool Accurate)[] kernels) =>
        new(
            ns,
            new EquatableArray<TypeDeclarationModel>(types.Select(t => new TypeDeclarationModel(t.Keyword, t.Name)).ToArray()),
            new EquatableArray<KernelRequest>(kernels.Select(k => new KernelRequest(k.Length, k.Method, k.Accurate)).ToArray()),
            "Test.g.cs");
}

internal static class Snapshot
{
    public static void Match(string fileName, string actual)
    {
        string directory = Path.Combine(TestReferences.RepositoryRoot, "tests", "SoftmaxGenerators.Tests", "Snapshots");
        string path = Path.Combine(directory, fileName);
        if (Environment.GetEnvironmentVariable("SMX_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No snapshot at {path}; run the tests with SMX_UPDATE_SNAPSHOTS=1 to create it.");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected != actual)
        {
            File.WriteAllText(path + ".received", actual);
            string[] e = expected.Split('\n'), a = actual.Split('\n');
            int line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
            Assert.Fail($"{fileName} differs from its snapshot at line {line + 1}:\n  expected: {e.ElementAtOrDefault(line)}\n  actual:   {a.ElementAtOrDefault(line)}\nThe output was written to {path}.received; set SMX_UPDATE_SNAPSHOTS=1 to accept it.");
        }
    }
}
