#!/usr/bin/env bash
# Runs the browser tests against a fresh server: a new SQLite database, an organisation and
# staff users (an operator and an admin), `upravdom serve` on a free loopback port with the built UI, then
# `npm run test:e2e`. Needs the server binary (UPRAVDOM_BIN, default build/release/upravdom)
# and web/node_modules (npm ci); builds web/dist when it is missing.
#   web/tests/e2e/run-with-server.sh [node --test args…]
set -euo pipefail

WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROOT="$(cd "$WEB/.." && pwd)"
BIN="${UPRAVDOM_BIN:-$ROOT/build/release/upravdom}"
[[ -x "$BIN" ]] || { echo "server binary not found: $BIN" >&2; exit 1; }
[[ -f "$WEB/dist/index.html" ]] || (cd "$WEB" && npm run build)

TMP="$(mktemp -d)"
DB="sqlite:$TMP/e2e.db"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

"$BIN" migrate --db "$DB" >/dev/null
ORG="$("$BIN" org create "УК Тестовая" --db "$DB" | tail -n1)"
export UPRAVDOM_LOGIN="e2e-operator" UPRAVDOM_PASSWORD="e2e-secret-123"
"$BIN" user create --org "$ORG" --login "$UPRAVDOM_LOGIN" --password "$UPRAVDOM_PASSWORD" \
  --role operator --name "Петрова Анна Сергеевна" --db "$DB" >/dev/null
# an admin of the same organisation (admin-only actions, e.g. changing a client's phone)
export UPRAVDOM_ADMIN_LOGIN="e2e-admin" UPRAVDOM_ADMIN_PASSWORD="e2e-admin-secret-123"
"$BIN" user create --org "$ORG" --login "$UPRAVDOM_ADMIN_LOGIN" --password "$UPRAVDOM_ADMIN_PASSWORD" \
  --role admin --name "Смирнов Олег Петрович" --db "$DB" >/dev/null

# --fetch-allow-private: the exchange tests' FTP server is on loopback.
"$BIN" serve --db "$DB" --host 127.0.0.1 --port "$PORT" --web "$WEB/dist" \
  --fetch-allow-private true >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
export UPRAVDOM_URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -sf "$UPRAVDOM_URL/healthz" >/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
  sleep 0.1
done

cd "$WEB"
status=0
node --test "${@:-tests/e2e/}" || status=$?
if ((status != 0)); then
  echo "--- server log (last 50 lines) ---" >&2
  tail -n 50 "$TMP/server.log" >&2
fi
exit "$status"
