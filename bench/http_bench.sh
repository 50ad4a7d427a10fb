#!/usr/bin/env bash
# Measures the foundation's speed targets on this machine and prints the figures:
#   cold start of `upravdom serve` on an existing database (to the first answered request),
#   idle RSS, and wrk -t2 -c64 -d10s on GET /healthz and an authenticated GET /api/v1/objects/{id}.
# Usage: bench/http_bench.sh [seconds=10]   (needs wrk: apt-get install wrk)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/release/upravdom"
duration=${1:-10}
port=18181
work=$(mktemp -d)
db="sqlite:$work/bench.db"
log="$work/server.log"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" seed-demo --db "$db" >/dev/null 2>&1

# Cold start: from exec to the first 200 on /healthz, polled every millisecond.
start_ns=$(date +%s%N)
"$bin" serve --db "$db" --port $port 2>"$log" &
server=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do sleep 0.001; done
end_ns=$(date +%s%N)
echo "cold start to first answer: $(( (end_ns - start_ns) / 1000000 )) ms"
sleep 1
echo "idle RSS: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$server/status)"

token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
  -d '{"login":"demo","password":"demo12345"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

run_wrk() {  # label, url, extra args...
  local label=$1 url=$2
  shift 2
  local out
  out=$(wrk -t2 -c64 -d"${duration}s" --latency "$@" "$url")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  local errors
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
  printf '%-40s %10s req/s   p50 %8s   p99 %8s  %s\n' "$label" "$rps" "$p50" "$p99" "$errors"
}

run_wrk "GET /healthz" "http://127.0.0.1:$port/healthz"
run_wrk "GET /api/v1/objects/1 (bearer, SQLite)" "http://127.0.0.1:$port/api/v1/objects/1" \
  -H "Authorization: Bearer $token"
echo "RSS after load: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$server/status)"
kill -TERM $server
wait $server || true
