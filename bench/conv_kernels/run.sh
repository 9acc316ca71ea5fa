#!/usr/bin/env bash
# Forward time of the training engine's conv2d (im2col + blocked GEMM) against a direct 3x3 kernel written
# for this comparison, on the tiny network's conv shapes at batch 128 with 2 threads (issue 3: "measure
# before choosing im2col+GEMM or direct kernels"). Prints a table; writes bench/results/conv_kernels.json.
# Options: --runs N (timed, default 9), --warmup N (default 3), --batch N (default 128), --threads N
# (default 2), --results PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$here/ConvKernels.csproj" -c Release -nologo -v quiet >&2
exec "$here/bin/Release/net10.0/ConvKernels" "$@"
