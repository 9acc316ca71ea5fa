/*
 * gn_insn_count: QEMU 7.2 TCG plugin counting executed guest instructions exactly, in total and
 * per marked segment (one segment = one inference of the Group-Net firmware harness).
 *
 *   qemu-system-arm ... -plugin libgn_insn_count.so,begin=0xADDR,end=0xADDR,out=FILE
 *
 * begin / end are the addresses of gn_marker_begin / gn_marker_end (arm-none-eabi-nm; bit 0,
 * the Thumb bit, is ignored). A segment opens when the instruction at `begin` executes and closes
 * when the instruction at `end` executes; it counts the begin instruction and everything up to,
 * not including, the end instruction. At exit the plugin writes JSON to FILE:
 *   {"total": N, "segments": [n0, n1, ...]}
 *
 * Exactness: every instruction gets its own inline counter increment, emitted before the
 * instruction (not one add per translation block), so a block left early by an exception or a
 * semihosting call counts only the instructions that started. Marker instructions get a
 * callback instead of the inline add; the callback does the increment itself, so the order of
 * inline ops and callbacks inside QEMU does not matter. Single vCPU targets only (Cortex-M).
 *
 * Per-function attribution (optional): `ranges=FILE` names a text file with one address range per
 * line, `start end name` (hex or decimal; start inclusive, end exclusive, Thumb bit ignored; lines
 * starting with '#' and blank lines are skipped). Every instruction whose address lies in a range
 * gets a second inline add on that range's counter, so range counts are exact too. They count the
 * whole run (not only inside segments); JSON then also holds
 *   "ranges": {"name": n, ...}
 * in file order. Ranges may overlap (an instruction is counted in each range that holds it).
 *
 * Debian ships no qemu-plugin.h, so the few API declarations used are written out below; they
 * match include/qemu/qemu-plugin.h of QEMU v7.2.0 (QEMU_PLUGIN_VERSION 1).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- QEMU 7.2 plugin API (subset) ---------------------------------------------------------- */
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
#define QEMU_PLUGIN_VERSION 1

typedef uint64_t qemu_plugin_id_t;

typedef struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;

struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,
    QEMU_PLUGIN_CB_R_REGS,
    QEMU_PLUGIN_CB_RW_REGS,
};

enum qemu_plugin_op {
    QEMU_PLUGIN_INLINE_ADD_U64,
};

typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                                    void *userdata);
void qemu_plugin_outs(const char *string);

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* ---- plugin state -------------------------------------------------------------------------- */
static uint64_t gn_total;          /* instructions executed so far */
static uint64_t gn_begin_addr = UINT64_MAX;
static uint64_t gn_end_addr = UINT64_MAX;
static char *gn_out_path;

static bool gn_segment_open;
static uint64_t gn_segment_start;
static uint64_t *gn_segments;
static size_t gn_segment_count;
static size_t gn_segment_capacity;
static uint64_t gn_unmatched_ends;

typedef struct gn_range {
    uint64_t start; /* inclusive */
    uint64_t end;   /* exclusive */
    char *name;
    uint64_t count;
} gn_range;

static gn_range *gn_ranges;
static size_t gn_range_count;

static void gn_on_begin(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    (void)userdata;
    gn_segment_start = gn_total; /* segment includes this (begin) instruction */
    gn_segment_open = true;
    gn_total++;
}

static void gn_on_end(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    (void)userdata;
    if (gn_segment_open) {
        if (gn_segment_count == gn_segment_capacity) {
            size_t capacity = gn_segment_capacity == 0 ? 64 : gn_segment_capacity * 2;
            uint64_t *grown = realloc(gn_segments, capacity * sizeof *grown);
            if (grown == NULL) {
                qemu_plugin_outs("gn_insn_count: out of memory\n");
                abort();
            }
            gn_segments = grown;
            gn_segment_capacity = capacity;
        }
        gn_segments[gn_segment_count++] = gn_total - gn_segment_start; /* end insn excluded */
        gn_segment_open = false;
    } else {
        gn_unmatched_ends++;
    }
    gn_total++;
}

static void gn_on_tb_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    size_t i;
    (void)id;
    for (i = 0; i < n; ++i) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
        if (vaddr == gn_begin_addr) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, gn_on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
        } else if (vaddr == gn_end_addr) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, gn_on_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
        } else {
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &gn_total, 1);
        }
        for (size_t r = 0; r < gn_range_count; ++r) {
            if (vaddr >= gn_ranges[r].start && vaddr < gn_ranges[r].end) {
                qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                           &gn_ranges[r].count, 1);
            }
        }
    }
}

