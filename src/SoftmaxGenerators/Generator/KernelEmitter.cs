using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// Emits the private kernel class of one type: a dispatcher per (element type, N) that picks the widest accelerated SIMD
/// width at JIT time, the fixed-size vector kernels, a scalar kernel, and their helpers.
/// </summary>
/// <remarks>
/// <para>Small rows (N ≤ 4 vectors) are loaded once and kept in registers: tree reductions, and a compile-time mask for
/// the last, overlapping vector. Larger rows run three passes with constant trip counts: max (four accumulators),
/// exp + store + blocked sum, scale by the reciprocal of the sum. Fast float rows of at least
/// <see cref="TwoPassMinLength"/> values, out of cache, run two passes instead (sum of exp(x) 2^-e with a lazily raised
/// reference exponent e, then exp and scale), falling back to the three passes for NaN, +inf and huge maxima.</para>
/// <para>The exponential never rounds x - max: exp(x - max) = p(r) 2^(k - M) with k = round(x / ln 2) and the row's
/// M = round(max / ln 2) folded into the magic-bias constant; two-constant
/// Cody-Waite reduction, a polynomial, and 2^(k - M) rebuilt in the exponent bits; below the smallest normal it is +0.
/// With AVX-512 (Vector512; Vector256 with AVX-512VL) 2^(k - M) is applied by <c>Avx512F.Scale</c> instead
/// (<see cref="ExpEmitter"/>).</para>
/// </remarks>
internal sealed partial class KernelEmitter
{
    /// <summary>Float rows of at most this many vectors are kept in registers (double: <see cref="RegisterVectorsOf"/>).</summary>
    public const int RegisterVectors = 4;

    /// <summary>Register-resident float rows processed together by the interleaved batch (<c>Rows</c>) kernels (double: one).</summary>
    public const int RowsPerIteration = 2;

    /// <summary>Vectors per block of the blocked summation of the loop kernels.</summary>
    public const int SumBlockVectors = 64;

    /// <summary>
    /// Fast float rows of at least this many values (and a whole number of vectors) run the two-pass kernel
    /// (<see cref="EmitTwoPassKernel"/>). Measured (docs/performance.md, interleaved A/B, AVX2 Zen 3): 1.05-1.07x the
    /// three-pass kernel at 4M and 16M values, 0.93-0.96x at 1M, 0.7x at 64K-256K (in cache, where the second
    /// exponential of each element costs more than the memory traffic it saves).
    /// </summary>
    public const int TwoPassMinLength = 1 << 22;

    /// <summary>The name suffix of the three-pass kernel that a two-pass kernel falls back to.</summary>
    private const string ThreePassSuffix = "ThreePass";

