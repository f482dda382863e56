using System;
using System.Globalization;
using System.Linq;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Console.WriteLine("SoftmaxGenerators training sample: a softmax classifier trained with the generated cross-entropy");
Console.WriteLine();

var random = new Random(2024);
SyntheticDigits train = SyntheticDigits.Generate(3000, random);
SyntheticDigits test = SyntheticDigits.Generate(1000, random);
Console.WriteLine($"Data: {train.Count} training and {test.Count} test images of noisy 8x8 seven-segment digits (seed 2024), e.g. 2, 5, 8:");
Console.Write(train.Draw(2, 5, 8));
Console.WriteLine();

// 1. Mini-batch gradient descent with Classifier.SoftmaxCrossEntropyRows (mean loss and its gradient in one call).
const int Epochs = 8;
const int BatchSize = 50;
const float LearningRate = 0.5f;
var model = new Classifier();
Console.WriteLine($"Training: {Epochs} epochs, batches of {BatchSize}, learning rate {LearningRate}, Classifier.SoftmaxCrossEntropyRows");
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    float loss = Epoch(epoch, model);
    Console.WriteLine($"  epoch {epoch}  loss {loss:0.0000}  train {Percent(model.Accuracy(train))}  test {Percent(model.Accuracy(test))}");
}

Console.WriteLine($"Final accuracy: train {Percent(model.Accuracy(train))}, test {Percent(model.Accuracy(test))}");
for (int n = 0; n < 3; n++)
{
    (int digit, float probability) = model.Predict(test.Image(n));
    Console.WriteLine($"  test image {n} (a {test.Labels[n]}): predicted {digit} with p = {probability:0.0000} (Classifier.Softmax)");
}

// 2. The same training with far too large a step: logits soon pass 88.7, where MathF.Exp(z) is infinity.
const float LargeRate = 50f;
var naive = new Classifier(naive: true);
var generated = new Classifier();
Console.WriteLine();
Console.WriteLine($"Too large a learning rate ({LargeRate}): the same model and batches, two ways to compute the loss");
Console.WriteLine("  epoch  naive: exp(z) / sum, -log p[label] in float   generated: SoftmaxCrossEntropyRows");
for (int epoch = 1; epoch <= 4; epoch++)
{
    float naiveLoss = Epoch(epoch, naive, LargeRate);
    float generatedLoss = Epoch(epoch, generated, LargeRate);
    Console.WriteLine($"  {epoch,5}  loss {naiveLoss,-9:0.####} test {Percent(naive.Accuracy(test)),6}                    loss {generatedLoss,-9:0.####} test {Percent(generated.Accuracy(test)),6}");
}

Console.WriteLine(naive.FirstNonFinite is (int step, float bad)
    ? $"  naive: the loss of step {step} (of {naive.Steps}) was {bad}; weights NaN: {naive.HasNaNWeights}"
    : "  naive: every loss finite");
Console.WriteLine(generated.FirstNonFinite is (int gStep, float gBad)
    ? $"  generated: the loss of step {gStep} was {gBad}"
    : $"  generated: all {generated.Steps} losses finite; weights NaN: {generated.HasNaNWeights}");

static string Percent(float fraction) => (100 * fraction).ToString("0.0") + "%";

// One epoch over the training set in a shuffled order that depends only on the epoch; returns the mean batch loss.
float Epoch(int epoch, Classifier classifier, float learningRate = LearningRate)
{
    int[] order = Enumerable.Range(0, train.Count).ToArray();
    new Random(epoch).Shuffle(order);
    var images = new float[BatchSize * SyntheticDigits.Pixels];
    var labels = new int[BatchSize];
    float total = 0;
    int batches = train.Count / BatchSize;
    for (int b = 0; b < batches; b++)
    {
        for (int i = 0; i < BatchSize; i++)
        {
            int n = order[(b * BatchSize) + i];
            train.Image(n).CopyTo(images.AsSpan(i * SyntheticDigits.Pixels));
            labels[i] = train.Labels[n];
        }

        total += classifier.Step(images, labels, learningRate);
    }

    return total / batches;
}
