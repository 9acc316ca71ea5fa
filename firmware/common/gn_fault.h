/**
 * @file gn_fault.h
 * @brief Fault reporting for every board: the HardFault / MemManage / BusFault / UsageFault
 *        vectors point at gn_fault_entry.
 *
 * Prints one line `FAULT ...` with the fault status registers (CFSR, HFSR, MMFAR, BFAR; ARMv7-M
 * and ARMv8-M Mainline only) and the stacked PC, LR and xPSR, then exits with GN_EXIT_FAULT.
 */
#ifndef GN_FAULT_H
#define GN_FAULT_H

#include <stdint.h>

/** @brief Exception entry: finds the stacked frame (MSP or PSP) and calls gn_fault_report. */
void gn_fault_entry(void);

/**
 * @brief Print the fault report and exit.
 * @param frame the exception stack frame: r0, r1, r2, r3, r12, lr, pc, xpsr
 */
__attribute__((noreturn)) void gn_fault_report(const uint32_t *frame);

#endif /* GN_FAULT_H */
