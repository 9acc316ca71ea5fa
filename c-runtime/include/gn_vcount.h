/**
 * @file gn_vcount.h
 * @brief The output-channel-parallel ("vertical") binary kernel: 32 output channels counted at
 *        once as bit-sliced numbers, then turned into per-channel integers.
 *
 * The portable kernels of gn_kernels.h compute, for one output channel at a time, the popcount
 * of (activation word xor weight word) over a window. Here the weights are stored transposed:
 * for each input (tap, channel) one word whose bit o is the weight bit of output channel o of a
 * group of 32. Input i then contributes V_i = W_i xor mask(a_i) (mask(1) = all ones) to all 32
 * lanes at once, and the lanes' counts D_o = #{i : a_i != w_oi} are kept as bit-sliced numbers:
 * row k of a counter holds bit k of every lane's count. No popcount is ever needed; adding an
 * input costs about 7 instructions for 32 lanes on Thumb-2 (gn_vcount_thumb2.h), against about
 * 9 per 32 inputs for one channel in the per-channel kernels.
 *
 * With k-bit activations the planes are separate inputs of weight 2^b, so plane b's inputs
 * enter b rows up (the caller passes rows + b). How the counts become the integer program's
 * accumulators (docs/integer-arithmetic.md):
 *   - signs (1 bit):  acc = n_in * C - 2 * D                 (n_in in-bounds taps, C channels)
 *   - k-bit levels:   acc = (2^k - 1) * P - D, D = sum_b 2^b * D_b
 *     where P counts the +1 weights over the in-bounds taps and real channels (proof: with
 *     s = 2a - 1 and w = 2beta - 1, level * w = (sum_b 2^b s_b w + (2^k - 1) w) / 2 and
 *     s_b * w = 1 - 2 (a_b xor beta)).
 * The generator folds n_in * C and P (per border class and channel) into a per-class bias, so a
 * layer computes z[o] = B[class][o] - sum_t c_t[o] * D_t[o] in uint32 arithmetic (two's
 * complement wrap-around: the true z fits int32 by the exporter's bound, so the wrapped result
 * is exact even where a partial sum is not).
 *
 * After the inputs of a pixel are counted, gn_vcount_transpose16_u32() turns 16 rows into 16
 * words of two lanes each (lane j in bits 0-15 of word j, lane j + 16 in bits 16-31), from
 * which each term's count is a bit field.
 *
 * Padding needs no masks: padding activation bits are 0 and the generator stores 0 for the
 * weights of padding input channels, so they add 0; lanes past the layer's channel count are
 * never read.
 */
#ifndef GN_VCOUNT_H
#define GN_VCOUNT_H

#include <stdint.h>

#include "gn_config.h"
#include "gn_vcount_thumb2.h"

/**
 * GN_HAVE_VCOUNT: 1 where the generated layers use the vertical kernel. Default: on Thumb-2
 * cores (M3, M4, M7, M33, M55) with GCC-compatible inline assembly and optimisation, where the
 * block is gn_vcount_thumb2.h; the Cortex-M0 keeps the per-channel carry-save kernels
 * (its Thumb-1 has too few registers for the tree). Forced from the build (-DGN_HAVE_VCOUNT=1)
 * the layers use the C loop below instead, same result: the host tests do that.
 */
#ifndef GN_HAVE_VCOUNT
#define GN_HAVE_VCOUNT GN_HAVE_VCOUNT_THUMB2
#endif

/**
 * @brief The loop of gn_vcount32_c() and gn_vcount16x2_c(): input i's mask is bit i of @p a in all 32 lanes, or with
 *        @p halves bit i in lanes 0-15 and bit 16 + i in lanes 16-31.
 */
GN_INLINE const uint32_t *gn_vcount_inputs_c(uint32_t *rows, const uint32_t *w, uint32_t a, int32_t octs, int32_t nrows,
                                             int32_t halves)
{
    int32_t i, k;
    for (i = 0; i < 8 * octs; i++)
    {
        uint32_t weights = (i & 1) ? (w[i - 1] ^ w[i]) : w[i];
        uint32_t mask = halves ? (((0u - ((a >> i) & 1u)) & 0x0000FFFFu) | ((0u - ((a >> (16 + i)) & 1u)) & 0xFFFF0000u))
                               : 0u - ((a >> i) & 1u);
        uint32_t carry = weights ^ mask;
        for (k = 0; k < nrows && carry != 0u; k++)
        {
            uint32_t next = rows[k] & carry;
            rows[k] ^= carry;
            carry = next;
        }
    }
    return w + 8 * octs;
}

