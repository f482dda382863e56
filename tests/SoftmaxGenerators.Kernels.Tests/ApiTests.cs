using System;
using System.Linq;
using Xunit;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>The tutorial's examples and the argument contract of the generated methods.</summary>
public class ApiTests
{
    [Fact]
    public void Tutorial_example_2_3_5()
    {
        var output = new float[3];
        K3.Softmax(new float[] { 2, 3, 5 }, output);
        Assert.Equal(0.04201007f, output[0], 1e-7f);
        Assert.Equal(0.1141952f, output[1], 1e-7f);
        Assert.Equal(0.84379473f, output[2], 1e-7f);
    }

    [Fact]
    public void Tutorial_example_20_300_5000_is_finite()
    {
        var output = new float[3];
        K3.Softmax(new float[] { 20, 300, 5000 }, output);
        Assert.Equal(new[] { 0f, 0f, 1f }, output);

        // The naive formula gives NaN here.
        float naive = MathF.Exp(5000) / (MathF.Exp(20) + MathF.Exp(300) + MathF.Exp(5000));
        Assert.True(float.IsNaN(naive));
    }

    [Fact]
    public void Tutorial_example_100_99_0()
    {
        var output = new float[3];
        K3.Softmax(new float[] { 100, 99, 0 }, output);
        Assert.Equal(0.7310586f, output[0], 1e-7f);
        Assert.Equal(0.26894143f, output[1], 1e-7f);
        Assert.InRange(output[2], 0f, 1e-40f);
    }

    [Fact]
    public void Double_tutorial_example()
    {
        var output = new double[3];
        K3.Softmax(new double[] { 700, 709, 710 }, output);
        Assert.Equal(Reference.Softmax(new double[] { 700, 709, 710 }), output, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void Wrong_input_length_throws_with_both_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => K10.Softmax(new float[7], new float[7]));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains("7", e.Message);
    }

    [Fact]
    public void Wrong_output_length_throws_with_both_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => K10.Softmax(new double[10], new double[9]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains("9", e.Message);
    }

    [Fact]
    public void Wrong_in_place_length_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => K10.Softmax(new float[11].AsSpan()));
        Assert.Equal("values", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains("11", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(21)]
    public void Rows_length_must_be_a_positive_multiple(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => K10.SoftmaxRows(new float[length], new float[length]));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains(length.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public void Rows_output_length_must_match()
    {
        var e = Assert.Throws<ArgumentException>(() => K10.SoftmaxRows(new double[20], new double[10]));
        Assert.Equal("output", e.ParamName);
    }

    [Fact]
    public void Partial_overlap_throws_and_full_overlap_is_in_place()
    {
        var buffer = new float[20];
        var e = Assert.Throws<ArgumentException>(() => K10.Softmax(buffer.AsSpan(0, 10), buffer.AsSpan(5, 10)));
        Assert.Contains("overlap", e.Message);
        Assert.Throws<ArgumentException>(() => K10.SoftmaxRows(buffer.AsSpan(0, 10), buffer.AsSpan(1, 10)));

        K10.Softmax(buffer.AsSpan(0, 10), buffer.AsSpan(0, 10));
        Assert.All(buffer[..10], v => Assert.Equal(0.1f, v, 1e-7f));

        // Adjacent, non-overlapping halves are fine.
        K10.Softmax(buffer.AsSpan(0, 10), buffer.AsSpan(10, 10));
    }

    [Fact]
    public void Several_attributes_and_custom_names_on_one_type()
    {
        var output = new float[4];
        MultiHead.Quad(new float[] { 0, 0, 0, 0 }, output);
        Assert.All(output, v => Assert.Equal(0.25f, v));

        var ten = new double[10];
        MultiHead.Softmax(new double[10], ten);
        Assert.All(ten, v => Assert.Equal(0.1, v, 1e-15));

        var rows = new float[8];
        MultiHead.QuadRows(new float[8], rows);
        Assert.All(rows, v => Assert.Equal(0.25f, v));

        var nested = new float[3];
        Outer.Nested.Probabilities(new float[] { 2, 3, 5 }, nested);
        Assert.Equal(0.84379473f, nested[2], 1e-7f);
    }

    [Fact]
    public void Arrays_convert_implicitly()
    {
        float[] logits = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
        float[] probabilities = new float[10];
        K10.Softmax(logits, probabilities);
        Assert.Equal(1f, probabilities.Sum(), 1e-6f);
    }
}
