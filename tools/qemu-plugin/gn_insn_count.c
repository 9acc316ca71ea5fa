/*
 * gn_insn_count: QEMU 7.2 TCG plugin counting executed guest instructions exactly, in total and
 * per marked segment (one segment = one inference of the Group-Net firmware harness), with an
 * optional per-function split and an instruction-class histogram (Thumb/Thumb-2 decoder below).
 *
 *   qemu-system-arm ... -plugin libgn_insn_count.so,begin=0xADDR,end=0xADDR,out=FILE[,ranges=FILE]
 *
 * begin / end are the addresses of gn_marker_begin / gn_marker_end (arm-none-eabi-nm; bit 0,
 * the Thumb bit, is ignored). A segment opens when the instruction at `begin` executes and closes
 * when the instruction at `end` executes; it counts the begin instruction and everything up to,
 * not including, the end instruction. At exit the plugin writes JSON to FILE:
 *   {"total": N, "segments": [n0, n1, ...], "open_segment": b, "unmatched_ends": n,
 *    ["ranges": {"name": n, ...},]  "classes": {...}, "buckets": [...]}
 * (see README.md for the buckets / classes layout).
 *
 * Exactness: every instruction gets its own inline counter increments, emitted before the
 * instruction (not one add per translation block), so a block left early by an exception or a
 * semihosting call counts only the instructions that started. Marker instructions get a
 * callback instead of the inline adds; the callback does the increments itself, so the order of
 * inline ops and callbacks inside QEMU does not matter. Single vCPU targets only (Cortex-M).
 *
 * Per-function attribution (optional): `ranges=FILE` names a text file with one address range per
 * line, `start end name` (hex or decimal; start inclusive, end exclusive, Thumb bit ignored; lines
 * starting with '#' and blank lines are skipped). Every instruction whose address lies in a range
 * is counted in that range, so range counts are exact too. "ranges" counts the whole run; the
 * "buckets" also hold the counts inside segments only (counters snapshotted at the begin marker
 * and differenced at the end marker). Ranges may overlap (an instruction is counted in each range
 * that holds it); instructions in no range go to the "(outside ranges)" bucket, so for
 * non-overlapping ranges the range buckets plus "(outside ranges)" sum exactly to "(all)".
 *
 * Conditional branches (B<cond>, CBZ/CBNZ, and branches made conditional by an IT block) are
 * split into taken / not taken: a conditional branch always ends QEMU's translation block, so
 * the next instruction executed is the first of a block; a callback there compares its address
 * with the branch's fall-through address. (An exception taken right after the branch would be
 * seen as "taken"; the firmware takes none during inference.)
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
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                                    void *userdata);
void qemu_plugin_outs(const char *string);

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* ---- instruction classes ------------------------------------------------------------------- */
enum gn_class {
    GN_ALU,            /* data processing, moves, compares, shifts, extends, bit fields, CLZ, REV, SIMD add/sub */
    GN_MUL,            /* 32-bit result multiplies / MACs: MUL MLA MLS SMULxy SMLAxy SMULW SMLAD SMUAD SMMUL USAD8 ... */
    GN_MUL_LONG,       /* 64-bit result: SMULL UMULL SMLAL UMLAL SMLALxy SMLALD UMAAL */
    GN_DIV,            /* SDIV UDIV */
    GN_LOAD,           /* LDR LDRB LDRH LDRSB LDRSH LDRD LDREX*, literal loads */
    GN_STORE,          /* STR STRB STRH STRD STREX* */
    GN_LDM,            /* LDM, POP (also POP {..., pc}) */
    GN_STM,            /* STM, PUSH */
    GN_BRANCH,         /* unconditional: B BL BLX BX TBB TBH, MOV/ADD pc */
    GN_BRANCH_TAKEN,   /* conditional branch, taken */
    GN_BRANCH_NOT_TAKEN, /* conditional branch, not taken */
    GN_OTHER,          /* IT, hints (NOP ...), barriers, MRS/MSR, CPS, SVC, BKPT, UDF, coprocessor / FP */
    GN_CLASS_COUNT
};

