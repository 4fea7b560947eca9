#!/usr/bin/env bash
# The README's first command (`npm run example`): bootstraps the toolchain, builds the
# example app and runs it. With no CAPSOLVER_API_KEY it solves on an embedded emulator.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
say "building the example app (turbo, cached after the first run)"
turbo run build --filter=@solvekit/example... --output-logs=errors-only >&2
exec node apps/example/dist/main.js "$@"
