using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>Rows held in registers: the one-row kernel, the interleaved batch of rows, and the transposed columns kernel of short float rows.</summary>
internal sealed partial class KernelEmitter
{
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
                ? $"{vectorType} {e} = ExpAccuratePoly(x{Lit(v)}{s} - shift{s}, vbias{s}, out {vectorType} {l});"
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
}
