#!/usr/bin/env python3
# Generates c-runtime/include/gn_binary_csa_thumb2.h: the Thumb-2 inline-assembly channel loops of
# the 3x3 carry-save kernels, 2-bit (gn_binary_conv_3x3_b2_csa_filters_u32) and 1-bit signs
# (gn_binary_conv_3x3_b1_csa_filters_u32), each in two variants:
#   W1: one word per plane (LDRD for the two planes of a tap and for weight pairs),
#   WN: 2+ words per plane (one tree per word column, columns unrolled with .rept; the byte sums of
#       the columns are accumulated in a stack slot).
# The program is written once with value names; registers are assigned by linear scan (at most 11
# temporaries, so the asm block needs 13 registers with the window and filter pointers); the
# result is simulated on random windows against the +/-1 dot product before the header is written.
# Usage: python3 tools/kernel-asm/gen_csa3x3b2_thumb2.py c-runtime/include/gn_binary_csa_thumb2.h
import os, random, sys

M = 0xFFFFFFFF
NREG = 11


def program(variant):
    prog = []

    def emit(op, dst, *src, **kw):
        prog.append((op, dst, src, kw))

    def FA(a, b, c, s, cy):
        # full adder in place, no temporary: x = a^b; y = a&~x (= a&b); s = x^c; z = c&~s (= x&c); cy = y|z
        emit('eor', '_x', a, b); emit('bic', '_y', a, '_x'); emit('eor', s, '_x', c); emit('bic', '_z', c, s); emit('orr', cy, '_y', '_z')

    def HA(a, b, s, cy):
        emit('eor', s, a, b); emit('and', cy, a, b)

    def act(t, x, y, w, pair=True):
        if variant == 'W1' and pair:
            emit('ldrdA', (x, y), tap=t)
        else:
            emit('ldrA', (x,), tap=t, plane=0); emit('ldrA', (y,), tap=t, plane=1)
        emit('and', x, x, w); emit('and', y, y, w)

    # taps 0..2
    emit('ldrdF', ('w0', 'w1'))
    act(0, 'x0', 'y0', 'w0'); act(1, 'x1', 'y1', 'w1')
    emit('ldrdF', ('w2', 'w3'))
    act(2, 'x2', 'y2', 'w2')
    FA('x0', 'x1', 'x2', 's1a', 'c2a'); FA('y0', 'y1', 'y2', 's2a', 'c4a')
    # taps 3..5, merged at weights 2 and 4; the two weight-1 sums merged by a half adder
    act(3, 'x3', 'y3', 'w3')
    emit('ldrdF', ('w4', 'w5'))
    act(4, 'x4', 'y4', 'w4'); act(5, 'x5', 'y5', 'w5')
    FA('x3', 'x4', 'x5', 's1b', 'c2b'); FA('y3', 'y4', 'y5', 's2b', 'c4b')
    FA('c2a', 's2a', 'c2b', 't2', 'c4e'); FA('c4a', 'c4e', 'c4b', 'f4', 'c8a')
    HA('s1a', 's1b', 'h1', 'h2'); FA('t2', 's2b', 'h2', 'u2', 'c4p')
    # taps 6..8: plane 0 of tap 8 is reduced before plane 1 is loaded (11 registers)
    emit('ldrdF', ('w6', 'w7'))
    act(6, 'x6', 'y6', 'w6'); act(7, 'x7', 'y7', 'w7')
    emit('ldrF', ('w8',))
    emit('ldrA', ('x8',), tap=8, plane=0); emit('and', 'x8', 'x8', 'w8'); FA('x6', 'x7', 'x8', 's1c', 'c2c')
    emit('ldrA', ('y8',), tap=8, plane=1); emit('and', 'y8', 'y8', 'w8'); FA('y6', 'y7', 'y8', 's2c', 'c4c')
    HA('h1', 's1c', 'o1', 'c2d'); FA('u2', 'c2c', 's2c', 'v2', 'c4g'); HA('v2', 'c2d', 'o2', 'c4h')
    FA('c4p', 'f4', 'c4c', 'p4', 'c8b'); FA('p4', 'c4g', 'c4h', 'o4', 'c8c'); FA('c8a', 'c8b', 'c8c', 'o8', 'o16')
    # count: per nibble, weight, fold to bytes (<= 248 each)
    emit('movi', 'm1', imm=0x55555555); emit('movi', 'm2', imm=0x33333333)
    for v in ['o1', 'o2', 'o4', 'o8', 'o16']:
        emit('andsr', '_t', 'm1', v, sh=('lsr', 1)); emit('sub', v, v, '_t')
        emit('andsr', '_t', 'm2', v, sh=('lsr', 2)); emit('and', v, v, 'm2'); emit('add', v, v, '_t')
    emit('addsh', 'a', 'o1', 'o2', sh=('lsl', 1)); emit('addsh', 'b', 'o4', 'o8', sh=('lsl', 1))
    emit('movi', 'm4', imm=0x0F0F0F0F)
    for v in ['a', 'b']:
        emit('andsr', '_t', 'm4', v, sh=('lsr', 4)); emit('and', v, v, 'm4'); emit('add', v, v, '_t')
    emit('addsh', 'o16', 'o16', 'o16', sh=('lsr', 4)); emit('and', 'o16', 'o16', 'm4')
    emit('addsh', 'a', 'a', 'b', sh=('lsl', 2)); emit('addsh', 'a', 'a', 'o16', sh=('lsl', 4))
    emit('BYTESUM', ('s', '_z'), 'a', noalias=1)
    # once per channel (after the last column): multiplier, store
    emit('TAIL', ('_m', '_ap', '_zp', '_old'), 's', noalias=1)
    return prog


