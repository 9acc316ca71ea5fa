#!/bin/sh
# Builds the instruction-counting QEMU plugin: tools/qemu-plugin/libgn_insn_count.so (git-ignored).
# Needs only a host C compiler; the QEMU plugin API declarations are inside the source.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
cc="${CC:-gcc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "build.sh: host C compiler '$cc' not found (apt-get install gcc)" >&2
  exit 1
fi
# Write to a temporary name, then rename: a QEMU started concurrently never loads a half-written file.
tmp="$here/libgn_insn_count.so.tmp.$$"
trap 'rm -f "$tmp"' EXIT
"$cc" -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
  -o "$tmp" "$here/gn_insn_count.c"
mv -f "$tmp" "$here/libgn_insn_count.so"
echo "$here/libgn_insn_count.so"
