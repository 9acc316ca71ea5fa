/**
 * @file gn_binary_csa.h
 * @brief Carry-save (Harley-Seal style) binary conv kernels for 3x3 windows of 2-bit activations.
 *
 * Same contract and result as gn_binary_dot_u32() / gn_window_popcount_u32() of gn_kernels.h
 * (the portable reference, which stays the documentation of the arithmetic); the generator uses
 * these when a term's shape fits (kernel 3, 2-bit input) and the reference otherwise.
 *
 * @par Why carry-save
 * Cortex-M has no popcount instruction: one SWAR popcount costs about 9 instructions, and the
 * reference pays it for each of the 18 words (9 taps x 2 planes) of a window column. Here the 18
 * masked words are first added as bit-sliced numbers with full adders (carry-save adders, 5
 * instructions each, no popcount): the 9 plane-0 words enter with weight 1 and the 9 plane-1
 * words with weight 2, and 13 full adders and one half adder reduce them to 5 words
 * (o1, o2, o4, o8, o16) such that, bit position by bit position,
 *
 *     sum_t a0_t + 2 * sum_t a1_t  =  o1 + 2*o2 + 4*o4 + 8*o8 + 16*o16     (at most 27 < 32)
 *
 * Only those 5 words are counted, and only partly: each is reduced to 4 byte counts (SWAR, 7
 * instructions), the 5 byte vectors are combined with their weights (Horner, 4 instructions,
 * every byte at most 8 * 31 = 248) and the 4 bytes are summed once (USADA8 with GN_HAVE_DSP,
 * halfword adds otherwise).
 */
#ifndef GN_BINARY_CSA_H
#define GN_BINARY_CSA_H

#include <stdint.h>

#include "gn_config.h"

#if GN_HAVE_DSP
#include <arm_acle.h>
#endif

/** Largest words per plane these kernels accept (the portable halfword sums stay below 2^16). */
#define GN_CSA_MAX_WORDS 132

/**
 * @brief Full adder on 32 bit positions at once: @p a + @p b + @p c = @p *sum + 2 * @p *carry.
 */
GN_INLINE void gn_csa_u32(uint32_t a, uint32_t b, uint32_t c, uint32_t *sum, uint32_t *carry)
{
    uint32_t t = a ^ b;
    *sum = t ^ c;
    *carry = (a & b) | (t & c);
}

/**
 * @brief Per byte, the number of 1 bits of @p v: four counts 0..8.
 */
GN_INLINE uint32_t gn_popcount_bytes_u32(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (v + (v >> 4)) & 0x0F0F0F0Fu;
}

/**
 * @brief Adds the 4 bytes of @p bytes to a running sum.
 * @param acc   with GN_HAVE_DSP a plain sum; otherwise two 16-bit halves, each the sum of two
 *              bytes per call (finish with gn_byte_sum_finish_u32()); at most GN_CSA_MAX_WORDS calls
 * @param bytes four byte counts, each at most 248
 */
GN_INLINE uint32_t gn_byte_sum_add_u32(uint32_t acc, uint32_t bytes)
{
#if GN_HAVE_DSP
    return __usada8(bytes, 0u, acc);
#else
    return acc + (bytes & 0x00FF00FFu) + ((bytes >> 8) & 0x00FF00FFu);
#endif
}

/** @brief The total held by a gn_byte_sum_add_u32() accumulator. */
GN_INLINE int32_t gn_byte_sum_finish_u32(uint32_t acc)
{
#if GN_HAVE_DSP
    return (int32_t)acc;
#else
    return (int32_t)((acc & 0xFFFFu) + (acc >> 16));
#endif
}

/**
 * @brief One word column w of a 3x3 2-bit window: adds sum_t popcount(A0_t & W_t) +
 *        2 * sum_t popcount(A1_t & W_t) to the byte accumulator @p acc.
 * @param win     uint32_t [9][2][words]
 * @param weights one filter uint32_t [9][words], or NULL for all ones (the window popcount)
 * @param words   words per plane
 * @param w       column, 0 .. words-1
 * @param acc     gn_byte_sum_add_u32() accumulator
 */
