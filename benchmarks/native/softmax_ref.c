/*
 * softmax_ref.c: a hand-written C float softmax with a compile-time row length, the yardstick of the interleaved
 * timer (benchmarks/SoftmaxGenerators.Benchmarks/NativeReference.cs). Not shipped; written for this project.
 *
 * Built twice by the benchmark project when gcc is found (SoftmaxGenerators.Benchmarks.csproj, target
 * BuildNativeReference):
 *   libsoftmax_ref_avx512.so   gcc -O3 -march=native   (AVX-512F: 512-bit vectors, masked tails, vscalefps)
 *   libsoftmax_ref_avx2.so     gcc -O3 -mavx2 -mfma    (256-bit vectors, 2^n built in the exponent bits)
 *
 * Algorithm: the three passes of XNNPACK-style kernels. (1) the maximum, (2) e = exp(x - max) stored and summed,
 * (3) y = e * (1 / sum). Rows of at most four vectors are loaded once and stay in registers. The exponential:
 * n = round(v log2 e), r = v - n ln2 (two-constant Cody-Waite), exp(r) by a degree-6 Horner polynomial
 * (1 + r(1 + r(1/2 + r(...)))) and 2^n applied with vscalefps (AVX-512) or by adding n to the exponent bits (AVX2).
 * v = x - max is clamped below at -104, where the result is +0 (AVX-512: scalef gives 0; AVX2: flushed by a compare),
 * which also turns -inf inputs into 0 instead of NaN. NaN inputs give NaN rows; +inf rows are not special-cased
 * (a yardstick for finite logits, not a full implementation).
 *
 * Exports: smx_softmax_f32_<N>(const float *x, float *y) for N = 10, 16, 64, 256, 1024, 4096, 65536, and
 * smx_isa() -> 512 or 256, the vector width the library was built for.
 */
#include <immintrin.h>
#include <stddef.h>

#define EXPORT __attribute__((visibility("default")))
#define INLINE static inline __attribute__((always_inline))

/* Polynomial of exp(r) on |r| <= ln(2)/2: Taylor coefficients 1/k! for k = 6..2 (then r and 1 by Horner). Degree 6
 * keeps the truncation error (|r|^7 / 7! ~ 3e-8 relative) below one float ulp. */
#define C6 1.3888889e-3f
#define C5 8.3333333e-3f
#define C4 4.1666667e-2f
#define C3 1.6666667e-1f
#define C2 0.5f
#define LOG2E 1.44269504f
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
#define CUTOFF -104.0f

#if defined(__AVX512F__)

#define W 16
typedef __m512 vec;
INLINE vec vset(float v) { return _mm512_set1_ps(v); }
INLINE vec vload(const float *p) { return _mm512_loadu_ps(p); }
INLINE void vstore(float *p, vec v) { _mm512_storeu_ps(p, v); }
INLINE vec vmax(vec a, vec b) { return _mm512_max_ps(a, b); }
INLINE vec vadd(vec a, vec b) { return _mm512_add_ps(a, b); }
INLINE vec vsub(vec a, vec b) { return _mm512_sub_ps(a, b); }
INLINE vec vmul(vec a, vec b) { return _mm512_mul_ps(a, b); }
INLINE vec vfma(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }
INLINE vec vzero(void) { return _mm512_setzero_ps(); }
/* The tail of a row: lanes past the end read as `fill` (masked load, no memory touched). */
INLINE vec vload_tail(const float *p, int count, float fill)
{
    return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), (__mmask16)((1u << count) - 1u), p);
}
INLINE void vstore_tail(float *p, vec v, int count) { _mm512_mask_storeu_ps(p, (__mmask16)((1u << count) - 1u), v); }
/* All lanes hold the maximum / the sum. */
INLINE vec vallmax(vec v) { return _mm512_set1_ps(_mm512_reduce_max_ps(v)); }
INLINE vec vallsum(vec v) { return _mm512_set1_ps(_mm512_reduce_add_ps(v)); }

