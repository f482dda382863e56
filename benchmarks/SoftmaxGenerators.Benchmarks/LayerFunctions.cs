using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Numerics.Tensors;

namespace SoftmaxGenerators.Benchmarks;

// The layer functions under test: one type per row length, every function.
[Softmax(10, Functions = SoftmaxFunctions.All)] public static partial class L10 { }
[Softmax(64, Functions = SoftmaxFunctions.All)] public static partial class L64 { }
[Softmax(256, Functions = SoftmaxFunctions.All)] public static partial class L256 { }
[Softmax(1024, Functions = SoftmaxFunctions.All)] public static partial class L1024 { }
[Softmax(4096, Functions = SoftmaxFunctions.All)] public static partial class L4096 { }
[Softmax(65536, Functions = SoftmaxFunctions.All)] public static partial class L65536 { }

/// <summary>
/// <c>-- --interleaved --layer [--only float|double]</c>: per row length, the generated softmax (the baseline), each
/// layer function, and the same computation composed from TensorPrimitives calls the way a careful user writes it
/// stably (max first), all interleaved in random order per round as <c>--native</c> does. Every variant is called
/// through a delegate (about 1 ns, alike for all), and scalar results are accumulated so that none is optimized away.
/// Times are medians of the rounds; ratios medians of the per-round ratios.
/// </summary>
internal static class LayerFunctionsBenchmark
{
    private static readonly int[] Lengths = { 10, 64, 256, 1024, 4096, 65536 };

    private static double s_sink;

    private sealed record Function(string Name, Action Generated, Action? Composed);

    public static int Run(int rounds, string? filter)
    {
        string width = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "512"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256"
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "128" : "scalar";
        Console.WriteLine($"Layer functions, interleaved, {rounds} rounds, {Environment.ProcessorCount} cores, load {Interleaved.LoadAverage()}, widest path {width} bits");
        Console.WriteLine();
        Console.WriteLine("| Type | N | Function | Generated | / generated Softmax | TensorPrimitives composition | **Composition / generated** |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|");
        foreach (string elem in new[] { "float", "double" }.Where(e => filter is null || filter.Equals(e, StringComparison.OrdinalIgnoreCase)))
        {
            foreach (int n in Lengths)
            {
                List<Function> functions = elem == "float" ? SingleFunctions(n) : DoubleFunctions(n);
                Measure(elem, n, functions, n >= 65536 ? Math.Max(20, rounds / 8) : rounds);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Times in ns per call (median of rounds). load after: {Interleaved.LoadAverage()} (sink {s_sink:E1})");
        return 0;
    }

    private static void Measure(string elem, int n, List<Function> functions, int rounds)
    {
        var runs = new List<Func<int, long>>();
        foreach (Function f in functions)
        {
            runs.Add(Loop(f.Generated));
            if (f.Composed is not null)
            {
                runs.Add(Loop(f.Composed));
            }
        }

        for (int w = 0; w < 4; w++)
        {
            foreach (Func<int, long> run in runs)
            {
                Interleaved.TimeFor(run, 0.03);
            }
        }

        int[] counts = runs.Select(Interleaved.Calibrate).ToArray();
        double[][] times = runs.Select(_ => new double[rounds]).ToArray();
        var random = new Random(1);
        int[] order = Enumerable.Range(0, runs.Count).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            random.Shuffle(order);
            foreach (int v in order)
            {
                times[v][r] = Interleaved.PerCall(runs[v], counts[v]);
            }
        }

        double Median(double[] values) => Interleaved.Quantile(values.OrderBy(t => t).ToArray(), 0.5);
        double Ratio(int a, int b) => Median(times[a].Zip(times[b], (p, q) => p / q).ToArray());
        int index = 0;
        foreach (Function f in functions)
        {
            int generated = index++;
            int composed = f.Composed is null ? -1 : index++;
            string compose = composed < 0 ? "- | -" : string.Create(CultureInfo.InvariantCulture, $"{Interleaved.Ns(Median(times[composed]))} | **{Ratio(composed, generated):0.00}x**");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {elem} | {n} | {f.Name} | {Interleaved.Ns(Median(times[generated]))} | {Ratio(generated, 0):0.00} | {compose} |"));
        }
    }

    private static Func<int, long> Loop(Action call) => count =>
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            call();
        }

