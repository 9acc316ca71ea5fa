/**
 * @file gn_kernels.h
 * @brief Portable kernels of the integer program.
 *
 * The per-pixel helpers are GN_INLINE so that the generated code, which calls them with
 * compile-time shapes, gets loops with constant bounds that the compiler can unroll. The linear
 * head runs once per image and is an ordinary function (src/gn_linear_s8.c).
 */
#ifndef GN_KERNELS_H
#define GN_KERNELS_H

#include <stdint.h>

#include "gn_config.h"
#include "gn_popcount.h"
#include "gn_types.h"

/**
 * @brief Copies the kernel x kernel window of a levels tensor whose top-left tap is (iy0, ix0)
 *        into @p win, writing 0 (level 0) for taps outside the tensor.
 * @param in          levels tensor uint32_t [in_h][in_w][pixel_words]
 * @param in_h        input height
 * @param in_w        input width
 * @param pixel_words bits * words of one pixel
 * @param kernel      square kernel size
 * @param iy0         row of the top-left tap, may be negative (zero padding)
 * @param ix0         column of the top-left tap, may be negative
 * @param win         output uint32_t [kernel*kernel][pixel_words]
 */
GN_INLINE void gn_window_gather_u32(const uint32_t *in, int32_t in_h, int32_t in_w, int32_t pixel_words,
                                    int32_t kernel, int32_t iy0, int32_t ix0, uint32_t *win)
{
    int32_t ky, kx, i;
    for (ky = 0; ky < kernel; ky++)
    {
        int32_t iy = iy0 + ky;
        for (kx = 0; kx < kernel; kx++)
        {
            int32_t ix = ix0 + kx;
            uint32_t *dst = win + (ky * kernel + kx) * pixel_words;
            if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
            {
                const uint32_t *src = in + (iy * in_w + ix) * pixel_words;
                for (i = 0; i < pixel_words; i++)
                {
                    dst[i] = src[i];
                }
            }
            else
            {
                for (i = 0; i < pixel_words; i++)
                {
                    dst[i] = 0u;
                }
            }
        }
    }
}

/**
 * @brief gn_window_gather_u32() into a window whose rows are @p row_words apart: tap (ky, kx)
 *        goes to win + ky * row_words + kx * pixel_words. With row_words = in_w * pixel_words a
 *        border window gets the same layout as an interior window read in place from the tensor,
 *        so one kernel instance (with constant offsets) serves both.
 * @param in          levels tensor uint32_t [in_h][in_w][pixel_words]
 * @param in_h        input height
 * @param in_w        input width
 * @param pixel_words bits * words of one pixel
 * @param kernel      square kernel size
 * @param iy0         row of the top-left tap, may be negative (zero padding)
 * @param ix0         column of the top-left tap, may be negative
 * @param row_words   words between window rows in @p win, at least kernel * pixel_words
 * @param win         output, (kernel - 1) * row_words + kernel * pixel_words words; words between
 *                    taps are not written
 */
GN_INLINE void gn_window_gather_rows_u32(const uint32_t *in, int32_t in_h, int32_t in_w, int32_t pixel_words,
                                         int32_t kernel, int32_t iy0, int32_t ix0, int32_t row_words, uint32_t *win)
{
    int32_t ky, kx, i;
    for (ky = 0; ky < kernel; ky++)
    {
        int32_t iy = iy0 + ky;
        for (kx = 0; kx < kernel; kx++)
        {
            int32_t ix = ix0 + kx;
            uint32_t *dst = win + ky * row_words + kx * pixel_words;
            int inside = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
            const uint32_t *src = inside ? in + (iy * in_w + ix) * pixel_words : in;
            for (i = 0; i < pixel_words; i++)
            {
                dst[i] = inside ? src[i] : 0u;
            }
        }
    }
}

/**
 * @brief sum_b 2^b * sum popcount(A_b) over a gathered window: the part of a binary conv's
 *        accumulator that does not depend on the output channel.
 * @param win   uint32_t [taps][bits][words]
 * @param taps  kernel * kernel
 * @param bits  activation bits (planes)
 * @param words words per plane
 * @return 0 .. (2^bits - 1) * taps * 32 * words
 */
