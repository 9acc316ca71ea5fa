/**
 * @file gn_int8_conv.h
 * @brief int8 convolution of an int8 network (docs/integer-arithmetic.md, "int8 networks"):
 *        uint8 activations x int8 weights, int32 accumulators, one output pixel at a time.
 *
 * The caller gathers the zero-padded kernel window of the input pixel into @p win, a word-aligned
 * uint8 array of @p words * 4 bytes whose bytes past kernel*kernel*channels are 0, and stores each
 * filter as a row of the same @p words * 4 bytes (zero padded in flash). Padding therefore needs no
 * tail loop: padding bytes multiply to 0.
 *
 * Two implementations with one interface:
 * - ARMv7E-M and later with the DSP extension (__ARM_FEATURE_DSP: Cortex-M4, M7, M33 with DSP, M55):
 *   the window is widened once per pixel into 16-bit pairs (UXTB16), each weight word is widened
 *   with SXTB16, and SMLAD does two multiply-accumulates per instruction; two filters share each
 *   widened window word.
 * - everywhere else: a plain C loop, two filters per pass so each activation byte is loaded once.
 * Both compute exactly sum_i win[i] * w[o][i] in int32 (no intermediate can overflow: each product
 * is at most 255 * 128 and the model validator bounds the sum).
 */
#ifndef GN_INT8_CONV_H
#define GN_INT8_CONV_H

#include <stdint.h>
#include <string.h>

#include "gn_config.h"

/** Largest window (kernel * kernel * channels values) of gn_int8_conv_small_pixel: a 3x3 or 5x5 first layer
 *  on a grey or RGB image. */
#define GN_INT8_SMALL_WINDOW_MAX 76

/** Element type of gn_int8_conv_small_pixel's filters: int16 pairs for SMLAD on DSP cores; whole words elsewhere,
 *  where Thumb-1 loads a word with an immediate offset in one instruction but a signed halfword or byte only
 *  with a register offset (two). */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
typedef int16_t gn_int8_small_weight_t;
#define GN_INT8_SMALL_PAIRS 1
#else
typedef int32_t gn_int8_small_weight_t;
#define GN_INT8_SMALL_PAIRS 0
#endif

/** uint32 words of scratch gn_int8_conv_pixel needs for a window of @p words words (the widened
 *  16-bit pairs on DSP cores; one unused word elsewhere). */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define GN_INT8_SCRATCH_WORDS(words) (2 * (words))
#else
#define GN_INT8_SCRATCH_WORDS(words) 1
#endif

/**
 * @brief Copies the kernel x kernel window of a uint8 tensor whose top-left tap is (iy0, ix0)
 *        into @p win, 0 for taps outside the tensor, and zeroes the bytes up to words * 4.
 * @param in       uint8_t [in_h][in_w][channels]
 * @param in_h     height
 * @param in_w     width
 * @param channels channels per pixel
 * @param kernel   square kernel size
 * @param iy0      row of the top-left tap, may be negative (zero padding)
 * @param ix0      column of the top-left tap, may be negative
 * @param words    window size in 4-byte words, >= ceil(kernel*kernel*channels / 4)
 * @param win      output, words * 4 bytes
 */
GN_INLINE void gn_int8_window_gather(const uint8_t *in, int32_t in_h, int32_t in_w, int32_t channels,
                                     int32_t kernel, int32_t iy0, int32_t ix0, int32_t words, uint8_t *win)
{
    int32_t ky, kx, i, n = kernel * kernel * channels;
    for (ky = 0; ky < kernel; ky++)
    {
        int32_t iy = iy0 + ky;
        for (kx = 0; kx < kernel; kx++)
        {
            int32_t ix = ix0 + kx;
            uint8_t *dst = win + (ky * kernel + kx) * channels;
            if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
            {
                const uint8_t *src = in + (iy * in_w + ix) * channels;
                for (i = 0; i < channels; i++)
                {
                    dst[i] = src[i];
                }
            }
            else
            {
                for (i = 0; i < channels; i++)
                {
                    dst[i] = 0u;
                }
            }
        }
    }
    for (i = n; i < words * 4; i++)
    {
        win[i] = 0u;
    }
}

