/**
 * @file gn_binary_csa.h
 * @brief Carry-save (Harley-Seal style) binary conv kernels for 3x3 windows of 2-bit activations
 *        and of 1-bit signs (gn_binary_conv_3x3_b1_csa_filters_u32(), at the end), and a 1x1
 *        kernel for 2-bit activations.
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

#include "gn_binary_csa_b1_thumb1.h"
#include "gn_binary_csa_b1_thumb2.h"
#include "gn_binary_csa_thumb2.h"
#include "gn_config.h"

#if GN_HAVE_DSP
#include <arm_acle.h>
#endif

/**
 * 1 where a 3x3 window is best read in place from the input tensor (rows a tensor row apart):
 * Thumb-2 loads reach those offsets as immediates. Cortex-M0 (Thumb-1) loads reach only 124
 * bytes, so there every window is gathered into a compact [3][3][2][words] buffer first.
 */
#if defined(__thumb__) && !defined(__thumb2__)
#define GN_CSA_IN_PLACE 0
#else
#define GN_CSA_IN_PLACE 1
#endif

/** The row stride of the windows the 3x3 kernels read: the tensor's (in place) or a gathered
 *  window's (3 pixels of @p pixel_words). */
#define GN_CSA_WINDOW_ROW_WORDS(tensor_row_words, pixel_words) (GN_CSA_IN_PLACE ? (tensor_row_words) : 3 * (pixel_words))

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
 * @brief Per byte, the weighted count o1 + 2*o2 + 4*o4 + 8*o8 + 16*o16 of the 5 bit-sliced words
 *        of a carry-save sum: four byte counts, each at most 8 * 31 = 248.
 *
 * Each word is counted per nibble (0..4, 5 instructions with the masks in registers); nibble
 * counts are combined in pairs (o1 + 2*o2 and o4 + 2*o8, at most 12 per nibble) before they are
 * folded into bytes, so only 3 byte folds are needed.
 */
