/*
 * Bare-metal platform: integer formatting into a line buffer, emitted with one SYS_WRITE0 per
 * line (each semihosting call leaves the translated code, so fewer calls run faster).
 */
#include "gn_platform.h"
#include "semihosting.h"

#define GN_LINE_CAPACITY 256u
#define GN_STACK_PAINT 0xC5C5C5C5u

static char gn_line[GN_LINE_CAPACITY];
static uint32_t gn_line_len;

static void gn_out_char(char c)
{
    if (gn_line_len + 2u >= GN_LINE_CAPACITY) { /* keep room for '\n' and NUL */
        gn_line[gn_line_len] = '\0';
        gn_semihost_write0(gn_line);
        gn_line_len = 0u;
    }
    gn_line[gn_line_len++] = c;
}

void gn_out_str(const char *text)
{
    while (*text != '\0') {
        gn_out_char(*text++);
    }
}

void gn_out_i32(int32_t value)
{
    char digits[11];
    uint32_t n = 0u;
    /* Negate in unsigned arithmetic so INT32_MIN is printed correctly. */
    uint32_t magnitude = value < 0 ? 0u - (uint32_t)value : (uint32_t)value;
    if (value < 0) {
        gn_out_char('-');
    }
    do {
        digits[n++] = (char)('0' + (magnitude % 10u));
        magnitude /= 10u;
    } while (magnitude != 0u);
    while (n > 0u) {
        gn_out_char(digits[--n]);
    }
}

void gn_out_hex32(uint32_t value)
{
    static const char hex[] = "0123456789abcdef";
    int shift;
    gn_out_str("0x");
    for (shift = 28; shift >= 0; shift -= 4) {
        gn_out_char(hex[(value >> shift) & 0xFu]);
    }
}

void gn_out_line_end(void)
{
    gn_line[gn_line_len++] = '\n';
    gn_line[gn_line_len] = '\0';
    gn_semihost_write0(gn_line);
    gn_line_len = 0u;
}

/* Stack bounds from the linker script: the stack is the top GN_STACK_SIZE bytes of RAM. */
extern uint32_t _sstack, _estack;

void gn_stack_paint(void)
{
    volatile uint32_t marker = 0u;
    /* Leave 64 bytes below the caller's frame untouched: they are in use right now. */
    uint32_t *limit = (uint32_t *)((uintptr_t)&marker - 64u);
    uint32_t *p;
    for (p = &_sstack; p < limit; ++p) {
        *p = GN_STACK_PAINT;
    }
    (void)marker;
}

int32_t gn_stack_peak_bytes(void)
{
    const uint32_t *p = &_sstack;
    while (p < &_estack && *p == GN_STACK_PAINT) {
        ++p;
    }
    return (int32_t)((uintptr_t)&_estack - (uintptr_t)p);
}
