using System.Collections.Generic;
using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// The layer functions (log-softmax, log-sum-exp, cross-entropy, backward, temperature): per width, each function's
/// plan written as calls of its passes (<c>KernelEmitter.LayerPasses</c>); the JIT-time dispatchers; the width hooks.
/// </summary>
internal sealed partial class KernelEmitter
{
    /// <summary>Emits every pass and function that <paramref name="functions"/> needs for one row length and precision.</summary>
    private void EmitLayerKernels(Lane lane, int length, bool accurate, int functions, List<Width> widths, bool widthHooks, bool softmaxHooks)
    {
        List<LayerKernel> kernels = LayerKernel.All.Where(k => (functions & k.Function) != 0).ToList();
        foreach (LayerKernel kernel in kernels)
        {
            EmitLayerDispatcher(lane, length, accurate, kernel, widths);
            if (widthHooks)
            {
                EmitLayerWidthHook(lane, length, accurate, kernel, widths);
            }
        }

        if (widthHooks && !softmaxHooks)
        {
            EmitWidthListHooks(lane, length, accurate, widths);
        }

        foreach (Width width in widths)
        {
            foreach (LayerCore core in LayerPlan.Cores(functions))
            {
                EmitLayerCore(lane, length, accurate, width, core);
            }

            foreach (string epilogue in LayerPlan.Epilogues(functions))
            {
                switch (epilogue)
                {
                    case LayerPlan.LogShift: EmitLogShiftPass(lane, length, accurate, width); break;
                    case LayerPlan.Scale: EmitScalePass(lane, length, accurate, width); break;
                    case LayerPlan.Gradient: EmitGradientPass(lane, length, accurate, width); break;
                    case LayerPlan.TargetDot: EmitTargetDotPass(lane, length, accurate, width); break;
                    case LayerPlan.Dot: EmitDotPass(lane, length, accurate, width); break;
                    default: EmitBackwardPass(lane, length, accurate, width); break;
                }
            }

            foreach (LayerKernel kernel in kernels)
            {
                EmitLayerFunction(lane, length, accurate, width, kernel);
            }

            if (kernels.Contains(LayerKernel.Softmax) && HasRuntimeTwoPass(lane, length, accurate))
            {
                EmitTwoPassKernel(lane, length, width);
                _w.Line($"/// <summary>{width.Name} softmax of a row of any length: three passes (the two-pass kernel's fallback).</summary>");
                _w.Line(Inline);
                _w.Open($"private static void {LayerName(lane, length, accurate, LayerKernel.Softmax)}{ThreePassSuffix}{width.Name}(global::System.ReadOnlySpan<{lane.Keyword}> input, global::System.Span<{lane.Keyword}> output)");
                _w.Line("nuint n = (nuint)input.Length;");
                EmitSoftmaxPlan(lane, length, accurate, width);
                _w.Close();
                _w.Line();
            }
        }
    }

    /// <summary>Run-time fast float rows of millions of values take the two-pass kernel (<see cref="TwoPassMinLength"/>).</summary>
    private static bool HasRuntimeTwoPass(Lane lane, int length, bool accurate) => length == 0 && lane.IsSingle && !accurate;

    /// <summary>The softmax plan: <see cref="LayerCore.SoftmaxStore"/>, the special-row test, <see cref="LayerPlan.Scale"/>.</summary>
    private void EmitSoftmaxPlan(Lane lane, int length, bool accurate, Width width)
    {
        string t = lane.Keyword;
        string y = $"ref {MemoryMarshal}.GetReference(output)";
        _w.Line($"ref {t} y = {y};");
        _w.Line($"double sum = {PassName(lane, length, accurate, LayerCore.SoftmaxStore.Name, width)}({LengthArgument(length)}ref {MemoryMarshal}.GetReference(input), ref y, out {t} max);");
        _w.Open($"if (!(max > {t}.NegativeInfinity && max < {t}.PositiveInfinity))");
        _w.Line($"{LayerScalarName(lane, LayerKernel.Softmax)}(input, output);");
        _w.Line("return;");
        _w.Close();
        _w.Line();
        _w.Line($"{PassName(lane, length, accurate, LayerPlan.Scale, width)}({LengthArgument(length)}ref y, sum, {lane.Literal(1)});");
    }