GN_INLINE int32_t gn_window_popcount_u32(const uint32_t *win, int32_t taps, int32_t bits, int32_t words)
{
    int32_t sum = 0, t, b, w;
    for (t = 0; t < taps; t++)
    {
        for (b = 0; b < bits; b++)
        {
            int32_t plane = 0;
            for (w = 0; w < words; w++)
            {
                plane += gn_popcount_u32(win[(t * bits + b) * words + w]);
            }
            sum += plane * (1 << b);
        }
    }
    return sum;
}

/**
 * @brief Binary conv accumulator of one output channel from a gathered window:
 *        acc = 2 * sum_b 2^b * sum popcount(A_b & W) - @p window_popcount.
 * @param win             uint32_t [taps][bits][words]
 * @param weights         one filter, uint32_t [taps][words] (bit 1 = +1)
 * @param taps            kernel * kernel
 * @param bits            activation bits (planes)
 * @param words           words per plane
 * @param window_popcount gn_window_popcount_u32() of the same window
 * @return the +/-1 dot product, |acc| <= (2^bits - 1) * taps * channels
 */
GN_INLINE int32_t gn_binary_dot_u32(const uint32_t *win, const uint32_t *weights, int32_t taps, int32_t bits,
                                    int32_t words, int32_t window_popcount)
{
    int32_t sum = 0, t, b, w;
    for (t = 0; t < taps; t++)
    {
        for (w = 0; w < words; w++)
        {
            uint32_t wt = weights[t * words + w];
            for (b = 0; b < bits; b++)
            {
                sum += gn_popcount_u32(win[(t * bits + b) * words + w] & wt) * (1 << b);
            }
        }
    }
    return 2 * sum - window_popcount;
}

/**
 * @brief Bit t set for each tap t = ky * kernel + kx of a kernel x kernel window (top-left tap at
 *        (iy0, ix0)) that lies inside the in_h x in_w tensor; sign convolutions skip the others.
 * @param in_h   input height
 * @param in_w   input width
 * @param kernel square kernel size, 1 .. 7 (at most 49 taps)
 * @param iy0    row of the top-left tap, may be negative (zero padding)
 * @param ix0    column of the top-left tap, may be negative
 */
GN_INLINE uint64_t gn_window_tap_mask(int32_t in_h, int32_t in_w, int32_t kernel, int32_t iy0, int32_t ix0)
{
    uint64_t mask = 0u;
    int32_t ky, kx;
    for (ky = 0; ky < kernel; ky++)
    {
        for (kx = 0; kx < kernel; kx++)
        {
            int32_t iy = iy0 + ky, ix = ix0 + kx;
            if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
            {
                mask |= (uint64_t)1u << (ky * kernel + kx);
            }
        }
    }
    return mask;
}

/**
 * @brief Binary conv accumulator of one output channel on +/-1 activations (a signs tensor):
 *        acc = sum over in-bounds taps of (channels - 2 * sum popcount(A xor W)). Padding bits are 0 in
 *        activations and weights, so they never differ and need no mask; out-of-bounds taps are the
 *        trainer's zero padding and contribute 0.
 * @param win      gathered window uint32_t [taps][words] (gn_window_gather_u32 with pixel_words = words)
 * @param weights  one filter, uint32_t [taps][words] (bit 1 = +1)
 * @param taps     kernel * kernel
 * @param words    words per pixel
 * @param tap_mask gn_window_tap_mask() of the same window
 * @param channels input channels C
 * @return the +/-1 dot product, |acc| <= taps * channels
 */
GN_INLINE int32_t gn_sign_dot_u32(const uint32_t *win, const uint32_t *weights, int32_t taps, int32_t words,
                                  uint64_t tap_mask, int32_t channels)
{
    int32_t sum = 0, t, w;
    for (t = 0; t < taps; t++)
    {
        if (((tap_mask >> t) & 1u) != 0u)
        {
            int32_t differ = 0;
            for (w = 0; w < words; w++)
            {
                differ += gn_popcount_u32(win[t * words + w] ^ weights[t * words + w]);
            }
            sum += channels - 2 * differ;
        }
    }
    return sum;
}

