using System.Globalization;
using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// The public methods of the layer functions (log-softmax, log-sum-exp, cross-entropy, backward, temperature) of one
/// <c>[Softmax]</c> attribute and element type: names, XML docs, argument checks, batches of rows, and the call of the
/// kernels class's dispatcher. With <c>hook</c> set, the same methods with a leading <c>int width</c> parameter for the
/// test hooks class, calling one width's kernel instead.
/// </summary>
internal sealed class LayerApiEmitter
{
    private const string K = Emitter.KernelsClass;
    private readonly IndentedWriter _w;
    private readonly KernelRequest _request;
    private readonly Lane _lane;
    private readonly bool _hook;
    private readonly string _t;
    private readonly string _n;
    private readonly string _span;
    private readonly string _readOnlySpan;

    public LayerApiEmitter(IndentedWriter writer, KernelRequest request, Lane lane, bool hook)
    {
        _w = writer;
        _request = request;
        _lane = lane;
        _hook = hook;
        _t = lane.Keyword;
        _n = request.IsRuntime ? "n" : request.Length.ToString(CultureInfo.InvariantCulture);
        _span = "global::System.Span<" + _t + ">";
        _readOnlySpan = "global::System.ReadOnlySpan<" + _t + ">";
    }

    private string Values => _n == "1" ? "value" : "values";

    /// <summary>The call of a layer kernel: the dispatcher, or in a hook the kernel of the requested width.</summary>
    private string Call(LayerKernel kernel, string arguments)
    {
        string name = K + "." + KernelEmitter.KernelName(_lane, _request.Length, _request.Accurate) + kernel.Suffix;
        return _hook ? $"{name}Width(width, {arguments})" : $"{name}({arguments})";
    }

    public void Emit()
    {
        if (_request.IsRuntime && _request.Has(LayerFunctions.Softmax))
        {
            EmitRuntimeSoftmax();
        }

        if (_request.Has(LayerFunctions.Temperature))
        {
            EmitTemperature();
        }

        if (_request.Has(LayerFunctions.LogSoftmax))
        {
            EmitLogSoftmax();
        }

        if (_request.Has(LayerFunctions.LogSumExp))
        {
            EmitLogSumExp();
        }

        if (_request.Has(LayerFunctions.CrossEntropy))
        {
            EmitCrossEntropy();
        }

        if (_request.Has(LayerFunctions.Backward))
        {
            EmitBackward();
        }
    }

    /// <summary>Writes one method: docs (without the hook's), signature, body.</summary>
    private void Method(string[] docs, string returns, string name, string parameters, params string[] body)
    {
        if (_hook)
        {
            _w.Line($"/// <summary>Test hook: <c>{name}</c> of <see cref=\"{_t}\"/> rows of {_n} run by the kernel of one width (512, 256, 128 bits, 0: scalar).</summary>");
            parameters = "int width, " + parameters;
        }
        else
        {
            foreach (string doc in docs)
            {
                _w.Line("/// " + doc);
                if (_request.IsRuntime && doc.StartsWith("<param name=\"", System.StringComparison.Ordinal) && name.EndsWith("Rows", System.StringComparison.Ordinal) && doc == docs.Last(d => d.StartsWith("<param ", System.StringComparison.Ordinal)))
                {
                    _w.Line("/// <param name=\"rowLength\">The length of each row, at least 1.</param>");
                }
            }

            _w.Line(Emitter.GeneratedCode);
        }

        if (_request.IsRuntime)
        {
            // A run-time length: the row length is the first span's (not empty), or the Rows methods' rowLength.
            if (name.EndsWith("Rows", System.StringComparison.Ordinal))
            {
                parameters += ", int rowLength";
                body = Concat(new[] { $"{K}.CheckRowLength(rowLength);", "int n = rowLength;" }, body);
            }
            else
            {
                string first = parameters.Split(',')[_hook ? 1 : 0].Trim().Split(' ')[1];
                body = Concat(new[] { $"int n = {first}.Length;", $"{K}.CheckNotEmpty(n, \"{first}\");" }, body);
            }
        }

        _w.Open($"{(_hook ? "internal" : "public")} static {returns} {name}({parameters})");
        foreach (string line in body)
        {
            if (line == "{" || line == "}")
            {
                if (line == "{")
                {
                    _w.OpenBrace();
                }
                else
                {
                    _w.Close();
                }
            }
            else
            {
                _w.Line(line);
            }
        }

        _w.Close();
        _w.Line();
    }

    private const string Overlap = "may be the same memory as";

