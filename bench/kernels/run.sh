#!/usr/bin/env bash
# Instructions per binary MAC of every binary conv layer of the tiny, small and narrow networks on every
# core (M0 microbit, M3 mps2-an385, M4 mps2-an386, M7 mps2-an500, M33 mps2-an505, M55 mps3-an547),
# counted exactly in QEMU by tools/qemu-plugin with per-layer attribution. Seeded random Group-Net
# models of the trainer's shapes, K = 1 (per base); each run's logits are checked against the C#
# reference. M0 runs the networks on a 14x14 input (28x28 activations exceed its 16 KiB RAM).
# Options: --json (print exactly one object {"rows": [...]}), --cores M0,M4 --networks tiny,small,narrow
#          --bits 2 (comma list), --reference (portable kernels only), --results PATH
#          (default bench/kernels/results/kernels.json, which also holds per-inference totals).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$here/KernelBench.csproj" -c Release -nologo -v quiet >&2
exec "$here/bin/Release/net10.0/KernelBench" "$@"
