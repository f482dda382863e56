using System.Globalization;
using System.Linq;

namespace SoftmaxGenerators.Generator;

/// <summary>An element type of the generated kernels and the constants of its exponential.</summary>
internal sealed class Lane
{
    public static readonly Lane Single = new(
        keyword: "float",
        name: "Single",
        size: 4,
        asInteger: "AsInt32",
        asSelf: "AsSingle",
        exponentShift: 23,
        maskType: "u",
        maskOnes: "0xFFFFFFFFu",
        // Adding 1.5 * 2^23 rounds to an integer that sits in the low mantissa bits.
        magicBase: 12582912d,
        exponentBias: 127,
        // Below this |max|, k = round(x / ln 2) < 2^15 and k * Ln2Hi (9 significant bits) is exact even without FMA.
        shiftLimit: 16384d,
        // ln(2) split so that n * Ln2Hi is exact (Cody-Waite).
        ln2Hi: 0.693359375d,
        ln2Lo: -2.12194440e-4d,
        // exp(r) = 1 + r + r^2 * P(r) on |r| <= ln(2)/2 with P of degree 4: a Chebyshev fit of (exp(r) - 1 - r) / r^2
        // (mpmath.chebyfit, 40 digits), rounded to float: 0.08 ulp of approximation error, one term fewer than Cephes'
        // expf polynomial (0.02 ulp); the float evaluation's rounding (about 1 ulp) dominates either way.
        polynomial: new[] { 0.0013926175888627768d, 0.008363173343241215d, 0.041666556149721146d, 0.16666577756404877d, 0.5d });

    public static readonly Lane Double = new(
        keyword: "double",
        name: "Double",
        size: 8,
        asInteger: "AsInt64",
        asSelf: "AsDouble",
        exponentShift: 52,
        maskType: "ul",
        maskOnes: "0xFFFFFFFFFFFFFFFFul",
        magicBase: 6755399441055744d, // 1.5 * 2^52
        exponentBias: 1023,
        shiftLimit: 1048576d, // 2^20: k < 2^21 and k * Ln2Hi (32 significant bits) is exact without FMA
        ln2Hi: 6.93147180369123816490e-01d, // fdlibm split
        ln2Lo: 1.90821492927058770002e-10d,
        // exp(r) = 1 + r + r^2 * P(r) on |r| <= ln(2)/2 with P of degree 9: a Chebyshev fit of (exp(r) - 1 - r) / r^2 in
        // 50-digit arithmetic (mpmath.chebyfit), rounded to double: 0.07 ulp of approximation error, two terms fewer than
        // the degree-13 Taylor polynomial (0.04 ulp).
        polynomial: new[]
        {
            2.5100375832561234e-08d, 2.7620075879983367e-07d, 2.7557268480310024e-06d, 2.4801521322368692e-05d,
            0.00019841269863040545d, 0.0013888888917196719d, 0.008333333333330065d, 0.041666666666624164d,
            0.16666666666666669d, 0.5000000000000001d, 1d, 1d,
        });

    private Lane(
        string keyword, string name, int size, string asInteger, string asSelf, int exponentShift, string maskType,
        string maskOnes, double magicBase, int exponentBias, double shiftLimit, double ln2Hi, double ln2Lo, double[] polynomial)
    {
        Keyword = keyword;
        Name = name;
        Size = size;
        AsInteger = asInteger;
        AsSelf = asSelf;
        ExponentShift = exponentShift;
        MaskZero = "0" + maskType;
        MaskOnes = maskOnes;
        MagicBase = magicBase;
        ExponentBias = exponentBias;
        ShiftLimit = shiftLimit;
        Ln2Hi = ln2Hi;
        Ln2Lo = ln2Lo;
        Polynomial = polynomial;
    }

    public string Keyword { get; }

    public string Name { get; }

    public int Size { get; }

    public string AsInteger { get; }

    public string AsSelf { get; }

    public int ExponentShift { get; }

