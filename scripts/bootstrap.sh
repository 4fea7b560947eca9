# shellcheck shell=bash
# Sourced by scripts/*.sh. Brings a machine that has only Node 20 + npm up to the
# project's pinned toolchain, inside the repo (.tools/, git-ignored), then installs
# the workspace. Idempotent: every step checks before it acts.
#
#   SOLVEKIT_NEED_CHROMIUM=1  also install Debian's chromium (browser tests)

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION="$(tr -d ' \n' <"$ROOT/.node-version")"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ROOT/package.json")"
TOOLS="$ROOT/.tools"

say() { printf '\033[1m[solvekit]\033[0m %s\n' "$*" >&2; }

# `npm run` exports these; they confuse pnpm and turbo when nested.
unset npm_config_user_agent npm_execpath npm_node_execpath NODE npm_config_prefix 2>/dev/null || true
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1
export npm_config_update_notifier=false

npm_global_install() { # dir, package@version
  # `--prefix` stops npm reading the machine's global npmrc (TLS proxy CA): pass it explicitly.
  npm install -g --prefix "$1" --globalconfig "$(npm config get globalconfig)" \
    --no-fund --no-audit --loglevel=error "$2" >&2
}

if [ "$("$TOOLS/node/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  say "installing Node $NODE_VERSION into .tools/node (npm package node@$NODE_VERSION)"
  rm -rf "$TOOLS/node"
  npm_global_install "$TOOLS/node" "node@$NODE_VERSION"
fi
if [ "$("$TOOLS/pnpm/bin/pnpm" --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION into .tools/pnpm"
  rm -rf "$TOOLS/pnpm"
  npm_global_install "$TOOLS/pnpm" "pnpm@$PNPM_VERSION"
fi
export PATH="$TOOLS/node/bin:$TOOLS/pnpm/bin:$ROOT/node_modules/.bin:$PATH"

if [ "${SOLVEKIT_NEED_CHROMIUM:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's chromium for the browser tests (apt-get)"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    say "browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium' (the browser tests fail without it)"
  fi
fi

# Re-install only when the lockfile changed since the last successful install.
stamp="$ROOT/node_modules/.solvekit-install-stamp"
want="$(cat "$ROOT/pnpm-lock.yaml" "$ROOT/pnpm-workspace.yaml" 2>/dev/null | cksum)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing dependencies (pnpm install --frozen-lockfile)"
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  printf '%s' "$want" >"$stamp"
fi
