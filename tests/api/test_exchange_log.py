"""The exchange log (SPEC I-9, docs/import-api.md «The exchange log»): GET
/api/v1/exchange/operations and …/{id} for admins and API tokens only, newest first, paginated,
filtered by kind and status, `details` only in the card, another organisation's operation a
404, and operations left `running` by a stopped server marked failed.

Imports (the only writer of the log) arrive with the import engine; until then these tests put
operations into the database directly (`env.db.execute`), and the one test that runs an import
skips while `POST /api/v1/exchange/import` answers 404."""

import datetime
import json

import pytest

from apikit import assert_error, assert_status, seq, validate
from conftest import ServerProcess

OPS = "/api/v1/exchange/operations"
INTERRUPTED = "Операция прервана: сервер был остановлен"


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso(shift_seconds: int = 0) -> str:
    return iso(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=shift_seconds))


def sql_text(value) -> str:
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''") + "'"


def insert_operation(env, org_id: int, *, kind="import", source="1c", status="ok", message="",
                     counts=None, details=None, actor="API: Интеграция 1С", started_at=None,
                     updated_at=None, finished_at=None) -> None:
    """An operation as the import engine writes it (through OperationLog)."""
    started_at = started_at or now_iso()
    updated_at = updated_at or started_at
    if finished_at is None and status != "running":
        finished_at = updated_at
    env.db.execute(
        "INSERT INTO exchange_operations (organization_id, kind, source, status, message, counts, "
        "details, actor_name, started_at, updated_at, finished_at) VALUES ("
        + ", ".join([str(org_id), sql_text(kind), sql_text(source), sql_text(status), sql_text(message),
                     sql_text(json.dumps(counts or {}, ensure_ascii=False)),
                     sql_text(json.dumps(details or {}, ensure_ascii=False)), sql_text(actor),
                     sql_text(started_at), sql_text(updated_at), sql_text(finished_at)]) + ")")


def operations(api, **params) -> dict:
    return validate(assert_status(api.get(OPS, params=params), 200), "OperationList")


def find_by(api, value: str, key: str = "message") -> dict:
    items = [op for op in operations(api, limit=200)["items"] if op[key] == value]
    assert len(items) == 1, f"operation with {key} «{value}»: {items}"
    return items[0]


# --------------------------------------------------------------------------- empty log, access


def test_a_new_organisation_has_an_empty_log(admin_b):
    assert operations(admin_b) == {"items": [], "total": 0}


def test_admins_and_api_tokens_read_the_log(admin, integration):
    for api in (admin, integration):
        body = operations(api)
        assert body["total"] == len(body["items"])


@pytest.mark.parametrize("who", ["operator", "readonly"])
def test_operators_and_readonly_users_are_refused(env, request, who):
    api = request.getfixturevalue(who)
    insert_operation(env, env.a.id, message=f"Недоступная {who} операция")
    op_id = find_by(request.getfixturevalue("admin"), f"Недоступная {who} операция")["id"]
    assert_error(api.get(OPS), 403, "forbidden")
    assert_error(api.get(f"{OPS}/{op_id}"), 403, "forbidden")
    assert_error(api.get(f"{OPS}/999999"), 403, "forbidden")


def test_anonymous_is_refused(env):
    assert_error(env.anonymous().get(OPS), 401, "unauthorized")
    assert_error(env.anonymous().get(f"{OPS}/1"), 401, "unauthorized")


@pytest.mark.parametrize("params,field", [
    ({"kind": "export"}, "kind"),
    ({"kind": ""}, "kind"),
    ({"status": "done"}, "status"),
    ({"status": "OK"}, "status"),
    ({"limit": 0}, "limit"),
    ({"limit": 201}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"offset": -1}, "offset"),
    ({"offset": "1.5"}, "offset"),
    ({"source": "1c"}, "source"),
])
def test_a_bad_filter_is_refused_naming_it(integration, params, field):
    # Query parameters are refused like those of every other list: 400 bad_request + fields.
    assert_error(integration.get(OPS, params=params), 400, "bad_request", field=field)


# --------------------------------------------------------------------------- list and card


