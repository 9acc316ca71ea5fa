#!/usr/bin/env bash
# The main job: train a full-precision parent and a Group-Net v1 from it on MNIST, export the integer program, check the managed
# reference on the full test set, generate Cortex-M4 firmware, run it in QEMU, report.
# Installs what it needs (scripts/setup.sh). Safe to run twice; outputs go to out/demo (git-ignored).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

BASES="${GN_DEMO_BASES:-2}"
BITS="${GN_DEMO_BITS:-2}"
EPOCHS="${GN_DEMO_EPOCHS:-2}"
BATCH="${GN_DEMO_BATCH:-64}"
PARENT_EPOCHS="${GN_DEMO_PARENT_EPOCHS:-1}"
BOARD="${GN_DEMO_BOARD:-mps2-an386}"
IMAGES="${GN_DEMO_IMAGES:-64}"

start=$(date +%s)
scripts/setup.sh
dotnet build cli/GroupNet.Cli -c Release -nologo -v quiet
groupnet() { dotnet cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll "$@"; }
data=.cache/mnist/package/data
out=out/demo
mkdir -p "$out"

# The recipe (docs/demo.md): a full-precision parent (batch 128, lr 0.1), then the binary network from it with
# smaller batches (more steps in two epochs) and no weight decay; both with a cosine schedule.
echo "== train: full-precision parent ($PARENT_EPOCHS epoch)"
groupnet train --data "$data" --bases 1 --bits 32 --epochs "$PARENT_EPOCHS" --lr 0.1 --batch 128 --bn-batches 10 --out "$out/parent.ckpt"
echo "== train: Group-Net v1 from the parent: K=$BASES bases, binary weights, $BITS-bit activations, $EPOCHS epochs"
groupnet train --data "$data" --parent "$out/parent.ckpt" --bases "$BASES" --bits "$BITS" --epochs "$EPOCHS" --lr 0.1 --batch "$BATCH" \
  --weight-decay 0 --bn-batches 10 --out "$out/tiny.ckpt"
echo "== export"
groupnet export "$out/tiny.ckpt" --data "$data" --name tiny --out "$out/tiny.gndm"
groupnet inspect "$out/tiny.gndm"
echo "== integer reference on the MNIST test set"
groupnet evaluate "$out/tiny.gndm" --data "$data"
echo "== firmware for $BOARD in QEMU"
groupnet emulate "$out/tiny.gndm" --board "$BOARD" --images "$data/t10k-images-idx3-ubyte" --count "$IMAGES" --count-instructions --out "$out/firmware"
echo "demo: finished in $(( $(date +%s) - start )) s"
