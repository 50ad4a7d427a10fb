#!/usr/bin/env bash
# Measures the import API (issue 6, «Speed»; docs/import-api.md) and prints the figures (no
# pass/fail: the targets are printed beside them):
#   (a) 100,000 consolidated records (a flat + one owner with a phone + the link + a personal
#       account) into an empty organisation: records/s (target ≥ 20,000);
#   (b) the same batch again, everything unchanged (≥ 20,000);
#   (c) every record's fields changed, real updates;
#   (d) a dry run (≥ 50,000);
#   (e) the server's RSS before / peak during / after each phase, sampled every 100 ms
#       (growth ≤ 200 MB);
#   (f) --big-org: (a) into an organisation that already holds 1,000,000 clients (≥ half of
#       (a)), on a copy of build/bench/clients-1m.db (made by build/release/generate as
#       bench/clients_bench.sh does, when missing);
#   (g) --postgres: (a) on PostgreSQL (the test peer, tests/peers/postgres.sh; a database of
#       its own, dropped at the end).
# --keep-db FILE copies the SQLite database as the phases left it (for bench/import_floor.sh
# --replay FILE after `--phases a`: SQLite's own time for exactly the rows (a) wrote).
# The objects and the legal entity the records name are created through the API first. A
# batch whose body is over the 64 MB limit is sent as several requests (the report says so).
#
# Usage: bench/import_bench.sh [--records N] [--big-org] [--postgres] [--only-postgres]
#                              [--phases a,b,c,d] [--pg-phases a] [--priority]
#                              [--keep-db FILE]
# Needs: build/release/upravdom (cmake --build --preset release --target upravdom), for
#   --big-org build/release/generate when the 1M-client database is missing, Debian's
#   /usr/bin/python3, curl, and for PostgreSQL tests/peers/postgres.sh and psql.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${UPRAVDOM_BIN:-$root/build/release/upravdom}"
gen="$root/build/release/generate"
client="$root/bench/import_client.py"
python=/usr/bin/python3
data="$root/build/bench"
records=100000
phases=a,b,c,d
pg_phases=a
big_org=0
postgres=0
sqlite=1
keep_db=""
prio=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --records) records=$2; shift 2 ;;
    --phases) phases=$2; shift 2 ;;
    --pg-phases) pg_phases=$2; shift 2 ;;
    --big-org) big_org=1; shift ;;
    --postgres) postgres=1; shift ;;
    --only-postgres) postgres=1; sqlite=0; shift ;;
    --priority) prio=(nice -n -10); shift ;;
    --keep-db) keep_db=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "$bin missing: cmake --build --preset release --target upravdom" >&2; exit 1; }