    private void EmitTemperature()
    {
        string m = _request.MethodName;
        string summary = $"<summary>Computes the softmax of one row of {_n} <see cref=\"{_t}\"/> {Values} at a temperature: <c>output[i] = exp((input[i] - max) / T) / Σ exp((input[j] - max) / T)</c>.</summary>";
        string remarks = "<remarks>The input is multiplied by <c>1 / temperature</c> (exactly when the temperature is a power of two), then the maximum is "
            + "subtracted, so finite inputs give finite probabilities; special values as for the softmax without temperature. A temperature above 1 "
            + "flattens the distribution, below 1 sharpens it.</remarks>";
        string temperature = "<param name=\"temperature\">The temperature: positive and finite, and not so small that its reciprocal overflows.</param>";
        string range = "<exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"temperature\"/> is not positive and finite, or its reciprocal overflows.</exception>";
        Method(
            new[] { summary, remarks, "<param name=\"input\">The scores (logits) of the row.</param>", "<param name=\"output\">Receives the probabilities; " + Overlap + " the input, or must not overlap it.</param>", temperature, range, Length("the input or the output", "they overlap partially") },
            "void", m, $"{_readOnlySpan} input, {_span} output, {_t} temperature",
            $"{K}.CheckRow(input.Length, output.Length, {_n});",
            $"{K}.CheckOverlap<{_t}>(input, output);",
            Call(LayerKernel.Temperature, $"input, output, {K}.InverseTemperature(temperature)") + ";");
        Method(
            new[] { $"<summary>Replaces one row of {_n} <see cref=\"{_t}\"/> {Values} by its softmax at a temperature, in place.</summary>", remarks, "<param name=\"values\">The scores of the row; receives the probabilities.</param>", temperature, range, Length("<paramref name=\"values\"/>", null) },
            "void", m, $"{_span} values, {_t} temperature",
            $"{K}.CheckLength(values.Length, {_n}, \"values\");",
            Call(LayerKernel.Temperature, $"values, values, {K}.InverseTemperature(temperature)") + ";");
        Method(
            new[] { $"<summary>Computes the softmax at a temperature of every consecutive row of {_n} <see cref=\"{_t}\"/> {Values}.</summary>", remarks, RowsInput("input"), "<param name=\"output\">Receives the probabilities of each row; " + Overlap + " the input, or must not overlap it.</param>", temperature, range, RowsLength() },
            "void", m + "Rows", $"{_readOnlySpan} input, {_span} output, {_t} temperature",
            $"{K}.CheckRows(input.Length, output.Length, {_n});",
            $"{K}.CheckOverlap<{_t}>(input, output);",
            $"{_t} scale = {K}.InverseTemperature(temperature);",
            $"for (int offset = 0; offset < input.Length; offset += {_n})",
            "{",
            Call(LayerKernel.Temperature, $"input.Slice(offset, {_n}), output.Slice(offset, {_n}), scale") + ";",
            "}");
    }

    private void EmitLogSoftmax()
    {
        string name = LayerFunctions.LogSoftmaxName(_request.MethodName);
        string remarks = "<remarks>Computed as <c>(x[i] - max) - log(Σ exp(x[j] - max))</c>: finite for finite input and never -∞ through underflow "
            + "(where the softmax would round to 0). -∞ entries give -∞; with +∞ entries (c of them) those give -log(c) and the others -∞; a NaN, or a row "
            + "of only -∞, gives NaN everywhere.</remarks>";
        Method(
            new[] { $"<summary>Computes the log-softmax of one row of {_n} <see cref=\"{_t}\"/> {Values}: <c>output[i] = log(softmax(input)[i])</c>.</summary>", remarks, "<param name=\"input\">The scores (logits) of the row.</param>", "<param name=\"output\">Receives the log-probabilities; " + Overlap + " the input, or must not overlap it.</param>", Length("the input or the output", "they overlap partially") },
            "void", name, $"{_readOnlySpan} input, {_span} output",
            $"{K}.CheckRow(input.Length, output.Length, {_n});",
            $"{K}.CheckOverlap<{_t}>(input, output);",
            Call(LayerKernel.LogSoftmax, "input, output") + ";");
        Method(
            new[] { $"<summary>Replaces one row of {_n} <see cref=\"{_t}\"/> {Values} by its log-softmax, in place.</summary>", remarks, "<param name=\"values\">The scores of the row; receives the log-probabilities.</param>", Length("<paramref name=\"values\"/>", null) },
            "void", name, $"{_span} values",
            $"{K}.CheckLength(values.Length, {_n}, \"values\");",
            Call(LayerKernel.LogSoftmax, "values, values") + ";");
        Method(
            new[] { $"<summary>Computes the log-softmax of every consecutive row of {_n} <see cref=\"{_t}\"/> {Values}.</summary>", remarks, RowsInput("input"), "<param name=\"output\">Receives the log-probabilities of each row; " + Overlap + " the input, or must not overlap it.</param>", RowsLength() },
            "void", name + "Rows", $"{_readOnlySpan} input, {_span} output",
            $"{K}.CheckRows(input.Length, output.Length, {_n});",
            $"{K}.CheckOverlap<{_t}>(input, output);",
            $"for (int offset = 0; offset < input.Length; offset += {_n})",
            "{",
            Call(LayerKernel.LogSoftmax, $"input.Slice(offset, {_n}), output.Slice(offset, {_n})") + ";",
            "}");
    }

