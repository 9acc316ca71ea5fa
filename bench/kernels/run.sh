#!/usr/bin/env bash
# Instructions per binary MAC of every binary conv layer, counted exactly in QEMU (Cortex-M4,
# mps2-an386) with tools/qemu-plugin's per-function ranges. Networks: seeded random Group-Net
# models, K=1, 2-bit activations, "tiny" (16/32/64 channels) and "small" (32/64/128), plus the
# whole-inference count of a K=2 tiny model.
# Options: --json (print one JSON object; always written to bench/results/kernels.json),
#          --reference (portable reference kernels only, for before/after comparisons),
#          --results PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$here/KernelBench.csproj" -c Release -nologo -v quiet >&2
exec "$here/bin/Release/net10.0/KernelBench" "$@"