/** Stores M[o] * acc into z[o], or adds it when @p add (a compile-time constant after inlining). */
GN_INLINE void gn_int8_store(int32_t *z, int32_t o, int32_t m, int32_t acc, int32_t add)
{
    z[o] = add ? z[o] + m * acc : m * acc;
}

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

/* Inline assembly rather than <arm_acle.h>: the rotate is folded into SXTB16/UXTB16 itself, so
 * each widening is exactly one instruction whatever the compiler version. */
GN_INLINE uint32_t gn_uxtb16(uint32_t x)
{
    uint32_t r;
    __asm__("uxtb16 %0, %1" : "=r"(r) : "r"(x));
    return r;
}

GN_INLINE uint32_t gn_uxtb16_ror8(uint32_t x)
{
    uint32_t r;
    __asm__("uxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

GN_INLINE uint32_t gn_sxtb16(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(x));
    return r;
}

GN_INLINE uint32_t gn_sxtb16_ror8(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

/** acc + lo(a)*lo(b) + hi(a)*hi(b), signed 16-bit halves. */
GN_INLINE int32_t gn_smlad(uint32_t a, uint32_t b, int32_t acc)
{
    int32_t r;
    __asm__("smlad %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

GN_INLINE uint32_t gn_load_u32(const int8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/**
 * @brief z[o] (=|+=) mult[o] * sum_i win[i] * weights[o][i] for every output channel (SMLAD).
 * @param win     the gathered window, words * 4 bytes, 4-byte aligned
 * @param words   window and filter row size in 4-byte words
 * @param weights int8_t [cout][words * 4]
 * @param cout    output channels
 * @param mult    int32_t [cout] term multipliers
 * @param z       int32_t [cout] layer sum
 * @param add     0: the first term of the layer (store), 1: add
 * @param pairs   scratch, GN_INT8_SCRATCH_WORDS(words) words
 */
GN_INLINE void gn_int8_conv_pixel(const uint32_t *win, int32_t words, const int8_t *weights, int32_t cout,
                                  const int32_t *mult, int32_t *z, int32_t add, uint32_t *pairs)
{
    /* Byte k of an activation word pairs with byte k of a weight word: UXTB16 and SXTB16 take
     * bytes 0 and 2, their ror #8 forms bytes 1 and 3, whatever the byte order. */
    int32_t i, o, row = words * 4;
    for (i = 0; i < words; i++)
    {
        pairs[2 * i] = gn_uxtb16(win[i]);
        pairs[2 * i + 1] = gn_uxtb16_ror8(win[i]);
    }
    for (o = 0; o + 1 < cout; o += 2)
    {
        const int8_t *w0 = weights + o * row;
        const int8_t *w1 = w0 + row;
        int32_t acc0 = 0, acc1 = 0;
        for (i = 0; i < words; i++)
        {
            uint32_t a02 = pairs[2 * i], a13 = pairs[2 * i + 1];
            uint32_t wa = gn_load_u32(w0 + 4 * i), wb = gn_load_u32(w1 + 4 * i);
            acc0 = gn_smlad(a02, gn_sxtb16(wa), acc0);
            acc0 = gn_smlad(a13, gn_sxtb16_ror8(wa), acc0);
            acc1 = gn_smlad(a02, gn_sxtb16(wb), acc1);
            acc1 = gn_smlad(a13, gn_sxtb16_ror8(wb), acc1);
        }
        gn_int8_store(z, o, mult[o], acc0, add);
        gn_int8_store(z, o + 1, mult[o + 1], acc1, add);
    }
    if (o < cout)
    {
        const int8_t *w0 = weights + o * row;
        int32_t acc0 = 0;
        for (i = 0; i < words; i++)
        {
            uint32_t wa = gn_load_u32(w0 + 4 * i);
            acc0 = gn_smlad(pairs[2 * i], gn_sxtb16(wa), acc0);
            acc0 = gn_smlad(pairs[2 * i + 1], gn_sxtb16_ror8(wa), acc0);
        }
        gn_int8_store(z, o, mult[o], acc0, add);
    }
}

#else

/**
 * @brief z[o] (=|+=) mult[o] * sum_i win[i] * weights[o][i] for every output channel (portable C).
 * Same parameters as the DSP version; @p pairs is unused.
 */
/* pairs stays non-const: one signature with the DSP version, where it is scratch */
GN_INLINE void gn_int8_conv_pixel(const uint32_t *win, int32_t words, const int8_t *weights, int32_t cout,
                                  const int32_t *mult, int32_t *z, int32_t add, uint32_t *pairs) /* NOLINT(readability-non-const-parameter) */
{
    (void)pairs;
    const uint8_t *a = (const uint8_t *)win;
    int32_t i, o, row = words * 4;
    for (o = 0; o + 1 < cout; o += 2)
    {
        const int8_t *w0 = weights + o * row;
        const int8_t *w1 = w0 + row;
        int32_t acc0 = 0, acc1 = 0;
        for (i = 0; i < row; i++)
        {
            int32_t v = a[i];
            acc0 += v * w0[i];
            acc1 += v * w1[i];
        }
        gn_int8_store(z, o, mult[o], acc0, add);
        gn_int8_store(z, o + 1, mult[o + 1], acc1, add);
    }
    if (o < cout)
    {
        const int8_t *w0 = weights + o * row;
        int32_t acc0 = 0;
        for (i = 0; i < row; i++)
        {
            acc0 += (int32_t)a[i] * w0[i];
        }
        gn_int8_store(z, o, mult[o], acc0, add);
    }
}

#endif

/** Window value @p j of gn_int8_conv_small_pixel: with DSP, half (j & 1) of pair j / 2; elsewhere one value
 *  per word. */
GN_INLINE void gn_int8_small_put(uint32_t *a, int32_t j, uint32_t value)
{
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    a[j >> 1] |= value << (16 * (j & 1));
#else
    a[j] = value;
#endif
}

/**
 * @brief The kernel x kernel window of a uint8 tensor whose top-left tap is (iy0, ix0), 0 outside the tensor,
 *        as gn_int8_small_put places it in @p a (16-bit pairs with DSP, one value per word elsewhere), every word
 *        up to the even count past the last value zeroed. Gathered without per-tap bounds tests when the window
 *        lies wholly inside the tensor.
 */
GN_INLINE void gn_int8_small_window(const uint8_t *in, int32_t in_h, int32_t in_w, int32_t channels, int32_t kernel,
                                    int32_t iy0, int32_t ix0, uint32_t *a)
{
    int32_t ky, i, row = (kernel * kernel * channels + 1) & ~1;
    GN_UNROLL
    for (i = 0; i < row; i++)
    {
        a[i] = 0u;
    }
    if (iy0 >= 0 && ix0 >= 0 && iy0 + kernel <= in_h && ix0 + kernel <= in_w)
    {
        GN_UNROLL
        for (ky = 0; ky < kernel; ky++)
        {
            const uint8_t *src = in + ((iy0 + ky) * in_w + ix0) * channels;
            GN_UNROLL
            for (i = 0; i < kernel * channels; i++)
            {
                gn_int8_small_put(a, ky * kernel * channels + i, src[i]);
            }
        }
    }
    else
    {
        GN_UNROLL
        for (ky = 0; ky < kernel; ky++)
        {
            int32_t kx;
            GN_UNROLL
            for (kx = 0; kx < kernel; kx++)
            {
                int32_t iy = iy0 + ky, ix = ix0 + kx;
                if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
                {
                    const uint8_t *src = in + (iy * in_w + ix) * channels;
                    int32_t c;
                    GN_UNROLL
                    for (c = 0; c < channels; c++)
                    {
                        gn_int8_small_put(a, (ky * kernel + kx) * channels + c, src[c]);
                    }
                }
            }
        }
    }
}

/**
 * @brief z[o] (=|+=) mult[o] * sum_i win[i] * weights[o][i] for every output channel, where win is the
 *        kernel x kernel window of a uint8 tensor whose top-left tap is (iy0, ix0), 0 outside the tensor, and
 *        n = kernel * kernel * channels <= GN_INT8_SMALL_WINDOW_MAX (a first layer on a grey or RGB image).
 *
 * The window is gathered once per pixel, without per-tap bounds tests when it lies wholly inside the tensor,
 * and the filters are stored widened (gn_int8_small_weight_t) in flash, rows of n rounded up to even, zero padded. With
 * __ARM_FEATURE_DSP the window is held as 16-bit pairs in registers and each SMLAD takes a pair of window
 * values and a pair of weights as they lie in memory, no widening instruction per weight; elsewhere one
 * multiply per value. Both exact.
 * Every loop has a compile-time trip count after inlining and is unrolled (GN_UNROLL).
 * @param in      uint8_t [in_h][in_w][channels]
 * @param in_h    height
 * @param in_w    width
 * @param channels channels per pixel
 * @param kernel  square kernel size
 * @param iy0     row of the top-left tap, may be negative (zero padding)
 * @param ix0     column of the top-left tap, may be negative
 * @param weights gn_int8_small_weight_t [cout][n rounded up to even]
 * @param cout    output channels
 * @param mult    int32_t [cout] term multipliers
 * @param z       int32_t [cout] layer sum
 * @param add     0: the first term of the layer (store), 1: add
 */
GN_INLINE void gn_int8_conv_small_pixel(const uint8_t *in, int32_t in_h, int32_t in_w, int32_t channels,
                                        int32_t kernel, int32_t iy0, int32_t ix0, const gn_int8_small_weight_t *weights,
                                        int32_t cout, const int32_t *mult, int32_t *z, int32_t add)
{
    uint32_t a[GN_INT8_SMALL_WINDOW_MAX];
    int32_t i, o, n = kernel * kernel * channels, row = (n + 1) & ~1;
    /* Loads through an opaque pointer: unrolled, GCC would otherwise fold the constant weights into the code as
       literals (the same loads, but the table would vanish from the per-layer flash figures). */
    GN_OPAQUE(weights);
    gn_int8_small_window(in, in_h, in_w, channels, kernel, iy0, ix0, a);
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    GN_UNROLL
    for (o = 0; o < cout; o++)
    {
        const gn_int8_small_weight_t *w = weights + o * row;
        int32_t acc = 0;
        GN_UNROLL
        for (i = 0; i < row / 2; i++)
        {
            uint32_t pair;
            memcpy(&pair, w + 2 * i, sizeof pair);
            acc = gn_smlad(a[i], pair, acc);
        }
        gn_int8_store(z, o, mult[o], acc, add);
    }
#else
    /* The output loop stays a loop here: unrolled, GCC folds the constant weights into shift-and-add
       sequences, longer than MULS on these cores. */
    for (o = 0; o < cout; o++)
    {
        const gn_int8_small_weight_t *w = weights + o * row;
        int32_t acc = 0;
        GN_UNROLL
        for (i = 0; i < n; i++)
        {
            acc += (int32_t)a[i] * w[i];
        }
        gn_int8_store(z, o, mult[o], acc, add);
    }
#endif
}

/* One channel of gn_int8_small_threshold_pixel's epilogue on the sign-flipped sum (acc + 2^31, so that an unsigned
 * comparison orders it as a signed one) against thresholds flipped the same way by the generator: a comparison's
 * carry is c = (acc >= T), and ADC shifts it into the plane. Two bits: level = c1 + c2 + c3 with T1 <= T2 <= T3, so
 * bit 1 is c2 and bit 0 is c1 ^ c2 ^ c3 (c3 implies c2 implies c1). Thumb-2: 2 and 8 instructions per channel. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__thumb2__) && defined(__OPTIMIZE__)
GN_INLINE uint32_t gn_int8_small_sign_step(uint32_t p, uint32_t acc, uint32_t t)
{
    __asm__("cmp %[a], %[t]\n\tadc %[p], %[p], %[p]" : [p] "+&r"(p) : [a] "r"(acc), [t] "r"(t) : "cc");
    return p;
}
GN_INLINE void gn_int8_small_level2_step(uint32_t *p0, uint32_t *p1, uint32_t acc, uint32_t t1, uint32_t t2, uint32_t t3)
{
    __asm__("cmp %[a], %[t1]\n\tadc %[p0], %[p0], %[p0]\n\t"
            "cmp %[a], %[t2]\n\tadc %[p1], %[p1], %[p1]\n\tit hs\n\teorhs %[p0], %[p0], #1\n\t"
            "cmp %[a], %[t3]\n\tadc %[p0], %[p0], #0"
            : [p0] "+&r"(*p0), [p1] "+&r"(*p1)
            : [a] "r"(acc), [t1] "r"(t1), [t2] "r"(t2), [t3] "r"(t3)
            : "cc");
}
#else
GN_INLINE uint32_t gn_int8_small_sign_step(uint32_t p, uint32_t acc, uint32_t t)
{
    return (p << 1) + (uint32_t)(acc >= t);
}
GN_INLINE void gn_int8_small_level2_step(uint32_t *p0, uint32_t *p1, uint32_t acc, uint32_t t1, uint32_t t2, uint32_t t3)
{
    *p0 = (*p0 << 1) + ((uint32_t)(acc >= t1) ^ (uint32_t)(acc >= t2) ^ (uint32_t)(acc >= t3));
    *p1 = (*p1 << 1) + (uint32_t)(acc >= t2);
}
#endif

/* Thumb-1 (Cortex-M0), a 3x3 grey window (9 values, one int32 weight per word), every channel of the pixel in one
 * block: three window values in low registers and six in r8-r12 and lr (each multiplied after one MOV into a scratch
 * low register), so nothing is reloaded per channel; GCC's own allocation spilled the window and the planes (45-60
 * instructions a channel, here 39 with signs, 47 with 2-bit levels). Returns the planes word: one bit per channel
 * with 1 threshold; with 3, the 2-bit level c1 + c2 + c3 added into a 2-bit field per channel (at most 16
 * channels; gn_int8_small_threshold_pixel separates the fields into planes once per pixel). */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__thumb__) && !defined(__thumb2__) && defined(__OPTIMIZE__)
#define GN_INT8_SMALL_THUMB1_9 1
#define GN_T1_LOW(i) "ldr %[t], [%[w], #" #i "*4]\n\tmuls %[t], %[a" #i "]\n\tadds %[acc], %[t]\n\t"
#define GN_T1_HIGH(i) "mov %[u], %[a" #i "]\n\tldr %[t], [%[w], #" #i "*4]\n\tmuls %[t], %[u]\n\tadds %[acc], %[t]\n\t"
#define GN_T1_DOT9                                                                                                  \
    "movs %[acc], #1\n\tlsls %[acc], %[acc], #31\n\t" GN_T1_LOW(0) GN_T1_LOW(1) GN_T1_LOW(2) GN_T1_HIGH(3) GN_T1_HIGH(4) \
        GN_T1_HIGH(5) GN_T1_HIGH(6) GN_T1_HIGH(7) GN_T1_HIGH(8)
#define GN_T1_LEVEL(i) "ldr %[u], [%[w], #" #i "*4]\n\tcmp %[acc], %[u]\n\tadcs %[q], %[t]\n\t"
GN_INLINE uint32_t gn_int8_small_thumb1_pixel9(const uint32_t *w, const uint32_t *a, int32_t count, int32_t cout)
{
    register uint32_t a3 __asm__("r8");
    register uint32_t a4 __asm__("r9");
    register uint32_t a5 __asm__("r10");
    register uint32_t a6 __asm__("r11");
    register uint32_t a7 __asm__("r12");
    register uint32_t a8 __asm__("lr");
    a3 = a[3];
    a4 = a[4];
    a5 = a[5];
    a6 = a[6];
    a7 = a[7];
    a8 = a[8];
    uint32_t q = 0u, acc, t, u;
    int32_t o;
    /* One block per channel, not .rept: GCC sizes an asm block by its lines, and literal pools after an
       underestimated block end up out of range. */
    GN_UNROLL
    for (o = 0; o < cout; o++)
    {
        if (count == 1)
        {
            __asm__(".syntax unified\n\t" GN_T1_DOT9
                    "ldr %[u], [%[w], #36]\n\tcmp %[acc], %[u]\n\tadcs %[q], %[q]\n\tadds %[w], #40"
                    : [q] "+&l"(q), [w] "+&l"(w), [acc] "=&l"(acc), [t] "=&l"(t), [u] "=&l"(u)
                    : [a0] "l"(a[0]), [a1] "l"(a[1]), [a2] "l"(a[2]), [a3] "r"(a3), [a4] "r"(a4), [a5] "r"(a5),
                      [a6] "r"(a6), [a7] "r"(a7), [a8] "r"(a8)
                    : "cc", "memory");
        }
        else
        {
            /* MOVS of an immediate leaves the carry alone: t = 0 for the three ADCS */
            __asm__(".syntax unified\n\t" GN_T1_DOT9
                    "lsls %[q], %[q], #2\n\tmovs %[t], #0\n\t" GN_T1_LEVEL(9) GN_T1_LEVEL(10) GN_T1_LEVEL(11)
                    "adds %[w], #48"
                    : [q] "+&l"(q), [w] "+&l"(w), [acc] "=&l"(acc), [t] "=&l"(t), [u] "=&l"(u)
                    : [a0] "l"(a[0]), [a1] "l"(a[1]), [a2] "l"(a[2]), [a3] "r"(a3), [a4] "r"(a4), [a5] "r"(a5),
                      [a6] "r"(a6), [a7] "r"(a7), [a8] "r"(a8)
                    : "cc", "memory");
        }
    }
    return q;
}
#undef GN_T1_LOW
#undef GN_T1_HIGH
#undef GN_T1_DOT9
#undef GN_T1_LEVEL
#else
#define GN_INT8_SMALL_THUMB1_9 0
#endif

/* The even (@p odd = 0) or odd bits of @p q, in order, in the low 16 bits. */
GN_INLINE uint32_t gn_int8_small_unzip(uint32_t q, int32_t odd)
{
    uint32_t x = (q >> odd) & 0x55555555u;
    x = (x | (x >> 1)) & 0x33333333u;
    x = (x | (x >> 2)) & 0x0F0F0F0Fu;
    x = (x | (x >> 4)) & 0x00FF00FFu;
    return (x | (x >> 8)) & 0x0000FFFFu;
}

/* Two consecutive words of a table the generator aligns to 8 bytes, @p p advanced past them: one LDRD on Thumb-2. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__thumb2__) && defined(__OPTIMIZE__)
GN_INLINE void gn_int8_small_load2(const uint32_t **p, uint32_t *lo, uint32_t *hi)
{
    __asm__("ldrd %[lo], %[hi], [%[p]], #8" : [lo] "=r"(*lo), [hi] "=r"(*hi), [p] "+r"(*p) : : "memory");
}
#else
GN_INLINE void gn_int8_small_load2(const uint32_t **p, uint32_t *lo, uint32_t *hi)
{
    *lo = (*p)[0];
    *hi = (*p)[1];
    *p += 2;
}
#endif

/**
 * @brief A small-window int8 first layer fused with its threshold epilogue (the stem of a binary network):
 *        out = the packed 1- or 2-bit levels of M[o] * sum_i win[i] * w[o][i] against T[o][], one output pixel,
 *        at most 32 output channels, one term. Same result as gn_int8_conv_small_pixel, then
 *        gn_threshold_pack_u32.
 *
 * The generator folds the multiplier into the table (docs/integer-arithmetic.md, "the int8 stem fused with its
 * thresholds"): M * acc >= T if and only if sign(M) * acc >= ceil(T / |M|), so each row holds sign(M) * w and the
 * thresholds on that sum, clamped to +/-2^30 (beyond any sum of a small window), with 2^31 added (the sign flip
 * of gn_int8_small_sign_step). The sum starts at 2^31, which flips it on the way. Rows come in
 * descending channel order (each channel's bit is shifted in below the previous ones) and each row is
 * [weights: ceil(n / 2) int16 pairs with DSP, n int32 words elsewhere][1 or 3 thresholds], rounded up to an even
 * number of words: one LDRD per two words on Thumb-2, no multiplier, no z[] in memory, no second pass.
 * @param rows   uint32_t [cout][row words], 8-byte aligned
 * @param count  thresholds per channel: 1 (signs) or 3 (2-bit levels)
 * @param cout   output channels, 1..32
 * @param pixel  output uint32_t [bits][1]
 */
GN_INLINE void gn_int8_small_threshold_pixel(const uint8_t *in, int32_t in_h, int32_t in_w, int32_t channels,
                                             int32_t kernel, int32_t iy0, int32_t ix0, const uint32_t *rows,
                                             int32_t count, int32_t cout, uint32_t *pixel)
{
    uint32_t a[GN_INT8_SMALL_WINDOW_MAX];
    uint32_t p0 = 0u, p1 = 0u;
    int32_t i, o, n = kernel * kernel * channels;
#if GN_INT8_SMALL_PAIRS
    int32_t values = (n + 1) / 2;
#else
    int32_t values = n;
#endif
    int32_t row = (values + count + 1) & ~1;
    GN_OPAQUE(rows);
    gn_int8_small_window(in, in_h, in_w, channels, kernel, iy0, ix0, a);
#if GN_INT8_SMALL_THUMB1_9
    if (values == 9 && cout <= 16)
    {
        uint32_t q = gn_int8_small_thumb1_pixel9(rows, a, count, cout);
        if (count == 1)
        {
            pixel[0] = q;
        }
        else
        {
            pixel[0] = gn_int8_small_unzip(q, 0);
            pixel[1] = gn_int8_small_unzip(q, 1);
        }
        return;
    }
#endif
    GN_UNROLL
    for (o = 0; o < cout; o++)
    {
        uint32_t w[GN_INT8_SMALL_WINDOW_MAX + 4] = {0u};
        uint32_t acc = 0x80000000u;
        GN_UNROLL
        for (i = 0; i < row; i += 2)
        {
            gn_int8_small_load2(&rows, &w[i], &w[i + 1]);
        }
        GN_UNROLL
        for (i = 0; i < values; i++)
        {
#if GN_INT8_SMALL_PAIRS
            acc = (uint32_t)gn_smlad(a[i], w[i], (int32_t)acc);
#else
            acc += a[i] * w[i];
#endif
        }
        if (count == 1)
        {
            p0 = gn_int8_small_sign_step(p0, acc, w[values]);
        }
        else
        {
            gn_int8_small_level2_step(&p0, &p1, acc, w[values], w[values + 1], w[values + 2]);
        }
    }
    pixel[0] = p0;
    if (count == 3)
    {
        pixel[1] = p1;
    }
}

/**
 * @brief The requantize epilogue of one pixel: out[o] = clamp(round_shift((int64)z[o] * m[o] + off[o], shift), lo[o], hi[o]).
 * @param z     int32_t [cout]
 * @param m     int32_t [cout] multipliers
 * @param off   int64_t [cout] offsets, |off| < 2^61
 * @param shift 1..62
 * @param lo    uint8_t [cout] lower bounds
 * @param hi    uint8_t [cout] upper bounds
 * @param cout  channels
 * @param out   uint8_t [cout], the output pixel
 */
GN_INLINE void gn_int8_requantize(const int32_t *z, const int32_t *m, const int64_t *off, int32_t shift,
                                  const uint8_t *lo, const uint8_t *hi, int32_t cout, uint8_t *out)
{
    int32_t o;
    for (o = 0; o < cout; o++)
    {
        int64_t v = (int64_t)z[o] * m[o] + off[o] + ((int64_t)1 << (shift - 1));
        /* floor(v / 2^shift) without shifting a negative value (gn_arith.h) */
        int64_t q = v >= 0 ? (v >> shift) : -((-v - 1) >> shift) - 1;
        out[o] = (uint8_t)(q < (int64_t)lo[o] ? lo[o] : (q > (int64_t)hi[o] ? hi[o] : q));
    }
}

#endif /* GN_INT8_CONV_H */