    /// <summary>
    /// For a run-time length, the shortest row a width's kernel takes: one vector, except Vector512 for double rows of
    /// at most two such vectors, where the Vector256 kernel measured faster (as for the fixed lengths, <c>WidthsFor</c>).
    /// </summary>
    internal static int RuntimeMinimum(Lane lane, Width width, LayerKernel kernel) =>
        !lane.IsSingle && width == Width.Vector512 ? (2 * width.Lanes(lane)) + 1
        : HasShortSoftmax(lane, width, kernel) ? 2
        : width.Lanes(lane);

    /// <summary>The run-time float softmax of 2 or 3 values runs in one Vector128 padded with -∞ (<see cref="EmitShortSoftmax"/>).</summary>
    private static bool HasShortSoftmax(Lane lane, Width width, LayerKernel kernel) =>
        lane.IsSingle && width == Width.Vector128 && kernel == LayerKernel.Softmax;

    private static string RuntimeCondition(Lane lane, int length, Width width, LayerKernel kernel) =>
        length == 0 ? $" && {kernel.Arguments.Split(',')[0]}.Length >= {Lit(RuntimeMinimum(lane, width, kernel))}" : string.Empty;

    /// <summary>
    /// A run-time row of one to two vectors, held in registers as the fixed-length register kernels hold theirs: the
    /// first vector and the one ending the row (they overlap unless the row is exactly two vectors; the second's
    /// repeated lanes are masked out of the sum by the tail table at n - lanes).
    /// </summary>
    private void EmitTwoVectorSoftmax(Lane lane, bool accurate, Width width)
    {
        string t = lane.Keyword;
        string v = width.Of(lane);
        string c = width.Class;
        int lanes = width.Lanes(lane);
        string last = $"n - {Lit(lanes)}";
        EmitOneVectorSoftmax(lane, accurate, width);
        _w.Open($"if (n <= {Lit(2 * lanes)})");
        _w.Line($"ref {t} source = ref {MemoryMarshal}.GetReference(input);");
        _w.Line($"ref {t} target = ref {MemoryMarshal}.GetReference(output);");
        _w.Line($"{v} head = {Load(width, "source", "0")};");
        _w.Line($"{v} rest = {Load(width, "source", last)};");
        EmitRowBias(lane, width, "Max(head, rest)");
        _w.Line($"{v} eHead = Exp(head - rowShift, rowBias);");
        _w.Line($"{v} eRest = Exp(rest - rowShift, rowBias);");
        if (accurate && lane.IsSingle)
        {
            // Accurate float: the sum in double and each output divided in double, as the fixed-length register kernels.
            _w.Line($"{width.Of(Lane.Double)} rowSum = AllSum(Widen(eHead) + Widen(eRest & {width.Name}{lane.Name}Tail({last})));");
            _w.Line(Store(width, "DivideNarrow(eRest, rowSum)", "target", last));
            _w.Line(Store(width, "DivideNarrow(eHead, rowSum)", "target", "0"));
            _w.Line("return;");
            _w.Close();
            _w.Line();
            return;
        }

        _w.Line($"{v} rowSum = AllSum(eHead + (eRest & {width.Name}{lane.Name}Tail({last})));");
        if (accurate)
        {
            _w.Line(Store(width, "eRest / rowSum", "target", last));
            _w.Line(Store(width, "eHead / rowSum", "target", "0"));
        }
        else
        {
            _w.Line($"{v} scale = {c}.Create({lane.Literal(1)}) / rowSum;");
            _w.Line(Store(width, "eRest * scale", "target", last));
            _w.Line(Store(width, "eHead * scale", "target", "0"));
        }

        _w.Line("return;");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// The register rows' maximum (<c>rowMax</c>, from the vector <paramref name="maxOf"/>), the scalar kernel for a
    /// row whose maximum is not finite, and the row bias (<c>rowBias</c>, <c>rowShift</c>) of the exponentials.
    /// </summary>
    private void EmitRowBias(Lane lane, Width width, string maxOf)
    {
        string t = lane.Keyword;
        string v = width.Of(lane);
        _w.Line($"{v} rowMax = AllMax({maxOf});");
        _w.Line($"{t} top = {width.Class}.ToScalar(rowMax);");
        _w.Open($"if (!(top > {t}.NegativeInfinity && top < {t}.PositiveInfinity))");
        _w.Line($"{LayerScalarName(lane, LayerKernel.Softmax)}(input, output);");
        _w.Line("return;");
        _w.Close();
        _w.Line();
        _w.Line($"{v} rowBias = UniformRowBias(rowMax, out {v} rowShift);");
    }

    /// <summary>
    /// A run-time row of exactly one vector (16 floats on the 512-bit path, 4 doubles on the 256-bit one...): one
    /// exponential, no tail mask, and a division, as the fixed-length one-vector kernels (measured on Zen 4: the
    /// two-vector path took 16.1-20.3 ns at N = 16, this one 11.0-14.3 ns, the fixed-length kernel's 11.0-15.9).
    /// </summary>
    private void EmitOneVectorSoftmax(Lane lane, bool accurate, Width width)
    {
        string v = width.Of(lane);
        _w.Open($"if (n == {Lit(width.Lanes(lane))})");
        _w.Line($"{v} row = {Load(width, $"{MemoryMarshal}.GetReference(input)", "0")};");
        EmitRowBias(lane, width, "row");
        _w.Line($"{v} e = Exp(row - rowShift, rowBias);");
        string result = accurate && lane.IsSingle ? "DivideNarrow(e, AllSum(Widen(e)))" : "e / AllSum(e)";
        _w.Line(Store(width, result, $"{MemoryMarshal}.GetReference(output)", "0"));
        _w.Line("return;");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// A run-time float row of 2 or 3 values (shorter than a vector): loaded into one Vector128 padded with -∞, whose
    /// exponentials are +0, so the exponential, sum and division are the vector kernels' own, with no loads past the row.
    /// </summary>
    private void EmitShortSoftmax(Lane lane)
    {
        string v = Width.Vector128.Of(lane);
        string c = Width.Vector128.Class;
        _w.Open("if (n < 4)");
        _w.Line($"{v} row = {c}.Create(input[0], input[1], n > 2 ? input[2] : float.NegativeInfinity, float.NegativeInfinity);");
        EmitRowBias(lane, Width.Vector128, "row");
        _w.Line($"{v} e = Exp(row - rowShift, rowBias);");
        _w.Line($"{v} p = e / AllSum(e);");
        _w.Line($"output[0] = {c}.GetElement(p, 0);");
        _w.Line($"output[1] = {c}.GetElement(p, 1);");
        _w.Open("if (n > 2)");
        _w.Line($"output[2] = {c}.GetElement(p, 2);");
        _w.Close();
        _w.Line();
        _w.Line("return;");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Whether the gradient's core (<see cref="LayerCore.SumStore"/>) takes the softmax's row bias (x - max never
    /// rounded: the gradient as accurate as the softmax) and returns the offset of its log. Fast double keeps the
    /// shift by the maximum, whose own exponential is exactly 1: with the fold, the loss of a label at the maximum took
    /// the rounding of that exponential and of a plain double sum at another scale, up to 0.98 x the absolute allowance
    /// (0.49 before) where the Fast bound is 1 x.
    /// </summary>
    private static bool FoldedSumStore(Lane lane, bool accurate) => accurate || lane.IsSingle;

    private static string OffsetArgument(Lane lane, bool accurate) => FoldedSumStore(lane, accurate) ? ", out double offset" : string.Empty;

    private static string LayerName(Lane lane, int length, bool accurate, LayerKernel kernel) => KernelName(lane, length, accurate) + kernel.Suffix;

    /// <summary>
    /// The scalar kernel of a layer function: one per element type, for every row length, and for the double
    /// functions whose scalar kernel has an accurate twin (<see cref="HasAccurateScalar"/>) one per precision.
    /// </summary>
    internal static string LayerScalarName(Lane lane, LayerKernel kernel, bool accurate = false) =>
        lane.Name + kernel.Suffix + (accurate && HasAccurateScalar(lane, kernel) ? "Accurate" : string.Empty) + "Scalar";

    private void EmitLayerFunction(Lane lane, int length, bool accurate, Width width, LayerKernel kernel)
    {
        string t = lane.Keyword;
        // A pass's call up to its first argument: the run-time length n first where the row length is not constant.
        string C(string pass) => PassName(lane, length, accurate, pass, width) + "(" + LengthArgument(length);
        string Ref(string span) => $"ref {MemoryMarshal}.GetReference({span})";
        string scalar = $"{LayerScalarName(lane, kernel, accurate)}({kernel.Arguments})";
        string log = "global::System.Math.Log(sum)";
        _w.Line($"/// <summary>{width.Name} {kernel.Suffix} kernel for rows of {Lit(length)} values{(accurate ? " (accurate)" : string.Empty)}; rows whose maximum is not finite go to the scalar kernel.</summary>");
        _w.Open($"private static {kernel.Returns(lane)} {LayerName(lane, length, accurate, kernel)}{width.Name}({kernel.Parameters(lane)})");
        if (length == 0)
        {
            _w.Line($"nuint n = (nuint){kernel.Arguments.Split(',')[0]}.Length;");
            if (HasShortSoftmax(lane, width, kernel))
            {
                EmitShortSoftmax(lane);
            }

            if (kernel == LayerKernel.Softmax)
            {
                EmitTwoVectorSoftmax(lane, accurate, width);
            }
        }

        void Special(bool returns)
        {
            _w.Open($"if (!(max > {t}.NegativeInfinity && max < {t}.PositiveInfinity))");
            if (returns)
            {
                _w.Line($"return {scalar};");
            }
            else
            {
                _w.Line(scalar + ";");
                _w.Line("return;");
            }

            _w.Close();
            _w.Line();
        }

        if (kernel == LayerKernel.LogSoftmax)
        {
            _w.Line($"ref {t} x = {Ref("input")};");
            _w.Line($"double sum = {C(LayerCore.Sum.Name)}ref x, out {t} max);");
            Special(returns: false);
            _w.Line($"{C(LayerPlan.LogShift)}ref x, {Ref("output")}, max, ({t}){log});");
        }
        else if (kernel == LayerKernel.LogSumExp)
        {
            _w.Line($"double sum = {C(LayerCore.Sum.Name)}{Ref("input")}, out {t} max);");
            Special(returns: true);
            _w.Line($"return ({t})(max + {log});");
        }
        else if (kernel == LayerKernel.CrossEntropyLabel)
        {
            _w.Line($"double sum = {C(LayerCore.Sum.Name)}{Ref("logits")}, out {t} max);");
            Special(returns: true);
            _w.Line($"return {log} - ((double)logits[label] - max);");
        }
        else if (kernel == LayerKernel.CrossEntropyLabelGradient)
        {
            _w.Line("// Read before the gradient, which may be the same memory, is written.");
            _w.Line("double logit = logits[label];");
            _w.Line($"ref {t} g = {Ref("gradient")};");
            _w.Line($"double sum = {C(LayerCore.SumStore.Name)}{Ref("logits")}, ref g, out {t} max{OffsetArgument(lane, accurate)});");
            Special(returns: true);
            _w.Line($"{C(LayerPlan.Scale)}ref g, sum, weight);");
            _w.Line("gradient[label] -= weight;");
            _w.Line(FoldedSumStore(lane, accurate) ? $"return ({log} - offset) - (logit - max);" : $"return {log} - (logit - max);");
        }
        else if (kernel == LayerKernel.CrossEntropyTargets || kernel == LayerKernel.CrossEntropyTargetsGradient)
        {
            bool gradient = kernel == LayerKernel.CrossEntropyTargetsGradient;
            _w.Line($"ref {t} x = {Ref("logits")};");
            if (gradient)
            {
                _w.Line($"ref {t} g = {Ref("gradient")};");
            }

            _w.Line(gradient
                ? $"double sum = {C(LayerCore.SumStore.Name)}ref x, ref g, out {t} max{OffsetArgument(lane, accurate)});"
                : $"double sum = {C(LayerCore.Sum.Name)}ref x, out {t} max);");
            Special(returns: true);
            _w.Line($"ref {t} t = {Ref("targets")};");
            _w.Line($"double dot = {C(LayerPlan.TargetDot)}ref x, ref t, max, out double targetSum);");
            if (gradient)
            {
                _w.Line($"{C(LayerPlan.Gradient)}ref g, ref t, ({t})(weight * targetSum / sum), weight);");
            }

            _w.Line(gradient && FoldedSumStore(lane, accurate) ? $"return (({log} - offset) * targetSum) - dot;" : $"return ({log} * targetSum) - dot;");
        }
        else if (kernel == LayerKernel.Backward)
        {
            _w.Line($"ref {t} y = {Ref("probabilities")};");
            _w.Line($"ref {t} dy = {Ref("outputGradient")};");
            _w.Line($"double dot = {C(LayerPlan.Dot)}ref y, ref dy);");
            _w.Line($"{C(LayerPlan.BackwardStore)}ref y, ref dy, {Ref("inputGradient")}, ({t})dot);");
        }
        else if (kernel == LayerKernel.Softmax && HasRuntimeTwoPass(lane, length, accurate))
        {
            // Rows far beyond the caches (a whole number of vectors): the two-pass kernel of the fixed lengths.
            _w.Open($"if (n >= {Lit(TwoPassMinLength)} && (n & {Lit(width.Lanes(lane) - 1)}) == 0)");
            _w.Line($"{KernelName(lane, length, accurate)}TwoPass{width.Name}(input, output);");
            _w.Line("return;");
            _w.Close();
            _w.Line();
            _w.Line($"{LayerName(lane, length, accurate, kernel)}{ThreePassSuffix}{width.Name}(input, output);");
        }
        else if (kernel == LayerKernel.Softmax)
        {
            EmitSoftmaxPlan(lane, length, accurate, width);
        }
        else
        {
            _w.Line($"ref {t} y = {Ref("output")};");
            _w.Line($"double sum = {C(LayerCore.ScaledStore.Name)}{Ref("input")}, ref y, scale, out {t} max);");
            Special(returns: false);
            _w.Line($"{C(LayerPlan.Scale)}ref y, sum, {lane.Literal(1)});");
        }

        _w.Close();
        _w.Line();
    }

    /// <summary>The call of one width's kernel (null: the scalar kernel), as a statement that returns.</summary>
    private void EmitLayerCall(Lane lane, int length, bool accurate, LayerKernel kernel, Width? width)
    {
        string call = width is null
            ? $"{LayerScalarName(lane, kernel, accurate)}({kernel.Arguments})"
            : $"{LayerName(lane, length, accurate, kernel)}{width.Name}({kernel.Arguments})";
        if (kernel.ReturnsValue(lane))
        {
            _w.Line($"return {call};");
        }
        else
        {
            _w.Line(call + ";");
            _w.Line("return;");
        }
    }

    private void EmitLayerDispatcher(Lane lane, int length, bool accurate, LayerKernel kernel, List<Width> widths)
    {
        _w.Line(Inline);
        _w.Open($"internal static {kernel.Returns(lane)} {LayerName(lane, length, accurate, kernel)}({kernel.Parameters(lane)})");
        foreach (Width width in widths)
        {
            _w.Open($"if ({Accelerated(width)}{RuntimeCondition(lane, length, width, kernel)})");
            EmitLayerCall(lane, length, accurate, kernel, width);
            _w.Close();
            _w.Line();
        }

        EmitLayerCall(lane, length, accurate, kernel, null);
        _w.Close();
        _w.Line();
    }

    /// <summary>The test hook that runs one width's kernel of a layer function (<see cref="GeneratorOptions.EmitWidthHooks"/>).</summary>
    private void EmitLayerWidthHook(Lane lane, int length, bool accurate, LayerKernel kernel, List<Width> widths)
    {
        string name = LayerName(lane, length, accurate, kernel);
        _w.Line($"/// <summary>Test hook: the {name} kernel of a width (512, 256, 128 bits, 0: scalar), whatever the hardware accelerates.</summary>");
        _w.Open($"internal static {kernel.Returns(lane)} {name}Width(int width, {kernel.Parameters(lane)})");
        foreach (Width? width in new List<Width?>(widths) { null })
        {
            _w.Open($"if (width == {Bits(width)}{(width is null ? string.Empty : RuntimeCondition(lane, length, width, kernel))})");
            EmitLayerCall(lane, length, accurate, kernel, width);
            _w.Close();
            _w.Line();
        }

        _w.Line("ThrowWidth(width);");
        if (kernel.ReturnsValue(lane))
        {
            _w.Line("return 0;");
        }

        _w.Close();
        _w.Line();
    }

    /// <summary>The argument checks of the layer functions' public methods.</summary>
    private void EmitLayerChecks()
    {
        const string invariant = "global::System.Globalization.CultureInfo.InvariantCulture";
        _w.Line(Inline);
        _w.Open("internal static int CheckRowsOf(int length, int rowLength, string parameterName)");
        _w.Open("if (length == 0 || length % rowLength != 0)");
        _w.Line("ThrowRowsOf(length, rowLength, parameterName);");
        _w.Close();
        _w.Line();
        _w.Line("return length / rowLength;");
        _w.Close();
        _w.Line();
        _w.Line(Inline);
        _w.Open("internal static void CheckSameLength(int length, int expected, string parameterName)");
        _w.Open("if (length != expected)");
        _w.Line("ThrowSameLength(length, expected, parameterName);");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line(Inline);
        _w.Open("internal static void CheckLabel(int label, int rowLength, string parameterName)");
        _w.Open("if ((uint)label >= (uint)rowLength)");
        _w.Line("ThrowLabel(label, rowLength, parameterName);");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Open("internal static void CheckLabels(global::System.ReadOnlySpan<int> labels, int rows, int rowLength)");
        _w.Line("CheckSameLength(labels.Length, rows, \"labels\");");
        _w.Open("for (int i = 0; i < labels.Length; i++)");
        _w.Line("CheckLabel(labels[i], rowLength, \"labels\");");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line(Inline);
        _w.Open("internal static void CheckNotEmpty(int length, string parameterName)");
        _w.Open("if (length == 0)");
        _w.Line("ThrowEmpty(parameterName);");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line(Inline);
        _w.Open("internal static void CheckRowLength(int rowLength)");
        _w.Open("if (rowLength < 1)");
        _w.Line("ThrowRowLength(rowLength);");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line("/// <summary>Throws when the spans overlap without being the same memory.</summary>");
        _w.Line(Inline);
        _w.Open("internal static void CheckOverlapOf<T>(global::System.ReadOnlySpan<T> input, global::System.ReadOnlySpan<T> output, string parameterName)");
        _w.Open("if (global::System.MemoryExtensions.Overlaps(input, output, out int offset) && (offset != 0 || input.Length != output.Length))");
        _w.Line("ThrowOverlapOf(parameterName);");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line("/// <summary>Throws when the spans share any memory.</summary>");
        _w.Line(Inline);
        _w.Open("internal static void CheckDisjoint<T>(global::System.ReadOnlySpan<T> input, global::System.ReadOnlySpan<T> output, string parameterName)");
        _w.Open("if (global::System.MemoryExtensions.Overlaps(input, output))");
        _w.Line("ThrowOverlapOf(parameterName);");
        _w.Close();
        _w.Close();
        _w.Line();
        foreach (string t in new[] { "float", "double" })
        {
            _w.Line("/// <summary>1 / temperature, for a temperature that is positive and finite and whose reciprocal is finite.</summary>");
            _w.Line(Inline);
            _w.Open($"internal static {t} InverseTemperature({t} temperature)");
            _w.Line($"{t} scale = 1 / temperature;");
            _w.Open($"if (!(temperature > 0 && temperature <= {t}.MaxValue && scale <= {t}.MaxValue))");
            _w.Line("ThrowTemperature(temperature);");
            _w.Close();
            _w.Line();
            _w.Line("return scale;");
            _w.Close();
            _w.Line();
        }

        EmitThrow("ThrowRowsOf(int length, int rowLength, string parameterName)",
            $"\"The length must be a positive multiple of the row length \" + rowLength.ToString({invariant}) + \", but it is \" + length.ToString({invariant}) + \".\", parameterName");
        EmitThrow("ThrowSameLength(int length, int expected, string parameterName)",
            $"\"The span must hold \" + expected.ToString({invariant}) + \" values, but it holds \" + length.ToString({invariant}) + \".\", parameterName");
        EmitThrow("ThrowEmpty(string parameterName)", "\"The span must hold at least one value.\", parameterName");
        _w.Line(NoInline);
        _w.Open("private static void ThrowRowLength(int rowLength)");
        _w.Line("throw new global::System.ArgumentOutOfRangeException(\"rowLength\", rowLength, \"The row length must be at least 1.\");");
        _w.Close();
        _w.Line();
        EmitThrow("ThrowOverlapOf(string parameterName)",
            "\"The span overlaps an input in a way this method does not allow (see its documentation).\", parameterName");
        _w.Line(NoInline);
        _w.Open("private static void ThrowLabel(int label, int rowLength, string parameterName)");
        _w.Line($"throw new global::System.ArgumentOutOfRangeException(parameterName, label, \"A label must be a class index from 0 to \" + (rowLength - 1).ToString({invariant}) + \".\");");
        _w.Close();
        _w.Line();
        _w.Line(NoInline);
        _w.Open("private static void ThrowTemperature(double temperature)");
        _w.Line("throw new global::System.ArgumentOutOfRangeException(\"temperature\", temperature, \"The temperature must be positive and finite, and its reciprocal finite.\");");
        _w.Close();
        _w.Line();
    }
}
