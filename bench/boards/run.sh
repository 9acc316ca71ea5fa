#!/usr/bin/env bash
# Runs one deployment model on every board in QEMU (firmware built with arm-none-eabi-gcc, logits
# compared with the managed reference, exact instructions counted) and writes
# bench/results/boards.json. Default model: the demo's (run ./demo.sh first).
#   bench/boards/run.sh [MODEL.gndm] [IMAGES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
model="${1:-out/demo/tiny.gndm}"
count="${2:-64}"
[ -f "$model" ] || { echo "bench/boards: $model not found; run ./demo.sh or pass a model" >&2; exit 2; }
dotnet build cli/GroupNet.Cli -c Release -nologo -v quiet >&2
groupnet() { dotnet cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll "$@"; }
mkdir -p bench/results
out=bench/results/boards.json
printf '{"model": "%s", "images": %s, "boards": [' "$model" "$count" > "$out.tmp"
sep=""
printf '| board | core | flash B | RAM B | instructions per inference | agreement |\n|---|---|---:|---:|---:|---|\n'
for board in microbit mps2-an385 mps2-an386 mps2-an500 mps2-an505 mps3-an547; do
  if json=$(groupnet emulate "$model" --board "$board" --images .cache/mnist/package/data/t10k-images-idx3-ubyte \
            --count "$count" --count-instructions --json --out "out/bench-boards/$board" 2>/tmp/gn-bench-boards.err); then
    printf '%s%s' "$sep" "$json" >> "$out.tmp"
    python3 - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
n = r["instructions_per_inference"]
print(f"| {r['board']} | {r['core']} | {r['flash_bytes']:,} | {r['ram_bytes']:,} | {sum(n) // len(n):,} | {r['identical']}/{r['images']} identical |")
PY
  else
    # the one-line error's summary: "The image does not fit board ...: region `RAM' overflowed by N bytes (...)"
    reason=$(grep -m1 -E "overflowed|error" /tmp/gn-bench-boards.err | sed -e 's/^groupnet: error: //' -e 's/ command: .*//' -e 's/"/\\"/g' || true)
    printf '%s{"board": "%s", "error": "%s"}' "$sep" "$board" "$reason" >> "$out.tmp"
    if overflow=$(echo "$reason" | grep -oE "region .(RAM|FLASH). overflowed by [0-9]+ bytes"); then
      echo "| $board | - | - | - | - | does not fit: $overflow |"
    else
      echo "| $board | - | - | - | - | does not build/run: $reason |"
    fi
  fi
  sep=", "
done
printf ']}\n' >> "$out.tmp"
mv "$out.tmp" "$out"
echo "results: $out"
