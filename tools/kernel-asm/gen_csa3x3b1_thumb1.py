#!/usr/bin/env python3
# Generates c-runtime/include/gn_binary_csa_b1_thumb1.h: the Thumb-1 (ARMv6-M, Cortex-M0)
# inline-assembly channel loop of the 1-bit (signs) 3x3 carry-save XOR kernel
# gn_binary_conv_3x3_b1_csa_filters_u32(), on a gathered (compact) window, in two variants:
#   W1: one word per pixel (the 9 taps at immediate offsets),
#   WN: 2 .. GN_CSA_B1_THUMB1_MAX_WORDS words per pixel (columns unrolled with .rept; the window
#       pointer steps one row at a time and back, so offsets stay within Thumb-1's 124 bytes).
# Thumb-1 data processing is two-operand on r0-r7 only, so the sequence is written by hand with
# fixed registers: r0 window, r1 filters (LDM with writeback), r2-r7 temporaries; r8 z, r9 biases,
# r10/r11/r12 the masks 0x55555555 / 0x33333333 / 0x0F0F0F0F, lr the end of the filters; three
# stack words for spills and the column sum. Each full adder is five in-place instructions
# (EORS, BICS, EORS, BICS, ORRS). The sequence is run by a small Thumb-1 interpreter on random
# windows against the popcount of the differing signs before the header is written.
# Usage: python3 tools/kernel-asm/gen_csa3x3b1_thumb1.py c-runtime/include/gn_binary_csa_b1_thumb1.h
import random, re, sys

M = 0xFFFFFFFF
MAX_WORDS = 4  # SUBS r0, #(6 * words * 4 - 4) fits 8 bits up to 10; the loop branch (B, 2 KiB) reaches about 8
# GCC sizes an asm block by its lines (4 bytes each) to place its literal pools (LDR reaches 1 KiB
# forward on Thumb-1); the .rept-unrolled WN body is longer than its lines, so empty lines are
# added until the estimate covers MAX_WORDS columns.


def FA(a, b, c):
    """a, b, c -> sum in a, carry in b (c destroyed)."""
    return [f"eors {a}, {b}", f"bics {b}, {a}", f"eors {a}, {c}", f"bics {c}, {a}", f"orrs {b}, {c}"]


def column(variant):
    """One word column of one filter; leaves the column's count D in r6."""
    out = []

    def row_loads(ky, regs, t):
        out.append("ldm r1!, {" + ", ".join(regs) + "}")
        for kx, w in enumerate(regs):
            o = f"#({ky}*%c[rw4]+{kx * 4})" if variant == 'W1' else f"#({kx}*%c[words]*4)"
            out.extend([f"ldr {t}, [r0, {o}]", f"eors {w}, {t}"])
        if variant == 'WN' and ky < 2:
            out.append("adds r0, #(3*%c[words]*4)")

    row_loads(0, ['r2', 'r3', 'r4'], 'r5'); out += FA('r2', 'r3', 'r4')      # s0 r2, c0 r3
    row_loads(1, ['r4', 'r5', 'r6'], 'r7'); out += FA('r4', 'r5', 'r6')      # s1 r4, c1 r5
    out += ["str r2, [sp, #0]", "str r3, [sp, #4]"]
    row_loads(2, ['r2', 'r3', 'r6'], 'r7'); out += FA('r2', 'r3', 'r6')      # s2 r2, c2 r3
    if variant == 'WN':
        out.append("subs r0, #(6*%c[words]*4-4)")                            # next column
    out += ["ldr r6, [sp, #0]"] + FA('r6', 'r4', 'r2')                       # o1 r6, c2d r4
    out += ["ldr r2, [sp, #4]"] + FA('r2', 'r5', 'r3')                       # s2x r2, c4a r5
    # nibble counts of o1 r6, s2x r2, c2d r4, c4a r5 (free: r3, r7)
    out.append("mov r7, r10")
    for v in ['r6', 'r2', 'r4', 'r5']:
        out += [f"lsrs r3, {v}, #1", "ands r3, r7", f"subs {v}, {v}, r3"]
    out.append("mov r7, r11")
    for v in ['r6', 'r2', 'r4', 'r5']:
        out += [f"lsrs r3, {v}, #2", "ands r3, r7", f"ands {v}, r7", f"adds {v}, {v}, r3"]
    out += ["lsls r2, r2, #1", "adds r6, r6, r2",   # a = o1 + 2 * s2x, nibbles <= 12
            "lsls r5, r5, #1", "adds r4, r4, r5"]   # b = c2d + 2 * c4a, nibbles <= 12
    out.append("mov r7, r12")
    for v in ['r6', 'r4']:
        out += [f"lsrs r3, {v}, #4", "ands r3, r7", f"ands {v}, r7", f"adds {v}, {v}, r3"]
    out += ["lsls r4, r4, #1", "adds r6, r6, r4"]   # bytes <= 72
    out += ["lsrs r3, r6, #16", "adds r6, r6, r3",  # two bytes <= 144
            "lsrs r3, r6, #8", "uxtb r3, r3", "uxtb r6, r6", "adds r6, r6, r3"]
    return out


