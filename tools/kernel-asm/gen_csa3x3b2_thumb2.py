# Generates the Thumb-2 inline-assembly channel loop of the 3x3 2-bit carry-save kernel (one word
# per plane): the program below is written with value names, registers are assigned by linear scan
# (at most NREG temporaries, 11 by default, so that the block needs 13 registers with the window and
# filter pointers), the result is simulated on random windows against the +/-1 dot product, and
# the header is written.
# Usage: python3 tools/kernel-asm/gen_csa3x3b2_thumb2.py 11 c-runtime/include/gn_binary_csa_thumb2.h
import random, sys
M=0xFFFFFFFF
prog=[]  # (op, dst(s), srcs, extra)
def emit(op, dst, *src, **kw): prog.append((op, dst, src, kw))
def FA(a,b,c,s,cy):
    # in place, no temporary: b = a^b; a = a&~b (= a&b); s = b^c; c = c&~s (= (a^b)&c); cy = a|c
    emit('eor','_x',a,b); emit('bic','_y',a,'_x'); emit('eor',s,'_x',c); emit('bic','_z',c,s); emit('orr',cy,'_y','_z')
def HA(a,b,s,cy):
    emit('eor',s,a,b); emit('and',cy,a,b)
def off(t): return f"(({t//3})*RW4+{(t%3)*8})"
# triple A
emit('ldrdF',('w0','w1'))
emit('ldrdA',('x0','y0'),off=off(0)); emit('and','x0','x0','w0'); emit('and','y0','y0','w0')
emit('ldrdA',('x1','y1'),off=off(1)); emit('and','x1','x1','w1'); emit('and','y1','y1','w1')
emit('ldrdF',('w2','w3'))
emit('ldrdA',('x2','y2'),off=off(2)); emit('and','x2','x2','w2'); emit('and','y2','y2','w2')
FA('x0','x1','x2','s1a','c2a'); FA('y0','y1','y2','s2a','c4a')
# triple B
emit('ldrdA',('x3','y3'),off=off(3)); emit('and','x3','x3','w3'); emit('and','y3','y3','w3')
emit('ldrdF',('w4','w5'))
emit('ldrdA',('x4','y4'),off=off(4)); emit('and','x4','x4','w4'); emit('and','y4','y4','w4')
emit('ldrdA',('x5','y5'),off=off(5)); emit('and','x5','x5','w5'); emit('and','y5','y5','w5')
FA('x3','x4','x5','s1b','c2b'); FA('y3','y4','y5','s2b','c4b')
FA('c2a','s2a','c2b','t2','c4e'); FA('c4a','c4e','c4b','f4','c8a')
HA('s1a','s1b','h1','h2'); FA('t2','s2b','h2','u2','c4p')
# triple C
emit('ldrdF',('w6','w7'))
emit('ldrdA',('x6','y6'),off=off(6)); emit('and','x6','x6','w6'); emit('and','y6','y6','w6')
emit('ldrdA',('x7','y7'),off=off(7)); emit('and','x7','x7','w7'); emit('and','y7','y7','w7')
emit('ldrF8',('w8',))
emit('ldrA',('x8',),off=off(8)); emit('and','x8','x8','w8'); FA('x6','x7','x8','s1c','c2c')
emit('ldrA',('y8',),off=off(8)+'+4'); emit('and','y8','y8','w8'); FA('y6','y7','y8','s2c','c4c')
HA('h1','s1c','o1','c2d'); FA('u2','c2c','s2c','v2','c4g'); HA('v2','c2d','o2','c4h')
FA('c4p','f4','c4c','p4','c8b'); FA('p4','c4g','c4h','o4','c8c'); FA('c8a','c8b','c8c','o8','o16')
# count
emit('movi','m1',imm=0x55555555); emit('movi','m2',imm=0x33333333)
for v in ['o1','o2','o4','o8','o16']:
    emit('andsr','_t','m1',v,sh=('lsr',1)); emit('sub',v,v,'_t'); emit('andsr','_t','m2',v,sh=('lsr',2)); emit('and',v,v,'m2'); emit('add',v,v,'_t')
emit('addsh','a','o1','o2',sh=('lsl',1)); emit('addsh','b','o4','o8',sh=('lsl',1))
emit('movi','m4',imm=0x0F0F0F0F)
for v in ['a','b']:
    emit('andsr','_t','m4',v,sh=('lsr',4)); emit('and',v,v,'m4'); emit('add',v,v,'_t')
