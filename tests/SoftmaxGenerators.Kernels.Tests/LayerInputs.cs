using System;
using System.Collections.Concurrent;
using System.Linq;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// Deterministic random rows for the layer functions, with their labels, soft targets, temperatures and output
/// gradients, in double (float rows hold the float values). A row is named by (distribution, length, lane, seed), which
/// every failure message gives: <see cref="Create"/> rebuilds it.
/// </summary>
public sealed class LayerCase
{
    /// <summary>The distributions of the ULP tests: small, moderate and large spreads, near the float shift limit,
    /// masked entries (-inf with target 0) and one dominant entry (softmax near 1, loss and gradient near 0).</summary>
    public static readonly string[] Distributions = { "small", "normal30", "wide5000", "aroundFloatShiftLimit", "masked", "dominant" };

    private static readonly double[] Temperatures = { 0.25, 0.7, 1, 2.5, 10 };

    private static readonly ConcurrentDictionary<(string, int, bool, int), LayerCase> Cache = new();

    private LayerCase(string distribution, int length, bool single, int seed)
    {
        Distribution = distribution;
        Single = single;
        Seed = seed;
        var random = new Random((seed * 7919) + (length * 31) + (Array.IndexOf(Distributions, distribution) * 1_000_003) + (single ? 1 : 0));
        var x = new double[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = distribution switch
            {
                "small" => Uniform(random, 2),
                "normal30" => 30 * Normal(random),
                "wide5000" => Uniform(random, 5000),
                "aroundFloatShiftLimit" => 16384 + Uniform(random, 40),
                "masked" => random.Next(4) == 0 ? double.NegativeInfinity : 10 * Normal(random),
                "dominant" => 3 * Normal(random),
                _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, null),
            };
        }

        if (distribution == "masked")
        {
            x[random.Next(length)] = 10 * Normal(random); // at least one finite logit
        }

        if (distribution == "dominant")
        {
            x[random.Next(length)] += 20 + (random.NextDouble() * 30);
        }

        Logits = Round(x);
        row = new Lazy<ExactRow>(() => ExactRow.Of(Logits));

        // Labels: the maximum (loss near 0), a random finite entry, the smallest finite entry (a large loss).
        int[] finite = Enumerable.Range(0, length).Where(i => double.IsFinite(Logits[i])).ToArray();
        Label = (seed % 3) switch
        {
            0 => finite.MaxBy(i => Logits[i]),
            1 => finite[random.Next(finite.Length)],
            _ => finite.MinBy(i => Logits[i]),
        };

        // Soft targets, 0 on masked logits: label smoothing (0.9 one-hot + 0.1 uniform), or sparse random weights.
        var targets = new double[length];
        if (seed % 2 == 0)
        {
            for (int i = 0; i < length; i++)
            {
                targets[i] = double.IsFinite(Logits[i]) ? 0.1 / finite.Length : 0;
            }

            targets[Label] += 0.9;
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                double w = random.NextDouble();
                targets[i] = double.IsFinite(Logits[i]) && random.Next(3) != 0 ? w * w * w : 0;
            }

