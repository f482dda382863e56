using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>
/// The two-pass prototype (<see cref="TwoPass"/>) against the generated three-pass kernels and TensorPrimitives on long
/// float rows, for the interleaved timer: <c>--interleaved --only twopass</c>. Every buffer is 32-byte aligned native
/// memory (non-temporal stores need it). From 1M elements on, each call takes the next of several input/output sets
/// (together at least 128 MiB, four times the L3), shared by both sides, so every call starts with its row out of cache;
/// the shorter rows stay hot (in L2 or L3), as in a loop over one buffer.
/// <c>--twopass-accuracy</c> prints the prototype's and the three-pass kernel's error against a double reference.
/// </summary>
public static unsafe class TwoPassPairs
{
    private const long ColdBytes = 128L << 20;

    private sealed class Sets
    {
        public readonly float*[] X;
        public readonly float*[] Y;
        public readonly int Length;

        public int Count => X.Length;
        private int _next;

        public Sets(int length)
        {
            Length = length;
            int count = length >= 1 << 20 ? (int)Math.Max(1, ColdBytes / (8L * length)) : 1;
            X = new float*[count];
            Y = new float*[count];
            float[] values = Inputs.Single(length);
            for (int i = 0; i < count; i++)
            {
                X[i] = (float*)NativeMemory.AlignedAlloc((nuint)length * 4, 64);
                Y[i] = (float*)NativeMemory.AlignedAlloc((nuint)length * 4, 64);
                values.CopyTo(new Span<float>(X[i], length));
                new Span<float>(Y[i], length).Clear();
            }
        }

        public int Next()
        {
            int i = _next;
            _next = i + 1 == X.Length ? 0 : i + 1;
            return i;
        }
    }

    internal static IEnumerable<(string Elem, string Shape, int Elements, string A, string B, Func<int, long> RunA, Func<int, long> RunB)> Pairs()
    {
        foreach (var p in For(65536, K65536.Softmax)) yield return p;
        foreach (var p in For(262144, K262144.Softmax)) yield return p;
        foreach (var p in For(1048576, K1048576.Softmax)) yield return p;
        foreach (var p in For(4194304, K4194304.Softmax)) yield return p;
        foreach (var p in For(16777216, K16777216.Softmax)) yield return p;
    }

    private static IEnumerable<(string, string, int, string, string, Func<int, long>, Func<int, long>)> For(int length, TwoPass.Kernel generated)
    {
        var sets = new Sets(length);
        string shape = "twopass N=" + length.ToString(CultureInfo.InvariantCulture) + (length >= 1 << 20 ? $" cold ({sets.Count} set{(sets.Count > 1 ? "s" : string.Empty)})" : " hot");
        TwoPass.Kernel threePass = ThreePass(length) ?? generated;
        const string ThreePassName = "three passes (generated)";
        Func<int, long> runThreePass = n => Timed(n, sets, (x, y) => threePass(x, y));
        Func<int, long> runGenerated = n => Timed(n, sets, (x, y) => generated(x, y));
        if (threePass != generated)
        {
            yield return ("float", shape, length, "Generated (two passes)", ThreePassName, runGenerated, runThreePass);
        }

        yield return ("float", shape, length, "TwoPass proto per-vector", ThreePassName, n => Timed(n, sets, (x, y) => TwoPass.Softmax(x, y, false, threePass)), runThreePass);
        yield return ("float", shape, length, "TwoPass proto lazy", ThreePassName, n => Timed(n, sets, (x, y) => TwoPass.SoftmaxLazy(x, y, false, threePass)), runThreePass);
        yield return ("float", shape, length, "TwoPass proto lazy NT", ThreePassName, n => Timed(n, sets, (x, y) => TwoPass.SoftmaxLazy(x, y, true, threePass)), runThreePass);
        yield return ("float", shape, length, ThreePassName, "TensorPrimitives", runThreePass, n => Timed(n, sets, (x, y) => TensorPrimitives.SoftMax(x, y)));
    }