emit('addsh','o16','o16','o16',sh=('lsr',4)); emit('and','o16','o16','m4')
emit('addsh','a','a','b',sh=('lsl',2)); emit('addsh','a','a','o16',sh=('lsl',4))
emit('BYTESUM',('s','_z'),'a',noalias=1)
# tail
emit('ldrM','m')
emit('ldrAP','ap')
emit('rsbsh','s','ap','s',sh=('lsl',1))
emit('mul','s','s','m')
emit('STORE',('_zp','_old'),'s',noalias=1)
emit('LOOP',('_e',))

# make SSA-ish temps unique: '_t' is reused; handle by treating each def as new value
# liveness on value names with versioning
vals=[]; ver={}
def use(n): return (n,ver[n])
def define(n):
    ver[n]=ver.get(n,-1)+1; return (n,ver[n])
ins=[]
for op,dst,src,kw in prog:
    s=[use(x) for x in src]
    if dst is None: d=()
    elif isinstance(dst,tuple): d=tuple(define(x) for x in dst)
    else: d=(define(dst),)
    ins.append((op,d,s,kw))
last={}
for i,(op,d,s,kw) in enumerate(ins):
    for v in s: last[v]=i
for i,(op,d,s,kw) in enumerate(ins):
    for v in d:
        if v not in last: last[v]=i  # dead def
NREG=int(sys.argv[1]) if len(sys.argv)>1 else 11
free=[f"t{i}" for i in range(NREG)]
reg={}; peak=0; live=set()
for i,(op,d,s,kw) in enumerate(ins):
    # sources dying here free before allocating dest (dest may reuse), except ldrd pairs fine
    dying=[v for v in s if last[v]==i]
    def alloc():
        for v in d:
            if not free: print("OUT OF REGS at",i,op,d,file=sys.stderr); sys.exit(1)
            reg[v]=free.pop(0); live.add(v)
    if kw.get('noalias'): alloc()
    for v in dying:
        if v in live: live.remove(v); free.insert(0,reg[v])
    if not kw.get('noalias'): alloc()
    peak=max(peak,len(live))
    for v in d:
        if last[v]==i: live.remove(v); free.insert(0,reg[v])
print("peak",peak,"instructions",len(ins),file=sys.stderr)
# emit asm text
def R(v): return "%["+reg[v]+"]"
lines=[]
for op,d,s,kw in ins:
    if op=='ldrdF': lines.append(f"ldrd {R(d[0])}, {R(d[1])}, [%[f]], #8")
    elif op=='ldrF8': lines.append(f"ldr {R(d[0])}, [%[f]], #8")
    elif op=='ldrA': lines.append(f"ldr {R(d[0])}, [%[a], #{kw['off']}]")
    elif op=='ldrdA': lines.append(f"ldrd {R(d[0])}, {R(d[1])}, [%[a], #{kw['off']}]")
    elif op in('and','eor','orr','sub','mul','add','bic'): lines.append(f"{op} {R(d[0])}, {R(s[0])}, {R(s[1])}")
    elif op=='andsr': lines.append(f"and {R(d[0])}, {R(s[0])}, {R(s[1])}, {kw['sh'][0]} #{kw['sh'][1]}")
    elif op=='addsh': lines.append(f"add {R(d[0])}, {R(s[0])}, {R(s[1])}, {kw['sh'][0]} #{kw['sh'][1]}")
    elif op=='rsbsh': lines.append(f"rsb {R(d[0])}, {R(s[0])}, {R(s[1])}, {kw['sh'][0]} #{kw['sh'][1]}")
    elif op=='movi': lines.append(f"mov {R(d[0])}, #0x{kw['imm']:08X}")
    elif op=='BYTESUM': lines.append(("BYTESUM", R(d[0]), R(s[0]), R(d[1])))
    elif op=='ldrM': lines.append(f"ldr {R(d[0])}, [%[f], #-4]")
    elif op=='ldrAP': lines.append(f"ldr {R(d[0])}, %[apop]")
    elif op=='STORE': lines.append(("STORE", R(s[0]), R(d[0]), R(d[1])))
    elif op=='LOOP': lines.append(("LOOP", R(d[0])))
    else: raise Exception(op)
