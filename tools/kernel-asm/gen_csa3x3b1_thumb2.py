#!/usr/bin/env python3
# Generates c-runtime/include/gn_binary_csa_b1_thumb2.h: the Thumb-2 inline-assembly channel loop
# of the 1-bit (signs) 3x3 carry-save XOR kernel gn_binary_conv_3x3_b1_csa_filters_u32(), in two
# variants:
#   W1: one word per pixel (LDRD for two taps of a window row),
#   WN: 2+ words per pixel (one tree per word column, columns unrolled with .rept, the column byte
#       counts summed in a register with USADA8).
# Registers are fixed (the asm binds all 14 with explicit register variables and clobbers):
#   r0 window, r1 filters (post-incremented), r2 biases (post-incremented), r3 z (post-incremented),
#   r4 zero (the USAD8 operand), r5-r12 and lr temporaries (WN: r12 holds the column sum); the end
#   of the filters arrives in r5 and is kept on the stack.
# The program is written once with value names; temporaries are assigned by linear scan, except
# that the three weight words of a window row are loaded by one LDM into ascending registers.
# The result is simulated on random windows against the +/-1 dot product before the header is
# written. Usage: python3 tools/kernel-asm/gen_csa3x3b1_thumb2.py c-runtime/include/gn_binary_csa_b1_thumb2.h
import os, random, sys

