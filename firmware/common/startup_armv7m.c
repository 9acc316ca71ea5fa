/*
 * Start-up code shared by the ARMv7-M boards (Cortex-M3, M4, M7 under QEMU's mps2-an385/386/500).
 *
 * The vector table is a C array placed in section .isr_vector at address 0 (see gn_sections.ld).
 * Reset_Handler copies .data from flash to RAM, zeroes .bss, paints the stack for the peak-depth
 * report, and calls main(); main's return value becomes the semihosting exit status.
 * Every fault vector goes to gn_fault_entry (common/gn_fault.c), which prints CFSR, HFSR, MMFAR,
 * BFAR and the stacked PC/LR over semihosting and exits with a nonzero status.
 */
#include <stdint.h>

#include "gn_platform.h"
#include "gn_fault.h"
#include "semihosting.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern int main(void);

void Reset_Handler(void);
void Default_Handler(void);

/* Number of external interrupt lines wired by QEMU's mps2 board model (CMSDK peripherals). */
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
    /* Enable the separate MemManage/BusFault/UsageFault vectors (SCB->SHCSR), so a fault is
     * reported by its own exception rather than escalated to HardFault. */
    *(volatile uint32_t *)0xE000ED24u |= (1u << 16) | (1u << 17) | (1u << 18);
    gn_semihost_exit(main());
}

void Default_Handler(void)
{
    gn_semihost_write0("FATAL unexpected exception\n");
    gn_semihost_exit(GN_EXIT_FAULT);
}