GN_INLINE uint32_t gn_csa_column_3x3_b2_u32(const uint32_t *win, const uint32_t *weights, int32_t words, int32_t w,
                                             uint32_t acc)
{
#define GN_CSA_A(t, b) (weights != 0 ? win[((t) * 2 + (b)) * words + w] & weights[(t) * words + w] : win[((t) * 2 + (b)) * words + w])
    uint32_t s1a, s1b, s1c, c2a, c2b, c2c, s2a, s2b, s2c, c4a, c4b, c4c;
    uint32_t o1, c2d, s2d, c4d, s2e, c4e, o2, c4f, s4a, c8a, s4b, c8b, o4, c8c, o8, o16, bytes;
    /* each triple of taps: plane 0 at weight 1, plane 1 at weight 2 */
    gn_csa_u32(GN_CSA_A(0, 0), GN_CSA_A(1, 0), GN_CSA_A(2, 0), &s1a, &c2a);
    gn_csa_u32(GN_CSA_A(0, 1), GN_CSA_A(1, 1), GN_CSA_A(2, 1), &s2a, &c4a);
    gn_csa_u32(GN_CSA_A(3, 0), GN_CSA_A(4, 0), GN_CSA_A(5, 0), &s1b, &c2b);
    gn_csa_u32(GN_CSA_A(3, 1), GN_CSA_A(4, 1), GN_CSA_A(5, 1), &s2b, &c4b);
    gn_csa_u32(GN_CSA_A(6, 0), GN_CSA_A(7, 0), GN_CSA_A(8, 0), &s1c, &c2c);
    gn_csa_u32(GN_CSA_A(6, 1), GN_CSA_A(7, 1), GN_CSA_A(8, 1), &s2c, &c4c);
#undef GN_CSA_A
    gn_csa_u32(s1a, s1b, s1c, &o1, &c2d);  /* weight 1: 3 -> o1 */
    gn_csa_u32(c2a, c2b, c2c, &s2d, &c4d); /* weight 2: 7 -> o2 */
    gn_csa_u32(s2a, s2b, s2c, &s2e, &c4e);
    gn_csa_u32(s2d, c2d, s2e, &o2, &c4f);
    gn_csa_u32(c4a, c4b, c4c, &s4a, &c8a); /* weight 4: 6 -> o4 */
    gn_csa_u32(c4d, c4e, c4f, &s4b, &c8b);
    o4 = s4a ^ s4b;
    c8c = s4a & s4b;
    gn_csa_u32(c8a, c8b, c8c, &o8, &o16);  /* weight 8: 3 -> o8, o16 */
    /* per byte: o1 + 2*o2 + 4*o4 + 8*o8 + 16*o16 counts (Horner), each byte <= 8 * 31 = 248 */
    bytes = gn_popcount_bytes_u32(o16);
    bytes = (bytes << 1) + gn_popcount_bytes_u32(o8);
    bytes = (bytes << 1) + gn_popcount_bytes_u32(o4);
    bytes = (bytes << 1) + gn_popcount_bytes_u32(o2);
    bytes = (bytes << 1) + gn_popcount_bytes_u32(o1);
    return gn_byte_sum_add_u32(acc, bytes);
}

/**
 * @brief gn_window_popcount_u32() for a 3x3 window of 2-bit activations.
 * @param win   uint32_t [9][2][words]
 * @param words words per plane, 1 .. GN_CSA_MAX_WORDS
 * @return sum_b 2^b * sum popcount(A_b), 0 .. 3 * 9 * 32 * words
 */
GN_INLINE int32_t gn_window_popcount_3x3_b2_csa_u32(const uint32_t *win, int32_t words)
{
    uint32_t acc = 0u;
    int32_t w;
    for (w = 0; w < words; w++)
    {
        acc = gn_csa_column_3x3_b2_u32(win, 0, words, w, acc);
    }
    return gn_byte_sum_finish_u32(acc);
}

/**
 * @brief gn_binary_dot_u32() for a 3x3 window of 2-bit activations:
 *        acc = 2 * (sum popcount(A0 & W) + 2 * sum popcount(A1 & W)) - @p window_popcount.
 * @param win             uint32_t [9][2][words]
 * @param weights         one filter, uint32_t [9][words] (bit 1 = +1)
 * @param words           words per plane, 1 .. GN_CSA_MAX_WORDS
 * @param window_popcount gn_window_popcount_3x3_b2_csa_u32() of the same window
 * @return the +/-1 dot product, |acc| <= 3 * 9 * channels
 */
GN_INLINE int32_t gn_binary_dot_3x3_b2_csa_u32(const uint32_t *win, const uint32_t *weights, int32_t words,
                                               int32_t window_popcount)
{
    uint32_t acc = 0u;
    int32_t w;
    for (w = 0; w < words; w++)
    {
        acc = gn_csa_column_3x3_b2_u32(win, weights, words, w, acc);
    }
    return 2 * gn_byte_sum_finish_u32(acc) - window_popcount;
}

#endif /* GN_BINARY_CSA_H */