    private void EmitLogSumExp()
    {
        string name = LayerFunctions.LogSumExpName(_request.MethodName);
        string remarks = "<remarks>Computed as <c>max + log(Σ exp(x[j] - max))</c>, so it never overflows for finite input. A +∞ entry gives +∞, a row of "
            + "only -∞ gives -∞, a NaN gives NaN.</remarks>";
        Method(
            new[] { $"<summary>Computes <c>log(Σ exp(input[j]))</c> of one row of {_n} <see cref=\"{_t}\"/> {Values} without overflow.</summary>", remarks, "<param name=\"input\">The row.</param>", "<returns>The log of the sum of the exponentials.</returns>", Length("the input", null) },
            _t, name, $"{_readOnlySpan} input",
            $"{K}.CheckLength(input.Length, {_n}, \"input\");",
            "return " + Call(LayerKernel.LogSumExp, "input") + ";");
        Method(
            new[] { $"<summary>Computes the log-sum-exp of every consecutive row of {_n} <see cref=\"{_t}\"/> {Values}.</summary>", remarks, RowsInput("input"), "<param name=\"results\">Receives one value per row.</param>", $"<exception cref=\"global::System.ArgumentException\">The input length is not a positive multiple of {_n}, or <paramref name=\"results\"/> does not hold one value per row.</exception>" },
            "void", name + "Rows", $"{_readOnlySpan} input, {_span} results",
            $"int rows = {K}.CheckRowsOf(input.Length, {_n}, \"input\");",
            $"{K}.CheckSameLength(results.Length, rows, \"results\");",
            "for (int row = 0; row < rows; row++)",
            "{",
            "results[row] = " + Call(LayerKernel.LogSumExp, $"input.Slice(row * {_n}, {_n})") + ";",
            "}");
    }

