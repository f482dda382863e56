using System.Collections.Generic;
using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// The passes of the layer functions (<see cref="LayerPlan"/>), one small inlined method per pass, width, element
/// type, row length and precision: the core (maximum, then exponentials summed and optionally stored) and the
/// epilogues (log shift, scale, gradient, dot products). Every pass runs either straight-line over a row of at most
/// <see cref="RegisterVectorsOf"/> vectors (the row stays in registers) or as a loop with a constant trip count, and
/// covers the last partial vector by an overlapping vector: masked in sums, and in stores loaded before anything is
/// written, so that every pass may write the memory it reads (in place).
/// </summary>
internal sealed partial class KernelEmitter
{
    private static string PassName(Lane lane, int length, bool accurate, string pass, Width width) =>
        KernelName(lane, length, accurate) + pass + width.Name;

    /// <summary>
    /// The offsets of a row's vectors: the full ones, and the overlapping last one when the length is not a multiple.
    /// Length 0 is a run-time length: the pass takes <c>nuint n</c> (at least one vector), loops up to
    /// <c>full = n</c> rounded down to whole vectors, and always runs the tail vector at <c>n - lanes</c>, whose mask
    /// keeps the lanes past <c>full</c> (none when n is a whole number of vectors: the tail then recomputes the last
    /// vector, which element-wise passes store again unchanged and sums mask out).
    /// </summary>
    private readonly struct RowVectors
    {
        public RowVectors(Lane lane, Width width, int length)
        {
            Lanes = width.Lanes(lane);
            Runtime = length == 0;
            Count = (length + Lanes - 1) / Lanes;
            Full = length / Lanes * Lanes;
            Remainder = length % Lanes;
            FullText = Runtime ? "full" : Lit(Full);
            HasTail = Runtime || Remainder != 0;
            TailOffset = Runtime ? $"(n - {Lit(Lanes)})" : Lit(length - Lanes);
            Mask = Runtime ? $"{width.Name}{lane.Name}Tail(n & {Lit(Lanes - 1)})" : TailMask(lane, width, Lanes - Remainder);
            Unrolled = !Runtime && Count <= RegisterVectorsOf(lane);
        }

        public int Lanes { get; }

        public bool Runtime { get; }

        public int Count { get; }

        public int Full { get; }

        public int Remainder { get; }

        /// <summary>The end of the whole vectors: a literal, or the local <c>full</c> of a run-time length.</summary>
        public string FullText { get; }

        public bool HasTail { get; }

        public string TailOffset { get; }

        /// <summary>The mask that keeps the tail vector's lanes past the whole vectors.</summary>
        public string Mask { get; }

        /// <summary>Straight-line code over registers instead of a loop.</summary>
        public bool Unrolled { get; }

        /// <summary>Whether the tail's contribution to a sum must be masked.</summary>
        public bool MaskedTail => Runtime || Count > 1;

        /// <summary>The declaration of <c>full</c> for a run-time length (lanes are a power of two).</summary>
        public string? FullDeclaration => Runtime ? $"nuint full = n & ~(nuint){Lit(Lanes - 1)};" : null;
    }

    private static string LengthParameter(int length) => length == 0 ? "nuint n, " : string.Empty;

    private static string LengthArgument(int length) => length == 0 ? "n, " : string.Empty;

    private static string RowText(int length) => length == 0 ? "a row of n" : "rows of " + Lit(length);

    /// <summary>
    /// Emits <paramref name="body"/> for every full vector (with its offset expression, and a name suffix that is
    /// unique per vector when unrolled), then for the overlapping tail vector with <c>tail</c> set.
    /// </summary>
    private void ForEachVector(RowVectors row, System.Action<string, string, bool> body)
    {
        if (row.Unrolled)
        {
            for (int v = 0; v < row.Full / row.Lanes; v++)
            {
                body(Lit(v * row.Lanes), Lit(v), false);
            }
        }
        else
        {
            _w.Open($"for (nuint j = 0; j < {row.FullText}; j += {Lit(row.Lanes)})");
            body("j", string.Empty, false);
            _w.Close();
        }

        if (row.HasTail)
        {
            body(row.TailOffset, "Tail", true);
        }
    }