/**
 * @brief The C version of the block (the documentation of the arithmetic): for i < 8 * octs,
 *        adds bit o of (w_i xor mask(bit i of @p a)) to lane o of the counter @p rows.
 * @param rows  uint32_t [nrows]: bit k of lane o's count in bit o of rows[k]; no count may
 *              exceed 2^nrows - 1 (the generator sizes the rows for the largest count)
 * @param w     per pair of inputs (i, i + 1): w_i, then w_i xor w_i+1
 * @param a     activation word (input i is bit i)
 * @param octs  groups of 8 inputs, 1 .. 4
 * @param nrows rows of @p rows
 * @return @p w advanced by 8 * @p octs words
 */
GN_INLINE const uint32_t *gn_vcount32_c(uint32_t *rows, const uint32_t *w, uint32_t a, int32_t octs, int32_t nrows)
{
    return gn_vcount_inputs_c(rows, w, a, octs, nrows, 0);
}

/**
 * @brief The block the generated layers call: adds the inputs of activation word @p a
 *        (bits 0 .. 8 * octs - 1) to the counter @p rows; returns @p w advanced past their weights.
 * @param rows   uint32_t [5 + ripple] at least (the Thumb-2 block always writes rows 0..4)
 * @param w      the weights (see gn_vcount32_c())
 * @param a      activation word
 * @param octs   compile-time constant 1 .. 4
 * @param ripple compile-time constant: the counter's rows above row 4 (nrows - 5, at least 0)
 */
GN_INLINE const uint32_t *gn_vcount32_u32(uint32_t *rows, const uint32_t *w, uint32_t a, int32_t octs, int32_t ripple)
{
#if GN_HAVE_VCOUNT_THUMB2
    GN_VCOUNT_THUMB2(rows, w, a, octs, ripple);
    return w;
#else
    return gn_vcount32_c(rows, w, a, octs, 5 + ripple);
#endif
}

/**
 * @brief The halves form of gn_vcount32_c() (the documentation of the arithmetic): for i < 8 * octs, adds
 *        bit o of (w_i xor mask_i) to lane o, where mask_i is bit i of @p a in lanes 0-15 and bit 16 + i in
 *        lanes 16-31. Two 16-lane counts side by side: the two bit-planes of a 2-bit tensor of at most 16
 *        channels (plane 0 in bits 0-15 of @p a, plane 1 in bits 16-31), each lane pair with the same weights.
 * @param rows  uint32_t [nrows], as for gn_vcount32_c()
 * @param w     per pair of inputs (i, i + 1): w_i, then w_i xor w_i+1
 * @param a     two halfwords of inputs
 * @param octs  groups of 8 inputs per half, 1 or 2
 * @param nrows rows of @p rows
 * @return @p w advanced by 8 * @p octs words
 */
GN_INLINE const uint32_t *gn_vcount16x2_c(uint32_t *rows, const uint32_t *w, uint32_t a, int32_t octs, int32_t nrows)
{
    return gn_vcount_inputs_c(rows, w, a, octs, nrows, 1);
}

/**
 * @brief The halves block the generated layers call (see gn_vcount16x2_c()); returns @p w advanced past
 *        the inputs' weights.
 * @param rows   uint32_t [5 + ripple] at least
 * @param w      the weights (see gn_vcount16x2_c())
 * @param a      two halfwords of inputs
 * @param octs   compile-time constant 1 or 2
 * @param ripple compile-time constant: the counter's rows above row 4 (nrows - 5, at least 0)
 */
GN_INLINE const uint32_t *gn_vcount16x2_u32(uint32_t *rows, const uint32_t *w, uint32_t a, int32_t octs, int32_t ripple)
{
#if GN_HAVE_VCOUNT_THUMB2
    GN_VCOUNT16X2_THUMB2(rows, w, a, octs, ripple);
    return w;
#else
    return gn_vcount16x2_c(rows, w, a, octs, 5 + ripple);
#endif
}

/**
 * @brief Transposes 16 rows of 32 lanes in place: afterwards word j holds rows 0..15 of lane j
 *        in bits 0..15 and of lane j + 16 in bits 16..31 (two 16 x 16 bit-matrix transposes side
 *        by side, by the usual block swaps of 8, 4, 2 and 1 bits).
 * @param used a compile-time constant: rows at and above it are zero and not read (the compiler
 *        drops their swaps' dead halves)
 */
