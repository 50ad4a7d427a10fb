#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the test suites, on loopback only.
#   tests/peers/postgres.sh start   # initdb (first time) + start; no-op when already running
#   tests/peers/postgres.sh stop    # stop the cluster (data stays under $PGDATA_DIR)
#   tests/peers/postgres.sh url     # print the connection URL
#   tests/peers/postgres.sh status  # exit 0 when running
#   tests/peers/postgres.sh wipe    # stop and delete the data directory
# PostgreSQL refuses to run as root, so the server runs as the `postgres` user.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${UPRAVDOM_PG_PORT:-55432}
PGDATA_DIR=${UPRAVDOM_PG_DIR:-/tmp/upravdom-pg}
PG_USER=postgres
URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$PG_USER" -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [[ -f "$PGDATA_DIR/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

wait_ready() {
  for _ in $(seq 1 100); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then return 0; fi
    sleep 0.1
  done
  echo "postgres.sh: server did not become ready on 127.0.0.1:$PG_PORT" >&2
  return 1
}

cmd_start() {
  if [[ ! -x "$PG_BIN/initdb" ]]; then
    echo "postgres.sh: $PG_BIN/initdb not found (apt-get install postgresql-15)" >&2
    exit 1
  fi
  if is_running; then
    wait_ready
    return 0
  fi
  if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
    rm -rf "$PGDATA_DIR"
    mkdir -p "$PGDATA_DIR"
    [[ $(id -u) -eq 0 ]] && chown "$PG_USER:" "$PGDATA_DIR"
    chmod 700 "$PGDATA_DIR"
    as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U "$PG_USER" --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$PGDATA_DIR.initdb.log" 2>&1 || {
      cat "$PGDATA_DIR.initdb.log" >&2; exit 1; }
    cat >>"$PGDATA_DIR/postgresql.conf" <<CONF
# upravdom test peer: speed over durability, loopback only
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGDATA_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
    cat >"$PGDATA_DIR/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 trust
host  all all ::1/128 trust
HBA
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 30 start >/dev/null || {
    tail -n 30 "$PGDATA_DIR/server.log" >&2; exit 1; }
  wait_ready
}

cmd_stop() {
  if is_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 30 stop >/dev/null
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) echo "$URL" ;;
  status) is_running ;;
  wipe) cmd_stop; rm -rf "$PGDATA_DIR" "$PGDATA_DIR.initdb.log" ;;
  *) echo "usage: $0 start|stop|url|status|wipe" >&2; exit 2 ;;
esac