    /// <summary>
    /// The core of a plan: the row maximum (of x, or of x * s), then exp(x - shift) with the plan's bias, summed in the
    /// precision's accumulator and stored into y when the plan needs the exponentials. Returns the sum in double; the
    /// maximum comes out through <c>max</c>. A row whose maximum is not finite (+∞, NaN, only -∞) returns at once: the
    /// caller sends it to the scalar kernel, which implements the special values.
    /// </summary>
    private void EmitLayerCore(Lane lane, int length, bool accurate, Width width, LayerCore core)
    {
        string t = lane.Keyword;
        string v = width.Of(lane);
        string c = width.Class;
        var row = new RowVectors(lane, width, length);
        bool folded = core.Folded && (!core.Offset || FoldedSumStore(lane, accurate));
        bool withOffset = core.Offset && folded;
        string parameters = $"ref {t} x" + (core.Store ? $", ref {t} y" : string.Empty) + (core.Scaled ? $", {t} s" : string.Empty);
        string description = core.Offset && !folded ? "the maximum and Σ exp(x - max), each exponential stored" : core.Description;
        _w.Line($"/// <summary>{width.Name}: {description} of {RowText(length)} values{(accurate ? " (accurate)" : string.Empty)}; returns the sum.</summary>");
        _w.Line(Inline);
        _w.Open($"private static double {PassName(lane, length, accurate, core.Name, width)}({LengthParameter(length)}{parameters}, out {t} max{(withOffset ? ", out double offset" : string.Empty)})");

        // Pass 1: the maximum; the straight-line form keeps the row in registers x0, x1, ... for pass 2.
        var registers = new List<string>();
        if (row.Unrolled)
        {
            for (int i = 0; i < row.Count; i++)
            {
                int offset = i == row.Count - 1 ? length - row.Lanes : i * row.Lanes;
                registers.Add($"x{Lit(i)}");
                _w.Line($"{v} x{Lit(i)} = {Load(width, "x", Lit(offset))};");
            }

            _w.Line($"{v} vmax = AllMax({Tree(registers, (a, b) => $"Max({a}, {b})")});");
        }
        else if (row.Runtime)
        {
            _w.Line(row.FullDeclaration!);
            EmitRuntimeMaxLoop(lane, width);
        }
        else
        {
            EmitMaxLoop(lane, width, length, "vmax");
        }

        if (core.Scaled)
        {
            // s > 0: the maximum of x * s is the maximum of x times s, rounded alike.
            _w.Line($"{v} vs = {c}.Create(s);");
            _w.Line("vmax *= vs;");
        }

        _w.Line($"max = {c}.ToScalar(vmax);");
        if (withOffset)
        {
            _w.Line("offset = 0d;");
        }

        _w.Open($"if (!(max > {t}.NegativeInfinity && max < {t}.PositiveInfinity))");
        _w.Line("return 0d;");
        _w.Close();
        _w.Line();
        if (folded && accurate && lane.IsSingle && core != LayerCore.SoftmaxStore)
        {
            EmitAccurateSingleRowBias(width);
        }
        else if (folded)
        {
            _w.Line($"{v} vbias = UniformRowBias(vmax, out {v} shift);");
        }
        else
        {
            _w.Line("// exp(x - max): the maximum's own term is exactly 1, and log(sum) is relative to the maximum.");
            _w.Line($"{v} shift = vmax;");
            _w.Line($"{v} vbias = {c}.Create({lane.Literal(lane.Magic)});");
        }

        if (withOffset)
        {
            // The sum is of exp(x - shift - M ln 2), M = Magic - bias: log Σ exp(x - max) = log(sum) - offset with
            // offset = (max - shift) - M ln 2 (0 where the row is shifted by its maximum), M ln 2 in two parts.
            Lane d = Lane.Double;
            _w.Line($"double m = {d.Literal(lane.Magic)} - {c}.ToScalar(vbias);");
            _w.Line($"offset = (((double)max - {c}.ToScalar(shift)) - (m * {d.Literal(d.Ln2Hi)})) - (m * {d.Literal(d.Ln2Lo)});");
        }

        string Input(string offset, string suffix, string shifted = " - shift") =>
            (row.Unrolled ? "x" + suffix : Load(width, "x", offset)) + (core.Scaled ? " * vs" : string.Empty) + shifted;
        Accumulator sum = Accumulator.For(lane, width, accurate);
        string mask = row.Mask;
        if (row.Unrolled)
        {
            var summands = new List<string>();
            var lows = new List<string>();
            for (int i = 0; i < row.Count; i++)
            {
                bool tail = row.Remainder != 0 && i == row.Count - 1;
                int offset = tail ? length - row.Lanes : i * row.Lanes;
                _w.Line(sum.Split
                    ? $"{v} e{Lit(i)} = ExpAccurate({Input(Lit(offset), Lit(i))}, vbias, out {v} l{Lit(i)});"
                    : $"{v} e{Lit(i)} = Exp({Input(Lit(offset), Lit(i))}, vbias);");
                summands.Add(tail && row.MaskedTail ? $"(e{Lit(i)} & {mask})" : $"e{Lit(i)}");
                lows.Add(tail && row.MaskedTail ? $"(l{Lit(i)} & {mask})" : $"l{Lit(i)}");
            }

            if (core.Store)
            {
                // The tail vector last: its lower lanes repeat elements of the vector before it.
                for (int i = 0; i < row.Count; i++)
                {
                    _w.Line(Store(width, $"e{Lit(i)}", "y", Lit(i == row.Count - 1 ? length - row.Lanes : i * row.Lanes)));
                }
            }

            if (!accurate)
            {
                _w.Line($"return HorizontalSum({Tree(summands, (a, b) => $"{a} + {b}")});");
            }
            else if (lane.IsSingle)
            {
                _w.Line($"return HorizontalSum({Tree(summands.Select(e => $"Widen({e})").ToList(), (a, b) => $"{a} + {b}")});");
            }
            else
            {
                _w.Line($"{v} total = {summands[0]};");
                _w.Line($"{v} compensation = {v}.Zero;");
                for (int i = 1; i < row.Count; i++)
                {
                    _w.Line($"KahanAdd(ref total, ref compensation, {summands[i]});");
                }

                _w.Line($"return CompensatedSum(total, {Tree(lows, (a, b) => $"{a} + {b}")} - compensation);");
            }
        }
        else
        {
            if (row.HasTail)
            {
                // Computed before anything is stored: in place, its lower lanes would otherwise read outputs.
                _w.Line(sum.Split
                    ? $"{v} tail = ExpAccurate({Input(row.TailOffset, string.Empty)}, vbias, out {v} tailLow);"
                    : $"{v} tail = Exp({Input(row.TailOffset, string.Empty)}, vbias);");
            }

            sum.Declare(_w, "sum");
            if (folded)
            {
                EmitByShift(width, "shift", shifted => EmitLayerExpLoop(width, v, sum, row, core.Store, offset => Input(offset, string.Empty, shifted)));
            }
            else
            {
                EmitLayerExpLoop(width, v, sum, row, core.Store, offset => Input(offset, string.Empty));
            }
            if (row.HasTail)
            {
                _w.Line(sum.Add("sum", $"(tail & {mask})"));
                if (sum.Split)
                {
                    _w.Line($"sumLow += tailLow & {mask};");
                }

                if (core.Store)
                {
                    _w.Line(Store(width, "tail", "y", row.TailOffset));
                }
            }

            _w.Line($"return {sum.Total("sum")};");
        }

        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// The row bias of the accurate float cores with a stored softmax (the gradient's, the temperature's): the row is
    /// shifted by its maximum from |max| &gt;= 256 on, not only from the softmax kernels' 16384. x - max is then exact
    /// for every element whose exponential is a normal float (those lie within 88 of the maximum, so between max / 2
    /// and 2 max: Sterbenz's lemma), and the exponent k of the other rows stays below 2^9, where k ln 2 is accurate to
    /// 2^-27 also without FMA (the product k Ln2Lo rounded to float: up to 2^-22 absolute, 1-2 ULP of every exponential,
    /// at the softmax kernels' k near 2^14).
    /// </summary>
    private void EmitAccurateSingleRowBias(Width width)
    {
        string v = width.Of(Lane.Single);
        string c = width.Class;
        string K(double value) => $"{c}.Create({Lane.Single.Literal(value)})";
        _w.Line($"{v} shift = vmax;");
        _w.Line($"{v} vbias = {K(Lane.Single.Magic)};");
        _w.Open($"if (global::System.Math.Abs(max) < {Lane.Single.Literal(AccurateSingleShiftLimit)})");
        _w.Line($"shift = {v}.Zero;");
        _w.Line($"vbias = Mad(vmax, {K(-1.4426950408889634)}, vbias);");
        _w.Close();
        _w.Line();
    }

    /// <summary>The |max| from which the accurate float cores shift the row by its maximum (<see cref="EmitAccurateSingleRowBias"/>).</summary>
    private const double AccurateSingleShiftLimit = 256;

    /// <summary>The full vectors of the core's pass 2, in blocks of <see cref="SumBlockVectors"/> where the sum is blocked.</summary>
    private void EmitLayerExpLoop(Width width, string v, Accumulator sum, RowVectors row, bool store, System.Func<string, string> input)
    {
        int block = SumBlockVectors * row.Lanes;
        int blockEnd = sum.Blocked ? row.Full / block * block : 0;
        void Body(string offset, string accumulate)
        {
            _w.Line(sum.Split
                ? $"{v} e = ExpAccurate({input(offset)}, vbias, out {v} low);"
                : $"{v} e = Exp({input(offset)}, vbias);");
            if (store)
            {
                _w.Line(Store(width, "e", "y", offset));
            }

            _w.Line(accumulate);
            if (sum.Split)
            {
                _w.Line("sumLow += low;");
            }
        }

        if (sum.Blocked && row.Runtime)
        {
            _w.Open($"for (nuint b = 0; b < full; b += {Lit(block)})");
            _w.Line($"nuint end = b + {Lit(block)} < full ? b + {Lit(block)} : full;");
            _w.Line($"{v} block = {v}.Zero;");
            _w.Open($"for (nuint j = b; j < end; j += {Lit(row.Lanes)})");
            Body("j", "block += e;");
            _w.Close();
            _w.Line("sum += block;");
            _w.Close();
            return;
        }

        if (sum.Blocked)
        {
            if (blockEnd > 0)
            {
                _w.Open($"for (nuint b = 0; b < {Lit(blockEnd)}; b += {Lit(block)})");
                _w.Line($"{v} block = {v}.Zero;");
                _w.Open($"for (nuint j = b; j < b + {Lit(block)}; j += {Lit(row.Lanes)})");
                Body("j", "block += e;");
                _w.Close();
                _w.Line("sum += block;");
                _w.Close();
            }

            if (blockEnd < row.Full)
            {
                _w.Open(string.Empty);
                _w.Line($"{v} block = {v}.Zero;");
                _w.Open($"for (nuint j = {Lit(blockEnd)}; j < {Lit(row.Full)}; j += {Lit(row.Lanes)})");
                Body("j", "block += e;");
                _w.Close();
                _w.Line("sum += block;");
                _w.Close();
            }

            return;
        }

        _w.Open($"for (nuint j = 0; j < {row.FullText}; j += {Lit(row.Lanes)})");
        Body("j", sum.Add("sum", "e"));
        _w.Close();
    }

    /// <summary>
    /// An element-wise pass: <paramref name="output"/>[i] = <paramref name="expression"/> of the vectors loaded from
    /// <paramref name="inputs"/> (named as the inputs, suffixed per vector). The overlapping tail vector is loaded first.
    /// </summary>
    private void EmitMapPass(Lane lane, Width width, int length, string[] inputs, string output, System.Func<string[], string> expression)
    {
        var row = new RowVectors(lane, width, length);
        if (row.Runtime)
        {
            _w.Line(row.FullDeclaration!);
        }

        string v = width.Of(lane);
        string[] Loaded(string suffix) => inputs.Select(input => input + "V" + suffix).ToArray();
        void LoadAll(string offset, string suffix)
        {
            foreach (string input in inputs)
            {
                _w.Line($"{v} {input}V{suffix} = {Load(width, input, offset)};");
            }
        }

        if (row.HasTail)
        {
            LoadAll(row.TailOffset, "Tail");
        }

        if (row.Unrolled)
        {
            for (int i = 0; i < row.Full / row.Lanes; i++)
            {
                LoadAll(Lit(i * row.Lanes), Lit(i));
            }

            for (int i = 0; i < row.Full / row.Lanes; i++)
            {
                _w.Line(Store(width, expression(Loaded(Lit(i))), output, Lit(i * row.Lanes)));
            }
        }
        else
        {
            // Stores from the first element where the output is aligned to the vector: a store split between two cache
            // lines cost an element-wise pass about 10% on Zen 4 (N = 4096 with the output 8 bytes off a line; the
            // loop kernels' scale pass 0.96 of before with this; docs/performance.md), and a .NET array is aligned to a
            // vector in one placement of four. The first and last full vectors are computed before the loop and stored
            // after it: the lanes they share with the loop get the same values, so the result does not depend on the
            // placement (in place too: both are read before the loop writes). Rows here hold at least one full vector
            // (run-time rows shorter than a vector take other kernels; fixed rows this short are unrolled).
            string lastFull = row.Runtime ? $"full - {Lit(row.Lanes)}" : Lit(row.Full - row.Lanes);
            _w.Line($"nuint start = {AlignedStart(lane, width, output)};");
            LoadAll("0", "First");
            LoadAll(lastFull, "LastFull");
            _w.Line($"{v} first = {expression(Loaded("First"))};");
            _w.Line($"{v} lastFull = {expression(Loaded("LastFull"))};");
            _w.Open($"for (nuint j = start; j <= {lastFull}; j += {Lit(row.Lanes)})");
            LoadAll("j", string.Empty);
            _w.Line(Store(width, expression(Loaded(string.Empty)), output, "j"));
            _w.Close();
            _w.Line(Store(width, "first", output, "0"));
            _w.Line(Store(width, "lastFull", output, lastFull));
        }

        if (row.HasTail)
        {
            _w.Line(Store(width, expression(Loaded("Tail")), output, row.TailOffset));
        }
    }

    /// <summary>The elements from <paramref name="destination"/> (a <c>ref</c> local) to the first one aligned to the
    /// vector (for a destination aligned to its element; else some offset below a vector, which is as correct).</summary>
    private static string AlignedStart(Lane lane, Width width, string destination)
    {
        const string unsafeClass = "global::System.Runtime.CompilerServices.Unsafe";
        return $"((nuint)0 - (nuint){unsafeClass}.ByteOffset(ref {unsafeClass}.NullRef<{lane.Keyword}>(), ref {destination})) % {Lit(width.Bits / 8)} / {Lit(lane.Size)}";
    }

    private void EmitPassSignature(Lane lane, int length, bool accurate, Width width, string pass, string returns, string parameters, string summary)
    {
        _w.Line($"/// <summary>{width.Name}: {summary} ({RowText(length)} values).</summary>");
        _w.Line(Inline);
        _w.Open($"private static {returns} {PassName(lane, length, accurate, pass, width)}({LengthParameter(length)}{parameters})");
    }

    /// <summary>y = (x - max) - log: the log-softmax from the core's maximum and the log of its sum.</summary>
    private void EmitLogShiftPass(Lane lane, int length, bool accurate, Width width)
    {
        string t = lane.Keyword;
        EmitPassSignature(lane, length, accurate, width, LayerPlan.LogShift, "void", $"ref {t} x, ref {t} y, {t} max, {t} log", "y = (x - max) - log");
        _w.Line($"{width.Of(lane)} vmax = {width.Class}.Create(max);");
        _w.Line($"{width.Of(lane)} vlog = {width.Class}.Create(log);");
        EmitMapPass(lane, width, length, new[] { "x" }, "y", l => $"({l[0]} - vmax) - vlog");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// y = e * weight / total in the precision's way (the three variants of the softmax kernels' scaling: the
    /// reciprocal; the double reciprocal as hi + lo floats rounded once by an FMA; the product corrected once by the
    /// remainder).
    /// </summary>
    private void EmitScalePass(Lane lane, int length, bool accurate, Width width)
    {
        string t = lane.Keyword;
        string v = width.Of(lane);
        string c = width.Class;
        EmitPassSignature(lane, length, accurate, width, LayerPlan.Scale, "void", $"ref {t} y, double total, {t} weight", "y = y * weight / total");
        System.Func<string[], string> scaled;
        if (!accurate)
        {
            _w.Line($"{v} scale = {c}.Create(({t})(weight / total));");
            scaled = l => $"{l[0]} * scale";
        }
        else if (lane.IsSingle)
        {
            _w.Line("double inverse = weight / total;");
            _w.Line("float inverseHigh = (float)inverse;");
            _w.Line($"{v} scale = {c}.Create(inverseHigh);");
            _w.Line($"{v} scaleLow = {c}.Create((float)(inverse - inverseHigh));");
            scaled = l => $"Mad({l[0]}, scale, {l[0]} * scaleLow)";
        }
        else
        {
            _w.Line("double quotient = total / weight;");
            _w.Line($"{v} divisor = {c}.Create(quotient);");
            _w.Line($"{v} inverse = {c}.Create(1d / quotient);");
            scaled = l => $"Mad(Mad(-({l[0]} * inverse), divisor, {l[0]}), inverse, {l[0]} * inverse)";
        }

        EmitMapPass(lane, width, length, new[] { "y" }, "y", scaled);
        _w.Close();
        _w.Line();
    }

    /// <summary>g = e * scale - weight * t: the cross-entropy gradient with target probabilities.</summary>
    private void EmitGradientPass(Lane lane, int length, bool accurate, Width width)
    {
        string t = lane.Keyword;
        EmitPassSignature(lane, length, accurate, width, LayerPlan.Gradient, "void", $"ref {t} y, ref {t} t, {t} scale, {t} weight", "y = y * scale - weight * t");
        _w.Line($"{width.Of(lane)} vscale = {width.Class}.Create(scale);");
        _w.Line($"{width.Of(lane)} vweight = {width.Class}.Create(-weight);");
        EmitMapPass(lane, width, length, new[] { "y", "t" }, "y", l => $"Mad({l[0]}, vscale, {l[1]} * vweight)");
        _w.Close();
        _w.Line();
    }

    /// <summary>dx = y * (dy - dot): the softmax backward pass after its dot product.</summary>
    private void EmitBackwardPass(Lane lane, int length, bool accurate, Width width)
    {
        string t = lane.Keyword;
        EmitPassSignature(lane, length, accurate, width, LayerPlan.BackwardStore, "void", $"ref {t} y, ref {t} dy, ref {t} dx, {t} dot", "dx = y * (dy - dot)");
        _w.Line($"{width.Of(lane)} vdot = {width.Class}.Create(dot);");
        EmitMapPass(lane, width, length, new[] { "y", "dy" }, "dx", l => $"{l[0]} * ({l[1]} - vdot)");
        _w.Close();
        _w.Line();
    }

    /// <summary>Pass 1 for a run-time length n (at least one vector): four accumulators, then the whole vectors one by one, then the tail.</summary>
    private void EmitRuntimeMaxLoop(Lane lane, Width width)
    {
        string v = width.Of(lane);
        int lanes = width.Lanes(lane);
        _w.Line($"{v} a0 = {Load(width, "x", "0")};");
        _w.Line($"{v} a1 = {Load(width, "x", $"(n - {Lit(lanes)})")};");
        _w.Line($"{v} a2 = a0;");
        _w.Line($"{v} a3 = a1;");
        _w.Line($"nuint i = {Lit(lanes)};");
        _w.Open($"for (; i + {Lit(4 * lanes)} <= full; i += {Lit(4 * lanes)})");
        for (int a = 0; a < 4; a++)
        {
            _w.Line($"a{Lit(a)} = Max(a{Lit(a)}, {Load(width, "x", a == 0 ? "i" : $"i + {Lit(a * lanes)}")});");
        }

        _w.Close();
        _w.Open($"for (; i < full; i += {Lit(lanes)})");
        _w.Line($"a0 = Max(a0, {Load(width, "x", "i")});");
        _w.Close();
        _w.Line($"{v} vmax = AllMax(Max(Max(a0, a1), Max(a2, a3)));");
    }

    /// <summary>
    /// <c>{Width}{Lane}Tail(keep)</c>: the mask that keeps the top <c>keep</c> lanes (0 to lanes), loaded from a table of
    /// zeros then ones. The tail vector at n - lanes keeps n mod lanes lanes (<see cref="RowVectors.Mask"/>); the
    /// second vector of a two-vector row keeps n - lanes.
    /// </summary>
    private void EmitRuntimeTailMask(Lane lane, Width width)
    {
        int lanes = width.Lanes(lane);
        string element = lane.IsSingle ? "int" : "long";
        string table = $"s_{width.Name}{lane.Name}TailMasks";
        string values = string.Join(", ", Enumerable.Range(0, 2 * lanes).Select(i => i < lanes ? "0" : "-1"));
        _w.Line($"private static readonly {element}[] {table} = new {element}[] {{ {values} }};");
        _w.Line();
        _w.Line(Inline);
        _w.Open($"private static {width.Of(lane)} {width.Name}{lane.Name}Tail(nuint keep)");
        _w.Line($"return {width.Class}.{lane.AsSelf}({width.Class}.LoadUnsafe(ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference({table}), keep));");
        _w.Close();
        _w.Line();
    }
}
