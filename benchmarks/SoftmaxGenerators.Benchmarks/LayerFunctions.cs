using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SoftmaxGenerators.Benchmarks;

// The layer functions under test: one type per row length, every function.
[Softmax(10, Functions = SoftmaxFunctions.All)] public static partial class L10 { }
[Softmax(64, Functions = SoftmaxFunctions.All)] public static partial class L64 { }
[Softmax(256, Functions = SoftmaxFunctions.All)] public static partial class L256 { }
[Softmax(1024, Functions = SoftmaxFunctions.All)] public static partial class L1024 { }
[Softmax(4096, Functions = SoftmaxFunctions.All)] public static partial class L4096 { }
[Softmax(65536, Functions = SoftmaxFunctions.All)] public static partial class L65536 { }

/// <summary>
/// One row length's generated layer functions for <typeparamref name="T"/> (float or double). The timed loops are
/// generic over a struct implementing it, so the JIT specializes them and calls the generated method directly (no
/// delegate in the timed loop, which would add about 1-2 ns per call: a fifth of a 10-value softmax).
/// </summary>
internal interface ILayerShape<T>
{
    static abstract void Softmax(ReadOnlySpan<T> input, Span<T> output);

    static abstract void Softmax(ReadOnlySpan<T> input, Span<T> output, T temperature);

    static abstract void LogSoftmax(ReadOnlySpan<T> input, Span<T> output);

    static abstract T LogSumExp(ReadOnlySpan<T> input);

    static abstract T CrossEntropy(ReadOnlySpan<T> logits, int label);

    static abstract T CrossEntropy(ReadOnlySpan<T> logits, int label, Span<T> gradient);

    static abstract void Backward(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> outputGradient, Span<T> inputGradient);
}

#pragma warning disable SA1649, SA1402 // One line per shape: the forwarding structs are kept together.
internal readonly struct LS10 : ILayerShape<float>, ILayerShape<double>
{
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y) => L10.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, float t) => L10.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y) => L10.LogSoftmax(x, y);
    public static float LogSumExp(ReadOnlySpan<float> x) => L10.LogSumExp(x);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label) => L10.SoftmaxCrossEntropy(x, label);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label, Span<float> g) => L10.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<float> p, ReadOnlySpan<float> dy, Span<float> dx) => L10.SoftmaxBackward(p, dy, dx);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y) => L10.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y, double t) => L10.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<double> x, Span<double> y) => L10.LogSoftmax(x, y);
    public static double LogSumExp(ReadOnlySpan<double> x) => L10.LogSumExp(x);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label) => L10.SoftmaxCrossEntropy(x, label);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label, Span<double> g) => L10.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<double> p, ReadOnlySpan<double> dy, Span<double> dx) => L10.SoftmaxBackward(p, dy, dx);
}

internal readonly struct LS64 : ILayerShape<float>, ILayerShape<double>
{
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y) => L64.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, float t) => L64.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y) => L64.LogSoftmax(x, y);
    public static float LogSumExp(ReadOnlySpan<float> x) => L64.LogSumExp(x);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label) => L64.SoftmaxCrossEntropy(x, label);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label, Span<float> g) => L64.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<float> p, ReadOnlySpan<float> dy, Span<float> dx) => L64.SoftmaxBackward(p, dy, dx);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y) => L64.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y, double t) => L64.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<double> x, Span<double> y) => L64.LogSoftmax(x, y);
    public static double LogSumExp(ReadOnlySpan<double> x) => L64.LogSumExp(x);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label) => L64.SoftmaxCrossEntropy(x, label);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label, Span<double> g) => L64.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<double> p, ReadOnlySpan<double> dy, Span<double> dx) => L64.SoftmaxBackward(p, dy, dx);
}