M = 0xFFFFFFFF
TEMPS_W1 = ['r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'lr']
TEMPS_WN = ['r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'lr']
ACC = 'r12'
MAX_WORDS = 8  # the WN loop's columns (GN_CSA_B1_THUMB2_MAX_WORDS); more words use the C loop
ORDER = {f'r{i}': i for i in range(13)} | {'lr': 14}


def program(variant):
    """One word column of one filter: D = sum_t popcount(A_t xor W_t), then (after the last column)
    v = bias + m2 * D with m2 = -2 * multiplier (z (+)= v)."""
    prog = []

    def emit(op, dst, *src, **kw):
        prog.append((op, dst, src, kw))

    def FA(a, b, c, s, cy):
        # full adder in place, no temporary: x = a^b; y = a&~x (= a&b); s = x^c; z = c&~s (= x&c); cy = y|z
        emit('eor', '_x', a, b); emit('bic', '_y', a, '_x'); emit('eor', s, '_x', c); emit('bic', '_z', c, s); emit('orr', cy, '_y', '_z')

    for row in range(3):
        t = 3 * row
        emit('ldm', (f'w{t}', f'w{t + 1}', f'w{t + 2}'))
        if variant == 'W1':
            emit('ldrdA', (f'd{t}', f'd{t + 1}'), tap=t)
            emit('eor', f'd{t}', f'd{t}', f'w{t}'); emit('eor', f'd{t + 1}', f'd{t + 1}', f'w{t + 1}')
            emit('ldrA', (f'd{t + 2}',), tap=t + 2)
            emit('eor', f'd{t + 2}', f'd{t + 2}', f'w{t + 2}')
        else:
            for i in range(3):
                emit('ldrA', (f'd{t + i}',), tap=t + i)
                emit('eor', f'd{t + i}', f'd{t + i}', f'w{t + i}')
        FA(f'd{t}', f'd{t + 1}', f'd{t + 2}', f's{row}', f'c{row}')
    FA('s0', 's1', 's2', 'o1', 'c2d')   # o1 weight 1, c2d weight 2
    FA('c0', 'c1', 'c2', 's2x', 'c4a')  # s2x weight 2, c4a weight 4
    # per nibble counts (<= 4 each), masks as immediates
    for v in ['o1', 's2x', 'c2d', 'c4a']:
        emit('andi', '_t', v, imm=0xAAAAAAAA); emit('subsh', v, v, '_t', sh=('lsr', 1))
        emit('andi', '_t', v, imm=0xCCCCCCCC); emit('andi', v, v, imm=0x33333333); emit('addsh', v, v, '_t', sh=('lsr', 2))
    emit('addsh', 'a', 'o1', 's2x', sh=('lsl', 1))   # nibbles <= 12, weight 1
    emit('addsh', 'b', 'c2d', 'c4a', sh=('lsl', 1))  # nibbles <= 12, weight 2
    for v in ['a', 'b']:
        emit('andi', '_t', v, imm=0xF0F0F0F0); emit('andi', v, v, imm=0x0F0F0F0F); emit('addsh', v, v, '_t', sh=('lsr', 4))
    emit('addsh', 'x', 'a', 'b', sh=('lsl', 1))      # bytes <= 72
    emit('BYTESUM', ('D',), 'x')
    emit('TAIL', ('_m', '_b', '_old'), 'D', noalias=1)
    return prog


def allocate(prog, temps):
    ver = {}
    ins = []
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
    reg, live, peak = {}, set(), 0
    for i, (op, d, s, kw) in enumerate(ins):
        def alloc():
            got = []
            for v in d:
                if not free:
                    sys.exit(f"out of registers at instruction {i} ({op})")
                got.append(free.pop(0))
            if op == 'ldm':
                got.sort(key=lambda r: ORDER[r])
            for v, r in zip(d, got):
                reg[v] = r
                live.add(v)
        if kw.get('noalias'):
            alloc()
        for v in s:
            if last[v] == i and v in live:
                live.remove(v)
                free.insert(0, reg[v])
        if not kw.get('noalias'):
            alloc()
        peak = max(peak, len(live))
        for v in d:
            if last[v] == i:
                live.remove(v)
                free.insert(0, reg[v])
    return ins, reg, peak


def asm(variant, ins, reg, dsp):
    R = lambda v: reg[v]
    out = []

    def off(t):
        if variant == 'W1':
            return f"({t // 3}*%c[rw4]+{(t % 3) * 4})"
        return f"({t // 3}*%c[rw4]+{t % 3}*%c[words]*4+gn_col*4)"

    for op, d, s, kw in ins:
        if op == 'ldm':
            out.append("ldmia r1!, {" + ", ".join(sorted((R(x) for x in d), key=lambda r: ORDER[r])) + "}")
        elif op == 'ldrdA':
            out.append(f"ldrd {R(d[0])}, {R(d[1])}, [r0, #{off(kw['tap'])}]")
        elif op == 'ldrA':
            out.append(f"ldr {R(d[0])}, [r0, #{off(kw['tap'])}]")
        elif op in ('and', 'eor', 'orr', 'bic'):
            out.append(f"{op} {R(d[0])}, {R(s[0])}, {R(s[1])}")
        elif op == 'andi':
            out.append(f"and {R(d[0])}, {R(s[0])}, #0x{kw['imm']:08X}")
        elif op in ('subsh', 'addsh'):
            out.append(f"{op[:3]} {R(d[0])}, {R(s[0])}, {R(s[1])}, {kw['sh'][0]} #{kw['sh'][1]}")
        elif op == 'BYTESUM':
            D, x = R(d[0]), R(s[0])
            if variant == 'W1':
                if dsp:
                    out.append(f"usad8 {D}, {x}, r4")
                else:  # bytes <= 72: pairs, then halves
                    out += [f"add {D}, {x}, {x}, lsr #8", f"and {D}, {D}, #0x00FF00FF", f"add {D}, {D}, {D}, lsr #16", f"uxth {D}, {D}"]
            else:
                if dsp:
                    out += [".if gn_col == 0", f"usad8 {ACC}, {x}, r4", ".else", f"usada8 {ACC}, {x}, r4, {ACC}", ".endif"]
                else:  # two halfword sums of two bytes each (each <= 144 per column), folded after the last column
                    out += [f"add {x}, {x}, {x}, lsr #8", f"and {x}, {x}, #0x00FF00FF",
                            ".if gn_col == 0", f"mov {ACC}, {x}", ".else", f"add {ACC}, {ACC}, {x}", ".endif"]
                out.append(".if gn_col == %c[words] - 1")
                if not dsp:
                    out += [f"add {ACC}, {ACC}, {ACC}, lsr #16", f"uxth {ACC}, {ACC}"]
                out += [f"mov {D}, {ACC}", ".endif"]
        elif op == 'TAIL':
            m, b, old = (R(x) for x in d)
            D = R(s[0])
            out += ["TAILSTART", f"ldr {m}, [r1], #4", f"ldr {b}, [r2], #4", f"mla {D}, {D}, {m}, {b}",
                    ".if %c[accumulate]", f"ldr {old}, [r3]", f"add {D}, {D}, {old}", ".endif", f"str {D}, [r3], #4"]
        else:
            raise ValueError(op)
    cut = out.index("TAILSTART")
    body, tail = out[:cut], out[cut + 1:]
    if variant == 'W1':
        channel = body + tail
    else:
        channel = [".set gn_col, 0", ".rept %c[words]"] + body + [".set gn_col, gn_col + 1", ".endr"] + tail
    # the end of the filters arrives in r5 and waits on the stack (all registers are needed)
    return ["push {r5}", "1:", ".rept %c[unroll]"] + channel + [".endr", "ldr r5, [sp]", "cmp r1, r5", "bne.w 1b", "add sp, sp, #4"]


def simulate(variant, ins, reg, words, rng):
    pc = lambda v: bin(v).count('1')
    rw = 3 * words + rng.randrange(0, 5)
    win = [rng.getrandbits(32) if rng.random() < 0.9 else rng.choice([0, M]) for _ in range(2 * rw + 3 * words)]
    weights = [[rng.getrandbits(32) if rng.random() < 0.9 else rng.choice([0, M]) for _ in range(9)] for _ in range(words)]
    m2 = rng.getrandbits(32)
    bias = rng.getrandbits(32)
    old = rng.getrandbits(32)
    accumulate = rng.random() < 0.5
    filt = [x for col in weights for x in col] + [m2]
    D = sum(pc(win[(t // 3) * rw + (t % 3) * words + w] ^ weights[w][t]) for w in range(words) for t in range(9))
    expected = (bias + m2 * D + (old if accumulate else 0)) & M
    regs, fp, acc = {'r4': 0}, 0, 0
    for col in range(words):
        for op, d, s, kw in ins:
            g = [regs[reg[v]] for v in s]
            if op == 'ldm':
                for v, r in zip(d, sorted((reg[x] for x in d), key=lambda r: ORDER[r])):
                    assert reg[v] == r
                    regs[r] = filt[fp]; fp += 1
                continue
            if op in ('ldrdA', 'ldrA'):
                t = kw['tap']
                o = (t // 3) * rw + (t % 3) * words + col
                regs[reg[d[0]]] = win[o]
                if op == 'ldrdA':
                    assert words == 1
                    regs[reg[d[1]]] = win[o + 1]
                continue
            if op == 'BYTESUM':
                acc += sum((g[0] >> (8 * i)) & 255 for i in range(4))
                assert all((g[0] >> (8 * i)) & 255 <= 72 for i in range(4))
                regs[reg[d[0]]] = acc
                continue
            if op == 'TAIL':
                if col < words - 1:
                    break
                assert fp == len(filt) - 1
                got = (bias + filt[fp] * g[0] + (old if accumulate else 0)) & M
                assert got == expected, (variant, words, got, expected)
                return
            r = {'and': lambda: g[0] & g[1], 'eor': lambda: g[0] ^ g[1], 'orr': lambda: g[0] | g[1],
                 'bic': lambda: g[0] & ~g[1] & M, 'andi': lambda: g[0] & kw['imm'],
                 'subsh': lambda: (g[0] - (g[1] >> kw['sh'][1])) & M,
                 'addsh': lambda: (g[0] + (((g[1] << kw['sh'][1]) & M) if kw['sh'][0] == 'lsl' else g[1] >> kw['sh'][1])) & M}[op]()
            regs[reg[d[0]]] = r
    raise AssertionError("no tail")


PROLOGUE = r'''/**
 * @file gn_binary_csa_b1_thumb2.h
 * @brief Thumb-2 (Cortex-M3/M4/M7/M33/M55) version of the channel loop of
 *        gn_binary_conv_3x3_b1_csa_filters_u32() (1-bit signs, 3x3).
 *
 * GENERATED by tools/kernel-asm/gen_csa3x3b1_thumb2.py, which also simulates the instruction
 * sequence on random windows against the popcount of the differing signs; edit the generator,
 * not this file.
 *
 * @par Why assembly here
 * The arithmetic is exactly that of gn_csa_column_3x3_b1_u32() (the C version, which stays the
 * documentation): per word column the 9 XOR words are reduced by five full adders to four
 * bit-sliced words (weights 1, 2, 2, 4), counted per nibble with immediate masks, folded to bytes
 * and summed by USAD8 (USADA8 across word columns); then v = bias + m2 * D is one MLA. Written
 * out with every register assigned by hand: the three weight words of a window row are one LDM,
 * the filter, bias and z pointers stay in registers, and the channel loop is unrolled
 * (@p unroll channels per branch). About 74 instructions per output channel and word column
 * plus 4 per channel (W1).
 *
 * Used only when GCC-compatible inline assembly, Thumb-2 and optimisation are available (the row
 * stride, the word count and the unroll factor must be compile-time constants: they are
 * immediates). All 14 general registers are used; the frame pointer must not be needed (-O2).
 */
#ifndef GN_BINARY_CSA_B1_THUMB2_H
#define GN_BINARY_CSA_B1_THUMB2_H

#include <stdint.h>

#include "gn_config.h"

#if (defined(__GNUC__) || defined(__clang__)) && defined(__thumb2__) && defined(__OPTIMIZE__)
#define GN_HAVE_CSA_B1_THUMB2 1
#else
#define GN_HAVE_CSA_B1_THUMB2 0
#endif

/** Largest row stride (words) the W1 loop's LDRD offsets reach (2 * row_words * 4 + 8 <= 1020). */
#define GN_CSA_B1_THUMB2_MAX_ROW_WORDS 125

/** Largest words per pixel of the WN loop: its columns are unrolled, and GCC, which sizes an asm
 *  block by its lines to place literal pools, is shown (by empty lines) at most this many. */
#define GN_CSA_B1_THUMB2_MAX_WORDS MAX_WORDS_VALUE

#if GN_HAVE_CSA_B1_THUMB2
/**
 * @brief For o = 0 .. cout-1: v = biases[o] + m2_o * sum_w sum_t popcount(A_tw xor W_otw)
 *        (two's complement); z[o] = v, or z[o] += v with @p accumulate.
 * @param win        tap (ky, kx) at win + ky * row_words + kx * words, each tap uint32_t [words]
 * @param row_words  a compile-time constant, at most GN_CSA_B1_THUMB2_MAX_ROW_WORDS
 * @param filters    uint32_t [cout][words * 9 + 1]: per word column w the 9 taps' weight words,
 *                   then m2 = -2 * multiplier as two's complement bits
 * @param biases     int32_t [cout]
 * @param words      a compile-time constant, 1 .. GN_CSA_B1_THUMB2_MAX_WORDS
 * @param cout       output channels, a positive multiple of @p unroll
 * @param z          int32_t [cout]
 * @param accumulate a compile-time constant: 0 to assign, 1 to add
 * @param unroll     a compile-time constant: channels per loop iteration (1, 2 or 4)
 */
#define GN_CSA3X3B1_THUMB2(win, row_words, filters, biases, words_, cout, z, accumulate_, unroll_)                 \
    do                                                                                                         \
    {                                                                                                          \
        register const uint32_t *gn_a_ __asm__("r0") = (win);                                                  \
        register const uint32_t *gn_f_ __asm__("r1") = (filters);                                              \
        register const int32_t *gn_b_ __asm__("r2") = (biases);                                                \
        register int32_t *gn_zp_ __asm__("r3") = (z);                                                          \
        register uint32_t gn_zero_ __asm__("r4") = 0u;                                                         \
        register const uint32_t *gn_end_ __asm__("r5") = (filters) + (cout) * ((words_) * 9 + 1);               \
        if ((words_) == 1)                                                                                      \
        {                                                                                                      \
            __asm__ volatile(GN_CSA3X3B1_THUMB2_W1_BODY                                                        \
                             : "+r"(gn_f_), "+r"(gn_b_), "+r"(gn_zp_), "+r"(gn_end_)                           \
                             : "r"(gn_a_), "r"(gn_zero_), [rw4] "i"((row_words) * 4),      \
                               [accumulate] "i"(accumulate_), [unroll] "i"(unroll_)                              \
                             : "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory");              \
        }                                                                                                      \
        else                                                                                                   \
        {                                                                                                      \
            __asm__ volatile(GN_CSA3X3B1_THUMB2_WN_BODY                                                        \
                             : "+r"(gn_f_), "+r"(gn_b_), "+r"(gn_zp_), "+r"(gn_end_)                           \
                             : "r"(gn_a_), "r"(gn_zero_), [rw4] "i"((row_words) * 4),      \
                               [words] "i"(words_), [accumulate] "i"(accumulate_), [unroll] "i"(unroll_)          \
                             : "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory");              \
        }                                                                                                      \
    } while (0)

'''


def main():
    rng = random.Random(1)
    text = PROLOGUE.replace("MAX_WORDS_VALUE", str(MAX_WORDS))
    bodies = {}
    for variant in ('W1', 'WN'):
        ins, reg, peak = allocate(program(variant), TEMPS_W1 if variant == 'W1' else TEMPS_WN)
        for n in range(3000):
            simulate(variant, ins, reg, 1 if variant == 'W1' else 2 + n % 5, rng)
        for dsp in (True, False):
            bodies[(variant, dsp)] = asm(variant, ins, reg, dsp)
        count = sum(1 for l in bodies[(variant, True)] if not l.startswith('.') and not l.endswith(':'))
        print(f"1-bit {variant}: {len(ins)} operations, peak {peak} registers, simulation ok, {count} instruction lines (DSP)", file=sys.stderr)
    for variant in ('W1', 'WN'):
        for dsp in (True, False):
            lines = bodies[(variant, dsp)]
            if variant == 'WN':  # GCC sizes an asm block by its lines (literal pools): cover MAX_WORDS columns
                lines = lines + [""] * max(0, (MAX_WORDS * 96 * 4 + 80) // 4 - len(lines))
            body = " \\\n".join(f'        "{x}\\n"' for x in lines)
            text += ("#if GN_HAVE_DSP\n" if dsp else "#else\n") + f"#define GN_CSA3X3B1_THUMB2_{variant}_BODY \\\n{body}\n"
        text += "#endif\n"
    text += "#endif /* GN_HAVE_CSA_B1_THUMB2 */\n\n#endif /* GN_BINARY_CSA_B1_THUMB2_H */\n"
    with open(sys.argv[1], 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
