#!/usr/bin/env bash
# Runs the API suite against the built binary.
#   tests/api/run.sh                 # SQLite
#   tests/api/run.sh postgres        # PostgreSQL (starts the peer of tests/peers/postgres.sh)
#   tests/api/run.sh all             # both, one after the other
#   tests/api/run.sh sqlite -k auth  # extra arguments go to pytest
# UPRAVDOM_BIN overrides the binary (default build/release/upravdom).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kind=${1:-sqlite}
[[ $# -gt 0 ]] && shift
# Debian's python3 has pytest and requests (python3-pytest, python3-requests, python3-yaml);
# a pyenv python3 earlier on PATH may not.
PY=${PYTHON:-/usr/bin/python3}

run() {
  echo "== API tests on $1"
  UPRAVDOM_TEST_DB=$1 "$PY" -m pytest "$here" -p no:cacheprovider "${@:2}"
}

case "$kind" in
  sqlite) run sqlite "$@" ;;
  postgres)
    "$root/tests/peers/postgres.sh" start
    UPRAVDOM_TEST_PG_URL=${UPRAVDOM_TEST_PG_URL:-$("$root/tests/peers/postgres.sh" url)} \
      run postgres "$@" ;;
  all)
    rc=0
    run sqlite "$@" || rc=$?
    "$root/tests/peers/postgres.sh" start
    UPRAVDOM_TEST_PG_URL=${UPRAVDOM_TEST_PG_URL:-$("$root/tests/peers/postgres.sh" url)} \
      run postgres "$@" || rc=$?
    exit $rc ;;
  *) echo "usage: $0 [sqlite|postgres|all] [pytest args]" >&2; exit 2 ;;
esac
