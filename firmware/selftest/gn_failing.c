/*
 * Deliberately failing firmware, for the tests that a broken image fails the emulator test with a
 * clear message instead of passing or waiting forever. Prints well-formed logits lines for images
 * 0 and 1, then at image 2 does what GN_FAILURE_MODE says:
 *   1  fault:   executes a permanently undefined instruction (UDF): UsageFault on ARMv7-M/ARMv8-M,
 *               HardFault on ARMv6-M; the fault handler (common/gn_fault.c) prints its FAULT line
 *   2  hang:    spins forever (the runner's time-out must end it)
 *   3  garbage: prints a corrupted logits line and then a sentinel, as memory corruption might
 */
#include <stdint.h>

#include "gn_platform.h"

#ifndef GN_FAILURE_MODE
#error "define GN_FAILURE_MODE: 1 fault, 2 hang, 3 garbage"
#endif

static void gn_print_logits(int32_t image)
{
    int32_t j;
    gn_out_str("logits ");
    gn_out_i32(image);
    for (j = 0; j < 10; ++j) {
        gn_out_str(" ");
        gn_out_i32(image * 10 + j);
    }
    gn_out_line_end();
}

int main(void)
{
    gn_print_logits(0);
    gn_print_logits(1);
#if GN_FAILURE_MODE == 1
    __asm__ volatile("udf #0");
#elif GN_FAILURE_MODE == 2
    for (;;) {
        __asm__ volatile("nop");
    }
#else
    gn_out_str("logits 2 17 0x1f ~~ 4");
    gn_out_line_end();
#endif
    gn_out_str("GN-DONE 3");
    gn_out_line_end();
    return 0;
}