# simulate for correctness on random data
def sim(win, filt, apop, RW4):
    R_={}
    mem_f=filt; fp=0
    for op,d,s,kw in ins:
        g=lambda v: R_[reg[v]]
        if op=='ldrdF': R_[reg[d[0]]]=mem_f[fp]; R_[reg[d[1]]]=mem_f[fp+1]; fp+=2
        elif op=='ldrF8': R_[reg[d[0]]]=mem_f[fp]; fp+=2
        elif op=='ldrA':
            o=eval(kw['off'].replace('RW4',str(RW4)))//4
            R_[reg[d[0]]]=win[o]
        elif op=='ldrdA':
            o=eval(kw['off'].replace('RW4',str(RW4)))//4
            R_[reg[d[0]]]=win[o]; R_[reg[d[1]]]=win[o+1]
        else:
            a=[g(v) for v in s]
            if op=='and': r=a[0]&a[1]
            elif op=='eor': r=a[0]^a[1]
            elif op=='orr': r=a[0]|a[1]
            elif op=='bic': r=a[0]&~a[1]&M
            elif op=='sub': r=(a[0]-a[1])&M
            elif op=='add': r=(a[0]+a[1])&M
            elif op=='mul': r=(a[0]*a[1])&M
            elif op=='andsr': r=a[0]&(a[1]>>kw['sh'][1])
            elif op=='addsh': r=(a[0]+((a[1]<<kw['sh'][1])&M if kw['sh'][0]=='lsl' else a[1]>>kw['sh'][1]))&M
            elif op=='rsbsh': r=(((a[1]<<1)&M)-a[0])&M
            elif op=='movi': r=kw['imm']
            elif op=='BYTESUM': r=sum((a[0]>>(8*i))&255 for i in range(4))
            elif op=='ldrM': r=mem_f[fp-1]
            elif op=='ldrAP': r=apop&M
            elif op=='STORE': return a[0]
            if op=='BYTESUM': R_[reg[d[1]]]=0xDEAD
            R_[reg[d[0]]]=r
pc=lambda v: bin(v).count('1')
rng=random.Random(1)
for n in range(3000):
    RW4=56*4
    win=[rng.getrandbits(32) if n%7 else M for _ in range(200)]
    w=[rng.getrandbits(32) if n%5 else M for _ in range(9)]
    mult=rng.randrange(-1000,1000)
    filt=w[:8]+[w[8],mult&M]
    # reference
    apop=0; S=0
    for t in range(9):
        o=(t//3)*56+(t%3)*2
        apop+=pc(win[o])+2*pc(win[o+1]); S+=pc(win[o]&w[t])+2*pc(win[o+1]&w[t])
    exp=(mult*(2*S-apop))&M
    got=sim(win,filt,apop,RW4)
    assert got==exp,(n,got,exp)
print("simulation ok",file=sys.stderr)
print("regs used", sorted(set(reg.values())), file=sys.stderr)

# ---- header text ----
def asm_lines(dsp):
    out=[]
    for l in lines:
        if isinstance(l,str): out.append(l); continue
        if l[0]=='BYTESUM':
            s,a,z=l[1],l[2],l[3]
            if dsp: out += [f"mov {z}, #0", f"usad8 {s}, {a}, {z}"]
            else: out += [f"lsr {z}, {a}, #8", f"and {z}, {z}, #0x00FF00FF", f"and {s}, {a}, #0x00FF00FF", f"add {s}, {s}, {z}", f"add {s}, {s}, {s}, lsr #16", f"uxth {s}, {s}"]
        elif l[0]=='STORE':
            s,zp,old=l[1],l[2],l[3]
            out += [f"ldr {zp}, %[zp]", ".if %c[accumulate]", f"ldr {old}, [{zp}]", f"add {s}, {s}, {old}", ".endif", f"str {s}, [{zp}], #4", f"str {zp}, %[zp]"]
        elif l[0]=='LOOP':
            e=l[1]
            out += [f"ldr {e}, %[end]", f"cmp %[f], {e}", "bne.w 1b"]
    return out
def cstr(ls): return "\n".join(f'        "{x}\\n"' for x in ls)
print(len(asm_lines(True)), len(asm_lines(False)), file=sys.stderr)

# ---- write the header ----
if len(sys.argv) > 2:
    pre=open(sys.argv[3] if len(sys.argv) > 3 else __file__.rsplit('/', 1)[0] + '/header_prologue.h.txt').read()
    def body(ls): return "\n".join(f'        "{x}\\n" \\' for x in ls).rstrip(' \\')
    dsp=[x.replace('RW4','%c[rw4]') for x in ["1:"]+asm_lines(True)]
    nodsp=[x.replace('RW4','%c[rw4]') for x in ["1:"]+asm_lines(False)]
    text=pre+"#if GN_HAVE_DSP\n#define GN_CSA3X3B2_THUMB2_W1_BODY \\\n"+body(dsp)+"\n#else\n#define GN_CSA3X3B2_THUMB2_W1_BODY \\\n"+body(nodsp)+"\n#endif\n#endif /* GN_HAVE_CSA_THUMB2 */\n\n#endif /* GN_BINARY_CSA_THUMB2_H */\n"
    open(sys.argv[2],'w').write(text)
    print("wrote", sys.argv[2], file=sys.stderr)
