#!/usr/bin/env bash
# Builds the server (release preset, incremental, ccache) and the web UI (only when its
# sources changed). Used by run.sh and test.sh.
#   scripts/build.sh            server + UI
#   scripts/build.sh --server   server only
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Relative paths in the ccache key let a fresh clone elsewhere reuse earlier compiles.
export CCACHE_BASEDIR=$root
[[ -f build/release/build.ninja ]] || cmake --preset release >/dev/null
cmake --build --preset release --target upravdom

[[ "${1:-}" == "--server" ]] && exit 0

cd web
# npm ci only when the lock file changed since the last install.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# Rebuild the UI only when something it is made of is newer than the last build.
if [[ ! -f dist/index.html ]] || [[ -n "$(find src index.html public vite.config.ts tsconfig.json package-lock.json ../docs/openapi.yaml -newer dist/index.html 2>/dev/null | head -1)" ]]; then
  npm run build --silent
fi
