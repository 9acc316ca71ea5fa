#!/usr/bin/env bash
# Forward time of the training engine's two conv2d algorithms, im2col + blocked GEMM and the direct 3x3
# kernel (trainer/GroupNet.Trainer/Ops/DirectConv3x3.cs), on the tiny network's conv shapes at batch 128
# with 2 threads (issue 3: "measure before choosing im2col+GEMM or direct kernels"). Prints a table;
# writes bench/results/conv_kernels.json.
# Options: --runs N (timed, default 9), --warmup N (default 3), --batch N (default 128), --threads N
# (default 2), --results PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$here/ConvKernels.csproj" -c Release -nologo -v quiet >&2
exec "$here/bin/Release/net10.0/ConvKernels" "$@"
