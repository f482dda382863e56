using System;
using System.Numerics.Tensors;
using SoftmaxGenerators;

namespace SoftmaxGenerators.Accuracy;

[Softmax(10, Functions = SoftmaxFunctions.All)]
[Softmax(10, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate, Functions = SoftmaxFunctions.All)]
internal static partial class K10 { }

[Softmax(100, Functions = SoftmaxFunctions.All)]
[Softmax(100, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate, Functions = SoftmaxFunctions.All)]
internal static partial class K100 { }

[Softmax(1000, Functions = SoftmaxFunctions.All)]
[Softmax(1000, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate, Functions = SoftmaxFunctions.All)]
internal static partial class K1000 { }

[Softmax(10000, Functions = SoftmaxFunctions.All)]
[Softmax(10000, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate, Functions = SoftmaxFunctions.All)]
internal static partial class K10000 { }

[Softmax(100000, Functions = SoftmaxFunctions.All)]
[Softmax(100000, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate, Functions = SoftmaxFunctions.All)]
internal static partial class K100000 { }

[Softmax(1048576, Functions = SoftmaxFunctions.All)]
[Softmax(1048576, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate, Functions = SoftmaxFunctions.All)]
internal static partial class K1048576 { }

/// <summary>Method 0: generated fast, 1: generated accurate, 2: TensorPrimitives.SoftMax, 3: three-pass loop.</summary>
internal static class Kernels
{
    public static void Single(int n, int method, float[] x, float[] y)
    {
        switch (method)
        {
            case 2:
                TensorPrimitives.SoftMax<float>(x, y);
                return;
            case 3:
                ThreePass(x, y);
                return;
        }

        bool accurate = method == 1;
        switch (n)
        {
            case 10: if (accurate) { K10.Accurate(x, y); } else { K10.Softmax(x, y); } return;
            case 100: if (accurate) { K100.Accurate(x, y); } else { K100.Softmax(x, y); } return;
            case 1000: if (accurate) { K1000.Accurate(x, y); } else { K1000.Softmax(x, y); } return;
            case 10000: if (accurate) { K10000.Accurate(x, y); } else { K10000.Softmax(x, y); } return;
            case 100000: if (accurate) { K100000.Accurate(x, y); } else { K100000.Softmax(x, y); } return;
            case 1048576: if (accurate) { K1048576.Accurate(x, y); } else { K1048576.Softmax(x, y); } return;
            default: throw new ArgumentOutOfRangeException(nameof(n));
        }
    }

    /// <summary>The textbook stable loop: max, exp(x - max) summed in float, divide.</summary>
    private static void ThreePass(float[] x, float[] y)
    {
        float max = float.NegativeInfinity;
        foreach (float v in x)
        {
            max = Math.Max(max, v);
        }

        float sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Exp(x[i] - max);
            sum += y[i];
        }

        for (int i = 0; i < x.Length; i++)
        {
            y[i] /= sum;
        }
    }

    public static void Double(int n, int method, double[] x, double[] y)
    {
        switch (method)
        {
            case 2:
                TensorPrimitives.SoftMax<double>(x, y);
                return;
            case 3:
                ThreePass(x, y);
                return;
        }

        bool accurate = method == 1;
        switch (n)
        {
            case 10: if (accurate) { K10.Accurate(x, y); } else { K10.Softmax(x, y); } return;
            case 100: if (accurate) { K100.Accurate(x, y); } else { K100.Softmax(x, y); } return;
            case 1000: if (accurate) { K1000.Accurate(x, y); } else { K1000.Softmax(x, y); } return;
            case 10000: if (accurate) { K10000.Accurate(x, y); } else { K10000.Softmax(x, y); } return;
            case 100000: if (accurate) { K100000.Accurate(x, y); } else { K100000.Softmax(x, y); } return;
            case 1048576: if (accurate) { K1048576.Accurate(x, y); } else { K1048576.Softmax(x, y); } return;
            default: throw new ArgumentOutOfRangeException(nameof(n));
        }
    }

    /// <summary>The textbook stable loop: max, exp(x - max) summed in double, divide.</summary>
    private static void ThreePass(double[] x, double[] y)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Math.Exp(x[i] - max);
            sum += y[i];
        }

        for (int i = 0; i < x.Length; i++)
        {
            y[i] /= sum;
        }
    }

}
