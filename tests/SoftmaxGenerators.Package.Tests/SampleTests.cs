using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace SoftmaxGenerators.Package.Tests;

/// <summary>The repository's samples, copied out and built against the packed package as a user would.</summary>
[Collection(PackageCollection.Name)]
public class SampleTests(PackageFixture package)
{
    [Fact]
    public void Digits_builds_warning_free_and_prints_the_tutorial_and_the_naive_versus_stable_result()
    {
        string directory = package.CopySample("Digits");
        Dotnet.Run(directory, "build", "-c", "Release").AssertSuccess();
        string output = Dotnet.Run(directory, "run", "-c", "Release", "--no-build").AssertSuccess().Output;

        Assert.Contains("softmax([2, 3, 5]) = [0.042010065, 0.1141952, 0.84379476]", output);
        Assert.Contains("softmax([100, 99, 0]) = [0.7310586, 0.26894143,", output);
        Assert.Contains("naive  = [0, NaN, NaN]", output);
        Assert.Contains("stable = [0, 0, 1]", output);
        Assert.Matches(@"seven +-> predicted 7 ", output);
        Assert.Contains("row sums = 1.000000, 1.000000, 1.000000, 1.000000", output);
    }

    [Fact]
    public void Training_loss_falls_and_the_generated_loss_stays_finite_where_the_naive_one_turns_NaN()
    {
        string directory = package.CopySample("Training");
        Dotnet.Run(directory, "build", "-c", "Release").AssertSuccess();
        string output = Dotnet.Run(directory, "run", "-c", "Release", "--no-build").AssertSuccess().Output;

        // Training: the mean loss falls every epoch, to under half of the first epoch's, and the classifier learns.
        MatchCollection epochs = Regex.Matches(output, @"^  epoch (\d+)  loss ([0-9.]+)  train ([0-9.]+)%  test ([0-9.]+)%\r?$", RegexOptions.Multiline);
        Assert.Equal(8, epochs.Count);
        double[] losses = epochs.Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToArray();
        for (int i = 1; i < losses.Length; i++)
        {
            Assert.True(losses[i] < losses[i - 1], $"epoch {i + 1}: loss {losses[i]} does not fall below {losses[i - 1]}\n{output}");
        }

        Assert.True(losses[^1] < losses[0] / 2, output);
        Match final = Regex.Match(output, @"Final accuracy: train ([0-9.]+)%, test ([0-9.]+)%");
        Assert.True(final.Success, output);
        Assert.True(double.Parse(final.Groups[2].Value, CultureInfo.InvariantCulture) >= 90, output);

        // Too large a step: the naive loss is NaN or infinite, the generated one finite, in every epoch.
        MatchCollection rows = Regex.Matches(output, @"^ +(\d) +loss (\S+) +test +([0-9.]+)% +loss (\S+) +test +([0-9.]+)%\r?$", RegexOptions.Multiline);
        Assert.Equal(4, rows.Count);
        foreach (Match row in rows)
        {
            Assert.Contains(row.Groups[2].Value, new[] { "NaN", "Infinity", "-Infinity" });
            Assert.True(double.TryParse(row.Groups[4].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double loss) && double.IsFinite(loss), output);
        }

        Assert.Contains("weights NaN: True", output);
        Assert.Matches(@"generated: all \d+ losses finite; weights NaN: False", output);
    }

    [Fact]
    public void LegacyMath_warns_and_after_dotnet_format_builds_clean_with_finite_outputs()
    {
        string directory = package.CopySample("LegacyMath");
        string before = Dotnet.Run(directory, "build", "-c", "Release").AssertSuccess().Output;
        foreach (string id in new[] { "SMX0001", "SMX0002", "SMX0003", "SMX0004" })
        {
            Assert.Contains("warning " + id, before);
        }

        string naive = Dotnet.Run(directory, "run", "-c", "Release", "--no-build").AssertSuccess().Output;
        Assert.Contains("all finite: False", naive);

        // The README's command, run on the copy.
        Dotnet.Run(directory, "format", "analyzers", ".", "--diagnostics", "SMX0001", "SMX0002", "SMX0003", "SMX0004").AssertSuccess();

        // -warnaserror: not a single warning of any kind is left, from our rules or from the compiler.
        string after = Dotnet.Run(directory, "build", "-c", "Release", "--no-incremental", "-warnaserror").AssertSuccess().Output;
        Assert.DoesNotContain("SMX000", after);
        string output = Dotnet.Run(directory, "run", "-c", "Release", "--no-build").AssertSuccess().Output;
        Assert.Contains("all finite: True", output);
        Assert.DoesNotMatch(new Regex(@"\bNaN\b|Infinity"), output);
        Assert.Contains("0.00667641, 0.00245611, 3.03109E-07, 0.990867", output); // softmax([800, 799, 790, 805])
        Assert.Contains("LogMath.LogSumExp(double[])            805.009", output);
        Assert.Contains("Losses.CrossEntropy                    5.00917", output);

        // Every file with a naive formula was rewritten; the program itself was not touched.
        Assert.Contains("max", File.ReadAllText(Path.Combine(directory, "Activations.cs")));
        Assert.Contains("using System.Linq;", File.ReadAllText(Path.Combine(directory, "Losses.cs")));
        Assert.DoesNotContain("TensorPrimitives.SoftMax(", File.ReadAllText(Path.Combine(directory, "Tensors.cs")));
    }

    [Fact]
    public void LegacyMath_upgrade_fix_moves_the_constant_length_head_to_a_generated_kernel()
    {
        string directory = package.CopySample("LegacyMath", "LegacyMathUpgrade");
        Dotnet.Run(directory, "build", "-c", "Release").AssertSuccess();

        // SMX0005 is a suggestion: dotnet format applies it when asked for info severity.
        Dotnet.Run(directory, "format", "analyzers", ".", "--diagnostics", "SMX0005", "--severity", "info").AssertSuccess();
        string classifier = File.ReadAllText(Path.Combine(directory, "DigitClassifier.cs"));
        Assert.Contains("[Softmax(10)]", classifier);
        Assert.Contains("public static partial class DigitClassifier", classifier);
        Assert.Contains("using SoftmaxGenerators;", classifier);
        Assert.Contains("        Softmax(logits, probabilities);", classifier);
        Assert.DoesNotContain("TensorPrimitives.SoftMax(", classifier);

        Dotnet.Run(directory, "format", "analyzers", ".", "--diagnostics", "SMX0001", "SMX0002", "SMX0003", "SMX0004").AssertSuccess();
        string build = Dotnet.Run(directory, "build", "-c", "Release", "--no-incremental", "-warnaserror").AssertSuccess().Output;
        Assert.DoesNotContain("SMX", build);
        string output = Dotnet.Run(directory, "run", "-c", "Release", "--no-build").AssertSuccess().Output;
        Assert.Contains("all finite: True", output);
        Assert.Matches(@"DigitClassifier\.Predict +0, 0, 0, 0, 1, 0, 3\.775\d*E-11, 0, 1\.425\d*E-21, 0", output);
    }
}