@pytest.fixture(scope="module")
def logged(env, admin):
    """Five operations of organisation A, started a minute apart (the newest last)."""
    tag = f"#{seq()}"
    rows = [
        dict(kind="import", status="ok", source="1c", counts={"records": 10, "created": 10}),
        dict(kind="import_dry_run", status="warnings", source="xml",
             message=f"Запись 2: телефон исправлен {tag}",
             counts={"records": 2, "processed": 2, "updated": 2},
             details={"errors": [], "warnings": [{"index": 1, "field": "client.phone",
                                                  "message": "Телефон приведён к формату +7"}],
                      "merges": []}),
        dict(kind="import", status="failed", source="1c",
             message=f"Запись 3: Неверный номер телефона {tag}",
             counts={"records": 3, "processed": 2, "created": 2, "errors": 1},
             details={"errors": [{"index": 2, "field": "clients[0].phone",
                                  "message": "Неверный номер телефона"}],
                      "warnings": [], "merges": []}),
        dict(kind="import_dry_run", status="ok", source="api"),
        dict(kind="import", status="running", source="1c", counts={"records": 5000, "processed": 1000}),
    ]
    base = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.timezone.utc)
    for i, row in enumerate(rows):
        row.setdefault("message", f"Операция {i} {tag}")
        started = base + datetime.timedelta(minutes=i)
        # the running one is fresh (not for a sweep); the others ended a few seconds after start
        updated = now_iso() if row["status"] == "running" else iso(started + datetime.timedelta(seconds=7))
        insert_operation(env, env.a.id, started_at=iso(started), updated_at=updated, **row)
    ops = [find_by(admin, row["message"]) for row in rows]
    return {"tag": tag, "rows": rows, "ops": ops}


def test_the_list_is_newest_first_without_details(admin, logged):
    body = operations(admin, limit=200)
    ids = [op["id"] for op in body["items"]]
    mine = [op["id"] for op in logged["ops"]]
    positions = [ids.index(i) for i in reversed(mine)]
    assert positions == sorted(positions), "newest first"
    for op, row in zip(logged["ops"], logged["rows"]):
        assert "details" not in op
        assert op["kind"] == row["kind"] and op["status"] == row["status"]
        assert op["source"] == row["source"]
        assert op["counts"] == row.get("counts", {})
        assert op["actor_name"] == "API: Интеграция 1С"
        assert (op["finished_at"] is None) == (row["status"] == "running")


def test_the_card_has_the_details(integration, logged):
    failed = logged["ops"][2]
    card = validate(assert_status(integration.get(f"{OPS}/{failed['id']}"), 200), "Operation")
    assert card["details"] == logged["rows"][2]["details"]
    assert {k: v for k, v in card.items() if k != "details"} == failed
    warned = assert_status(integration.get(f"{OPS}/{logged['ops'][1]['id']}"), 200)
    assert warned["details"]["warnings"][0]["field"] == "client.phone"
    assert assert_status(integration.get(f"{OPS}/{logged['ops'][0]['id']}"), 200)["details"] == {}


def test_pages(admin, logged):
    total = operations(admin)["total"]
    assert total >= 5
    seen = []
    for offset in range(0, total, 2):
        page = operations(admin, limit=2, offset=offset)
        assert page["total"] == total
        assert len(page["items"]) == min(2, total - offset)
        seen += [op["id"] for op in page["items"]]
    assert seen == [op["id"] for op in operations(admin, limit=200)["items"]]
    assert operations(admin, offset=total) == {"items": [], "total": total}
    assert len(operations(admin, limit=1)["items"]) == 1


def test_filters(admin, logged):
    tag = logged["tag"]
    for params in ({"kind": "import"}, {"kind": "import_dry_run"}, {"status": "ok"},
                   {"status": "warnings"}, {"status": "failed"}, {"status": "running"},
                   {"kind": "import", "status": "failed"}, {"kind": "import_dry_run", "status": "failed"}):
        body = operations(admin, limit=200, **params)
        assert body["total"] == len(body["items"])
        for op in body["items"]:
            assert all(op[k] == v for k, v in params.items()), (params, op)
        expected = [op["id"] for op, row in zip(logged["ops"], logged["rows"])
                    if all(row[k] == v for k, v in params.items())]
        got = [op["id"] for op in body["items"] if op["message"].endswith(tag)]
        assert got == list(reversed(expected)), params


