#!/usr/bin/env bash
# The complete MNIST and Fashion-MNIST test sets (10,000 images each) through the firmware in QEMU
# on every board (Cortex-M0, M3, M4, M7, M33, M55) and through the C# integer reference; prints
# "N/N logits identical" per data set and core, and the wall times; writes
# bench/full_agreement/results/full_agreement.json.
#
# The firmware is the streaming harness (firmware/common/gn_stream_main.c): images are read from a
# host file over semihosting, so one QEMU run handles thousands of images; --jobs QEMU processes
# each run a slice of the file.
#
# Options:
#   --mnist-model M.gndm     MNIST model (default: train a short one: v1 K=1 W1A2, 3 epochs on 12,000 images)
#   --fashion-model F.gndm   Fashion-MNIST model (default: train a short one: v1 K=1 W1A2, 3 epochs on 12,000 images)
#   --boards a,b,...         boards (default: all six); a board a trained model does not fit (the 16 KiB
#                            Cortex-M0) runs the same images through the small agreement network instead
#                            (random integer weights, K=1, 2-bit, 8/16/32 channels, downsampling early);
#                            the results row names it ("instead_of"). Rows of boards not run are kept.
#   --count N                images per test set (default 10000)
#   --jobs J                 QEMU processes at once (default 2)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
mnist=""; fashion=""; passthrough=()
while [ $# -gt 0 ]; do
  case "$1" in
    --mnist-model) mnist="$2"; shift 2 ;;
    --fashion-model) fashion="$2"; shift 2 ;;
    --boards|--count|--jobs) passthrough+=("$1" "$2"); shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

start=$(date +%s)
dotnet build Embedded.sln -c Release -nologo -v quiet >&2
dotnet build "$here/FullAgreement.csproj" -c Release -nologo -v quiet >&2
groupnet=(dotnet "$root/cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll")
work="$root/out/full_agreement"
mkdir -p "$work"

if [ -z "$mnist" ]; then
  echo "training a short MNIST model (v1 K=1 W1A2, 3 epochs, 12,000 images, 1 thread)" >&2
  "${groupnet[@]}" train --bases 1 --bits 2 --epochs 3 --train-count 12000 --threads 1 --out "$work/mnist.ckpt" >&2
  "${groupnet[@]}" export "$work/mnist.ckpt" --out "$work/mnist.gndm" --name mnist >&2
  mnist="$work/mnist.gndm"
fi
if [ -z "$fashion" ]; then
  echo "training a short Fashion-MNIST model (v1 K=1 W1A2, 3 epochs, 12,000 images, 1 thread)" >&2
  cat > "$work/fashion.yaml" <<'YAML'
name: fashion-short
dataset: fashion-mnist
trainCount: 12000
testCount: 1000
seed: 1
batch: 128
model:
  network: tiny
  structure: v1
  bases: 1
  weightBits: 1
  activationBits: 2
  firstLast: fp32
  classes: 10
recipe:
  epochs: 3
  lr: 0.05
  schedule: cosine
  bnBatches: 10
YAML
  "${groupnet[@]}" train --config "$work/fashion.yaml" --out "$work/fashion.ckpt" --threads 1 >&2
  "${groupnet[@]}" export "$work/fashion.ckpt" --out "$work/fashion.gndm" --name fashion >&2
  fashion="$work/fashion.gndm"
fi

status=0
"$here/bin/Release/net10.0/FullAgreement" --model "mnist=$mnist" --model "fashion-mnist=$fashion" \
  --results "$here/results" "${passthrough[@]}" || status=$?
echo "run.sh wall time: $(( $(date +%s) - start )) s (including builds and any training)"
exit "$status"
