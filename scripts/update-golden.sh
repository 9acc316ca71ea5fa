#!/usr/bin/env bash
# Regenerates the golden generated C of tests/GroupNet.Tests/Codegen/Golden (GoldenOutputTests) from the current
# generator. Run it only when a change to the generated code is intended, and review the diff.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet build tests/GroupNet.Tests -c Release -nologo -v quiet
GN_UPDATE_GOLDEN=1 dotnet test tests/GroupNet.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~GoldenOutputTests"
git status --short tests/GroupNet.Tests/Codegen/Golden