def test_another_organisations_operation_is_not_found(env, admin, admin_b, integration, logged):
    op_id = logged["ops"][2]["id"]
    for api in (admin_b, env.token_client("b")):
        assert_error(api.get(f"{OPS}/{op_id}"), 404, "not_found")
        assert all(op["id"] != op_id for op in operations(api, limit=200)["items"])
    body = assert_error(integration.get(f"{OPS}/987654321"), 404, "not_found")
    assert body["message"] == "Операция не найдена"
    assert_error(admin.get(f"{OPS}/abc"), 404, "not_found")
    # and B's own operation is not A's
    insert_operation(env, env.b.id, message="Операция Беты")
    b_op = find_by(admin_b, "Операция Беты")
    assert_error(admin.get(f"{OPS}/{b_op['id']}"), 404, "not_found")
    assert validate(assert_status(admin_b.get(f"{OPS}/{b_op['id']}"), 200), "Operation")["id"] == b_op["id"]


# --------------------------------------------------------------------------- interrupted operations


def test_operations_left_running_by_a_stopped_server_fail(env, admin, workdir):
    """At start-up a server marks the operations a previous one left running as failed: on SQLite
    every one (one server per file), on PostgreSQL those silent for over 120 s (a sibling instance
    may be running the others); on PostgreSQL the log's reads sweep them too."""
    tag = f"#{seq()}"
    # found by actor_name: the sweep replaces the message
    insert_operation(env, env.a.id, status="running", actor=f"Старая {tag}",
                     started_at=now_iso(-3600), updated_at=now_iso(-600))
    insert_operation(env, env.a.id, status="running", actor=f"Свежая {tag}",
                     started_at=now_iso(-5), updated_at=now_iso())
    old = find_by(admin, f"Старая {tag}", key="actor_name")
    fresh = find_by(admin, f"Свежая {tag}", key="actor_name")
    assert fresh["status"] == "running"
    if env.db.kind == "postgres":
        # the read swept the silent one already
        assert old["status"] == "failed" and old["finished_at"] is not None
    else:
        assert old["status"] == "running", "SQLite: the running server's own operations are left alone"

    restarted = ServerProcess(env.db.url, workdir)  # a second start over the same database
    try:
        assert restarted.proc.poll() is None
    finally:
        assert restarted.stop() == 0

    old = assert_status(admin.get(f"{OPS}/{old['id']}"), 200)
    assert old["status"] == "failed"
    assert old["message"] == INTERRUPTED
    assert old["finished_at"] is not None and old["finished_at"] >= old["started_at"]
    fresh = assert_status(admin.get(f"{OPS}/{fresh['id']}"), 200)
    if env.db.kind == "postgres":
        assert fresh["status"] == "running", "a live operation of a sibling instance is not cut off"
    else:
        assert fresh["status"] == "failed" and fresh["message"] == INTERRUPTED
        assert operations(admin, status="running")["total"] == 0, \
            "SQLite: every running operation is marked at start-up"


# --------------------------------------------------------------------------- with the import engine

IMPORT = "/api/v1/exchange/import"


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_is_an_operation_of_the_log(integration, dry_run):
    external_id = f"LOG-C{seq()}"
    body = {"source": "1c", "dry_run": dry_run,
            "records": [{"client": {"external_id": external_id, "last_name": "Иванов",
                                    "phone": f"+7912{seq() % 10_000_000:07d}"}}]}
    r = integration.post(IMPORT, json=body)
    if r.status_code in (404, 405):
        pytest.skip("POST /api/v1/exchange/import is not there yet")
    answer = assert_status(r, 200)
    assert answer["status"] == "ok", answer
    op = validate(assert_status(integration.get(f"{OPS}/{answer['operation_id']}"), 200), "Operation")
    assert op["kind"] == ("import_dry_run" if dry_run else "import")
    assert op["source"] == "1c"
    assert op["status"] == "ok"
    assert op["counts"]["records"] == 1 and op["counts"]["created"] == 1
    assert op["counts"] == answer["counts"]
    assert op["finished_at"] is not None
    assert op["details"].get("errors", []) == []
    newest = operations(integration, limit=1, kind=op["kind"])["items"][0]
    assert newest["id"] == op["id"]