GN_INLINE uint32_t gn_csa_weighted_bytes_u32(uint32_t o1, uint32_t o2, uint32_t o4, uint32_t o8, uint32_t o16)
{
    uint32_t m1 = 0x55555555u, m2 = 0x33333333u, m4 = 0x0F0F0F0Fu, a, b;
    GN_AFTER(m1, o16); /* materialised here, not held in a register across the tree */
    GN_AFTER(m2, o16);
#define GN_CSA_NIBBLES(v)                \
    do                                   \
    {                                    \
        (v) -= ((v) >> 1) & m1;          \
        (v) = ((v) & m2) + (((v) >> 2) & m2); \
    } while (0)
    GN_CSA_NIBBLES(o1);
    GN_CSA_NIBBLES(o2);
    GN_CSA_NIBBLES(o4);
    GN_CSA_NIBBLES(o8);
    GN_CSA_NIBBLES(o16);
#undef GN_CSA_NIBBLES
    a = o1 + (o2 << 1);                                   /* nibbles <= 12 */
    b = o4 + (o8 << 1);                                   /* nibbles <= 12 */
    a = (a & m4) + ((a >> 4) & m4);                       /* bytes <= 24 */
    b = (b & m4) + ((b >> 4) & m4);                       /* bytes <= 24 */
    o16 = (o16 + (o16 >> 4)) & m4;                        /* bytes <= 8 */
    return a + (b << 2) + (o16 << 4);                     /* bytes <= 24 + 96 + 128 = 248 */
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
 *
 * The taps are taken three at a time (both planes of a triple share its three weight words) and
 * the carry-save tree is ordered so that partial sums are merged as soon as possible: at most
 * about ten words are live at once, so a Cortex-M core keeps them all in registers.
 * @param win       tap (ky, kx) of the window at win + ky * row_words + kx * 2 * words, each tap
 *                  uint32_t [2][words] (a gathered window has row_words = 3 * 2 * words; a pixel
 *                  read in place from a [h][w][2][words] tensor has row_words = w * 2 * words)
 * @param row_words words from one window row to the next (a literal, so offsets are immediates)
 * @param weights   one filter: the weight word of tap t, column w at weights[t * tap_stride + w * column_stride]
 *                  (ignored unless @p masked)
 * @param tap_stride    a literal: words for a [9][words] filter, 1 for [words][9]
 * @param column_stride a literal: 1 for a [9][words] filter, 9 for [words][9]
 * @param masked    a literal: 1 to AND with @p weights, 0 for all ones (the window popcount)
 * @param words     words per plane
 * @param w         column, 0 .. words-1
 * @param acc       gn_byte_sum_add_u32() accumulator
 */
GN_INLINE uint32_t gn_csa_column_3x3_b2_u32(const uint32_t *win, int32_t row_words, const uint32_t *weights,
                                             int32_t tap_stride, int32_t column_stride, int masked, int32_t words,
                                             int32_t w, uint32_t acc)
{
    const uint32_t *a = win + w, *k = weights + w * column_stride;
    uint32_t s1a, c2a, s2a, c4a, s1b, c2b, s2b, c4b, s1c, c2c, s2c, c4c;
    uint32_t t2, c4e, f4, c8a, o1, c2d, u2, c4f, o2, c4g, v4, c8b, o4, c8c, o8, o16;
    GN_OPAQUE(a);
    GN_OPAQUE(k);
#define GN_CSA_TAP(t, b) a[((t) / 3) * row_words + (((t) % 3) * 2 + (b)) * words]
#define GN_CSA_A(t, b) (masked ? GN_CSA_TAP(t, b) & k[(t) * tap_stride] : GN_CSA_TAP(t, b))
    /* taps 0..2: plane 0 at weight 1, plane 1 at weight 2 */
    gn_csa_u32(GN_CSA_A(0, 0), GN_CSA_A(1, 0), GN_CSA_A(2, 0), &s1a, &c2a);
    gn_csa_u32(GN_CSA_A(0, 1), GN_CSA_A(1, 1), GN_CSA_A(2, 1), &s2a, &c4a);
    GN_AFTER(a, c4a); /* issue the next loads only now: fewer live words */
    GN_AFTER(k, c4a);
    /* taps 3..5, merged at weights 2 and 4 */
    gn_csa_u32(GN_CSA_A(3, 0), GN_CSA_A(4, 0), GN_CSA_A(5, 0), &s1b, &c2b);
    gn_csa_u32(GN_CSA_A(3, 1), GN_CSA_A(4, 1), GN_CSA_A(5, 1), &s2b, &c4b);
    gn_csa_u32(c2a, s2a, c2b, &t2, &c4e);
    gn_csa_u32(c4a, c4e, c4b, &f4, &c8a);
    GN_AFTER(a, c8a);
    GN_AFTER(k, c8a);
    /* taps 6..8 */
    gn_csa_u32(GN_CSA_A(6, 0), GN_CSA_A(7, 0), GN_CSA_A(8, 0), &s1c, &c2c);
    gn_csa_u32(s1a, s1b, s1c, &o1, &c2d);
    gn_csa_u32(GN_CSA_A(6, 1), GN_CSA_A(7, 1), GN_CSA_A(8, 1), &s2c, &c4c);
#undef GN_CSA_A
#undef GN_CSA_TAP
    gn_csa_u32(t2, s2b, c2c, &u2, &c4f);
    gn_csa_u32(u2, s2c, c2d, &o2, &c4g);
    gn_csa_u32(f4, c4c, c4f, &v4, &c8b);
    o4 = v4 ^ c4g;
    c8c = v4 & c4g;
    gn_csa_u32(c8a, c8b, c8c, &o8, &o16);
    return gn_byte_sum_add_u32(acc, gn_csa_weighted_bytes_u32(o1, o2, o4, o8, o16));
}

/**
 * @brief gn_window_popcount_u32() for a 3x3 window of 2-bit activations.
 * @param win       the window, rows @p row_words apart (gn_csa_column_3x3_b2_u32())
 * @param row_words words from one window row to the next
 * @param words     words per plane, 1 .. GN_CSA_MAX_WORDS
 * @return sum_b 2^b * sum popcount(A_b), 0 .. 3 * 9 * 32 * words
 */
GN_INLINE int32_t gn_window_popcount_3x3_b2_csa_u32(const uint32_t *win, int32_t row_words, int32_t words)
{
    uint32_t acc = 0u;
    int32_t w;
    for (w = 0; w < words; w++)
    {
        acc = gn_csa_column_3x3_b2_u32(win, row_words, win, 0, 0, 0, words, w, acc);
    }
    return gn_byte_sum_finish_u32(acc);
}

/**
 * @brief gn_binary_dot_u32() for a 3x3 window of 2-bit activations:
 *        acc = 2 * (sum popcount(A0 & W) + 2 * sum popcount(A1 & W)) - @p window_popcount.
 * @param win             the window, rows @p row_words apart (gn_csa_column_3x3_b2_u32())
 * @param row_words       words from one window row to the next
 * @param weights         one filter, uint32_t [9][words] (bit 1 = +1)
 * @param words           words per plane, 1 .. GN_CSA_MAX_WORDS
 * @param window_popcount gn_window_popcount_3x3_b2_csa_u32() of the same window
 * @return the +/-1 dot product, |acc| <= 3 * 9 * channels
 */
GN_INLINE int32_t gn_binary_dot_3x3_b2_csa_u32(const uint32_t *win, int32_t row_words, const uint32_t *weights,
                                               int32_t words, int32_t window_popcount)
{
    uint32_t acc = 0u;
    int32_t w;
    for (w = 0; w < words; w++)
    {
        acc = gn_csa_column_3x3_b2_u32(win, row_words, weights, words, 1, 1, words, w, acc);
    }
    return 2 * gn_byte_sum_finish_u32(acc) - window_popcount;
}

/**
 * @brief A whole 3x3 2-bit binary conv term at one output pixel: for every output channel o,
 *        z[o] (+)= mult[o] * gn_binary_dot_3x3_b2_csa_u32(win, weights[o], ...).
 * @param win        the window, rows @p row_words apart: gathered, or read in place
 * @param row_words  words from one window row to the next (a literal)
 * @param weights    uint32_t [cout][9][words]
 * @param words      words per plane, 1 .. GN_CSA_MAX_WORDS
 * @param cout       output channels
 * @param mult       int32_t [cout] term multipliers
 * @param z          int32_t [cout] layer accumulators
 * @param accumulate a literal: 0 to assign z, 1 to add to it
 */
GN_INLINE void gn_binary_conv_3x3_b2_csa_u32(const uint32_t *win, int32_t row_words, const uint32_t *weights,
                                             int32_t words, int32_t cout, const int32_t *mult, int32_t *z, int accumulate)
{
    int32_t apop = gn_window_popcount_3x3_b2_csa_u32(win, row_words, words), o;
    for (o = 0; o < cout; o++)
    {
        int32_t v = mult[o] * gn_binary_dot_3x3_b2_csa_u32(win, row_words, weights + o * 9 * words, words, apop);
        z[o] = accumulate ? z[o] + v : v;
    }
}

/**
 * @brief The multiplier stored after a filter in a filters row: the int32 whose two's complement
 *        bits are @p bits (compiles to nothing; written this way because converting an out-of-range
 *        uint32_t to int32_t is implementation-defined in C99).
 */
GN_INLINE int32_t gn_s32_from_bits_u32(uint32_t bits)
{
    return bits <= 0x7FFFFFFFu ? (int32_t)bits : -(int32_t)(~bits) - 1;
}

/**
 * @brief gn_binary_conv_3x3_b2_csa_u32() with each filter row followed by its multiplier, so one
 *        pointer walks both: for every output channel o, z[o] (+)= mult_o * dot_o.
 *
 * On a Thumb-2 core (Cortex-M3/M4/M7/M33/M55) the channel loop is the instruction sequence of
 * gn_binary_csa_thumb2.h (same arithmetic, fewer instructions); otherwise the C loop below.
 * @param win        the window, rows @p row_words apart: gathered, or read in place
 * @param row_words  words from one window row to the next (a literal)
 * @param filters    uint32_t [cout][9 * words + 1]: the filter word column by word column
 *                   ([words][9], bit 1 = +1), then the multiplier's two's complement bits
 * @param words      words per plane, 1 .. GN_CSA_MAX_WORDS
 * @param cout       output channels, at least 1
 * @param z          int32_t [cout] layer accumulators
 * @param accumulate a literal: 0 to assign z, 1 to add to it
 */
GN_INLINE void gn_binary_conv_3x3_b2_csa_filters_u32(const uint32_t *win, int32_t row_words, const uint32_t *filters,
                                                     int32_t words, int32_t cout, int32_t *z, int accumulate)
{
    int32_t apop = gn_window_popcount_3x3_b2_csa_u32(win, row_words, words), o, w;
#if GN_HAVE_CSA_THUMB2
    if (row_words <= GN_CSA_THUMB2_MAX_ROW_WORDS)
    {
        GN_CSA3X3B2_THUMB2(win, row_words, filters, words, cout, z, accumulate, apop);
        return;
    }
#endif
    for (o = 0; o < cout; o++)
    {
        const uint32_t *f = filters + o * (9 * words + 1);
        uint32_t acc = 0u;
        int32_t v;
        for (w = 0; w < words; w++)
        {
            acc = gn_csa_column_3x3_b2_u32(win, row_words, f, 1, 9, 1, words, w, acc);
        }
        v = gn_s32_from_bits_u32(f[9 * words]) * (2 * gn_byte_sum_finish_u32(acc) - apop);
        z[o] = accumulate ? z[o] + v : v;
    }
}

/**
 * @brief Per byte, popcount(o1) + 2 * popcount(o2) of the byte's 8 bit positions: four byte
 *        counts, each at most 24 (the two planes of one word of 2-bit activations).
 */
GN_INLINE uint32_t gn_weighted_bytes_b2_u32(uint32_t o1, uint32_t o2)
{
    uint32_t m1 = 0x55555555u, m2 = 0x33333333u, m4 = 0x0F0F0F0Fu, a;
    GN_OPAQUE(m1); /* masks in registers: one AND with a shifted operand each (Thumb-2) */
    GN_OPAQUE(m2);
    GN_OPAQUE(m4);
    o1 -= (o1 >> 1) & m1;
    o1 = (o1 & m2) + ((o1 >> 2) & m2);
    o2 -= (o2 >> 1) & m1;
    o2 = (o2 & m2) + ((o2 >> 2) & m2);
    a = o1 + (o2 << 1); /* nibbles <= 12 */
    return (a & m4) + ((a >> 4) & m4);
}

/**
 * @brief A whole 1x1 binary conv term on 2-bit activations at one output pixel, read in place:
 *        for every output channel o, z[o] (+)= mult[o] * (2 * (popcount(A0 & W) + 2 *
 *        popcount(A1 & W)) - popcount(A0) - 2 * popcount(A1)), the value gn_binary_dot_u32()
 *        gives with taps = 1, bits = 2. The two planes of a word are counted together (one nibble
 *        fold and one byte sum per word instead of two full popcounts).
 * @param pixel      uint32_t [2][words], the input pixel
 * @param weights    uint32_t [cout][words]
 * @param words      words per plane, 1 .. GN_CSA_MAX_WORDS
 * @param cout       output channels
 * @param mult       int32_t [cout] term multipliers
 * @param z          int32_t [cout] layer accumulators
 * @param accumulate a literal: 0 to assign z, 1 to add to it
 */
GN_INLINE void gn_binary_conv_1x1_b2_u32(const uint32_t *pixel, const uint32_t *weights, int32_t words, int32_t cout,
                                         const int32_t *mult, int32_t *z, int accumulate)
{
    uint32_t acc = 0u;
    int32_t apop, o, w;
    for (w = 0; w < words; w++)
    {
        acc = gn_byte_sum_add_u32(acc, gn_weighted_bytes_b2_u32(pixel[w], pixel[words + w]));
    }
    apop = gn_byte_sum_finish_u32(acc);
    for (o = 0; o < cout; o++)
    {
        const uint32_t *k = weights + o * words;
        int32_t v;
        acc = 0u;
        for (w = 0; w < words; w++)
        {
            acc = gn_byte_sum_add_u32(acc, gn_weighted_bytes_b2_u32(pixel[w] & k[w], pixel[words + w] & k[w]));
        }
        v = mult[o] * (2 * gn_byte_sum_finish_u32(acc) - apop);
        z[o] = accumulate ? z[o] + v : v;
    }
}

/**
 * @brief Per byte, the weighted count o1 + 2 * (s2 + c2) + 4 * c4 of 4 bit-sliced words: four
 *        byte counts, each at most 8 * 9 = 72 (the carry-save sum of 9 words). The masks are
 *        applied before the shifts, so on Thumb-2 they are immediates (no mask registers).
 */
GN_INLINE uint32_t gn_csa_weighted_bytes4_u32(uint32_t o1, uint32_t s2, uint32_t c2, uint32_t c4)
{
    uint32_t a, b;
#define GN_CSA_NIBBLES(v)                                        \
    do                                                           \
    {                                                            \
        (v) -= ((v) & 0xAAAAAAAAu) >> 1;                         \
        (v) = ((v) & 0x33333333u) + (((v) & 0xCCCCCCCCu) >> 2);  \
    } while (0)
    GN_CSA_NIBBLES(o1);
    GN_CSA_NIBBLES(s2);
    GN_CSA_NIBBLES(c2);
    GN_CSA_NIBBLES(c4);
#undef GN_CSA_NIBBLES
    a = o1 + (s2 << 1);                                     /* nibbles <= 12, weight 1 */
    b = c2 + (c4 << 1);                                     /* nibbles <= 12, weight 2 */
    a = (a & 0x0F0F0F0Fu) + ((a & 0xF0F0F0F0u) >> 4);       /* bytes <= 24 */
    b = (b & 0x0F0F0F0Fu) + ((b & 0xF0F0F0F0u) >> 4);       /* bytes <= 24 */
    return a + (b << 1);                                    /* bytes <= 72 */
}

/**
 * @brief One word column w of a 3x3 window of signs: adds sum_t popcount(A_t xor W_t), the number
 *        of differing signs, to the byte accumulator @p acc. The 9 words are reduced by five full
 *        adders to 4 bit-sliced words of weights 1, 2, 2 and 4 (a half adder more would save no
 *        count: the two weight-2 words are added as nibble counts instead), counted once.
 * @param win       tap (ky, kx) at win + ky * row_words + kx * words, each tap uint32_t [words]
 * @param row_words words from one window row to the next (a literal)
 * @param k         the 9 weight words of column w of one filter
 * @param words     words per pixel
 * @param w         column, 0 .. words-1
 * @param acc       gn_byte_sum_add_u32() accumulator
 */
GN_INLINE uint32_t gn_csa_column_3x3_b1_u32(const uint32_t *win, int32_t row_words, const uint32_t *k, int32_t words,
                                             int32_t w, uint32_t acc)
{
    const uint32_t *a = win + w;
    uint32_t s1a, c2a, s1b, c2b, s1c, c2c, o1, c2d, s2, c4;
#define GN_CSA_D(t) (a[((t) / 3) * row_words + ((t) % 3) * words] ^ k[t])
    gn_csa_u32(GN_CSA_D(0), GN_CSA_D(1), GN_CSA_D(2), &s1a, &c2a);
    gn_csa_u32(GN_CSA_D(3), GN_CSA_D(4), GN_CSA_D(5), &s1b, &c2b);
    gn_csa_u32(GN_CSA_D(6), GN_CSA_D(7), GN_CSA_D(8), &s1c, &c2c);
#undef GN_CSA_D
    gn_csa_u32(s1a, s1b, s1c, &o1, &c2d);
    gn_csa_u32(c2a, c2b, c2c, &s2, &c4);
    return gn_byte_sum_add_u32(acc, gn_csa_weighted_bytes4_u32(o1, s2, c2d, c4));
}

/**
 * @brief A whole 3x3 binary conv term on a signs tensor (1-bit +/-1 activations) at one output
 *        pixel: for every output channel o, z[o] (+)= mult_o * acc_o with
 *        acc_o = sum over in-bounds taps of (C - 2 * popcount(A_t xor W_ot)), the value of
 *        gn_sign_dot_u32().
 *
 * All 9 taps are counted together into D_o = sum_t popcount(A_t xor W_ot) (out-of-bounds taps
 * gathered as 0, so each adds popcount(W_ot) differences). With n_in in-bounds taps and P_o the
 * weight popcount of the out-of-bounds taps, acc_o = n_in * C - 2 * (D_o - P_o), so
 *
 *     mult_o * acc_o = bias_o + m2_o * D_o,  bias_o = mult_o * (n_in * C + 2 * P_o),  m2_o = -2 * mult_o
 *
 * (two's complement, as the int32 products of the reference). The generator knows every weight,
 * so it stores m2_o in the filter row and bias_o per border class of the window (interior, top,
 * bottom, left, right and the four corners): the border correction costs nothing per pixel.
 * @param win        the window, rows @p row_words apart, taps @p words apart (read in place or gathered)
 * @param row_words  words from one window row to the next (a literal)
 * @param filters    uint32_t [cout][words * 9 + 1]: per word column the 9 taps' weight words
 *                   (bit 1 = +1), then m2 = -2 * multiplier as two's complement bits
 * @param biases     int32_t [cout]: bias_o of this window's border class
 * @param words      words per pixel, 1 .. GN_CSA_MAX_WORDS
 * @param cout       output channels, at least 1
 * @param z          int32_t [cout] layer accumulators
 * @param accumulate a literal: 0 to assign z, 1 to add to it
 */
GN_INLINE void gn_binary_conv_3x3_b1_csa_filters_u32(const uint32_t *win, int32_t row_words, const uint32_t *filters,
                                                     const int32_t *biases, int32_t words, int32_t cout, int32_t *z,
                                                     int accumulate)
{
    int32_t o, w;
#if GN_HAVE_CSA_B1_THUMB2
    if (row_words <= GN_CSA_B1_THUMB2_MAX_ROW_WORDS && words <= GN_CSA_B1_THUMB2_MAX_WORDS)
    {
        /* one word: four channels per branch; more words: the columns are unrolled already (and
           GCC, which sizes an asm block by its lines, must not misplace its literal pools) */
        GN_CSA3X3B1_THUMB2(win, row_words, filters, biases, words, cout, z, accumulate,
                           words == 1 && cout % 4 == 0 ? 4 : words == 1 && cout % 2 == 0 ? 2 : 1);
        return;
    }
#endif
#if GN_HAVE_CSA_B1_THUMB1
    if (row_words == 3 * words && words <= GN_CSA_B1_THUMB1_MAX_WORDS)
    {
        GN_CSA3X3B1_THUMB1(win, filters, biases, words, cout, z, accumulate);
        return;
    }
#endif
    for (o = 0; o < cout; o++)
    {
        const uint32_t *f = filters + o * (9 * words + 1);
        uint32_t acc = 0u, v;
        for (w = 0; w < words; w++)
        {
            acc = gn_csa_column_3x3_b1_u32(win, row_words, f + 9 * w, words, w, acc);
        }
        /* unsigned: the products wrap like the reference's int32 arithmetic, without overflow */
        v = (uint32_t)biases[o] + f[9 * words] * (uint32_t)gn_byte_sum_finish_u32(acc);
        z[o] = accumulate ? gn_s32_from_bits_u32((uint32_t)z[o] + v) : gn_s32_from_bits_u32(v);
    }
}

#endif /* GN_BINARY_CSA_H */