    internal const string Avx = "global::System.Runtime.Intrinsics.X86.Avx";
    private const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    internal const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";
    internal const string NoInline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]";

    private readonly IndentedWriter _w;
    private readonly TargetCapabilities _capabilities;
    private readonly ExpEmitter _exp;
    private readonly VectorHelpersEmitter _helpers;

    public KernelEmitter(IndentedWriter writer, TargetCapabilities capabilities)
    {
        _w = writer;
        _capabilities = capabilities;
        _exp = new ExpEmitter(writer, capabilities);
        _helpers = new VectorHelpersEmitter(writer, capabilities, _exp);
    }

    /// <summary>The kernels' name stem: element type, row length (<c>Any</c> for a run-time length, 0) and precision.</summary>
    public static string KernelName(Lane lane, int length, bool accurate) =>
        lane.Name + (length == 0 ? "Any" : length.ToString(CultureInfo.InvariantCulture)) + (accurate ? "Accurate" : string.Empty);

    /// <summary>The scalar kernel is shared by both precisions: it always works in double with compensated sums.</summary>
    private static string ScalarName(Lane lane, int length) => KernelName(lane, length, accurate: false) + "Scalar";

    internal static string Lit(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The widths usable for rows of <paramref name="length"/> elements, widest first.</summary>
    private List<Width> WidthsFor(Lane lane, int length)
    {
        var widths = new List<Width>();
        if (!_capabilities.HasVectors)
        {
            return widths;
        }

        // Double rows of at most two Vector512 vectors get no Vector512 kernel: measured on Zen 4 (docs/performance.md,
        // AVX-512), the two-zmm double kernel ran 20-27 ns in some processes and 45-48 ns in others (N = 10 and 16),
        // the Vector256 one 22-27 ns in every process.
        // A run-time length (0) gets every width; the dispatcher picks one by the row's length (RuntimeMinimum).
        if (length == 0)
        {
            length = int.MaxValue;
        }

        bool shortDouble = !lane.IsSingle && length <= 2 * Width.Vector512.Lanes(lane);
        if (_capabilities.HasVector512 && length >= Width.Vector512.Lanes(lane) && !shortDouble)
        {
            widths.Add(Width.Vector512);
        }

        if (_capabilities.HasVector256 && length >= Width.Vector256.Lanes(lane))
        {
            widths.Add(Width.Vector256);
        }

        if (length >= Width.Vector128.Lanes(lane))
        {
            widths.Add(Width.Vector128);
        }

        return widths;
    }

    /// <summary>Emits the kernels class; with <paramref name="widthHooks"/>, also the test hooks of every kernel.</summary>
    public void EmitKernelsClass(
        string typeName,
        IReadOnlyList<(int Length, bool Accurate)> kernels,
        IReadOnlyList<Lane> lanes,
        bool widthHooks = false,
        IReadOnlyList<(int Length, bool Accurate, int Functions)>? layers = null)
    {
        layers ??= System.Array.Empty<(int Length, bool Accurate, int Functions)>();
        _w.Line($"/// <summary>The softmax kernels of <see cref=\"{typeName}\"/>, generated by SoftmaxGenerators.</summary>");
        _w.Line(Emitter.GeneratedCode);
        _w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        _w.Open("private static class " + Emitter.KernelsClass);
        EmitChecks();
        if (layers.Count > 0)
        {
            EmitLayerChecks();
        }

        if (widthHooks)
        {
            _w.Line(NoInline);
            _w.Open("private static void ThrowWidth(int width)");
            _w.Line("throw new global::System.ArgumentOutOfRangeException(\"width\", width, \"No kernel of this width (in bits; 0 is the scalar kernel) was generated for this row length.\");");
            _w.Close();
            _w.Line();
        }

        // The accurate float kernels sum in double vectors of their own width (Widen, AllSum): the double helpers of
        // every width a float kernel uses are needed even where no double kernel of that width exists.
        var singleWidths = new HashSet<Width>(lanes.Contains(Lane.Single)
            ? kernels.Select(k => k.Length).Concat(layers.Select(l => l.Length)).SelectMany(length => WidthsFor(Lane.Single, length))
            : Enumerable.Empty<Width>());
        foreach (Lane lane in lanes)
        {
            var usedWidths = new HashSet<Width>(lane.IsSingle ? Enumerable.Empty<Width>() : singleWidths);
            var scalarLengths = new HashSet<int>();
            foreach ((int length, bool accurate) in kernels)
            {
                List<Width> widths = WidthsFor(lane, length);
                EmitDispatcher(lane, length, accurate, widths);
                EmitRowsDispatcher(lane, length, accurate, widths);
                if (widthHooks)
                {
                    EmitWidthHooks(lane, length, accurate, widths);
                }

                foreach (Width width in widths)
                {
                    usedWidths.Add(width);
                    if (IsRegisterKernel(lane, length, width))
                    {
                        EmitRegisterKernel(lane, length, accurate, width);
                        EmitRegisterRowsKernel(lane, length, accurate, width);
                        if (HasColumnsKernel(lane, accurate, width))
                        {
                            EmitColumnsKernel(lane, length, width);
                        }
                    }
                    else if (IsTwoPassKernel(lane, length, accurate, width))
                    {
                        EmitTwoPassKernel(lane, length, width);
                        EmitLoopKernel(lane, length, accurate, width, ThreePassSuffix);
                    }
                    else
                    {
                        EmitLoopKernel(lane, length, accurate, width);
                    }
                }

                if (scalarLengths.Add(length))
                {
                    EmitScalarKernel(lane, length);
                }
            }

            int layerFunctions = 0;
            int accurateFunctions = 0;
            foreach ((int length, bool accurate, int functions) in layers)
            {
                List<Width> widths = WidthsFor(lane, length);
                EmitLayerKernels(lane, length, accurate, functions, widths, widthHooks, softmaxHooks: kernels.Contains((length, accurate)));
                usedWidths.UnionWith(widths);
                layerFunctions |= functions;
                accurateFunctions |= accurate ? functions : 0;
            }

            if (layerFunctions != 0)
            {
                EmitLayerScalarKernels(lane, layerFunctions, accurateFunctions);
            }

            if (layers.Any(l => l.Length == 0))
            {
                foreach (Width width in WidthsFor(lane, 0))
                {
                    EmitRuntimeTailMask(lane, width);
                }
            }

            _helpers.EmitInfinityRow(lane);
            if (!lane.IsSingle)
            {
                // The scalar kernels of both element types work in double.
                _helpers.EmitRowBiasHelper(lane);
            }

            // Horizontal reductions of wide vectors go through the narrower ones.
            if (usedWidths.Contains(Width.Vector512))
            {
                usedWidths.Add(Width.Vector256);
            }

            if (usedWidths.Count > 0)
            {
                usedWidths.Add(Width.Vector128);
            }

            foreach (Width width in new[] { Width.Vector512, Width.Vector256, Width.Vector128 }.Where(usedWidths.Contains))
            {
                _helpers.EmitVectorHelpers(lane, width);
            }
        }

        _exp.EmitScalarExp();
        _w.Close();
    }

    private void EmitChecks()
    {
        _w.Line(Inline);
        _w.Open("internal static void CheckLength(int length, int expected, string parameterName)");
        _w.Open("if (length != expected)");
        _w.Line("ThrowLength(length, expected, parameterName);");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line(Inline);
        _w.Open("internal static void CheckRow(int inputLength, int outputLength, int rowLength)");
        _w.Line("CheckLength(inputLength, rowLength, \"input\");");
        _w.Open("if (outputLength != inputLength)");
        _w.Line("ThrowOutputLength(outputLength, inputLength);");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line(Inline);
        _w.Open("internal static void CheckRows(int inputLength, int outputLength, int rowLength)");
        _w.Open("if (inputLength == 0 || inputLength % rowLength != 0)");
        _w.Line("ThrowRows(inputLength, rowLength);");
        _w.Close();
        _w.Open("if (outputLength != inputLength)");
        _w.Line("ThrowOutputLength(outputLength, inputLength);");
        _w.Close();
        _w.Close();
        _w.Line();
        if (_capabilities.HasVector512)
        {
            // .NET 8 on (where Vector512 is): Unsafe is in the core library. MemoryExtensions.Overlaps was not inlined:
            // a call on every row. Called after the length checks: the spans are equally long and not empty.
            const string unsafeClass = "global::System.Runtime.CompilerServices.Unsafe";
            _w.Line("/// <summary>Throws when the spans (equally long, not empty) overlap without being the same memory: -bytes &lt; offset &lt; bytes, offset not 0.</summary>");
            _w.Line(Inline);
            _w.Open("internal static void CheckOverlap<T>(global::System.ReadOnlySpan<T> input, global::System.ReadOnlySpan<T> output)");
            _w.Line($"nint offset = {unsafeClass}.ByteOffset(ref {MemoryMarshal}.GetReference(input), ref {MemoryMarshal}.GetReference(output));");
            _w.Line($"nuint bytes = (nuint)input.Length * (nuint){unsafeClass}.SizeOf<T>();");
            _w.Open("if (offset != 0 && unchecked((nuint)offset + bytes - 1 < (2 * bytes) - 1))");
        }
        else
        {
            _w.Line(Inline);
            _w.Open("internal static void CheckOverlap<T>(global::System.ReadOnlySpan<T> input, global::System.ReadOnlySpan<T> output)");
            _w.Open("if (global::System.MemoryExtensions.Overlaps(input, output, out int offset) && offset != 0)");
        }

        _w.Line("ThrowOverlap();");
        _w.Close();
        _w.Close();
        _w.Line();
        EmitThrow("ThrowLength(int length, int expected, string parameterName)",
            "\"The span must hold exactly \" + expected.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \" values (one row), but it holds \" + length.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \".\", parameterName");
        EmitThrow("ThrowOutputLength(int outputLength, int inputLength)",
            "\"The output must hold as many values as the input (\" + inputLength.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \"), but it holds \" + outputLength.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \".\", \"output\"");
        EmitThrow("ThrowRows(int inputLength, int rowLength)",
            "\"The input length must be a positive multiple of the row length \" + rowLength.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \", but it is \" + inputLength.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \".\", \"input\"");
        EmitThrow("ThrowOverlap()",
            "\"The input and output overlap partially. Pass the same span for an in-place softmax, or two separate buffers.\", \"output\"");
    }

    private void EmitThrow(string signature, string arguments)
    {
        _w.Line(NoInline);
        _w.Open("private static void " + signature);
        _w.Line("throw new global::System.ArgumentException(" + arguments + ");");
        _w.Close();
        _w.Line();
    }

    private void EmitKernelPrologue(Lane lane, int length, bool accurate, Width width, string shape, string suffix = "")
    {
        _w.Line($"/// <summary>{width.Name} kernel for {(length == 0 ? "rows of any length" : "rows of " + Lit(length) + " values")} ({shape}{(accurate ? ", accurate" : string.Empty)}).</summary>");
        _w.Open($"private static void {KernelName(lane, length, accurate)}{suffix}{width.Name}(global::System.ReadOnlySpan<{lane.Keyword}> input, global::System.Span<{lane.Keyword}> output)");
        _w.Line($"ref {lane.Keyword} x = ref {MemoryMarshal}.GetReference(input);");
        _w.Line($"ref {lane.Keyword} y = ref {MemoryMarshal}.GetReference(output);");
    }

    private void EmitInfinityCheck(Lane lane, string max)
    {
        _w.Open($"if ({lane.Keyword}.IsPositiveInfinity({max}))");
        _w.Line($"{lane.Name}InfinityRow(input, output);");
        _w.Line("return;");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Pass 2 of a loop, emitted twice: once for the rows whose shift is zero (|max| below the row bias's limit: all
    /// but extreme rows), without the per-element subtraction of that zero, and once for shifted rows with it.
    /// <paramref name="loops"/> gets the text to append to each loaded element: empty, or " - shift". The subtraction
    /// is an FP-add-pipe operation beside the exponential's own (on Zen 4 the table exponential's loop was 10% faster
    /// without it); the branch is taken once per row. The shift vector is a broadcast, so its first lane decides.
    /// </summary>
    private void EmitByShift(Width width, string shift, System.Action<string> loops)
    {
        _w.Line("// The common row is not shifted: the loop without the subtraction of its zero shift.");
        _w.Open($"if ({width.Class}.ToScalar({shift}) == 0)");
        loops(string.Empty);
        _w.Close();
        _w.Open("else");
        loops($" - {shift}");
        _w.Close();
    }

    private static string Load(Width width, string source, string offset) =>
        offset == "0" ? $"{width.Class}.LoadUnsafe(ref {source})" : $"{width.Class}.LoadUnsafe(ref {source}, {offset})";

    private static string Store(Width width, string value, string destination, string offset) =>
        offset == "0" ? $"{width.Class}.StoreUnsafe({value}, ref {destination});" : $"{width.Class}.StoreUnsafe({value}, ref {destination}, {offset});";

    /// <summary>Keeps lanes j ≥ <paramref name="duplicates"/> of the last vector, whose lower lanes repeat elements of
    /// the previous vectors.</summary>
    private static string TailMask(Lane lane, Width width, int duplicates)
    {
        IEnumerable<string> lanes = Enumerable.Range(0, width.Lanes(lane)).Select(j => j < duplicates ? lane.MaskZero : lane.MaskOnes);
        return $"{width.Class}.{lane.AsSelf}({width.Class}.Create({string.Join(", ", lanes)}))";
    }

    /// <summary>Combines expressions pairwise into a balanced tree.</summary>
    private static string Tree(IReadOnlyList<string> items, System.Func<string, string, string> combine)
    {
        var level = new List<string>(items);
        while (level.Count > 1)
        {
            var next = new List<string>();
            for (int i = 0; i + 1 < level.Count; i += 2)
            {
                next.Add(combine(level[i], level[i + 1]));
            }

            if (level.Count % 2 == 1)
            {
                next.Add(level[level.Count - 1]);
            }

            level = next;
        }

        return level[0];
    }
}