def program_b1(variant):
    """1-bit (signs): D = sum_t popcount(A_t xor W_t) of one word column; tail v = mult * (K - 2 * D)."""
    prog = []

    def emit(op, dst, *src, **kw):
        prog.append((op, dst, src, kw))

    def FA(a, b, c, s, cy):
        emit('eor', '_x', a, b); emit('bic', '_y', a, '_x'); emit('eor', s, '_x', c); emit('bic', '_z', c, s); emit('orr', cy, '_y', '_z')

    for row in range(3):
        t = 3 * row
        w0, w1, w2 = f'w{t}', f'w{t + 1}', f'w{t + 2}'
        if row == 0:
            emit('ldrdF', (w0, w1)); emit('ldrdF', (w2, 'w3'))
        elif row == 1:
            emit('ldrdF', (w1, w2))
        else:
            emit('ldrdF', (w0, w1)); emit('ldrF', (w2,))
        if variant == 'W1':
            emit('ldrdA', (f'd{t}', f'd{t + 1}'), tap=t)
        else:
            emit('ldrA', (f'd{t}',), tap=t); emit('ldrA', (f'd{t + 1}',), tap=t + 1)
        emit('ldrA', (f'd{t + 2}',), tap=t + 2)
        for i in range(3):
            emit('eor', f'd{t + i}', f'd{t + i}', f'w{t + i}')
        FA(f'd{t}', f'd{t + 1}', f'd{t + 2}', f's{row}', f'c{row}')
    FA('s0', 's1', 's2', 'o1', 'c2d'); FA('c0', 'c1', 'c2', 's2x', 'c4a')
    emit('eor', 'o2', 's2x', 'c2d'); emit('and', 'c4b', 's2x', 'c2d')
    emit('eor', 'o4', 'c4a', 'c4b'); emit('and', 'o8', 'c4a', 'c4b')
    emit('movi', 'm1', imm=0x55555555); emit('movi', 'm2', imm=0x33333333)
    for v in ['o1', 'o2', 'o4', 'o8']:
        emit('andsr', '_t', 'm1', v, sh=('lsr', 1)); emit('sub', v, v, '_t')
        emit('andsr', '_t', 'm2', v, sh=('lsr', 2)); emit('and', v, v, 'm2'); emit('add', v, v, '_t')
    emit('addsh', 'a', 'o1', 'o2', sh=('lsl', 1)); emit('addsh', 'b', 'o4', 'o8', sh=('lsl', 1))
    emit('movi', 'm4', imm=0x0F0F0F0F)
    for v in ['a', 'b']:
        emit('andsr', '_t', 'm4', v, sh=('lsr', 4)); emit('and', v, v, 'm4'); emit('add', v, v, '_t')
    emit('addsh', 'a', 'a', 'b', sh=('lsl', 2))
    emit('BYTESUM', ('s', '_z'), 'a', noalias=1)
    emit('TAIL1', ('_m', '_k', '_zp', '_old'), 's', noalias=1)
    return prog


def allocate(prog):
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
    free = [f"t{i}" for i in range(NREG)]
    reg, live, peak = {}, set(), 0
    for i, (op, d, s, kw) in enumerate(ins):
        def alloc():
            for v in d:
                if not free:
                    sys.exit(f"out of registers at instruction {i} ({op})")
                reg[v] = free.pop(0)
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


