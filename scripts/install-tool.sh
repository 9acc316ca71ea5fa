#!/usr/bin/env bash
# Puts `groupnet` on the PATH: packs cli/GroupNet.Cli as a .NET tool into .cache/tool-package (git-ignored) and
# installs it with `dotnet tool install --global`, or replaces the installed one. Safe to run twice.
#   scripts/install-tool.sh                     set-up (scripts/setup.sh), pack, install globally (~/.dotnet/tools)
#   scripts/install-tool.sh --tool-path DIR     install into DIR instead (what the tests do)
#   scripts/install-tool.sh --packages DIR      write the package into DIR instead of .cache/tool-package
#   scripts/install-tool.sh --no-setup          skip scripts/setup.sh (it already ran)
# The package carries this platform's LibTorch and, where set-up prepared one, the TorchSharp compatibility copy
# (docs/torchsharp-compat.md). `generate`, `emulate` and `report` need the clone's firmware and c-runtime sources:
# run them inside the clone, or set GROUPNET_HOME to it (docs/install.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scope=(--global)
packages="$root/.cache/tool-package"
setup=1
while [ $# -gt 0 ]; do
  case "$1" in
    --tool-path) scope=(--tool-path "$2"); shift 2 ;;
    --packages) packages="$2"; shift 2 ;;
    --no-setup) setup=0; shift ;;
    *) echo "install-tool: unknown argument '$1' (accepted: --tool-path DIR, --packages DIR, --no-setup)" >&2; exit 2 ;;
  esac
done

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64) rid=linux-arm64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  *) echo "install-tool: no TorchSharp-cpu LibTorch for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac

if [ "$setup" = 1 ]; then
  scripts/setup.sh
fi

# A version of its own per pack, so an installed tool is replaced by this clone's current code.
version="0.1.0-dev.$(date -u +%Y%m%d%H%M%S)"
rm -rf "$packages"
mkdir -p "$packages"
echo "install-tool: packing groupnet $version for $rid into $packages"
dotnet pack cli/GroupNet.Cli -c Release -nologo -v quiet -p:PackAsToolRid="$rid" -p:Version="$version" -o "$packages"

if dotnet tool list "${scope[@]}" 2>/dev/null | awk 'NR > 2 { print $1 }' | grep -qx 'groupnet.cli'; then
  dotnet tool update "${scope[@]}" --add-source "$packages" --version "$version" GroupNet.Cli
else
  dotnet tool install "${scope[@]}" --add-source "$packages" --version "$version" GroupNet.Cli
fi
if [ "${scope[0]}" = --global ]; then
  echo "install-tool: 'groupnet' is in ~/.dotnet/tools (add it to PATH if your shell does not have it)."
  echo "install-tool: for generate/emulate/report outside this folder: export GROUPNET_HOME=$root"
fi