/**
 * @brief Sign (+1 or -1) of channel @p c in one pixel of a signs tensor.
 * @param pixel uint32_t [words]
 * @param c     channel
 */
GN_INLINE int32_t gn_sign_get_u32(const uint32_t *pixel, int32_t c)
{
    return (int32_t)((pixel[c >> 5] >> (c & 31)) & 1u) * 2 - 1;
}

/**
 * @brief The identity term on a signs tensor at one pixel: z[o] (+)= mult[o] * sign_o for
 *        o = 0 .. cout-1, sign_o = gn_sign_get_u32(pixel, o).
 *
 * On Thumb-2, whole words of 32 channels are written out: the sign bit is shifted into the carry
 * and selects ADD or SUB of the multiplier (IT CS), 7 instructions per channel instead of about
 * 11 for the C loop; elsewhere, and for a partial last word, the C loop. (The asm is volatile:
 * its register outputs are dead, and only its stores to z matter.)
 * @param pixel      uint32_t [words], the input pixel
 * @param mult       int32_t [cout] term multipliers
 * @param cout       channels
 * @param z          int32_t [cout] layer accumulators
 * @param accumulate a literal: 0 to assign z, 1 to add to it
 */
GN_INLINE void gn_sign_identity_u32(const uint32_t *pixel, const int32_t *mult, int32_t cout, int32_t *z, int accumulate)
{
    int32_t o = 0;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__thumb2__) && defined(__OPTIMIZE__)
    for (; o + 32 <= cout; o += 32)
    {
        uint32_t bits = pixel[o >> 5], m, v;
        int32_t *zp = z + o;
        const int32_t *mp = mult + o;
        if (accumulate)
        {
            __asm__ volatile(".rept 32\n"
                    "lsrs %[b], %[b], #1\n"
                    "ldr %[m], [%[mp]], #4\n"
                    "ldr %[v], [%[zp]]\n"
                    "ite cs\n"
                    "addcs %[v], %[v], %[m]\n"
                    "subcc %[v], %[v], %[m]\n"
                    "str %[v], [%[zp]], #4\n"
                    ".endr\n"
                    : [b] "+r"(bits), [mp] "+r"(mp), [zp] "+r"(zp), [m] "=&r"(m), [v] "=&r"(v)
                    :
                    : "cc", "memory");
        }
        else
        {
            __asm__ volatile(".rept 32\n"
                    "lsrs %[b], %[b], #1\n"
                    "ldr %[m], [%[mp]], #4\n"
                    "ite cs\n"
                    "movcs %[v], %[m]\n"
                    "rsbcc %[v], %[m], #0\n"
                    "str %[v], [%[zp]], #4\n"
                    ".endr\n"
                    : [b] "+r"(bits), [mp] "+r"(mp), [zp] "+r"(zp), [m] "=&r"(m), [v] "=&r"(v)
                    :
                    : "cc", "memory");
        }
    }
#endif
    for (; o < cout; o++)
    {
        int32_t v = mult[o] * gn_sign_get_u32(pixel, o);
        z[o] = accumulate ? z[o] + v : v;
    }
}

/**
 * @brief Level of channel @p c in one pixel of a levels tensor.
 * @param pixel uint32_t [bits][words]
 * @param bits  planes
 * @param words words per plane
 * @param c     channel
 * @return 0 .. 2^bits - 1
 */
GN_INLINE int32_t gn_level_get_u32(const uint32_t *pixel, int32_t bits, int32_t words, int32_t c)
{
    int32_t level = 0, b;
    for (b = 0; b < bits; b++)
    {
        level |= (int32_t)((pixel[b * words + (c >> 5)] >> (c & 31)) & 1u) << b;
    }
    return level;
}

/**
 * @brief Number of thresholds @p z reaches: the output level of a threshold epilogue.
 * @param z          the layer's int32 sum
 * @param thresholds @p count non-decreasing thresholds
 * @param count      2^bits - 1
 */
