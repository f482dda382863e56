using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// Which SIMD width the generated dispatchers select in this run, and whether that is the width this run is meant to
/// test. CI runs the suite in four modes (widest, DOTNET_PreferredVectorBitWidth=256, DOTNET_EnableAVX2=0,
/// DOTNET_EnableHWIntrinsic=0) and names the width each one expects in SOFTMAX_EXPECTED_WIDTH (512, 256, 128 or
/// scalar): a mode whose settings do not select that width fails here instead of silently testing another path. Unset
/// (a developer's <c>dotnet test</c>), the width is only reported. SOFTMAX_WIDTH_REPORT names a file that receives the
/// report line, which CI prints.
/// </summary>
public class EnvironmentReport(ITestOutputHelper output)
{
    /// <summary>The widest width the runtime accelerates, in bits (0: none, the scalar kernels).</summary>
    private static int WidestAccelerated =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>Reads SOFTMAX_EXPECTED_WIDTH: 512, 256, 128, or 0 / scalar; null when unset.</summary>
    internal static int? ExpectedWidth(string? setting)
    {
        string value = (setting ?? string.Empty).Trim().ToLowerInvariant();
        return value switch
        {
            "" => null,
            "scalar" or "0" => 0,
            "128" or "256" or "512" => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new XunitException($"SOFTMAX_EXPECTED_WIDTH is '{setting}'; it must be 512, 256, 128 or scalar."),
        };
    }

    /// <summary>
    /// The width a dispatcher must take when the widest accelerated width is <paramref name="widest"/>: its widest
    /// kernel that is not wider (short rows have no kernel of the widest widths), else the scalar kernel.
    /// </summary>
    private static int Expected(int[] widths, int widest) => widths.Where(w => w <= widest).DefaultIfEmpty(0).Max();

    private static string Name(int bits) => bits == 0 ? "scalar" : "Vector" + bits;

    [Fact]
    public void Dispatchers_select_the_width_this_run_is_meant_to_test()
    {
        int? expected = ExpectedWidth(Environment.GetEnvironmentVariable("SOFTMAX_EXPECTED_WIDTH"));
        int widest = WidestAccelerated;

        // Every generated dispatcher, asked by the same tests it runs (the SelectedWidth hook), against the runtime.
        var mismatches = new List<string>();
        int selected = -1;
        foreach (Kernel kernel in KernelTable.All)
        {
            foreach ((string lane, int[] widths, int actual) in new[]
            {
                ("float", kernel.Hooks.SingleWidths(), kernel.Hooks.SingleSelected()),
                ("double", kernel.Hooks.DoubleWidths(), kernel.Hooks.DoubleSelected()),
            })
            {
                int wanted = Expected(widths, expected ?? widest);
                if (actual != wanted)
                {
                    mismatches.Add($"{lane} {kernel}: selects {Name(actual)}, expected {Name(wanted)} (kernels: {string.Join(", ", widths.Select(Name))})");
                }

                if (kernel.Length == 1024 && !kernel.Accurate && lane == "float")
                {
                    selected = actual; // every width exists at N = 1024: this is the width of the run
                }
            }
        }

        string report = $"[kernels] dispatchers select {Name(selected)} (expected: {(expected is int e ? Name(e) : "not set")}); "
            + $"accelerated: Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector128={Vector128.IsHardwareAccelerated}; "
            + $"ISA: Avx512F={Avx512F.IsSupported} Avx2={Avx2.IsSupported} Fma={Fma.IsSupported} Avx={Avx.IsSupported}; "
            + $"direct widths: {(KernelTable.RequestedDirectPaths.Count == 0 ? "none" : string.Join(", ", KernelTable.RequestedDirectPaths))}";
        output.WriteLine(report);
        Console.WriteLine(report);
        if (Environment.GetEnvironmentVariable("SOFTMAX_WIDTH_REPORT") is { Length: > 0 } reportFile)
        {
            File.WriteAllText(reportFile, report + Environment.NewLine);
        }

        Assert.True(!Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated);
        if (expected is int width && selected != width)
        {
            throw new XunitException(
                $"This run is meant to test the {Name(width)} kernels (SOFTMAX_EXPECTED_WIDTH={Environment.GetEnvironmentVariable("SOFTMAX_EXPECTED_WIDTH")}), "
                + $"but the dispatchers select {Name(selected)}: the DOTNET_* settings of this run, or this CPU, do not select that width. {report}");
        }

        Assert.True(mismatches.Count == 0, "Dispatchers disagree with the width they should select:\n" + string.Join("\n", mismatches));
    }

    [Fact]
    public void Each_kernel_has_a_kernel_of_every_width_its_row_fills()
    {
        // The generator emits a width when a row holds at least one vector of it, except Vector512 for double rows of at
        // most two such vectors (N <= 16: the Vector256 kernel measured faster on Zen 4); the scalar kernel always.
        foreach (Kernel kernel in KernelTable.All)
        {
            Assert.Equal(new[] { 512, 256, 128 }.Where(w => kernel.Length >= w / 32).Append(0), kernel.Hooks.SingleWidths());
            Assert.Equal(new[] { 512, 256, 128 }.Where(w => kernel.Length >= w / 64 && (w != 512 || kernel.Length > 16)).Append(0), kernel.Hooks.DoubleWidths());
        }
    }

    [Fact]
    public void A_width_without_a_kernel_is_refused()
    {
        // N = 10 floats fill no Vector512.
        var output = new float[10];
        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(() => K10.__SoftmaxWidths.Softmax(512, new float[10], output));
        Assert.Equal("width", exception.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => K10.__SoftmaxWidths.Softmax(64, new float[10], output));
        Assert.Throws<ArgumentException>(() => K10.__SoftmaxWidths.Softmax(256, new float[9], output));
    }
}
