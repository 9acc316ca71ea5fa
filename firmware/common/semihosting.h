/**
 * @file semihosting.h
 * @brief ARM semihosting (BKPT 0xAB on M-profile) for console output and the exit status.
 *
 * Works under QEMU with `-semihosting-config enable=on,target=native`. Without a debugger or
 * emulator attached, BKPT 0xAB halts or faults the core: this is an emulator-only facility.
 */
#ifndef GN_SEMIHOSTING_H
#define GN_SEMIHOSTING_H

#include <stdint.h>

/** Semihosting operation numbers (ARM "Semihosting for AArch32 and AArch64", v2). */
#define GN_SH_SYS_WRITE0        0x04u
#define GN_SH_SYS_EXIT          0x18u
#define GN_SH_SYS_EXIT_EXTENDED 0x20u
/** Reason code ADP_Stopped_ApplicationExit for SYS_EXIT / SYS_EXIT_EXTENDED. */
#define GN_SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u

/**
 * @brief Issue one semihosting call.
 * @param op  operation number (r0)
 * @param arg parameter (r1): a pointer to a parameter block or a value, depending on @p op
 * @return the host's result (r0)
 */
uint32_t gn_semihost_call(uint32_t op, uint32_t arg);

/** @brief Write a NUL-terminated string to the host console (SYS_WRITE0). */
void gn_semihost_write0(const char *text);

/**
 * @brief Stop the program; QEMU exits with @p status as its process exit code.
 *
 * Uses SYS_EXIT_EXTENDED (reason ApplicationExit, subcode = status). If the host does not
 * implement it, falls back to SYS_EXIT, which only distinguishes zero from nonzero.
 */
__attribute__((noreturn)) void gn_semihost_exit(int status);

#endif /* GN_SEMIHOSTING_H */
