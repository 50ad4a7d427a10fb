#!/usr/bin/env bash
# Measures the clients register on 1,000,000 clients (one organisation) and prints the figures:
#   p50/p99 of searches by name fragments and by phones in three formats and by 4 trailing
#   digits, of the first page sorted by name / phone / -last_seen, and the rate of creating
#   clients one by one through POST /api/v1/clients on one keep-alive connection (~10 s; from
#   the Python client and again from wrk, bench/clients_create.lua, whose own cost is tiny);
#   the query plans of classes that miss their targets.
#
# Usage: bench/clients_bench.sh [--queries N] [--clients C] [--postgres] [--pg-clients C]
#                               [--only-postgres] [--regenerate] [--priority] [--create-seconds S]
#   N requests per class (default 200). The SQLite database is generated once into
#   build/bench/clients-1m.db and each run works on a fresh copy of it, so that every run
#   measures the same 1,000,000 clients (a run's creates are thrown away with its copy; when
#   they stayed, the file grew by ~40,000 clients of three names a run). --postgres also
#   runs the searches and lists (no creation) on PostgreSQL (test peer, database
#   upravdom_bench_clients_<C>, default 200,000 clients). --priority: generator, server and client under `nice -n -10`.
# Needs: build/release/upravdom and build/release/generate, wrk
#   (cmake --build --preset release --target upravdom generate), Debian's /usr/bin/python3,
#   and for PostgreSQL tests/peers/postgres.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/release/upravdom"
gen="$root/build/release/generate"
client="$root/bench/clients_client.py"
python=/usr/bin/python3
data="$root/build/bench"
clients=1000000
pg_clients=200000
queries=200
postgres=0
sqlite=1
regenerate=0
create_seconds=10
prio=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --queries) queries=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --pg-clients) pg_clients=$2; shift 2 ;;
    --postgres) postgres=1; shift ;;
    --only-postgres) postgres=1; sqlite=0; shift ;;
    --regenerate) regenerate=1; shift ;;
    --priority) prio=(nice -n -10); shift ;;
    --create-seconds) create_seconds=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ $clients == 1000000 ]]; then size=1m; else size=$clients; fi
db_file="$data/clients-$size.db"
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

start_server() {
  port=$(free_port)
  # Migrations first and untimed: a database made by an older server gains its new indexes
  # (tens of seconds on a million clients) before the server has to answer.
  "$bin" migrate --db "$1" >/dev/null
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

# Generates $3 clients (no premises) into $1 (database URL), keeping the report in $2.
generate() {
  echo "generating $3 clients into $1 …" >&2
  "${prio[@]}" "$gen" --db "$1" --org-name "УК «Бенчмарк клиентов»" --premises 0 --objects 0 \
    --clients "$3" --seed 1 --login bench --password bench-password >"$2.tmp"
  mv "$2.tmp" "$2"
}
field() { sed -n "s/^$1=//p" "$2"; }

echo "== $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)${prio[*]:+; under ${prio[*]}}"

# ---------------------------------------------------------------------------- SQLite
reports=()
if [[ $sqlite == 1 ]]; then
if [[ $regenerate == 1 || ! -f $db_file || ! -f $db_file.txt ]]; then
  rm -f "$db_file" "$db_file"-* "$db_file".tmp* "$db_file.txt"
  generate "sqlite:$db_file.tmp" "$db_file.txt" "$clients"
  mv "$db_file.tmp" "$db_file"
fi
echo "== generator (SQLite, $(basename "$db_file")):"
tail -n 2 "$db_file.txt" | sed 's/^/   /'

run_file="$work/clients.db"
cp "$db_file" "$run_file"
sync  # the copy's dirty pages written back now, not in the middle of the timed creates
start_server "sqlite:$run_file"
"${prio[@]}" "$python" "$client" run --url "http://127.0.0.1:$port" --login "$(field login "$db_file.txt")" \
  --password "$(field password "$db_file.txt")" --org "$(field org_id "$db_file.txt")" \
  --label SQLite --json "$work/sqlite.json" --queries "$queries" --clients "$clients" \
  --create-seconds "$create_seconds" --sqlite "$run_file"
# The same creates from wrk (one connection): the rate of the server, not of the Python client.
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"login\":\"$(field login "$db_file.txt")\",\"password\":\"$(field password "$db_file.txt")\"}" |
  "$python" -c 'import json, sys; print(json.load(sys.stdin)["token"])')
# New phones from the first +7998… block of 100,000 numbers that no client holds yet (a file
# generated with other settings might hold some): a number taken makes the rest of the run
# measure 409s.
phone_base=$(sqlite3 "$run_file" "WITH RECURSIVE slot(n) AS (
    SELECT 0 UNION ALL SELECT n + 100000 FROM slot WHERE n < 9900000)
  SELECT min(n) FROM slot WHERE NOT EXISTS (SELECT 1 FROM clients
    WHERE phone >= '+7998' || printf('%07d', n) AND phone < '+7998' || printf('%07d', n + 100000))")
wrk_report=$(TOKEN=$token PHONE_BASE=$phone_base "${prio[@]}" wrk -t1 -c1 -d"${create_seconds}s" \
  -s "$root/bench/clients_create.lua" "http://127.0.0.1:$port" | grep '^create:')
stop_server
reports+=("$work/sqlite.json")
fi

# ---------------------------------------------------------------------------- PostgreSQL
if [[ $postgres == 1 ]]; then
  pg_name=upravdom_bench_clients_$pg_clients
  "$root/tests/peers/postgres.sh" start >&2
  pg_base=$("$root/tests/peers/postgres.sh" url)
  pg_url="${pg_base%/*}/$pg_name"
  pg_report="$data/clients-$pg_clients.postgres.txt"
  rows=$(psql "$pg_url" -Atc "SELECT COUNT(*) FROM clients WHERE phone NOT LIKE '+7999%'" 2>/dev/null || echo 0)
  if [[ $regenerate == 1 || $rows != "$pg_clients" || ! -f $pg_report ]]; then
    psql "$pg_base" -qc "DROP DATABASE IF EXISTS $pg_name" -c "CREATE DATABASE $pg_name" >&2
    generate "$pg_url" "$pg_report" "$pg_clients"
    psql "$pg_url" -qc "ANALYZE" >&2
  fi
  echo "== generator (PostgreSQL, database $pg_name):"
  tail -n 2 "$pg_report" | sed 's/^/   /'
  start_server "$pg_url"
  "${prio[@]}" "$python" "$client" run --url "http://127.0.0.1:$port" --login "$(field login "$pg_report")" \
    --password "$(field password "$pg_report")" --org "$(field org_id "$pg_report")" \
    --label "PostgreSQL ($pg_clients)" --json "$work/postgres.json" --queries "$queries" \
    --clients "$pg_clients" --no-create --postgres "$pg_url"
  stop_server
  reports+=("$work/postgres.json")
fi

"$python" "$client" report "${reports[@]}"
if [[ -n ${wrk_report:-} ]]; then
  rate=$(sed -n 's/.* = \([0-9]*\)\/s.*/\1/p' <<<"$wrk_report")
  verdict=$([[ ${rate:-0} -ge 2000 ]] && echo met || echo "**missed**")
  echo "SQLite: POST /clients one by one, wrk on one connection (target ≥ 2,000/s: $verdict): ${wrk_report#create: }"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
