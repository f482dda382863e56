using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using System.Text;
using SoftmaxGenerators;
using SoftmaxGenerators.Accuracy;

// dotnet run -c Release --project benchmarks/SoftmaxGenerators.Accuracy [-- [--layer] [--quick] [--out FILE]]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
bool quick = args.Contains("--quick");
string? outFile = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();

// -- --layer: the layer functions (LogSoftmax, LogSumExp, cross-entropy and its gradient, backward, temperature).
if (args.Contains("--layer"))
{
    return LayerAccuracy.Run(quick, outFile);
}

int[] lengths = quick ? new[] { 10, 100, 1000, 10_000 } : new[] { 10, 100, 1000, 10_000, 100_000, 1_048_576 };
int elementsPerCase = quick ? 20_000 : 200_000;
int doubleElementsPerCase = quick ? 4_000 : 40_000;

var distributions = new (string Name, Func<Random, double> Sample)[]
{
    ("uniform [-10, 10]", r => (r.NextDouble() * 20) - 10),
    ("uniform [-80, 80]", r => (r.NextDouble() * 160) - 80),
    ("normal σ=30", r => 30 * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())),
    ("uniform [-1000, 1000]", r => (r.NextDouble() * 2000) - 1000),
};

var report = new StringBuilder();
report.AppendLine($"Error in ULP of the output type against an exact reference; max / mean over every output whose exact value is a normal number. 'NaN rows' counts rows where the method returned a non-finite value. Command: `dotnet run -c Release --project benchmarks/SoftmaxGenerators.Accuracy{(quick ? " -- --quick" : string.Empty)}`; {Environment.ProcessorCount} cores, Vector256 accelerated: {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}.");
report.AppendLine();
foreach (bool single in new[] { true, false })
{
    report.AppendLine(single ? "### float" : "### double");
    report.AppendLine();
    report.AppendLine("| inputs | N | Fast (default) | Accurate | TensorPrimitives.SoftMax | three-pass loop |");
    report.AppendLine("|---|---:|---|---|---|---|");
    foreach ((string name, Func<Random, double> sample) in distributions)
    {
        foreach (int n in lengths)
        {
            int rows = Math.Max(1, (single ? elementsPerCase : doubleElementsPerCase) / n);
            var stats = new Stats[4];
            for (int s = 0; s < stats.Length; s++)
            {
                stats[s] = new Stats();
            }

            var random = new Random(n * 7919 + name.Length);
            for (int row = 0; row < rows; row++)
            {
                double[] input = new double[n];
                for (int i = 0; i < n; i++)
                {
                    input[i] = sample(random);
                }

                if (single)
                {
                    float[] x = Array.ConvertAll(input, v => (float)v);
                    double[] reference = ExactReference.Single(x);
                    var output = new float[n];
                    for (int method = 0; method < 4; method++)
                    {
                        Kernels.Single(n, method, x, output);
                        stats[method].AddSingle(output, reference);
                    }
                }
                else
                {
                    (double Hi, double Lo)[] reference = ExactReference.Double(input);
                    var output = new double[n];
                    for (int method = 0; method < 4; method++)
                    {
                        Kernels.Double(n, method, input, output);
                        stats[method].AddDouble(output, reference);
                    }
                }
            }

            report.AppendLine($"| {name} | {n} | {string.Join(" | ", stats.Select(s => s.ToString()))} |");
            Console.Error.WriteLine($"{(single ? "float" : "double")} {name} N={n}: {string.Join("  ", stats.Select(s => s.ToString()))}");
        }
    }

    report.AppendLine();
}

Console.WriteLine(report);
if (outFile is not null)
{
    File.WriteAllText(outFile, report.ToString());
}

return 0;

internal sealed class Stats
{
    private double _max;
    private double _sum;
    private long _count;
    private int _nanRows;

    public void AddSingle(float[] output, double[] reference)
    {
        bool nan = false;
        for (int i = 0; i < output.Length; i++)
        {
            if (!float.IsFinite(output[i]))
            {
                nan = true;
                continue;
            }

            if (reference[i] < 1.1754943508222875E-38)
            {
                continue;
            }

            float rounded = (float)reference[i];
            double ulp = MathF.BitIncrement(rounded) - rounded;
            Add(Math.Abs(output[i] - reference[i]) / ulp);
        }

        _nanRows += nan ? 1 : 0;
    }

    public void AddDouble(double[] output, (double Hi, double Lo)[] reference)
    {
        bool nan = false;
        for (int i = 0; i < output.Length; i++)
        {
            if (!double.IsFinite(output[i]))
            {
                nan = true;
                continue;
            }

            if (reference[i].Hi < 2.2250738585072014E-308)
            {
                continue;
            }

            double ulp = Math.BitIncrement(reference[i].Hi) - reference[i].Hi;
            Add(Math.Abs((output[i] - reference[i].Hi) - reference[i].Lo) / ulp);
        }

        _nanRows += nan ? 1 : 0;
    }

    private void Add(double ulps)
    {
        _max = Math.Max(_max, ulps);
        _sum += ulps;
        _count++;
    }

    public override string ToString() =>
        (_count == 0 ? "n/a" : $"{_max:0.00} / {_sum / _count:0.000}") + (_nanRows > 0 ? $" ({_nanRows} NaN rows)" : string.Empty);
}
