/*
 * Self-test for the instruction-counting plugin (tools/qemu-plugin/gn_insn_count.c).
 *
 * Runs five marked segments of different, data-dependent lengths: loops whose trip counts and
 * branch directions depend on a pseudo-random sequence, calls, and a multiply/divide mix, so
 * translation blocks end early and are re-entered at different points. Its instruction counts
 * are compared against QEMU's single-step execution trace (see tools/qemu-plugin/README.md).
 */
#include <stdint.h>

#include "gn_markers.h"
#include "gn_platform.h"

static uint32_t gn_lcg(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

__attribute__((noinline)) static uint32_t gn_work(uint32_t seed, uint32_t rounds)
{
    uint32_t state = seed;
    uint32_t acc = 0u;
    uint32_t r;
    for (r = 0u; r < rounds; ++r) {
        uint32_t v = gn_lcg(&state);
        if ((v & 3u) == 0u) {
            acc += v / ((r & 7u) + 1u);
        } else if ((v & 3u) == 1u) {
            acc ^= v * 2654435761u;
        } else {
            uint32_t k;
            for (k = 0u; k < (v & 15u); ++k) {
                acc = (acc << 1) | (acc >> 31);
            }
        }
    }
    return acc;
}

int main(void)
{
    static const uint32_t rounds[5] = {0u, 1u, 10u, 100u, 1000u};
    uint32_t checksum = 0u;
    int i;
    for (i = 0; i < 5; ++i) {
        uint32_t result;
        gn_marker_begin();
        result = gn_work(0x1234u + (uint32_t)i, rounds[i]);
        gn_marker_end();
        checksum += result;
        /* One "logits" line per segment keeps the harness's output contract. */
        gn_out_str("logits ");
        gn_out_i32(i);
        gn_out_str(" ");
        gn_out_i32((int32_t)(result & 0x7fffffffu));
        gn_out_line_end();
    }
    gn_out_str("selftest checksum ");
    gn_out_hex32(checksum);
    gn_out_line_end();
    gn_out_str("GN-DONE 5");
    gn_out_line_end();
    return 0;
}
