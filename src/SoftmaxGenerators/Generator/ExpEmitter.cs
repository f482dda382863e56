using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// The exponential unit of the kernels class: the vector exponentials (Fast and Accurate, with vscalef on AVX-512),
/// argument reduction, polynomial evaluation, and the scalar one. Every kernel shape calls the helpers it emits.
/// </summary>
internal sealed class ExpEmitter
{
    private readonly IndentedWriter _w;
    private readonly TargetCapabilities _capabilities;

    public ExpEmitter(IndentedWriter writer, TargetCapabilities capabilities)
    {
        _w = writer;
        _capabilities = capabilities;
    }

    private static string Inline => KernelEmitter.Inline;

    private static string Lit(int value) => KernelEmitter.Lit(value);

    public void EmitVectorExp(Lane lane, Width width)
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
    /// -inf give +0 instead of NaN; vmaxps returns its second operand, u, when u is NaN). The rest is the table
    /// exponential (<see cref="EmitTableExp"/>), faster than the table-free polynomial at every N, width and element
    /// type measured (issue 11; docs/performance.md), which it replaced.
    /// </summary>
    private void EmitScaleExp(Lane lane, Width width)
    {
        string v = width.Of(lane);
        const string x86 = "global::System.Runtime.Intrinsics.X86.";
        string isa = ScaleIsa(width);
        _w.Line($"/// <summary><c>Exp</c> where {isa.Substring(x86.Length)} is supported: 2^(k - M) applied by Scale (vscalef), no flush compare.</summary>");
        _w.Line(Inline);
        _w.Open($"private static {v} ExpScale({v} u, {v} bias)");
        EmitTableExp(lane, width);
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// The body of the table exponential (XNNPACK's "lut16-p3-perm" with vscalef): k = round(2^b u / ln 2) by the magic
    /// bias 1.5 * 2^(mantissa bits - b), which keeps b fraction bits of k / 2^b in t and k mod 2^b in its low mantissa
    /// bits; 2^(j / 2^b) comes from a table of 2^b entries in registers by a variable permute that reads only those low
    /// bits; r = u - (k / 2^b) ln 2 is 2^b times smaller than in the table-free exponential, so the polynomial is degree
    /// 3 (float) or 6-7 (double) instead of 6 or 11; the result is Scale(T_j p(r), t - base), since vscalef applies
    /// 2^floor(k / 2^b - M). The row's M enters as in the table-free form: bias - (Magic - base) = base - M exactly.
    /// </summary>
    private void EmitTableExp(Lane lane, Width width, bool accurate = false)
    {
        string v = width.Of(lane);
        string c = width.Class;
        string K(double value) => $"{c}.Create({lane.Literal(value)})";
        const string x86 = "global::System.Runtime.Intrinsics.X86.";
        int bits = lane.TableBits(width);
        double magicBase = lane.TableMagicBase(width);
        double[] table = lane.Table(width);
        double[]? low = lane.TableLow(width);
        // u clamped at ScaleCutoff below the row's M ln 2, where the result rounds to +0 (and -inf gives +0, not NaN;
        // vmax returns its second operand, u, when u is NaN).
        const double ln2 = 0.69314718055994531;
        string max = x86 + (width == Width.Vector512 ? "Avx512F.Max" : "Avx.Max");
        _w.Line($"u = {max}(Mad(bias, {K(-ln2)}, {K((lane.Magic * ln2) + lane.ScaleCutoff)}), u);");
        string Entries(double[] values, int from, int count) =>
            $"{c}.Create({string.Join(", ", values.Skip(from).Take(count).Select(lane.Literal))})";
        _w.Line($"// t = k / {Lit(1 << bits)} - M + {lane.Literal(magicBase)} with k = round({Lit(1 << bits)} u / ln 2): t keeps {Lit(bits)} fraction bits, its low mantissa bits hold k mod {Lit(1 << bits)}.");
        _w.Line($"{v} tableBias = bias - {K(lane.Magic - magicBase)};");
        _w.Line($"{v} t = Mad(u, {K(1.4426950408889634)}, tableBias);");
        _w.Line($"{v} k = t - tableBias;");
        _w.Line($"// r = u - (k / {Lit(1 << bits)}) ln 2 in two steps (Cody-Waite), |r| <= ln(2) / {Lit(2 << bits)}.");
        _w.Line($"{v} r = Mad(k, {K(-lane.Ln2Hi)}, u);");
        _w.Line($"r = Mad(k, {K(-lane.Ln2Lo)}, r);");
        _w.Line($"// s = 2^((k mod {Lit(1 << bits)}) / {Lit(1 << bits)}) from the table in registers: the permute reads the low {Lit(bits)} bits of each index.");
        int lanes = width.Lanes(lane);
        string index = $"{c}.{lane.AsInteger}(t)";
        string Permute(double[] values) => values.Length == lanes
            ? $"{x86}Avx512F.PermuteVar{Lit(lanes)}x{Lit(lane.Size * 8)}({Entries(values, 0, lanes)}, {index})"
            : $"{ScaleIsa(width)}.PermuteVar{Lit(lanes)}x{Lit(lane.Size * 8)}x2({Entries(values, 0, lanes)}, {index}, {Entries(values, lanes, lanes)})";
        _w.Line($"{v} s = {Permute(table)};");
        double[] p = lane.TablePolynomial(width);
        if (accurate)
        {
            // Estrin's scheme: a shorter dependency chain than Horner's for one multiply more. (With either, the register rows
            // of N = 10 were slower than with the table-free form: they call ExpAccuratePoly.)
            string poly = EmitEstrin(v, K, p, "p");
            _w.Line($"// exp(r) = 1 + q, q = r + r^2 P(r) of degree {Lit(p.Length + 1)}, P by Estrin; (s + sLow) exp(r) = s + w, w = s q + sLow, as hi + lo (Fast2Sum: |w| < s).");
            _w.Line($"{v} q = Mad({poly}, pR2, r);");
            _w.Line($"{v} w = Mad(s, q, {Permute(low!)});");
            _w.Line($"{v} hi = s + w;");
            _w.Line($"{v} n = t - {K(magicBase)};");
            _w.Line($"low = {ScaleIsa(width)}.Scale((s - hi) + w, n);");
            _w.Line($"return {ScaleIsa(width)}.Scale(hi, n);");
            return;
        }

        _w.Line(low == null
            ? $"// exp(r) = 1 + r + r^2 P(r) of degree {Lit(p.Length + 1)}, P by Horner; s exp(r) = s + s (r + r^2 P(r)), rounded once."
            : $"// exp(r) = 1 + r + r^2 P(r) of degree {Lit(p.Length + 1)}, P by Horner; (s + sLow) exp(r) = s + (s (r + r^2 P(r)) + sLow), the table's rounding sLow added back.");
        _w.Line($"{v} p = Mad({K(p[0])}, r, {K(p[1])});");
        for (int j = 2; j < p.Length; j++)
        {
            _w.Line($"p = Mad(p, r, {K(p[j])});");
        }

        _w.Line($"p = Mad(p, r * r, r);");
        if (low == null)
        {
            _w.Line("p = Mad(s, p, s);");
        }
        else
        {
            _w.Line($"p = s + Mad(s, p, {Permute(low)});");
        }

        _w.Line($"return {ScaleIsa(width)}.Scale(p, t - {K(magicBase)});");
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
    public void EmitVectorExpAccurate(Width width)
    {
        Lane lane = Lane.Double;
        string v = width.Of(lane);
        string c = width.Class;
        string K(double value) => $"{c}.Create({lane.Literal(value)})";
        _w.Line("/// <summary>exp(u) 2^-M as hi + lo: the result and its rounding error.</summary>");
        _w.Line(Inline);
        _w.Open($"private static {v} ExpAccurate({v} u, {v} bias, out {v} low)");
        bool scale = width != Width.Vector128 && _capabilities.HasVector512;
        if (scale)
        {
            _w.Open($"if ({ScaleIsa(width)}.IsSupported)");
            _w.Line("return ExpAccurateScale(u, bias, out low);");
            _w.Close();
            _w.Line();
        }

        _w.Line("return ExpAccuratePoly(u, bias, out low);");
        _w.Close();
        _w.Line();
        _w.Line("/// <summary><c>ExpAccurate</c> without the table, on every target. The rows held in registers call it: their");
        _w.Line("/// exponential's latency is the row's, and the table form (a clamp and two permutes more, a shorter polynomial)");
        _w.Line("/// made the Accurate double row of 10 values 4-8% slower.</summary>");
        _w.Line(Inline);
        _w.Open($"private static {v} ExpAccuratePoly({v} u, {v} bias, out {v} low)");

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
        if (scale)
        {
            string isa = ScaleIsa(width);
            _w.Line($"/// <summary><c>ExpAccurate</c> where {isa.Substring("global::System.Runtime.Intrinsics.X86.".Length)} is supported: the table exponential with the table's low parts, as hi + lo, each scaled by vscalef (results below the smallest normal are subnormal, not +0).</summary>");
            _w.Line(Inline);
            _w.Open($"private static {v} ExpAccurateScale({v} u, {v} bias, out {v} low)");
            EmitTableExp(lane, width, accurate: true);
            _w.Close();
            _w.Line();
        }
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

    public void EmitScalarExp()
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