    private void EmitCrossEntropy()
    {
        string name = LayerFunctions.CrossEntropyName(_request.MethodName);
        string remarks = "<remarks>The loss is <c>log(Σ exp(x[j] - max)) - (x[label] - max)</c>: finite for finite logits (4980 for [20, 300, 5000] with label 0), "
            + "never the infinity of <c>-log(0)</c>. With target probabilities it is <c>-Σ t[i] log(softmax(x)[i])</c> over the entries with t[i] ≠ 0, so "
            + "logits of -∞ with a target of 0 (masked classes) add nothing. The gradient with respect to the logits is <c>softmax(x) Σ t - t</c> "
            + "(with a label: the softmax minus 1 at the label), written by the overloads that take a gradient span in the same call.</remarks>";
        string logits = "<param name=\"logits\">The scores (logits) of the row.</param>";
        string label = $"<param name=\"label\">The index of the true class, from 0 to {(_request.IsRuntime ? "the row length - 1" : (_request.Length - 1).ToString(CultureInfo.InvariantCulture))}.</param>";
        string targets = "<param name=\"targets\">The target probabilities (soft labels, label smoothing), usually summing to 1.</param>";
        string gradientLabel = "<param name=\"gradient\">Receives the gradient of the loss with respect to the logits; " + Overlap + " the logits.</param>";
        string gradientTargets = "<param name=\"gradient\">Receives the gradient of the loss with respect to the logits; must not overlap the logits or the targets.</param>";
        string returns = "<returns>The loss, -log of the probability of the label.</returns>";
        string returnsTargets = "<returns>The loss, the cross-entropy of the targets and the softmax.</returns>";
        string labelRange = "<exception cref=\"global::System.ArgumentOutOfRangeException\">The label is not a class index.</exception>";
        string summary = $"<summary>Computes the softmax cross-entropy loss of one row of {_n} <see cref=\"{_t}\"/> logits";
        string check = $"{K}.CheckLength(logits.Length, {_n}, \"logits\");";
        string labelCheck = $"{K}.CheckLabel(label, {_n}, \"label\");";
        string cast = $"return ({_t})";

        Method(new[] { summary + " and a class label.</summary>", remarks, logits, label, returns, labelRange, Length("the logits", null) },
            _t, name, $"{_readOnlySpan} logits, int label",
            check, labelCheck, cast + Call(LayerKernel.CrossEntropyLabel, "logits, label") + ";");
        Method(new[] { summary + " and a class label, and its gradient.</summary>", remarks, logits, label, gradientLabel, returns, labelRange, Length("the logits or the gradient", "they overlap partially") },
            _t, name, $"{_readOnlySpan} logits, int label, {_span} gradient",
            check, labelCheck, $"{K}.CheckLength(gradient.Length, {_n}, \"gradient\");", $"{K}.CheckOverlapOf<{_t}>(logits, gradient, \"gradient\");",
            cast + Call(LayerKernel.CrossEntropyLabelGradient, $"logits, label, gradient, {_lane.Literal(1)}") + ";");
        Method(new[] { summary + " and target probabilities.</summary>", remarks, logits, targets, returnsTargets, Length("the logits or the targets", null) },
            _t, name, $"{_readOnlySpan} logits, {_readOnlySpan} targets",
            check, $"{K}.CheckLength(targets.Length, {_n}, \"targets\");", cast + Call(LayerKernel.CrossEntropyTargets, "logits, targets") + ";");
        Method(new[] { summary + " and target probabilities, and its gradient.</summary>", remarks, logits, targets, gradientTargets, returnsTargets, Length("the logits, the targets or the gradient", "the gradient overlaps the logits or the targets") },
            _t, name, $"{_readOnlySpan} logits, {_readOnlySpan} targets, {_span} gradient",
            check, $"{K}.CheckLength(targets.Length, {_n}, \"targets\");", $"{K}.CheckLength(gradient.Length, {_n}, \"gradient\");",
            $"{K}.CheckDisjoint<{_t}>(logits, gradient, \"gradient\");", $"{K}.CheckDisjoint<{_t}>(targets, gradient, \"gradient\");",
            cast + Call(LayerKernel.CrossEntropyTargetsGradient, $"logits, targets, gradient, {_lane.Literal(1)}") + ";");

        // Batches: the mean loss, and the gradient of the mean.
        string rowsSummary = $"<summary>Computes the mean softmax cross-entropy loss of consecutive rows of {_n} <see cref=\"{_t}\"/> logits";
        string rowsLogits = RowsInput("logits");
        string labels = "<param name=\"labels\">The class label of each row.</param>";
        string rowsTargets = "<param name=\"targets\">The target probabilities of each row; as long as the logits.</param>";
        string rowsGradient = "<param name=\"gradient\">Receives the gradient of the mean loss with respect to the logits, <c>(softmax(x) - target) / rows</c>; as long as the logits";
        string meanReturns = "<returns>The mean of the rows' losses.</returns>";
        string batchErrors = $"<exception cref=\"global::System.ArgumentException\">The logits length is not a positive multiple of {_n}, or another span does not match it, or the gradient overlaps what it must not.</exception>";
        string labelsRange = "<exception cref=\"global::System.ArgumentOutOfRangeException\">A label is not a class index.</exception>";
        string rowsCheck = $"int rows = {K}.CheckRowsOf(logits.Length, {_n}, \"logits\");";
        string[] loopEnd = { "}", $"return ({_t})(total / rows);" };
        string Loop(LayerKernel kernel, string arguments) => "total += " + Call(kernel, arguments) + ";";
        string slice = $"logits.Slice(row * {_n}, {_n})";
        string sliceOf(string span) => $"{span}.Slice(row * {_n}, {_n})";

        Method(new[] { rowsSummary + " and class labels.</summary>", remarks, rowsLogits, labels, meanReturns, batchErrors, labelsRange },
            _t, name + "Rows", $"{_readOnlySpan} logits, global::System.ReadOnlySpan<int> labels",
            Concat(new[] { rowsCheck, $"{K}.CheckLabels(labels, rows, {_n});", "double total = 0d;", "for (int row = 0; row < rows; row++)", "{", Loop(LayerKernel.CrossEntropyLabel, $"{slice}, labels[row]") }, loopEnd));
        Method(new[] { rowsSummary + " and class labels, and its gradient.</summary>", remarks, rowsLogits, labels, rowsGradient + ", " + Overlap + " the logits.</param>", meanReturns, batchErrors, labelsRange },
            _t, name + "Rows", $"{_readOnlySpan} logits, global::System.ReadOnlySpan<int> labels, {_span} gradient",
            Concat(new[]
            {
                rowsCheck, $"{K}.CheckLabels(labels, rows, {_n});", $"{K}.CheckSameLength(gradient.Length, logits.Length, \"gradient\");",
                $"{K}.CheckOverlapOf<{_t}>(logits, gradient, \"gradient\");", $"{_t} weight = ({_t})(1d / rows);", "double total = 0d;",
                "for (int row = 0; row < rows; row++)", "{", Loop(LayerKernel.CrossEntropyLabelGradient, $"{slice}, labels[row], {sliceOf("gradient")}, weight"),
            }, loopEnd));
        Method(new[] { rowsSummary + " and target probabilities.</summary>", remarks, rowsLogits, rowsTargets, meanReturns, batchErrors },
            _t, name + "Rows", $"{_readOnlySpan} logits, {_readOnlySpan} targets",
            Concat(new[]
            {
                rowsCheck, $"{K}.CheckSameLength(targets.Length, logits.Length, \"targets\");", "double total = 0d;",
                "for (int row = 0; row < rows; row++)", "{", Loop(LayerKernel.CrossEntropyTargets, $"{slice}, {sliceOf("targets")}"),
            }, loopEnd));
        Method(new[] { rowsSummary + " and target probabilities, and its gradient.</summary>", remarks, rowsLogits, rowsTargets, rowsGradient + "; must not overlap the logits or the targets.</param>", meanReturns, batchErrors },
            _t, name + "Rows", $"{_readOnlySpan} logits, {_readOnlySpan} targets, {_span} gradient",
            Concat(new[]
            {
                rowsCheck, $"{K}.CheckSameLength(targets.Length, logits.Length, \"targets\");", $"{K}.CheckSameLength(gradient.Length, logits.Length, \"gradient\");",
                $"{K}.CheckDisjoint<{_t}>(logits, gradient, \"gradient\");", $"{K}.CheckDisjoint<{_t}>(targets, gradient, \"gradient\");",
                $"{_t} weight = ({_t})(1d / rows);", "double total = 0d;",
                "for (int row = 0; row < rows; row++)", "{", Loop(LayerKernel.CrossEntropyTargetsGradient, $"{slice}, {sliceOf("targets")}, {sliceOf("gradient")}, weight"),
            }, loopEnd));
    }

