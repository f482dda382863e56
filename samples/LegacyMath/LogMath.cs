using System;
using System.Linq;

namespace LegacyMath;

/// <summary>Log-sum-exp and friends, written straight from the definition.</summary>
public static class LogMath
{
    /// <summary>log(sum(exp(x))) with a loop.</summary>
    public static double LogSumExp(double[] values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += Math.Exp(v);
        }

        return Math.Log(sum);
    }

    /// <summary>log(sum(exp(x))) with LINQ.</summary>
    public static float LogSumExp(float[] values) => MathF.Log(values.Sum(MathF.Exp));

    /// <summary>Softplus, log(1 + exp(x)).</summary>
    public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
}
