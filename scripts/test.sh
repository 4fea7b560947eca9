#!/usr/bin/env bash
# The README's test command (`npm test`): bootstraps the toolchain, then builds, lints,
# type-checks and runs every test suite (Node, Chromium, Deno), and ends with one line
# `tests: N passed, N failed` counted from the runners' own reports.
set -euo pipefail
export SOLVEKIT_NEED_CHROMIUM=1
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"

status=0
say "lint + format check (biome)"
biome ci --reporter=summary . || status=1

say "build, type-check and test every package (turbo)"
# Stale reports from an earlier run must not be counted: turbo restores them from its cache on a hit.
rm -rf packages/*/.reports apps/*/.reports .reports
turbo run build typecheck test --continue --output-logs=new-only "$@" || status=1

say "release check: pack, publint, attw, install the tarballs outside the workspace and use them (Node, TypeScript, Deno, JSR)"
node scripts/release-check.mjs --junit .reports/release-check.xml || status=1

node scripts/test-summary.mjs || status=1
exit "$status"