static const char *const gn_class_names[GN_CLASS_COUNT] = {
    "alu", "mul", "mul_long", "div", "load", "store", "ldm", "stm",
    "branch", "branch_cond_taken", "branch_cond_not_taken", "other",
};

/* Counter slots of one bucket: instructions, one per class, then two auxiliary counts. */
enum {
    GN_SLOT_INSNS = 0,
    GN_SLOT_CLASS0 = 1,
    GN_SLOT_TRANSFER_REGS = GN_SLOT_CLASS0 + GN_CLASS_COUNT, /* registers moved by LDM/STM/PUSH/POP */
    GN_SLOT_PC_LOADS,                                         /* LDM/POP/LDR that load pc (returns) */
    GN_SLOTS
};

/* Bucket 0: every instruction; bucket 1: instructions in no range; bucket 2 + r: range r. */
#define GN_BUCKET_ALL 0
#define GN_BUCKET_OUTSIDE 1
#define GN_BUCKET_RANGE0 2

typedef struct gn_decoded {
    enum gn_class cls;   /* GN_BRANCH_TAKEN stands for "conditional branch" before resolution */
    uint32_t transfer_regs;
    bool pc_load;
} gn_decoded;

static unsigned gn_popcount16(uint32_t v) { return (unsigned)__builtin_popcount(v & 0xFFFFu); }

/* Decodes one Thumb / Thumb-2 instruction (ARMv6-M / ARMv7-M / ARMv8-M encodings, ARM ARM A5/A6
 * "Thumb instruction set encoding"). `in_it_cond`: inside an IT block whose condition is not AL. */
