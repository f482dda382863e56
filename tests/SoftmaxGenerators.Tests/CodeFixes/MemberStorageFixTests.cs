using System.Threading;
using System.Threading.Tasks;
using SoftmaxGenerators.Tests.Analyzers;
using Xunit;
using Softmax = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.NaiveSoftmaxAnalyzer, SoftmaxGenerators.CodeFixes.NaiveSoftmaxCodeFixProvider>;

namespace SoftmaxGenerators.Tests.CodeFixes;

/// <summary>Exponentials stored in a member of each element of a collection (foreach loops), summed, then divided.</summary>
public class MemberStorageFixTests
{
    private const string Action = "public class A { public double Score; public float Weight; }\n";

    private static Task Verify(string members, string fixedMembers)
    {
        var test = new Softmax.Test { TestCode = Sources.Class(Action + members), FixedCode = Sources.Class(Action + fixedMembers) };
        test.TestState.Sources.Add(("Unity.cs", Sources.UnityStubs));
        test.FixedState.Sources.Add(("Unity.cs", Sources.UnityStubs));
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Member_of_each_element_is_shifted() => Verify(
        """
            static A Pick(List<A> actions, double t, double r)
            {
                double total = 0;
                foreach (var action in actions)
                {
                    action.Score = {|SMX0001:Math.Exp(action.Score / t)|};
                    total += action.Score;
                }

                double running = 0;
                foreach (var action in actions)
                {
                    running += action.Score / total;
                    if (r <= running)
                        return action;
                }

                return null;
            }
        """,
        """
            static A Pick(List<A> actions, double t, double r)
            {
                double total = 0;
                double max = double.NegativeInfinity;
                foreach (var action in actions)
                {
                    max = Math.Max(max, action.Score / t);
                }

                foreach (var action in actions)
                {
                    action.Score = Math.Exp(action.Score / t - max);
                    total += action.Score;
                }

                double running = 0;
                foreach (var action in actions)
                {
                    running += action.Score / total;
                    if (r <= running)
                        return action;
                }

                return null;
            }
        """);

    [Theory]
    // SenteAI: Max(Exp(s / T) - 1, 0) is not a multiple of Exp(s / T), so no shift keeps the ratios.
    [InlineData("static A Pick(List<A> actions, float t, float r) { float total = 0f; foreach (var action in actions) { action.Weight = UnityEngine.Mathf.Max({|SMX0001:UnityEngine.Mathf.Exp(action.Weight / t)|} - 1, 0f); total += action.Weight; } float running = 0f; foreach (var action in actions) { running += action.Weight / total; if (r <= running) return action; } return null; }")]
    // The unnormalized member is read (printed): the shift would change what is printed.
    [InlineData("static void Pick(List<A> actions, double t) { double total = 0; foreach (var action in actions) { action.Score = {|SMX0001:Math.Exp(action.Score / t)|}; total += action.Score; } foreach (var action in actions) Console.WriteLine(action.Score + \" \" + action.Score / total); }")]
    // The divided members belong to another collection.
    [InlineData("static double Pick(List<A> actions, List<A> others, double t) { double total = 0; foreach (var action in actions) { action.Score = {|SMX0001:Math.Exp(action.Score / t)|}; total += action.Score; } double p = 0; foreach (var other in others) p += other.Score / total; return p; }")]
    // The collection is replaced between the loops.
    [InlineData("static double Pick(List<A> actions, double t) { double total = 0; foreach (var action in actions) { action.Score = {|SMX0001:Math.Exp(action.Score / t)|}; total += action.Score; } actions = new List<A>(); double p = 0; foreach (var action in actions) p += action.Score / total; return p; }")]
    // A lazy sequence may create new elements on each enumeration: the stores of the first loop would be lost.
    [InlineData("static double Pick(IEnumerable<A> actions, double t) { double total = 0; foreach (var action in actions) { action.Score = {|SMX0001:Math.Exp(action.Score / t)|}; total += action.Score; } double p = 0; foreach (var action in actions) p += action.Score / total; return p; }")]
    // The exponent reads another member: the stored member is still divided through another collection, or printed.
    [InlineData("static double Pick(List<A> actions, List<A> others, double t) { double total = 0; foreach (var action in actions) { action.Weight = (float){|SMX0001:Math.Exp(action.Score / t)|}; total += action.Weight; } double p = 0; foreach (var o in others) p += o.Weight / total; return p; }")]
    [InlineData("static double Pick(List<A> actions, double t) { double total = 0; foreach (var action in actions) { action.Score = {|SMX0001:Math.Exp(action.Weight / t)|}; total += action.Score; } double p = 0; foreach (var o in actions) { p += o.Score / total; Console.WriteLine(o.Score); } return p; }")]
    // A setter with a body may not store what it is given.
    [InlineData("public class B { private double _s; public double Score { get => _s; set => _s = Math.Min(value, 10); } } static double Pick(List<B> actions, double t) { double total = 0; foreach (var action in actions) { action.Score = {|SMX0001:Math.Exp(action.Score / t)|}; total += action.Score; } double p = 0; foreach (var action in actions) p += action.Score / total; return p; }")]
    public Task Not_fixed_when_the_shift_could_change_the_meaning(string members) => Verify(members, members);

    [Fact]
    public Task Member_computed_from_another_member_is_shifted() => Verify(
        """
            static double[] P(A[] actions, double t)
            {
                double total = 0;
                foreach (var a in actions)
                {
                    a.Score = {|SMX0001:Math.Exp(a.Weight / t)|};
                    total += a.Score;
                }

                var p = new double[actions.Length];
                int i = 0;
                foreach (var a in actions)
                    p[i++] = a.Score / total;
                return p;
            }
        """,
        """
            static double[] P(A[] actions, double t)
            {
                double total = 0;
                double max = double.NegativeInfinity;
                foreach (var a in actions)
                {
                    max = Math.Max(max, a.Weight / t);
                }

                foreach (var a in actions)
                {
                    a.Score = Math.Exp(a.Weight / t - max);
                    total += a.Score;
                }

                var p = new double[actions.Length];
                int i = 0;
                foreach (var a in actions)
                    p[i++] = a.Score / total;
                return p;
            }
        """);

    [Fact]
    public Task Boltzmann_mean_is_shifted() => Verify(
        """
            public class E { private double _fitness; public E(double f) => _fitness = f; public double Fitness() => _fitness; }
            static List<double> Slices(List<E> pop, double temperature)
            {
                double total = 0;
                foreach (E entity in pop)
                {
                    total += {|SMX0001:Math.Pow(Math.E, entity.Fitness() / temperature)|};
                    if (double.IsInfinity(total))
                    {
                        throw new OverflowException();
                    }
                }

                double mean = total / pop.Count;
                var slices = new List<double>();
                foreach (E entity in pop)
                {
                    double expected = Math.Pow(Math.E, entity.Fitness() / temperature) / mean;
                    slices.Add(expected);
                }

                return slices;
            }
        """,
        """
            public class E { private double _fitness; public E(double f) => _fitness = f; public double Fitness() => _fitness; }
            static List<double> Slices(List<E> pop, double temperature)
            {
                double total = 0;
                double max = double.NegativeInfinity;
                foreach (E entity in pop)
                {
                    max = Math.Max(max, entity.Fitness() / temperature);
                }

                foreach (E entity in pop)
                {
                    total += Math.Pow(Math.E, entity.Fitness() / temperature - max);
                    if (double.IsInfinity(total))
                    {
                        throw new OverflowException();
                    }
                }

                double mean = total / pop.Count;
                var slices = new List<double>();
                foreach (E entity in pop)
                {
                    double expected = Math.Pow(Math.E, entity.Fitness() / temperature - max) / mean;
                    slices.Add(expected);
                }

                return slices;
            }
        """);

    [Theory]
    // GenFx: the fitness getter throws (and may count calls): the maximum pass may not call it again.
    [InlineData("public class E { private double _fitness; public double GetFitnessValue(int type) { if (type < 0) throw new ArgumentException(); return _fitness; } } static List<double> Slices(List<E> pop, double temperature) { double total = 0; foreach (E entity in pop) { total += {|SMX0001:Math.Pow(Math.E, entity.GetFitnessValue(0) / temperature)|}; } double mean = total / pop.Count; var slices = new List<double>(); foreach (E entity in pop) slices.Add(Math.Pow(Math.E, entity.GetFitnessValue(0) / temperature) / mean); return slices; }")]
    // The mean is also returned: it would come back scaled by exp(-max).
    [InlineData("public class E { public double Fitness; } static double Slices(List<E> pop, List<double> slices, double temperature) { double total = 0; foreach (E entity in pop) { total += {|SMX0001:Math.Exp(entity.Fitness / temperature)|}; } double mean = total / pop.Count; foreach (E entity in pop) slices.Add(Math.Exp(entity.Fitness / temperature) / mean); return mean; }")]
    public Task Boltzmann_mean_not_fixed_when_the_shift_could_change_the_meaning(string members) => Verify(members, members);

    [Fact]
    public Task Lambda_that_computes_the_exponent_from_the_stored_member_is_not_fixed()
    {
        // GNet: the input of each neuron is computed in the lambda from OutVal of other neurons, the very member the
        // exponentials are stored in. Splitting the lambda (inputs, then maximum, then exponentials) could change the
        // values it reads when a neuron feeds one of the same list, so no fix is offered.
        const string members = """
            public class S { public double Weight; public N InNeuron; }
            public class N { public double Bias, InVal, OutVal; public List<S> InSynapses = new(); }
            static void Forward(List<N> neurons)
            {
                double eSum = 0.0;
                neurons.ForEach(n =>
                {
                    n.InVal = n.Bias + n.InSynapses.Sum(s => s.Weight * s.InNeuron.OutVal);
                    n.OutVal = {|SMX0001:Math.Exp(n.InVal)|};
                    eSum += n.OutVal;
                });
                neurons.ForEach(n => n.OutVal /= eSum);
            }
        """;
        return Verify(members, members);
    }
}