def asm(variant, ins, reg, dsp, bits=2):
    R = lambda v: "%[" + reg[v] + "]"
    out = []

    def off(kw):
        t = kw['tap']
        if bits == 1:
            if variant == 'W1':
                return f"({t // 3}*%c[rw4]+{(t % 3) * 4})"
            return f"({t // 3}*%c[rw4]+{t % 3}*%c[words]*4+gn_col*4)"
        if variant == 'W1':
            return f"({t // 3}*%c[rw4]+{(t % 3) * 8}{'+4' if kw.get('plane') else ''})"
        return f"({t // 3}*%c[rw4]+{(t % 3) * 2}*%c[words]*4+{kw.get('plane', 0)}*%c[words]*4+gn_col*4)"

    for op, d, s, kw in ins:
        if op == 'ldrdF':
            out.append(f"ldrd {R(d[0])}, {R(d[1])}, [%[f]], #8")
        elif op == 'ldrF':
            out.append(f"ldr {R(d[0])}, [%[f]], #4")
        elif op == 'ldrdA':
            out.append(f"ldrd {R(d[0])}, {R(d[1])}, [%[a], #{off(kw)}]")
        elif op == 'ldrA':
            out.append(f"ldr {R(d[0])}, [%[a], #{off(kw)}]")
        elif op in ('and', 'eor', 'orr', 'sub', 'add', 'bic'):
            out.append(f"{op} {R(d[0])}, {R(s[0])}, {R(s[1])}")
        elif op in ('andsr', 'addsh'):
            out.append(f"{op[:3]} {R(d[0])}, {R(s[0])}, {R(s[1])}, {kw['sh'][0]} #{kw['sh'][1]}")
        elif op == 'movi':
            out.append(f"mov {R(d[0])}, #0x{kw['imm']:08X}")
        elif op == 'BYTESUM':
            sr, z, a = R(d[0]), R(d[1]), R(s[0])
            if dsp:
                sumcol = [f"mov {z}, #0", f"usad8 {sr}, {a}, {z}"]
            else:  # two halfword sums of two bytes each; folded once per channel
                sumcol = [f"lsr {z}, {a}, #8", f"and {z}, {z}, #0x00FF00FF", f"and {sr}, {a}, #0x00FF00FF", f"add {sr}, {sr}, {z}"]
            if variant == 'W1':
                out += sumcol
            else:
                out += sumcol + [".if gn_col > 0", f"ldr {z}, %[colsum]", f"add {sr}, {sr}, {z}", ".endif",
                                 ".if gn_col < %c[words] - 1", f"str {sr}, %[colsum]", ".endif"]
            if not dsp:
                out += [".if gn_col == %c[words] - 1" if variant != 'W1' else ".if 1", f"add {sr}, {sr}, {sr}, lsr #16", f"uxth {sr}, {sr}", ".endif"]
        elif op == 'TAIL1':
            m, k, zp, old = (R(x) for x in d)
            sr = R(s[0])
            out += [f"ldr {m}, [%[f]], #4", f"ldr {k}, %[apop]", f"sub {sr}, {k}, {sr}, lsl #1", f"mul {sr}, {sr}, {m}",
                    f"ldr {zp}, %[zp]", ".if %c[accumulate]", f"ldr {old}, [{zp}]", f"add {sr}, {sr}, {old}", ".endif",
                    f"str {sr}, [{zp}], #4", f"str {zp}, %[zp]", f"ldr {old}, %[end]", f"cmp %[f], {old}", "bne.w 1b"]
        elif op == 'TAIL':
            m, ap, zp, old = (R(x) for x in d)
            sr = R(s[0])
            out += [f"ldr {m}, [%[f]], #4", f"ldr {ap}, %[apop]", f"rsb {sr}, {ap}, {sr}, lsl #1", f"mul {sr}, {sr}, {m}",
                    f"ldr {zp}, %[zp]", ".if %c[accumulate]", f"ldr {old}, [{zp}]", f"add {sr}, {sr}, {old}", ".endif",
                    f"str {sr}, [{zp}], #4", f"str {zp}, %[zp]", f"ldr {old}, %[end]", f"cmp %[f], {old}", "bne.w 1b"]
        else:
            raise ValueError(op)
    if variant == 'W1':
        return ["1:"] + out
    # columns: everything up to the byte sum repeats per column; the tail runs after the last
    cut = next(i for i, l in enumerate(out) if l.startswith("ldr ") and "[%[f]], #4" in l and "%[apop]" in out[i + 1])
    return ["1:", ".set gn_col, 0", ".rept %c[words]"] + out[:cut] + [".set gn_col, gn_col + 1", ".endr"] + out[cut:]


