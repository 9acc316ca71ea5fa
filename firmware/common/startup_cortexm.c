/*
 * Start-up code shared by every board: ARMv6-M (Cortex-M0, QEMU microbit), ARMv7-M (M3, M4, M7,
 * QEMU mps2-an385/386/500) and ARMv8-M mainline (M33 mps2-an505, M55 mps3-an547; both reset in
 * Secure state with the SAU disabled, so all memory is Secure and nothing needs setting up).
 *
 * The vector table is a C array placed in section .isr_vector at address 0 (see gn_sections.ld).
 * Reset_Handler copies .data from flash to RAM, zeroes .bss, paints the stack for the peak-depth
 * report, and calls main(); main's return value becomes the semihosting exit status.
 * Every fault vector goes to gn_fault_entry (common/gn_fault.c), which prints the stacked PC/LR
 * (plus CFSR, HFSR, MMFAR and BFAR where the architecture has them) over semihosting and exits
 * with a nonzero status. On ARMv6-M entries 4-6 and 12 are reserved; the core never takes them.
 * The stack is the linker script's STACK region (_sstack.._estack), the top of the part's RAM.
 */
#include <stdint.h>

#include "gn_platform.h"
#include "gn_fault.h"
#include "semihosting.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern int main(void);

void Reset_Handler(void);
void Default_Handler(void);

/* External interrupt vectors in the table. None is used (the firmware polls nothing and enables
 * no interrupt); 32 covers the nRF51's and the CMSDK peripherals' first lines. */
#define GN_BOARD_EXTERNAL_IRQS 32

typedef void (*gn_vector_t)(void);

__attribute__((section(".isr_vector"), used))
const gn_vector_t gn_vector_table[16 + GN_BOARD_EXTERNAL_IRQS] = {
    (gn_vector_t)(uintptr_t)&_estack, /* 0: initial main stack pointer */
    Reset_Handler,                    /* 1: reset */
    Default_Handler,                  /* 2: NMI */
    gn_fault_entry,                   /* 3: HardFault */
    gn_fault_entry,                   /* 4: MemManage */
    gn_fault_entry,                   /* 5: BusFault */
    gn_fault_entry,                   /* 6: UsageFault */
    0, 0, 0, 0,                       /* 7-10: reserved */
    Default_Handler,                  /* 11: SVCall */
    Default_Handler,                  /* 12: DebugMonitor */
    0,                                /* 13: reserved */
    Default_Handler,                  /* 14: PendSV */
    Default_Handler,                  /* 15: SysTick */
    /* 16..47: external interrupts, none used (C99 has no range initialiser). */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
};

void Reset_Handler(void)
{
    const uint32_t *src = &_sidata;
    uint32_t *dst = &_sdata;
    while (dst < &_edata) {
        *dst++ = *src++;
    }
    for (dst = &_sbss; dst < &_ebss; ++dst) {
        *dst = 0u;
    }
    gn_stack_paint();
#if !defined(__ARM_ARCH_6M__)
    /* Enable the separate MemManage/BusFault/UsageFault vectors (SCB->SHCSR), so a fault is
     * reported by its own exception rather than escalated to HardFault. ARMv6-M has no such
     * bits (its SHCSR is debug-only): every fault there is a HardFault. */
    *(volatile uint32_t *)0xE000ED24u |= (1u << 16) | (1u << 17) | (1u << 18);
#endif
    gn_semihost_exit(main());
}

void Default_Handler(void)
{
    gn_semihost_write0("FATAL unexpected exception\n");
    gn_semihost_exit(GN_EXIT_FAULT);
}