GN_INLINE int32_t gn_threshold_level_s32(int32_t z, const int32_t *thresholds, int32_t count)
{
    int32_t level = 0, i;
    for (i = 0; i < count; i++)
    {
        level += z >= thresholds[i] ? 1 : 0;
    }
    return level;
}

/**
 * @brief ORs channel @p c's level into one pixel of a levels tensor (the pixel must start zeroed).
 * @param pixel uint32_t [bits][words]
 * @param bits  planes
 * @param words words per plane
 * @param c     channel
 * @param level 0 .. 2^bits - 1
 */
GN_INLINE void gn_level_set_u32(uint32_t *pixel, int32_t bits, int32_t words, int32_t c, int32_t level)
{
    int32_t b;
    for (b = 0; b < bits; b++)
    {
        pixel[b * words + (c >> 5)] |= (uint32_t)((level >> b) & 1) << (c & 31);
    }
}

/**
 * @brief 16 channels' signs: bit c of the result = (z[c] >= thresholds[c]), c = 0 .. 15 (bits 16 .. 31
 *        are 0). The unit of the sign epilogue: a 16-channel tensor (the first group of the tiny
 *        network) packs one of these, a 32-channel word two (gn_sign_pack32_u32()).
 *
 * On Thumb-2 written out (two channels per LDRD pair, then CMP, IT GE, ORRGE with the channel's
 * bit as an immediate: 4 instructions per channel instead of about 10 for the C loop, whose
 * comparison GCC materialises as 0/1 before shifting it in); elsewhere the loop of
 * gn_threshold_pack_u32().
 */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__thumb2__) && defined(__OPTIMIZE__)
GN_INLINE uint32_t gn_sign_pack16_u32(const int32_t *z, const int32_t *thresholds)
{
    uint32_t p = 0u, z0, z1, t0, t1;
    /* volatile: the block reads z[] through memory, which GCC 12 does not count as a loop dependence of a
       non-volatile asm (it hoisted one out of the stem's pixel loop) */
    __asm__ volatile(".set gn_bit, 0\n"
            ".rept 8\n"
            "ldrd %[z0], %[z1], [%[z]], #8\n"
            "ldrd %[t0], %[t1], [%[t]], #8\n"
            "cmp %[z0], %[t0]\n"
            "it ge\n"
            "orrge %[p], %[p], #(1 << gn_bit)\n"
            "cmp %[z1], %[t1]\n"
            "it ge\n"
            "orrge %[p], %[p], #(2 << gn_bit)\n"
            ".set gn_bit, gn_bit + 2\n"
            ".endr\n"
            : [p] "+r"(p), [z] "+r"(z), [t] "+r"(thresholds), [z0] "=&r"(z0), [z1] "=&r"(z1), [t0] "=&r"(t0),
              [t1] "=&r"(t1)
            :
            : "cc", "memory");
    return p;
}
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__thumb__) && defined(__OPTIMIZE__)
/* Thumb-1 (Cortex-M0): the signed comparison becomes an unsigned one on sign-flipped values,
   whose carry ADCS shifts straight in (6 instructions per channel instead of about 13). The
   steps are written out, not .rept, so that GCC sizes the block right (literal pools). */
#define GN_SIGN_PACK_STEP(c)                       \
    "ldr %[a], [%[z], #" #c "*4]\n"               \
    "ldr %[b], [%[t], #" #c "*4]\n"               \
    "eors %[a], %[k]\n"                           \
    "eors %[b], %[k]\n"                           \
    "cmp %[a], %[b]\n"                            \
    "adcs %[p], %[p]\n"
