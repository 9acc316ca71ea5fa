#!/usr/bin/env bash
# Fidelity of the integer program: for every finished run of an ablation folder (RUNS_DIR/NAME/model.ckpt with
# model.result.json), export the checkpoint, evaluate the managed integer reference on the run's whole test set
# (the data set recorded in NAME/model.config.yaml), evaluate the trained float model itself on the same images,
# and compare top-1. Prints a Markdown table and writes bench/fidelity/results/fidelity.md and fidelity.json for the
# default folder, NAME.md and NAME.json for any other folder NAME (prefixed fidelity- where NAME lacks it), so one
# grid's results never replace another's.
# A run measured before (out/bench-fidelity/NAME.row.json newer than its checkpoint) is not measured again.
#   bench/fidelity/run.sh [RUNS_DIR]      (default runs/ablation-fashion; nothing is written there)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
runs="${1:-runs/ablation-fashion}"
[ -d "$runs" ] || { echo "bench/fidelity: $runs not found; train the grid first (groupnet ablate --config configs/ablation-fashion.yaml --out $runs) or pass a folder" >&2; exit 2; }
limit="0.2"   # points of top-1 (the issue's fidelity bound)
dotnet build cli/GroupNet.Cli -c Release -nologo -v quiet >&2
groupnet() { dotnet cli/GroupNet.Cli/bin/Release/net10.0/groupnet.dll "$@"; }
results=bench/fidelity/results
work=out/bench-fidelity
mkdir -p "$results" "$work"
rows="$work/rows.jsonl"
: > "$rows"
notes="$work/notes.txt"
: > "$notes"
note() { echo "$1" | tee -a "$notes" >&2; }

for dir in "$runs"/*/; do
  dir="${dir%/}"
  name=$(basename "$dir")
  ckpt="$dir/model.ckpt"
  config="$dir/model.config.yaml"
  [ -f "$ckpt" ] || continue
  if [ ! -f "$dir/model.result.json" ]; then
    note "skipped $name: still training (no model.result.json yet)"
    continue
  fi
  if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["Model"]["ActivationBits"] == 32 else 1)' "$dir/model.result.json"; then
    note "skipped $name: full-precision activations (A = 32) have no integer program (export refuses them)"
    continue
  fi
  [ -f "$config" ] || { note "skipped $name: no model.config.yaml (data set unknown)"; continue; }
  row="$work/$name.row.json"
  if [ -f "$row" ] && [ "$row" -nt "$ckpt" ] && [ "$row" -nt "$dir/model.result.json" ]; then
    echo "[$name] measured before: $row" >&2
    cat "$row" >> "$rows"
    continue
  fi
  echo "[$name] export, integer reference and float model on the test set ..." >&2
  groupnet export "$ckpt" --config "$config" --name "${name//-/_}" --out "$work/$name.gndm" >&2
  int_json=$(groupnet evaluate "$work/$name.gndm" --config "$config" --json)
  float_json=$(groupnet evaluate "$ckpt" --config "$config" --json)
  python3 - "$name" "$dir/model.result.json" "$int_json" "$float_json" >> "$rows" <<'PY'
import json, sys
name, result_path, i, f = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
result = json.load(open(result_path))
m = result["Model"]
print(json.dumps({
    "run": name, "structure": m["Structure"], "network": m["Network"], "bases": m["Bases"],
    "weight_bits": m["WeightBits"], "activation_bits": m["ActivationBits"], "first_last": m["FirstLast"],
    "images": i["images"], "float_correct": f["correct"], "integer_correct": i["correct"],
    "float_top1": f["top1"], "integer_top1": i["top1"], "trained_top1_reported": result["Top1"]}))
PY
  tail -n 1 "$rows" > "$row"
done

stem=fidelity
if [ "${runs%/}" != runs/ablation-fashion ]; then
  stem="$(basename "$runs")"
  case "$stem" in fidelity*) ;; *) stem="fidelity-$stem" ;; esac
fi
python3 - "$rows" "$notes" "$runs" "$limit" "$results" "$stem" <<'PY'
import json, sys, datetime
rows_path, notes_path, runs, limit, results, stem = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5], sys.argv[6]
rows = [json.loads(l) for l in open(rows_path) if l.strip()]
notes = [l.rstrip("\n") for l in open(notes_path) if l.strip()]
lines = ["| run | float top-1 % | integer top-1 % | difference (points) | within 0.2 |", "|---|---:|---:|---:|---|"]
for r in rows:
    diff = 100 * (r["integer_top1"] - r["float_top1"])
    r["difference_points"] = round(diff, 2)
    r["within_limit"] = abs(diff) <= limit + 1e-9
    lines.append(f"| {r['run']} | {100 * r['float_top1']:.2f} | {100 * r['integer_top1']:.2f} | {diff:+.2f} | {'yes' if r['within_limit'] else 'no'} |")
table = "\n".join(lines)
print(table)
for n in notes:
    print(n)
date = datetime.date.today().isoformat()
with open(f"{results}/{stem}.md", "w") as f:
    f.write(f"# Fidelity: integer reference vs trained float model ({runs}, {date})\n\n"
            f"Each run's whole test set; float = the checkpoint in eval mode, integer = the exported .gndm on the managed reference.\n\n")
    f.write(table + "\n")
    if notes:
        f.write("\n" + "\n".join(f"- {n}" for n in notes) + "\n")
with open(f"{results}/{stem}.json", "w") as f:
    json.dump({"runs_dir": runs, "date": date, "limit_points": limit, "runs": rows, "skipped": notes}, f, indent=2)
    f.write("\n")
print(f"results: {results}/{stem}.md, {results}/{stem}.json")
PY
