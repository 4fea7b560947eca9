#!/usr/bin/env bash
# `npm run bench`: bootstraps the toolchain, builds the packages and the benchmark app, runs every benchmark
# (polling efficiency, overhead, memory, bundle size, cold start) and writes BENCHMARKS.md at the repo root.
# Extra arguments go to the harness, e.g. `npm run bench -- --quick`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
say "building the packages and the benchmark app (turbo, cached after the first run)"
turbo run build --filter=@solvekit/bench... --output-logs=errors-only >&2
say "running the benchmarks (a few minutes; the figures are written to BENCHMARKS.md)"
exec node apps/bench/dist/main.js "$@"
