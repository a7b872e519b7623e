#!/usr/bin/env bash
# The test command: gathers test data and tools (Debian packages), builds, runs every test project.
# Prints dotnet test's per-project summaries; .ci/run adds up the totals.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/prepare-testdata.sh
dotnet build MedFM.sln -c Release -nologo -v q
dotnet test MedFM.sln -c Release --no-build -nologo "$@"
