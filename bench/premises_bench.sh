#!/usr/bin/env bash
# Measures the premises register on 1,000,000 premises and prints the figures:
#   p50/p99 of address searches, of the unfiltered list sorted by address and by area, and of
#   filter combinations with and without q — on SQLite and on PostgreSQL side by side; the
#   time and server RSS growth of an .xlsx export of ~100,000 premises (SQLite); the query
#   plans of classes that miss their targets.
#
# Usage: bench/premises_bench.sh [--queries N] [--no-postgres] [--regenerate] [--explain-all]
#                                [--priority] [--premises M --objects K]
#   N requests per class (default 200). The SQLite database is generated once into
#   build/bench/premises-1m.db and reused (as is the PostgreSQL database
#   upravdom_bench_premises_1m on the test peer); --regenerate makes both anew. Another size
#   (--premises, --objects; default 1,000,000 over 4,000) gets files and a database of its own.
#   --priority runs the generator, the server and the client under `nice -n -10` (root), so
#   that compilers running beside them on a shared machine disturb the figures less (the
#   PostgreSQL server's own processes keep their priority).
# Needs: build/release/upravdom and build/release/generate
#   (cmake --build --preset release --target upravdom generate), Debian's /usr/bin/python3,
#   and for PostgreSQL tests/peers/postgres.sh (postgresql-15).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/release/upravdom"
gen="$root/build/release/generate"
client="$root/bench/premises_client.py"
python=/usr/bin/python3
data="$root/build/bench"
objects=4000
premises=1000000
queries=200
postgres=1
regenerate=0
explain=()
prio=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --queries) queries=$2; shift 2 ;;
    --no-postgres) postgres=0; shift ;;
    --regenerate) regenerate=1; shift ;;
    --explain-all) explain=(--explain-all); shift ;;
    --priority) prio=(nice -n -10); shift ;;
    --premises) premises=$2; shift 2 ;;
    --objects) objects=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ $premises == 1000000 ]]; then size=1m; else size=$premises; fi
db_file="$data/premises-$size.db"
pg_name=upravdom_bench_premises_$size
for b in "$bin" "$gen"; do
  [[ -x $b ]] || { echo "$b missing: cmake --build --preset release --target upravdom generate" >&2; exit 1; }
done
mkdir -p "$data"
work=$(mktemp -d)
server=""
stop_server() {
  if [[ -n $server ]]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts the server on $1 (database URL) and waits for /healthz; sets $server and $port.
start_server() {
  port=$(free_port)
  "${prio[@]}" "$bin" serve --db "$1" --port "$port" --log-level warn 2>"$work/server-$port.log" &
  server=$!
  for _ in $(seq 1 500); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then return 0; fi
    kill -0 "$server" 2>/dev/null || { cat "$work/server-$port.log" >&2; exit 1; }
    sleep 0.02
  done
  echo "server did not start" >&2
  exit 1
}

# Generates into $1 (database URL), keeping the generator's report in $2.
generate() {
  echo "generating $premises premises over $objects objects into $1 …" >&2
  "${prio[@]}" "$gen" --db "$1" --org-name "УК «Бенчмарк»" --objects "$objects" --premises "$premises" --seed 1 \
    --login bench --password bench-password >"$2.tmp"
  mv "$2.tmp" "$2"
}
field() { sed -n "s/^$1=//p" "$2"; }

echo "== $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)${prio[*]:+; under ${prio[*]}}"

# ---------------------------------------------------------------------------- SQLite
if [[ $regenerate == 1 || ! -f $db_file || ! -f $db_file.txt ]]; then
  rm -f "$db_file" "$db_file"-* "$db_file".tmp* "$db_file.txt"
  generate "sqlite:$db_file.tmp" "$db_file.txt"
  mv "$db_file.tmp" "$db_file"
fi
echo "== generator (SQLite, $(basename "$db_file")):"
tail -n 2 "$db_file.txt" | sed 's/^/   /'

start_server "sqlite:$db_file"
"${prio[@]}" "$python" "$client" run --url "http://127.0.0.1:$port" --login "$(field login "$db_file.txt")" \
  --password "$(field password "$db_file.txt")" --org "$(field org_id "$db_file.txt")" \
  --label SQLite --json "$work/sqlite.json" --queries "$queries" --server-pid "$server" \
  --export --sqlite "$db_file" "${explain[@]}"
stop_server

# ---------------------------------------------------------------------------- PostgreSQL
reports=("$work/sqlite.json")
if [[ $postgres == 1 ]]; then
  "$root/tests/peers/postgres.sh" start >&2
  pg_base=$("$root/tests/peers/postgres.sh" url)
  pg_url="${pg_base%/*}/$pg_name"
  pg_report="$data/premises-$size.postgres.txt"
  rows=$(psql "$pg_url" -Atc "SELECT COUNT(*) FROM premises" 2>/dev/null || echo 0)
  if [[ $regenerate == 1 || $rows != "$premises" || ! -f $pg_report ]]; then
    psql "$pg_base" -qc "DROP DATABASE IF EXISTS $pg_name" -c "CREATE DATABASE $pg_name" >&2
    generate "$pg_url" "$pg_report"
  fi
  echo "== generator (PostgreSQL, database $pg_name):"
  tail -n 2 "$pg_report" | sed 's/^/   /'
  start_server "$pg_url"
  "${prio[@]}" "$python" "$client" run --url "http://127.0.0.1:$port" --login "$(field login "$pg_report")" \
    --password "$(field password "$pg_report")" --org "$(field org_id "$pg_report")" \
    --label PostgreSQL --json "$work/postgres.json" --queries "$queries" --server-pid "$server" \
    --export --postgres "$pg_url" "${explain[@]}"
  stop_server
  reports+=("$work/postgres.json")
fi

"$python" "$client" report "${reports[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