static gn_decoded gn_decode(const uint8_t *bytes, size_t size, bool in_it_cond)
{
    gn_decoded d = { GN_OTHER, 0, false };
    uint32_t hw1 = (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8);
    enum gn_class branch = in_it_cond ? GN_BRANCH_TAKEN : GN_BRANCH;
    if (size == 2) {
        if ((hw1 & 0xC000) == 0x0000) {                 /* 00xxxx shift/add/sub/mov/cmp imm */
            d.cls = GN_ALU;
        } else if ((hw1 & 0xFC00) == 0x4000) {          /* 010000 data processing register */
            d.cls = (hw1 & 0xFFC0) == 0x4340 ? GN_MUL : GN_ALU;
        } else if ((hw1 & 0xFC00) == 0x4400) {          /* 010001 special data / BX / BLX */
            uint32_t op = (hw1 >> 8) & 3;
            uint32_t rd = ((hw1 >> 4) & 8) | (hw1 & 7);
            if (op == 3) {
                d.cls = branch;                          /* BX / BLX */
            } else if (op != 1 && rd == 15) {
                d.cls = branch;                          /* ADD pc / MOV pc */
            } else {
                d.cls = GN_ALU;
            }
        } else if ((hw1 & 0xF800) == 0x4800) {          /* LDR literal */
            d.cls = GN_LOAD;
        } else if ((hw1 & 0xF000) == 0x5000) {          /* load/store register offset */
            d.cls = ((hw1 >> 9) & 7) <= 2 ? GN_STORE : GN_LOAD;
        } else if ((hw1 & 0xE000) == 0x6000 || (hw1 & 0xF000) == 0x8000 || (hw1 & 0xF000) == 0x9000) {
            d.cls = (hw1 & 0x0800) ? GN_LOAD : GN_STORE; /* LDR/STR(B) imm, LDRH/STRH imm, SP-relative */
        } else if ((hw1 & 0xF000) == 0xA000) {          /* ADR, ADD rd, sp, #imm */
            d.cls = GN_ALU;
        } else if ((hw1 & 0xF000) == 0xB000) {          /* miscellaneous 16-bit */
            if ((hw1 & 0xF500) == 0xB100) {
                d.cls = GN_BRANCH_TAKEN;                 /* CBZ / CBNZ (conditional) */
            } else if ((hw1 & 0xFE00) == 0xB400) {
                d.cls = GN_STM;                          /* PUSH */
                d.transfer_regs = (unsigned)__builtin_popcount(hw1 & 0xFF) + ((hw1 >> 8) & 1);
            } else if ((hw1 & 0xFE00) == 0xBC00) {
                d.cls = GN_LDM;                          /* POP */
                d.transfer_regs = (unsigned)__builtin_popcount(hw1 & 0xFF) + ((hw1 >> 8) & 1);
                d.pc_load = (hw1 >> 8) & 1;
            } else if ((hw1 & 0xFF00) == 0xB000 || (hw1 & 0xFF00) == 0xB200 || (hw1 & 0xFF00) == 0xBA00) {
                d.cls = GN_ALU;                          /* ADD/SUB sp, extend, REV */
            } else {
                d.cls = GN_OTHER;                        /* CPS, BKPT, IT, hints */
            }
        } else if ((hw1 & 0xF000) == 0xC000) {          /* STM / LDM */
            d.cls = (hw1 & 0x0800) ? GN_LDM : GN_STM;
            d.transfer_regs = (unsigned)__builtin_popcount(hw1 & 0xFF);
        } else if ((hw1 & 0xF000) == 0xD000) {          /* B<cond>, UDF, SVC */
            uint32_t cond = (hw1 >> 8) & 0xF;
            d.cls = cond >= 0xE ? GN_OTHER : GN_BRANCH_TAKEN;
        } else if ((hw1 & 0xF800) == 0xE000) {          /* B */
            d.cls = branch;
        }
        return d;
    }
    uint32_t hw2 = (uint32_t)bytes[2] | ((uint32_t)bytes[3] << 8);
    uint32_t op1 = (hw1 >> 11) & 3;
    if (op1 == 1) {
        if ((hw1 & 0xFE40) == 0xE800) {                 /* load/store multiple (and RFE/SRS) */
            uint32_t op = (hw1 >> 7) & 3;
            if (op == 1 || op == 2) {
                bool load = (hw1 >> 4) & 1;
                d.cls = load ? GN_LDM : GN_STM;
                d.transfer_regs = gn_popcount16(hw2);
                d.pc_load = load && (hw2 & 0x8000);
            }
        } else if ((hw1 & 0xFE40) == 0xE840) {          /* dual / exclusive / table branch */
            if ((hw1 & 0xFFF0) == 0xE8D0 && (hw2 & 0xFFE0) == 0xF000) {
                d.cls = branch;                          /* TBB / TBH */
            } else {
                d.cls = (hw1 & 0x0010) ? GN_LOAD : GN_STORE;
            }
        } else if ((hw1 & 0xFE00) == 0xEA00) {          /* data processing, shifted register */
            d.cls = GN_ALU;
        } else {
            d.cls = GN_OTHER;                            /* coprocessor, FP */
        }
    } else if (op1 == 2) {
        if ((hw2 & 0x8000) == 0) {
            d.cls = GN_ALU;                              /* data processing, (modified) immediate */
        } else {
            uint32_t op = (hw2 >> 12) & 7;
            if ((op & 5) == 0) {                         /* 0x0: B<cond> T3 or misc control */
                d.cls = ((hw1 >> 7) & 7) == 7 ? GN_OTHER : GN_BRANCH_TAKEN;
            } else if (op == 2 && (hw1 & 0xFFF0) == 0xF7F0) {
                d.cls = GN_OTHER;                        /* UDF */
            } else {
                d.cls = branch;                          /* B T4, BL, BLX */
            }
        }
    } else {                                             /* op1 == 3 */
        if ((hw1 & 0xFF10) == 0xF800) {
            d.cls = GN_STORE;                            /* store single */
        } else if ((hw1 & 0xFE10) == 0xF810 || (hw1 & 0xFE70) == 0xF850) {
            uint32_t rt = (hw2 >> 12) & 0xF;
            bool word = (hw1 & 0xFE70) == 0xF850;
            if (rt == 15 && !word) {
                d.cls = GN_OTHER;                        /* PLD / PLI hints */
            } else {
                d.cls = GN_LOAD;
                d.pc_load = rt == 15;
            }
        } else if ((hw1 & 0xFF00) == 0xFA00) {
            d.cls = GN_ALU;                              /* data processing register, SIMD add/sub */
        } else if ((hw1 & 0xFF80) == 0xFB00) {
            d.cls = GN_MUL;                              /* multiply, MAC, absolute difference */
        } else if ((hw1 & 0xFF80) == 0xFB80) {
            uint32_t op = (hw1 >> 4) & 7;
            d.cls = (op == 1 || op == 3) ? GN_DIV : GN_MUL_LONG;
        } else {
            d.cls = GN_OTHER;                            /* coprocessor, FP */
        }
    }
    return d;
}

