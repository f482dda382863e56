using System;
using System.Globalization;
using System.Linq;
using SoftmaxGenerators;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Console.WriteLine("SoftmaxGenerators sample: generated, numerically stable softmax kernels");
Console.WriteLine();

// 1. The tutorial's examples, through a generated kernel for rows of 3.
Console.WriteLine("Tutorial examples, Tutorial.Softmax (generated for N = 3):");
foreach (float[] logits in new[] { new float[] { 2, 3, 5 }, new float[] { 20, 300, 5000 }, new float[] { 100, 99, 0 } })
{
    var probabilities = new float[3];
    Tutorial.Softmax(logits, probabilities);
    Console.WriteLine($"  softmax({Format(logits)}) = {Format(probabilities)}");
}

// 2. The naive formula overflows where the generated kernel does not. (SoftmaxGenerators' own analyzer flags this
//    line as SMX0001; it is kept naive on purpose, to show what goes wrong.)
float[] large = { 20, 300, 5000 };
#pragma warning disable SMX0001 // Naive softmax: deliberate, for the comparison.
float sum = large.Sum(MathF.Exp);
#pragma warning restore SMX0001
Console.WriteLine();
Console.WriteLine("Naive exp(x) / sum(exp(x)) on [20, 300, 5000]:");
Console.WriteLine($"  naive  = {Format(large.Select(x => MathF.Exp(x) / sum).ToArray())}   (exp(5000) is +inf, inf / inf is NaN)");
var stable = new float[3];
Tutorial.Softmax(large, stable);
Console.WriteLine($"  stable = {Format(stable)}");

// 3. A tiny digit classifier head: 16 features -> 10 logits -> generated Softmax(10).
Console.WriteLine();
Console.WriteLine("Digit classifier head, DigitHead.Softmax (generated for N = 10):");
foreach ((string name, float[] features) in DigitHead.Examples)
{
    float[] logits = DigitHead.Logits(features);
    var probabilities = new float[10];
    DigitHead.Softmax(logits, probabilities);
    int best = Array.IndexOf(probabilities, probabilities.Max());
    Console.WriteLine($"  {name,-8} -> predicted {best} with p = {probabilities[best]:0.0000} (probabilities sum to {probabilities.Sum():0.000000})");
}

// 4. A batch: every consecutive row of 10 logits at once, in place.
float[] batch = DigitHead.Examples.SelectMany(e => DigitHead.Logits(e.Features)).ToArray();
DigitHead.SoftmaxRows(batch, batch);
Console.WriteLine($"  batch of {batch.Length / 10} rows via SoftmaxRows, in place: row sums = {string.Join(", ", batch.Chunk(10).Select(r => r.Sum().ToString("0.000000")))}");

static string Format(float[] values) => "[" + string.Join(", ", values.Select(v => v.ToString("G8"))) + "]";

/// <summary>The tutorial's three-class examples.</summary>
[Softmax(3)]
internal static partial class Tutorial
{
}

/// <summary>A fixed linear layer over 4x4 "pixel" features, followed by a generated softmax over the 10 digits.</summary>
[Softmax(10)]
internal static partial class DigitHead
{
    private const int Features = 16;

    /// <summary>Row-major 10 x 16 weights: +0.4 where the digit's template has ink, -0.4 where it has none.</summary>
    private static readonly float[] Weights = Templates().SelectMany(t => t.Select(p => (p * 0.8f) - 0.4f)).ToArray();

    public static readonly (string Name, float[] Features)[] Examples =
    {
        ("zero", Template(0)),
        ("one", Template(1)),
        ("seven", Template(7)),
        ("noisy 3", Template(3).Select((p, i) => i == 3 ? 1 - p : p).ToArray()),
    };

    public static float[] Logits(float[] features)
    {
        var logits = new float[10];
        for (int digit = 0; digit < 10; digit++)
        {
            float z = 0;
            for (int f = 0; f < Features; f++)
            {
                z += Weights[(digit * Features) + f] * ((2 * features[f]) - 1); // pixels as -1 / +1
            }

            logits[digit] = z;
        }

        return logits;
    }

    private static float[] Template(int digit) => Templates()[digit];

    private static float[][] Templates()
    {
        string[] pictures =
        {
            "XXXXX..XX..XXXXX", "..X...X...X...X.", "XXX...X.X..XXXXX", "XXX..XX...XXXXX.", "X.X.XXXX..X...X.",
            "XXXXX...XXX.XXX.", "X...XXX.X.X.XXX.", "XXXX..X..X...X..", "XXX.X.X.XXX.XXX.", "XXXXX..XXXXX..X.",
        };
        return pictures.Select(p => p.Select(c => c == 'X' ? 1f : 0f).ToArray()).ToArray();
    }
}