internal readonly struct LS256 : ILayerShape<float>, ILayerShape<double>
{
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y) => L256.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, float t) => L256.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y) => L256.LogSoftmax(x, y);
    public static float LogSumExp(ReadOnlySpan<float> x) => L256.LogSumExp(x);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label) => L256.SoftmaxCrossEntropy(x, label);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label, Span<float> g) => L256.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<float> p, ReadOnlySpan<float> dy, Span<float> dx) => L256.SoftmaxBackward(p, dy, dx);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y) => L256.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y, double t) => L256.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<double> x, Span<double> y) => L256.LogSoftmax(x, y);
    public static double LogSumExp(ReadOnlySpan<double> x) => L256.LogSumExp(x);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label) => L256.SoftmaxCrossEntropy(x, label);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label, Span<double> g) => L256.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<double> p, ReadOnlySpan<double> dy, Span<double> dx) => L256.SoftmaxBackward(p, dy, dx);
}

internal readonly struct LS1024 : ILayerShape<float>, ILayerShape<double>
{
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y) => L1024.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, float t) => L1024.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y) => L1024.LogSoftmax(x, y);
    public static float LogSumExp(ReadOnlySpan<float> x) => L1024.LogSumExp(x);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label) => L1024.SoftmaxCrossEntropy(x, label);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label, Span<float> g) => L1024.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<float> p, ReadOnlySpan<float> dy, Span<float> dx) => L1024.SoftmaxBackward(p, dy, dx);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y) => L1024.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y, double t) => L1024.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<double> x, Span<double> y) => L1024.LogSoftmax(x, y);
    public static double LogSumExp(ReadOnlySpan<double> x) => L1024.LogSumExp(x);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label) => L1024.SoftmaxCrossEntropy(x, label);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label, Span<double> g) => L1024.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<double> p, ReadOnlySpan<double> dy, Span<double> dx) => L1024.SoftmaxBackward(p, dy, dx);
}

internal readonly struct LS4096 : ILayerShape<float>, ILayerShape<double>
{
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y) => L4096.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, float t) => L4096.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y) => L4096.LogSoftmax(x, y);
    public static float LogSumExp(ReadOnlySpan<float> x) => L4096.LogSumExp(x);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label) => L4096.SoftmaxCrossEntropy(x, label);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label, Span<float> g) => L4096.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<float> p, ReadOnlySpan<float> dy, Span<float> dx) => L4096.SoftmaxBackward(p, dy, dx);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y) => L4096.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y, double t) => L4096.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<double> x, Span<double> y) => L4096.LogSoftmax(x, y);
    public static double LogSumExp(ReadOnlySpan<double> x) => L4096.LogSumExp(x);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label) => L4096.SoftmaxCrossEntropy(x, label);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label, Span<double> g) => L4096.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<double> p, ReadOnlySpan<double> dy, Span<double> dx) => L4096.SoftmaxBackward(p, dy, dx);
}

internal readonly struct LS65536 : ILayerShape<float>, ILayerShape<double>
{
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y) => L65536.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, float t) => L65536.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y) => L65536.LogSoftmax(x, y);
    public static float LogSumExp(ReadOnlySpan<float> x) => L65536.LogSumExp(x);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label) => L65536.SoftmaxCrossEntropy(x, label);
    public static float CrossEntropy(ReadOnlySpan<float> x, int label, Span<float> g) => L65536.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<float> p, ReadOnlySpan<float> dy, Span<float> dx) => L65536.SoftmaxBackward(p, dy, dx);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y) => L65536.Softmax(x, y);
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y, double t) => L65536.Softmax(x, y, t);
    public static void LogSoftmax(ReadOnlySpan<double> x, Span<double> y) => L65536.LogSoftmax(x, y);
    public static double LogSumExp(ReadOnlySpan<double> x) => L65536.LogSumExp(x);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label) => L65536.SoftmaxCrossEntropy(x, label);
    public static double CrossEntropy(ReadOnlySpan<double> x, int label, Span<double> g) => L65536.SoftmaxCrossEntropy(x, label, g);
    public static void Backward(ReadOnlySpan<double> p, ReadOnlySpan<double> dy, Span<double> dx) => L65536.SoftmaxBackward(p, dy, dx);
}
#pragma warning restore SA1649, SA1402

