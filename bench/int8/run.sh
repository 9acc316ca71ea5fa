#!/usr/bin/env bash
# int8 comparison point: the full-precision parent (K=1, W32A32) quantised to int8 by our own generator,
# measured like the binary models. Trains a short parent on MNIST unless --checkpoint is given, exports it
# with `groupnet export-int8 --evaluate` (float vs int8 top-1 on the 10k test set), runs the firmware in QEMU on
# Cortex-M4 (SMLAD kernel) and Cortex-M3 (portable kernel) with exact per-layer instruction counts, and writes
# bench/int8/results/int8.json and int8.md.
#   bench/int8/run.sh [--checkpoint FP.ckpt] [--epochs N] [--images N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
checkpoint="" epochs=1 count=8
while [ $# -gt 0 ]; do
  case "$1" in
    --checkpoint) checkpoint="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --images) count="$2"; shift 2 ;;
    *) echo "bench/int8: unknown argument $1" >&2; exit 2 ;;
  esac
done
work=bench/int8/work
results=bench/int8/results
mkdir -p "$work" "$results"
dotnet build cli/GroupNet.Cli -c Release -nologo -v quiet >&2
groupnet() { dotnet cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll "$@"; }
data=.cache/mnist/package/data

if [ -z "$checkpoint" ]; then
  checkpoint="$work/fp.ckpt"
  if [ ! -f "$checkpoint" ]; then
    echo "training the full-precision parent: $epochs epoch(s), 1 thread" >&2
    groupnet train --bases 1 --bits 32 --epochs "$epochs" --threads 1 --out "$checkpoint" >&2
  fi
fi
model="$work/tiny_int8.gndm"
groupnet export-int8 "$checkpoint" --out "$model" --name tiny_int8 --evaluate | tee "$work/export.txt"
groupnet inspect "$model" --json > "$work/inspect.json"
for board in mps2-an386 mps2-an385; do
  groupnet emulate "$model" --board "$board" --images "$data/t10k-images-idx3-ubyte" --count "$count" \
    --per-layer --json --out "out/bench-int8/$board" > "$work/emulate-$board.json"
done

python3 - "$work" "$results" "$checkpoint" <<'PY'
import json, re, sys
work, results, checkpoint = sys.argv[1:4]
export = open(f"{work}/export.txt").read()
def pct(label):
    m = re.search(label + r": ([0-9.]+)%", export)
    return float(m.group(1)) if m else None
inspect = json.load(open(f"{work}/inspect.json"))
macs = {l["name"]: l["int8_macs"] for l in inspect["layers"]}
shapes = {l["name"]: (l["kind"], l["output"]) for l in inspect["layers"]}
out = {"checkpoint": checkpoint, "float_top1": pct("float model test accuracy"),
       "int8_top1": pct("int8 reference test accuracy"), "int8_macs": inspect["totals"]["int8_macs"], "cores": []}
md = ["# int8 comparison point (bench/int8/run.sh)", "",
      f"full-precision parent `{checkpoint}`: float top-1 **{out['float_top1']}%**, int8 reference top-1 **{out['int8_top1']}%** (MNIST 10k test set)", "",
      "| core | kernel | flash B | RAM B (static + stack) | instructions per inference | per MAC | agreement |", "|---|---|---:|---:|---:|---:|---|"]
layer_md = ["", "| layer | kind | output | int8 MACs | M4 insn/MAC | M3 insn/MAC |", "|---|---|---|---:|---:|---:|"]
per_core = {}
for board, kernel in (("mps2-an386", "SMLAD"), ("mps2-an385", "portable C")):
    r = json.load(open(f"{work}/emulate-{board}.json"))
    n = r["instructions_per_inference"]
    avg = sum(n) / len(n)
    rows = {row["name"]: row["instructions_per_inference"] for row in r["per_layer"]["rows"] if row["kind"] == "layer"}
    per_core[r["core"]] = rows
    entry = {"board": board, "core": r["core"], "kernel": kernel, "flash_bytes": r["flash_bytes"], "ram_bytes": r["ram_bytes"],
             "stack_bytes": r["stack_bytes"], "instructions_per_inference": avg, "instructions_per_mac": avg / out["int8_macs"],
             "identical": r["identical"], "images": r["images"],
             "layers": [{"name": k, "instructions_per_inference": v, "int8_macs": macs.get(k, 0),
                         "instructions_per_mac": (v / macs[k]) if macs.get(k) else None} for k, v in rows.items()]}
    out["cores"].append(entry)
    md.append(f"| {r['core']} ({board}) | {kernel} | {r['flash_bytes']:,} | {r['ram_bytes']:,} + {r['stack_bytes']:,} | {avg:,.0f} | {avg / out['int8_macs']:.2f} | {r['identical']}/{r['images']} identical |")
for name, m in macs.items():
    if not m:
        continue
    kind, shape = shapes[name]
    cells = [f"{per_core[c][name] / m:.2f}" if name in per_core.get(c, {}) else "-" for c in ("M4", "M3")]
    layer_md.append(f"| {name} | {kind} | {shape} | {m:,} | {cells[0]} | {cells[1]} |")
md += layer_md
md.append("")
md.append("flash includes the embedded test images (784 B each); per-layer rows are exact QEMU counts, per MAC = layer instructions / layer int8 MACs (window gather and requantisation included).")
json.dump(out, open(f"{results}/int8.json", "w"), indent=2)
open(f"{results}/int8.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
print(f"results: {results}/int8.json, {results}/int8.md")
PY