def simulate(variant, ins, reg, words, rng, bits=2):
    pc = lambda v: bin(v).count('1')
    rw = 3 * bits * words + rng.randrange(0, 5)
    win = [rng.getrandbits(32) if rng.random() < 0.9 else M for _ in range(2 * rw + 6 * words)]
    weights = [[rng.getrandbits(32) if rng.random() < 0.9 else M for _ in range(9)] for _ in range(words)]  # [w][t]
    mult = rng.randrange(-5000, 5000)
    filt = [x for col in weights for x in col] + [mult & M]
    apop = S = 0
    if bits == 1:
        K = rng.randrange(0, 100000)
        D = sum(pc(win[(t // 3) * rw + (t % 3) * words + w] ^ weights[w][t]) for w in range(words) for t in range(9))
        expected = (mult * (K - 2 * D)) & M
        apop = K
    for w in range(words if bits == 2 else 0):
        for t in range(9):
            o = (t // 3) * rw + (t % 3) * 2 * words + w
            apop += pc(win[o]) + 2 * pc(win[o + words])
            S += pc(win[o] & weights[w][t]) + 2 * pc(win[o + words] & weights[w][t])
    if bits == 2:
        expected = (mult * (2 * S - apop)) & M
    regs, fp, colsum = {}, 0, 0
    for col in range(words):
        for op, d, s, kw in ins:
            g = [regs[reg[v]] for v in s]
            if op == 'ldrdF':
                regs[reg[d[0]]], regs[reg[d[1]]] = filt[fp], filt[fp + 1]; fp += 2; continue
            if op == 'ldrF':
                regs[reg[d[0]]] = filt[fp]; fp += 1; continue
            if op in ('ldrdA', 'ldrA'):
                t = kw['tap']
                o = (t // 3) * rw + (t % 3) * bits * words + col + (words if kw.get('plane') else 0)
                regs[reg[d[0]]] = win[o]
                if op == 'ldrdA':
                    assert words == 1
                    regs[reg[d[1]]] = win[o + (1 if bits == 2 else 1)]
                continue
            if op == 'BYTESUM':
                colsum += sum((g[0] >> (8 * i)) & 255 for i in range(4))
                regs[reg[d[0]]] = colsum
                regs[reg[d[1]]] = 0xDEAD
                continue
            if op in ('TAIL', 'TAIL1'):
                if col < words - 1:
                    break
                m = filt[fp]
                value = (2 * g[0]) - apop if op == 'TAIL' else apop - 2 * g[0]
                got = (value * (m if m < 2**31 else m - 2**32)) & M
                assert got == expected, (variant, words, got, expected)
                return
            r = {'and': lambda: g[0] & g[1], 'eor': lambda: g[0] ^ g[1], 'orr': lambda: g[0] | g[1],
                 'bic': lambda: g[0] & ~g[1] & M, 'sub': lambda: (g[0] - g[1]) & M, 'add': lambda: (g[0] + g[1]) & M,
                 'andsr': lambda: g[0] & (g[1] >> kw['sh'][1]),
                 'addsh': lambda: (g[0] + (((g[1] << kw['sh'][1]) & M) if kw['sh'][0] == 'lsl' else g[1] >> kw['sh'][1])) & M,
                 'movi': lambda: kw['imm']}[op]()
            regs[reg[d[0]]] = r
    raise AssertionError("no tail")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rng = random.Random(1)
    text = open(os.path.join(here, 'header_prologue.h.txt')).read()
    for bits, build, name in ((2, program, 'GN_CSA3X3B2_THUMB2'), (1, program_b1, 'GN_CSA3X3B1_THUMB2')):
        bodies = {}
        for variant in ('W1', 'WN'):
            ins, reg, peak = allocate(build(variant))
            for n in range(2000):
                simulate(variant, ins, reg, 1 if variant == 'W1' else 2 + n % 4, rng, bits)
            for dsp in (True, False):
                bodies[(variant, dsp)] = asm(variant, ins, reg, dsp, bits)
            count = sum(1 for l in bodies[(variant, True)] if not l.startswith('.') and not l.endswith(':'))
            print(f"{bits}-bit {variant}: {len(ins)} operations, peak {peak} registers, simulation ok, {count} instructions per channel and column (+ tail)", file=sys.stderr)
        for variant in ('W1', 'WN'):
            for dsp in (True, False):
                body = " \\\n".join(f'        "{x}\\n"' for x in bodies[(variant, dsp)])
                text += ("#if GN_HAVE_DSP\n" if dsp else "#else\n") + f"#define {name}_{variant}_BODY \\\n{body}\n"
            text += "#endif\n"
    text += "#endif /* GN_HAVE_CSA_THUMB2 */\n\n#endif /* GN_BINARY_CSA_THUMB2_H */\n"
    with open(sys.argv[1], 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
