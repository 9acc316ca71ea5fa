#!/usr/bin/env bash
# The whole-network speed targets on seeded random tiny models: one `groupnet report` of the int8 network
# (random:int8,seed=1) and the binary Group-Nets v1 K=1 / K=5 W1A1 and K=1 / K=3 W1A2 (seed 1) on all six cores
# at -O2, one embedded image each (its logits checked against the C# reference), no data set. Prints per core
# each binary model's instructions as a ratio of the int8 network's and whether it fits, the stem's
# instructions per MAC (9 x 16 x 28 x 28 MACs), and writes bench/report/results/random-vs-int8/results.json
# (those figures, the wall time, and the report without its per-layer rows) and report.md beside it.
#   bench/report/random-vs-int8.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
scripts/setup.sh >&2
dotnet build cli/GroupNet.Cli -c Release -nologo -v quiet >&2
out=out/report-random-vs-int8
results=bench/report/results/random-vs-int8
mkdir -p "$results"
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s.%N)
dotnet cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll report random:int8,seed=1 \
  random:k=1,bits=1,seed=1 random:k=5,bits=1,seed=1 random:k=1,bits=2,seed=1 random:k=3,bits=2,seed=1 \
  --dataset none --out "$out" --json > "$out.json"
end=$(date +%s.%N)
cp "$out/report.md" "$results/report.md"
python3 - "$start" "$end" "$load_at_start" "$out.json" "$results/results.json" <<'PY'
import json, os, sys
start, end, load, source, path = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
report = json.load(open(source))
stem_macs = 9 * 16 * 28 * 28
rows = []
for cell in report["cells"]:
    stem = next((l for l in cell.get("layers") or [] if l["name"] == "stem"), None)
    ratio = next((c["instructions_ratio"] for c in report.get("int8_comparison", [])
                  if c["model"] == cell["model"] and c["core"] == cell["core"] and c["opt"] == cell["opt"]), None)
    rows.append({"model": cell["model"], "core": cell["core"], "status": cell["status"],
                 "instructions": cell["instructions_per_inference"], "x_int8": ratio,
                 "stem_instructions_per_mac": round(stem["instructions_per_inference"] / stem_macs, 2) if stem else None})
    cell.pop("layers", None)
result = {"command": "bench/report/random-vs-int8.sh", "rows": rows, "wall_seconds": round(end - start, 1),
          "cpus": os.cpu_count(), "load_average_at_start": load, "load_average_at_end": os.getloadavg()[0], "report": report}
json.dump(result, open(path, "w"), indent=1)
print("| core | model | status | instructions | x int8 | stem instructions / MAC |")
print("|---|---|---|---:|---:|---:|")
for r in sorted(rows, key=lambda r: (["M0", "M3", "M4", "M7", "M33", "M55"].index(r["core"]), r["model"])):
    x = f"{r['x_int8']:.2f}" if r["x_int8"] is not None else "-"
    n = f"{r['instructions']:,}" if r["instructions"] else "-"
    s = r["stem_instructions_per_mac"] if r["stem_instructions_per_mac"] is not None else "-"
    print(f"| {r['core']} | {r['model']} | {r['status']} | {n} | {x} | {s} |")
print(f"{len(rows)} cells in {result['wall_seconds']} s; results: {path}")
PY
