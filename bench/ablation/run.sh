#!/usr/bin/env bash
# The paper's comparisons on Fashion-MNIST (configs/ablation-fashion.yaml) and the MNIST v1 K=5 W1A2 run
# (configs/mnist-v1-k5-w1a2.yaml): trains what is not trained yet (resumable: finished runs are skipped, an
# interrupted one continues from its last checkpoint), then copies the ablation table (Markdown, CSV), every run's
# learning curves (SVG) and per-epoch metrics, and the MNIST result into bench/ablation/results/.
# Hours on a 2-core machine (about 2 h of training for the grid with one thread per run, plus about 2 h for the 36-epoch
# W1A1 run on an AVX2 machine; about 100 min for the 30 MNIST epochs with 2 threads on an AVX-512 machine).
#   bench/ablation/run.sh [--threads N] [--skip-mnist]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
threads=2
mnist=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --skip-mnist) mnist=0; shift ;;
    *) echo "bench/ablation: unknown argument $1 (--threads N, --skip-mnist)" >&2; exit 2 ;;
  esac
done
scripts/setup.sh >&2
dotnet build cli/GroupNet.Cli -c Release -nologo -v quiet >&2
groupnet() { dotnet cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll "$@"; }
out=runs/ablation-fashion
results=bench/ablation/results
mkdir -p "$results"

groupnet ablate --config configs/ablation-fashion.yaml --out "$out" --threads "$threads"
cp "$out/ablation.md" "$results/ablation-fashion.md"
cp "$out/ablation.csv" "$results/ablation-fashion.csv"
for dir in "$out"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/model.result.json" ] || continue
  cp "$dir/model.curves.svg" "$results/$name.curves.svg"
  cp "$dir/model.curves.png" "$results/$name.curves.png"
  cp "$dir/model.metrics.csv" "$results/$name.metrics.csv"
done

if [ "$mnist" = 1 ]; then
  mnist_dir=runs/mnist-v1-k5-w1a2
  if [ ! -f "$mnist_dir/model.result.json" ]; then
    resume=()
    [ -f "$mnist_dir/model.ckpt" ] && resume=(--resume)
    groupnet train --config configs/mnist-v1-k5-w1a2.yaml --out "$mnist_dir/model.ckpt" --threads "$threads" "${resume[@]}"
  fi
  cp "$mnist_dir/model.result.json" "$results/mnist-v1-k5-w1a2.result.json"
  cp "$mnist_dir/model.curves.svg" "$results/mnist-v1-k5-w1a2.curves.svg"
  cp "$mnist_dir/model.curves.png" "$results/mnist-v1-k5-w1a2.curves.png"
  cp "$mnist_dir/model.metrics.csv" "$results/mnist-v1-k5-w1a2.metrics.csv"
fi
cat "$results/ablation-fashion.md"
