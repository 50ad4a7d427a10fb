#!/usr/bin/env bash
# The floor under the import engine's speed (issue 6, «Speed»): how fast SQLite alone writes
# the rows of N consolidated records — a flat, its owner (+ the search index and an external
# id), the link, a personal account, and the two change-history rows — into the real schema
# (`upravdom migrate`), with the server's pragmas, as set-based INSERT … SELECT statements in
# one transaction: no parsing, no matching, no per-record statements. Prints each
# statement's time and the records per second of the whole.
#
# What the engine does per record on top of this (lookups, one statement per row, a
# savepoint per record, JSON in and out) can only make it slower: if this floor is near a
# target, that target needs fewer rows or indexes per record, not a faster engine.
#
# --replay FILE: the same, for the rows a real import wrote — FILE is a database kept by
# `bench/import_bench.sh --phases a --keep-db FILE`. Its premises, clients, search index,
# external ids, links, accounts and history are copied into a fresh database set-based, in
# one transaction (the organisation, objects and legal entity untimed first). The generated
# rows above are kinder to the indexes than the benchmark's (shorter address keys, 120
# buildings, external ids in index order); this is the floor for the benchmark's own data.
#
# Usage: bench/import_floor.sh [--records N]   (default 100,000)
#        bench/import_floor.sh --replay FILE
#   FLOOR_SETUP='DROP INDEX …;' runs SQL on the migrated database first (an experiment: how
#   much a schema change would lower the floor; reported beside the figures).
# Needs: build/release/upravdom (for `migrate`), the sqlite3 shell (scripts/install-deps.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${UPRAVDOM_BIN:-$root/build/release/upravdom}"
records=100000
replay=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --records) records=$2; shift 2 ;;
    --replay) replay=$(realpath -m "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "$bin missing: cmake --build --preset release --target upravdom" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/floor.db"
"$bin" migrate --db "sqlite:$db" >/dev/null 2>&1
if [[ -n ${FLOOR_SETUP:-} ]]; then
  echo "== experiment: $FLOOR_SETUP"
  sqlite3 "$db" "$FLOOR_SETUP"
fi

if [[ -n $replay ]]; then
  [[ -f $replay ]] || { echo "$replay missing: bench/import_bench.sh --phases a --keep-db FILE" >&2; exit 1; }
  records=$(sqlite3 "$replay" "SELECT COUNT(*) FROM premises")
  tables=(premises clients client_external_ids premise_clients personal_accounts change_history)
  {
    echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;"
    echo "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
    echo "ATTACH '$replay' AS kept;"
    for t in organizations object_groups quarters objects legal_entities; do
      echo "INSERT INTO main.$t SELECT * FROM kept.$t;"
    done
    # Read into memory first, so that the timed statements only write.
    for t in "${tables[@]}"; do echo "CREATE TEMP TABLE t_$t AS SELECT * FROM kept.$t ORDER BY id;"; done
    echo "CREATE TEMP TABLE t_search AS SELECT rowid AS r, name_key, phone_digits, org FROM kept.clients_search ORDER BY rowid;"
    echo "DETACH kept;"
    echo ".timer on"
    echo "BEGIN;"
    for t in premises clients; do echo "INSERT INTO main.$t SELECT * FROM temp.t_$t ORDER BY id;"; done
    echo "INSERT INTO main.clients_search (rowid, name_key, phone_digits, org) SELECT * FROM temp.t_search ORDER BY r;"
    for t in "${tables[@]:2}"; do echo "INSERT INTO main.$t SELECT * FROM temp.t_$t ORDER BY id;"; done
    echo "COMMIT;"
  } >"$work/floor.sql"
  echo "== 2 cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== SQLite floor for the rows an import wrote ($replay: $records premises), set-based in one transaction"
  # Timed: from BEGIN to COMMIT (reading the kept rows into memory before is not).
  sqlite3 "$db" <"$work/floor.sql" 2>&1 | grep 'Run Time' | awk -v records="$records" '
    BEGIN { split("BEGIN|premises|clients|clients search index (FTS5)|client external ids|links|personal accounts|change history|COMMIT", name, "|") }
    { printf "   %-32s %6.3f s\n", name[++n], $4; total += $4 }
    END { printf "   all rows of %d records written and committed in %.2f s = %d records/s (engine target >= 20,000)\n", records, total, records / total }'
  echo "   database: $(du -h "$db" | cut -f1)"
  exit 0
fi

now="'2026-11-27T18:00:00Z'"
premise_changes='{"object_id":{"old":null,"new":7},"type":{"old":null,"new":"flat"},"number":{"old":null,"new":"12"},"total_area":{"old":null,"new":54.3},"rooms":{"old":null,"new":2},"external_id":{"old":null,"new":"P-000012"},"link:5":{"old":null,"new":{"role":"owner","ownership_share":"1/2"}},"account:5":{"old":null,"new":{"number":"LS-000012","unified_account":null,"hidden_from_resident":false}}}'
client_changes='{"type":{"old":null,"new":"individual"},"last_name":{"old":null,"new":"Петров"},"first_name":{"old":null,"new":"Иван"},"middle_name":{"old":null,"new":"Сергеевич"},"phone":{"old":null,"new":"+79161234567"},"external_ids":{"old":null,"new":{"space":"operations","system":"1c","value":"C-000012"}}}'

echo "== 2 cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== SQLite floor: $records consolidated records as set-based INSERT … SELECT in one transaction"
{
  cat <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;
PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;
INSERT INTO organizations (id, name, created_at, updated_at) VALUES (1, 'УК', $now, $now);
INSERT INTO object_groups (id, organization_id, name, search_key, created_at, updated_at)
  VALUES (1, 1, 'Группа', 'группа', $now, $now);
INSERT INTO objects (id, organization_id, object_group_id, name, street, house, search_key, created_at, updated_at)
  SELECT value, 1, 1, 'Дом ' || value, 'ул. Ленина', value, 'ленина ' || value, $now, $now
  FROM generate_series(1, 120);
INSERT INTO legal_entities (id, organization_id, name, inn, search_key, created_at, updated_at)
  VALUES (1, 1, 'ООО «УК»', '7707083893', 'ук', $now, $now);
.timer on
BEGIN;
-- premises: records spread over 120 buildings, as bench/import_bench.sh sends them
INSERT INTO premises (organization_id, object_id, object_group_id, type, number, total_area,
    living_area, rooms, external_id, street_key, house_key, number_key, address_sort,
    created_at, updated_at)
  SELECT 1, 1 + value % 120, 1, 'flat', CAST(value / 120 + 1 AS TEXT), 3000 + value % 9000,
    2000, 2, printf('P-%06d', value), 'ленина', CAST(1 + value % 120 AS TEXT),
    printf('%08d', value / 120 + 1),
    printf('ленина %08d %08d', 1 + value % 120, value / 120 + 1), $now, $now
  FROM generate_series(1, $records);
INSERT INTO clients (organization_id, type, last_name, first_name, middle_name, phone, name_key,
    name_sort, phone_digits, created_at, updated_at)
  SELECT 1, 'individual', 'Петров' || value, 'Иван', 'Сергеевич', printf('+7916%07d', value),
    'петров' || value || ' иван сергеевич', 'петров' || value || ' иван сергеевич',
    printf('7916%07d', value), $now, $now
  FROM generate_series(1, $records);
INSERT INTO clients_search (rowid, name_key, phone_digits, org)
  SELECT id, name_key, phone_digits, '一一丁' FROM clients;
INSERT INTO client_external_ids (organization_id, client_id, space, system, value, created_at, updated_at)
  SELECT 1, id, 'operations', '1c', printf('C-%06d', id), $now, $now FROM clients;
INSERT INTO premise_clients (organization_id, premise_id, client_id, role, ownership_share,
    share_numerator, share_denominator, created_by, created_at, updated_at)
  SELECT 1, id, id, 'owner', '1/2', 1, 2, 'import', $now, $now FROM premises;
INSERT INTO personal_accounts (organization_id, premise_id, legal_entity_id, number, external_id,
    created_at, updated_at)
  SELECT 1, id, 1, printf('LS-%06d', id), printf('A-%06d', id), $now, $now FROM premises;
INSERT INTO change_history (organization_id, entity, entity_id, action, actor_name, changes, created_at, updated_at)
  SELECT 1, 'premise', id, 'created', 'Импорт «1c»', '$premise_changes', $now, $now FROM premises;
INSERT INTO change_history (organization_id, entity, entity_id, action, actor_name, changes, created_at, updated_at)
  SELECT 1, 'client', id, 'created', 'Импорт «1c»', '$client_changes', $now, $now FROM clients;
INSERT INTO record_counts (organization_id, entity, total)
  VALUES (1, 'premises', $records), (1, 'clients', $records);
COMMIT;
SQL
} >"$work/floor.sql"
start=$(date +%s.%N)
# The timed statements, in the order of floor.sql (the set-up before `.timer on` is not timed).
sqlite3 "$db" <"$work/floor.sql" 2>&1 | grep 'Run Time' | awk '
  BEGIN { split("BEGIN|premises (16 indexes)|clients (12 indexes)|clients search index (FTS5)|client external ids|links|personal accounts|history of premises|history of clients|record counts|COMMIT", name, "|") }
  { printf "   %-32s %6.3f s\n", name[++n], $4 }'
end=$(date +%s.%N)
python3 - "$start" "$end" "$records" <<'PY'
import sys
start, end, records = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
s = end - start
print(f"   all rows of {records:,} records written and committed in {s:.2f} s = {records / s:,.0f} records/s "
      f"(engine target ≥ 20,000)")
PY
echo "   database: $(du -h "$db" | cut -f1)"