/// <summary>
/// <c>-- --interleaved --layer [--rounds R] [--only float|double|'float N=1024']</c>: per row length (10 to 65536) and
/// element type, the generated softmax (the baseline), each layer function, and the same computation composed from
/// TensorPrimitives calls the way a careful user writes it stably (max first), all 14 interleaved in random order per
/// round as <c>--native</c> does. Each variant is timed in its own loop, specialized per shape and per variant (a
/// struct implementing <see cref="ILayerShape{T}"/> and one implementing <see cref="ICall{T}"/>), so the generated
/// and TensorPrimitives methods are called directly; scalar results are summed in the loop so none is optimized away.
/// Times are medians of the rounds; ratios medians of the per-round ratios, with their interquartile range.
/// Run it again with DOTNET_PreferredVectorBitWidth=256 for the 256-bit paths.
/// </summary>
internal static class LayerFunctionsBenchmark
{
    /// <summary>Issue 10's targets: LogSoftmax, LogSumExp and the cross-entropy at most 1.2x the softmax ...</summary>
    private const double FunctionTarget = 1.2;

    /// <summary>... and the TensorPrimitives composition at least 3x the generated function.</summary>
    private const double CompositionTarget = 3.0;

    private const float SingleTemperature = 0.7f;

    private const double DoubleTemperature = 0.7;

    private static readonly int[] Lengths = { 10, 64, 256, 1024, 4096, 65536 };

    private static readonly string[] Names = { "Softmax", "LogSoftmax", "LogSumExp", "CrossEntropy(label)", "CrossEntropy(label, gradient)", "Backward", "Softmax(temperature)" };

    /// <summary>The functions that have a target relative to the softmax.</summary>
    private static readonly HashSet<string> Targeted = new() { "LogSoftmax", "LogSumExp", "CrossEntropy(label)" };

    private static double s_sink;

    private static readonly List<string> s_warmups = new();

    private static int s_functionMet, s_functionMissed, s_compositionMet, s_compositionMissed;

