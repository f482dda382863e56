using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace SoftmaxGenerators.Package.Tests;

/// <summary>
/// A consumer published with NativeAOT (<c>PublishAot=true</c>): the generated kernels compile without AOT or trim
/// warnings, and the native binary computes softmaxes within the documented accuracy, for the default instruction set
/// (x86-64-v2: 128-bit vectors), for <c>IlcInstructionSet=x86-64-v3</c> (AVX2) and for <c>native</c> (the building
/// machine's own widest vectors). Each binary reports the SIMD widths it accelerates, which is the width the generated
/// dispatchers take, and its speed at N = 1000 (printed, not asserted).
/// </summary>
[Collection(PackageCollection.Name)]
public class AotTests(PackageFixture package, ITestOutputHelper output)
{
    private const string Program = """
        using System;
        using System.Diagnostics;
        using System.Globalization;
        using System.Runtime.Intrinsics;
        using SoftmaxGenerators;

        namespace AotConsumer
        {
            [Softmax(3)]
            [Softmax(10, MethodName = "Ten")]
            [Softmax(64, MethodName = "Wide")]
            [Softmax(1000, MethodName = "Vocabulary")]
            [Softmax(70_000, MethodName = "Large")]
            internal static partial class Fast { }

            [Softmax(10, Precision = SoftmaxPrecision.Accurate)]
            [Softmax(1000, MethodName = "Vocabulary", Precision = SoftmaxPrecision.Accurate)]
            internal static partial class Accurate { }

            internal static class Program
            {
                private static int s_passed;
                private static int s_failed;

                private static int Main()
                {
                    CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
                    Console.WriteLine($"accelerated: Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector128={Vector128.IsHardwareAccelerated}");
                    var random = new Random(7);
                    foreach (double scale in new[] { 1.0, 30.0, 2000.0 })
                    {
                        Check("Fast 3", 3, scale, random, 8, (x, y) => Fast.Softmax(x, y), (x, y) => Fast.Softmax(x, y));
                        Check("Fast 10", 10, scale, random, 8, (x, y) => Fast.Ten(x, y), (x, y) => Fast.Ten(x, y));
                        Check("Fast 64", 64, scale, random, 8, (x, y) => Fast.Wide(x, y), (x, y) => Fast.Wide(x, y));
                        Check("Fast 1000", 1000, scale, random, 8, (x, y) => Fast.Vocabulary(x, y), (x, y) => Fast.Vocabulary(x, y));
                        Check("Fast 70000", 70_000, scale, random, 8, (x, y) => Fast.Large(x, y), (x, y) => Fast.Large(x, y));
                        Check("Accurate 10", 10, scale, random, 4, (x, y) => Accurate.Softmax(x, y), (x, y) => Accurate.Softmax(x, y));
                        Check("Accurate 1000", 1000, scale, random, 4, (x, y) => Accurate.Vocabulary(x, y), (x, y) => Accurate.Vocabulary(x, y));
                    }

                    // The mission's example, and rows.
                    var p = new float[3];
                    Fast.Softmax(new float[] { 20, 300, 5000 }, p);
                    Expect("[20, 300, 5000]", p[0] == 0 && p[1] == 0 && p[2] == 1);
                    var rows = new float[40];
                    for (int i = 0; i < rows.Length; i++) rows[i] = (float)(random.NextDouble() * 100 - 50);
                    var byRow = new float[40];
                    Fast.TenRows(rows, byRow);
                    var single = new float[10];
                    bool same = true;
                    for (int r = 0; r < 4; r++)
                    {
                        Fast.Ten(rows.AsSpan(r * 10, 10), single);
                        same &= single.AsSpan().SequenceEqual(byRow.AsSpan(r * 10, 10));
                    }

                    Expect("rows equal row-by-row calls", same);

                    // Speed, reported only.
                    var x1000 = new float[1000];
                    var y1000 = new float[1000];
                    for (int i = 0; i < x1000.Length; i++) x1000[i] = (float)(random.NextDouble() * 20 - 10);
                    for (int i = 0; i < 20_000; i++) Fast.Vocabulary(x1000, y1000);
                    var watch = Stopwatch.StartNew();
                    const int calls = 200_000;
                    for (int i = 0; i < calls; i++) Fast.Vocabulary(x1000, y1000);
                    Console.WriteLine($"speed: Fast float N = 1000: {watch.Elapsed.TotalMilliseconds * 1e6 / calls:F0} ns per call");

                    Console.WriteLine($"aot checks: {s_passed} passed, {s_failed} failed");
                    return s_failed == 0 ? 0 : 1;
                }

                private static void Expect(string what, bool ok)
                {
                    if (ok) s_passed++; else { s_failed++; Console.WriteLine("FAILED: " + what); }
                }

                private delegate void SingleKernel(ReadOnlySpan<float> x, Span<float> y);

                private delegate void DoubleKernel(ReadOnlySpan<double> x, Span<double> y);

                // Logits uniform in [-scale, scale]; float checked in ULP against the double softmax (exact for float),
                // double against a max-shifted double reference (itself within a few ULP).
                private static void Check(string name, int n, double scale, Random random, double maxUlp, SingleKernel single, DoubleKernel dbl)
                {
                    var xd = new double[n];
                    var xf = new float[n];
                    for (int i = 0; i < n; i++) { xf[i] = (float)((random.NextDouble() * 2 - 1) * scale); xd[i] = xf[i]; }
                    double[] exact = Reference(xd);
                    var yf = new float[n];
                    single(xf, yf);
                    double worstFloat = 0;
                    for (int i = 0; i < n; i++) worstFloat = Math.Max(worstFloat, Ulps(yf[i], exact[i], float.Epsilon * 8388608.0, Math.Pow(2, -23)));
                    var yd = new double[n];
                    dbl(xd, yd);
                    double worstDouble = 0;
                    for (int i = 0; i < n; i++) worstDouble = Math.Max(worstDouble, Ulps(yd[i], exact[i], 2.2250738585072014E-308, Math.Pow(2, -52)));
                    Expect($"{name} float at scale {scale}: {worstFloat:F2} ULP", worstFloat <= maxUlp);
                    Expect($"{name} double at scale {scale}: {worstDouble:F2} ULP", worstDouble <= maxUlp + 4);
                }

                private static double[] Reference(double[] x)
                {
                    double max = double.NegativeInfinity;
                    foreach (double v in x) max = Math.Max(max, v);
                    var e = new double[x.Length];
                    double sum = 0, compensation = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        e[i] = Math.Exp(x[i] - max);
                        double t = sum + e[i];
                        compensation += Math.Abs(sum) >= Math.Abs(e[i]) ? (sum - t) + e[i] : (e[i] - t) + sum;
                        sum = t;
                    }

                    sum += compensation;
                    for (int i = 0; i < x.Length; i++) e[i] /= sum;
                    return e;
                }

                // |value - exact| in ULP of the exact value where it is normal, else in units of the smallest normal.
                private static double Ulps(double value, double exact, double smallestNormal, double epsilon)
                {
                    if (double.IsNaN(value)) return double.PositiveInfinity;
                    double error = Math.Abs(value - exact);
                    if (exact < smallestNormal) return error / smallestNormal;
                    int exponent = (int)Math.Floor(Math.Log2(exact));
                    return error / (Math.Pow(2, exponent) * epsilon);
                }
            }
        }
        """;

