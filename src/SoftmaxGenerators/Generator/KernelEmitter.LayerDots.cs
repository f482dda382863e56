using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>
/// The dot-product epilogues of the layer functions (<see cref="LayerPlan"/>): the soft-target cross-entropy's
/// Σ t (x - max) and Σ t, and the backward pass's Σ y dy, each in the precision's way (Fast in the element type,
/// accurate float in double, accurate double compensated).
/// </summary>
internal sealed partial class KernelEmitter
{
    /// <summary>
    /// Σ t (x - max) over the entries with t ≠ 0 (so a target of 0 on a logit of -∞ adds nothing, not NaN), and Σ t:
    /// the cross-entropy with target probabilities is log(sum) Σ t - Σ t (x - max). The terms all have one sign
    /// for targets ≥ 0, so no cancellation; but thousands of terms: accurate float sums in double, accurate double
    /// compensates both sums (a plain Σ t of 4096 terms was off by up to 260 ULP of the loss).
    /// </summary>
    private void EmitTargetDotPass(Lane lane, int length, bool accurate, Width width)
    {
        string t = lane.Keyword;
        string v = width.Of(lane);
        string c = width.Class;
        bool widen = accurate && lane.IsSingle;
        string a = widen ? width.Of(Lane.Double) : v;
        var row = new RowVectors(lane, width, length);
        EmitPassSignature(lane, length, accurate, width, LayerPlan.TargetDot, "double", $"ref {t} x, ref {t} t, {t} max, out double targetSum", "Σ t (x - max) over t ≠ 0, and Σ t");
        if (row.Runtime)
        {
            _w.Line(row.FullDeclaration!);
        }

        _w.Line($"{v} vmax = {c}.Create(max);");
        _w.Line($"{a} dot = {a}.Zero;");
        _w.Line($"{a} sum = {a}.Zero;");
        bool compensated = accurate && !lane.IsSingle;
        if (compensated)
        {
            // Accurate double: both sums compensated (TwoSum, and the products' FMA errors, as the backward pass's Dot2):
            // dot and sum are the TwoSums' high parts, error and sumError their errors. The plain sums stay the results
            // where they are not finite (a -∞ logit with a target: the loss is +∞).
            _w.Line($"{v} error = {v}.Zero;");
            _w.Line($"{v} sumError = {v}.Zero;");
        }

        string mask = row.Mask;
        ForEachVector(row, (offset, suffix, tail) =>
        {
            string keep = tail && row.MaskedTail ? $" & {mask}" : string.Empty;
            _w.Line($"{v} vt{suffix} = {Load(width, "t", offset)}{keep};");
            _w.Line($"{v} vd{suffix} = {c}.AndNot({Load(width, "x", offset)} - vmax, {c}.Equals(vt{suffix}, {v}.Zero));");
            _w.Line($"{v} vp{suffix} = vt{suffix} * vd{suffix};");
            if (compensated)
            {
                _w.Line($"{v} next{suffix} = dot + vp{suffix};");
                _w.Line($"{v} back{suffix} = next{suffix} - dot;");
                _w.Line($"{v} product{suffix} = Mad(vt{suffix}, vd{suffix}, -vp{suffix});");
                _w.Line($"error += ((dot - (next{suffix} - back{suffix})) + (vp{suffix} - back{suffix})) + (product{suffix} & {c}.Equals(product{suffix}, product{suffix}));");
                _w.Line($"dot = next{suffix};");
                _w.Line($"{v} nextSum{suffix} = sum + vt{suffix};");
                _w.Line($"{v} backSum{suffix} = nextSum{suffix} - sum;");
                _w.Line($"sumError += (sum - (nextSum{suffix} - backSum{suffix})) + (vt{suffix} - backSum{suffix});");
                _w.Line($"sum = nextSum{suffix};");
                return;
            }

            _w.Line(widen ? $"dot += Widen(vp{suffix});" : $"dot += vp{suffix};");
            _w.Line(widen ? $"sum += Widen(vt{suffix});" : $"sum += vt{suffix};");
        });
        if (compensated)
        {
            _w.Line("double plainSum = HorizontalSum(sum);");
            _w.Line("targetSum = plainSum > double.NegativeInfinity && plainSum < double.PositiveInfinity ? CompensatedSum(sum, sumError) : plainSum;");
            _w.Line("double plain = HorizontalSum(dot);");
            _w.Line("return plain > double.NegativeInfinity && plain < double.PositiveInfinity ? CompensatedSum(dot, error) : plain;");
        }
        else
        {
            _w.Line("targetSum = HorizontalSum(sum);");
            _w.Line("return HorizontalSum(dot);");
        }

        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Σ a b, the dot product of the backward pass. Fast: FMAs in the element type; accurate float: the exact products
    /// summed in double; accurate double: compensated (Ogita, Rump and Oishi's Dot2: the products' and the sums'
    /// rounding errors carried in a second accumulator).
    /// </summary>
    private void EmitDotPass(Lane lane, int length, bool accurate, Width width)
    {
        string t = lane.Keyword;
        string v = width.Of(lane);
        string c = width.Class;
        var row = new RowVectors(lane, width, length);
        string mask = row.Mask;
        EmitPassSignature(lane, length, accurate, width, LayerPlan.Dot, "double", $"ref {t} a, ref {t} b", "Σ a b");
        if (row.Runtime)
        {
            _w.Line(row.FullDeclaration!);
        }

        string wide = width.Of(Lane.Double);
        string accumulator = accurate && lane.IsSingle ? wide : v;
        _w.Line($"{accumulator} sum = {accumulator}.Zero;");
        if (accurate && !lane.IsSingle)
        {
            _w.Line($"{v} error = {v}.Zero;");
        }

        ForEachVector(row, (offset, suffix, tail) =>
        {
            string keep = tail && row.MaskedTail ? $" & {mask}" : string.Empty;
            string va = "va" + suffix;
            string vb = "vb" + suffix;
            _w.Line($"{v} {va} = {Load(width, "a", offset)}{keep};");
            _w.Line($"{v} {vb} = {Load(width, "b", offset)};");
            if (!accurate)
            {
                _w.Line($"sum = Mad({va}, {vb}, sum);");
            }
            else if (lane.IsSingle)
            {
                _w.Line($"({wide} aLow{suffix}, {wide} aHigh{suffix}) = {c}.Widen({va});");
                _w.Line($"({wide} bLow{suffix}, {wide} bHigh{suffix}) = {c}.Widen({vb});");
                _w.Line($"sum += (aLow{suffix} * bLow{suffix}) + (aHigh{suffix} * bHigh{suffix});");
            }
            else
            {
                // TwoSum of sum + p and the FMA's exact product error go into the second accumulator.
                _w.Line($"{v} p{suffix} = {va} * {vb};");
                _w.Line($"{v} next{suffix} = sum + p{suffix};");
                _w.Line($"{v} back{suffix} = next{suffix} - sum;");
                _w.Line($"error += ((sum - (next{suffix} - back{suffix})) + (p{suffix} - back{suffix})) + Mad({va}, {vb}, -p{suffix});");
                _w.Line($"sum = next{suffix};");
            }
        });
        _w.Line(accurate && !lane.IsSingle ? "return CompensatedSum(sum, error);" : "return HorizontalSum(sum);");
        _w.Close();
        _w.Line();
    }
}