    public static int Run(int rounds, string? filter)
    {
        string width = Vector512.IsHardwareAccelerated ? "512" : Vector256.IsHardwareAccelerated ? "256" : Vector128.IsHardwareAccelerated ? "128" : "scalar";
        string preferred = Environment.GetEnvironmentVariable("DOTNET_PreferredVectorBitWidth") ?? "unset";
        Console.WriteLine($"Layer functions, interleaved: {rounds} rounds (N = 65536: {LongRounds(rounds)}) of ~0.5 ms batches per variant, 28 variants per row (14 at two stack alignments) in random order");
        Console.WriteLine($"CPU: {CpuName()}; {Environment.ProcessorCount} cores; .NET {Environment.Version}; widest accelerated vector {width} bits (DOTNET_PreferredVectorBitWidth={preferred}); load {Interleaved.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| Type | N | Function | Generated ns (best) | **/ generated Softmax** (IQR) | best / best | TensorPrimitives composition ns (best) | **Composition / generated** (IQR) | best / best | stack-alignment spread, generated / composition |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        bool Selected(string elem, int n) => filter is null || filter.Equals(elem, StringComparison.OrdinalIgnoreCase)
            || filter.Equals($"{elem} N={n}", StringComparison.OrdinalIgnoreCase);
        foreach (int n in Lengths.Where(n => Selected("float", n)))
        {
            Measure("float", n, SingleVariants(n), n >= 65536 ? LongRounds(rounds) : rounds);
        }

        foreach (int n in Lengths.Where(n => Selected("double", n)))
        {
            Measure("double", n, DoubleVariants(n), n >= 65536 ? LongRounds(rounds) : rounds);
        }

        Console.WriteLine();
        Console.WriteLine($"Each variant ran at two stack alignments 16 bytes apart, interleaved; per round the faster one counts. Times in ns per call: median of rounds (fastest round in brackets). Ratios: median of the per-round time ratios (interquartile range in brackets; the targets are judged on it), and the ratio of the fastest rounds (best / best). Stack-alignment spread: median time at the slower alignment / at the faster one.");
        Console.WriteLine($"Targets (issue 10): LogSoftmax, LogSumExp, CrossEntropy(label) <= {FunctionTarget:0.0}x the generated Softmax: {s_functionMet} met, {s_functionMissed} missed (marked *); "
            + $"TensorPrimitives composition >= {CompositionTarget:0}x the generated function: {s_compositionMet} met, {s_compositionMissed} missed (marked *).");
        Console.WriteLine($"Warm-up passes (28 x 20 ms, until the JIT is quiet for two): {string.Join(", ", s_warmups)}.");
        Console.WriteLine($"load after: {Interleaved.LoadAverage()} (sink {s_sink:E1})");
        return 0;
    }

    private static int LongRounds(int rounds) => Math.Max(20, rounds / 8);

    /// <summary>
    /// Runs <paramref name="run"/> with the stack pointer moved down by <paramref name="bytes"/> (a multiple of 16). The
    /// TensorPrimitives exponentials run 2.2-2.8x slower at one stack alignment mod 32 than at the other (float and
    /// double, N = 1024, AVX-512 Zen 4; the generated kernels do not move), so which mode a composition got depended on
    /// the call depth of the benchmark's code. Each variant is timed at both and the faster one is reported.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static long AtStackOffset(int bytes, Func<int, long> run, int count)
    {
        Span<byte> pad = stackalloc byte[bytes];
        pad[0] = 1;
        long ticks = run(count);
        return ticks + pad[0] - 1;
    }

    /// <summary>The CPU's model name (as <c>lscpu</c> shows it) with family, model and the widest x86 vector extension.</summary>
    internal static string CpuName()
    {
        try
        {
            string[] lines = File.ReadAllLines("/proc/cpuinfo");
            string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l.IndexOf(':') > 0) is { } line
                ? line[(line.IndexOf(':') + 1)..].Trim() : "?";
            string flags = " " + Field("flags") + " ";
            string isa = flags.Contains(" avx512f ", StringComparison.Ordinal) ? "AVX-512" : flags.Contains(" avx2 ", StringComparison.Ordinal) ? "AVX2" : "no AVX2";
            return $"{Field("model name")} (family {Field("cpu family")} model {Field("model")}, {isa})";
        }
        catch (Exception)
        {
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private sealed record Variant(Func<int, long> Generated, Func<int, long> Composed);

    private static void Measure(string elem, int n, List<Variant> functions, int rounds)
    {
        // Every variant runs at two stack alignments, 16 bytes apart (see AtStackOffset), as two interleaved variants;
        // per variant and round the faster counts, and the spread is median slower / median faster.
        double[][] aligned = Interleaved.TimeAtTwoAlignments(functions.SelectMany(f => new[] { f.Generated, f.Composed }).ToList(), rounds, out int passes);
        s_warmups.Add($"{elem} N={n}: {passes}");
        double[][] times = Interleaved.Faster(aligned);
        double[] spread = Interleaved.AlignmentSpread(aligned);
        (double Median, double Q1, double Q3) Ratio(int a, int b)
        {
            double[] sorted = times[a].Zip(times[b], (p, q) => p / q).OrderBy(t => t).ToArray();
            return (Interleaved.Quantile(sorted, 0.5), Interleaved.Quantile(sorted, 0.25), Interleaved.Quantile(sorted, 0.75));
        }

        string Best(int a, int b) => string.Create(CultureInfo.InvariantCulture, $"{times[a].Min() / times[b].Min():0.00}x");
        string Time(int v) => $"{Interleaved.Ns(Interleaved.Median(times[v]))} ({Interleaved.Ns(times[v].Min())})";
        string Format((double Median, double Q1, double Q3) r) => string.Create(CultureInfo.InvariantCulture, $"{r.Median:0.00}x ({r.Q1:0.00}-{r.Q3:0.00})");
        for (int f = 0; f < functions.Count; f++)
        {
            int generated = 2 * f, composed = (2 * f) + 1;
            string name = Names[f];
            string toSoftmax = "- | -";
            if (f > 0)
            {
                (double Median, double Q1, double Q3) r = Ratio(generated, 0);
                toSoftmax = Format(r);
                if (Targeted.Contains(name))
                {
                    bool met = r.Median <= FunctionTarget;
                    toSoftmax = met ? toSoftmax : "**" + toSoftmax + " \\***";
                    s_functionMet += met ? 1 : 0;
                    s_functionMissed += met ? 0 : 1;
                }

                toSoftmax += " | " + Best(generated, 0);
            }

            (double Median, double Q1, double Q3) c = Ratio(composed, generated);
            bool compositionMet = c.Median >= CompositionTarget;
            s_compositionMet += compositionMet ? 1 : 0;
            s_compositionMissed += compositionMet ? 0 : 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {elem} | {n} | {name} | {Time(generated)} | {toSoftmax} | {Time(composed)} | {Format(c)}{(compositionMet ? string.Empty : " \\*")} | {Best(composed, generated)} | {spread[generated]:0.00} / {spread[composed]:0.00} |"));
        }
    }

    private static List<Variant> SingleVariants(int n) => n switch
    {
        10 => Variants<float, LS10>(Inputs.Single(n), SingleTemperature),
        64 => Variants<float, LS64>(Inputs.Single(n), SingleTemperature),
        256 => Variants<float, LS256>(Inputs.Single(n), SingleTemperature),
        1024 => Variants<float, LS1024>(Inputs.Single(n), SingleTemperature),
        4096 => Variants<float, LS4096>(Inputs.Single(n), SingleTemperature),
        _ => Variants<float, LS65536>(Inputs.Single(n), SingleTemperature),
    };

    private static List<Variant> DoubleVariants(int n) => n switch
    {
        10 => Variants<double, LS10>(Inputs.Double(n), DoubleTemperature),
        64 => Variants<double, LS64>(Inputs.Double(n), DoubleTemperature),
        256 => Variants<double, LS256>(Inputs.Double(n), DoubleTemperature),
        1024 => Variants<double, LS1024>(Inputs.Double(n), DoubleTemperature),
        4096 => Variants<double, LS4096>(Inputs.Double(n), DoubleTemperature),
        _ => Variants<double, LS65536>(Inputs.Double(n), DoubleTemperature),
    };

    /// <summary>In the order of <see cref="Names"/>: the generated function and its composition.</summary>
    private static List<Variant> Variants<T, TShape>(T[] x, T temperature)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TShape : ILayerShape<T>
    {
        int n = x.Length;
        T[] y = new T[n], g = new T[n], tmp = new T[n], p = new T[n];
        int label = n / 3;

        // The backward pass takes a softmax output as its probabilities and the logits as the gradient dy.
        TShape.Softmax(x, p);
        var buffers = new Buffers<T>(x, y, g, tmp, p, label, temperature);

        // Each pair computes the same thing: a mistake here would make the ratios meaningless.
        Agree<T, GeneratedSoftmax<T, TShape>, ComposedSoftmax<T>>(buffers, y, "Softmax");
        Agree<T, GeneratedLogSoftmax<T, TShape>, ComposedLogSoftmax<T>>(buffers, y, "LogSoftmax");
        Agree<T, GeneratedLogSumExp<T, TShape>, ComposedLogSumExp<T>>(buffers, null, "LogSumExp");
        Agree<T, GeneratedCrossEntropy<T, TShape>, ComposedCrossEntropy<T>>(buffers, null, "CrossEntropy");
        Agree<T, GeneratedCrossEntropyGradient<T, TShape>, ComposedCrossEntropyGradient<T>>(buffers, g, "CrossEntropy gradient");
        Agree<T, GeneratedBackward<T, TShape>, ComposedBackward<T>>(buffers, g, "Backward");
        Agree<T, GeneratedTemperature<T, TShape>, ComposedTemperature<T>>(buffers, y, "Temperature");
        return new List<Variant>
        {
            new(k => Time<T, GeneratedSoftmax<T, TShape>>(buffers, k), k => Time<T, ComposedSoftmax<T>>(buffers, k)),
            new(k => Time<T, GeneratedLogSoftmax<T, TShape>>(buffers, k), k => Time<T, ComposedLogSoftmax<T>>(buffers, k)),
            new(k => Time<T, GeneratedLogSumExp<T, TShape>>(buffers, k), k => Time<T, ComposedLogSumExp<T>>(buffers, k)),
            new(k => Time<T, GeneratedCrossEntropy<T, TShape>>(buffers, k), k => Time<T, ComposedCrossEntropy<T>>(buffers, k)),
            new(k => Time<T, GeneratedCrossEntropyGradient<T, TShape>>(buffers, k), k => Time<T, ComposedCrossEntropyGradient<T>>(buffers, k)),
            new(k => Time<T, GeneratedBackward<T, TShape>>(buffers, k), k => Time<T, ComposedBackward<T>>(buffers, k)),
            new(k => Time<T, GeneratedTemperature<T, TShape>>(buffers, k), k => Time<T, ComposedTemperature<T>>(buffers, k)),
        };
    }

    /// <summary>Throws unless the generated call and its composition agree (scalar result and the output array, if any).</summary>
    private static void Agree<T, TGenerated, TComposed>(Buffers<T> buffers, T[]? output, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TGenerated : struct, ICall<T>
        where TComposed : struct, ICall<T>
    {
        double tolerance = typeof(T) == typeof(float) ? 1e-4 : 1e-12;
        bool Close(T a, T b) => double.Abs(double.CreateTruncating(a) - double.CreateTruncating(b)) <= tolerance * double.Max(1, double.Abs(double.CreateTruncating(b)));
        T generated = TGenerated.Invoke(buffers);
        T[] generatedOutput = output is null ? Array.Empty<T>() : (T[])output.Clone();
        T composed = TComposed.Invoke(buffers);
        bool agree = Close(generated, composed);
        for (int i = 0; i < generatedOutput.Length; i++)
        {
            agree &= Close(generatedOutput[i], output![i]);
        }

        if (!agree)
        {
            throw new InvalidOperationException($"{typeof(T).Name} N={buffers.X.Length} {name}: the generated function and its TensorPrimitives composition disagree");
        }
    }

    /// <summary>One loop per variant: the JIT specializes it for the struct <typeparamref name="TCall"/> and inlines its call.</summary>
    private static long Time<T, TCall>(Buffers<T> buffers, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TCall : struct, ICall<T>
    {
        T sum = T.Zero;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            sum += TCall.Invoke(buffers);
        }

        long ticks = Stopwatch.GetTimestamp() - start;
        s_sink += double.CreateTruncating(sum);
        return ticks;
    }
}

/// <summary>The arrays of one row length, allocated once; <c>P</c> holds a softmax output for the backward pass.</summary>
internal sealed record Buffers<T>(T[] X, T[] Y, T[] G, T[] Tmp, T[] P, int Label, T Temperature);

/// <summary>One timed variant: a call of a generated function or a TensorPrimitives composition; returns the scalar result, if any.</summary>
internal interface ICall<T>
{
    static abstract T Invoke(Buffers<T> b);
}

#pragma warning disable SA1649, SA1402 // The variants are kept together.
internal readonly struct GeneratedSoftmax<T, TShape> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TShape : ILayerShape<T>
{
    public static T Invoke(Buffers<T> b)
    {
        TShape.Softmax(b.X, b.Y);
        return T.Zero;
    }
}

internal readonly struct GeneratedLogSoftmax<T, TShape> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TShape : ILayerShape<T>
{
    public static T Invoke(Buffers<T> b)
    {
        TShape.LogSoftmax(b.X, b.Y);
        return T.Zero;
    }
}

internal readonly struct GeneratedLogSumExp<T, TShape> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TShape : ILayerShape<T>
{
    public static T Invoke(Buffers<T> b) => TShape.LogSumExp(b.X);
}

internal readonly struct GeneratedCrossEntropy<T, TShape> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TShape : ILayerShape<T>
{
    public static T Invoke(Buffers<T> b) => TShape.CrossEntropy(b.X, b.Label);
}

internal readonly struct GeneratedCrossEntropyGradient<T, TShape> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TShape : ILayerShape<T>
{
    public static T Invoke(Buffers<T> b) => TShape.CrossEntropy(b.X, b.Label, b.G);
}

internal readonly struct GeneratedBackward<T, TShape> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TShape : ILayerShape<T>
{
    public static T Invoke(Buffers<T> b)
    {
        TShape.Backward(b.P, b.X, b.G);
        return T.Zero;
    }
}

internal readonly struct GeneratedTemperature<T, TShape> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TShape : ILayerShape<T>
{
    public static T Invoke(Buffers<T> b)
    {
        TShape.Softmax(b.X, b.Y, b.Temperature);
        return T.Zero;
    }
}

/// <summary>The stable softmax from TensorPrimitives calls: Max, Subtract, Exp, Sum, Divide.</summary>
internal readonly struct ComposedSoftmax<T> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(Buffers<T> b)
    {
        Softmax(b.X, b.Y);
        return T.Zero;
    }

    public static void Softmax(ReadOnlySpan<T> x, Span<T> y)
    {
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp<T>(y, y);
        TensorPrimitives.Divide<T>(y, TensorPrimitives.Sum<T>(y), y);
    }
}

/// <summary>Max, Subtract(x, max, tmp), Exp(tmp, tmp), Sum, then Subtract(x, max + log(sum), y).</summary>
internal readonly struct ComposedLogSoftmax<T> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(Buffers<T> b)
    {
        TensorPrimitives.Subtract(b.X, ComposedLogSumExp<T>.LogSumExp(b.X, b.Tmp), b.Y);
        return T.Zero;
    }
}

/// <summary>Max, Subtract, Exp, Sum, Log.</summary>
internal readonly struct ComposedLogSumExp<T> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(Buffers<T> b) => LogSumExp(b.X, b.Tmp);

