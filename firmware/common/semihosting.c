#include "semihosting.h"

uint32_t gn_semihost_call(uint32_t op, uint32_t arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register uint32_t r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void gn_semihost_write0(const char *text)
{
    gn_semihost_call(GN_SH_SYS_WRITE0, (uint32_t)(uintptr_t)text);
}

void gn_semihost_exit(int status)
{
    uint32_t block[2];
    block[0] = GN_SH_ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)status;
    gn_semihost_call(GN_SH_SYS_EXIT_EXTENDED, (uint32_t)(uintptr_t)block);
    /* Fallback for hosts without SYS_EXIT_EXTENDED: AArch32 SYS_EXIT takes the reason code in
     * r1; any reason other than ApplicationExit is reported as failure. */
    gn_semihost_call(GN_SH_SYS_EXIT,
                     status == 0 ? GN_SH_ADP_STOPPED_APPLICATION_EXIT : 0x20023u /* RunTimeErrorUnknown */);
    for (;;) {
    }
}