def channel(variant):
    if variant == 'W1':
        body = column('W1')
    else:
        col = column('WN')
        body = [".set gn_col, 0", ".rept %c[words]"] + col + [
            ".if gn_col > 0", "ldr r3, [sp, #8]", "adds r6, r6, r3", ".endif",
            ".if gn_col < %c[words] - 1", "str r6, [sp, #8]", ".endif",
            ".set gn_col, gn_col + 1", ".endr", "subs r0, #(%c[words]*4)"]
    tail = ["ldm r1!, {r2}", "muls r6, r2, r6",            # m2 * D
            "mov r3, r9", "ldm r3!, {r2}", "mov r9, r3", "adds r6, r6, r2",   # + bias
            "mov r3, r8", ".if %c[accumulate]", "ldr r2, [r3]", "adds r6, r6, r2", ".endif",
            "stm r3!, {r6}", "mov r8, r3"]
    return body + tail


def asm(variant):
    # GCC hands Thumb-1 inline assembly to the assembler in divided syntax (-masm-syntax-unified is
    # off by default) and switches back to unified after the block
    return ([".syntax unified", "sub sp, #12", "mov r8, r3", "mov r9, r2", "mov lr, r4", "mov r10, r5", "mov r11, r6", "mov r12, r7", "1:"]
            + channel(variant) + ["cmp r1, lr", "beq 2f", "b 1b", "2:", "add sp, #12"])


