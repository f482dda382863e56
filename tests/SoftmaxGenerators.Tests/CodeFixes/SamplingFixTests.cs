using System;
using System.Threading;
using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using SoftmaxGenerators.Tests.Analyzers;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;
using Softmax = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>
/// Roulette-wheel (Boltzmann) selection: the sum of exponentials scales a uniform draw and a second pass adds the same
/// exponentials until the running total passes it. The shift is exact when every value holding exponentials is only
/// compared with values scaled alike (HHG.UtilityAI's SoftmaxSelector).
/// </summary>
public class SamplingFixTests
{
    private const string Selector = """
            public static string Select(Dictionary<string, float> scoredTasks, float temperature)
            {
                float sum = 0f;
                string best = null;
                float bestScore = float.NegativeInfinity;
                foreach (var kv in scoredTasks)
                {
                    float expScore = {|SMX0001:UnityEngine.Mathf.Exp(kv.Value / temperature)|};
                    sum += expScore;
                    if (expScore > bestScore)
                    {
                        bestScore = expScore;
                        best = kv.Key;
                    }
                }

                float roll = UnityEngine.Random.Range(0f, sum);
                float cumulative = 0f;
                foreach (var kv in scoredTasks)
                {
                    float expScore = UnityEngine.Mathf.Exp(kv.Value / temperature);
                    cumulative += expScore;
                    if (roll <= cumulative) return kv.Key;
                }

                return best;
            }
        """;

    private static Task Verify(string members, string fixedMembers)
    {
        var test = new Softmax.Test { TestCode = Sources.Class(members), FixedCode = Sources.Class(fixedMembers) };
        test.TestState.Sources.Add(("Unity.cs", Sources.UnityStubs));
        test.FixedState.Sources.Add(("Unity.cs", Sources.UnityStubs));
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Boltzmann_selection_over_a_dictionary_is_shifted_in_both_passes() => Verify(
        Selector,
        """
            public static string Select(Dictionary<string, float> scoredTasks, float temperature)
            {
                float sum = 0f;
                string best = null;
                float bestScore = float.NegativeInfinity;
                float max = float.NegativeInfinity;
                foreach (var kv in scoredTasks)
                {
                    max = Math.Max(max, kv.Value / temperature);
                }

                foreach (var kv in scoredTasks)
                {
                    float expScore = UnityEngine.Mathf.Exp(kv.Value / temperature - max);
                    sum += expScore;
                    if (expScore > bestScore)
                    {
                        bestScore = expScore;
                        best = kv.Key;
                    }
                }

                float roll = UnityEngine.Random.Range(0f, sum);
                float cumulative = 0f;
                foreach (var kv in scoredTasks)
                {
                    float expScore = UnityEngine.Mathf.Exp(kv.Value / temperature - max);
                    cumulative += expScore;
                    if (roll <= cumulative) return kv.Key;
                }

                return best;
            }
        """);

    [Theory]
    // A threshold that is not scaled with the sum.
    [InlineData("float roll = UnityEngine.Random.Range(0f, sum);", "if (sum < 0.01f) return null; float roll = UnityEngine.Random.Range(0f, sum);")]
    // A scaled value leaves the method or meets an unscaled one.
    [InlineData("return best;", "Console.WriteLine(sum); return best;")]
    [InlineData("cumulative += expScore;", "cumulative += expScore + 1f;")]
    [InlineData("float roll = UnityEngine.Random.Range(0f, sum);", "float roll = UnityEngine.Random.Range(1f, sum);")]
    // A second pass with another exponent: it would not be shifted.
    [InlineData("float expScore = UnityEngine.Mathf.Exp(kv.Value / temperature);", "float expScore = UnityEngine.Mathf.Exp(kv.Value);")]
    public Task Values_whose_meaning_changes_with_the_scale_keep_the_fix_away(string from, string to)
    {
        int second = Selector.LastIndexOf(from, StringComparison.Ordinal);
        string members = Selector.Remove(second, from.Length).Insert(second, to);
        return Verify(members, members);
    }

    [Fact]
    public async Task Fixed_selection_picks_the_same_items_and_survives_large_scores()
    {
        string selector = """
                public static string Select(Dictionary<string, float> scoredTasks, float temperature, Random random)
                {
                    float sum = 0f;
                    foreach (var kv in scoredTasks)
                    {
                        float e = MathF.Exp(kv.Value / temperature);
                        sum += e;
                    }

                    float roll = (float)random.NextDouble() * sum;
                    float cumulative = 0f;
                    foreach (var kv in scoredTasks)
                    {
                        float e = MathF.Exp(kv.Value / temperature);
                        cumulative += e;
                        if (roll <= cumulative) return kv.Key;
                    }

                    return "none";
                }

                public static string Pick(float[] scores, int seed)
                {
                    var tasks = new Dictionary<string, float>();
                    for (int i = 0; i < scores.Length; i++) tasks["t" + i] = scores[i];
                    return Select(tasks, 0.5f, new Random(seed));
                }
            """;
        string original = Sources.Class(selector);
        string fixedSource = await FixRunner.ApplyAllAsync(original, new NaiveSoftmaxAnalyzer(), new NaiveSoftmaxCodeFixProvider());
        Assert.NotEqual(original, fixedSource);
        using CompiledCode before = CompiledCode.Compile(original);
        using CompiledCode after = CompiledCode.Compile(fixedSource);
        float[] ordinary = { 0.2f, 1.5f, -0.3f, 0.9f };
        for (int seed = 0; seed < 50; seed++)
        {
            Assert.Equal(before.Invoke("C", "Pick", ordinary, seed), after.Invoke("C", "Pick", ordinary, seed));
        }

        // Scores of 100 at temperature 0.5 overflow float: the original sum and running total are infinite, so the
        // first item always wins; after the fix the item with the highest score wins about 88% of the draws.
        float[] large = { 99f, 100f, 0f };
        int highest = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            Assert.Equal("t0", before.Invoke("C", "Pick", large, seed));
            highest += (string?)after.Invoke("C", "Pick", large, seed) == "t1" ? 1 : 0;
        }

        Assert.InRange(highest, 28, 40);
    }
}