    private void EmitBackward()
    {
        string name = LayerFunctions.BackwardName(_request.MethodName);
        string remarks = "<remarks>The vector-Jacobian product of the softmax: <c>inputGradient[i] = y[i] (dy[i] - Σ dy[j] y[j])</c> with <c>y</c> the "
            + "softmax's output and <c>dy</c> the gradient with respect to it.</remarks>";
        string probabilities = "<param name=\"probabilities\">The softmax output <c>y</c> of the forward pass.</param>";
        string outputGradient = "<param name=\"outputGradient\">The gradient of the loss with respect to the softmax output.</param>";
        string inputGradient = "<param name=\"inputGradient\">Receives the gradient with respect to the softmax input; " + Overlap + " either input, or must not overlap it.</param>";
        string parameters = $"{_readOnlySpan} probabilities, {_readOnlySpan} outputGradient, {_span} inputGradient";
        string overlaps = $"{K}.CheckOverlapOf<{_t}>(probabilities, inputGradient, \"inputGradient\");";
        string overlaps2 = $"{K}.CheckOverlapOf<{_t}>(outputGradient, inputGradient, \"inputGradient\");";
        Method(
            new[] { $"<summary>Computes the gradient of one softmax row of {_n} <see cref=\"{_t}\"/> {Values} with respect to its input (backpropagation).</summary>", remarks, probabilities, outputGradient, inputGradient, Length("a span", "the gradient overlaps an input partially") },
            "void", name, parameters,
            $"{K}.CheckLength(probabilities.Length, {_n}, \"probabilities\");",
            $"{K}.CheckLength(outputGradient.Length, {_n}, \"outputGradient\");",
            $"{K}.CheckLength(inputGradient.Length, {_n}, \"inputGradient\");",
            overlaps, overlaps2,
            Call(LayerKernel.Backward, "probabilities, outputGradient, inputGradient") + ";");
        Method(
            new[] { $"<summary>Computes the softmax backward pass of every consecutive row of {_n} <see cref=\"{_t}\"/> {Values}.</summary>", remarks, RowsInput("probabilities"), outputGradient, inputGradient, $"<exception cref=\"global::System.ArgumentException\">The lengths are not the same positive multiple of {_n}, or the gradient overlaps an input partially.</exception>" },
            "void", name + "Rows", parameters,
            $"{K}.CheckRowsOf(probabilities.Length, {_n}, \"probabilities\");",
            $"{K}.CheckSameLength(outputGradient.Length, probabilities.Length, \"outputGradient\");",
            $"{K}.CheckSameLength(inputGradient.Length, probabilities.Length, \"inputGradient\");",
            overlaps, overlaps2,
            $"for (int offset = 0; offset < probabilities.Length; offset += {_n})",
            "{",
            Call(LayerKernel.Backward, $"probabilities.Slice(offset, {_n}), outputGradient.Slice(offset, {_n}), inputGradient.Slice(offset, {_n})") + ";",
            "}");
    }

