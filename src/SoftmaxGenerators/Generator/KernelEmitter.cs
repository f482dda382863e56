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
/// (<see cref="EmitScaleExp"/>).</para>
/// </remarks>
internal sealed class KernelEmitter
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

    private const string Avx = "global::System.Runtime.Intrinsics.X86.Avx";
    private const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";
    private const string NoInline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]";

    private readonly IndentedWriter _w;
    private readonly TargetCapabilities _capabilities;

    public KernelEmitter(IndentedWriter writer, TargetCapabilities capabilities)
    {
        _w = writer;
        _capabilities = capabilities;
    }

    public static string KernelName(Lane lane, int length, bool accurate) =>
        lane.Name + length.ToString(CultureInfo.InvariantCulture) + (accurate ? "Accurate" : string.Empty);

    /// <summary>The scalar kernel is shared by both precisions: it always works in double with compensated sums.</summary>
    private static string ScalarName(Lane lane, int length) => KernelName(lane, length, accurate: false) + "Scalar";

    private static string Lit(int value) => value.ToString(CultureInfo.InvariantCulture);

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
    public void EmitKernelsClass(string typeName, IReadOnlyList<(int Length, bool Accurate)> kernels, IReadOnlyList<Lane> lanes, bool widthHooks = false)
    {
        _w.Line($"/// <summary>The softmax kernels of <see cref=\"{typeName}\"/>, generated by SoftmaxGenerators.</summary>");
        _w.Line(Emitter.GeneratedCode);
        _w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        _w.Open("private static class " + Emitter.KernelsClass);
        EmitChecks();
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
        var singleWidths = new HashSet<Width>(lanes.Contains(Lane.Single) ? kernels.SelectMany(k => WidthsFor(Lane.Single, k.Length)) : Enumerable.Empty<Width>());
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

            EmitInfinityRow(lane);
            if (!lane.IsSingle)
            {
                // The scalar kernels of both element types work in double.
                EmitRowBiasHelper(lane);
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
                EmitVectorHelpers(lane, width);
            }
        }

        EmitScalarExp();
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

    /// <summary>
    /// The condition under which a dispatcher takes <paramref name="width"/> (widest first, then the scalar kernel): a
    /// JIT-time constant. The dispatchers and the <c>SelectedWidth</c> hook are all written from it.
    /// </summary>
    private static string Accelerated(Width width) => $"{width.Class}.IsHardwareAccelerated";

    private void EmitDispatcher(Lane lane, int length, bool accurate, List<Width> widths)
    {
        string name = KernelName(lane, length, accurate);
        _w.Line(Inline);
        _w.Open($"internal static void {name}(global::System.ReadOnlySpan<{lane.Keyword}> input, global::System.Span<{lane.Keyword}> output)");
        foreach (Width width in widths)
        {
            _w.Open($"if ({Accelerated(width)})");
            EmitRowCall(lane, length, accurate, width);
            _w.Line("return;");
            _w.Close();
            _w.Line();
        }

        EmitRowCall(lane, length, accurate, null);
        _w.Close();
        _w.Line();
    }

    /// <summary>The call of one row's kernel of <paramref name="width"/> (null: the scalar kernel).</summary>
    private void EmitRowCall(Lane lane, int length, bool accurate, Width? width) =>
        _w.Line($"{(width is null ? ScalarName(lane, length) : KernelName(lane, length, accurate) + width.Name)}(input, output);");

    private static bool IsRegisterKernel(Lane lane, int length, Width width) => length <= RegisterVectorsOf(lane) * width.Lanes(lane);

    /// <summary>
    /// Rows of at most this many vectors are kept in registers: four for float, three for double, whose
    /// four-vector rows spilled the exponential's constants (double N = 16: 63 ns, against 38 ns as a loop kernel).
    /// </summary>
    private static int RegisterVectorsOf(Lane lane) => lane.IsSingle ? RegisterVectors : 3;

    /// <summary>Batches of consecutive rows: the interleaved kernel where the row fits in registers, else row by row.</summary>
    private void EmitRowsDispatcher(Lane lane, int length, bool accurate, List<Width> widths)
    {
        string name = KernelName(lane, length, accurate);
        _w.Line(Inline);
        _w.Open($"internal static void {name}Rows(global::System.ReadOnlySpan<{lane.Keyword}> input, global::System.Span<{lane.Keyword}> output)");
        foreach (Width width in widths)
        {
            _w.Open($"if ({Accelerated(width)})");
            if (EmitRowsCall(lane, length, accurate, width))
            {
                _w.Line();
            }

            _w.Line("return;");
            _w.Close();
            _w.Line();
        }

        EmitRowsCall(lane, length, accurate, null);
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// The batch kernel of <paramref name="width"/> (null: the scalar kernel) over <c>input</c> and <c>output</c>: the
    /// interleaved (or, where AVX is supported, the columns) kernel where the row fits in registers, else row by row.
    /// Returns whether the code ends with a block.
    /// </summary>
    private bool EmitRowsCall(Lane lane, int length, bool accurate, Width? width)
    {
        string name = KernelName(lane, length, accurate);
        string n = Lit(length);
        if (width is not null && IsRegisterKernel(lane, length, width))
        {
            if (HasColumnsKernel(lane, accurate, width))
            {
                _w.Open($"if ({Avx}.IsSupported)");
                _w.Line($"{name}Columns{width.Name}(input, output);");
                _w.Line("return;");
                _w.Close();
                _w.Line();
            }

            _w.Line($"{name}Rows{width.Name}(input, output);");
            return false;
        }

        _w.Open($"for (int offset = 0; offset < input.Length; offset += {n})");
        _w.Line($"{(width is null ? ScalarName(lane, length) : name + width.Name)}(input.Slice(offset, {n}), output.Slice(offset, {n}));");
        _w.Close();
        return true;
    }

    /// <summary>The width of a SIMD path in the hooks' terms: its bits, or 0 for the scalar kernel.</summary>
    private static string Bits(Width? width) => width is null ? "0" : Lit(width.Bits);

    /// <summary>
    /// The test hooks of one kernel (<see cref="GeneratorOptions.EmitWidthHooks"/>), inside the kernels class so that
    /// they reach its private kernels: <c>{Name}Widths()</c>, <c>{Name}SelectedWidth()</c> (by the dispatcher's own
    /// tests), and <c>{Name}Width</c> / <c>{Name}RowsWidth</c>, which run the one-row and the batch kernel of a given
    /// width, exactly as the dispatchers call them. Nothing here is called by the dispatchers.
    /// </summary>
    private void EmitWidthHooks(Lane lane, int length, bool accurate, List<Width> widths)
    {
        string name = KernelName(lane, length, accurate);
        string t = lane.Keyword;
        string paths = string.Join(", ", widths.Select(w => Lit(w.Bits)).Concat(new[] { "0" }));

        _w.Line($"/// <summary>Test hook: the widths of the {name} kernels in bits, widest first; 0 is the scalar kernel.</summary>");
        _w.Open($"internal static int[] {name}Widths()");
        _w.Line($"return new int[] {{ {paths} }};");
        _w.Close();
        _w.Line();

        _w.Line($"/// <summary>Test hook: the width in bits that the {name} dispatchers take in this process, by their own tests; 0 is the scalar kernel.</summary>");
        _w.Open($"internal static int {name}SelectedWidth()");
        foreach (Width width in widths)
        {
            _w.Open($"if ({Accelerated(width)})");
            _w.Line($"return {Bits(width)};");
            _w.Close();
            _w.Line();
        }

        _w.Line("return 0;");
        _w.Close();
        _w.Line();

        var all = new List<Width?>(widths) { null };
        _w.Line($"/// <summary>Test hook: the one-row {name} kernel of a width (512, 256, 128 bits, 0: scalar), whatever the hardware accelerates.</summary>");
        _w.Open($"internal static void {name}Width(int width, global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output)");
        foreach (Width? width in all)
        {
            _w.Open($"if (width == {Bits(width)})");
            EmitRowCall(lane, length, accurate, width);
            _w.Line("return;");
            _w.Close();
            _w.Line();
        }

        _w.Line("ThrowWidth(width);");
        _w.Close();
        _w.Line();

        _w.Line($"/// <summary>Test hook: the batch {name} kernel of a width (512, 256, 128 bits, 0: scalar), whatever the hardware accelerates.</summary>");
        _w.Open($"internal static void {name}RowsWidth(int width, global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output)");
        foreach (Width? width in all)
        {
            _w.Open($"if (width == {Bits(width)})");
            if (EmitRowsCall(lane, length, accurate, width))
            {
                _w.Line();
            }

            _w.Line("return;");
            _w.Close();
            _w.Line();
        }

        _w.Line("ThrowWidth(width);");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// The internal <c>__SoftmaxWidths</c> class of an annotated type (<see cref="GeneratorOptions.EmitWidthHooks"/>):
    /// per generated method name and element type, the widths that exist, the width the dispatcher takes, and the
    /// one-row, in-place and batch kernels of a given width, with the argument checks of the public methods.
    /// </summary>
    public void EmitWidthHooksClass(string typeName, EquatableArray<KernelRequest> kernels, IReadOnlyList<Lane> lanes)
    {
        string k = Emitter.KernelsClass;
        _w.Line($"/// <summary>");
        _w.Line($"/// Test hooks of the softmax kernels of <see cref=\"{typeName}\"/>, emitted because the build sets {GeneratorOptions.EmitWidthHooksProperty}:");
        _w.Line("/// every SIMD width's kernel (512, 256, 128 bits, and 0 for the scalar kernel) can be run directly, whatever the");
        _w.Line("/// hardware accelerates (an unaccelerated width runs in software). Not meant for use outside tests.");
        _w.Line($"/// </summary>");
        _w.Line(Emitter.GeneratedCode);
        _w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        _w.Open("internal static class " + Emitter.WidthHooksClass);
        foreach (KernelRequest kernel in kernels)
        {
            foreach (Lane lane in lanes)
            {
                string m = kernel.MethodName;
                string t = lane.Keyword;
                string n = Lit(kernel.Length);
                string name = KernelName(lane, kernel.Length, kernel.Accurate);
                string span = "global::System.Span<" + t + ">";
                string readOnlySpan = "global::System.ReadOnlySpan<" + t + ">";
                string widthParameter = $"/// <param name=\"width\">512, 256 or 128 (bits), or 0 for the scalar kernel: one of <c>{m}{lane.Name}Widths()</c>.</param>";
                string widthException = "/// <exception cref=\"global::System.ArgumentOutOfRangeException\">No kernel of this width was generated for this row length.</exception>";

                _w.Line($"/// <summary>The widths of the <c>{m}</c> kernels of <see cref=\"{t}\"/> rows in bits, widest first; 0 is the scalar kernel.</summary>");
                _w.Line($"internal static int[] {m}{lane.Name}Widths() => {k}.{name}Widths();");
                _w.Line();
                _w.Line($"/// <summary>The width in bits that <c>{m}</c> takes for <see cref=\"{t}\"/> rows in this process, by the dispatcher's own tests; 0 is the scalar kernel.</summary>");
                _w.Line($"internal static int {m}{lane.Name}SelectedWidth() => {k}.{name}SelectedWidth();");
                _w.Line();

                _w.Line($"/// <summary>Runs the <c>{m}</c> kernel of one width on one row of {n} <see cref=\"{t}\"/> values, as the dispatcher would on hardware that accelerates it.</summary>");
                _w.Line(widthParameter);
                _w.Line($"/// <param name=\"input\">The {n} scores of the row.</param>");
                _w.Line($"/// <param name=\"output\">Receives the {n} probabilities; the same memory as the input, or no overlap.</param>");
                _w.Line(widthException);
                _w.Open($"internal static void {m}(int width, {readOnlySpan} input, {span} output)");
                _w.Line($"{k}.CheckRow(input.Length, output.Length, {n});");
                _w.Line($"{k}.CheckOverlap<{t}>(input, output);");
                _w.Line($"{k}.{name}Width(width, input, output);");
                _w.Close();
                _w.Line();

                _w.Line($"/// <summary>Runs the <c>{m}</c> kernel of one width on one row of {n} <see cref=\"{t}\"/> values, in place.</summary>");
                _w.Line(widthParameter);
                _w.Line($"/// <param name=\"values\">The {n} scores of the row; receives the probabilities.</param>");
                _w.Line(widthException);
                _w.Open($"internal static void {m}(int width, {span} values)");
                _w.Line($"{k}.CheckLength(values.Length, {n}, \"values\");");
                _w.Line($"{k}.{name}Width(width, values, values);");
                _w.Close();
                _w.Line();

                _w.Line($"/// <summary>Runs the <c>{m}Rows</c> kernel of one width on consecutive rows of {n} <see cref=\"{t}\"/> values.</summary>");
                _w.Line(widthParameter);
                _w.Line($"/// <param name=\"input\">The rows; the length is a positive multiple of {n}.</param>");
                _w.Line($"/// <param name=\"output\">Receives the probabilities; the same memory as the input, or no overlap.</param>");
                _w.Line(widthException);
                _w.Open($"internal static void {m}Rows(int width, {readOnlySpan} input, {span} output)");
                _w.Line($"{k}.CheckRows(input.Length, output.Length, {n});");
                _w.Line($"{k}.CheckOverlap<{t}>(input, output);");
                _w.Line($"{k}.{name}RowsWidth(width, input, output);");
                _w.Close();
                _w.Line();
            }
        }

        _w.Close();
        _w.Line();
    }

    private void EmitKernelPrologue(Lane lane, int length, bool accurate, Width width, string shape, string suffix = "")
    {
        _w.Line($"/// <summary>{width.Name} kernel for rows of {Lit(length)} values ({shape}{(accurate ? ", accurate" : string.Empty)}).</summary>");
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

    private void EmitRegisterKernel(Lane lane, int length, bool accurate, Width width)
    {
        int vectors = (length + width.Lanes(lane) - 1) / width.Lanes(lane);
        EmitKernelPrologue(lane, length, accurate, width, $"{Lit(vectors)} vector{(vectors == 1 ? string.Empty : "s")} held in registers");
        RegisterRow row = RegisterRowCode(lane, length, accurate, width, string.Empty, null);
        foreach (string line in row.Load)
        {
            _w.Line(line);
        }

        EmitInfinityCheck(lane, row.Max);
        foreach (string line in row.Compute)
        {
            _w.Line(line);
        }

        _w.Close();
        _w.Line();
    }

    /// <summary>The statements of one register-resident row: loads and maximum, then (after the +∞ test) the rest.</summary>
    private sealed class RegisterRow
    {
        public List<string> Load { get; } = new();

        public List<string> Compute { get; } = new();

        public string Max { get; set; } = "max";
    }

    /// <summary>
    /// The code of one register-resident row. Local names end in <paramref name="suffix"/>; element offsets are
    /// constants, or relative to the <c>nuint</c> variable <paramref name="rowOffset"/> when it is given.
    /// </summary>
    private static RegisterRow RegisterRowCode(Lane lane, int length, bool accurate, Width width, string suffix, string? rowOffset)
    {
        int lanes = width.Lanes(lane);
        int vectors = (length + lanes - 1) / lanes;
        int remainder = length % lanes;
        string vectorType = width.Of(lane);
        string s = suffix;
        var row = new RegisterRow { Max = $"{width.Class}.ToScalar(max{s})" };
        string At(int offset) => rowOffset is null ? Lit(offset) : offset == 0 ? rowOffset : $"{rowOffset} + {Lit(offset)}";

        var xs = new List<string>();
        var offsets = new List<string>();
        for (int v = 0; v < vectors; v++)
        {
            int offset = v == vectors - 1 ? length - lanes : v * lanes;
            offsets.Add(At(offset));
            xs.Add($"x{Lit(v)}{s}");
            row.Load.Add($"{vectorType} x{Lit(v)}{s} = {Load(width, "x", At(offset))};");
        }

        row.Load.Add($"{vectorType} max{s} = AllMax({Tree(xs, (a, b) => $"Max({a}, {b})")});");

        List<string> c = row.Compute;
        c.Add($"{vectorType} vbias{s} = UniformRowBias(max{s}, out {vectorType} shift{s});");
        bool split = accurate && !lane.IsSingle;
        var summands = new List<string>();
        var lows = new List<string>();
        for (int v = 0; v < vectors; v++)
        {
            string e = $"e{Lit(v)}{s}";
            string l = $"l{Lit(v)}{s}";
            c.Add(split
                ? $"{vectorType} {e} = ExpAccurate(x{Lit(v)}{s} - shift{s}, vbias{s}, out {vectorType} {l});"
                : $"{vectorType} {e} = Exp(x{Lit(v)}{s} - shift{s}, vbias{s});");
            bool masked = remainder != 0 && vectors > 1 && v == vectors - 1;
            summands.Add(masked ? $"({e} & {TailMask(lane, width, lanes - remainder)})" : e);
            lows.Add(masked ? $"({l} & {TailMask(lane, width, lanes - remainder)})" : l);
        }

        if (!accurate)
        {
            // One division for the row, then multiplies (a divide per vector cost the 4-vector rows 4 vdivps).
            c.Add(vectors == 1
                ? $"{vectorType} sum{s} = AllSum({summands[0]});"
                : $"{vectorType} scale{s} = {width.Class}.Create({lane.Literal(1)}) / AllSum({Tree(summands, (a, b) => $"{a} + {b}")});");
        }
        else if (lane.IsSingle)
        {
            // Accurate float: the sum in double, each output divided in double and rounded once to float.
            c.Add($"{width.Of(Lane.Double)} sum{s} = AllSum({Tree(summands.Select(e => $"Widen({e})").ToList(), (a, b) => $"{a} + {b}")});");
        }
        else
        {
            // Accurate double: a compensated sum.
            c.Add($"{vectorType} total{s} = {summands[0]};");
            c.Add($"{vectorType} compensation{s} = {vectorType}.Zero;");
            for (int v = 1; v < vectors; v++)
            {
                c.Add($"KahanAdd(ref total{s}, ref compensation{s}, {summands[v]});");
            }

            c.Add($"{vectorType} sum{s} = {width.Class}.Create(CompensatedSum(total{s}, {Tree(lows, (a, b) => $"{a} + {b}")} - compensation{s}));");
        }

        for (int v = 0; v < vectors; v++)
        {
            string e = $"e{Lit(v)}{s}";
            // A one-vector row divides (shorter latency than a reciprocal and a multiply).
            string value = !accurate ? (vectors == 1 ? $"{e} / sum{s}" : $"{e} * scale{s}") : lane.IsSingle ? $"DivideNarrow({e}, sum{s})" : $"Refine({e}, l{Lit(v)}{s}, sum{s})";
            c.Add(Store(width, value, "y", offsets[v]));
        }

        return row;
    }

    /// <summary>
    /// A batch of register-resident rows: <see cref="RowsPerIteration"/> rows per iteration, their statements
    /// interleaved so that the out-of-order core overlaps the rows' long dependency chains. Each row runs exactly the
    /// operations of the one-row kernel (bit-identical results); a group with a +∞ maximum, and the last rows, go
    /// through the one-row kernel.
    /// </summary>
    private void EmitRegisterRowsKernel(Lane lane, int length, bool accurate, Width width)
    {
        string t = lane.Keyword;
        string name = KernelName(lane, length, accurate);
        string single = name + width.Name;
        // Double rows: two interleaved rows spilled (4096 x 10: 115 us against 106 us one row at a time).
        int rowsPerIteration = lane.IsSingle ? RowsPerIteration : 1;
        int group = rowsPerIteration * length;
        _w.Line($"/// <summary>{width.Name} kernel for batches of rows of {Lit(length)} values ({Lit(rowsPerIteration)} rows per iteration, interleaved{(accurate ? ", accurate" : string.Empty)}).</summary>");
        _w.Open($"private static void {name}Rows{width.Name}(global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output)");
        _w.Line($"ref {t} x = ref {MemoryMarshal}.GetReference(input);");
        _w.Line($"ref {t} y = ref {MemoryMarshal}.GetReference(output);");
        _w.Line($"nuint end = (nuint)input.Length / {Lit(group)} * {Lit(group)};");
        _w.Line("nuint o = 0;");
        _w.Open($"for (; o < end; o += {Lit(group)})");
        var rows = new List<RegisterRow>();
        for (int r = 0; r < rowsPerIteration; r++)
        {
            _w.Line($"nuint o{Lit(r)} = {(r == 0 ? "o" : $"o + {Lit(r * length)}")};");
            rows.Add(RegisterRowCode(lane, length, accurate, width, "_" + Lit(r), "o" + Lit(r)));
        }

        EmitInterleaved(rows.Select(row => row.Load).ToList());
        _w.Open("if (" + string.Join(" || ", rows.Select(row => $"{t}.IsPositiveInfinity({row.Max})")) + ")");
        _w.Open($"for (int r = 0; r < {Lit(group)}; r += {Lit(length)})");
        _w.Line($"{single}(input.Slice((int)o + r, {Lit(length)}), output.Slice((int)o + r, {Lit(length)}));");
        _w.Close();
        _w.Line();
        _w.Line("continue;");
        _w.Close();
        _w.Line();
        EmitInterleaved(rows.Select(row => row.Compute).ToList());
        _w.Close();
        _w.Line();
        _w.Open($"for (; o < (nuint)input.Length; o += {Lit(length)})");
        _w.Line($"{single}(input.Slice((int)o, {Lit(length)}), output.Slice((int)o, {Lit(length)}));");
        _w.Close();
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// The batch kernel across rows (<see cref="EmitColumnsKernel"/>) exists for fast float rows in Vector256. Measured
    /// for double (4 rows at a time) it gained little, and lost to the one-row kernel in a loop with the shorter polynomial.
    /// </summary>
    private static bool HasColumnsKernel(Lane lane, bool accurate, Width width) => lane.IsSingle && !accurate && width == Width.Vector256;

    /// <summary>
    /// Batches of register-resident float rows, one row per lane (8 rows at a time): each row's vectors are loaded as
    /// the one-row kernel loads them and transposed (8 x 8), so that lane r of column j holds element j of row r. The
    /// maximum, the exponentials and the division are then plain lane-wise operations on columns, with no horizontal
    /// step; the sum adds the columns in the order in which the one-row kernel adds its lanes (its vector tree, then
    /// its butterfly), so every row is bit-identical to the one-row kernel. A group with a +∞ maximum goes through the
    /// one-row kernel; the last rows through the interleaved row kernel.
    /// </summary>
    private void EmitColumnsKernel(Lane lane, int length, Width width)
    {
        const int Rows = 8;
        string t = lane.Keyword;
        string v = width.Of(lane);
        string c = width.Class;
        int lanes = width.Lanes(lane);
        int vectors = (length + lanes - 1) / lanes;
        int remainder = length % lanes;
        string name = KernelName(lane, length, accurate: false);
        int group = Rows * length;
        _w.Line($"/// <summary>{width.Name} kernel for batches of rows of {Lit(length)} values ({Lit(Rows)} rows at a time, one per lane).</summary>");
        _w.Open($"private static void {name}Columns{width.Name}(global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output)");
        _w.Line($"ref {t} x = ref {MemoryMarshal}.GetReference(input);");
        _w.Line($"ref {t} y = ref {MemoryMarshal}.GetReference(output);");
        _w.Line($"nuint end = (nuint)input.Length / {Lit(group)} * {Lit(group)};");
        _w.Line("nuint o = 0;");
        _w.Open($"for (; o < end; o += {Lit(group)})");

        // column[j]: the column of element j; lane l of vector k holds element offsets[k] + l.
        var offsets = new int[vectors];
        var column = new string[length];
        for (int k = 0; k < vectors; k++)
        {
            offsets[k] = k == vectors - 1 ? length - lanes : k * lanes;
            var rowVectors = new string[Rows];
            for (int r = 0; r < Rows; r++)
            {
                rowVectors[r] = $"r{Lit(k)}_{Lit(r)}";
                int offset = (r * length) + offsets[k];
                _w.Line($"{v} {rowVectors[r]} = {Load(width, "x", offset == 0 ? "o" : $"o + {Lit(offset)}")};");
            }

            string[] columns = EmitTranspose8(v, rowVectors, $"c{Lit(k)}_");
            for (int l = 0; l < lanes; l++)
            {
                column[offsets[k] + l] ??= columns[l];
            }
        }

        _w.Line($"{v} max = {Tree(column, (a, b) => $"Max({a}, {b})")};");
        _w.Open($"if ({c}.EqualsAny(max, {c}.Create({t}.PositiveInfinity)))");
        _w.Open($"for (int r = 0; r < {Lit(group)}; r += {Lit(length)})");
        _w.Line($"{name}{width.Name}(input.Slice((int)o + r, {Lit(length)}), output.Slice((int)o + r, {Lit(length)}));");
        _w.Close();
        _w.Line();
        _w.Line("continue;");
        _w.Close();
        _w.Line();
        _w.Line($"{v} vbias = RowBias(max, out {v} shift);");
        for (int j = 0; j < length; j++)
        {
            _w.Line($"{v} e{Lit(j)} = Exp({column[j]} - shift, vbias);");
        }

        // Lane l of the one-row kernel's sum vector: its vector tree, the masked (duplicate) lanes of the last vector
        // being +0 (e + 0 is e exactly); then its butterfly (AllSum): ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)).
        var laneSums = new string[lanes];
        for (int l = 0; l < lanes; l++)
        {
            var terms = new List<string?>();
            for (int k = 0; k < vectors; k++)
            {
                bool masked = remainder != 0 && vectors > 1 && k == vectors - 1 && l < lanes - remainder;
                terms.Add(masked ? null : $"e{Lit(offsets[k] + l)}");
            }

            laneSums[l] = $"s{Lit(l)}";
            _w.Line($"{v} s{Lit(l)} = {NullableTree(terms, (a, b) => $"{a} + {b}")};");
        }

        // As the one-row kernel of this width (bit for bit): a divide for one-vector rows, else a reciprocal and multiplies.
        string total = "((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))";
        _w.Line(vectors == 1 ? $"{v} sum = {total};" : $"{v} scale = {c}.Create({lane.Literal(1)}) / ({total});");
        for (int j = 0; j < length; j++)
        {
            _w.Line(vectors == 1 ? $"{v} q{Lit(j)} = e{Lit(j)} / sum;" : $"{v} q{Lit(j)} = e{Lit(j)} * scale;");
        }

        for (int k = 0; k < vectors; k++)
        {
            var quotients = new string[Rows];
            for (int l = 0; l < lanes; l++)
            {
                quotients[l] = $"q{Lit(offsets[k] + l)}";
            }

            string[] rowsOut = EmitTranspose8(v, quotients, $"w{Lit(k)}_");
            for (int r = 0; r < Rows; r++)
            {
                int offset = (r * length) + offsets[k];
                _w.Line(Store(width, rowsOut[r], "y", offset == 0 ? "o" : $"o + {Lit(offset)}"));
            }
        }

        _w.Close();
        _w.Line();
        _w.Open("if (o < (nuint)input.Length)");
        _w.Line($"{name}Rows{width.Name}(input.Slice((int)o), output.Slice((int)o));");
        _w.Close();
        _w.Close();
        _w.Line();
    }

    /// <summary>Emits the 8 x 8 transpose of eight Vector256&lt;float&gt; (unpack, shuffle, 128-bit permute) and returns the names of the result vectors.</summary>
    private string[] EmitTranspose8(string v, string[] rows, string prefix)
    {

        for (int i = 0; i < 4; i++)
        {
            _w.Line($"{v} {prefix}t{Lit(2 * i)} = {Avx}.UnpackLow({rows[2 * i]}, {rows[(2 * i) + 1]});");
            _w.Line($"{v} {prefix}t{Lit((2 * i) + 1)} = {Avx}.UnpackHigh({rows[2 * i]}, {rows[(2 * i) + 1]});");
        }

        for (int i = 0; i < 2; i++)
        {
            string a = $"{prefix}t{Lit(4 * i)}", b = $"{prefix}t{Lit((4 * i) + 1)}", cc = $"{prefix}t{Lit((4 * i) + 2)}", d = $"{prefix}t{Lit((4 * i) + 3)}";
            _w.Line($"{v} {prefix}u{Lit(4 * i)} = {Avx}.Shuffle({a}, {cc}, 0x44);");
            _w.Line($"{v} {prefix}u{Lit((4 * i) + 1)} = {Avx}.Shuffle({a}, {cc}, 0xEE);");
            _w.Line($"{v} {prefix}u{Lit((4 * i) + 2)} = {Avx}.Shuffle({b}, {d}, 0x44);");
            _w.Line($"{v} {prefix}u{Lit((4 * i) + 3)} = {Avx}.Shuffle({b}, {d}, 0xEE);");
        }

        var result = new string[8];
        for (int i = 0; i < 8; i++)
        {
            result[i] = $"{prefix}{Lit(i)}";
            _w.Line($"{v} {result[i]} = {Avx}.Permute2x128({prefix}u{Lit(i % 4)}, {prefix}u{Lit((i % 4) + 4)}, {(i < 4 ? "0x20" : "0x31")});");
        }

        return result;
    }

    /// <summary><see cref="Tree"/> where null items are zeros: x + 0 is x, so they drop out.</summary>
    private static string NullableTree(IReadOnlyList<string?> items, System.Func<string, string, string> combine)
    {
        var level = new List<string?>(items);
        while (level.Count > 1)
        {
            var next = new List<string?>();
            for (int i = 0; i + 1 < level.Count; i += 2)
            {
                next.Add(level[i] is null ? level[i + 1] : level[i + 1] is null ? level[i] : combine(level[i]!, level[i + 1]!));
            }

            if (level.Count % 2 == 1)
            {
                next.Add(level[level.Count - 1]);
            }

            level = next;
        }

        return level[0]!;
    }

    /// <summary>Writes the statement lists round-robin: statement i of every list, then statement i + 1.</summary>
    private void EmitInterleaved(List<List<string>> lists)
    {
        for (int i = 0; i < lists.Max(l => l.Count); i++)
        {
            foreach (List<string> list in lists.Where(l => i < l.Count))
            {
                _w.Line(list[i]);
            }
        }
    }

    private void EmitLoopKernel(Lane lane, int length, bool accurate, Width width, string suffix = "")
    {
        int lanes = width.Lanes(lane);
        int full = length / lanes * lanes;
        int remainder = length % lanes;
        string tailOffset = Lit(length - lanes);
        string vectorType = width.Of(lane);
        EmitKernelPrologue(lane, length, accurate, width, suffix.Length == 0 ? "three passes" : "three passes: the fallback of the two-pass kernel", suffix);

        _w.Line("// Pass 1: the maximum, with four independent accumulators.");
        int loaded = System.Math.Min(RegisterVectors, full / lanes);
        for (int a = 0; a < RegisterVectors; a++)
        {
            _w.Line($"{vectorType} a{Lit(a)} = {(a < loaded ? Load(width, "x", Lit(a * lanes)) : "a0")};");
        }

        _w.Line($"nuint i = {Lit(loaded * lanes)};");
        if (full - (RegisterVectors * lanes) >= loaded * lanes)
        {
            _w.Open($"for (; i <= {Lit(full - (RegisterVectors * lanes))}; i += {Lit(RegisterVectors * lanes)})");
            for (int a = 0; a < RegisterVectors; a++)
            {
                _w.Line($"a{Lit(a)} = Max(a{Lit(a)}, {Load(width, "x", a == 0 ? "i" : $"i + {Lit(a * lanes)}")});");
            }

            _w.Close();
        }

        _w.Open($"for (; i < {Lit(full)}; i += {Lit(lanes)})");
        _w.Line($"a0 = Max(a0, {Load(width, "x", "i")});");
        _w.Close();
        if (remainder != 0)
        {
            _w.Line($"a1 = Max(a1, {Load(width, "x", tailOffset)});");
        }

        _w.Line($"{vectorType} max = AllMax(Max(Max(a0, a1), Max(a2, a3)));");
        EmitInfinityCheck(lane, $"{width.Class}.ToScalar(max)");
        _w.Line($"{vectorType} vbias = UniformRowBias(max, out {vectorType} shift);");

        Accumulator sum = Accumulator.For(lane, width, accurate);
        _w.Line($"// Pass 2: exponentials into the output and their sum ({sum.Description}).");
        if (remainder != 0)
        {
            // The last, overlapping vector is computed before anything is stored: in place, its lower lanes would
            // otherwise read outputs. It is stored last, after scaling.
            _w.Line(sum.Split
                ? $"{vectorType} tail = ExpAccurate({Load(width, "x", tailOffset)} - shift, vbias, out {vectorType} tailLow);"
                : $"{vectorType} tail = Exp({Load(width, "x", tailOffset)} - shift, vbias);");
        }

        sum.Declare(_w, "sum");

        EmitExpLoops(width, vectorType, sum, full, lanes, offset => $"{Load(width, "x", offset)} - shift");

        if (remainder != 0)
        {
            _w.Line(sum.Add("sum", $"(tail & {TailMask(lane, width, lanes - remainder)})"));
            if (sum.Split)
            {
                _w.Line($"sumLow += tailLow & {TailMask(lane, width, lanes - remainder)};");
            }
        }

        string scaled;
        if (!accurate)
        {
            _w.Line("// Pass 3: scale by the reciprocal of the sum.");
            _w.Line($"{vectorType} scale = {width.Class}.Create({lane.Literal(1)} / {sum.Total("sum")});");
            scaled = "{0} * scale";
        }
        else if (lane.IsSingle)
        {
            // The double reciprocal split into two floats (48 significant bits): e * hi + e * lo with one FMA is
            // rounded once up to 2^-24 ulp, like the product in double rounded to float, without converting.
            _w.Line("// Pass 3: scale by the double reciprocal of the sum as hi + lo floats, rounded once by the FMA.");
            _w.Line($"double inverse = 1d / {sum.Total("sum")};");
            _w.Line("float inverseHigh = (float)inverse;");
            _w.Line($"{vectorType} scale = {width.Class}.Create(inverseHigh);");
            _w.Line($"{vectorType} scaleLow = {width.Class}.Create((float)(inverse - inverseHigh));");
            scaled = "Mad({0}, scale, {0} * scaleLow)";
        }
        else
        {
            // q = e * (1 / s), then one correction with the exact remainder e - q s (FMA): the quotient correctly
            // rounded but in rare cases, at three FMA-pipe operations instead of a division (vdivpd is not pipelined).
            _w.Line("// Pass 3: divide by the sum: the product by the reciprocal, corrected once by the remainder.");
            _w.Line($"double total = {sum.Total("sum")};");
            _w.Line($"{vectorType} divisor = {width.Class}.Create(total);");
            _w.Line($"{vectorType} inverse = {width.Class}.Create(1d / total);");
            scaled = "Mad(Mad(-({0} * inverse), divisor, {0}), inverse, {0} * inverse)";
        }

        _w.Open($"for (nuint j = 0; j < {Lit(full)}; j += {Lit(lanes)})");
        _w.Line($"{vectorType} value = {Load(width, "y", "j")};");
        _w.Line(Store(width, string.Format(CultureInfo.InvariantCulture, scaled, "value"), "y", "j"));
        _w.Close();
        if (remainder != 0)
        {
            _w.Line(Store(width, string.Format(CultureInfo.InvariantCulture, scaled, "tail"), "y", tailOffset));
        }

        _w.Close();
        _w.Line();
    }

    private static bool IsTwoPassKernel(Lane lane, int length, bool accurate, Width width) =>
        lane.IsSingle && !accurate && length >= TwoPassMinLength && length % width.Lanes(lane) == 0;

    /// <summary>
    /// The two-pass ("extended exponent", Dukhan and Ablavatski) kernel for long fast float rows, which reads the row
    /// twice and writes it once, against three reads and two writes for the three passes. Pass 1 sums
    /// exp(x) 2^-e = p(r) 2^(k - e) in blocks with a reference exponent e folded into the magic bias, exactly the
    /// exponential of the other kernels, and keeps each block's largest value; e starts at k of the first block's
    /// maximum and is raised (the sum rescaled) when a block holds a k more than 64 above it, and that block is summed
    /// again (from L1) when it is more than 126 above, where the exponent bits would wrap. At the end e becomes the
    /// row's M = round(max / ln 2), so pass 2 computes the very exponentials of the three-pass kernel, times the
    /// reciprocal of the sum. Pass 1 writes nothing: a NaN or +inf, or a maximum beyond the range where the three-pass
    /// kernel subtracts the maximum first, sends the row to that kernel, in place too.
    /// </summary>
    private void EmitTwoPassKernel(Lane lane, int length, Width width)
    {
        int lanes = width.Lanes(lane);
        int block = SumBlockVectors * lanes;
        string v = width.Of(lane);
        string c = width.Class;
        string n = Lit(length);
        string K(double value) => $"{c}.Create({lane.Literal(value)})";
        int kLimit = (int)System.Math.Round(lane.ShiftLimit * 1.4426950408889634);
        int magic = (int)lane.Magic;
        string fallback = $"{KernelName(lane, length, accurate: false)}{ThreePassSuffix}{width.Name}(input, output);";
        EmitKernelPrologue(lane, length, accurate: false, width, "two passes");

        string wide = width.Of(Lane.Double);
        _w.Line($"// Pass 1: the sum of exp(x) 2^-e, e a reference exponent raised as larger values come; blocks summed in");
        _w.Line($"// float, the block sums in double (float lost 6e-5 of a row of 4M equal values).");
        _w.Line($"// e starts at k = round(x / ln 2) of the first block's maximum, kept within the range of the magic bias.");
        _w.Line($"{v} m = {Load(width, "x", "0")};");
        _w.Open($"for (nuint j = {Lit(lanes)}; j < {Lit(System.Math.Min(block, length))}; j += {Lit(lanes)})");
        _w.Line($"m = Max(m, {Load(width, "x", "j")});");
        _w.Close();
        _w.Line("float first = HorizontalMax(m);");
        _w.Line($"int e = first >= {lane.Literal(-lane.ShiftLimit)} ? (first <= {lane.Literal(lane.ShiftLimit)} ? (int)global::System.Math.Round(first * 1.4426950408889634) : {Lit(kLimit)}) : {Lit(-kLimit)};");
        _w.Line($"{wide} sum = {wide}.Zero;");
        _w.Line($"{v} top = {c}.Create(float.NegativeInfinity);");
        _w.Open($"for (nuint b = 0; b < {n}; b += {Lit(block)})");
        _w.Line($"nuint end = b + {Lit(block)} < {n} ? b + {Lit(block)} : {n};");
        _w.Open("while (true)");
        _w.Line($"{v} bias = {c}.Create((float)({Lit(magic)} - e));");
        _w.Line($"{v} block = {v}.Zero;");
        _w.Line($"{v} blockMax = {c}.Create(float.NegativeInfinity);");
        _w.Open($"for (nuint j = b; j < end; j += {Lit(lanes)})");
        _w.Line($"{v} u = {Load(width, "x", "j")};");
        _w.Line("block += Exp(u, bias);");
        _w.Line("blockMax = Max(blockMax, u);");
        _w.Close();
        _w.Line();
        _w.Line("// k of the block's maximum, per lane, by the rounding of the exponential.");
        _w.Line($"{v} k = Mad(blockMax, {K(1.4426950408889634)}, bias) - bias;");
        _w.Line("top = Max(top, k);");
        _w.Open($"if (!{c}.GreaterThanAny(k, {c}.Create((float)(e + 64))))");
        _w.Line("sum += Widen(block);");
        _w.Line("break;");
        _w.Close();
        _w.Line();
        _w.Line("float raised = HorizontalMax(k);");
        _w.Open($"if (!(raised <= {lane.Literal(kLimit)}))");
        _w.Line("// +inf, or a maximum beyond the range of the magic bias: the three-pass kernel subtracts it first.");
        _w.Line(fallback);
        _w.Line("return;");
        _w.Close();
        _w.Line();
        _w.Line("int previous = e;");
        _w.Line("e = (int)raised;");
        _w.Line("// 2^(previous - e) in the exponent bits, 0 far below: no call, whose clobbered registers would make the JIT");
        _w.Line("// spill the exponential's constants out of every loop.");
        _w.Line($"{wide} rescale = {c}.Create(global::System.BitConverter.Int64BitsToDouble((long)global::System.Math.Max(previous - e + 1023, 0) << 52));");
        _w.Line("sum *= rescale;");
        _w.Open("if (e - previous <= 126)");
        _w.Line("sum += Widen(block) * rescale;");
        _w.Line("break;");
        _w.Close();
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line("float kMax = HorizontalMax(top);");
        _w.Open($"if (!(kMax >= {lane.Literal(-kLimit)}) || !(kMax <= {lane.Literal(kLimit)}))");
        _w.Line("// A row of -inf, or a maximum beyond the range of the magic bias.");
        _w.Line(fallback);
        _w.Line("return;");
        _w.Close();
        _w.Line();
        _w.Line("// The sum relative to 2^M (e <= M <= e + 64).");
        _w.Line($"double total = {c}.Sum(sum) * global::System.BitConverter.Int64BitsToDouble((long)(e - (int)kMax + 1023) << 52);");
        _w.Open("if (!(total > 0d))");
        _w.Line("// NaN.");
        _w.Line(fallback);
        _w.Line("return;");
        _w.Close();
        _w.Line();
        _w.Line("// Pass 2: the exponentials with e = M, as the three-pass kernel computes them, times the reciprocal of the sum.");
        _w.Line($"{v} vbias = {c}.Create((float)({Lit(magic)} - (int)kMax));");
        _w.Line($"{v} scale = {c}.Create((float)(1d / total));");
        _w.Open($"for (nuint j = 0; j < {n}; j += {Lit(lanes)})");
        _w.Line(Store(width, $"Exp({Load(width, "x", "j")}, vbias) * scale", "y", "j"));
        _w.Close();
        _w.Close();
        _w.Line();
    }

    /// <summary>Pass 2 over the full vectors: exponentials stored and summed.</summary>
    private void EmitExpLoops(Width width, string vectorType, Accumulator sum, int full, int lanes, System.Func<string, string> input)
    {
        int block = SumBlockVectors * lanes;
        int blockEnd = sum.Blocked ? full / block * block : 0;
        if (blockEnd > 0)
        {
            _w.Open($"for (nuint b = 0; b < {Lit(blockEnd)}; b += {Lit(block)})");
            EmitExpBlock(width, vectorType, sum, "b", $"b + {Lit(block)}", lanes, input);
            _w.Close();
        }

        if (blockEnd < full)
        {
            if (sum.Blocked)
            {
                _w.Open(string.Empty);
                EmitExpBlock(width, vectorType, sum, Lit(blockEnd), Lit(full), lanes, input);
                _w.Close();
            }
            else
            {
                _w.Open($"for (nuint j = 0; j < {Lit(full)}; j += {Lit(lanes)})");
                _w.Line(sum.Split
                    ? $"{vectorType} e = ExpAccurate({input("j")}, vbias, out {vectorType} low);"
                    : $"{vectorType} e = Exp({input("j")}, vbias);");
                _w.Line(Store(width, "e", "y", "j"));
                _w.Line(sum.Add("sum", "e"));
                if (sum.Split)
                {
                    _w.Line("sumLow += low;");
                }

                _w.Close();
            }
        }
    }

    private void EmitExpBlock(Width width, string vectorType, Accumulator sum, string start, string end, int lanes, System.Func<string, string> input)
    {
        _w.Line($"{vectorType} block = {vectorType}.Zero;");
        _w.Open($"for (nuint j = {start}; j < {end}; j += {Lit(lanes)})");
        _w.Line($"{vectorType} e = Exp({input("j")}, vbias);");
        _w.Line(Store(width, "e", "y", "j"));
        _w.Line("block += e;");
        _w.Close();
        _w.Line("sum += block;");
    }

    /// <summary>How a loop kernel accumulates the sum of its exponentials.</summary>
    private sealed class Accumulator
    {
        private readonly string _type;
        private readonly bool _kahan;
        private readonly bool _widen;

        private Accumulator(string type, bool blocked, bool kahan, bool widen, string description)
        {
            _type = type;
            Blocked = blocked;
            _kahan = kahan;
            _widen = widen;
            Description = description;
        }

        /// <summary>Blocked summation: a block accumulator every SumBlockVectors vectors, bounding error growth.</summary>
        public bool Blocked { get; }

        /// <summary>Accurate double: the exponentials come as hi + lo, and the lo parts are summed too.</summary>
        public bool Split => _kahan;

        public string Description { get; }

        public static Accumulator For(Lane lane, Width width, bool accurate) =>
            !accurate ? new Accumulator(width.Of(lane), blocked: true, kahan: false, widen: false, "summed in blocks to bound rounding growth")
            : lane.IsSingle ? new Accumulator(width.Of(Lane.Double), blocked: false, kahan: false, widen: true, "accumulated in double")
            : new Accumulator(width.Of(lane), blocked: false, kahan: true, widen: false, "Kahan-compensated, with the rounding errors of the exponentials");

        public void Declare(IndentedWriter w, string name)
        {
            w.Line($"{_type} {name} = {_type}.Zero;");
            if (_kahan)
            {
                w.Line($"{_type} {name}Compensation = {_type}.Zero;");
                w.Line($"{_type} {name}Low = {_type}.Zero;");
            }
        }

        public string Add(string name, string value) =>
            _kahan ? $"KahanAdd(ref {name}, ref {name}Compensation, {value});"
            : _widen ? $"{name} += Widen({value});"
            : $"{name} += {value};";

        public string Total(string name) =>
            _kahan ? $"CompensatedSum({name}, {name}Low - {name}Compensation)" : $"HorizontalSum({name})";
    }

    private void EmitScalarKernel(Lane lane, int length)
    {
        string t = lane.Keyword;
        string n = Lit(length);
        _w.Line($"/// <summary>Scalar kernel for rows of {n} values: exponentials and a compensated sum in double precision, for targets without SIMD.</summary>");
        _w.Open($"private static void {ScalarName(lane, length)}(global::System.ReadOnlySpan<{t}> x, global::System.Span<{t}> y)");
        _w.Line($"{t} max = x[0];");
        _w.Open($"for (int i = 1; i < {n}; i++)");
        _w.Open("if (x[i] > max)");
        _w.Line("max = x[i];");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Open($"if ({t}.IsPositiveInfinity(max))");
        _w.Line($"{lane.Name}InfinityRow(x, y);");
        _w.Line("return;");
        _w.Close();
        _w.Line();
        // Pass 2 only sums (Kahan-compensated, in double); pass 3 recomputes each exponential, so nothing is rounded to
        // the element type before the division, and in place the input is still intact.
        _w.Line("double bias = DoubleRowBias(max, out double shift);");
        string exp = lane.IsSingle ? "ExpScaled((double)x[i] - shift, bias)" : "ExpScaled(x[i] - shift, bias)";
        _w.Line("double sum = 0d;");
        _w.Line("double compensation = 0d;");
        _w.Open($"for (int i = 0; i < {n}; i++)");
        _w.Line($"double term = {exp} - compensation;");
        _w.Line("double next = sum + term;");
        _w.Line("compensation = (next - sum) - term;");
        _w.Line("sum = next;");
        _w.Close();
        _w.Line();
        _w.Open($"for (int i = 0; i < {n}; i++)");
        _w.Line(lane.IsSingle ? $"y[i] = (float)({exp} / sum);" : $"y[i] = {exp} / sum;");
        _w.Close();
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Emits <c>{Lane}RowBias(max, out shift)</c>: returns MagicBase + ExponentBias - M, M = round(max / ln 2), so that
    /// <c>t = x * log2(e) + bias</c> rounds to k - M + ExponentBias in its low bits. When |max| is too large for that
    /// rounding, the row is shifted by its maximum first (x - max is then exact for every element that matters,
    /// by Sterbenz's lemma) and M is 0.
    /// </summary>
    private void EmitRowBiasHelper(Lane lane)
    {
        string t = lane.Keyword;
        _w.Line($"/// <summary>The magic-bias constant of a row with this maximum, and the shift to subtract first.</summary>");
        _w.Line(Inline);
        _w.Open($"private static {t} {lane.Name}RowBias({t} max, out {t} shift)");
        _w.Open($"if (global::System.Math.Abs(max) < {lane.Literal(lane.ShiftLimit)})");
        _w.Line($"shift = {lane.Literal(0)};");
        _w.Line($"return ({t})({Lane.Double.Literal(lane.Magic)} - global::System.Math.Round(max * {Lane.Double.Literal(1.4426950408889634)}));");
        _w.Close();
        _w.Line();
        _w.Line("shift = max;");
        _w.Line($"return {lane.Literal(lane.Magic)};");
        _w.Close();
        _w.Line();
    }

    private void EmitInfinityRow(Lane lane)
    {
        string t = lane.Keyword;
        _w.Line("/// <summary>The row maximum is +∞: the +∞ entries share the mass equally, the others get 0; NaN anywhere gives NaN.</summary>");
        _w.Line(NoInline);
        _w.Open($"private static void {lane.Name}InfinityRow(global::System.ReadOnlySpan<{t}> x, global::System.Span<{t}> y)");
        _w.Line("int count = 0;");
        _w.Line("bool nan = false;");
        _w.Open("for (int i = 0; i < x.Length; i++)");
        _w.Open($"if ({t}.IsPositiveInfinity(x[i]))");
        _w.Line("count++;");
        _w.Close();
        _w.Open($"else if ({t}.IsNaN(x[i]))");
        _w.Line("nan = true;");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line($"{t} share = nan ? {t}.NaN : {lane.Literal(1)} / count;");
        _w.Line($"{t} other = nan ? {t}.NaN : {lane.Literal(0)};");
        _w.Open("for (int i = 0; i < x.Length; i++)");
        _w.Line($"y[i] = {t}.IsPositiveInfinity(x[i]) ? share : other;");
        _w.Close();
        _w.Close();
        _w.Line();
    }

    private void EmitVectorHelpers(Lane lane, Width width)
    {
        string v = width.Of(lane);
        string c = width.Class;
        string x86 = "global::System.Runtime.Intrinsics.X86.";
        string arm = "global::System.Runtime.Intrinsics.Arm.";

        _w.Line(Inline);
        _w.Open($"private static {v} Mad({v} a, {v} b, {v} c)");
        if (width == Width.Vector512)
        {
            _w.Open($"if ({x86}Avx512F.IsSupported)");
            _w.Line($"return {x86}Avx512F.FusedMultiplyAdd(a, b, c);");
            _w.Close();
        }
        else
        {
            _w.Open($"if ({x86}Fma.IsSupported)");
            _w.Line($"return {x86}Fma.MultiplyAdd(a, b, c);");
            _w.Close();
        }

        if (width == Width.Vector128)
        {
            string armClass = lane.IsSingle ? arm + "AdvSimd" : arm + "AdvSimd.Arm64";
            _w.Open($"if ({armClass}.IsSupported)");
            _w.Line($"return {armClass}.FusedMultiplyAdd(c, a, b);");
            _w.Close();
        }

        _w.Line("return (a * b) + c;");
        _w.Close();
        _w.Line();

        _w.Line(Inline);
        _w.Line($"private static {v} Max({v} a, {v} b) => {c}.{(_capabilities.HasMaxNative ? "MaxNative" : "Max")}(a, b);");
        _w.Line();

        foreach ((string name, string combine) in new[] { ("HorizontalMax", "Max({0}, {1})"), ("HorizontalSum", "{0} + {1}") })
        {
            _w.Line(Inline);
            _w.Open($"private static {lane.Keyword} {name}({v} v)");
            if (width != Width.Vector128)
            {
                _w.Line($"return {name}({string.Format(CultureInfo.InvariantCulture, combine, $"{c}.GetLower(v)", $"{c}.GetUpper(v)")});");
            }
            else
            {
                string shuffle = Width.Vector128.Class + ".Shuffle";
                if (lane.IsSingle)
                {
                    _w.Line($"v = {string.Format(CultureInfo.InvariantCulture, combine, "v", $"{shuffle}(v, {Width.Vector128.Class}.Create(2, 3, 0, 1))")};");
                    _w.Line($"v = {string.Format(CultureInfo.InvariantCulture, combine, "v", $"{shuffle}(v, {Width.Vector128.Class}.Create(1, 0, 3, 2))")};");
                }
                else
                {
                    _w.Line($"v = {string.Format(CultureInfo.InvariantCulture, combine, "v", $"{shuffle}(v, {Width.Vector128.Class}.Create(1L, 0L))")};");
                }

                _w.Line($"return {Width.Vector128.Class}.ToScalar(v);");
            }

            _w.Close();
            _w.Line();
        }

        EmitBroadcastReductions(lane, width);
        EmitVectorRowBias(lane, width);

        if (lane.IsSingle)
        {
            string wide = width.Of(Lane.Double);
            _w.Line("/// <summary>The sum of the two halves of a float vector, in double.</summary>");
            _w.Line(Inline);
            _w.Open($"private static {wide} Widen({v} v)");
            _w.Line($"({wide} lower, {wide} upper) = {c}.Widen(v);");
            _w.Line("return lower + upper;");
            _w.Close();
            _w.Line();
            foreach ((string name, string op) in new[] { ("DivideNarrow", "/") })
            {
                _w.Line(Inline);
                _w.Open($"private static {v} {name}({v} v, {wide} s)");
                _w.Line($"({wide} lower, {wide} upper) = {c}.Widen(v);");
                _w.Line($"return {c}.Narrow(lower {op} s, upper {op} s);");
                _w.Close();
                _w.Line();
            }
        }
        else
        {
            _w.Line("/// <summary>Σ hi + Σ lo over the lanes, the hi lanes summed with Neumaier compensation.</summary>");
            _w.Line(Inline);
            _w.Open($"private static double CompensatedSum({v} hi, {v} lo)");
            _w.Line($"double sum = {c}.GetElement(hi, 0);");
            _w.Line("double compensation = 0d;");
            _w.Open($"for (int i = 1; i < {Lit(width.Lanes(lane))}; i++)");
            _w.Line($"double value = {c}.GetElement(hi, i);");
            _w.Line("double next = sum + value;");
            _w.Line("compensation += global::System.Math.Abs(sum) >= global::System.Math.Abs(value) ? (sum - next) + value : (value - next) + sum;");
            _w.Line("sum = next;");
            _w.Close();
            _w.Line();
            _w.Line("return sum + (compensation + HorizontalSum(lo));");
            _w.Close();
            _w.Line();
            _w.Line("/// <summary>The quotient (hi + lo) / s, correctly rounded up to the last rounding.</summary>");
            _w.Line(Inline);
            _w.Open($"private static {v} Refine({v} hi, {v} lo, {v} s)");
            _w.Line($"{v} quotient = hi / s;");
            _w.Line($"return quotient + ((Mad(-quotient, s, hi) + lo) / s);");
            _w.Close();
            _w.Line();
            _w.Line(Inline);
            _w.Open($"private static void KahanAdd(ref {v} sum, ref {v} compensation, {v} value)");
            _w.Line($"{v} term = value - compensation;");
            _w.Line($"{v} next = sum + term;");
            _w.Line("compensation = (next - sum) - term;");
            _w.Line("sum = next;");
            _w.Close();
            _w.Line();
        }

        EmitVectorExp(lane, width);
        if (!lane.IsSingle)
        {
            EmitVectorExpAccurate(width);
        }
    }

    /// <summary>
    /// <c>AllMax</c> and <c>AllSum</c>: the horizontal maximum and sum with the result in every lane, by butterflies
    /// (swap the halves, then pairs, then neighbours), so no extract and broadcast sit on the row's critical path. Every
    /// lane's sum is rounded exactly as lane 0 of <c>HorizontalSum</c> (the same pairs, only commuted).
    /// </summary>
    private void EmitBroadcastReductions(Lane lane, Width width)
    {
        string v = width.Of(lane);
        string c = width.Class;
        string avx = "global::System.Runtime.Intrinsics.X86.Avx";
        foreach ((string name, string scalar, string combine) in new[] { ("AllMax", "HorizontalMax", "Max({0}, {1})"), ("AllSum", "HorizontalSum", "{0} + {1}") })
        {
            string Combine(string a, string b) => string.Format(CultureInfo.InvariantCulture, combine, a, b);
            _w.Line(Inline);
            _w.Open($"private static {v} {name}({v} v)");
            if (width == Width.Vector256)
            {
                _w.Open($"if ({avx}.IsSupported)");
                _w.Line($"v = {Combine("v", $"{avx}.Permute2x128(v, v, 1)")};");
                if (lane.IsSingle)
                {
                    _w.Line($"v = {Combine("v", $"{avx}.Permute(v, 0b01_00_11_10)")};");
                    _w.Line($"return {Combine("v", $"{avx}.Permute(v, 0b10_11_00_01)")};");
                }
                else
                {
                    _w.Line($"return {Combine("v", $"{avx}.Permute(v, 0b0101)")};");
                }

                _w.Close();
                _w.Line();
            }
            else if (width == Width.Vector512)
            {
                // Butterflies in the zmm register (the same pairs as HorizontalSum): swap the 256-bit halves, the
                // 128-bit quarters, then within 128 bits; no extracts to narrower registers and no broadcast back.
                string avx512 = "global::System.Runtime.Intrinsics.X86.Avx512F";
                _w.Open($"if ({avx512}.IsSupported)");
                _w.Line($"v = {Combine("v", $"{avx512}.Shuffle4x128(v, v, 0b01_00_11_10)")};");
                _w.Line($"v = {Combine("v", $"{avx512}.Shuffle4x128(v, v, 0b10_11_00_01)")};");
                if (lane.IsSingle)
                {
                    _w.Line($"v = {Combine("v", $"{avx512}.Permute4x32(v, 0b01_00_11_10)")};");
                    _w.Line($"return {Combine("v", $"{avx512}.Permute4x32(v, 0b10_11_00_01)")};");
                }
                else
                {
                    _w.Line($"return {Combine("v", $"{avx512}.Permute2x64(v, 0b0101_0101)")};");
                }

                _w.Close();
                _w.Line();
            }
            else if (width == Width.Vector128)
            {
                string shuffle = c + ".Shuffle";
                if (lane.IsSingle)
                {
                    _w.Line($"v = {Combine("v", $"{shuffle}(v, {c}.Create(2, 3, 0, 1))")};");
                    _w.Line($"return {Combine("v", $"{shuffle}(v, {c}.Create(1, 0, 3, 2))")};");
                }
                else
                {
                    _w.Line($"return {Combine("v", $"{shuffle}(v, {c}.Create(1L, 0L))")};");
                }

                _w.Close();
                _w.Line();
                continue;
            }

            _w.Line($"return {c}.Create({scalar}(v));");
            _w.Close();
            _w.Line();
        }
    }

    /// <summary>
    /// <c>RowBias(max, out shift)</c> in vector form: MagicBase + ExponentBias - M with M = round(max / ln 2) by one
    /// magic-bias FMA (any integer M gives the same probabilities: 2^-M scales the exponentials and their sum alike),
    /// and the shift to subtract first: 0, or the maximum itself where |max| is too large for that rounding (x - max
    /// is then exact for every element that matters, by Sterbenz's lemma, and M is 0).
    /// </summary>
    private void EmitVectorRowBias(Lane lane, Width width)
    {
        string v = width.Of(lane);
        string c = width.Class;
        string K(double value) => $"{c}.Create({lane.Literal(value)})";
        _w.Line(Inline);
        _w.Open($"private static {v} RowBias({v} max, out {v} shift)");
        _w.Line($"{v} small = {c}.LessThan({c}.Abs(max), {K(lane.ShiftLimit)});");
        _w.Line($"shift = {c}.AndNot(max, small);");
        _w.Line($"return {c}.ConditionalSelect(small, Mad(max, {K(-1.4426950408889634)}, {K(lane.Magic)}), {K(lane.Magic)});");
        _w.Close();
        _w.Line();
        _w.Line("/// <summary><c>RowBias</c> of a maximum that is the same in every lane, chosen by a scalar test: a predicted branch, so the");
        _w.Line("/// exponentials do not wait for a vector compare and select (the usual row takes shift = 0).</summary>");
        _w.Line(Inline);
        _w.Open($"private static {v} UniformRowBias({v} max, out {v} shift)");
        _w.Open($"if (global::System.Math.Abs({c}.ToScalar(max)) < {lane.Literal(lane.ShiftLimit)})");
        _w.Line($"shift = {v}.Zero;");
        _w.Line($"return Mad(max, {K(-1.4426950408889634)}, {K(lane.Magic)});");
        _w.Close();
        _w.Line();
        _w.Line("shift = max;");
        _w.Line($"return {K(lane.Magic)};");
        _w.Close();
        _w.Line();
    }

    private void EmitVectorExp(Lane lane, Width width)
    {
        string v = width.Of(lane);
        string c = width.Class;
        string K(double value) => $"{c}.Create({lane.Literal(value)})";

        _w.Line("/// <summary>exp(u) 2^-M for the row bias of <c>RowBias</c>: +0 where the result is not a normal number (with AVX-512: far below the smallest normal), NaN stays NaN.</summary>");
        _w.Line(Inline);
        _w.Open($"private static {v} Exp({v} u, {v} bias)");
        // Avx512F (and its VL subclass) exists wherever Vector512 does (.NET 8 on).
        bool scale = width != Width.Vector128 && _capabilities.HasVector512;
        if (scale)
        {
            _w.Open($"if ({ScaleIsa(width)}.IsSupported)");
            _w.Line("return ExpScale(u, bias);");
            _w.Close();
            _w.Line();
        }

        EmitReduction(v, K, lane);
        if (lane.IsSingle)
        {
            // exp(r) = 1 + r + r^2 P(r), P by Horner: with AVX2's 16 registers already holding the loop's invariants,
            // Estrin's extra live temporaries made the JIT spill more, and float gained nothing from it.
            double[] p = lane.Polynomial;
            _w.Line($"{v} p = Mad({K(p[0])}, r, {K(p[1])});");
            for (int j = 2; j < p.Length; j++)
            {
                _w.Line($"p = Mad(p, r, {K(p[j])});");
            }

            _w.Line($"p = Mad(p, r * r, r + {K(1)});");
        }
        else
        {
            // exp(r) = 1 + (r + r^2 P(r)), P (degree 9) by Estrin's scheme: 4 dependent FMAs instead of 11, and the
            // leading 1 + r added last, rounded once, as Horner's scheme would.
            double[] p = lane.Polynomial;
            string poly = EmitEstrin(v, K, p.Take(p.Length - 2).ToArray(), "p");
            _w.Line($"{v} p = {K(1)} + Mad({poly}, pR2, r);");
        }

        _w.Line($"{v} scale = {c}.{lane.AsSelf}({c}.ShiftLeft({c}.{lane.AsInteger}(t), {Lit(lane.ExponentShift)}));");
        _w.Line($"return {c}.AndNot(p * scale, {c}.LessThan(t, {K(lane.FlushBelow)}));");
        _w.Close();
        _w.Line();
        if (scale)
        {
            EmitScaleExp(lane, width);
        }
    }

    /// <summary>The AVX-512 class whose <c>Scale</c> takes vectors of <paramref name="width"/>.</summary>
    private static string ScaleIsa(Width width) =>
        "global::System.Runtime.Intrinsics.X86." + (width == Width.Vector512 ? "Avx512F" : "Avx512F.VL");

    /// <summary>
    /// The AVX-512 exponential (Vector512 with AVX-512F, Vector256 with AVX-512VL): 2^(k - M) is applied by
    /// <c>vscalefps</c>/<c>vscalefpd</c> (<c>Scale(p, n)</c> = p 2^n), so neither the shift into the exponent bits, its
    /// multiply, nor the flush compare is needed: results below the smallest normal become subnormal, and u is clamped
    /// first at <see cref="Lane.ScaleCutoff"/> below the row's M ln 2, where p 2^(k - M) rounds to +0 (this also makes
    /// -inf give +0 instead of NaN; vmaxps returns its second operand, u, when u is NaN). The float polynomial is
    /// evaluated wholly by Horner's scheme, 1 + r (1 + r P(r)): no r^2 multiply.
    /// </summary>
    private void EmitScaleExp(Lane lane, Width width)
    {
        string v = width.Of(lane);
        string c = width.Class;
        string K(double value) => $"{c}.Create({lane.Literal(value)})";
        const string x86 = "global::System.Runtime.Intrinsics.X86.";
        string isa = ScaleIsa(width);
        string max = width == Width.Vector512 ? x86 + "Avx512F.Max" : x86 + "Avx.Max";
        const double ln2 = 0.69314718055994531;
        _w.Line($"/// <summary><c>Exp</c> where {isa.Substring(x86.Length)} is supported: 2^(k - M) applied by Scale (vscalef), no flush compare.</summary>");
        _w.Line(Inline);
        _w.Open($"private static {v} ExpScale({v} u, {v} bias)");
        _w.Line($"u = {max}(Mad(bias, {K(-ln2)}, {K((lane.Magic * ln2) + lane.ScaleCutoff)}), u);");
        EmitReduction(v, K, lane);
        double[] p = lane.Polynomial;
        if (lane.IsSingle)
        {
            _w.Line($"{v} p = Mad({K(p[0])}, r, {K(p[1])});");
            for (int j = 2; j < p.Length; j++)
            {
                _w.Line($"p = Mad(p, r, {K(p[j])});");
            }

            _w.Line($"p = Mad(p, r, {K(1)});");
            _w.Line($"p = Mad(p, r, {K(1)});");
        }
        else
        {
            string poly = EmitEstrin(v, K, p.Take(p.Length - 2).ToArray(), "p");
            _w.Line($"{v} p = {K(1)} + Mad({poly}, pR2, r);");
        }

        _w.Line($"return {isa}.Scale(p, t - {K(lane.Magic)});");
        _w.Close();
        _w.Line();
    }

    /// <summary>The range reduction shared by both exponentials: t, k and r of exp(u) 2^-M = p(r) 2^(k - M).</summary>
    private void EmitReduction(string v, System.Func<double, string> constant, Lane lane)
    {
        _w.Line("// t = k - M + ExponentBias + MagicBase with k = round(u / ln 2): the low bits of t hold the biased exponent of 2^(k - M).");
        _w.Line($"{v} t = Mad(u, {constant(1.4426950408889634)}, bias);");
        _w.Line($"{v} k = t - bias;");
        _w.Line("// r = u - k ln 2 in two steps (Cody-Waite), |r| <= ln(2) / 2.");
        _w.Line($"{v} r = Mad(k, {constant(-lane.Ln2Hi)}, u);");
        _w.Line($"r = Mad(k, {constant(-lane.Ln2Lo)}, r);");
    }

    /// <summary>
    /// The accurate double exponential: as <c>Exp</c>, but the last step 1 + q is split into hi + lo (Fast2Sum), so
    /// the rounding of the result is known and can be carried into the sum and the division.
    /// </summary>
    private void EmitVectorExpAccurate(Width width)
    {
        Lane lane = Lane.Double;
        string v = width.Of(lane);
        string c = width.Class;
        string K(double value) => $"{c}.Create({lane.Literal(value)})";
        _w.Line("/// <summary>exp(u) 2^-M as hi + lo: the result and its rounding error.</summary>");
        _w.Line(Inline);
        _w.Open($"private static {v} ExpAccurate({v} u, {v} bias, out {v} low)");
        EmitReduction(v, K, lane);
        double[] p = lane.Polynomial;
        string poly = EmitEstrin(v, K, p.Take(p.Length - 2).ToArray(), "p");
        _w.Line("// exp(r) = 1 + q with q = r + r^2 P(r); hi = 1 + q rounded, lo = its exact rounding error.");
        _w.Line($"{v} q = Mad({poly}, pR2, r);");
        _w.Line($"{v} hi = {K(1)} + q;");
        _w.Line($"{v} lo = ({K(1)} - hi) + q;");
        _w.Line($"{v} scale = {c}.{lane.AsSelf}({c}.ShiftLeft({c}.{lane.AsInteger}(t), {Lit(lane.ExponentShift)}));");
        _w.Line($"{v} keep = {c}.LessThan(t, {K(lane.FlushBelow)});");
        _w.Line($"low = {c}.AndNot(lo * scale, keep);");
        _w.Line($"return {c}.AndNot(hi * scale, keep);");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Emits the polynomial with coefficients <paramref name="highestFirst"/> in r by Estrin's scheme: pairs
    /// a_2i + a_2i+1 r, then pairs of those combined with r^2, r^4, r^8. Declares <c>{name}R2</c> (r^2), which callers
    /// may use, and returns the expression of the result.
    /// </summary>
    private string EmitEstrin(string v, System.Func<double, string> constant, double[] highestFirst, string name)
    {
        double[] a = highestFirst.Reverse().ToArray();
        var terms = new List<string>();
        for (int i = 0; i < a.Length; i += 2)
        {
            if (i + 1 < a.Length)
            {
                string term = $"{name}{Lit(i / 2)}";
                _w.Line($"{v} {term} = Mad({constant(a[i + 1])}, r, {constant(a[i])});");
                terms.Add(term);
            }
            else
            {
                terms.Add(constant(a[i]));
            }
        }

        string power = "r";
        for (int level = 1; level == 1 || terms.Count > 1; level++)
        {
            string next = $"{name}R{Lit(1 << level)}";
            _w.Line($"{v} {next} = {power} * {power};");
            power = next;
            var combined = new List<string>();
            for (int i = 0; i < terms.Count; i += 2)
            {
                if (i + 1 < terms.Count)
                {
                    string term = $"{name}{Lit(level)}_{Lit(i / 2)}";
                    _w.Line($"{v} {term} = Mad({terms[i + 1]}, {power}, {terms[i]});");
                    combined.Add(term);
                }
                else
                {
                    combined.Add(terms[i]);
                }
            }

            terms = combined;
        }

        return terms[0];
    }

    private void EmitScalarExp()
    {
        Lane d = Lane.Double;
        _w.Line("/// <summary>exp(u) 2^-M in double precision for the row bias of <c>DoubleRowBias</c>: +0 where the result is not a normal double.</summary>");
        _w.Line(Inline);
        _w.Open("private static double ExpScaled(double u, double bias)");
        _w.Line($"double t = (u * {d.Literal(1.4426950408889634)}) + bias;");
        _w.Open($"if (t < {d.Literal(d.FlushBelow)})");
        _w.Line("return 0d;");
        _w.Close();
        _w.Line();
        _w.Line("double k = t - bias;");
        _w.Line($"double r = u - (k * {d.Literal(d.Ln2Hi)});");
        _w.Line($"r -= k * {d.Literal(d.Ln2Lo)};");
        _w.Line($"double p = {d.Literal(d.Polynomial[0])};");
        for (int j = 1; j < d.Polynomial.Length; j++)
        {
            _w.Line($"p = (p * r) + {d.Literal(d.Polynomial[j])};");
        }

        _w.Line($"return p * global::System.BitConverter.Int64BitsToDouble(global::System.BitConverter.DoubleToInt64Bits(t) << {Lit(d.ExponentShift)});");
        _w.Close();
    }
}
