/* Host platform for gn_host_runner: the same text as the firmware, through stdio. */
#include <inttypes.h>
#include <stdio.h>

#include "gn_platform.h"

void gn_out_str(const char *text) { fputs(text, stdout); }
void gn_out_i32(int32_t value) { printf("%" PRId32, value); }
void gn_out_hex32(uint32_t value) { printf("0x%08" PRIx32, value); }
void gn_out_line_end(void) { fputc('\n', stdout); }
void gn_stack_paint(void) {}
int32_t gn_stack_peak_bytes(void) { return -1; }