    private string Length(string what, string? overlap) => _request.IsRuntime
        ? $"<exception cref=\"global::System.ArgumentException\">{Capitalize(what)} is empty, or the spans' lengths differ{(overlap is null ? string.Empty : ", or " + overlap)}.</exception>"
        : $"<exception cref=\"global::System.ArgumentException\">{Capitalize(what)} does not hold exactly {_n} {Values}{(overlap is null ? string.Empty : ", or " + overlap)}.</exception>";

    private static string Capitalize(string text) => text.StartsWith("<", System.StringComparison.Ordinal) ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);

    private string RowsInput(string name) => $"<param name=\"{name}\">The rows, one after another; the length is a positive multiple of {RowLengthText}.</param>";

    private string RowsLength() => $"<exception cref=\"global::System.ArgumentException\">The input length is not a positive multiple of {RowLengthText}, the output has another length, or the two overlap partially.</exception>";

    private string RowLengthText => _request.IsRuntime ? "<paramref name=\"rowLength\"/>" : _n;

    private void EmitRuntimeSoftmax()
    {
        string m = _request.MethodName;
        string remarks = "<remarks>For rows of any length, chosen at run time: the widest SIMD kernel the row fills, the maximum subtracted first "
            + "(its exponent folded into the exponential, so x - max is never rounded); special values as for the fixed-length kernels.</remarks>";
        Method(
            new[] { $"<summary>Computes the softmax of one row of <see cref=\"{_t}\"/> values: <c>output[i] = exp(input[i] - max) / Σ exp(input[j] - max)</c>.</summary>", remarks, "<param name=\"input\">The scores (logits) of the row.</param>", "<param name=\"output\">Receives the probabilities; " + Overlap + " the input, or must not overlap it.</param>", Length("the input", "the output has another length, or they overlap partially") },
            "void", m, $"{_readOnlySpan} input, {_span} output",
            $"{K}.CheckRow(input.Length, output.Length, n);",
            $"{K}.CheckOverlap<{_t}>(input, output);",
            Call(LayerKernel.Softmax, "input, output") + ";");
        Method(
            new[] { $"<summary>Replaces one row of <see cref=\"{_t}\"/> values by its softmax, in place.</summary>", remarks, "<param name=\"values\">The scores of the row; receives the probabilities.</param>", Length("<paramref name=\"values\"/>", null) },
            "void", m, $"{_span} values",
            Call(LayerKernel.Softmax, "values, values") + ";");
        Method(
            new[] { $"<summary>Computes the softmax of every consecutive row of <paramref name=\"rowLength\"/> <see cref=\"{_t}\"/> values.</summary>", remarks, RowsInput("input"), "<param name=\"output\">Receives the probabilities of each row; " + Overlap + " the input, or must not overlap it.</param>", RowsLength() },
            "void", m + "Rows", $"{_readOnlySpan} input, {_span} output",
            $"{K}.CheckRows(input.Length, output.Length, n);",
            $"{K}.CheckOverlap<{_t}>(input, output);",
            "for (int offset = 0; offset < input.Length; offset += n)",
            "{",
            Call(LayerKernel.Softmax, "input.Slice(offset, n), output.Slice(offset, n)") + ";",
            "}");
    }

    private static string[] Concat(string[] first, string[] second)
    {
        var all = new string[first.Length + second.Length];
        first.CopyTo(all, 0);
        second.CopyTo(all, first.Length);
        return all;
    }
}
