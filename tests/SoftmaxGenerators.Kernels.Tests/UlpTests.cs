using System;
using System.Linq;
using SoftmaxGenerators.Accuracy;
using Xunit;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// Error bounds in ULP of the output type against exact references (float: double arithmetic with exact x - max;
/// double: 128-bit fixed-point exponentials). The accurate kernels stay within 4 ULP; the fast ones within 8 (measured
/// maxima are in docs/accuracy.md).
/// </summary>
public class UlpTests
{
    public static TheoryData<int, bool, string, string> Cases(Lanes lanes)
    {
        var data = new TheoryData<int, bool, string, string>();
        foreach (Kernel kernel in KernelTable.All.Where(k => k.Length >= 2 && k.Length <= 4096))
        {
            foreach (string path in KernelTable.Paths(kernel, lanes))
            {
                foreach (string distribution in new[] { "uniform10", "normal30", "uniform1e4", "aroundFloatShiftLimit" })
                {
                    data.Add(kernel.Length, kernel.Accurate, distribution, path);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), Lanes.Single)]
    public void Float_error_is_bounded_in_ulp(int length, bool accurate, string distribution, string path)
    {
        Kernel kernel = KernelTable.Get(length, accurate, path);
        double worst = 0;
        for (int trial = 0; trial < Math.Max(1, 2000 / length); trial++)
        {
            float[] input = Inputs.ToSingle(Inputs.Create(distribution, length, single: true, seed: trial));
            double[] expected = ExactReference.Single(input);
            var output = new float[length];
            kernel.SingleRow(input, output);
            for (int i = 0; i < length; i++)
            {
                if (expected[i] >= 1.1754943508222875E-38)
                {
                    float rounded = (float)expected[i];
                    worst = Math.Max(worst, Math.Abs(output[i] - expected[i]) / (MathF.BitIncrement(rounded) - rounded));
                }
            }
        }

        AssertBound(worst, accurate ? 4 : 8, $"float N={length} {distribution} {path}");
    }

    [Theory]
    [MemberData(nameof(Cases), Lanes.Double)]
    public void Double_error_is_bounded_in_ulp(int length, bool accurate, string distribution, string path)
    {
        Kernel kernel = KernelTable.Get(length, accurate, path);
        double worst = 0;
        for (int trial = 0; trial < Math.Max(1, 400 / length); trial++)
        {
            double[] input = Inputs.Create(distribution, length, single: false, seed: trial);
            (double Hi, double Lo)[] expected = ExactReference.Double(input);
            var output = new double[length];
            kernel.DoubleRow(input, output);
            for (int i = 0; i < length; i++)
            {
                if (expected[i].Hi >= 2.2250738585072014E-308)
                {
                    double ulp = Math.BitIncrement(expected[i].Hi) - expected[i].Hi;
                    worst = Math.Max(worst, Math.Abs((output[i] - expected[i].Hi) - expected[i].Lo) / ulp);
                }
            }
        }

        AssertBound(worst, accurate ? 4 : 8, $"double N={length} {distribution} {path}");
    }

    private static void AssertBound(double worst, double bound, string context)
    {
        if (!(worst <= bound))
        {
            throw new XunitException($"{context}: max error {worst:0.00} ULP, above {bound} ULP");
        }
    }
}