    public string MaskZero { get; }

    public string MaskOnes { get; }

    /// <summary>1.5 * 2^(mantissa bits): adding it rounds to an integer held in the low mantissa bits.</summary>
    public double MagicBase { get; }

    public int ExponentBias { get; }

    /// <summary>The |max| below which the row is not shifted: k = round(x / ln 2) stays small enough for k * Ln2Hi to
    /// be exact without FMA. Above it x - max is exact for every element whose exponential is a normal number.</summary>
    public double ShiftLimit { get; }

    public double Ln2Hi { get; }

    public double Ln2Lo { get; }

    /// <summary>MagicBase + ExponentBias: the row bias when the row's exponent M is 0.</summary>
    public double Magic => MagicBase + ExponentBias;

    /// <summary>t below this means 2^(k - M) is not a normal number: the exponential is flushed to +0.</summary>
    public double FlushBelow => MagicBase + 1;

    /// <summary>
    /// The AVX-512 exponential clamps u - M ln 2 at this value: exp of it times 2^(1/2) (the largest |max - M ln 2|) is
    /// below half the smallest subnormal, so the clamped result, like the exact one, rounds to +0.
    /// </summary>
    public double ScaleCutoff => IsSingle ? -110d : -760d;

    /// <summary>Horner coefficients, highest degree first. For float they are P(r) of 1 + r + r^2 P(r); for double
    /// they are the full polynomial 1 + r + r^2 P(r), down to the constant 1.</summary>
    public double[] Polynomial { get; }

    public bool IsSingle => Size == 4;

    /// <summary>
    /// Fraction bits of k/2^b in the table exponential of <paramref name="width"/> (AVX-512 only): k = round(2^b u / ln 2),
    /// 2^(j/2^b) for j = k mod 2^b read from a table of 2^b entries held in one or two registers (float: 16 entries,
    /// one zmm for <c>vpermps</c> or two ymm for <c>vpermt2ps</c>; double: 16 in two zmm for <c>vpermt2pd</c>, 8 in two
    /// ymm).
    /// </summary>
    public int TableBits(Width width) => IsSingle || width == Width.Vector512 ? 4 : 3;

    /// <summary>1.5 * 2^(mantissa bits - b): adding it rounds to a multiple of 2^-b whose low b mantissa bits are k mod 2^b.</summary>
    public double TableMagicBase(Width width) => MagicBase / (1 << TableBits(width));

    /// <summary>2^(j/2^b), j = 0 .. 2^b - 1, rounded to the element type (tools/ExpFit/lut_exp_coefficients.py).</summary>
    public double[] Table(Width width) => TableBits(width) == 4 ? (IsSingle ? SingleTable16 : DoubleTable16) : DoubleTable8;

    /// <summary>
    /// The double table's rounding errors 2^(j/2^b) - Table[j], rounded to double, or null (float: one part). Adding
    /// them keeps the exponential within about 0.5 ulp of its rounding; with the high parts alone (1 ulp) the Fast
    /// double softmax measured above its pinned 10 ULP bound on dominant rows (10.33 against 9.65). Float keeps one
    /// part: a second vpermps and add took back nearly all of the table's speed-up on Zen 4 (after / before 0.97-1.03
    /// against 0.88-0.95), for max errors of 3.62 (Fast) and 2.11 (Accurate) ULP instead of 4.30 and 2.70.
    /// </summary>
    public double[]? TableLow(Width width) => IsSingle ? null : TableBits(width) == 4 ? DoubleLow16 : DoubleLow8;

    /// <summary>
    /// c_n .. c_2 (highest first) of exp(r) ~ 1 + r + c_2 r^2 + ... + c_n r^n on |r| &lt;= ln(2) / 2^(b+1), minimax in
    /// relative error (Remez, tools/ExpFit/lut_exp_coefficients.py), rounded to the element type: float degree 3
    /// (0.013 ulp), double degree 6 for 16 entries (0.052 ulp), degree 7 for 8 entries (0.013 ulp).
    /// </summary>
    public double[] TablePolynomial(Width width) => IsSingle ? SinglePolynomial16 : TableBits(width) == 4 ? DoublePolynomial16 : DoublePolynomial8;

