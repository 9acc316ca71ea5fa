#!/usr/bin/env python3
# Generates c-runtime/include/gn_vcount_thumb2.h: the Thumb-2 inline-assembly block of the
# output-channel-parallel ("vertical") binary kernel, gn_vcount32_u32() of gn_vcount.h.
#
# One block adds up to 32 one-bit inputs to 32 bit-sliced counters at once: input i (bit i of the
# activation word A) contributes V_i = W_i xor mask(A_i), where W_i is the transposed weight word
# (bit o = the weight bit of output lane o for that input) and mask(b) is all ones when b = 1. So
# lane o counts the inputs whose activation bit differs from its weight bit. The counters are
# bit-sliced: row k of the slice array holds bit k of every lane's count; the block adds into rows
# 0 .. (octs == 4 ? 5 : ...) + ripple relative to the slice pointer, so plane b of a k-bit tensor
# (weight 2^b) simply starts b rows up.
#
# Reduction: Harley-Seal. Inputs come in pairs (i, i+1) with the weights stored as W_i and
# W_i xor W_i+1: x = V_i xor V_i+1 = (W_i xor W_i+1) xor mask(A_i xor A_i+1) needs one mask from
# A2 = A xor (A >> 1), and the pair's full adder with the ones row o is
#     o' = o xor x,   carry = x ? o : V_i = ((o xor V_i) and x) xor V_i        (8 instructions)
# Two pair carries and the twos row go through a full adder (5 instructions), and so on: per
# 8 inputs (an "oct") one word of weight 8 leaves; the oct words are added to rows 3 and 4, and
# the one word of weight 32 that leaves ripples up through the rows above with half adders
# (the top row's carry is provably zero: the caller sizes the rows for the largest count).
#
# Registers are fixed: r0 slice pointer, r1 weights (post-incremented, 8 words per oct), r2 the
# activation word; r3-r12 and lr temporaries, assigned by linear scan (LDM targets ascending).
# The program is simulated on random inputs against a plain count before the header is written.
# Usage: python3 tools/kernel-asm/gen_vcount_thumb2.py c-runtime/include/gn_vcount_thumb2.h
import random, sys

