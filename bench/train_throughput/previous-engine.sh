#!/usr/bin/env bash
# The throughput table with three columns: the trainer (TorchSharp), PyTorch 1.13, and the project's own engine that
# TorchSharp replaced (last at commit b26e484), all in one run. Builds that commit's benchmark in a temporary git
# worktree under out/ (nothing of it is committed), then runs run.sh --previous-engine with it; other arguments go
# to run.sh. PyTorch: scripts/setup-bench.sh once.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
commit=b26e484
tree="$root/out/previous-engine"
if [ ! -x "$tree/bench/train_throughput/bin/Release/net10.0/TrainThroughput" ]; then
  rm -rf "$tree"
  git worktree prune
  git worktree add --detach "$tree" "$commit" >&2
  dotnet build "$tree/bench/train_throughput/TrainThroughput.csproj" -c Release -nologo -v quiet >&2
fi
exec bench/train_throughput/run.sh --previous-engine "$tree/bench/train_throughput/bin/Release/net10.0/TrainThroughput" "$@"
