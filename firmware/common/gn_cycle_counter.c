/*
 * DWT cycle counter (ARMv7-M / ARMv8-M Architecture Reference Manual, "Data Watchpoint and
 * Trace unit"): DEMCR.TRCENA powers the DWT, DWT_CTRL.CYCCNTENA starts CYCCNT, which counts core
 * clock cycles. The addresses are architectural, identical on M3, M4, M7, M33 and M55.
 */
#include "gn_cycle_counter.h"

#ifdef GN_CYCLE_COUNTER

#include "gn_platform.h"

#define GN_DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define GN_DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define GN_DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)
/* CoreSight lock access register: some Cortex-M7 parts ignore DWT writes until it is unlocked. */
#define GN_DWT_LAR (*(volatile uint32_t *)0xE0001FB0u)

#define GN_DEMCR_TRCENA (1u << 24)
#define GN_DWT_CTRL_CYCCNTENA (1u << 0)
#define GN_DWT_CTRL_NOCYCCNT (1u << 25)

static uint32_t gn_cycle_marks[GN_CYCLE_MARKS_MAX];
static int gn_cycle_mark_count;
static int gn_cycle_available;

#if defined(__ARM_ARCH_6M__) || !defined(__arm__)
/* ARMv6-M (Cortex-M0/M0+) has no CYCCNT; the host has no DWT. */
void gn_cycle_counter_init(void) { gn_cycle_available = 0; }
#else
void gn_cycle_counter_init(void)
{
    GN_DEMCR |= GN_DEMCR_TRCENA;
    GN_DWT_LAR = 0xC5ACCE55u;
    gn_cycle_available = (GN_DWT_CTRL & GN_DWT_CTRL_NOCYCCNT) == 0u;
    if (gn_cycle_available) {
        GN_DWT_CYCCNT = 0u;
        GN_DWT_CTRL |= GN_DWT_CTRL_CYCCNTENA;
    }
}
#endif

/* Unsigned decimal (gn_out_i32 is signed; a 32-bit count may exceed INT32_MAX). */
static void gn_cycle_out_u32(uint32_t value)
{
    char text[11];
    int n = 10;
    text[n] = '\0';
    do {
        text[--n] = (char)('0' + (value % 10u));
        value /= 10u;
    } while (value != 0u);
    gn_out_str(&text[n]);
}

int gn_cycle_counter_available(void) { return gn_cycle_available; }

void gn_cycle_mark(int index)
{
    if (!gn_cycle_available || index < 0 || index >= GN_CYCLE_MARKS_MAX) {
        return;
    }
#if defined(__ARM_ARCH_6M__) || !defined(__arm__)
    gn_cycle_marks[index] = 0u;
#else
    gn_cycle_marks[index] = GN_DWT_CYCCNT;
#endif
    if (index + 1 > gn_cycle_mark_count) {
        gn_cycle_mark_count = index + 1;
    }
}

void gn_cycle_report(int32_t image)
{
    int i;
    uint32_t total = 0u;
    if (!gn_cycle_available || gn_cycle_mark_count < 2) {
        gn_cycle_mark_count = 0;
        return;
    }
    for (i = 1; i < gn_cycle_mark_count; ++i) {
        total += gn_cycle_marks[i] - gn_cycle_marks[i - 1];
    }
    gn_out_str("GN-CYCLES ");
    gn_out_i32(image);
    gn_out_str(" ");
    gn_cycle_out_u32(total);
    for (i = 1; i < gn_cycle_mark_count; ++i) {
        gn_out_str(" ");
        gn_cycle_out_u32(gn_cycle_marks[i] - gn_cycle_marks[i - 1]);
    }
    gn_out_line_end();
    gn_cycle_mark_count = 0;
}

#endif /* GN_CYCLE_COUNTER */

#ifndef GN_CYCLE_COUNTER
/* ISO C wants at least one declaration in a translation unit. */
typedef int gn_cycle_counter_disabled_t;
#endif