work=$(mktemp -d)
server=""
pg_drop=""
stop_server() {
  if [[ -n $server ]]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
cleanup() {
  stop_server
  if [[ -n $pg_drop ]]; then psql "$pg_base" -qc "DROP DATABASE IF EXISTS $pg_drop" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts the server on $1 (database URL), migrations first and untimed; waits for /healthz.
start_server() {
  port=$(free_port)
  "$bin" migrate --db "$1" >/dev/null 2>>"$work/cli.log"
  "${prio[@]}" "$bin" serve --db "$1" --port "$port" --log-level warn 2>"$work/server-$port.log" &
  server=$!
  for _ in $(seq 1 3000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then return 0; fi
    kill -0 "$server" 2>/dev/null || { cat "$work/server-$port.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "server did not start" >&2
  exit 1
}

# A new organisation in $1 (database URL) with an API token: sets $org and $token.
new_org() {
  "$bin" migrate --db "$1" >/dev/null 2>>"$work/cli.log"
  org=$("$bin" org create "УК «Бенчмарк импорта» $(date +%s%N)" --db "$1" 2>>"$work/cli.log")
  token=$("$bin" token create --org "$org" --name "1С (бенчмарк)" --db "$1" 2>>"$work/cli.log")
}

run_client() {  # label json phases [extra…]
  local label=$1 json=$2 ph=$3
  shift 3
  "${prio[@]}" "$python" "$client" run --url "http://127.0.0.1:$port" --token "$token" --label "$label" \
    --json "$json" --server-pid "$server" --records "$records" --phases "$ph" "$@"
}

echo "== $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)${prio[*]:+; under ${prio[*]}}"
reports=()

# ---------------------------------------------------------------------------- SQLite
if [[ $sqlite == 1 ]]; then
  db="sqlite:$work/import.db"
  new_org "$db"
  # What-if experiments: SQL run on the fresh database before the server starts, e.g.
  # BENCH_SQLITE_SETUP='DROP INDEX premises_area_desc;' (reported beside the figures).
  if [[ -n ${BENCH_SQLITE_SETUP:-} ]]; then
    echo "== experiment: $BENCH_SQLITE_SETUP"
    sqlite3 "$work/import.db" "$BENCH_SQLITE_SETUP"
  fi
  start_server "$db"
  echo "== SQLite, fresh database, organisation $org: $records records, phases $phases"
  run_client "SQLite" "$work/sqlite.json" "$phases"
  stop_server
  echo "   database file: $(du -h "$work/import.db" | cut -f1)"
  if [[ -n $keep_db ]]; then
    cp "$work/import.db" "$keep_db"
    echo "   kept as $keep_db"
  fi
  reports+=("$work/sqlite.json")
  rm -f "$work"/import.db*
fi

# ---------------------------------------------------------------------------- (f) a big organisation
if [[ $big_org == 1 ]]; then
  big="$data/clients-1m.db"
  if [[ ! -f $big || ! -f $big.txt ]]; then
    [[ -x $gen ]] || { echo "$gen missing: cmake --build --preset release --target generate" >&2; exit 1; }
    mkdir -p "$data"
    echo "generating 1,000,000 clients into $big (as bench/clients_bench.sh) …" >&2
    rm -f "$big" "$big"-* "$big".tmp* "$big.txt"
    "${prio[@]}" "$gen" --db "sqlite:$big.tmp" --org-name "УК «Бенчмарк клиентов»" --premises 0 --objects 0 \
      --clients 1000000 --seed 1 --login bench --password bench-password >"$big.txt.tmp"
    mv "$big.tmp" "$big"
    mv "$big.txt.tmp" "$big.txt"
  fi
  echo "== SQLite, copy of $(basename "$big") ($(du -h "$big" | cut -f1)), an organisation with 1M clients"
  cp "$big" "$work/big.db"
  org=$(sed -n 's/^org_id=//p' "$big.txt")
  "$bin" migrate --db "sqlite:$work/big.db" >/dev/null 2>>"$work/cli.log"
  token=$("$bin" token create --org "$org" --name "1С (бенчмарк)" --db "sqlite:$work/big.db" 2>>"$work/cli.log")
  start_server "sqlite:$work/big.db"
  run_client "SQLite, org with 1M clients" "$work/big.json" a --big-org-of SQLite
  stop_server
  reports+=("$work/big.json")
  rm -f "$work"/big.db*
fi

# ---------------------------------------------------------------------------- (g) PostgreSQL
if [[ $postgres == 1 ]]; then
  "$root/tests/peers/postgres.sh" start >&2
  pg_base=$("$root/tests/peers/postgres.sh" url)
  pg_name="upravdom_bench_import_$$"
  psql "$pg_base" -qc "DROP DATABASE IF EXISTS $pg_name" -c "CREATE DATABASE $pg_name" >&2
  pg_drop=$pg_name
  pg_url="${pg_base%/*}/$pg_name"
  new_org "$pg_url"
  start_server "$pg_url"
  echo "== PostgreSQL, fresh database $pg_name: $records records, phases $pg_phases"
  run_client "PostgreSQL" "$work/postgres.json" "$pg_phases"
  stop_server
  reports+=("$work/postgres.json")
fi

"$python" "$client" report "${reports[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