/* ---- plugin state -------------------------------------------------------------------------- */
static uint64_t gn_begin_addr = UINT64_MAX;
static uint64_t gn_end_addr = UINT64_MAX;
static char *gn_out_path;

static bool gn_segment_open;
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

static size_t gn_bucket_count;
static uint64_t *gn_counters;   /* [bucket][slot], whole run */
static uint64_t *gn_snapshot;   /* counters at the open segment's begin instruction */
static uint64_t *gn_in_segments; /* [bucket][slot], summed over closed segments */

#define GN_COUNTER(b, s) (gn_counters[(size_t)(b) * GN_SLOTS + (s)])
#define GN_TOTAL GN_COUNTER(GN_BUCKET_ALL, GN_SLOT_INSNS)

enum {
    GN_F_BEGIN = 1,
    GN_F_END = 2,
    GN_F_TB_START = 4,
    GN_F_COND_BRANCH = 8,
};

/* Per translated instruction that needs a callback (markers, block starts, conditional branches). */
typedef struct gn_insn_info {
    uint64_t vaddr;
    uint64_t fallthrough;
    unsigned flags;
    gn_decoded decoded;
    size_t bucket_count;
    size_t buckets[]; /* bucket indexes holding this instruction */
} gn_insn_info;

static const gn_insn_info *gn_pending_branch; /* conditional branch waiting for its outcome */

static void gn_count_in(const gn_insn_info *info, size_t slot, uint64_t n)
{
    for (size_t i = 0; i < info->bucket_count; ++i) {
        GN_COUNTER(info->buckets[i], slot) += n;
    }
}

static void gn_on_insn(unsigned int vcpu_index, void *userdata)
{
    const gn_insn_info *info = userdata;
    (void)vcpu_index;
    if ((info->flags & GN_F_TB_START) && gn_pending_branch != NULL) {
        bool taken = info->vaddr != gn_pending_branch->fallthrough;
        gn_count_in(gn_pending_branch, GN_SLOT_CLASS0 + (taken ? GN_BRANCH_TAKEN : GN_BRANCH_NOT_TAKEN), 1);
        gn_pending_branch = NULL;
    }
    if (info->flags & GN_F_BEGIN) {
        memcpy(gn_snapshot, gn_counters, gn_bucket_count * GN_SLOTS * sizeof *gn_counters);
        gn_segment_open = true; /* a second begin without an end restarts the segment */
    }
    if (info->flags & GN_F_END) {
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
            /* end instruction not counted yet: excluded */
            gn_segments[gn_segment_count++] = GN_TOTAL - gn_snapshot[GN_SLOT_INSNS];
            for (size_t i = 0; i < gn_bucket_count * GN_SLOTS; ++i) {
                gn_in_segments[i] += gn_counters[i] - gn_snapshot[i];
            }
            gn_segment_open = false;
        } else {
            gn_unmatched_ends++;
        }
    }
    if (info->flags & (GN_F_BEGIN | GN_F_END)) {
        /* markers are counted here, not inline, so that snapshot and count are ordered */
        gn_count_in(info, GN_SLOT_INSNS, 1);
        if (!(info->flags & GN_F_COND_BRANCH)) {
            gn_count_in(info, GN_SLOT_CLASS0 + info->decoded.cls, 1);
        }
        if (info->decoded.transfer_regs) {
            gn_count_in(info, GN_SLOT_TRANSFER_REGS, info->decoded.transfer_regs);
        }
        if (info->decoded.pc_load) {
            gn_count_in(info, GN_SLOT_PC_LOADS, 1);
        }
    }
    if (info->flags & GN_F_COND_BRANCH) {
        gn_pending_branch = info;
    }
}