GN_INLINE uint32_t gn_sign_pack16_u32(const int32_t *z, const int32_t *thresholds)
{
    uint32_t p, a, b;
    __asm__ volatile(".syntax unified\n"
            "movs %[p], #0\n"
            GN_SIGN_PACK_STEP(15) GN_SIGN_PACK_STEP(14) GN_SIGN_PACK_STEP(13) GN_SIGN_PACK_STEP(12)
            GN_SIGN_PACK_STEP(11) GN_SIGN_PACK_STEP(10) GN_SIGN_PACK_STEP(9) GN_SIGN_PACK_STEP(8)
            GN_SIGN_PACK_STEP(7) GN_SIGN_PACK_STEP(6) GN_SIGN_PACK_STEP(5) GN_SIGN_PACK_STEP(4)
            GN_SIGN_PACK_STEP(3) GN_SIGN_PACK_STEP(2) GN_SIGN_PACK_STEP(1) GN_SIGN_PACK_STEP(0)
            : [p] "=&l"(p), [a] "=&l"(a), [b] "=&l"(b)
            : [z] "l"(z), [t] "l"(thresholds), [k] "l"(0x80000000u)
            : "cc", "memory");
    return p;
}
#undef GN_SIGN_PACK_STEP
#else
GN_INLINE uint32_t gn_sign_pack16_u32(const int32_t *z, const int32_t *thresholds)
{
    uint32_t p = 0u;
    int32_t c;
    for (c = 15; c >= 0; c--)
    {
        p = (p << 1) + (uint32_t)(z[c] >= thresholds[c]);
    }
    return p;
}
#endif

/** 32 channels' signs: bit c = (z[c] >= thresholds[c]), c = 0 .. 31; two gn_sign_pack16_u32(). */
GN_INLINE uint32_t gn_sign_pack32_u32(const int32_t *z, const int32_t *thresholds)
{
    return gn_sign_pack16_u32(z, thresholds) | (gn_sign_pack16_u32(z + 16, thresholds + 16) << 16);
}

#if (defined(__GNUC__) || defined(__clang__)) && defined(__thumb2__) && defined(__OPTIMIZE__)
/**
 * @brief 16 channels' 2-bit levels (3 non-decreasing thresholds per channel): bit c of @p *p1 =
 *        (z[c] >= T2), bit c of @p *p0 = the parity of the three comparisons, c = 0 .. 15, bits 16 .. 31
 *        0 (gn_threshold_pack_u32() with count = 3; two of them make a 32-channel word). Thumb-2 only: CMP, IT GE and ORRGE/EORGE with
 *        the channel's bit as an immediate, 13 instructions per channel instead of about 19. The
 *        steps are written out, not .rept, so that GCC sizes the block right (literal pools).
 */
#define GN_LEVEL2_PACK_STEP(c)                                 \
    "ldr %[a], [%[z], #" #c "*4]\n"                           \
    "ldrd %[b], %[d], [%[t], #" #c "*12]\n"                   \
    "cmp %[a], %[d]\n"                                        \
    "itt ge\n"                                                \
    "orrge %[p1], %[p1], #(1 << " #c ")\n"                    \
    "eorge %[p0], %[p0], #(1 << " #c ")\n"                    \
    "cmp %[a], %[b]\n"                                        \
    "it ge\n"                                                 \
    "eorge %[p0], %[p0], #(1 << " #c ")\n"                    \
    "ldr %[b], [%[t], #" #c "*12+8]\n"                        \
    "cmp %[a], %[b]\n"                                        \
    "it ge\n"                                                 \
    "eorge %[p0], %[p0], #(1 << " #c ")\n"
GN_INLINE void gn_level2_pack16_u32(const int32_t *z, const int32_t *thresholds, uint32_t *p0, uint32_t *p1)
{
    uint32_t q0 = 0u, q1 = 0u, a, b, d;
    __asm__ volatile(GN_LEVEL2_PACK_STEP(0) GN_LEVEL2_PACK_STEP(1) GN_LEVEL2_PACK_STEP(2) GN_LEVEL2_PACK_STEP(3)
            GN_LEVEL2_PACK_STEP(4) GN_LEVEL2_PACK_STEP(5) GN_LEVEL2_PACK_STEP(6) GN_LEVEL2_PACK_STEP(7)
            GN_LEVEL2_PACK_STEP(8) GN_LEVEL2_PACK_STEP(9) GN_LEVEL2_PACK_STEP(10) GN_LEVEL2_PACK_STEP(11)
            GN_LEVEL2_PACK_STEP(12) GN_LEVEL2_PACK_STEP(13) GN_LEVEL2_PACK_STEP(14) GN_LEVEL2_PACK_STEP(15)
            : [p0] "+r"(q0), [p1] "+r"(q1), [a] "=&r"(a), [b] "=&r"(b), [d] "=&r"(d)
            : [z] "r"(z), [t] "r"(thresholds)
            : "cc", "memory");
    *p0 = q0;
    *p1 = q1;
}
#undef GN_LEVEL2_PACK_STEP
#define GN_HAVE_LEVEL2_PACK16 1
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__thumb__) && defined(__OPTIMIZE__)
/* Thumb-1 (Cortex-M0): the same 16 channels with the sign-flip trick of gn_sign_pack16_u32(): each
   signed comparison becomes an unsigned one whose carry ADCS shifts into one word per threshold
   (14 instructions per channel); the level's bits follow from the three words at the end. Loads reach
   124 bytes, so the threshold pointer steps back after channel 10. */
