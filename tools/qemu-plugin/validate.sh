#!/bin/sh
# Cross-checks the plugin against QEMU's own single-step execution trace on one ELF.
#   tools/qemu-plugin/validate.sh <elf> [machine] [cpu]
# Run 1: normal translation (multi-instruction blocks) with the plugin -> plugin.json
# Run 2: -singlestep -d exec,nochain (one "Trace" line per executed instruction), no plugin,
#        counted by trace_count.awk with the same segment definition -> trace.json
# Exits 0 when total and every segment agree exactly.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
elf="$1"; machine="${2:-mps2-an386}"; cpu="${3:-cortex-m4}"
work="$(mktemp -d)"
[ -f "$here/libgn_insn_count.so" ] || "$here/build.sh" >/dev/null
begin="0x$(arm-none-eabi-nm "$elf" | awk '$3=="gn_marker_begin"{print $1}')"
end="0x$(arm-none-eabi-nm "$elf" | awk '$3=="gn_marker_end"{print $1}')"
qemu="qemu-system-arm -M $machine -cpu $cpu -nographic -semihosting-config enable=on,target=native -kernel $elf"
$qemu -plugin "$here/libgn_insn_count.so,begin=$begin,end=$end,out=$work/plugin.json" >/dev/null 2>&1
$qemu -singlestep -d exec,nochain -D "$work/trace.log" >/dev/null 2>&1
awk -v begin="$begin" -v end="$end" -f "$here/trace_count.awk" "$work/trace.log" > "$work/trace.json"
plugin="$(sed 's/, "open_segment".*$/}/' "$work/plugin.json")"
trace="$(cat "$work/trace.json")"
echo "plugin: $plugin"
echo "trace:  $trace"
rm -rf "$work"
if [ "$plugin" = "$trace" ]; then echo "AGREE"; else echo "DISAGREE"; exit 1; fi
