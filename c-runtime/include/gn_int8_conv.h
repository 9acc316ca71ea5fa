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
#else
typedef int32_t gn_int8_small_weight_t;
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
    int32_t ky, kx, c, i, o, n = kernel * kernel * channels, row = (n + 1) & ~1;
    /* Loads through an opaque pointer: unrolled, GCC would otherwise fold the constant weights into the code as
       literals (the same loads, but the table would vanish from the per-layer flash figures). */
    GN_OPAQUE(weights);
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
            GN_UNROLL
            for (kx = 0; kx < kernel; kx++)
            {
                int32_t iy = iy0 + ky, ix = ix0 + kx;
                if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
                {
                    const uint8_t *src = in + (iy * in_w + ix) * channels;
                    GN_UNROLL
                    for (c = 0; c < channels; c++)
                    {
                        gn_int8_small_put(a, (ky * kernel + kx) * channels + c, src[c]);
                    }
                }
            }
        }
    }
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