    /// <summary>
    /// The generated three-pass Vector256 kernel that a generated two-pass kernel falls back to (private, reached by
    /// reflection), or null where the row length has no two-pass kernel (the public method is then the three passes).
    /// </summary>
    private static TwoPass.Kernel? ThreePass(int length)
    {
        Type? type = typeof(TwoPassPairs).Assembly.GetType("SoftmaxGenerators.Benchmarks.K" + length.ToString(CultureInfo.InvariantCulture));
        Type? kernels = type?.GetNestedType("__SoftmaxKernels", System.Reflection.BindingFlags.NonPublic);
        System.Reflection.MethodInfo? method = kernels?.GetMethod($"Single{length}ThreePassVector256", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
        return method?.CreateDelegate<TwoPass.Kernel>();
    }

    private delegate void Body(ReadOnlySpan<float> x, Span<float> y);

    private static long Timed(int n, Sets sets, Body body)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            int s = sets.Next();
            body(new ReadOnlySpan<float>(sets.X[s], sets.Length), new Span<float>(sets.Y[s], sets.Length));
        }

        return Stopwatch.GetTimestamp() - start;
    }

    /// <summary>Max relative error and max ULP (outputs whose reference is a normal float) against a double softmax.</summary>
    public static int Accuracy()
    {
        Console.WriteLine("| N | inputs | prototype max ULP | prototype mean ULP | prototype max rel. error | three-pass max ULP | three-pass mean ULP | three-pass max rel. error | generated max ULP | generated mean ULP | generated max rel. error |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((int length, TwoPass.Kernel kernel) in new (int, TwoPass.Kernel)[] { (65536, K65536.Softmax), (1048576, K1048576.Softmax), (4194304, K4194304.Softmax), (16777216, K16777216.Softmax) })
        {
            foreach ((string name, Func<Random, double> draw) in new (string, Func<Random, double>)[]
            {
                ("uniform [-10, 10]", r => (r.NextDouble() * 20) - 10),
                ("N(0, 30)", r => 30 * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())),
                ("uniform [-1000, 90]", r => (r.NextDouble() * 1090) - 1000),
            })
            {
                var random = new Random(length ^ name.Length);
                var x = new float[length];
                for (int i = 0; i < length; i++)
                {
                    x[i] = (float)draw(random);
                }

                double[] reference = SoftmaxGenerators.Accuracy.ExactReference.Single(x);
                var two = new float[length];
                var three = new float[length];
                if (Environment.GetEnvironmentVariable("SMX_TWOPASS") == "lazy")
                {
                    TwoPass.SoftmaxLazy(x, two, false, (_, _) => throw new InvalidOperationException("fallback taken"));
                }
                else
                {
                    TwoPass.Softmax(x, two, false, (_, _) => throw new InvalidOperationException("fallback taken"));
                }
                (ThreePass(length) ?? kernel)(x, three);
                var generated = new float[length];
                kernel(x, generated);
                (double maxA, double meanA, double relA) = Errors(two, reference);
                (double maxB, double meanB, double relB) = Errors(three, reference);
                (double maxC, double meanC, double relC) = Errors(generated, reference);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {length} | {name} | {maxA:0.00} | {meanA:0.000} | {relA:0.00e+0} | {maxB:0.00} | {meanB:0.000} | {relB:0.00e+0} | {maxC:0.00} | {meanC:0.000} | {relC:0.00e+0} |"));
            }
        }

        return 0;
    }

    private static (double MaxUlp, double MeanUlp, double MaxRelative) Errors(float[] output, double[] reference)
    {
        double max = 0, total = 0, relative = 0;
        int count = 0;
        for (int i = 0; i < output.Length; i++)
        {
            float rounded = (float)reference[i];
            if (!float.IsNormal(rounded))
            {
                continue;
            }

            double ulp = MathF.BitIncrement(rounded) - rounded;
            double error = Math.Abs(output[i] - reference[i]);
            max = Math.Max(max, error / ulp);
            total += error / ulp;
            relative = Math.Max(relative, error / reference[i]);
            count++;
        }

        return (max, total / Math.Max(1, count), relative);
    }
}
