#!/usr/bin/env bash
# Builds the training-throughput benchmark in Release and runs it; arguments go to the benchmark
# (--json, --steps N, --warmup N, --threads N, --batch N, --no-pytorch, --python PATH, --results PATH).
# PyTorch comparison: run scripts/setup-bench.sh once (Debian python3-torch). Results: bench/results/train_throughput.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$here/TrainThroughput.csproj" -c Release -nologo -v quiet >&2
exec "$here/bin/Release/net10.0/TrainThroughput" "$@"
