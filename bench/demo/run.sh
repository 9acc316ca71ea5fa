#!/usr/bin/env bash
# The demo as a new user meets it: a fresh clone of this repository's HEAD (out/bench-demo/clone), `./demo.sh` in it
# with its defaults (or GN_DEMO_* from the environment), every output line stamped with the seconds since the start.
# Prints the demo's figures and writes bench/demo/results/demo.json (time, accuracies, agreement, size, instructions,
# load average, machine) and demo.log (the stamped output). Packages already on the machine (apt, the NuGet and npm
# caches) are used as they are, as they would be on a second run of set-up.
#   bench/demo/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
work=out/bench-demo
results=bench/demo/results
rm -rf "$work/clone"
mkdir -p "$work" "$results"
git clone --quiet --no-hardlinks "$root" "$work/clone"
commit=$(git -C "$work/clone" rev-parse --short HEAD)
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s.%N)
# Stamp each line as it arrives (seconds since the start), so the log shows where the time goes.
( cd "$work/clone" && ./demo.sh 2>&1 ) | python3 -u -c '
import sys, time
start = float(sys.argv[1])
for line in sys.stdin:
    sys.stdout.write(f"[{time.time() - start:7.1f} s] {line}")
' "$start" | tee "$work/demo.log"
status=${PIPESTATUS[0]}
end=$(date +%s.%N)
[ "$status" -eq 0 ] || { echo "bench/demo: demo.sh failed with status $status (log: $work/demo.log)" >&2; exit "$status"; }
cp "$work/demo.log" "$results/demo.log"
python3 - "$start" "$end" "$load_at_start" "$commit" "$results/demo.json" "$work/demo.log" <<'PY'
import json, os, re, sys
start, end, load, commit, path, log = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
text = open(log).read()

def number(pattern, cast=float):
    # the last match: the parent's training prints a "float model" line before the binary model's
    found = re.findall(pattern, text)
    if not found:
        sys.exit(f"bench/demo: the demo printed no line matching {pattern!r}; its output contract changed (see {log})")
    return cast(found[-1].replace(",", ""))

def stamp(pattern):
    m = re.search(r"\[\s*([0-9.]+) s\][^\n]*" + pattern, text)
    return float(m.group(1)) if m else None

result = {
    "command": "bench/demo/run.sh", "commit": commit, "cpus": os.cpu_count(),
    "seconds": round(end - start, 1),
    "float_top1": number(r"float model MNIST test accuracy[^0-9]*([0-9.]+)%"),
    "integer_top1": number(r"integer reference accuracy: ([0-9.]+)%"),
    "identical_images": number(r"([0-9]+)/[0-9]+ logits identical", int),
    "emulated_images": number(r"[0-9]+/([0-9]+) logits identical", int),
    "flash_bytes": number(r"flash: ([0-9,]+) bytes", int),
    "static_ram_bytes": number(r"RAM: ([0-9,]+) bytes static", int),
    "stack_peak_bytes": number(r"stack peak ([0-9,]+) bytes", int),
    "instructions_per_inference": number(r"instructions per inference: ([0-9,]+)", int),
    "seconds_at": {"training_starts": stamp("== train"), "binary_training_starts": stamp("== train: Group-Net"), "export_starts": stamp("== export"),
                   "integer_reference_starts": stamp("== integer reference"), "firmware_starts": stamp("== firmware")},
    "load_average_at_start": load, "load_average_at_end": os.getloadavg()[0],
}
json.dump(result, open(path, "w"), indent=1)
print(f"demo from a fresh clone of {commit}: {result['seconds']} s, float {result['float_top1']}%, integer {result['integer_top1']}%, "
      f"{result['identical_images']}/{result['emulated_images']} logits identical, {result['instructions_per_inference']:,} instructions")
PY
echo "results: $results/demo.json"
