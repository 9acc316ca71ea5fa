/**
 * @file gn_platform.h
 * @brief What the harness (main.c) needs from the platform: line output, exit, stack report.
 *
 * Two implementations, chosen by the build:
 *  - gn_platform_semihost.c: bare-metal firmware, output and exit status over semihosting,
 *    no printf and no heap;
 *  - gn_platform_host.c: gn_host_runner on the build machine, stdio printf.
 * Both produce byte-identical text for the same calls.
 */
#ifndef GN_PLATFORM_H
#define GN_PLATFORM_H

#include <stdint.h>

/** Exit statuses of the harness (the QEMU / host process exit code). */
#define GN_EXIT_OK           0
#define GN_EXIT_INFER_FAILED 2
#define GN_EXIT_FAULT        3

/** @brief Append a NUL-terminated string to the current output line. */
void gn_out_str(const char *text);
/** @brief Append a signed decimal integer ('-' for negatives, no padding). */
void gn_out_i32(int32_t value);
/** @brief Append an unsigned hexadecimal integer as 0x%08x. */
void gn_out_hex32(uint32_t value);
/** @brief Terminate the current line with '\n' and emit it. */
void gn_out_line_end(void);

/**
 * @brief Fill the stack region below the current stack pointer with a known pattern.
 * Called by the reset handler; a no-op on the host.
 */
void gn_stack_paint(void);
/**
 * @brief Deepest stack use since gn_stack_paint(), in bytes; -1 where not measurable (host).
 */
int32_t gn_stack_peak_bytes(void);

#endif /* GN_PLATFORM_H */