static void gn_on_tb_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    size_t it_left = 0;    /* instructions left in the current IT block */
    bool it_cond = false;  /* that IT block's condition is not AL */
    size_t *buckets = malloc((gn_range_count + 2) * sizeof *buckets);
    (void)id;
    if (buckets == NULL) {
        qemu_plugin_outs("gn_insn_count: out of memory\n");
        abort();
    }
    for (size_t i = 0; i < n; ++i) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
        size_t size = qemu_plugin_insn_size(insn);
        const uint8_t *bytes = qemu_plugin_insn_data(insn);
        uint8_t copy[4] = { 0, 0, 0, 0 };
        memcpy(copy, bytes, size < 4 ? size : 4);
        /* The length comes from the first halfword, not from qemu_plugin_insn_size: QEMU 7.2's Thumb
         * translator sometimes appends a look-ahead halfword to an instruction's bytes (seen: a
         * 16-bit LDR reported with size 4). 32-bit iff hw1[15:11] is 0b11101, 0b11110 or 0b11111. */
        size = (copy[1] & 0xF8) >= 0xE8 ? 4 : 2;
        gn_decoded d = gn_decode(copy, size, it_left > 0 && it_cond);
        bool cond_branch = d.cls == GN_BRANCH_TAKEN;
        if (it_left > 0) {
            it_left--;
        }
        if (size == 2 && (copy[1] == 0xBF) && (copy[0] & 0x0F) != 0) { /* IT */
            unsigned mask = copy[0] & 0x0F;
            it_left = 4 - (size_t)__builtin_ctz(mask);
            it_cond = (copy[0] >> 4) != 0xE;
        }

        size_t bucket_count = 0;
        buckets[bucket_count++] = GN_BUCKET_ALL;
        for (size_t r = 0; r < gn_range_count; ++r) {
            if (vaddr >= gn_ranges[r].start && vaddr < gn_ranges[r].end) {
                buckets[bucket_count++] = GN_BUCKET_RANGE0 + r;
            }
        }
        if (bucket_count == 1) {
            buckets[bucket_count++] = GN_BUCKET_OUTSIDE;
        }

        unsigned flags = 0;
        if (vaddr == gn_begin_addr) flags |= GN_F_BEGIN;
        if (vaddr == gn_end_addr) flags |= GN_F_END;
        if (i == 0) flags |= GN_F_TB_START;
        if (cond_branch) flags |= GN_F_COND_BRANCH;

        if (flags != 0) {
            gn_insn_info *info = malloc(sizeof *info + bucket_count * sizeof info->buckets[0]);
            if (info == NULL) {
                qemu_plugin_outs("gn_insn_count: out of memory\n");
                abort();
            }
            info->vaddr = vaddr;
            info->fallthrough = vaddr + size;
            info->flags = flags;
            info->decoded = d;
            info->bucket_count = bucket_count;
            memcpy(info->buckets, buckets, bucket_count * sizeof buckets[0]);
            qemu_plugin_register_vcpu_insn_exec_cb(insn, gn_on_insn, QEMU_PLUGIN_CB_NO_REGS, info);
        }
        if (flags & (GN_F_BEGIN | GN_F_END)) {
            continue; /* counted by the callback */
        }
        for (size_t b = 0; b < bucket_count; ++b) {
            uint64_t *c = &GN_COUNTER(buckets[b], 0);
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &c[GN_SLOT_INSNS], 1);
            if (!cond_branch) { /* a conditional branch's class is counted when its outcome is seen */
                qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                           &c[GN_SLOT_CLASS0 + d.cls], 1);
            }
            if (d.transfer_regs) {
                qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                           &c[GN_SLOT_TRANSFER_REGS], d.transfer_regs);
            }
            if (d.pc_load) {
                qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                           &c[GN_SLOT_PC_LOADS], 1);
            }
        }
    }
    free(buckets);
}