M = 0xFFFFFFFF
TEMPS = ['r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'lr']
ORDER = {f'r{i}': i for i in range(13)} | {'lr': 14}
MAX_RIPPLE = 8


def program(octs, split, mask='sbfx'):
    """The block's operations on named values (a name may be reassigned). @p split: the half-octs
    (2 * oct + half) whose two weight pairs are loaded by two LDMs of 2 words instead of one of 4,
    which keeps 2 registers free where the tree holds the most pending words. @p mask: 'sbfx' (input i's
    mask from bit i, all 32 lanes) or 'hmask' (halves: lanes 0-15 from bit i, lanes 16-31 from bit 16 + i)."""
    prog = []

    def emit(op, dst, *src, **kw):
        prog.append((op, dst, src, kw))

    def csa(h, s, b, c):
        # s + b + c = s' + 2h: u = s^b; h = ((c^s)&u)^s; s' = u^c
        emit('eor', '_u', s, b); emit('eor', '_t', c, s); emit('and', '_t', '_t', '_u'); emit('eor', h, '_t', s); emit('eor', s, '_u', c)

    def ha(h, s, b):
        emit('and', h, s, b); emit('eor', s, s, b)

    emit('eor_lsr1', 'A2', 'A', 'A')
    emit('ldm_s', ('o', 't', 'f'))
    for q in range(octs):
        for p in range(4):
            i = 8 * q + 2 * p
            if p % 2 == 0:
                if (2 * q + p // 2) in split:
                    emit('ldm_w', (f'P{p}', f'X{p}'))
                else:
                    emit('ldm_w', (f'P{p}', f'X{p}', f'P{p + 1}', f'X{p + 1}'))
            elif (2 * q + p // 2) in split:
                emit('ldm_w', (f'P{p}', f'X{p}'))
            emit(mask, '_m', 'A2', bit=i)
            emit('eor', '_x', f'X{p}', '_m')
            emit(mask, '_v', 'A', bit=i)
            emit('eor', '_v', f'P{p}', '_v')
            emit('eor', '_t1', 'o', '_v')
            emit('eor', 'o', 'o', '_x')
            emit('and', '_t1', '_t1', '_x')
            emit('eor', f'h{p}', '_t1', '_v')
            if p == 1:
                csa('fa', 't', 'h0', 'h1')
            if p == 3:
                csa('fb', 't', 'h2', 'h3')
        csa(f'e{q}', 'f', 'fa', 'fb')
        if q == 1 and octs > 2:
            # the first two oct words into row 3 now, so that only their carry waits
            emit('ldr_row', 's3', row=3); csa('c1', 's3', 'e0', 'e1'); emit('str_row', None, 's3', row=3)
    # oct words (weight 8) into rows 3 and 4; one word of weight 32 leaves
    if octs == 4:
        emit('ldrd_s34', ('s3', 's4')); csa('c2', 's3', 'e2', 'e3'); csa('c', 's4', 'c1', 'c2')
    elif octs == 3:
        emit('ldrd_s34', ('s3', 's4')); ha('c2', 's3', 'e2'); csa('c', 's4', 'c1', 'c2')
    elif octs == 2:
        emit('ldrd_s34', ('s3', 's4')); csa('c1', 's3', 'e0', 'e1'); ha('c', 's4', 'c1')
    else:
        emit('ldrd_s34', ('s3', 's4')); ha('c1', 's3', 'e0'); ha('c', 's4', 'c1')
    emit('strd_s34', None, 's3', 's4')
    emit('stm_s', None, 'o', 't', 'f')
    emit('RIPPLE', None, 'c')
    return prog


def best_program(octs, mask='sbfx'):
    """The allocatable program with the fewest LDMs (fewest split half-octs, earliest first)."""
    import itertools
    halves = list(range(2 * octs))
    for n in range(len(halves) + 1):
        for split in itertools.combinations(reversed(halves), n):
            try:
                return allocate(program(octs, set(split), mask), TEMPS)
            except RegisterPressure:
                continue
    raise AssertionError("no allocation")


class RegisterPressure(Exception):
    pass


def allocate(prog, temps):
    ver, ins = {'A': 0}, []
    for op, dst, src, kw in prog:
        s = [(x, ver[x]) for x in src]
        ds = () if dst is None else dst if isinstance(dst, tuple) else (dst,)
        d = []
        for x in ds:
            ver[x] = ver.get(x, -1) + 1
            d.append((x, ver[x]))
        ins.append((op, tuple(d), s, kw))
    last = {}
    for i, (op, d, s, kw) in enumerate(ins):
        for v in s:
            last[v] = i
    for i, (op, d, s, kw) in enumerate(ins):
        for v in d:
            last.setdefault(v, i)
    free = list(temps)
    # the activation word arrives in r2 ("+r"): once dead, r2 is a temporary too
    reg, live, peak = {('A', 0): 'r2'}, {('A', 0)}, 0
    for i, (op, d, s, kw) in enumerate(ins):
        for v in s:
            if last[v] == i and v in live:
                live.remove(v)
                free.insert(0, reg[v])
        got = []
        for v in d:
            if not free:
                raise RegisterPressure(f"out of registers at instruction {i} ({op})")
            got.append(free.pop(0))
        if op == 'ldm_w':
            got.sort(key=lambda r: ORDER[r])
        for v, r in zip(d, got):
            reg[v] = r
            live.add(v)
        peak = max(peak, len(live))
        for v in d:
            if last[v] == i:
                live.remove(v)
                free.insert(0, reg[v])
    return ins, reg, peak


def asm(ins, reg, dsp=True):
    R = lambda v: reg[v]
    out = []
    for op, d, s, kw in ins:
        if op == 'eor_lsr1':
            out.append(f"eor {R(d[0])}, {R(s[0])}, {R(s[1])}, lsr #1")
        elif op == 'ldm_s':
            out += [f"ldrd {R(d[0])}, {R(d[1])}, [r0]", f"ldr {R(d[2])}, [r0, #8]"]
        elif op == 'ldm_w':
            out.append("ldmia r1!, {" + ", ".join(sorted((R(x) for x in d), key=lambda r: ORDER[r])) + "}")
        elif op == 'ldrd_s34':
            out.append(f"ldrd {R(d[0])}, {R(d[1])}, [r0, #12]")
        elif op == 'ldr_row':
            out.append(f"ldr {R(d[0])}, [r0, #{4 * kw['row']}]")
        elif op == 'str_row':
            out.append(f"str {R(s[0])}, [r0, #{4 * kw['row']}]")
        elif op == 'strd_s34':
            out.append(f"strd {R(s[0])}, {R(s[1])}, [r0, #12]")
        elif op == 'stm_s':
            out += [f"strd {R(s[0])}, {R(s[1])}, [r0]", f"str {R(s[2])}, [r0, #8]"]
        elif op == 'sbfx':
            out.append(f"sbfx {R(d[0])}, {R(s[0])}, #{kw['bit']}, #1")
        elif op == 'hmask':
            # halfword masks from bits k and 16 + k: with DSP, SSAT16 #1 turns each halfword's sign into 0 or
            # all ones, after a shift that brings bits k and 16 + k to 15 and 31; without, the bit pair is
            # isolated, moved to bits 0 and 16 and spread by x * 0xFFFF = (x << 16) - x (bit 32 falls off)
            k, dd, ss = kw['bit'], R(d[0]), R(s[0])
            if dsp:
                if k != 15:
                    out.append(f"lsl {dd}, {ss}, #{15 - k}")
                out.append(f"ssat16 {dd}, #1, {dd if k != 15 else ss}")
            else:
                out.append(f"and {dd}, {ss}, #0x{0x10001 << k:x}")
                if k:
                    out.append(f"lsr {dd}, {dd}, #{k}")
                out.append(f"rsb {dd}, {dd}, {dd}, lsl #16")
        elif op in ('and', 'eor', 'orr', 'bic'):
            out.append(f"{op} {R(d[0])}, {R(s[0])}, {R(s[1])}")
        elif op == 'RIPPLE':
            c = R(s[0])
            others = [r for r in ['r2'] + TEMPS if r != c]
            # rows 5 .. 5 + n - 1 by LDM into ascending registers, half adders, the top one without carry out
            out.append(f"add {others[0]}, r0, #20")
            for n in range(1, MAX_RIPPLE + 1):
                rows = sorted(others[1:n + 1], key=lambda r: ORDER[r])
                out.append((".if" if n == 1 else ".elseif") + f" %c[ripple] == {n}")
                out.append(f"ldmia {others[0]}, {{{', '.join(rows)}}}")
                carry = c
                for k in range(n):
                    row = rows[k]
                    if k < n - 1:
                        nxt = others[n + 1] if carry == c else c
                        out.append(f"and {nxt}, {row}, {carry}")
                        out.append(f"eor {row}, {row}, {carry}")
                        carry = nxt
                    else:
                        out.append(f"eor {row}, {row}, {carry}")
                out.append(f"stmia {others[0]}, {{{', '.join(rows)}}}")
            out.append(".endif")
        else:
            raise ValueError(op)
    return out


def simulate(octs, ins, reg, rng, ripple, halves=False):
    rows_n = 5 + ripple
    # counts start somewhere that leaves room for this block's inputs
    cap = (1 << rows_n) - 1 - 8 * octs
    if cap < 0:
        return  # rows too few for this many inputs: the caller never asks for it
    counts = [rng.randrange(0, cap + 1) if rng.random() < 0.8 else rng.choice([0, cap]) for _ in range(32)]
    rows = [sum(((counts[o] >> k) & 1) << o for o in range(32)) for k in range(rows_n)]
    a = rng.getrandbits(32) if rng.random() < 0.8 else rng.choice([0, M, 0x55555555])
    w = [rng.getrandbits(32) if rng.random() < 0.9 else rng.choice([0, M]) for _ in range(8 * octs)]
    bit = (lambda i, o: (a >> (i + (16 if o >= 16 else 0))) & 1) if halves else (lambda i, o: (a >> i) & 1)
    expected = [counts[o] + sum(((w[i] >> o) & 1) ^ bit(i, o) for i in range(8 * octs)) for o in range(32)]
    stored = []
    for q in range(octs):
        for p in range(0, 8, 2):
            stored += [w[8 * q + p], w[8 * q + p] ^ w[8 * q + p + 1]]
    regs = {'r2': a}
    wp = 0
    for op, d, s, kw in ins:
        g = [regs[reg[v]] for v in s]
        if op == 'eor_lsr1':
            regs[reg[d[0]]] = g[0] ^ (g[1] >> 1)
        elif op == 'ldm_s':
            for v, k in zip(d, range(3)):
                regs[reg[v]] = rows[k]
        elif op == 'ldm_w':
            for v in sorted(d, key=lambda v: ORDER[reg[v]]):
                regs[reg[v]] = stored[wp]; wp += 1
            # the named order must match the register order
            assert [ORDER[reg[v]] for v in d] == sorted(ORDER[reg[v]] for v in d), d
        elif op == 'ldrd_s34':
            regs[reg[d[0]]], regs[reg[d[1]]] = rows[3], rows[4]
        elif op == 'ldr_row':
            regs[reg[d[0]]] = rows[kw['row']]
        elif op == 'str_row':
            rows[kw['row']] = g[0]
        elif op == 'strd_s34':
            rows[3], rows[4] = g
        elif op == 'stm_s':
            rows[0], rows[1], rows[2] = g
        elif op == 'sbfx':
            regs[reg[d[0]]] = M if (g[0] >> kw['bit']) & 1 else 0
        elif op == 'hmask':
            regs[reg[d[0]]] = (0xFFFF if (g[0] >> kw['bit']) & 1 else 0) | (0xFFFF0000 if (g[0] >> (16 + kw['bit'])) & 1 else 0)
        elif op == 'RIPPLE':
            carry = g[0]
            for k in range(5, rows_n):
                nxt = rows[k] & carry
                rows[k] ^= carry
                carry = nxt
            assert carry == 0
        else:
            regs[reg[d[0]]] = {'and': g[0] & g[1], 'eor': g[0] ^ g[1], 'orr': g[0] | g[1]}[op]
    assert wp == len(stored)
    got = [sum(((rows[k] >> o) & 1) << k for k in range(rows_n)) for o in range(32)]
    assert got == expected, (octs, ripple)


PROLOGUE = r'''/**
 * @file gn_vcount_thumb2.h
 * @brief Thumb-2 (Cortex-M3/M4/M7/M33/M55) block of gn_vcount32_u32() (gn_vcount.h): adds
 *        8 * octs one-bit inputs to 32 bit-sliced counters.
 *
 * GENERATED by tools/kernel-asm/gen_vcount_thumb2.py, which also simulates the instruction
 * sequence on random inputs against a plain count; edit the generator, not this file.
 *
 * @par Why assembly here
 * The arithmetic is exactly that of the C loop in gn_vcount.h (which stays the documentation):
 * every input adds (weight bit xor activation bit) to each of 32 lanes. Written out, the inputs
 * go through a Harley-Seal tree of full adders in registers: 8 instructions per pair of inputs
 * (two masks from SBFX, the pair's full adder with the ones row folded into the stored
 * W_i xor W_i+1), 5 per further full adder, LDM for the weights; about 7 instructions per input
 * for all 32 lanes, where GCC's version of the same C spills and reaches about 10.
 *
 * Used only when GCC-compatible inline assembly, Thumb-2 and optimisation are available.
 * r0-r2 carry the operands; all other general registers but sp and pc are clobbered.
 */
#ifndef GN_VCOUNT_THUMB2_H
#define GN_VCOUNT_THUMB2_H

#include <stdint.h>

#include "gn_config.h"

#if (defined(__GNUC__) || defined(__clang__)) && defined(__thumb2__) && defined(__OPTIMIZE__)
#define GN_HAVE_VCOUNT_THUMB2 1
#else
#define GN_HAVE_VCOUNT_THUMB2 0
#endif

/** Largest ripple (rows above row 4) the block handles. */
#define GN_VCOUNT_THUMB2_MAX_RIPPLE MAX_RIPPLE_VALUE

#if GN_HAVE_VCOUNT_THUMB2
/**
 * @brief rows[k], k = 0 .. 4 + ripple: bit k of each lane's count; adds, for i < 8 * octs,
 *        bit o of (w_i xor mask(bit i of @p a)) to lane o. @p w advances by 8 * octs words.
 * @param rows    uint32_t [5 + ripple], the counters (the caller guarantees no lane overflows)
 * @param w       const uint32_t *, lvalue: per pair of inputs w_i, then w_i xor w_i+1
 * @param a       activation word
 * @param octs    a compile-time constant 1 .. 4
 * @param ripple  a compile-time constant 0 .. GN_VCOUNT_THUMB2_MAX_RIPPLE
 */
#define GN_VCOUNT_THUMB2(rows, w, a, octs_, ripple_)                                                          \
    do                                                                                                         \
    {                                                                                                          \
        register uint32_t *gn_r_ __asm__("r0") = (rows);                                                       \
        register const uint32_t *gn_w_ __asm__("r1") = (w);                                                    \
        register uint32_t gn_a_ __asm__("r2") = (a);                                                           \
        switch ((int)(octs_))                                                                                       \
        {                                                                                                      \
        case 1: __asm__ volatile(GN_VCOUNT_THUMB2_O1_BODY : "+r"(gn_w_), "+r"(gn_a_) : "r"(gn_r_), [ripple] "i"(ripple_) \
                                 : "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory"); break; \
        case 2: __asm__ volatile(GN_VCOUNT_THUMB2_O2_BODY : "+r"(gn_w_), "+r"(gn_a_) : "r"(gn_r_), [ripple] "i"(ripple_) \
                                 : "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory"); break; \
        case 3: __asm__ volatile(GN_VCOUNT_THUMB2_O3_BODY : "+r"(gn_w_), "+r"(gn_a_) : "r"(gn_r_), [ripple] "i"(ripple_) \
                                 : "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory"); break; \
        default: __asm__ volatile(GN_VCOUNT_THUMB2_O4_BODY : "+r"(gn_w_), "+r"(gn_a_) : "r"(gn_r_), [ripple] "i"(ripple_) \
                                 : "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory"); break; \
        }                                                                                                      \
        (w) = gn_w_;                                                                                           \
    } while (0)

'''


def check_hmask_text(rng, dsp):
    """The instruction text of 'hmask' (asm()) computes what the simulation's 'hmask' does, on random words."""
    def ssat16_1(x):
        return sum((0xFFFF if (x >> (16 * h + 15)) & 1 else 0) << (16 * h) for h in range(2))
    for k in range(16):
        for _ in range(200):
            x = rng.getrandbits(32)
            want = (0xFFFF if (x >> k) & 1 else 0) | (0xFFFF0000 if (x >> (16 + k)) & 1 else 0)
            if dsp:
                got = ssat16_1((x << (15 - k)) & M)
            else:
                y = (x & (0x10001 << k)) >> k
                got = ((y << 16) - y) & M
            assert got == want, (k, dsp)


HALVES_PROLOGUE = r'''
/**
 * @brief The halves form (gn_vcount16x2_u32() of gn_vcount.h): as GN_VCOUNT_THUMB2, but input i's mask
 *        covers lanes 0-15 with bit i of @p a and lanes 16-31 with bit 16 + i (8 * octs inputs, octs 1 or 2):
 *        two 16-lane counts side by side, such as the two bit-planes of 16 channels. With DSP the mask is
 *        LSL + SSAT16 (2 instructions), without it AND + LSR + RSB (3) where the full form has one SBFX.
 */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define GN_VCOUNT16X2_THUMB2_BODY(octs_) GN_VCOUNT16X2_THUMB2_O##octs_##_DSP_BODY
#else
#define GN_VCOUNT16X2_THUMB2_BODY(octs_) GN_VCOUNT16X2_THUMB2_O##octs_##_NODSP_BODY
#endif
#define GN_VCOUNT16X2_THUMB2(rows, w, a, octs_, ripple_)                                                         \
    do                                                                                                         \
    {                                                                                                          \
        register uint32_t *gn_r_ __asm__("r0") = (rows);                                                       \
        register const uint32_t *gn_w_ __asm__("r1") = (w);                                                    \
        register uint32_t gn_a_ __asm__("r2") = (a);                                                           \
        if ((int)(octs_) == 1)                                                                                 \
        {                                                                                                      \
            __asm__ volatile(GN_VCOUNT16X2_THUMB2_BODY(1) : "+r"(gn_w_), "+r"(gn_a_) : "r"(gn_r_), [ripple] "i"(ripple_) \
                             : "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory"); \
        }                                                                                                      \
        else                                                                                                   \
        {                                                                                                      \
            __asm__ volatile(GN_VCOUNT16X2_THUMB2_BODY(2) : "+r"(gn_w_), "+r"(gn_a_) : "r"(gn_r_), [ripple] "i"(ripple_) \
                             : "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory"); \
        }                                                                                                      \
        (w) = gn_w_;                                                                                           \
    } while (0)

'''


def main():
    rng = random.Random(1)
    text = PROLOGUE.replace("MAX_RIPPLE_VALUE", str(MAX_RIPPLE))
    for octs in (1, 2, 3, 4):
        ins, reg, peak = best_program(octs)
        for n in range(1500):
            simulate(octs, ins, reg, rng, n % (MAX_RIPPLE + 1))
        lines = asm(ins, reg)
        count = sum(1 for l in lines if not l.startswith('.'))
        body = " \\\n".join(f'        "{x}\\n"' for x in lines)
        text += f"#define GN_VCOUNT_THUMB2_O{octs}_BODY \\\n{body}\n"
        ops = sum(1 for op, d, s, kw in ins if op != 'RIPPLE')
        print(f"vcount octs={octs}: {ops} instructions + ripple (3 + 2 per row), peak {peak} live values, simulation ok", file=sys.stderr)
    text += HALVES_PROLOGUE
    for octs in (1, 2):
        ins, reg, peak = best_program(octs, 'hmask')
        for n in range(1500):
            simulate(octs, ins, reg, rng, n % (MAX_RIPPLE + 1), halves=True)
        for dsp, name in ((True, 'DSP'), (False, 'NODSP')):
            lines = asm(ins, reg, dsp)
            check_hmask_text(rng, dsp)
            body = " \\\n".join(f'        "{x}\\n"' for x in lines)
            text += f"#define GN_VCOUNT16X2_THUMB2_O{octs}_{name}_BODY \\\n{body}\n"
            count = sum(1 for l in lines if not l.startswith('.') and not l.startswith('add') and 'ripple' not in l)
            print(f"vcount16x2 octs={octs} {name}: {sum(1 for op, d, s, kw in ins if op not in ('RIPPLE', 'hmask')) + sum((2 if dsp else 3) for op, d, s, kw in ins if op == 'hmask')} instructions at most + ripple, simulation ok", file=sys.stderr)
    text += "#endif /* GN_HAVE_VCOUNT_THUMB2 */\n\n#endif /* GN_VCOUNT_THUMB2_H */\n"
    with open(sys.argv[1], 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
