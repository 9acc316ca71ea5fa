/**
 * @file gn_arith.h
 * @brief Shifts, rounding and clamping of docs/integer-arithmetic.md.
 *
 * C99 leaves the right shift of a negative value implementation-defined, so no function here
 * ever shifts a negative number: floor_shift negates first and shifts a non-negative value.
 */
#ifndef GN_ARITH_H
#define GN_ARITH_H

#include <stdint.h>

#include "gn_config.h"

/**
 * @brief floor(u / 2^shift) for any sign of @p u.
 * @param u     value, |u| < 2^62 (so that -u - 1 cannot overflow)
 * @param shift 0..62
 */
GN_INLINE int64_t gn_floor_shift_s64(int64_t u, int32_t shift)
{
    return u >= 0 ? (u >> shift) : -((-u - 1) >> shift) - 1;
}

/**
 * @brief floor(v / 2^shift + 1/2): round half up, for any sign of @p v.
 * @param v     value, |v| + 2^(shift-1) < 2^62
 * @param shift 0..62; 0 returns @p v unchanged
 */
GN_INLINE int64_t gn_round_shift_s64(int64_t v, int32_t shift)
{
    return shift == 0 ? v : gn_floor_shift_s64(v + ((int64_t)1 << (shift - 1)), shift);
}

/**
 * @brief Clamps @p v into [@p lo, @p hi].
 * @param v  value
 * @param lo lower bound, lo <= hi
 * @param hi upper bound
 */
GN_INLINE int64_t gn_clamp_s64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

#endif /* GN_ARITH_H */
