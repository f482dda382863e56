using System;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>
/// The loop kernels scale (pass 3) with stores from the first element where the output is aligned to the vector, the
/// first and last vectors stored around them: every placement of the output within a 64-byte line, in place too, and an
/// output not aligned to its element, must give the bits of an output in a fresh array.
/// </summary>
public class OutputAlignmentTests
{
    public static TheoryData<int, bool, string> Cases(Lanes lanes)
    {
        var data = new TheoryData<int, bool, string>();
        foreach (Kernel kernel in KernelTable.All.Where(k => k.Length >= 33 && k.Length <= 4096))
        {
            foreach (string path in KernelTable.Paths(kernel, lanes))
            {
                data.Add(kernel.Length, kernel.Accurate, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), Lanes.Single)]
    public void Float_output_placement_does_not_change_the_result(int length, bool accurate, string path)
    {
        Kernel kernel = KernelTable.Get(length, accurate, path);
        float[] input = Inputs.ToSingle(Inputs.Create("normal30", length, single: true, seed: length));
        CheckPlacements(input, kernel.SingleRow, kernel.SingleInPlace, $"float N={length} {path}");
    }

    [Theory]
    [MemberData(nameof(Cases), Lanes.Double)]
    public void Double_output_placement_does_not_change_the_result(int length, bool accurate, string path)
    {
        Kernel kernel = KernelTable.Get(length, accurate, path);
        double[] input = Inputs.Create("normal30", length, single: false, seed: length);
        CheckPlacements(input, kernel.DoubleRow, kernel.DoubleInPlace, $"double N={length} {path}");
    }

    /// <summary>The output at every element offset within 64 bytes, in place there too, and 3 bytes off its element.</summary>
    private static void CheckPlacements<T>(T[] input, Kernel.Rows<T> row, Kernel.InPlace<T> inPlace, string context)
        where T : unmanaged, IEquatable<T>
    {
        int length = input.Length, size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var expected = new T[length];
        row(input, expected);
        for (int offset = 0; offset < 64 / size; offset++)
        {
            var buffer = new T[length + (128 / size)];
            row(input, buffer.AsSpan(offset, length));
            AssertIdentical<T>(expected, buffer.AsSpan(offset, length), $"{context}: output at element offset {offset}");

            input.CopyTo(buffer.AsSpan(offset, length));
            inPlace(buffer.AsSpan(offset, length));
            AssertIdentical<T>(expected, buffer.AsSpan(offset, length), $"{context}: in place at element offset {offset}");
        }

        var bytes = new byte[(length * size) + 64];
        Span<T> unaligned = MemoryMarshal.Cast<byte, T>(bytes.AsSpan(3, length * size));
        row(input, unaligned);
        AssertIdentical<T>(expected, unaligned, $"{context}: output not aligned to {size} bytes");
    }

    public static TheoryData<string, int> PassCases()
    {
        var data = new TheoryData<string, int>();
        foreach (string function in new[] { "Softmax(temperature)", "LogSoftmax", "CrossEntropy(label, gradient)", "CrossEntropy(targets, gradient)", "Backward" })
        {
            data.Add(function, 4096);
        }

        foreach (int length in new[] { 16, 100, 1000, 4099 })
        {
            data.Add("run-time Softmax", length);
            data.Add("run-time Accurate", length);
            data.Add("run-time LogSoftmax", length);
            data.Add("run-time CrossEntropy(label, gradient)", length);
        }

        return data;
    }

    /// <summary>The element-wise output passes of the layer functions and the run-time kernels store the same way.</summary>
    [Theory]
    [MemberData(nameof(PassCases))]
    public void Layer_and_run_time_outputs_do_not_depend_on_their_placement(string function, int length)
    {
        float[] x = Inputs.ToSingle(Inputs.Create("normal30", length, single: true, seed: length + 1));
        float[] t = Inputs.ToSingle(Inputs.Create("uniform10", length, single: true, seed: length + 2)).Select(Math.Abs).ToArray();
        float total = t.Sum();
        t = t.Select(v => v / total).ToArray();
        int label = length / 3;
        SpanAction call = function switch
        {
            "Softmax(temperature)" => o => L4096.Softmax(x, o, 0.7f),
            "LogSoftmax" => o => L4096.LogSoftmax(x, o),
            "CrossEntropy(label, gradient)" => o => L4096.SoftmaxCrossEntropy(x, label, o),
            "CrossEntropy(targets, gradient)" => o => L4096.SoftmaxCrossEntropy(x, t, o),
            "Backward" => o => L4096.SoftmaxBackward(t, x, o),
            "run-time Softmax" => o => KRuntime.Softmax(x, o),
            "run-time Accurate" => o => KRuntime.Accurate(x, o),
            "run-time LogSoftmax" => o => KRuntimeLayer.LogSoftmax(x, o),
            "run-time CrossEntropy(label, gradient)" => o => KRuntimeLayer.SoftmaxCrossEntropy(x, label, o),
            _ => throw new ArgumentOutOfRangeException(nameof(function)),
        };
        var expected = new float[length];
        call(expected);
        for (int offset = 0; offset < 16; offset++)
        {
            var buffer = new float[length + 32];
            call(buffer.AsSpan(offset, length));
            AssertIdentical<float>(expected, buffer.AsSpan(offset, length), $"{function} N={length}: output at element offset {offset}");
        }
    }

    private delegate void SpanAction(Span<float> output);

    private static void AssertIdentical<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string context)
        where T : unmanaged, IEquatable<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            // Bit patterns: a NaN equals itself here, and -0 differs from +0.
            if (!MemoryMarshal.AsBytes(expected.Slice(i, 1)).SequenceEqual(MemoryMarshal.AsBytes(actual.Slice(i, 1))))
            {
                throw new XunitException($"{context}: element {i} is {actual[i]}, expected {expected[i]} bit for bit");
            }
        }
    }
}
