#!/usr/bin/env bash
# Times `groupnet report` (build once per model x core x level, one QEMU run each, accuracy of the C#
# reference on the whole test set) and writes the wall time with the report's JSON to
# bench/results/report.json (the cells without their per-layer rows; the whole report stays in
# out/bench-report) and copies report.md and the charts (SVG and PNG) to bench/report/results/grid/.
# Default: the demo model (run ./demo.sh first) on all six cores at -O2. Arguments go to
# `groupnet report`, e.g. issue 7's grid: the demo model plus K x bits random models on all six cores:
#   bench/report/run.sh [MODEL.gndm|random:k=2,bits=2,seed=1 ...] [--grid configs/report-grid.yaml]
# The charts alone redraw from the saved files (per-layer rows from that folder's report.md) with
#   groupnet charts bench/results/report.json --out bench/report/results/grid
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ "$#" -eq 0 ]; then
  set -- out/demo/tiny.gndm
fi
dotnet build cli/GroupNet.Cli -c Release -nologo -v quiet >&2
mkdir -p bench/results
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s.%N)
dotnet cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll report "$@" --out out/bench-report --json > out/bench-report.json
end=$(date +%s.%N)
python3 - "$start" "$end" "$*" "$load_at_start" <<'PY'
import json, os, sys
start, end, models, load_at_start = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], float(sys.argv[4])
report = json.load(open("out/bench-report.json"))
for cell in report["cells"]:
    cell.pop("layers", None)
result = {"models": models, "cells": len(report["cells"]), "wall_seconds": round(end - start, 1),
          "cpus": os.cpu_count(), "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg()[0],
          "report": report}
json.dump(result, open("bench/results/report.json", "w"), indent=1)
print(f"groupnet report: {result['cells']} cells in {result['wall_seconds']} s on {result['cpus']} CPUs")
PY
mkdir -p bench/report/results/grid
rm -f bench/report/results/grid/*
cp out/bench-report/report.md out/bench-report/*.svg out/bench-report/*.png bench/report/results/grid/
echo "results: bench/results/report.json; report: bench/report/results/grid/report.md (all files in out/bench-report)"
