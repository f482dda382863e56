using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LegacyMath;

// Logits of the size a trained model produces. Every line below is NaN or infinite until the naive formulas are
// fixed: run `dotnet format analyzers samples/LegacyMath --diagnostics SMX0001 SMX0002 SMX0003 SMX0004`.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
double[] logits = { 800, 799, 790, 805 };
float[] scores = { 20, 300, 5000 };
var results = new List<(string Name, double[] Values)>
{
    ("Activations.Softmax(double[])", Activations.Softmax(logits)),
    ("Activations.SoftmaxInPlace(float[])", InPlace(scores)),
    ("Activations.Softmax(span)", Spans(scores)),
    ("Activations.Softmax<T>(T[])", Activations.Softmax<double>(logits)),
    ("Activations.SoftmaxLinq", Activations.SoftmaxLinq(logits)),
    ("Activations.SoftmaxWithTemperature", Activations.SoftmaxWithTemperature(logits, 0.5)),
    ("Tensors.Softmax (TensorPrimitives)", Widen(Tensors.Softmax(scores))),
    ("DigitClassifier.Predict", Widen(DigitClassifier.Predict(new float[] { 9, -4, 7, 12 }))),
    ("LogMath.LogSumExp(double[])", new[] { LogMath.LogSumExp(logits) }),
    ("LogMath.LogSumExp(float[])", new double[] { LogMath.LogSumExp(scores) }),
    ("LogMath.Softplus(1000)", new[] { LogMath.Softplus(1000) }),
    ("Losses.CrossEntropy", new[] { Losses.CrossEntropy(logits, 0) }),
    ("Losses.MeanNegativeLogLikelihood", new[] { Losses.MeanNegativeLogLikelihood(new[] { logits, new double[] { -900, -905, -899 } }, new[] { 3, 2 }) }),
};

foreach ((string name, double[] values) in results)
{
    Console.WriteLine($"{name,-38} {string.Join(", ", values.Select(v => v.ToString("G6")))}");
}

bool finite = results.All(r => r.Values.All(double.IsFinite));
Console.WriteLine($"all finite: {finite}");

static double[] InPlace(float[] values)
{
    float[] copy = (float[])values.Clone();
    Activations.SoftmaxInPlace(copy);
    return Widen(copy);
}

static double[] Spans(float[] values)
{
    var destination = new float[values.Length];
    Activations.Softmax(values, destination);
    return Widen(destination);
}

static double[] Widen(float[] values) => Array.ConvertAll(values, v => (double)v);