        return Stopwatch.GetTimestamp() - start;
    };

    private static (Action, Action, Action, Action, Action, Action, Action) Set(Action a, Action b, Action c, Action d, Action e, Action f, Action g) => (a, b, c, d, e, f, g);

    private static List<Function> SingleFunctions(int n)
    {
        float[] x = Inputs.Single(n), y = new float[n], g = new float[n], tmp = new float[n];
        float[] p = new float[n];
        int label = n / 3;
        (Action softmax, Action logSoftmax, Action lse, Action ce, Action ceGradient, Action backward, Action temperature) = n switch
        {
            10 => Set(() => L10.Softmax(x, y), () => L10.LogSoftmax(x, y), () => s_sink += L10.LogSumExp(x), () => s_sink += L10.SoftmaxCrossEntropy(x, label), () => s_sink += L10.SoftmaxCrossEntropy(x, label, g), () => L10.SoftmaxBackward(p, x, g), () => L10.Softmax(x, y, 0.7f)),
            64 => Set(() => L64.Softmax(x, y), () => L64.LogSoftmax(x, y), () => s_sink += L64.LogSumExp(x), () => s_sink += L64.SoftmaxCrossEntropy(x, label), () => s_sink += L64.SoftmaxCrossEntropy(x, label, g), () => L64.SoftmaxBackward(p, x, g), () => L64.Softmax(x, y, 0.7f)),
            256 => Set(() => L256.Softmax(x, y), () => L256.LogSoftmax(x, y), () => s_sink += L256.LogSumExp(x), () => s_sink += L256.SoftmaxCrossEntropy(x, label), () => s_sink += L256.SoftmaxCrossEntropy(x, label, g), () => L256.SoftmaxBackward(p, x, g), () => L256.Softmax(x, y, 0.7f)),
            1024 => Set(() => L1024.Softmax(x, y), () => L1024.LogSoftmax(x, y), () => s_sink += L1024.LogSumExp(x), () => s_sink += L1024.SoftmaxCrossEntropy(x, label), () => s_sink += L1024.SoftmaxCrossEntropy(x, label, g), () => L1024.SoftmaxBackward(p, x, g), () => L1024.Softmax(x, y, 0.7f)),
            4096 => Set(() => L4096.Softmax(x, y), () => L4096.LogSoftmax(x, y), () => s_sink += L4096.LogSumExp(x), () => s_sink += L4096.SoftmaxCrossEntropy(x, label), () => s_sink += L4096.SoftmaxCrossEntropy(x, label, g), () => L4096.SoftmaxBackward(p, x, g), () => L4096.Softmax(x, y, 0.7f)),
            _ => Set(() => L65536.Softmax(x, y), () => L65536.LogSoftmax(x, y), () => s_sink += L65536.LogSumExp(x), () => s_sink += L65536.SoftmaxCrossEntropy(x, label), () => s_sink += L65536.SoftmaxCrossEntropy(x, label, g), () => L65536.SoftmaxBackward(p, x, g), () => L65536.Softmax(x, y, 0.7f)),
        };
        softmax();
        Array.Copy(y, p, n);

        // The stable compositions: subtract the maximum, exponentiate, sum; then the function's own last steps.
        float LogSumExpOf()
        {
            float max = TensorPrimitives.Max(x);
            TensorPrimitives.Subtract(x, max, tmp);
            TensorPrimitives.Exp(tmp, tmp);
            return max + MathF.Log(TensorPrimitives.Sum(tmp));
        }

        void StableSoftmax(float[] input, float[] output)
        {
            float max = TensorPrimitives.Max(input);
            TensorPrimitives.Subtract(input, max, output);
            TensorPrimitives.Exp(output, output);
            TensorPrimitives.Divide(output, TensorPrimitives.Sum(output), output);
        }

        return new List<Function>
        {
            new("Softmax", softmax, () => StableSoftmax(x, y)),
            new("LogSoftmax", logSoftmax, () => TensorPrimitives.Subtract(x, LogSumExpOf(), y)),
            new("LogSumExp", lse, () => s_sink += LogSumExpOf()),
            new("CrossEntropy", ce, () => s_sink += LogSumExpOf() - x[label]),
            new("CrossEntropy + gradient", ceGradient, () =>
            {
                float max = TensorPrimitives.Max(x);
                TensorPrimitives.Subtract(x, max, g);
                TensorPrimitives.Exp(g, g);
                float sum = TensorPrimitives.Sum(g);
                TensorPrimitives.Divide(g, sum, g);
                g[label] -= 1f;
                s_sink += MathF.Log(sum) - (x[label] - max);
            }),
            new("Backward", backward, () =>
            {
                float dot = TensorPrimitives.Dot(p, x);
                TensorPrimitives.Subtract(x, dot, g);
                TensorPrimitives.Multiply(g, p, g);
            }),
            new("Temperature", temperature, () =>
            {
                TensorPrimitives.Multiply(x, 1f / 0.7f, tmp);
                StableSoftmax(tmp, y);
            }),
        };
    }

    private static List<Function> DoubleFunctions(int n)
    {
        double[] x = Inputs.Double(n), y = new double[n], g = new double[n], tmp = new double[n];
        double[] p = new double[n];
        int label = n / 3;
        (Action softmax, Action logSoftmax, Action lse, Action ce, Action ceGradient, Action backward, Action temperature) = n switch
        {
            10 => Set(() => L10.Softmax(x, y), () => L10.LogSoftmax(x, y), () => s_sink += L10.LogSumExp(x), () => s_sink += L10.SoftmaxCrossEntropy(x, label), () => s_sink += L10.SoftmaxCrossEntropy(x, label, g), () => L10.SoftmaxBackward(p, x, g), () => L10.Softmax(x, y, 0.7)),
            64 => Set(() => L64.Softmax(x, y), () => L64.LogSoftmax(x, y), () => s_sink += L64.LogSumExp(x), () => s_sink += L64.SoftmaxCrossEntropy(x, label), () => s_sink += L64.SoftmaxCrossEntropy(x, label, g), () => L64.SoftmaxBackward(p, x, g), () => L64.Softmax(x, y, 0.7)),
            256 => Set(() => L256.Softmax(x, y), () => L256.LogSoftmax(x, y), () => s_sink += L256.LogSumExp(x), () => s_sink += L256.SoftmaxCrossEntropy(x, label), () => s_sink += L256.SoftmaxCrossEntropy(x, label, g), () => L256.SoftmaxBackward(p, x, g), () => L256.Softmax(x, y, 0.7)),
            1024 => Set(() => L1024.Softmax(x, y), () => L1024.LogSoftmax(x, y), () => s_sink += L1024.LogSumExp(x), () => s_sink += L1024.SoftmaxCrossEntropy(x, label), () => s_sink += L1024.SoftmaxCrossEntropy(x, label, g), () => L1024.SoftmaxBackward(p, x, g), () => L1024.Softmax(x, y, 0.7)),
            4096 => Set(() => L4096.Softmax(x, y), () => L4096.LogSoftmax(x, y), () => s_sink += L4096.LogSumExp(x), () => s_sink += L4096.SoftmaxCrossEntropy(x, label), () => s_sink += L4096.SoftmaxCrossEntropy(x, label, g), () => L4096.SoftmaxBackward(p, x, g), () => L4096.Softmax(x, y, 0.7)),
            _ => Set(() => L65536.Softmax(x, y), () => L65536.LogSoftmax(x, y), () => s_sink += L65536.LogSumExp(x), () => s_sink += L65536.SoftmaxCrossEntropy(x, label), () => s_sink += L65536.SoftmaxCrossEntropy(x, label, g), () => L65536.SoftmaxBackward(p, x, g), () => L65536.Softmax(x, y, 0.7)),
        };
        softmax();
        Array.Copy(y, p, n);

        double LogSumExpOf()
        {
            double max = TensorPrimitives.Max<double>(x);
            TensorPrimitives.Subtract<double>(x, max, tmp);
            TensorPrimitives.Exp<double>(tmp, tmp);
            return max + Math.Log(TensorPrimitives.Sum<double>(tmp));
        }

        void StableSoftmax(double[] input, double[] output)
        {
            double max = TensorPrimitives.Max<double>(input);
            TensorPrimitives.Subtract<double>(input, max, output);
            TensorPrimitives.Exp<double>(output, output);
            TensorPrimitives.Divide<double>(output, TensorPrimitives.Sum<double>(output), output);
        }

        return new List<Function>
        {
            new("Softmax", softmax, () => StableSoftmax(x, y)),
            new("LogSoftmax", logSoftmax, () => TensorPrimitives.Subtract<double>(x, LogSumExpOf(), y)),
            new("LogSumExp", lse, () => s_sink += LogSumExpOf()),
            new("CrossEntropy", ce, () => s_sink += LogSumExpOf() - x[label]),
            new("CrossEntropy + gradient", ceGradient, () =>
            {
                double max = TensorPrimitives.Max<double>(x);
                TensorPrimitives.Subtract<double>(x, max, g);
                TensorPrimitives.Exp<double>(g, g);
                double sum = TensorPrimitives.Sum<double>(g);
                TensorPrimitives.Divide<double>(g, sum, g);
                g[label] -= 1d;
                s_sink += Math.Log(sum) - (x[label] - max);
            }),
            new("Backward", backward, () =>
            {
                double dot = TensorPrimitives.Dot<double>(p, x);
                TensorPrimitives.Subtract<double>(x, dot, g);
                TensorPrimitives.Multiply<double>(g, p, g);
            }),
            new("Temperature", temperature, () =>
            {
                TensorPrimitives.Multiply<double>(x, 1d / 0.7, tmp);
                StableSoftmax(tmp, y);
            }),
        };
    }
}