            targets[Label] += 0.5;
            double total = targets.Sum();
            for (int i = 0; i < length; i++)
            {
                targets[i] /= total;
            }
        }

        Targets = Round(targets);
        TargetSum = ExactRow.SumOf(Targets);
        TargetScale = Math.Max(1, Targets.Sum(Math.Abs));

        // The backward pass: probabilities of this row (the double softmax rounded to the type) and a random output
        // gradient of scale 1 or 1000; the reference is exact for these values.
        double[] y = Reference.Softmax(Logits);
        var dy = new double[length];
        double scale = seed % 2 == 0 ? 1 : 1000;
        for (int i = 0; i < length; i++)
        {
            dy[i] = scale * Normal(random);
        }

        Probabilities = Round(y);
        OutputGradient = Round(dy);
        inputGradient = new Lazy<Exact[]>(() => ExactRow.Backward(Probabilities, OutputGradient));
        GradientScale = Math.Max(1, OutputGradient.Max(Math.Abs));

        // Temperature: the softmax of x * (1 / t) computed in the type, as the generated documentation says ("the input
        // is multiplied by 1 / temperature (exactly when the temperature is a power of two), then the maximum is
        // subtracted"): 1 / t and each product rounded to the type, then the exact softmax of those values.
        Temperature = Round(Temperatures[(seed + Array.IndexOf(Distributions, distribution)) % Temperatures.Length]);
        Reciprocal = single ? 1f / (float)Temperature : 1d / Temperature;
        ScaledLogits = Scale(Logits, Temperature, single);
        scaled = new Lazy<ExactRow>(() => ExactRow.Of(ScaledLogits));
    }

    public string Distribution { get; }

    public bool Single { get; }

    public int Seed { get; }

    public int Length => Logits.Length;

    /// <summary>The logits (float values when <see cref="Single"/>).</summary>
    public double[] Logits { get; }

    private readonly Lazy<ExactRow> row;
    private readonly Lazy<ExactRow> scaled;
    private readonly Lazy<Exact[]> inputGradient;

    public ExactRow Row => row.Value;

    public int Label { get; }

    public double[] Targets { get; }

    public BigFloat TargetSum { get; }

    /// <summary>max(1, Σ |t|): the scale of the gradient's absolute allowance.</summary>
    public double TargetScale { get; }

    public double[] Probabilities { get; }

    public double[] OutputGradient { get; }

    public Exact[] InputGradient => inputGradient.Value;

    /// <summary>max(1, max |dy|): the scale of the backward pass's absolute allowance.</summary>
    public double GradientScale { get; }

    public double Temperature { get; }

    /// <summary>1 / <see cref="Temperature"/> rounded to the type.</summary>
    public double Reciprocal { get; }

    /// <summary>x * (1 / t) computed in the type.</summary>
    public double[] ScaledLogits { get; }

    /// <summary>The exact row of <see cref="ScaledLogits"/>.</summary>
    public ExactRow Scaled => scaled.Value;

    /// <summary>max(1, |row max|): the scale of the absolute allowance of the log-domain results.</summary>
    public double RowScale => Math.Max(1, Math.Abs(Row.Max));

    public static LayerCase Create(string distribution, int length, bool single, int seed) =>
        Cache.GetOrAdd((distribution, length, single, seed), key => new LayerCase(key.Item1, key.Item2, key.Item3, key.Item4));

    /// <summary>How many rows of a distribution the ULP tests check at this length.</summary>
    public static int Rows(int length, bool single) => Math.Clamp((single ? 1024 : 512) / length, 1, 48);

    public string Describe(int? index = null)
    {
        string where = $"{Distribution} N={Length} {(Single ? "float" : "double")} seed {Seed} (LayerCase.Create(\"{Distribution}\", {Length}, {(Single ? "true" : "false")}, {Seed}))";
        string row = Length <= 16 ? " logits [" + string.Join(", ", Logits.Select(Show)) + "]" : string.Empty;
        string at = index is int i ? $" x[{i}]={Show(Logits[i])}" : string.Empty;
        return where + row + at + $" max={Show(Row.Max)} label={Label}";
    }

    public static string Show(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>x * (1 / t) computed in float or double: the input of the temperature softmax's Softmax.</summary>
    public static double[] Scale(double[] x, double temperature, bool single)
    {
        var z = new double[x.Length];
        if (single)
        {
            float reciprocal = 1f / (float)temperature;
            for (int i = 0; i < x.Length; i++)
            {
                z[i] = (float)x[i] * reciprocal;
            }
        }
        else
        {
            double reciprocal = 1d / temperature;
            for (int i = 0; i < x.Length; i++)
            {
                z[i] = x[i] * reciprocal;
            }
        }

        return z;
    }

    private double[] Round(double[] values) => Single ? Array.ConvertAll(values, v => (double)(float)v) : values;

    private double Round(double value) => Single ? (float)value : value;

    private static double Uniform(Random random, double range) => ((random.NextDouble() * 2) - 1) * range;

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