    public static TheoryData<string, string> InstructionSets => new()
    {
        { "Default", string.Empty },
        { "Native", "<IlcInstructionSet>native</IlcInstructionSet>" },
        { "Avx2", "<IlcInstructionSet>x86-64-v3</IlcInstructionSet>" },
    };

    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void Published_natively_the_kernels_compile_without_warnings_and_stay_accurate(string name, string instructionSet)
    {
        if (!System.OperatingSystem.IsLinux() && !System.OperatingSystem.IsWindows() && !System.OperatingSystem.IsMacOS())
        {
            return; // NativeAOT publishes for these hosts only
        }

        if (name == "Avx2" && !System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            output.WriteLine("x86-64-v3 needs AVX2, which this CPU lacks: a binary built for it would refuse to start.");
            return;
        }

        string directory = package.CreateConsumer("Aot" + name, "net10.0", "Exe", new Dictionary<string, string> { ["Program.cs"] = Program },
            "<PublishAot>true</PublishAot><InvariantGlobalization>true</InvariantGlobalization>" + instructionSet);
        string publish = Dotnet.Run(directory, "publish", "-c", "Release", "-o", "out").AssertSuccess().Output;
        Assert.DoesNotContain("warning", publish, System.StringComparison.OrdinalIgnoreCase);

        string binary = System.IO.Path.Combine(directory, "out", "Aot" + name + (System.OperatingSystem.IsWindows() ? ".exe" : string.Empty));
        Dotnet.Result run = Dotnet.Exec(directory, binary);
        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("aot checks: ", run.Output);
        Assert.Contains(" 0 failed", run.Output);
    }
}
