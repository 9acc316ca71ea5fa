/**
 * @file gn_cycle_counter.h
 * @brief Per-layer cycle measurement with the core's DWT cycle counter (DWT->CYCCNT).
 *
 * Built in only when the firmware is configured with -DGN_CYCLE_COUNTER=ON (CMake), which
 * defines GN_CYCLE_COUNTER for the harness and the generated model. The generated infer function
 * then calls gn_cycle_mark(i) before layer i and gn_cycle_mark(n) after the last call (the head),
 * and the harness prints, after each inference,
 *
 *   GN-CYCLES <image> <total> <c_0> <c_1> ... <c_{n-1}>
 *
 * where c_i = CYCCNT(mark i+1) - CYCCNT(mark i) is the cycles of call i (layers in model order,
 * then the head) and total their sum; unsigned 32-bit wrap-around differences, so one call may
 * take up to 2^32 - 1 cycles. Nothing is printed on cores without a cycle counter (Cortex-M0 /
 * ARMv6-M has no CYCCNT; DWT_CTRL.NOCYCCNT set) or when no mark was recorded.
 *
 * On real hardware these are measurements. QEMU does not model the DWT (its registers read as
 * zero), so under emulation every c_i is 0 and reports fall back to the timing-model estimate
 * (docs/timing-model.md). Without GN_CYCLE_COUNTER every hook below is empty: the exact
 * instruction counts of normal builds do not include the marks.
 */
#ifndef GN_CYCLE_COUNTER_H
#define GN_CYCLE_COUNTER_H

#include <stdint.h>

/** Most marks per inference (layers + head + 1); later marks are ignored. */
#define GN_CYCLE_MARKS_MAX 64

#ifdef GN_CYCLE_COUNTER

/** @brief Enables the trace unit and starts CYCCNT; call once before the first inference. */
void gn_cycle_counter_init(void);
/** @brief 1 when this core has a running cycle counter, 0 otherwise (ARMv6-M, NOCYCCNT). */
int gn_cycle_counter_available(void);
/** @brief Records CYCCNT as mark @p index (0 .. GN_CYCLE_MARKS_MAX-1). */
void gn_cycle_mark(int index);
/** @brief Prints the GN-CYCLES line for inference @p image and clears the marks. */
void gn_cycle_report(int32_t image);

#define GN_CYCLE_COUNTER_INIT() gn_cycle_counter_init()
#define GN_CYCLE_REPORT(image) gn_cycle_report(image)

#else

#define GN_CYCLE_COUNTER_INIT() ((void)0)
#define GN_CYCLE_REPORT(image) ((void)(image))

#endif /* GN_CYCLE_COUNTER */

#endif /* GN_CYCLE_COUNTER_H */
