# Counts instructions in a QEMU single-step execution trace, the independent check of the plugin.
#   qemu-system-arm ... -singlestep -d exec,nochain -D trace.log
#   awk -v begin=0x394 -v end=0x3a0 -f trace_count.awk trace.log
# With -singlestep every translation block is one instruction, and with -d exec,nochain every
# block execution logs one "Trace" line: "Trace 0: 0xHOST [cs_base/pc/flags/cflags] symbol".
# Segments use the plugin's definition: from the begin pc (inclusive) to the end pc (exclusive).
# Prints the same JSON shape as the plugin: {"total": N, "segments": [...]}.
function hex(s,    i, c, v) {
  s = tolower(s); sub(/^0x/, "", s); v = 0
  for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
  return v
}
BEGIN { b = hex(begin); e = hex(end); total = 0; open = 0; n = 0 }
/^Trace / {
  split($0, parts, "[");
  split(parts[2], fields, "/");
  pc = hex(fields[2]);
  if (pc == b) { start = total; open = 1 }
  else if (pc == e && open) { seg[n++] = total - start; open = 0 }
  total++
}
END {
  printf "{\"total\": %d, \"segments\": [", total
  for (i = 0; i < n; i++) printf "%s%d", (i ? ", " : ""), seg[i]
  printf "]}\n"
}
