#!/usr/bin/env bash
# "Binary Group-Net or int8?" on Fashion-MNIST: the ablation's full-precision parent through
# `groupnet export-int8`, and its Group-Net v1 W1A2 runs with K=1 and K=3 through `groupnet export`, in one
# `groupnet report` on all six cores at -O2 and at -O2:perchannel (the binary models with the per-channel kernels
# everywhere: the flash-for-instructions trade), accuracy of the integer reference on the whole 10,000-image test set.
# Trains the three runs of configs/ablation-fashion.yaml it needs if runs/ablation-fashion lacks them
# (`groupnet ablate --only`, about 12 min on one thread). Copies report.md, report.json and the charts to
# bench/report/results/fashion-int8/ and records the wall time of the report.
#   bench/report/vs-int8.sh [--threads N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
threads=1
[ "${1:-}" = "--threads" ] && threads="$2"
scripts/setup.sh >&2
dotnet build cli/GroupNet.Cli -c Release -nologo -v quiet >&2
groupnet() { dotnet cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll "$@"; }
runs=runs/ablation-fashion
models=out/models
mkdir -p "$models"
groupnet ablate --config configs/ablation-fashion.yaml --out "$runs" --threads "$threads" --only fp,v1-k1-w1a2,v1-k3-w1a2 >&2
groupnet export-int8 "$runs/fp/model.ckpt" --data .cache/fashion-mnist --out "$models/fashion_int8.gndm" --name fashion_int8 >&2
groupnet export "$runs/v1-k1-w1a2/model.ckpt" --config "$runs/v1-k1-w1a2/model.config.yaml" --out "$models/fashion_k1.gndm" --name fashion_k1 >&2
groupnet export "$runs/v1-k3-w1a2/model.ckpt" --config "$runs/v1-k3-w1a2/model.config.yaml" --out "$models/fashion_k3.gndm" --name fashion_k3 >&2
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s.%N)
groupnet report "$models/fashion_int8.gndm" "$models/fashion_k1.gndm" "$models/fashion_k3.gndm" --dataset fashion-mnist \
  --opt O2,O2:perchannel --out out/report-fashion --json > out/report-fashion.json
end=$(date +%s.%N)
results=bench/report/results/fashion-int8
mkdir -p "$results"
cp out/report-fashion/report.md out/report-fashion/*.svg out/report-fashion/*.png "$results/"
python3 - "$start" "$end" "$load_at_start" "$results/report.json" <<'PY'
import json, os, sys
start, end, load, path = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
report = json.load(open("out/report-fashion.json"))
for cell in report["cells"]:
    cell.pop("layers", None)
result = {"command": "bench/report/vs-int8.sh", "models": "export-int8 of the ablation's full-precision parent (runs/ablation-fashion/fp), export of its v1-k1-w1a2 and v1-k3-w1a2 runs",
          "cells": len(report["cells"]), "wall_seconds": round(end - start, 1), "cpus": os.cpu_count(),
          "load_average_at_start": load, "load_average_at_end": os.getloadavg()[0], "report": report}
json.dump(result, open(path, "w"), indent=1)
print(f"groupnet report (int8 vs binary): {result['cells']} cells in {result['wall_seconds']} s")
PY
echo "results: $results"
