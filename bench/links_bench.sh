#!/usr/bin/env bash
# Measures the routes of issue 5 (links, personal accounts, resident app) on 1,000,000
# premises, 1,000,000 clients, 1,200,000 links, 1,000,000 accounts with 12 monthly charges
# each (and their payments), and prints the figures:
#   p50/p99/max of the clients list filtered by a debt range, by an object, by an entrance;
#   of the premise card (GET /premises/{id} + /clients + /accounts, and each part); of the
#   resident sign-in (POST /api/resident/v1/auth/verify + GET /api/resident/v1/premises, and
#   each part); the server's RSS; the query plans of classes that miss their targets.
#
# Usage: bench/links_bench.sh [--queries N] [--postgres] [--only-postgres] [--pg-premises M]
#                             [--regenerate] [--priority] [--class-seconds S]
#   N requests per class (default 200). The SQLite database is generated once into
#   build/bench/links-1m.db (premises, clients, links, accounts, charges, payments of one
#   organisation) and reused; --regenerate makes it anew. --postgres also runs on PostgreSQL
#   (test peer, database upravdom_bench_links_<M>, default M = 1,000,000 premises, the other
#   tables in the same proportions). --priority: generator, server and client under
#   `nice -n -10`. The server writes its SMS to a sink file (--sms-sink), where the client
#   reads the one-time codes.
# Needs: build/release/upravdom and build/release/generate
#   (cmake --build --preset release --target upravdom generate), Debian's /usr/bin/python3,
#   and for PostgreSQL tests/peers/postgres.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/release/upravdom"
gen="${GENERATE:-$root/build/release/generate}"
client="$root/bench/links_client.py"
python=/usr/bin/python3
data="$root/build/bench"
premises=1000000
pg_premises=1000000
queries=200
postgres=0
sqlite=1
regenerate=0
class_seconds=60
prio=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --queries) queries=$2; shift 2 ;;
    --premises) premises=$2; shift 2 ;;
    --pg-premises) pg_premises=$2; shift 2 ;;
    --postgres) postgres=1; shift ;;
    --only-postgres) postgres=1; sqlite=0; shift ;;
    --regenerate) regenerate=1; shift ;;
    --priority) prio=(nice -n -10); shift ;;
    --class-seconds) class_seconds=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
size_name() { if [[ $1 == 1000000 ]]; then echo 1m; else echo "$1"; fi; }
db_file="$data/links-$(size_name "$premises").db"
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

# Starts the server on $1 (database URL) with its SMS sink $work/sms-<port>.jsonl; waits for
# /healthz (the first start on a new database applies the migrations).
start_server() {
  port=$(free_port)
  sink="$work/sms-$port.jsonl"
  "${prio[@]}" "$bin" serve --db "$1" --port "$port" --log-level warn --sms-sink "$sink" \
    2>"$work/server-$port.log" &
  server=$!
  for _ in $(seq 1 6000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then return 0; fi
    kill -0 "$server" 2>/dev/null || { cat "$work/server-$port.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "server did not start" >&2
  exit 1
}

# Generates $2 premises (and as many clients and accounts, 1.2 links a premise) into $1
# (database URL), keeping the generator's report in $3.
generate() {
  local n=$2
  echo "generating $n premises, $n clients, $((n * 6 / 5)) links, $n accounts × 12 charges into $1 …" >&2
  "${prio[@]}" "$gen" --db "$1" --org-name "УК «Бенчмарк связей»" --objects $((n / 250)) \
    --premises "$n" --clients "$n" --links $((n * 6 / 5)) --accounts "$n" \
    --charges-per-account 12 --seed 1 --login bench --password bench-password >"$3.tmp"
  mv "$3.tmp" "$3"
}
field() { sed -n "s/^$1=//p" "$2"; }
show_report() {  # the generator's rows and rows/s per table
  { grep -E '^(premise_clients|legal_entities|personal_accounts|account_charges|account_payments|debts|clients|premises):' "$1"
    grep -E '^object_groups=' "$1"; } | sed 's/^/   /' || true
}

echo "== $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)${prio[*]:+; under ${prio[*]}}"

# The sample differs from run to run (BENCH_SEED to repeat one): the resident class asks one-time
# codes for the sampled phones, and a phone gets one code a minute and five an hour.
seed=${BENCH_SEED:-$(date +%s)}
echo "sample seed $seed (BENCH_SEED=$seed repeats it)"
run_client() {  # label json db-option…
  local label=$1 json=$2
  shift 2
  "${prio[@]}" "$python" "$client" run --url "http://127.0.0.1:$port" --login bench \
    --password bench-password --org "$org" --label "$label" --json "$json" \
    --queries "$queries" --server-pid "$server" --sms-sink "$sink" --seed "$seed" \
    --class-seconds "$class_seconds" "$@"
}

# ---------------------------------------------------------------------------- SQLite
reports=()
if [[ $sqlite == 1 ]]; then
  if [[ $regenerate == 1 || ! -f $db_file || ! -f $db_file.txt ]]; then
    rm -f "$db_file" "$db_file"-* "$db_file".tmp* "$db_file.txt"
    generate "sqlite:$db_file.tmp" "$premises" "$db_file.txt"
    mv "$db_file.tmp" "$db_file"
  fi
  echo "== generator (SQLite, $(basename "$db_file")):"
  show_report "$db_file.txt"
  org=$(field org_id "$db_file.txt")
  t0=$(date +%s.%N)
  start_server "sqlite:$db_file"
  echo "== server up in $(echo "$(date +%s.%N) - $t0" | bc) s; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  run_client SQLite "$work/sqlite.json" --sqlite "$db_file"
  stop_server
  reports+=("$work/sqlite.json")
fi

# ---------------------------------------------------------------------------- PostgreSQL
if [[ $postgres == 1 ]]; then
  pg_name=upravdom_bench_links_$(size_name "$pg_premises")
  "$root/tests/peers/postgres.sh" start >&2
  pg_base=$("$root/tests/peers/postgres.sh" url)
  pg_url="${pg_base%/*}/$pg_name"
  pg_report="$data/links-$(size_name "$pg_premises").postgres.txt"
  rows=$(psql "$pg_url" -Atc "SELECT COUNT(*) FROM premises" 2>/dev/null || echo 0)
  if [[ $regenerate == 1 || $rows != "$pg_premises" || ! -f $pg_report ]]; then
    psql "$pg_base" -qc "DROP DATABASE IF EXISTS $pg_name" -c "CREATE DATABASE $pg_name" >&2
    generate "$pg_url" "$pg_premises" "$pg_report"
  fi
  echo "== generator (PostgreSQL, database $pg_name):"
  show_report "$pg_report"
  org=$(field org_id "$pg_report")
  start_server "$pg_url"
  run_client "PostgreSQL" "$work/postgres.json" --postgres "$pg_url"
  stop_server
  reports+=("$work/postgres.json")
fi

"$python" "$client" report "${reports[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
