using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>The dispatchers that pick a kernel width at JIT time, and the width hooks generated for tests.</summary>
internal sealed partial class KernelEmitter
{
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
        EmitWidthListHooks(lane, length, accurate, widths);
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

    /// <summary>The hooks <c>{Name}Widths()</c> and <c>{Name}SelectedWidth()</c> of one row length and precision.</summary>
    private void EmitWidthListHooks(Lane lane, int length, bool accurate, List<Width> widths)
    {
        string name = KernelName(lane, length, accurate);
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
                // Named after the attribute's first generated method: unique per type (SMX1004), also where two attributes
                // share a MethodName but generate different functions.
                string first = Diagnostics.SoftmaxUsageRules.GeneratedNames(m, kernel.Functions)[0];
                _w.Line($"internal static int[] {first}{lane.Name}Widths() => {k}.{name}Widths();");
                _w.Line();
                _w.Line($"/// <summary>The width in bits that <c>{m}</c> takes for <see cref=\"{t}\"/> rows in this process, by the dispatcher's own tests; 0 is the scalar kernel.</summary>");
                _w.Line($"internal static int {first}{lane.Name}SelectedWidth() => {k}.{name}SelectedWidth();");
                _w.Line();

                if (!kernel.Has(LayerFunctions.Softmax) || kernel.IsRuntime)
                {
                    new LayerApiEmitter(_w, kernel, lane, hook: true).Emit();
                    continue;
                }

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
                if (LayerFunctions.HasLayer(kernel.Functions))
                {
                    new LayerApiEmitter(_w, kernel, lane, hook: true).Emit();
                }
            }
        }

        _w.Close();
        _w.Line();
    }
}
