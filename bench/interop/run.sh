#!/usr/bin/env bash
# The PyTorch round trip: train the tiny Group-Net a few steps in PyTorch (interop/pytorch, Debian's python3-torch),
# export its checkpoint here, and compare
#   - PyTorch's own test accuracy (eval mode) with the integer program's (`groupnet evaluate` on the .gndm): the
#     difference must stay within 0.2 points;
#   - the firmware's logits with the managed reference's (`groupnet emulate --count 16`): identical.
# Prints its figures and writes bench/interop/results/interop.md. Settings from the environment:
#   GN_INTEROP_STEPS (300), GN_INTEROP_BASES (2), GN_INTEROP_BITS (2), GN_INTEROP_TEST_COUNT (0 = all 10,000),
#   GN_INTEROP_BOARD (mps2-an386), GN_INTEROP_THREADS (2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

steps="${GN_INTEROP_STEPS:-300}"
bases="${GN_INTEROP_BASES:-2}"
bits="${GN_INTEROP_BITS:-2}"
test_count="${GN_INTEROP_TEST_COUNT:-0}"
board="${GN_INTEROP_BOARD:-mps2-an386}"
threads="${GN_INTEROP_THREADS:-2}"
data=.cache/mnist/package/data
out=out/bench-interop
results=bench/interop/results
mkdir -p "$out" "$results"

[ -f "$data/train-images-idx3-ubyte" ] || scripts/setup.sh
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "interop: needs PyTorch for /usr/bin/python3 (Debian: apt-get install python3-torch)" >&2; exit 1; }
dotnet build cli/GroupNet.Cli -c Release -nologo -v quiet
groupnet() { dotnet cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll "$@"; }
start=$(date +%s)

echo "== PyTorch: tiny Group-Net v1 K=$bases W1A$bits, $steps steps on MNIST"
torch_json=$(/usr/bin/python3 interop/pytorch/train_mnist.py --data "$data" --out "$out/torch.ckpt" --bases "$bases" --bits "$bits" \
  --steps "$steps" --threads "$threads" --test-count "$test_count")
echo "$torch_json"
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
torch_correct=$(field "$torch_json" correct)
images=$(field "$torch_json" test_images)
torch_version=$(field "$torch_json" torch)
torch_seconds=$(field "$torch_json" seconds)

echo "== export the PyTorch checkpoint"
groupnet export "$out/torch.ckpt" --data "$data" --name torch --out "$out/torch.gndm"
echo "== accuracy: the same checkpoint in TorchSharp, and the integer program"
float_json=$(groupnet evaluate "$out/torch.ckpt" --data "$data" --first "$images" --json)
integer_json=$(groupnet evaluate "$out/torch.gndm" --data "$data" --first "$images" --json)
float_correct=$(field "$float_json" correct)
integer_correct=$(field "$integer_json" correct)
echo "== firmware for $board in QEMU, 16 images"
emulate_json=$(groupnet emulate "$out/torch.gndm" --board "$board" --images "$data/t10k-images-idx3-ubyte" --count 16 --out "$out/firmware" --json)
identical=$(field "$emulate_json" identical)
emulated=$(field "$emulate_json" images)

pct() { /usr/bin/python3 -c "import sys; print(f'{100 * int(sys.argv[1]) / int(sys.argv[2]):.2f}')" "$1" "$2"; }
torch_pct=$(pct "$torch_correct" "$images")
float_pct=$(pct "$float_correct" "$images")
integer_pct=$(pct "$integer_correct" "$images")
difference=$(/usr/bin/python3 -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):+.2f}')" "$integer_pct" "$torch_pct")
within=$(/usr/bin/python3 -c "import sys; print('yes' if abs(float(sys.argv[1])) <= 0.2 + 1e-9 else 'NO')" "$difference")
logits_ok=$([ "$identical" = "$emulated" ] && echo yes || echo NO)
seconds=$(( $(date +%s) - start ))

summary="| PyTorch $torch_version, $steps steps (${torch_seconds} s) | TorchSharp float, same checkpoint | integer program | integer - PyTorch | within 0.2 | firmware logits identical ($board) |
|---|---|---|---|---|---|
| $torch_pct% ($torch_correct/$images) | $float_pct% ($float_correct/$images) | $integer_pct% ($integer_correct/$images) | $difference | $within | $identical/$emulated |"
echo
echo "$summary"
{
  echo "# PyTorch round trip (bench/interop/run.sh)"
  echo
  echo "$(date -u +%Y-%m-%d\ %H:%M) UTC, $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); tiny Group-Net v1 K=$bases W1A$bits"
  echo "trained $steps steps (batch 64) in PyTorch (interop/pytorch/train_mnist.py), exported with \`groupnet export\`,"
  echo "evaluated on the first $images MNIST test images; $seconds s in all."
  echo
  echo "$summary"
} > "$results/interop.md"
echo "wrote $results/interop.md"
[ "$within" = yes ] && [ "$logits_ok" = yes ]
