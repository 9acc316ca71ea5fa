#include "gn_markers.h"

/* Observable side effect so neither body is empty or identical to the other. */
volatile int gn_marker_state;

__attribute__((noinline, noipa, used)) void gn_marker_begin(void) { gn_marker_state = 1; }
__attribute__((noinline, noipa, used)) void gn_marker_end(void) { gn_marker_state = 2; }
