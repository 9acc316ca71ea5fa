/**
 * @file gn_markers.h
 * @brief Instruction-count markers around one inference.
 *
 * The QEMU plugin tools/qemu-plugin/gn_insn_count.so is given the addresses of these two
 * functions (from arm-none-eabi-nm); a segment counts the guest instructions executed from the
 * first instruction of gn_marker_begin (inclusive) to the first instruction of gn_marker_end
 * (exclusive). The functions are externally visible, never inlined, never merged with each other
 * (noipa) and write distinct values, so they have distinct addresses.
 */
#ifndef GN_MARKERS_H
#define GN_MARKERS_H

void gn_marker_begin(void);
void gn_marker_end(void);

#endif /* GN_MARKERS_H */