static void gn_write_counts(FILE *out, const uint64_t *c)
{
    fprintf(out, "{\"instructions\": %" PRIu64 ", \"classes\": {", c[GN_SLOT_INSNS]);
    for (size_t k = 0; k < GN_CLASS_COUNT; ++k) {
        fprintf(out, "%s\"%s\": %" PRIu64, k == 0 ? "" : ", ", gn_class_names[k], c[GN_SLOT_CLASS0 + k]);
    }
    fprintf(out, "}, \"transfer_registers\": %" PRIu64 ", \"pc_loads\": %" PRIu64 "}",
            c[GN_SLOT_TRANSFER_REGS], c[GN_SLOT_PC_LOADS]);
}

static void gn_on_exit(qemu_plugin_id_t id, void *userdata)
{
    FILE *out;
    size_t i;
    (void)id;
    (void)userdata;
    if (gn_pending_branch != NULL) { /* the run ended right after a conditional branch */
        gn_count_in(gn_pending_branch, GN_SLOT_CLASS0 + GN_BRANCH_TAKEN, 1);
        gn_pending_branch = NULL;
    }
    if (gn_out_path == NULL) {
        char line[64];
        snprintf(line, sizeof line, "gn_insn_count: total %" PRIu64 "\n", GN_TOTAL);
        qemu_plugin_outs(line);
        return;
    }
    out = fopen(gn_out_path, "w");
    if (out == NULL) {
        qemu_plugin_outs("gn_insn_count: cannot open output file\n");
        return;
    }
    fprintf(out, "{\"total\": %" PRIu64 ", \"segments\": [", GN_TOTAL);
    for (i = 0; i < gn_segment_count; ++i) {
        fprintf(out, "%s%" PRIu64, i == 0 ? "" : ", ", gn_segments[i]);
    }
    fprintf(out, "], \"open_segment\": %s, \"unmatched_ends\": %" PRIu64,
            gn_segment_open ? "true" : "false", gn_unmatched_ends);
    if (gn_range_count > 0) {
        fprintf(out, ", \"ranges\": {");
        for (i = 0; i < gn_range_count; ++i) {
            fprintf(out, "%s\"%s\": %" PRIu64, i == 0 ? "" : ", ", gn_ranges[i].name,
                    GN_COUNTER(GN_BUCKET_RANGE0 + i, GN_SLOT_INSNS));
        }
        fprintf(out, "}");
    }
    fprintf(out, ", \"class_names\": [");
    for (i = 0; i < GN_CLASS_COUNT; ++i) {
        fprintf(out, "%s\"%s\"", i == 0 ? "" : ", ", gn_class_names[i]);
    }
    fprintf(out, "], \"buckets\": [");
    for (i = 0; i < gn_bucket_count; ++i) {
        const char *name = i == GN_BUCKET_ALL ? "(all)" : i == GN_BUCKET_OUTSIDE ? "(outside ranges)"
                                                                                  : gn_ranges[i - GN_BUCKET_RANGE0].name;
        fprintf(out, "%s{\"name\": \"%s\", \"run\": ", i == 0 ? "" : ", ", name);
        gn_write_counts(out, &gn_counters[i * GN_SLOTS]);
        fprintf(out, ", \"segments\": ");
        gn_write_counts(out, &gn_in_segments[i * GN_SLOTS]);
        fprintf(out, "}");
    }
    fprintf(out, "]}\n");
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
    gn_bucket_count = GN_BUCKET_RANGE0 + gn_range_count;
    gn_counters = calloc(gn_bucket_count * GN_SLOTS, sizeof *gn_counters);
    gn_snapshot = calloc(gn_bucket_count * GN_SLOTS, sizeof *gn_snapshot);
    gn_in_segments = calloc(gn_bucket_count * GN_SLOTS, sizeof *gn_in_segments);
    if (gn_counters == NULL || gn_snapshot == NULL || gn_in_segments == NULL) {
        qemu_plugin_outs("gn_insn_count: out of memory\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, gn_on_tb_translate);
    qemu_plugin_register_atexit_cb(id, gn_on_exit, NULL);
    return 0;
}
