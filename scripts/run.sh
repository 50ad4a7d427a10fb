#!/usr/bin/env bash
# The first command: sets up a fresh Debian 12 machine (as root) and runs upravdom on
# SQLite with a demo organisation. Safe to re-run: installs only what is missing, builds
# incrementally, keeps the database.
#   scripts/run.sh                 # http://localhost:8080
#   UPRAVDOM_PORT=9000 scripts/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

mkdir -p data
export UPRAVDOM_DB=${UPRAVDOM_DB:-sqlite:$root/data/upravdom.db}
port=${UPRAVDOM_PORT:-8080}
bin="$root/build/release/upravdom"
"$bin" migrate >/dev/null
login=$("$bin" seed-demo)

cat <<MSG

  upravdom запущен: http://localhost:$port
  $login
  (Ctrl+C — остановить; база: $UPRAVDOM_DB)

MSG
exec "$bin" serve --port "$port" --web "$root/web/dist"
