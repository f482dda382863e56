using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>Rows too long for registers: the three-pass loop kernel, the two-pass kernel of rows far beyond the caches, their exponential loops and accumulators, and the scalar kernel.</summary>
internal sealed partial class KernelEmitter
{
    private void EmitLoopKernel(Lane lane, int length, bool accurate, Width width, string suffix = "")
    {
        int lanes = width.Lanes(lane);
        int full = length / lanes * lanes;
        int remainder = length % lanes;
        string tailOffset = Lit(length - lanes);
        string vectorType = width.Of(lane);
        EmitKernelPrologue(lane, length, accurate, width, suffix.Length == 0 ? "three passes" : "three passes: the fallback of the two-pass kernel", suffix);

        EmitMaxLoop(lane, width, length, "max");
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

        EmitByShift(width, "shift", shifted => EmitExpLoops(width, vectorType, sum, full, lanes, offset => Load(width, "x", offset) + shifted));

        if (remainder != 0)
        {
            _w.Line(sum.Add("sum", $"(tail & {TailMask(lane, width, lanes - remainder)})"));
            if (sum.Split)
            {
                _w.Line($"sumLow += tailLow & {TailMask(lane, width, lanes - remainder)};");
            }

            // Stored now (its lanes below the whole vectors hold the values already there), so pass 3 reads the row
            // like any element-wise pass.
            _w.Line(Store(width, "tail", "y", tailOffset));
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

        EmitMapPass(lane, width, length, new[] { "y" }, "y", value => string.Format(CultureInfo.InvariantCulture, scaled, value[0]));
        _w.Close();
        _w.Line();
    }

    /// <summary>Pass 1 of a loop kernel: the maximum of a row of <paramref name="length"/> values into the vector
    /// <paramref name="name"/> (every lane), with four independent accumulators.</summary>
    private void EmitMaxLoop(Lane lane, Width width, int length, string name)
    {
        int lanes = width.Lanes(lane);
        int full = length / lanes * lanes;
        int remainder = length % lanes;
        string tailOffset = Lit(length - lanes);
        string vectorType = width.Of(lane);
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

        _w.Line($"{vectorType} {name} = AllMax(Max(Max(a0, a1), Max(a2, a3)));");
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
        // A run-time length (0) takes n from the input (a whole number of vectors, at least TwoPassMinLength) and falls
        // back to the run-time softmax's three passes.
        bool runtime = length == 0;
        int lanes = width.Lanes(lane);
        int block = SumBlockVectors * lanes;
        string v = width.Of(lane);
        string c = width.Class;
        string n = runtime ? "n" : Lit(length);
        string K(double value) => $"{c}.Create({lane.Literal(value)})";
        int kLimit = (int)System.Math.Round(lane.ShiftLimit * 1.4426950408889634);
        int magic = (int)lane.Magic;
        string fallback = runtime
            ? $"{KernelName(lane, length, accurate: false)}Softmax{ThreePassSuffix}{width.Name}(input, output);"
            : $"{KernelName(lane, length, accurate: false)}{ThreePassSuffix}{width.Name}(input, output);";
        EmitKernelPrologue(lane, length, accurate: false, width, "two passes", runtime ? "TwoPass" : string.Empty);
        if (runtime)
        {
            _w.Line("nuint n = (nuint)input.Length;");
        }


        string wide = width.Of(Lane.Double);
        _w.Line($"// Pass 1: the sum of exp(x) 2^-e, e a reference exponent raised as larger values come; blocks summed in");
        _w.Line($"// float, the block sums in double (float lost 6e-5 of a row of 4M equal values).");
        _w.Line($"// e starts at k = round(x / ln 2) of the first block's maximum, kept within the range of the magic bias.");
        _w.Line($"{v} m = {Load(width, "x", "0")};");
        _w.Open($"for (nuint j = {Lit(lanes)}; j < {(runtime ? Lit(block) : Lit(System.Math.Min(block, length)))}; j += {Lit(lanes)})");
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
        if (_capabilities.AllowUnsafe)
        {
            EmitNonTemporalPass(lane, width, n);
        }

        _w.Open($"for (nuint j = 0; j < {n}; j += {Lit(lanes)})");
        _w.Line(Store(width, $"Exp({Load(width, "x", "j")}, vbias) * scale", "y", "j"));
        _w.Close();
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Pass 2 of the two-pass kernel with non-temporal stores (projects that allow unsafe code): the output, far beyond
    /// the caches, is written around them, which saves reading each line of it before it is written (a third of the
    /// memory traffic of this pass; measured in docs/performance.md). The stores need a pinned pointer aligned to the
    /// vector, so the vectors before the first aligned one and after the last are computed first (from the input as it
    /// was: the kernel may run in place) and stored, unaligned, after the loop. An output not aligned to its element falls
    /// through to the ordinary loop.
    /// </summary>
    private void EmitNonTemporalPass(Lane lane, Width width, string n)
    {
        int lanes = width.Lanes(lane);
        string v = width.Of(lane);
        string t = lane.Keyword;
        int bytes = width.Bits / 8;
        _w.Open("unsafe");
        _w.Open($"fixed ({t}* target = &y)");
        _w.Open($"if (((nuint)target & {Lit(lane.Size - 1)}) == 0)");
        _w.Line($"// The first aligned vector, in elements from the start; the head and the last vector are stored last.");
        _w.Line($"nuint start = ((nuint)0 - (nuint)target) % {Lit(bytes)} / {Lit(lane.Size)};");
        _w.Line($"{v} head = Exp({Load(width, "x", "0")}, vbias) * scale;");
        _w.Line($"{v} last = Exp({Load(width, "x", $"{n} - {Lit(lanes)}")}, vbias) * scale;");
        _w.Open($"for (nuint j = start; j + {Lit(lanes)} <= {n}; j += {Lit(lanes)})");
        _w.Line($"{width.Class}.StoreAlignedNonTemporal(Exp({Load(width, "x", "j")}, vbias) * scale, target + j);");
        _w.Close();
        _w.Line();
        _w.Open("if (global::System.Runtime.Intrinsics.X86.Sse.IsSupported)");
        _w.Line("global::System.Runtime.Intrinsics.X86.Sse.StoreFence();");
        _w.Close();
        _w.Line();
        _w.Line(Store(width, "head", "y", "0"));
        _w.Line(Store(width, "last", "y", $"{n} - {Lit(lanes)}"));
        _w.Line("return;");
        _w.Close();
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

    /// <summary>A scalar loop over i &lt; <paramref name="count"/> that declares <paramref name="sum"/> and adds
    /// <paramref name="term"/> to it with Kahan's compensation (the scalar kernels' sums, in double).</summary>
    private void EmitKahanLoop(string sum, string count, string term)
    {
        _w.Line($"double {sum} = 0d;");
        _w.Line("double compensation = 0d;");
        _w.Open($"for (int i = 0; i < {count}; i++)");
        _w.Line($"double term = {term} - compensation;");
        _w.Line($"double next = {sum} + term;");
        _w.Line($"compensation = (next - {sum}) - term;");
        _w.Line($"{sum} = next;");
        _w.Close();
        _w.Line();
    }

    private void EmitScalarKernel(Lane lane, int length)
    {
        string t = lane.Keyword;
        string n = Lit(length);
        _w.Line($"/// <summary>Scalar kernel for rows of {n} values: exponentials and a compensated sum in double precision, for targets without SIMD.</summary>");
        _w.Open($"private static void {ScalarName(lane, length)}(global::System.ReadOnlySpan<{t}> x, global::System.Span<{t}> y)");
        if (length == 1)
        {
            // One value: probability 1, or NaN for NaN and -∞ (+∞ shares the mass with itself); no exponential.
            _w.Line($"y[0] = {t}.IsNaN(x[0]) || {t}.IsNegativeInfinity(x[0]) ? {t}.NaN : {lane.Literal(1)};");
            _w.Close();
            _w.Line();
            return;
        }

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
        EmitKahanLoop("sum", n, exp);
        _w.Open($"for (int i = 0; i < {n}; i++)");
        _w.Line(lane.IsSingle ? $"y[i] = (float)({exp} / sum);" : $"y[i] = {exp} / sum;");
        _w.Close();
        _w.Close();
        _w.Line();
    }
}
