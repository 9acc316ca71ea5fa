/**
 * @file gn_popcount.h
 * @brief Population count of a 32-bit word.
 *
 * The portable version is the SWAR (SIMD within a register) sequence: 12 ALU operations and one
 * multiply, no table, no branch, constant time. Where the target has a popcount instruction
 * (GN_HAVE_POPCOUNT, see gn_config.h) the compiler builtin is used instead. Both return the same
 * value for every input.
 */
#ifndef GN_POPCOUNT_H
#define GN_POPCOUNT_H

#include <stdint.h>

#include "gn_config.h"

/**
 * @brief Number of 1 bits in @p v.
 * @param v any 32-bit word
 * @return 0..32
 */
GN_INLINE int32_t gn_popcount_u32(uint32_t v)
{
#if GN_HAVE_POPCOUNT
    return (int32_t)__builtin_popcount(v);
#else
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    v = (v + (v >> 4)) & 0x0F0F0F0Fu;
    return (int32_t)((v * 0x01010101u) >> 24);
#endif
}

/**
 * @brief The portable SWAR count, always compiled, for tests that sweep it against the builtin.
 * @param v any 32-bit word
 * @return 0..32
 */
GN_INLINE int32_t gn_popcount_u32_swar(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    v = (v + (v >> 4)) & 0x0F0F0F0Fu;
    return (int32_t)((v * 0x01010101u) >> 24);
}

#endif /* GN_POPCOUNT_H */