INLINE vec vexp(vec v)
{
    v = _mm512_max_ps(v, vset(CUTOFF));
    vec n = _mm512_roundscale_ps(_mm512_mul_ps(v, vset(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    vec r = _mm512_fmadd_ps(n, vset(-LN2_HI), v);
    r = _mm512_fmadd_ps(n, vset(-LN2_LO), r);
    vec p = _mm512_fmadd_ps(vset(C6), r, vset(C5));
    p = _mm512_fmadd_ps(p, r, vset(C4));
    p = _mm512_fmadd_ps(p, r, vset(C3));
    p = _mm512_fmadd_ps(p, r, vset(C2));
    p = _mm512_fmadd_ps(p, r, vset(1.0f));
    p = _mm512_fmadd_ps(p, r, vset(1.0f));
    return _mm512_scalef_ps(p, n);
}

#elif defined(__AVX2__) && defined(__FMA__)

#define W 8
typedef __m256 vec;
INLINE vec vset(float v) { return _mm256_set1_ps(v); }
INLINE vec vload(const float *p) { return _mm256_loadu_ps(p); }
INLINE void vstore(float *p, vec v) { _mm256_storeu_ps(p, v); }
INLINE vec vmax(vec a, vec b) { return _mm256_max_ps(a, b); }
INLINE vec vadd(vec a, vec b) { return _mm256_add_ps(a, b); }
INLINE vec vsub(vec a, vec b) { return _mm256_sub_ps(a, b); }
INLINE vec vmul(vec a, vec b) { return _mm256_mul_ps(a, b); }
INLINE vec vfma(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }
INLINE vec vzero(void) { return _mm256_setzero_ps(); }
INLINE __m256i tail_mask(int count)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
INLINE vec vload_tail(const float *p, int count, float fill)
{
    __m256i m = tail_mask(count);
    return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
INLINE void vstore_tail(float *p, vec v, int count) { _mm256_maskstore_ps(p, tail_mask(count), v); }
INLINE vec vallmax(vec v)
{
    v = _mm256_max_ps(v, _mm256_permute2f128_ps(v, v, 1));
    v = _mm256_max_ps(v, _mm256_permute_ps(v, 0x4E));
    return _mm256_max_ps(v, _mm256_permute_ps(v, 0xB1));
}
INLINE vec vallsum(vec v)
{
    v = _mm256_add_ps(v, _mm256_permute2f128_ps(v, v, 1));
    v = _mm256_add_ps(v, _mm256_permute_ps(v, 0x4E));
    return _mm256_add_ps(v, _mm256_permute_ps(v, 0xB1));
}

INLINE vec vexp(vec v)
{
    v = _mm256_max_ps(v, vset(CUTOFF));
    /* Magic-bias rounding: 1.5 * 2^23 + 127 puts round(v log2 e) + 127 into the low mantissa bits. */
    const vec magic = vset(12583039.0f);
    vec t = _mm256_fmadd_ps(v, vset(LOG2E), magic);
    vec n = _mm256_sub_ps(t, magic);
    vec r = _mm256_fmadd_ps(n, vset(-LN2_HI), v);
    r = _mm256_fmadd_ps(n, vset(-LN2_LO), r);
    vec p = _mm256_fmadd_ps(vset(C6), r, vset(C5));
    p = _mm256_fmadd_ps(p, r, vset(C4));
    p = _mm256_fmadd_ps(p, r, vset(C3));
    p = _mm256_fmadd_ps(p, r, vset(C2));
    p = _mm256_fmadd_ps(p, r, vset(1.0f));
    p = _mm256_fmadd_ps(p, r, vset(1.0f));
    /* 2^n for n >= -126; below that the result is flushed to +0. */
    vec s = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(t), 23));
    vec e = _mm256_mul_ps(p, s);
    return _mm256_andnot_ps(_mm256_cmp_ps(n, vset(-126.0f), _CMP_LT_OQ), e);
}

#else
#error "softmax_ref.c needs AVX-512F, or AVX2 with FMA"
#endif

/* A row of at most four vectors, in registers. */
INLINE void softmax_registers(const float *x, float *y, const int n)
{
    const int full = n / W, tail = n % W, count = full + (tail != 0);
    vec v[4];
    for (int i = 0; i < full; i++)
        v[i] = vload(x + i * W);
    if (tail)
        v[full] = vload_tail(x + full * W, tail, -__builtin_inff());
    vec m = v[0];
    for (int i = 1; i < count; i++)
        m = vmax(m, v[i]);
    m = vallmax(m);
    vec s = vzero();
    for (int i = 0; i < count; i++)
    {
        v[i] = vexp(vsub(v[i], m));
        s = vadd(s, v[i]);
    }
    vec scale = vset(1.0f) / vallsum(s);
    for (int i = 0; i < full; i++)
        vstore(y + i * W, vmul(v[i], scale));
    if (tail)
        vstore_tail(y + full * W, vmul(v[full], scale), tail);
}

/* Three passes over a row of a whole number of vectors (at least four). */
INLINE void softmax_loops(const float *x, float *y, const size_t n)
{
    vec m0 = vload(x), m1 = vload(x + W), m2 = vload(x + 2 * W), m3 = vload(x + 3 * W);
    for (size_t i = 4 * W; i < n; i += 4 * W)
    {
        m0 = vmax(m0, vload(x + i));
        m1 = vmax(m1, vload(x + i + W));
        m2 = vmax(m2, vload(x + i + 2 * W));
        m3 = vmax(m3, vload(x + i + 3 * W));
    }
    vec m = vallmax(vmax(vmax(m0, m1), vmax(m2, m3)));

    vec s0 = vzero(), s1 = vzero();
    for (size_t i = 0; i < n; i += 2 * W)
    {
        vec e0 = vexp(vsub(vload(x + i), m));
        vec e1 = vexp(vsub(vload(x + i + W), m));
        vstore(y + i, e0);
        vstore(y + i + W, e1);
        s0 = vadd(s0, e0);
        s1 = vadd(s1, e1);
    }
    vec scale = vset(1.0f) / vallsum(vadd(s0, s1));

    for (size_t i = 0; i < n; i += 2 * W)
    {
        vstore(y + i, vmul(vload(y + i), scale));
        vstore(y + i + W, vmul(vload(y + i + W), scale));
    }
}

#define DEFINE(N)                                                                                                      \
    EXPORT void smx_softmax_f32_##N(const float *x, float *y)                                                          \
    {                                                                                                                  \
        if ((N) <= 4 * W)                                                                                              \
            softmax_registers(x, y, (N));                                                                              \
        else                                                                                                           \
            softmax_loops(x, y, (N));                                                                                  \
    }

DEFINE(10)
DEFINE(16)
DEFINE(64)
DEFINE(256)
DEFINE(1024)
DEFINE(4096)
DEFINE(65536)

EXPORT int smx_isa(void) { return W * 32; }
