using System;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

// Every class exposes its shape as the static properties ElementType, RowLength and Rows, read by ShapeColumn.

namespace SoftmaxGenerators.Benchmarks;

/// <summary>One row of float: generated kernel vs TensorPrimitives.SoftMax vs two scalar loops.</summary>
[GenericTypeArguments(typeof(N10))]
[GenericTypeArguments(typeof(N16))]
[GenericTypeArguments(typeof(N64))]
[GenericTypeArguments(typeof(N256))]
[GenericTypeArguments(typeof(N1024))]
[GenericTypeArguments(typeof(N4096))]
[GenericTypeArguments(typeof(N65536))]
public class SingleRow<TShape>
    where TShape : struct, IShape
{
    private readonly float[] _input = Inputs.Single(TShape.Length);
    private readonly float[] _output = new float[TShape.Length];

    public static string ElementType => "float";

    public static int RowLength => TShape.Length;

    public static int Rows => 1;

    [Benchmark(Baseline = true)]
    public void TensorPrimitives() => System.Numerics.Tensors.TensorPrimitives.SoftMax(_input, _output);

    [Benchmark]
    public void Generated() => TShape.Softmax(_input, _output);

    [Benchmark]
    public void NaiveScalar() => ScalarSoftmax.Naive(_input, _output);

    [Benchmark]
    public void StableScalar() => ScalarSoftmax.Stable(_input, _output);
}

/// <summary>One row of double: generated kernel vs TensorPrimitives.SoftMax vs two scalar loops.</summary>
[GenericTypeArguments(typeof(N10))]
[GenericTypeArguments(typeof(N16))]
[GenericTypeArguments(typeof(N64))]
[GenericTypeArguments(typeof(N256))]
[GenericTypeArguments(typeof(N1024))]
[GenericTypeArguments(typeof(N4096))]
[GenericTypeArguments(typeof(N65536))]
public class DoubleRow<TShape>
    where TShape : struct, IShape
{
    private readonly double[] _input = Inputs.Double(TShape.Length);
    private readonly double[] _output = new double[TShape.Length];

    public static string ElementType => "double";

    public static int RowLength => TShape.Length;

    public static int Rows => 1;

    [Benchmark(Baseline = true)]
    public void TensorPrimitives() => System.Numerics.Tensors.TensorPrimitives.SoftMax<double>(_input, _output);

    [Benchmark]
    public void Generated() => TShape.Softmax(_input, _output);

    [Benchmark]
    public void NaiveScalar() => ScalarSoftmax.Naive(_input, _output);

    [Benchmark]
    public void StableScalar() => ScalarSoftmax.Stable(_input, _output);
}

/// <summary>A batch of float rows: generated <c>SoftmaxRows</c> vs TensorPrimitives.SoftMax row by row.</summary>
[GenericTypeArguments(typeof(N10))]
[GenericTypeArguments(typeof(N1000))]
public class SingleRows<TShape>
    where TShape : struct, IShape
{
    private readonly float[] _input = Inputs.Single(TShape.Length * TShape.BatchRows);
    private readonly float[] _output = new float[TShape.Length * TShape.BatchRows];

    public static string ElementType => "float";

    public static int RowLength => TShape.Length;

    public static int Rows => TShape.BatchRows;

    [Benchmark(Baseline = true)]
    public void TensorPrimitives()
    {
        ReadOnlySpan<float> input = _input;
        Span<float> output = _output;
        for (int offset = 0; offset < input.Length; offset += TShape.Length)
        {
            System.Numerics.Tensors.TensorPrimitives.SoftMax(input.Slice(offset, TShape.Length), output.Slice(offset, TShape.Length));
        }
    }

    [Benchmark]
    public void Generated() => TShape.SoftmaxRows(_input, _output);
}

/// <summary>A batch of double rows: generated <c>SoftmaxRows</c> vs TensorPrimitives.SoftMax row by row.</summary>
[GenericTypeArguments(typeof(N10))]
[GenericTypeArguments(typeof(N1000))]
public class DoubleRows<TShape>
    where TShape : struct, IShape
{
    private readonly double[] _input = Inputs.Double(TShape.Length * TShape.BatchRows);
    private readonly double[] _output = new double[TShape.Length * TShape.BatchRows];

    public static string ElementType => "double";

    public static int RowLength => TShape.Length;

    public static int Rows => TShape.BatchRows;

    [Benchmark(Baseline = true)]
    public void TensorPrimitives()
    {
        ReadOnlySpan<double> input = _input;
        Span<double> output = _output;
        for (int offset = 0; offset < input.Length; offset += TShape.Length)
        {
            System.Numerics.Tensors.TensorPrimitives.SoftMax(input.Slice(offset, TShape.Length), output.Slice(offset, TShape.Length));
        }
    }

    [Benchmark]
    public void Generated() => TShape.SoftmaxRows(_input, _output);
}