    public static T LogSumExp(ReadOnlySpan<T> x, Span<T> tmp)
    {
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, tmp);
        TensorPrimitives.Exp<T>(tmp, tmp);
        return max + T.Log(TensorPrimitives.Sum<T>(tmp));
    }
}

/// <summary>The log-sum-exp composition minus x[label]: max + log(Σ exp(x - max)) - x[label].</summary>
internal readonly struct ComposedCrossEntropy<T> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(Buffers<T> b) => ComposedLogSumExp<T>.LogSumExp(b.X, b.Tmp) - b.X[b.Label];
}

/// <summary>The stable softmax composition into the gradient, the loss from its sum, then g[label] -= 1.</summary>
internal readonly struct ComposedCrossEntropyGradient<T> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(Buffers<T> b)
    {
        ReadOnlySpan<T> x = b.X;
        Span<T> g = b.G;
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, g);
        TensorPrimitives.Exp<T>(g, g);
        T sum = TensorPrimitives.Sum<T>(g);
        TensorPrimitives.Divide<T>(g, sum, g);
        g[b.Label] -= T.One;
        return T.Log(sum) - (x[b.Label] - max);
    }
}

/// <summary>dx = y (dy - Dot(y, dy)): Dot, Subtract, Multiply.</summary>
internal readonly struct ComposedBackward<T> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(Buffers<T> b)
    {
        T dot = TensorPrimitives.Dot<T>(b.P, b.X);
        TensorPrimitives.Subtract(b.X, dot, b.G);
        TensorPrimitives.Multiply<T>(b.G, b.P, b.G);
        return T.Zero;
    }
}

/// <summary>Multiply by 1 / temperature, then the stable softmax composition.</summary>
internal readonly struct ComposedTemperature<T> : ICall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(Buffers<T> b)
    {
        TensorPrimitives.Multiply(b.X, T.One / b.Temperature, b.Tmp);
        ComposedSoftmax<T>.Softmax(b.Tmp, b.Y);
        return T.Zero;
    }
}
#pragma warning restore SA1649, SA1402