static void gn_on_exit(qemu_plugin_id_t id, void *userdata)
{
    FILE *out;
    size_t i;
    (void)id;
    (void)userdata;
    if (gn_out_path == NULL) {
        char line[64];
        snprintf(line, sizeof line, "gn_insn_count: total %" PRIu64 "\n", gn_total);
        qemu_plugin_outs(line);
        return;
    }
    out = fopen(gn_out_path, "w");
    if (out == NULL) {
        qemu_plugin_outs("gn_insn_count: cannot open output file\n");
        return;
    }
    fprintf(out, "{\"total\": %" PRIu64 ", \"segments\": [", gn_total);
    for (i = 0; i < gn_segment_count; ++i) {
        fprintf(out, "%s%" PRIu64, i == 0 ? "" : ", ", gn_segments[i]);
    }
    fprintf(out, "], \"open_segment\": %s, \"unmatched_ends\": %" PRIu64,
            gn_segment_open ? "true" : "false", gn_unmatched_ends);
    if (gn_range_count > 0) {
        fprintf(out, ", \"ranges\": {");
        for (i = 0; i < gn_range_count; ++i) {
            fprintf(out, "%s\"%s\": %" PRIu64, i == 0 ? "" : ", ", gn_ranges[i].name, gn_ranges[i].count);
        }
        fprintf(out, "}");
    }
    fprintf(out, "}\n");
    fclose(out);
}

static bool gn_parse_address(const char *text, uint64_t *value)
{
    char *end = NULL;
    unsigned long long parsed = strtoull(text, &end, 0);
    if (end == text || *end != '\0') {
        return false;
    }
    *value = (uint64_t)parsed & ~(uint64_t)1; /* drop the Thumb bit */
    return true;
}

/* Reads `start end name` lines; names are kept to JSON-safe characters [A-Za-z0-9_.$-]. */
static bool gn_load_ranges(const char *path)
{
    FILE *in = fopen(path, "r");
    char line[512];
    if (in == NULL) {
        return false;
    }
    while (fgets(line, sizeof line, in) != NULL) {
        char start_text[64], end_text[64], name[256];
        uint64_t start, end;
        const char *c;
        if (line[0] == '#' || sscanf(line, "%63s %63s %255s", start_text, end_text, name) != 3) {
            continue;
        }
        if (!gn_parse_address(start_text, &start) || !gn_parse_address(end_text, &end) || end <= start) {
            fclose(in);
            return false;
        }
        for (c = name; *c != '\0'; ++c) {
            if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                  *c == '_' || *c == '.' || *c == '$' || *c == '-')) {
                fclose(in);
                return false;
            }
        }
        gn_range *grown = realloc(gn_ranges, (gn_range_count + 1) * sizeof *grown);
        if (grown == NULL) {
            fclose(in);
            return false;
        }
        gn_ranges = grown;
        gn_ranges[gn_range_count].start = start;
        gn_ranges[gn_range_count].end = end;
        gn_ranges[gn_range_count].name = strdup(name);
        gn_ranges[gn_range_count].count = 0;
        if (gn_ranges[gn_range_count].name == NULL) {
            fclose(in);
            return false;
        }
        gn_range_count++;
    }
    fclose(in);
    return true;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    int i;
    if (info->system_emulation && info->system.smp_vcpus > 1) {
        qemu_plugin_outs("gn_insn_count: only single-vCPU machines are supported\n");
        return -1;
    }
    for (i = 0; i < argc; ++i) {
        const char *arg = argv[i];
        bool ok;
        if (strncmp(arg, "begin=", 6) == 0) {
            ok = gn_parse_address(arg + 6, &gn_begin_addr);
        } else if (strncmp(arg, "end=", 4) == 0) {
            ok = gn_parse_address(arg + 4, &gn_end_addr);
        } else if (strncmp(arg, "out=", 4) == 0) {
            free(gn_out_path);
            gn_out_path = strdup(arg + 4);
            ok = gn_out_path != NULL;
        } else if (strncmp(arg, "ranges=", 7) == 0) {
            ok = gn_load_ranges(arg + 7);
        } else {
            ok = false;
        }
        if (!ok) {
            char line[256];
            snprintf(line, sizeof line, "gn_insn_count: bad argument '%s' (expected begin=0xADDR,"
                     "end=0xADDR,out=FILE[,ranges=FILE])\n", arg);
            qemu_plugin_outs(line);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, gn_on_tb_translate);
    qemu_plugin_register_atexit_cb(id, gn_on_exit, NULL);
    return 0;
}
