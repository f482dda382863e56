using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>
/// The hand-written C kernels of <c>benchmarks/native/softmax_ref.c</c> (float, compile-time N), built by the project
/// into <c>native/</c> next to the benchmark assembly when gcc is present: <c>libsoftmax_ref_avx512.so</c> (-march=native)
/// and <c>libsoftmax_ref_avx2.so</c> (-mavx2 -mfma). Called through unmanaged function pointers.
/// </summary>
public sealed unsafe class NativeReference
{
    private readonly IntPtr _library;

    private NativeReference(string name, IntPtr library, int isa)
    {
        Name = name;
        _library = library;
        Isa = isa;
    }

    /// <summary>"C AVX-512" or "C AVX2".</summary>
    public string Name { get; }

    /// <summary>The vector width in bits the library was compiled for (smx_isa): 512 or 256.</summary>
    public int Isa { get; }

    /// <summary>The kernel for rows of <paramref name="length"/> floats.</summary>
    public delegate* unmanaged<float*, float*, void> Kernel(int length) =>
        (delegate* unmanaged<float*, float*, void>)NativeLibrary.GetExport(_library, "smx_softmax_f32_" + length);

    /// <summary>
    /// Loads the libraries that were built and that this CPU can run, each checked against a double softmax first; a
    /// line on the console says why one is left out.
    /// </summary>
    public static NativeReference[] LoadAll(int[] lengths)
    {
        var loaded = new System.Collections.Generic.List<NativeReference>();
        string folder = Path.Combine(AppContext.BaseDirectory, "native");
        foreach ((string file, string name, bool runnable) in new[]
        {
            ("libsoftmax_ref_avx512.so", "C AVX-512", System.Runtime.Intrinsics.X86.Avx512F.IsSupported),
            ("libsoftmax_ref_avx2.so", "C AVX2", System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported),
        })
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path))
            {
                Console.WriteLine($"{name}: {path} was not built (gcc missing when the project was built?); left out.");
                continue;
            }

            if (!runnable)
            {
                Console.WriteLine($"{name}: this CPU (or the DOTNET_Enable* settings) does not offer its instruction set; left out.");
                continue;
            }

            IntPtr library = NativeLibrary.Load(path);
            var isa = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "smx_isa");
            var reference = new NativeReference(name, library, isa());
            string? error = reference.SelfCheck(lengths, out double worst);
            if (error is not null)
            {
                Console.WriteLine($"{name}: self-check failed ({error}); left out.");
                continue;
            }

            Console.WriteLine($"{name}: {reference.Isa}-bit build, self-check passed (max relative error {worst:0.0e0} against a double softmax, N = {string.Join(", ", lengths)}).");
            loaded.Add(reference);
        }

        return loaded.ToArray();
    }

    /// <summary>Runs every kernel on random logits (several ranges, one row with -inf) against a double softmax.</summary>
    private string? SelfCheck(int[] lengths, out double worst)
    {
        worst = 0;
        var random = new Random(11);
        foreach (int n in lengths)
        {
            var kernel = Kernel(n);
            foreach (double range in new[] { 1d, 10d, 80d })
            {
                var x = new float[n];
                var y = new float[n];
                for (int i = 0; i < n; i++)
                {
                    x[i] = (float)(((random.NextDouble() * 2) - 1) * range);
                }

                if (range == 80d)
                {
                    x[n / 2] = float.NegativeInfinity;
                }

                fixed (float* px = x, py = y)
                {
                    kernel(px, py);
                }

                double max = double.NegativeInfinity;
                foreach (float v in x)
                {
                    max = Math.Max(max, v);
                }

                double sum = 0;
                foreach (float v in x)
                {
                    sum += Math.Exp(v - max);
                }

                for (int i = 0; i < n; i++)
                {
                    double exact = Math.Exp(x[i] - max) / sum;
                    double error = Math.Abs(y[i] - exact);
                    // Relative error for values above the smallest normal float; below it, flushing to zero is allowed.
                    double relative = exact >= 1.1754943508222875e-38 ? error / exact : error <= 1.1754943508222875e-38 ? 0 : double.PositiveInfinity;
                    if (!(relative <= 1e-5))
                    {
                        worst = relative;
                        return $"N={n}, range {range}, y[{i}] = {y[i]:R} where softmax is {exact:R}";
                    }

                    worst = Math.Max(worst, relative);
                }
            }
        }

        return null;
    }
}
