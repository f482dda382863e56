using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// The per-width helpers of the kernels class that every kernel shape calls: maxima and sums across lanes, the row bias,
/// the +∞ row, masks and fused multiply-adds (one set per width, with the ISA-specific instructions behind their
/// IsSupported checks), and the exponential through <see cref="ExpEmitter"/>.
/// </summary>
internal sealed class VectorHelpersEmitter
{
    private readonly IndentedWriter _w;
    private readonly TargetCapabilities _capabilities;
    private readonly ExpEmitter _exp;

    public VectorHelpersEmitter(IndentedWriter writer, TargetCapabilities capabilities, ExpEmitter exp)
    {
        _w = writer;
        _capabilities = capabilities;
        _exp = exp;
    }

    private static string Inline => KernelEmitter.Inline;

    private static string NoInline => KernelEmitter.NoInline;

    private static string Avx => KernelEmitter.Avx;

    private static string Lit(int value) => KernelEmitter.Lit(value);

    /// <summary>
    /// Emits <c>{Lane}RowBias(max, out shift)</c>: returns MagicBase + ExponentBias - M, M = round(max / ln 2), so that
    /// <c>t = x * log2(e) + bias</c> rounds to k - M + ExponentBias in its low bits. When |max| is too large for that
    /// rounding, the row is shifted by its maximum first (x - max is then exact for every element that matters,
    /// by Sterbenz's lemma) and M is 0.
    /// </summary>
    public void EmitRowBiasHelper(Lane lane)
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

    public void EmitInfinityRow(Lane lane)
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

    public void EmitVectorHelpers(Lane lane, Width width)
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

        _exp.EmitVectorExp(lane, width);
        if (!lane.IsSingle)
        {
            _exp.EmitVectorExpAccurate(width);
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
}
