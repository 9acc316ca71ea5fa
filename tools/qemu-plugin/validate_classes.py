#!/usr/bin/env python3
"""Cross-checks the plugin's instruction-class histogram against an independent classification:
QEMU's single-step exec trace (one pc per executed instruction) + arm-none-eabi-objdump mnemonics.
Taken / not taken: the next traced pc differs from / equals the branch's fall-through address.
The trace is one line per instruction: use small images (the selftest; a model's full run is GBs).
  tools/qemu-plugin/validate_classes.py <elf> [machine] [cpu]     (exit 0 when equal)"""
import collections, json, os, re, shutil, subprocess, sys, tempfile

elf = sys.argv[1]; machine = sys.argv[2] if len(sys.argv) > 2 else "mps2-an386"; cpu = sys.argv[3] if len(sys.argv) > 3 else "cortex-m4"
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp()
qemu = ["qemu-system-arm", "-M", machine, "-cpu", cpu, "-nographic", "-semihosting-config", "enable=on,target=native", "-kernel", elf]
subprocess.run(qemu + ["-plugin", f"{here}/libgn_insn_count.so,out={work}/p.json"], capture_output=True)
subprocess.run(qemu + ["-singlestep", "-d", "exec,nochain", "-D", f"{work}/t.log"], capture_output=True)

insns = {}  # pc -> (mnemonic, operands, size)
for line in subprocess.run(["arm-none-eabi-objdump", "-d", "--no-show-raw-insn", elf], capture_output=True, text=True).stdout.splitlines():
    m = re.match(r"\s+([0-9a-f]+):\s+(\S+)\s*(.*)", line)
    if m:
        insns[int(m.group(1), 16)] = (m.group(2), m.group(3))
raw = {}
for line in subprocess.run(["arm-none-eabi-objdump", "-d", elf], capture_output=True, text=True).stdout.splitlines():
    m = re.match(r"\s+([0-9a-f]+):\s+([0-9a-f]{4})(?: ([0-9a-f]{4}))?\s", line)
    if m:
        raw[int(m.group(1), 16)] = 4 if m.group(3) else 2

COND = "eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le"
def classify(pc, it_cond):
    mn, ops = insns[pc]
    base = mn.split(".")[0]
    if base in ("cbz", "cbnz"): return "cond"
    if re.fullmatch(rf"b({COND})", base): return "cond"
    is_branch = base in ("b", "bl", "blx", "bx", "tbb", "tbh") or re.fullmatch(rf"(b|bx|blx|bl)({COND})", base) \
        or (re.match(r"(mov|add)", base) and ops.split(",")[0].strip() == "pc")
    if is_branch: return "cond" if it_cond else "branch"
    if re.match(r"(pop|ldm)", base): return "ldm"
    if re.match(r"(push|stm)", base): return "stm"
    if re.match(r"(pld|pli)", base): return "other"
    if re.match(r"(ldr|ldrex|lda)", base): return "load"
    if re.match(r"(str|strex|stl)", base): return "store"
    if re.match(r"(sdiv|udiv)", base): return "div"
    if re.match(r"(smull|umull|smlal|umlal|umaal)", base): return "mul_long"
    if re.match(r"(mul|mla|mls|smul|smla|smlsd|smusd|smuad|smmul|smmla|smmls|usad)", base): return "mul"
    if re.match(r"(it|nop|yield|wfi|wfe|sev|dmb|dsb|isb|mrs|msr|cps|svc|bkpt|udf|v|cdp|mcr|mrc|ldc|stc)", base): return "other"
    return "alu"

counts = collections.Counter()
pcs = []
with open(f"{work}/t.log") as f:
    for line in f:
        if line.startswith("Trace "):
            pcs.append(int(line[line.index("[") + 1:].split("/")[1], 16))
it_left = 0; it_cond = False
for i, pc in enumerate(pcs):
    cls = classify(pc, it_left > 0 and it_cond)
    if it_left > 0: it_left -= 1
    mn, ops = insns[pc]
    if mn.startswith("it") and mn != "it" or mn == "it":
        if re.fullmatch(r"it[te]{0,3}", mn):
            it_left = len(mn) - 1; it_cond = ops.strip() != "al"
    if cls == "cond":
        nxt = pcs[i + 1] if i + 1 < len(pcs) else None
        cls = "branch_cond_not_taken" if nxt == pc + raw[pc] else "branch_cond_taken"
    counts[cls] += 1
plugin = json.load(open(f"{work}/p.json"))["buckets"][0]["run"]["classes"]
shutil.rmtree(work)
trace = {k: counts.get(k, 0) for k in plugin}
print("plugin:", plugin); print("trace: ", trace)
print("AGREE" if plugin == trace else "DISAGREE")
sys.exit(0 if plugin == trace else 1)