GN_INLINE void gn_vcount_transpose16_u32(uint32_t *r, int32_t used)
{
/* rows a (lower) and b = a + s: a's bits [s, 2s) of every 2s-bit group trade places with b's bits [0, s) */
#define GN_VSWAP(a, b, s, m)                   \
    do                                         \
    {                                          \
        uint32_t t_ = (((a) >> (s)) ^ (b)) & (m); \
        (b) ^= t_;                             \
        (a) ^= t_ << (s);                      \
    } while (0)
    uint32_t r0 = 0 < used ? r[0] : 0u, r1 = 1 < used ? r[1] : 0u, r2 = 2 < used ? r[2] : 0u, r3 = 3 < used ? r[3] : 0u, r4 = 4 < used ? r[4] : 0u, r5 = 5 < used ? r[5] : 0u, r6 = 6 < used ? r[6] : 0u, r7 = 7 < used ? r[7] : 0u;
    uint32_t r8 = 8 < used ? r[8] : 0u, r9 = 9 < used ? r[9] : 0u, r10 = 10 < used ? r[10] : 0u, r11 = 11 < used ? r[11] : 0u, r12 = 12 < used ? r[12] : 0u, r13 = 13 < used ? r[13] : 0u, r14 = 14 < used ? r[14] : 0u, r15 = 15 < used ? r[15] : 0u;
    /* swap 8-bit blocks */
    GN_VSWAP(r0, r8, 8, 0x00FF00FFu);
    GN_VSWAP(r1, r9, 8, 0x00FF00FFu);
    GN_VSWAP(r2, r10, 8, 0x00FF00FFu);
    GN_VSWAP(r3, r11, 8, 0x00FF00FFu);
    GN_VSWAP(r4, r12, 8, 0x00FF00FFu);
    GN_VSWAP(r5, r13, 8, 0x00FF00FFu);
    GN_VSWAP(r6, r14, 8, 0x00FF00FFu);
    GN_VSWAP(r7, r15, 8, 0x00FF00FFu);
    /* swap 4-bit blocks */
    GN_VSWAP(r0, r4, 4, 0x0F0F0F0Fu);
    GN_VSWAP(r1, r5, 4, 0x0F0F0F0Fu);
    GN_VSWAP(r2, r6, 4, 0x0F0F0F0Fu);
    GN_VSWAP(r3, r7, 4, 0x0F0F0F0Fu);
    GN_VSWAP(r8, r12, 4, 0x0F0F0F0Fu);
    GN_VSWAP(r9, r13, 4, 0x0F0F0F0Fu);
    GN_VSWAP(r10, r14, 4, 0x0F0F0F0Fu);
    GN_VSWAP(r11, r15, 4, 0x0F0F0F0Fu);
    /* swap 2-bit blocks */
    GN_VSWAP(r0, r2, 2, 0x33333333u);
    GN_VSWAP(r1, r3, 2, 0x33333333u);
    GN_VSWAP(r4, r6, 2, 0x33333333u);
    GN_VSWAP(r5, r7, 2, 0x33333333u);
    GN_VSWAP(r8, r10, 2, 0x33333333u);
    GN_VSWAP(r9, r11, 2, 0x33333333u);
    GN_VSWAP(r12, r14, 2, 0x33333333u);
    GN_VSWAP(r13, r15, 2, 0x33333333u);
    /* swap 1-bit blocks */
    GN_VSWAP(r0, r1, 1, 0x55555555u);
    GN_VSWAP(r2, r3, 1, 0x55555555u);
    GN_VSWAP(r4, r5, 1, 0x55555555u);
    GN_VSWAP(r6, r7, 1, 0x55555555u);
    GN_VSWAP(r8, r9, 1, 0x55555555u);
    GN_VSWAP(r10, r11, 1, 0x55555555u);
    GN_VSWAP(r12, r13, 1, 0x55555555u);
    GN_VSWAP(r14, r15, 1, 0x55555555u);
    r[0] = r0;
    r[1] = r1;
    r[2] = r2;
    r[3] = r3;
    r[4] = r4;
    r[5] = r5;
    r[6] = r6;
    r[7] = r7;
    r[8] = r8;
    r[9] = r9;
    r[10] = r10;
    r[11] = r11;
    r[12] = r12;
    r[13] = r13;
    r[14] = r14;
    r[15] = r15;
#undef GN_VSWAP
}

/**
 * @brief Adds a bit-sliced constant to a counter: lane o of @p rows gains the number whose bit k is bit o of
 *        @p k[k] (ripple-carry, one full adder per row). The generated layers add, at a border pixel, what the
 *        taps outside the input would have counted with all-zero activations, so that the count and the bias
 *        do not depend on the border class.
 * @param rows uint32_t [n], the counter; no lane may overflow n bits
 * @param k    uint32_t [n], the constant's rows
 * @param n    rows
 */
GN_INLINE void gn_vcount_add_u32(uint32_t *rows, const uint32_t *k, int32_t n)
{
    uint32_t carry = 0u;
    int32_t i;
    for (i = 0; i < n; i++)
    {
        uint32_t r = rows[i], c = k[i], t = r ^ c;
        rows[i] = t ^ carry;
        carry = (r & c) | (carry & t);
    }
}

/** @brief The int32 whose two's complement bits are @p bits (no implementation-defined conversion). */
GN_INLINE int32_t gn_vcount_s32(uint32_t bits)
{
    return bits <= 0x7FFFFFFFu ? (int32_t)bits : -(int32_t)(~bits) - 1;
}

#endif /* GN_VCOUNT_H */