#define GN_LEVEL2_T1_STEP(c, base)                                       \
    "ldr %[a], [%[z], #" #c "*4]\n"                                      \
    "eors %[a], %[k]\n"                                                  \
    "ldr %[b], [%[t], #((" #c "-" #base ")*3+0)*4]\n"                    \
    "eors %[b], %[k]\n"                                                  \
    "cmp %[a], %[b]\n"                                                   \
    "adcs %[g1], %[g1]\n"                                                \
    "ldr %[b], [%[t], #((" #c "-" #base ")*3+1)*4]\n"                    \
    "eors %[b], %[k]\n"                                                  \
    "cmp %[a], %[b]\n"                                                   \
    "adcs %[g2], %[g2]\n"                                                \
    "ldr %[b], [%[t], #((" #c "-" #base ")*3+2)*4]\n"                    \
    "eors %[b], %[k]\n"                                                  \
    "cmp %[a], %[b]\n"                                                   \
    "adcs %[g3], %[g3]\n"
GN_INLINE void gn_level2_pack16_u32(const int32_t *z, const int32_t *thresholds, uint32_t *p0, uint32_t *p1)
{
    uint32_t g1, g2, g3, a, b;
    const int32_t *t = thresholds + 10 * 3;
    __asm__ volatile(".syntax unified\n"
            "movs %[g1], #0\n"
            "movs %[g2], #0\n"
            "movs %[g3], #0\n"
            GN_LEVEL2_T1_STEP(15, 10) GN_LEVEL2_T1_STEP(14, 10) GN_LEVEL2_T1_STEP(13, 10) GN_LEVEL2_T1_STEP(12, 10)
            GN_LEVEL2_T1_STEP(11, 10) GN_LEVEL2_T1_STEP(10, 10)
            "subs %[t], #120\n" GN_LEVEL2_T1_STEP(9, 0) GN_LEVEL2_T1_STEP(8, 0) GN_LEVEL2_T1_STEP(7, 0)
            GN_LEVEL2_T1_STEP(6, 0) GN_LEVEL2_T1_STEP(5, 0) GN_LEVEL2_T1_STEP(4, 0) GN_LEVEL2_T1_STEP(3, 0)
            GN_LEVEL2_T1_STEP(2, 0) GN_LEVEL2_T1_STEP(1, 0) GN_LEVEL2_T1_STEP(0, 0)
            : [g1] "=&l"(g1), [g2] "=&l"(g2), [g3] "=&l"(g3), [a] "=&l"(a), [b] "=&l"(b), [t] "+l"(t)
            : [z] "l"(z), [k] "l"(0x80000000u)
            : "cc", "memory");
    *p0 = g1 ^ g2 ^ g3;
    *p1 = g2;
}
#undef GN_LEVEL2_T1_STEP
#define GN_HAVE_LEVEL2_PACK16 1
#else
#define GN_HAVE_LEVEL2_PACK16 0
#endif

/**
 * @brief The threshold epilogue of one output pixel: channel c's level
 *        gn_threshold_level_s32(z[c], thresholds + c * count, count), packed into bit-planes. Each
 *        word of each plane is built in a register (channels taken from the top of the word down,
 *        one shift-and-add each) and stored once; padding bits come out 0.
 * @param z          int32_t [cout]
 * @param thresholds int32_t [cout][count]
 * @param count      thresholds per channel (2^bits - 1)
 * @param bits       planes, 1 .. 4
 * @param words      words per plane, ceil(cout / 32)
 * @param cout       channels
 * @param pixel      output uint32_t [bits][words]
 */