    private static readonly double[] SingleTable16 =
    {
        1.0d, 1.0442737340927124d, 1.0905077457427979d, 1.1387885808944702d, 1.1892070770263672d,
        1.2418577671051025d, 1.2968395948410034d, 1.3542555570602417d, 1.4142135381698608d, 1.4768261909484863d,
        1.5422108173370361d, 1.610490322113037d, 1.6817928552627563d, 1.7562521696090698d, 1.8340080976486206d,
        1.9152065515518188d,
    };

    private static readonly double[] DoubleTable16 =
    {
        1.0d, 1.0442737824274138d, 1.0905077326652577d, 1.1387886347566916d, 1.189207115002721d,
        1.241857812073484d, 1.2968395546510096d, 1.3542555469368927d, 1.4142135623730951d, 1.4768261459394993d,
        1.5422108254079407d, 1.6104903319492543d, 1.681792830507429d, 1.7562521603732995d, 1.8340080864093424d,
        1.9152065613971474d,
    };

    private static readonly double[] DoubleTable8 = DoubleTable16.Where((_, j) => j % 2 == 0).ToArray();

    private static readonly double[] DoubleLow16 =
    {
        0.0d, 8.551889705537965e-17d, -3.046782079812471e-17d, 8.912812676025408e-17d, 3.982015231465646e-17d,
        4.658027591836937e-17d, 2.5382502794888315e-17d, 7.70094837980299e-17d, -9.667293313452913e-17d,
        -3.483994556892796e-17d, 7.949834809697621e-17d, 2.4707192569797888e-17d, 8.199010020581497e-17d,
        2.960140695448873e-17d, 3.283107224245627e-17d, -1.0619946056195963e-16d,
    };

    private static readonly double[] DoubleLow8 = DoubleLow16.Where((_, j) => j % 2 == 0).ToArray();

    private static readonly double[] SinglePolynomial16 = { 0.166667178273201d, 0.5000161528587341d };

    private static readonly double[] DoublePolynomial16 =
    {
        0.00138885939947812d, 0.008333471948495269d, 0.04166666669326111d, 0.1666666666441707d, 0.49999999999999606d,
    };

    private static readonly double[] DoublePolynomial8 =
    {
        0.00019840565688040648d, 0.0013889780672814215d, 0.008333333371129561d, 0.041666666570073584d,
        0.16666666666663724d, 0.5000000000000296d,
    };

    /// <summary>A C# literal of this element type.</summary>
    public string Literal(double value) => IsSingle
        ? ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f"
        : value.ToString("R", CultureInfo.InvariantCulture) + "d";
}

/// <summary>A SIMD width of System.Runtime.Intrinsics.</summary>
internal sealed class Width
{
    public const string Intrinsics = "global::System.Runtime.Intrinsics.";

    public static readonly Width Vector512 = new("Vector512", 512);
    public static readonly Width Vector256 = new("Vector256", 256);
    public static readonly Width Vector128 = new("Vector128", 128);

    private Width(string name, int bits)
    {
        Name = name;
        Bits = bits;
        Class = Intrinsics + name;
    }

    /// <summary>Vector128, Vector256 or Vector512.</summary>
    public string Name { get; }

    public int Bits { get; }

    /// <summary>The fully qualified static class, e.g. <c>global::System.Runtime.Intrinsics.Vector256</c>.</summary>
    public string Class { get; }

    public int Lanes(Lane lane) => Bits / 8 / lane.Size;

    /// <summary>The fully qualified vector type, e.g. <c>global::System.Runtime.Intrinsics.Vector256&lt;float&gt;</c>.</summary>
    public string Of(Lane lane) => Class + "<" + lane.Keyword + ">";
}
