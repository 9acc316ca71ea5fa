#include "gn_fault.h"
#include "gn_platform.h"
#include "semihosting.h"

/* Written in Thumb-1 instructions so one entry serves ARMv6-M (M0) to ARMv8.1-M (M55). */
__attribute__((naked)) void gn_fault_entry(void)
{
    __asm__ volatile(
        "movs r0, #4          \n" /* EXC_RETURN bit 2: 0 = main stack, 1 = process stack */
        "mov  r1, lr          \n"
        "tst  r0, r1          \n"
        "beq  1f              \n"
        "mrs  r0, psp         \n"
        "b    2f              \n"
        "1: mrs r0, msp       \n"
        "2: ldr r1, =gn_fault_report \n"
        "bx   r1              \n"
        ".ltorg               \n");
}

void gn_fault_report(const uint32_t *frame)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    gn_out_str("FAULT exception ");
    gn_out_i32((int32_t)(ipsr & 0x1FFu));
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) \
    || defined(__ARM_ARCH_8_1M_MAIN__)
    gn_out_str(" CFSR ");
    gn_out_hex32(*(volatile const uint32_t *)0xE000ED28u);
    gn_out_str(" HFSR ");
    gn_out_hex32(*(volatile const uint32_t *)0xE000ED2Cu);
    gn_out_str(" MMFAR ");
    gn_out_hex32(*(volatile const uint32_t *)0xE000ED34u);
    gn_out_str(" BFAR ");
    gn_out_hex32(*(volatile const uint32_t *)0xE000ED38u);
#endif
    gn_out_str(" PC ");
    gn_out_hex32(frame[6]);
    gn_out_str(" LR ");
    gn_out_hex32(frame[5]);
    gn_out_str(" xPSR ");
    gn_out_hex32(frame[7]);
    gn_out_line_end();
    gn_semihost_exit(GN_EXIT_FAULT);
}