GN_INLINE void gn_threshold_pack_u32(const int32_t *z, const int32_t *thresholds, int32_t count, int32_t bits,
                                     int32_t words, int32_t cout, uint32_t *pixel)
{
    int32_t w, c;
    if (count == 1)
    {
        /* 1 bit (signs): one comparison per channel, shifted straight into the word */
        for (w = 0; w < words; w++)
        {
            uint32_t p0 = 0u;
            if (cout >= (w + 1) * 32)
            {
                pixel[w] = gn_sign_pack32_u32(z + w * 32, thresholds + w * 32);
                continue;
            }
            if (cout == w * 32 + 16)
            {
                pixel[w] = gn_sign_pack16_u32(z + w * 32, thresholds + w * 32);
                continue;
            }
            for (c = cout - 1; c >= w * 32; c--) /* the partial last word */
            {
                p0 = (p0 << 1) + (uint32_t)(z[c] >= thresholds[c]);
            }
            pixel[w] = p0;
        }
        return;
    }
    for (w = 0; w < words; w++)
    {
        uint32_t p0 = 0u, p1 = 0u, p2 = 0u, p3 = 0u;
#if GN_HAVE_LEVEL2_PACK16
        if (count == 3 && (cout >= (w + 1) * 32 || cout == w * 32 + 16))
        {
            /* 16 channels at a time; a whole word is two halves */
            gn_level2_pack16_u32(z + w * 32, thresholds + w * 32 * 3, &p0, &p1);
            if (cout >= (w + 1) * 32)
            {
                uint32_t h0, h1;
                gn_level2_pack16_u32(z + w * 32 + 16, thresholds + (w * 32 + 16) * 3, &h0, &h1);
                p0 |= h0 << 16;
                p1 |= h1 << 16;
            }
            pixel[w] = p0;
            pixel[words + w] = p1;
            continue;
        }
#endif
        c = cout < (w + 1) * 32 ? cout : (w + 1) * 32;
        while (c > w * 32)
        {
            int32_t level;
            c--;
            if (count == 3)
            {
                /* 2 bits: thresholds are non-decreasing, so bit 1 = (z >= T2) and bit 0 = the
                   parity of the three comparisons */
                const int32_t *t = thresholds + c * 3;
                uint32_t g1 = z[c] >= t[0] ? 1u : 0u, g2 = z[c] >= t[1] ? 1u : 0u, g3 = z[c] >= t[2] ? 1u : 0u;
                p0 = (p0 << 1) + (g1 ^ g2 ^ g3);
                p1 = (p1 << 1) + g2;
                continue;
            }
            level = gn_threshold_level_s32(z[c], thresholds + c * count, count);
            p0 = (p0 << 1) + (uint32_t)(level & 1);
            p1 = (p1 << 1) + (uint32_t)((level >> 1) & 1);
            p2 = (p2 << 1) + (uint32_t)((level >> 2) & 1);
            p3 = (p3 << 1) + (uint32_t)((level >> 3) & 1);
        }
        pixel[w] = p0;
        if (bits > 1)
        {
            pixel[words + w] = p1;
        }
        if (bits > 2)
        {
            pixel[2 * words + w] = p2;
        }
        if (bits > 3)
        {
            pixel[3 * words + w] = p3;
        }
    }
}

/**
 * @brief The 8-bit linear head:
 *        x8[c] = clamp(round_shift((int64)pooled[c] * Mq[c] + Oq[c], S), -127, 127),
 *        logits[j] = bias[j] + sum_c w8[j][c] * x8[c].
 * @param params head parameters (shapes, tables)
 * @param pooled int32_t [in_features]
 * @param logits int32_t [out_features], written
 */
void gn_linear_s8_requant(const gn_linear_s8_params_t *params, const int32_t *pooled, int32_t *logits);

#endif /* GN_KERNELS_H */
