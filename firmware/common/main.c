/*
 * Inference harness, shared by the firmware (gn_firmware.elf) and the host (gn_host_runner).
 *
 * Output protocol, one line each, decimal, single spaces:
 *   logits <i> <v0> <v1> ... <v9>      once per test image i = 0 .. GN_TEST_IMAGE_COUNT-1
 *   GN-CYCLES <i> <total> <c0> ...    per-layer DWT cycles (only with GN_CYCLE_COUNTER, gn_cycle_counter.h)
 *   GN-STACK <bytes>                   peak stack depth (firmware only)
 *   GN-DONE <count>                    sentinel: the run completed
 *   GN-ERROR infer <i> returned <rc>   when the model returns nonzero (exit status 2)
 * Exit status: 0 on success, GN_EXIT_INFER_FAILED if any inference failed.
 */
#include <stdint.h>

#include "gn_cycle_counter.h"
#include "gn_markers.h"
#include "gn_model.h"
#include "gn_platform.h"
#include "gn_test_data.h"

static int32_t gn_logits[GN_MODEL_NUM_CLASSES];

int main(void)
{
    int status = GN_EXIT_OK;
    int32_t i;
    int32_t j;
    GN_CYCLE_COUNTER_INIT();
    for (i = 0; i < GN_TEST_IMAGE_COUNT; ++i) {
        int rc;
        for (j = 0; j < GN_MODEL_NUM_CLASSES; ++j) {
            gn_logits[j] = 0;
        }
        gn_marker_begin();
        rc = GN_MODEL_INFER(gn_test_images[i], gn_logits);
        gn_marker_end();
        GN_CYCLE_REPORT(i);
        if (rc != 0) {
            gn_out_str("GN-ERROR infer ");
            gn_out_i32(i);
            gn_out_str(" returned ");
            gn_out_i32((int32_t)rc);
            gn_out_line_end();
            status = GN_EXIT_INFER_FAILED;
        }
        gn_out_str("logits ");
        gn_out_i32(i);
        for (j = 0; j < GN_MODEL_NUM_CLASSES; ++j) {
            gn_out_str(" ");
            gn_out_i32(gn_logits[j]);
        }
        gn_out_line_end();
    }
    if (gn_stack_peak_bytes() >= 0) {
        gn_out_str("GN-STACK ");
        gn_out_i32(gn_stack_peak_bytes());
        gn_out_line_end();
    }
    gn_out_str("GN-DONE ");
    gn_out_i32(GN_TEST_IMAGE_COUNT);
    gn_out_line_end();
    return status;
}
