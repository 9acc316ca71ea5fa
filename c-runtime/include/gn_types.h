/**
 * @file gn_types.h
 * @brief Tensor layouts, the bit convention, and how a trained Group-Net folds into integers.
 *
 * The contract is docs/integer-arithmetic.md; this header restates what the C code relies on.
 *
 * @par Tensors
 * - image:  uint8_t [H][W][C], 0..255.
 * - levels: k-bit unsigned levels (k = 2 or 4) stored as bit-planes, uint32_t [H][W][k][words]
 *           with words = ceil(C / 32). Bit (c % 32) of word (c / 32) of plane b holds bit b of
 *           channel c's level.
 * - pooled: int32_t [C], the sum of z over all output pixels of the last layer.
 * - logits: int32_t [N].
 *
 * @par Bit convention
 * - Activations: a level L of a k-bit tensor stands for the real value L / (2^k - 1). Padding bits
 *   (channels c >= C in the last word of a plane) are always 0, so they hold level 0.
 * - Weights: bit 1 means +1, bit 0 means -1; padding bits are 0. sign(0) = +1: a latent weight of
 *   exactly 0 exports as a 1 bit. Packed weights are uint32_t [Cout][kh][kw][words].
 *
 * @par From popcount back to +/-1 sums
 * For one plane b, an activation word A_b and a weight word W, the +/-1 dot product of the bits
 * of A_b with the signs of W is
 *
 *     sum_c a_bc * w_c = popcount(A_b & W) - popcount(A_b & ~W) = 2*popcount(A_b & W) - popcount(A_b)
 *
 * A 0 activation bit contributes nothing whatever the weight bit, which is why zero padding
 * (outside the image) and padding channels need no mask. Summing planes with their weights 2^b:
 *
 *     acc = 2 * sum_b 2^b * sum_words popcount(A_b & W)  -  sum_b 2^b * sum_words popcount(A_b)
 *
 * The second sum depends only on the input window, not on the output channel, so the generated
 * code computes it once per output pixel and shares it between all output channels.
 *
 * @par Folding batch-norm and branch scales into thresholds
 * Each output level of a trained layer is a monotone step function of a real value
 * r[o] = sum_t a_t[o] * acc_t[o] + b[o]: the binary scale alpha, the Group-Net branch scales
 * lambda and batch-norm are all affine. The exporter scales the a_t by a per-layer power of two
 * 2^F, rounds them to int32 multipliers M_t[o] (negated where batch-norm's gamma is negative, so
 * the step function always rises) and computes, per output channel, the integer thresholds T_i at
 * which the level steps up. At run time a layer computes only
 *
 *     z[o] = sum_t M_t[o] * acc_t[o]     (int32; the bound rules guarantee no overflow)
 *     L[o] = #{ i : z[o] >= T_i[o] }     (T = INT32_MIN: always reached, INT32_MAX: never)
 *
 * The last layer sums z over all pixels instead (pooled), and an 8-bit linear head requantises
 * the pooled features with a round-half-up shift (gn_arith.h) and applies int8 weights.
 */
#ifndef GN_TYPES_H
#define GN_TYPES_H

#include <stdint.h>

/** Bits in one packed word. */
#define GN_WORD_BITS 32

/** Number of uint32_t words needed for @p channels channels in one bit-plane. */
#define GN_WORDS(channels) (((channels) + 31) / 32)

/** Parameters of the 8-bit linear head (docs/integer-arithmetic.md, "Linear head"). */
typedef struct gn_linear_s8_params
{
    int32_t in_features;             /**< C, number of pooled features, >= 1 */
    int32_t out_features;            /**< N, number of classes, >= 1 */
    const int32_t *requant_mult;     /**< Mq[C] */
    const int64_t *requant_offset;   /**< Oq[C], |Oq| < 2^61 */
    int32_t requant_shift;           /**< S, 1..62 */
    const int8_t *weights;           /**< w8[N][C], -127..127 */
    const int32_t *bias;             /**< bias[N] */
} gn_linear_s8_params_t;

#endif /* GN_TYPES_H */