def simulate(lines, words, rng):
    """Runs the asm (with %c operands substituted) on random data; checks z."""
    pc = lambda v: bin(v).count('1')
    cout = rng.randrange(1, 5)
    accumulate = rng.random() < 0.5
    rw = 3 * words
    win = [rng.getrandbits(32) if rng.random() < 0.9 else rng.choice([0, M]) for _ in range(9 * words)]
    filters, biases, z0 = [], [], []
    expected = []
    for o in range(cout):
        weights = [[rng.getrandbits(32) if rng.random() < 0.9 else rng.choice([0, M]) for _ in range(9)] for _ in range(words)]
        m2, bias, old = rng.getrandbits(32), rng.getrandbits(32), rng.getrandbits(32)
        filters += [x for col in weights for x in col] + [m2]
        biases.append(bias); z0.append(old)
        D = sum(pc(win[(t // 3) * rw + (t % 3) * words + w] ^ weights[w][t]) for w in range(words) for t in range(9))
        expected.append((bias + m2 * D + (old if accumulate else 0)) & M)
    # memory: word addresses
    mem = {}
    base = {'win': 0x1000, 'f': 0x2000, 'b': 0x3000, 'z': 0x4000, 'sp': 0x8000}
    for i, v in enumerate(win): mem[base['win'] + 4 * i] = v
    for i, v in enumerate(filters): mem[base['f'] + 4 * i] = v
    for i, v in enumerate(biases): mem[base['b'] + 4 * i] = v
    for i, v in enumerate(z0): mem[base['z'] + 4 * i] = v
    r = {'r0': base['win'], 'r1': base['f'], 'r2': base['b'], 'r3': base['z'], 'r4': base['f'] + 4 * len(filters),
         'r5': 0x55555555, 'r6': 0x33333333, 'r7': 0x0F0F0F0F, 'sp': base['sp']}
    text = "\n".join(lines).replace("%c[rw4]", str(rw * 4)).replace("%c[words]", str(words)).replace("%c[accumulate]", "1" if accumulate else "0")
    # expand .rept/.set/.if (no nesting of .rept)
    prog = expand(text.split("\n"))
    labels = {l[:-1]: i for i, l in enumerate(prog) if l.endswith(':')}
    i, steps = 0, 0
    while i < len(prog):
        steps += 1
        assert steps < 10 ** 6
        l = prog[i]; i += 1
        if l.endswith(':') or l.startswith('.syntax'):
            continue
        op, _, rest = l.partition(' ')
        args = [a.strip() for a in re.split(r',(?![^{]*})(?![^\[]*\])', rest)] if rest else []
        val = lambda a: r[a] if a in r else int(eval(a.lstrip('#')))
        if op in ('eors', 'bics', 'orrs', 'ands', 'subs', 'adds', 'muls', 'lsrs', 'lsls') and len(args) == 2 and op != 'lsrs' and op != 'lsls':
            d, s = args
            if d in ('sp',):
                pass
            a, b = r[d], val(s)
            r[d] = {'eors': a ^ b, 'bics': a & ~b & M, 'orrs': a | b, 'ands': a & b, 'subs': (a - b) & M, 'adds': (a + b) & M}[op]
            if d in ('r0',) and op in ('adds', 'subs'):
                pass
            for x in (d, s):
                assert x.startswith('#') or x in ('r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'), l
            if s.startswith('#'):
                assert d == 'r0' and op in ('adds', 'subs') and 0 <= val(s) <= 255, l
        elif op in ('subs', 'adds') and len(args) == 3:
            d, a, b = args
            r[d] = (r[a] + r[b]) & M if op == 'adds' else (r[a] - r[b]) & M
        elif op == 'muls':
            d, a, b = args
            assert d == b
            r[d] = (r[a] * r[b]) & M
        elif op in ('lsrs', 'lsls'):
            d, a, s = args
            n = val(s)
            r[d] = (r[a] >> n) if op == 'lsrs' else (r[a] << n) & M
        elif op == 'uxtb':
            r[args[0]] = r[args[1]] & 255
        elif op == 'mov':
            r[args[0]] = r[args[1]]
        elif op == 'ldr' or op == 'str':
            reg = args[0]
            m = re.match(r'\[(\w+)(?:,\s*(#.*))?\]', args[1])
            addr = r[m.group(1)] + (val(m.group(2)) if m.group(2) else 0)
            assert m.group(1) == 'sp' or (0 <= (addr - r[m.group(1)]) <= 124), l
            if op == 'ldr': r[reg] = mem[addr]
            else: mem[addr] = r[reg]
        elif op in ('ldm', 'stm'):
            b = args[0].rstrip('!')
            regs = [x.strip() for x in args[1].strip('{}').split(',')]
            assert regs == sorted(regs, key=lambda x: int(x[1:]))
            for x in regs:
                if op == 'ldm': r[x] = mem[r[b]]
                else: mem[r[b]] = r[x]
                r[b] += 4
        elif op == 'sub' and args[0] == 'sp':
            r['sp'] -= val(args[1])
        elif op == 'add' and args[0] == 'sp':
            r['sp'] += val(args[1])
        elif op == 'cmp':
            flag = r[args[0]] == r[args[1]]
        elif op == 'beq':
            if flag: i = labels[args[0][:-1]]
        elif op == 'b':
            i = labels[args[0][:-1]]
        else:
            raise ValueError(l)
    got = [mem[base['z'] + 4 * o] for o in range(cout)]
    assert got == expected, (words, got, expected)
    assert r['r0'] == base['win'] and r['sp'] == base['sp']


def expand(lines):
    out, syms, i = [], {}, 0
    def ev(e):
        for k, v in syms.items():
            e = re.sub(rf'\b{k}\b', str(v), e)
        return int(eval(e))
    def run(block):
        res, j, skip = [], 0, []
        while j < len(block):
            l = block[j]; j += 1
            if l.startswith('.rept'):
                n = ev(l[5:]); depth, k = 1, j
                while depth:
                    depth += block[k].startswith('.rept') - (block[k] == '.endr'); k += 1
                inner = block[j:k - 1]; j = k
                if not any(skip):
                    for _ in range(n): res += run(inner)
                continue
            if l.startswith('.if'): skip.append(not ev(l[3:])); continue
            if l == '.else': skip[-1] = not skip[-1]; continue
            if l == '.endif': skip.pop(); continue
            if any(skip): continue
            if l.startswith('.set'):
                k, e = l[4:].split(','); syms[k.strip()] = ev(e); continue
            res.append(re.sub(r'\b(gn_col)\b', lambda m: str(syms[m.group(1)]), l))
        return res
    return run(lines)


PROLOGUE = r'''/**
 * @file gn_binary_csa_b1_thumb1.h
 * @brief Thumb-1 (Cortex-M0, ARMv6-M) version of the channel loop of
 *        gn_binary_conv_3x3_b1_csa_filters_u32() (1-bit signs, 3x3, gathered window).
 *
 * GENERATED by tools/kernel-asm/gen_csa3x3b1_thumb1.py, which also runs the sequence in a small
 * Thumb-1 interpreter on random windows against the popcount of the differing signs; edit the
 * generator, not this file.
 *
 * @par Why assembly here
 * The arithmetic is exactly that of gn_csa_column_3x3_b1_u32() (the C version, which stays the
 * documentation). Thumb-1 has two-operand instructions on eight low registers and no shifted
 * operands; GCC spends about 150 instructions per output channel and word column on the C
 * version (mask constants and window words shuttled between registers and the stack). Written out:
 * each full adder is five in-place instructions, a window row's three weight words are one LDM,
 * the masks wait in high registers (one MOV per counting stage) and the bytes are summed without
 * a multiply: about 105 instructions per output channel and word column plus 12 per channel.
 *
 * Used only with GCC-compatible inline assembly, Thumb-1 (no Thumb-2) and optimisation; the
 * window must be gathered (row_words = 3 * words), words at most GN_CSA_B1_THUMB1_MAX_WORDS.
 */
#ifndef GN_BINARY_CSA_B1_THUMB1_H
#define GN_BINARY_CSA_B1_THUMB1_H

#include <stdint.h>

#include "gn_config.h"

#if (defined(__GNUC__) || defined(__clang__)) && defined(__thumb__) && !defined(__thumb2__) && defined(__OPTIMIZE__)
#define GN_HAVE_CSA_B1_THUMB1 1
#else
#define GN_HAVE_CSA_B1_THUMB1 0
#endif

/** Largest words per pixel of the WN loop (its window pointer steps must fit 8-bit immediates). */
#define GN_CSA_B1_THUMB1_MAX_WORDS MAX_WORDS_VALUE

#if GN_HAVE_CSA_B1_THUMB1
/**
 * @brief For o = 0 .. cout-1: v = biases[o] + m2_o * sum_w sum_t popcount(A_tw xor W_otw)
 *        (two's complement); z[o] = v, or z[o] += v with @p accumulate_.
 * @param win        gathered window uint32_t [3][3][words]
 * @param filters    uint32_t [cout][words * 9 + 1]: per word column the 9 taps' weight words,
 *                   then m2 = -2 * multiplier as two's complement bits
 * @param biases     int32_t [cout]
 * @param words_     a compile-time constant, 1 .. GN_CSA_B1_THUMB1_MAX_WORDS
 * @param cout       output channels, at least 1
 * @param z          int32_t [cout]
 * @param accumulate_ a compile-time constant: 0 to assign, 1 to add
 */
#define GN_CSA3X3B1_THUMB1(win, filters, biases, words_, cout, z, accumulate_)                                  \
    do                                                                                                         \
    {                                                                                                          \
        register const uint32_t *gn_a_ __asm__("r0") = (win);                                                  \
        register const uint32_t *gn_f_ __asm__("r1") = (filters);                                              \
        register const int32_t *gn_b_ __asm__("r2") = (biases);                                                \
        register int32_t *gn_zp_ __asm__("r3") = (z);                                                          \
        register const uint32_t *gn_end_ __asm__("r4") = (filters) + (cout) * ((words_) * 9 + 1);              \
        register uint32_t gn_m1_ __asm__("r5") = 0x55555555u;                                                  \
        register uint32_t gn_m2_ __asm__("r6") = 0x33333333u;                                                  \
        register uint32_t gn_m4_ __asm__("r7") = 0x0F0F0F0Fu;                                                  \
        if ((words_) == 1)                                                                                     \
        {                                                                                                      \
            __asm__ volatile(GN_CSA3X3B1_THUMB1_W1_BODY                                                        \
                             : "+l"(gn_a_), "+l"(gn_f_), "+l"(gn_b_), "+l"(gn_zp_), "+l"(gn_end_), "+l"(gn_m1_), \
                               "+l"(gn_m2_), "+l"(gn_m4_)                                                      \
                             : [rw4] "i"(3 * 4), [accumulate] "i"(accumulate_)                                 \
                             : "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory");                         \
        }                                                                                                      \
        else                                                                                                   \
        {                                                                                                      \
            __asm__ volatile(GN_CSA3X3B1_THUMB1_WN_BODY                                                        \
                             : "+l"(gn_a_), "+l"(gn_f_), "+l"(gn_b_), "+l"(gn_zp_), "+l"(gn_end_), "+l"(gn_m1_), \
                               "+l"(gn_m2_), "+l"(gn_m4_)                                                      \
                             : [words] "i"(words_), [accumulate] "i"(accumulate_)                              \
                             : "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory");                         \
        }                                                                                                      \
    } while (0)

'''


def main():
    rng = random.Random(2)
    text = PROLOGUE.replace("MAX_WORDS_VALUE", str(MAX_WORDS))
    for variant in ('W1', 'WN'):
        lines = asm(variant)
        for n in range(600):
            simulate(lines, 1 if variant == 'W1' else 2 + n % (MAX_WORDS - 1), rng)
        count = len([l for l in column(variant) if not l.startswith('.')])
        tail = len([l for l in channel(variant) if not l.startswith('.')]) - (count if variant == 'W1' else count + 4)
        print(f"1-bit Thumb-1 {variant}: simulation ok, {count} instructions per channel and column, about {tail} + 3 per channel", file=sys.stderr)
        if variant == 'WN':
            need = (MAX_WORDS * 104 * 2 + 80) // 4
            lines = lines + [""] * max(0, need - len(lines))
        body = " \\\n".join(f'        "{x}\\n"' for x in lines)
        text += f"#define GN_CSA3X3B1_THUMB1_{variant}_BODY \\\n{body}\n"
    text += "#endif /* GN_HAVE_CSA_B1_THUMB1 */\n\n#endif /* GN_BINARY_CSA_B1_THUMB1_H */\n"
    with open(sys.argv[1], 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
