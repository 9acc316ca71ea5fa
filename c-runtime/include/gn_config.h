/**
 * @file gn_config.h
 * @brief Maps compiler feature macros to the Group-Net runtime's feature switches, once.
 *
 * Every other file tests only the GN_HAVE_* macros below, never compiler macros directly.
 *
 * - GN_HAVE_DSP      1 when the core has the Armv7E-M DSP extension (Cortex-M4/M7/M33 with DSP).
 * - GN_HAVE_MVE      1 when the core has Helium (M-profile vector extension, Cortex-M55/M85).
 * - GN_HAVE_POPCOUNT 1 when the target has a single popcount instruction, so that
 *                    __builtin_popcount is cheap (x86 with POPCNT, AArch64). Cortex-M has no
 *                    popcount instruction: __builtin_popcount would call a libgcc routine, so the
 *                    portable SWAR sequence is the default there.
 *
 * Each switch may be forced from the build (-DGN_HAVE_POPCOUNT=0, for example).
 */
#ifndef GN_CONFIG_H
#define GN_CONFIG_H

#ifndef GN_HAVE_DSP
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define GN_HAVE_DSP 1
#else
#define GN_HAVE_DSP 0
#endif
#endif

#ifndef GN_HAVE_MVE
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define GN_HAVE_MVE 1
#else
#define GN_HAVE_MVE 0
#endif
#endif

#ifndef GN_HAVE_POPCOUNT
#if defined(__GNUC__) && (defined(__POPCNT__) || defined(__aarch64__))
#define GN_HAVE_POPCOUNT 1
#else
#define GN_HAVE_POPCOUNT 0
#endif
#endif

/** Places constant tables on a 4-byte boundary (word loads from flash). */
#if defined(__GNUC__) || defined(__clang__)
#define GN_ALIGN(n) __attribute__((aligned(n)))
#else
#define GN_ALIGN(n)
#endif

/** Small helpers whose constant arguments must propagate into the caller's loops. */
#if defined(__GNUC__) || defined(__clang__)
#define GN_INLINE static inline __attribute__((always_inline))
#else
#define GN_INLINE static inline
#endif

/**
 * Hides the value of @p v from the optimiser (no instruction is emitted): a constant stays
 * in a register, so it can be used with a shifted second operand ("and r, m, v, lsr #1"),
 * and a pointer is not assumed invariant, so loads through it are not hoisted out of a
 * loop (and spilled) but issued where they are used. Expands to nothing where GNU inline
 * assembly is not available (GCC and clang have it); the result is the same either way.
 * GN_AFTER(v, d) does the same once @p d is computed, which orders the uses of @p v after it.
 */
#if defined(__GNUC__) || defined(__clang__)
#define GN_OPAQUE(v) __asm__("" : "+r"(v))
#define GN_AFTER(v, d) __asm__("" : "+r"(v) : "r"(d))
#else
#define GN_OPAQUE(v) ((void)0)
#define GN_AFTER(v, d) ((void)(d))
#endif

/**
 * Asks for the next loop to be unrolled completely when its trip count is a compile-time constant of at most
 * 80 after inlining (the small-window int8 kernel: -O2 keeps a 5-iteration loop of SMLADs as a loop, which
 * costs more in branches and address updates than in multiplies). Other compilers ignore it.
 */
#if defined(__GNUC__) || defined(__clang__)
#define GN_UNROLL _Pragma("GCC unroll 80")
#else
#define GN_UNROLL
#endif

/**
 * Generated layer functions are never inlined into the infer function, so each layer keeps its
 * own symbol and address range (per-layer instruction attribution with nm -S and the QEMU plugin,
 * stack use per function). A call per layer costs a handful of instructions per inference.
 * Define GN_NOINLINE empty from the build to let the compiler decide.
 */
#ifndef GN_NOINLINE
#if defined(__GNUC__) || defined(__clang__)
#define GN_NOINLINE __attribute__((noinline))
#else
#define GN_NOINLINE
#endif
#endif

#endif /* GN_CONFIG_H */
