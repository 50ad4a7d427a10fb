"""The import API (`POST /api/v1/exchange/import`, docs/import-api.md; SPEC I-1 … I-3, I-8,
I-9, I-11, B-1, M-1): client matching (I-2 cases 1, 2a–2d, 3, 4), premises and accounts
matching, the sync of a premise's owner set, stop at the first error, the dry run, idempotence,
tenancy, access, bad input and a server killed in the middle of a large import.

One test per point of the contract. Data is made through the import itself where that is
what the point is about, else through the staff API; the state the API cannot show (a whole
batch's premises with their links and accounts after a crash) is read with SQL. The module's
server runs with the file SMS sink (`UPRAVDOM_SMS_SINK`) so that a client can sign in to the
resident app (case 2b) the way a resident does."""

from __future__ import annotations

import json
import random
import re
import sqlite3
import threading
import time
from typing import Any

import pytest
import requests

from apikit import (Api, read_jsonl, add_charge, add_external_id, assert_error, assert_status, letters,
                    make_client, make_legal_entity, make_link, make_object, make_premise, seq,
                    unique_phone, validate)
from conftest import Database, ServerProcess, seed, serve_module
from test_bad_input import MiB, raw_request

IMPORT = "/api/v1/exchange/import"
OPS = "/api/v1/exchange/operations"
R = "/api/resident/v1"
C = "/api/v1/clients"
P = "/api/v1/premises"

MSG_SIGNED_IN = "Невозможно изменить номер телефона, так как клиент уже выполнил вход в личный кабинет"
MSG_SEVERAL_ORGS = "Невозможно изменить номер телефона клиента, так как он зарегистрирован в нескольких организациях"
MSG_UNKNOWN_KIND = "Неизвестный вид записи"
MSG_DUPLICATE_PREMISE = "Помещение с этим внешним идентификатором уже есть в пакете"
MSG_INTERRUPTED = "Операция прервана: сервер был остановлен"

OUTCOMES = {"created", "updated", "unchanged", "merged", "external_id_added", "error"}
COUNT_KEYS = {"records", "processed", "created", "updated", "unchanged", "merged", "external_id_added",
              "errors", "links_removed", "clients_deleted"}
OMIT: Any = object()  # a key left out of a record (None is sent as null)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sms_sink(workdir):
    return workdir / "sms.jsonl"


@pytest.fixture(scope="module")
def env(workdir, sms_sink):
    """conftest's server, started with the file SMS sender, so that case 2b can sign a client
    in to the resident app with a real one-time code."""
    yield from serve_module(workdir, sms_sink)


@pytest.fixture(scope="module")
def integration_b(env) -> Api:
    return env.token_client("b")


@pytest.fixture
def obj(admin):
    """An object (house) of organisation A of its own, so a test can list exactly its premises."""
    return make_object(admin, name=f"ЖК «Импорт» {seq()}")


@pytest.fixture(scope="module")
def le(admin):
    """A legal entity of organisation A: accounts name it by ИНН."""
    return make_legal_entity(admin)


@pytest.fixture(scope="module")
def obj_b(admin_b):
    return make_object(admin_b, name=f"ЖК «Чужой» {seq()}")


@pytest.fixture(scope="module")
def le_b(admin_b):
    return make_legal_entity(admin_b)


def query(env, sql: str) -> list[tuple]:
    """Rows of a read-only query on a database (values as text on PostgreSQL)."""
    return _query(env.db, sql)


def _query(db: Database, sql: str) -> list[tuple]:
    if db.kind == "sqlite":
        con = sqlite3.connect(db.url[len("sqlite:"):], timeout=30)
        try:
            return [tuple(row) for row in con.execute(sql).fetchall()]
        finally:
            con.close()
    out = db._psql(db.url, sql)
    return [tuple(None if v == "" else v for v in line.split("|")) for line in out.splitlines()]


# --------------------------------------------------------------------------- records


def ext(prefix: str = "C") -> str:
    """An external id no other record of the test process has."""
    return f"{prefix}-{seq()}"


def surname() -> str:
    return "Импортов" + letters(seq())


def eight(e164: str) -> str:
    """+79991234567 → «8 (999) 123-45-67», a common way to type a Russian phone."""
    d = e164[2:]
    return f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"


def _fields(defaults: dict, kw: dict) -> dict:
    d = dict(defaults)
    d.update(kw)
    return {k: v for k, v in d.items() if v is not OMIT}


def client(**kw) -> dict:
    """The client part of a record: a new external id, a surname, a first name and a new phone
    unless given; OMIT leaves a key out, None sends null."""
    return _fields({"external_id": ext("C"), "last_name": surname(), "first_name": "Иван",
                    "phone": unique_phone()}, kw)


def client_record(**kw) -> dict:
    return {"client": client(**kw)}


def owner(**kw) -> dict:
    """A client of a consolidated record (its link's role defaults to owner)."""
    kw.setdefault("role", "owner")
    return client(**kw)


def account(legal: dict, **kw) -> dict:
    return _fields({"legal_entity_inn": legal["inn"], "number": f"ЛС-{seq()}"}, kw)


def premise(o: dict | None, **kw) -> dict:
    d = {"external_id": ext("P"), "type": "flat", "number": str(seq())}
    if o is not None:
        d["object_id"] = o["id"]
    return _fields(d, kw)


def consolidated(o: dict | None, clients: Any = OMIT, accounts: Any = OMIT, **premise_kw) -> dict:
    rec: dict[str, Any] = {"premise": premise(o, **premise_kw)}
    if clients is not OMIT:
        rec["clients"] = clients
    if accounts is not OMIT:
        rec["accounts"] = accounts
    return rec


# --------------------------------------------------------------------------- the import


def post_import(api: Api, records: Any, **kw) -> requests.Response:
    body = {"records": records}
    body.update(kw)
    return api.post(IMPORT, json=body)


def check_answer(ans: dict, records: int, dry_run: bool) -> dict:
    validate(ans, "ImportAnswer")
    assert ans["dry_run"] is dry_run, ans
    assert set(ans["counts"]) >= COUNT_KEYS, ans["counts"]
    assert ans["counts"]["records"] == records, ans["counts"]
    assert ans["counts"]["errors"] == len(ans["errors"]), ans
    for i, res in enumerate(ans["results"]):
        assert res["index"] == i, ans["results"]
        assert res["outcome"] in OUTCOMES, res
    for e in ans["errors"]:
        assert e["message"] and re.search("[А-Яа-яЁё]", e["message"]), e
    return ans


def run_import(api: Api, records: list, *, status: str | tuple = "ok", dry_run: bool = False, **kw) -> dict:
    """Imports the records, checks 200, the answer's shape and status (one, or a tuple of
    those allowed); a run that is not `failed` must have a result for every record and no
    error."""
    if dry_run:
        kw["dry_run"] = True
    r = post_import(api, records, **kw)
    ans = check_answer(assert_status(r, 200), len(records), dry_run)
    allowed = status if isinstance(status, tuple) else (status,)
    assert ans["status"] in allowed, f"expected status {status}: {json.dumps(ans, ensure_ascii=False)[:3000]}"
    assert isinstance(ans["operation_id"], int), ans
    if ans["status"] != "failed":
        assert ans["errors"] == [], ans["errors"]
        assert len(ans["results"]) == len(records), ans
        assert all(res["outcome"] != "error" for res in ans["results"]), ans["results"]
        assert ans["counts"]["processed"] == len(records), ans["counts"]
    return ans


def outcomes(ans: dict) -> list[str]:
    return [res["outcome"] for res in ans["results"]]


def client_entry(res: dict, external_id: str | None = None) -> dict:
    """The client of a record's result: `clients[…]` of a consolidated record (by external id)."""
    found = [c for c in res.get("clients") or [] if external_id is None or c["external_id"] == external_id]
    assert len(found) == 1, f"no single client {external_id!r} in the result {res}"
    return found[0]


def client_id(ans: dict, index: int, external_id: str | None = None) -> int:
    """The client id of record `index`: a client record's `client_id` (or its one `clients`
    item), a consolidated record's client with that external id."""
    res = ans["results"][index]
    if res.get("client_id") is not None and external_id is None:
        return res["client_id"]
    return client_entry(res, external_id)["client_id"]


def removed_ids(items: list) -> set[int]:
    """Client ids in `links_removed` / `clients_deleted` (plain ids, or objects with
    `client_id` / `id`)."""
    out = set()
    for i in items:
        if isinstance(i, int):
            out.add(i)
        else:
            out.add(i.get("client_id", i.get("id")))
    return out


# --------------------------------------------------------------------------- reading the CRM


def card(api: Api, client_id_: int) -> dict:
    return assert_status(api.get(f"{C}/{client_id_}"), 200)


def premise_card(api: Api, premise_id: int) -> dict:
    return assert_status(api.get(f"{P}/{premise_id}"), 200)


def is_gone(api: Api, client_id_: int) -> bool:
    r = api.get(f"{C}/{client_id_}")
    if r.status_code == 404:
        return True
    assert_status(r, 200)
    return False


def links(api: Api, premise_id: int) -> dict[int, dict]:
    body = assert_status(api.get(f"{P}/{premise_id}/clients"), 200)
    return {i["client_id"]: i for i in body["items"]}


def accounts_of(api: Api, premise_id: int) -> list[dict]:
    return assert_status(api.get(f"{P}/{premise_id}/accounts"), 200)["items"]


def external_values(api: Api, client_id_: int) -> dict[str, dict]:
    items = assert_status(api.get(f"{C}/{client_id_}/external-ids"), 200)["items"]
    return {x["value"]: x for x in items}


def clients_with_phone(api: Api, phone: str) -> list[dict]:
    items = assert_status(api.get(C, params={"q": phone[2:], "limit": 500}), 200)["items"]
    return [c for c in items if c["phone"] == phone]


def premises_of(api: Api, o: dict) -> list[dict]:
    return assert_status(api.get(P, params={"object_id": o["id"], "limit": 500}), 200)["items"]


def totals(api: Api) -> tuple[int, int]:
    """(clients, premises) of the caller's organisation."""
    nc = assert_status(api.get(C, params={"limit": 1}), 200)["total"]
    np_ = assert_status(api.get(P, params={"limit": 1}), 200)["total"]
    return nc, np_


def operation(api: Api, operation_id: int) -> dict:
    return assert_status(api.get(f"{OPS}/{operation_id}"), 200)


def op_details(op: dict) -> dict:
    return op.get("details") or {}


# --------------------------------------------------------------------------- the resident app


def new_address() -> str:
    n = seq()
    return f"127.0.{n // 250 + 1}.{n % 250 + 2}"


def wait_code(sink, phone: str) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if sink.exists():
            lines = [x for x in read_jsonl(sink) if x["phone"] == phone]
            if lines:
                m = re.search(r"\b(\d{6})\b", lines[-1]["text"])
                assert m, lines[-1]
                return m.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no SMS to {phone} in {sink}")


def sign_in(env, sink, phone: str) -> None:
    """Signs the phone in to the resident app (a code through the SMS sink, then verify)."""
    app = Api(env.base_url, source_ip=new_address())
    assert_status(app.post(f"{R}/auth/code", json={"phone": phone}), 202)
    code = wait_code(sink, phone)
    assert_status(Api(env.base_url).post(f"{R}/auth/verify", json={"phone": phone, "code": code}), 200)


# =========================================================================== client matching (I-2)


def test_case_4_new_client(env, integration, admin):
    rec = client(phone=eight(unique_phone()), middle_name="Петрович", email="novyj@example.ru",
                 inn="500100732259", birth_date="1985-04-12", note="из 1С")
    ans = run_import(integration, [{"client": rec}], source="1c")
    assert outcomes(ans) == ["created"]
    assert ans["counts"]["created"] == 1 and ans["counts"]["processed"] == 1
    c = card(admin, client_id(ans, 0))
    for k in ("last_name", "first_name", "middle_name", "email", "inn", "birth_date", "note"):
        assert c[k] == rec[k], (k, c[k], rec[k])
    assert c["type"] == "individual"
    assert c["phone"] == "+7" + re.sub(r"\D", "", rec["phone"])[1:], c  # stored as E.164
    x = external_values(admin, c["id"])[rec["external_id"]]
    assert x["system"] == "1c" and x["space"] == "operations", x


def test_case_4_without_phone(integration, admin):
    rec = client(phone=OMIT)
    ans = run_import(integration, [{"client": rec}])
    assert outcomes(ans) == ["created"]
    c = card(admin, client_id(ans, 0))
    assert c["phone"] is None and c["last_name"] == rec["last_name"]
    x = external_values(admin, c["id"])[rec["external_id"]]
    assert x["system"] == "api", x  # source defaults to `api`


def test_case_1_e_and_p_match_other_fields_overwritten(integration, admin):
    phone = unique_phone()
    first = client(phone=phone, middle_name="Петрович", email="old@example.ru", note="старая заметка",
                   loyalty_card="LC-1")
    ans = run_import(integration, [{"client": first}], source="1c")
    cid = client_id(ans, 0)
    before = card(admin, cid)
    time.sleep(1.1)
    second = client(external_id=first["external_id"], phone=eight(phone), last_name=surname(),
                    first_name="Степан", email="new@example.ru", note=None, middle_name=OMIT,
                    loyalty_card=OMIT)
    ans = run_import(integration, [{"client": second}], source="1c")
    assert outcomes(ans) == ["updated"] and ans["counts"]["updated"] == 1
    assert client_id(ans, 0) == cid
    after = card(admin, cid)
    assert after["phone"] == phone
    assert after["last_name"] == second["last_name"] and after["first_name"] == "Степан"
    assert after["email"] == "new@example.ru"
    assert after["note"] is None, "null clears a field"
    assert after["middle_name"] == "Петрович" and after["loyalty_card"] == "LC-1", \
        "a field absent from the record is left as it is"
    assert after["updated_at"] > before["updated_at"]
    assert list(external_values(admin, cid)) == [first["external_id"]]


def test_case_1_without_phone_keeps_the_phone(integration, admin):
    phone = unique_phone()
    first = client(phone=phone)
    cid = client_id(run_import(integration, [{"client": first}]), 0)
    rec = client(external_id=first["external_id"], phone=OMIT, first_name="Аркадий")
    ans = run_import(integration, [{"client": rec}])
    assert outcomes(ans) == ["updated"] and client_id(ans, 0) == cid
    after = card(admin, cid)
    assert after["phone"] == phone and after["first_name"] == "Аркадий"


def test_case_2a_new_unused_phone_is_changed(integration, admin):
    old, new = unique_phone(), unique_phone()
    first = client(phone=old)
    cid = client_id(run_import(integration, [{"client": first}]), 0)
    ans = run_import(integration, [{"client": client(external_id=first["external_id"], phone=eight(new),
                                                     last_name=first["last_name"])}])
    assert outcomes(ans) == ["updated"] and client_id(ans, 0) == cid
    assert card(admin, cid)["phone"] == new
    assert clients_with_phone(admin, old) == []


def test_case_2b_phone_of_a_client_who_signed_in_is_an_error(env, sms_sink, integration, admin):
    p = unique_phone()
    y = make_client(admin, phone=p, last_name="Вошедший", first_name="Яков")
    sign_in(env, sms_sink, p)
    rows = query(env, f"SELECT logged_in_at FROM clients WHERE id = {y['id']}")
    assert rows and rows[0][0], f"the sign-in did not set logged_in_at: {rows}"
    first = client(phone=unique_phone())
    x = client_id(run_import(integration, [{"client": first}]), 0)
    x_before, y_before = card(admin, x), card(admin, y["id"])
    ans = run_import(integration, [{"client": client(external_id=first["external_id"], phone=p)}],
                     status="failed")
    assert outcomes(ans) == ["error"]
    [err] = ans["errors"]
    assert err["index"] == 0 and err["message"] == MSG_SIGNED_IN, err
    assert card(admin, x) == x_before and card(admin, y["id"]) == y_before


def test_case_2b_phone_once_used_by_a_client_who_signed_in(env, sms_sink, integration, admin):
    """P «is or was used»: the client who signed in with P has since got another phone, so no
    client holds P now, but P's resident identity has signed in."""
    p = unique_phone()
    y = make_client(admin, phone=p)
    sign_in(env, sms_sink, p)
    assert_status(admin.patch(f"{C}/{y['id']}", json={"phone": unique_phone()}), 200)
    assert clients_with_phone(admin, p) == []
    first = client(phone=unique_phone())
    x = client_id(run_import(integration, [{"client": first}]), 0)
    x_before = card(admin, x)
    ans = run_import(integration, [{"client": client(external_id=first["external_id"], phone=p)}],
                     status="failed")
    [err] = ans["errors"]
    assert err["index"] == 0 and err["message"] == MSG_SIGNED_IN, err
    assert card(admin, x) == x_before


@pytest.mark.parametrize("whose", ["own_phone", "new_phone"])
def test_case_2c_client_registered_in_several_organisations(integration, admin, admin_b, whose):
    """2c: the client's phone (or the new phone P) belongs to a client of another organisation."""
    old, new = unique_phone(), unique_phone()
    first = client(phone=old)
    x = client_id(run_import(integration, [{"client": first}]), 0)
    other = make_client(admin_b, phone=old if whose == "own_phone" else new)
    x_before, other_before = card(admin, x), card(admin_b, other["id"])
    ans = run_import(integration, [{"client": client(external_id=first["external_id"], phone=new)}],
                     status="failed")
    assert outcomes(ans) == ["error"]
    [err] = ans["errors"]
    assert err["index"] == 0 and err["message"] == MSG_SEVERAL_ORGS, err
    assert card(admin, x) == x_before
    assert card(admin_b, other["id"]) == other_before


def test_case_2d_merge_with_a_client_who_never_signed_in(integration, admin, obj, le):
    """P belongs to Y (never signed in) with a link (and a dependant), a tag, an external id, an
    account with debt and some fields: Y is merged into the E client X."""
    p = unique_phone()
    tag = f"Тег склейки {seq()}"
    y = make_client(admin, phone=p, last_name="Поглощённый", first_name="Яков", email="y@example.ru",
                    note="заметка Y", birth_date="1970-01-02", tags=[tag])
    y_ext = add_external_id(admin, y["id"], system="1c", value=ext("Y"))
    py = make_premise(admin, obj["id"])
    make_link(admin, py["id"], y["id"], ownership_share="1/1")
    dependant = make_client(admin)
    make_link(admin, py["id"], dependant["id"], role="resident", owner_client_id=y["id"])
    acc = assert_status(admin.post(f"{P}/{py['id']}/accounts", json={"legal_entity_id": le["id"],
                                                                   "number": f"ЛС-{seq()}"}), 201)
    add_charge(admin, acc["id"], amount=150000)
    assert card(admin, y["id"])["debt"] == 150000

    first = client(phone=unique_phone(), last_name="Выживший", first_name="Ханс", email="x@example.ru")
    x = client_id(run_import(integration, [{"client": first}], source="1c"), 0)
    assert card(admin, x)["debt"] == 0

    rec = client(external_id=first["external_id"], phone=p, last_name="Объединённый", first_name=OMIT,
                 email=OMIT)
    ans = run_import(integration, [{"client": rec}], source="1c")
    assert outcomes(ans) == ["merged"] and ans["counts"]["merged"] == 1
    assert client_id(ans, 0) == x
    assert is_gone(admin, y["id"]), "the absorbed client must be deleted"

    s = card(admin, x)
    assert s["phone"] == p
    assert s["last_name"] == "Объединённый", "the imported value wins"
    assert s["first_name"] == "Ханс" and s["email"] == "x@example.ru", \
        "where the record says nothing the survivor's value stays"
    assert s["note"] == "заметка Y" and s["birth_date"] == "1970-01-02", \
        "where the survivor has nothing the absorbed one's value is taken"
    assert tag in s["tags"], s["tags"]
    assert set(external_values(admin, x)) >= {first["external_id"], y_ext["value"]}
    assert s["debt"] == 150000, "debt is recomputed"
    own = links(admin, py["id"])
    assert own[x]["role"] == "owner" and y["id"] not in own, own
    assert own[dependant["id"]]["owner_client_id"] == x, "the dependant's owner reference moves"

    # the merge record: in the operation's details, with the values that lost
    op = operation(admin, ans["operation_id"])
    merges = op_details(op).get("merges") or op.get("merges")
    assert merges, f"no merges in the operation's details: {op}"
    text = json.dumps(merges, ensure_ascii=False)
    for lost in ("Поглощённый", "y@example.ru"):
        assert lost in text, f"the value that lost ({lost}) is not kept in the merge: {text}"
    # and in the survivor's history
    history = assert_status(admin.get(f"{C}/{x}/history"), 200)["items"]
    htext = json.dumps(history, ensure_ascii=False)
    assert re.search(r"merge|склей|объедин|слия", htext, re.IGNORECASE) or "Поглощённый" in htext, \
        f"the survivor's history does not mention the merge: {htext[:2000]}"


def test_case_2d_merge_in_one_batch_moves_the_history_written_in_it(integration, admin):
    """The batch creates Y and X, then a record gives X's external id with Y's phone: Y is
    merged into X, and Y's history — written with the batch — goes to X like any earlier one."""
    p = unique_phone()
    y = client(phone=p, last_name="Пакетный", first_name="Яков")
    x = client(last_name="Сохранённый", first_name="Ханс")
    merge = client(external_id=x["external_id"], phone=p, last_name=OMIT, first_name=OMIT)
    ans = run_import(integration, [{"client": y}, {"client": x}, {"client": merge}])
    assert outcomes(ans) == ["created", "created", "merged"], ans["results"]
    idy, idx = client_id(ans, 0), client_id(ans, 1)
    assert client_id(ans, 2) == idx and is_gone(admin, idy)
    history = assert_status(admin.get(f"{C}/{idx}/history"), 200)["items"]
    created = [h for h in history if h["action"] == "created"]
    text = json.dumps(created, ensure_ascii=False)
    assert len(created) == 2 and "Пакетный" in text and "Сохранённый" in text, \
        f"both creations belong to the survivor: {json.dumps(history, ensure_ascii=False)[:2000]}"
    assert any("merged_client" in json.dumps(h, ensure_ascii=False) for h in history), history


def test_history_of_a_failed_record_is_not_written_and_earlier_records_keep_theirs(env, integration, admin):
    first, bad = client(last_name="Первый"), client(phone="12345")
    ans = run_import(integration, [{"client": first}, {"client": bad}], status="failed")
    assert outcomes(ans) == ["created", "error"]
    history = assert_status(admin.get(f"{C}/{client_id(ans, 0)}/history"), 200)
    assert history["total"] == 1 and history["items"][0]["action"] == "created", history
    rows = query(env, "SELECT COUNT(*) FROM change_history WHERE changes LIKE '%" + bad["external_id"] + "%'")
    assert int(rows[0][0]) == 0, "the failing record left a history entry"


def test_case_2d_both_linked_to_one_premise(integration, admin, obj):
    """Where both were linked to one premise the survivor's link stays and takes the absorbed
    link's empty fields."""
    pr = make_premise(admin, obj["id"])
    p = unique_phone()
    y = make_client(admin, phone=p)
    first = client(phone=unique_phone())
    x = client_id(run_import(integration, [{"client": first}]), 0)
    make_link(admin, pr["id"], x, comment="связь X")
    make_link(admin, pr["id"], y["id"], ddu_number="ДДУ-Y", ddu_date="2021-03-15", comment="связь Y")
    ans = run_import(integration, [{"client": client(external_id=first["external_id"], phone=p)}])
    assert outcomes(ans) == ["merged"]
    assert is_gone(admin, y["id"])
    own = links(admin, pr["id"])
    assert set(own) == {x}, own
    assert own[x]["comment"] == "связь X", "the survivor's link stays"
    assert own[x]["ddu_number"] == "ДДУ-Y" and own[x]["ddu_date"] == "2021-03-15", \
        "the survivor's link takes the absorbed link's empty fields"


def test_case_3_new_external_id_phone_matches(integration, admin):
    p = unique_phone()
    first = client(phone=p, email=OMIT)
    x = client_id(run_import(integration, [{"client": first}], source="1c"), 0)
    e2 = ext("E2")
    ans = run_import(integration, [{"client": client(external_id=e2, phone=eight(p), last_name=surname(),
                                                     email="filled@example.ru")}], source="buh")
    assert outcomes(ans) == ["external_id_added"] and ans["counts"]["external_id_added"] == 1
    assert client_id(ans, 0) == x
    xs = external_values(admin, x)
    assert set(xs) == {first["external_id"], e2}, xs
    assert xs[e2]["system"] == "buh" and xs[e2]["space"] == "operations"
    c = card(admin, x)
    assert c["email"] == "filled@example.ru", "a field the client lacks is filled in"
    assert c["last_name"] == first["last_name"], "a field the client has is not replaced"
    assert len(clients_with_phone(admin, p)) == 1


def test_one_client_in_several_records_later_data_wins(integration, admin, obj):
    e, p = ext(), unique_phone()
    recs = [consolidated(obj, clients=[owner(external_id=e, phone=p, first_name="Первый")]),
            consolidated(obj, clients=[owner(external_id=e, phone=p, first_name="Второй")])]
    ans = run_import(integration, recs)
    x0, x1 = client_id(ans, 0, e), client_id(ans, 1, e)
    assert x0 == x1
    assert client_entry(ans["results"][0], e)["outcome"] == "created"
    assert client_entry(ans["results"][1], e)["outcome"] in ("updated", "unchanged")
    assert card(admin, x0)["first_name"] == "Второй"
    assert len(clients_with_phone(admin, p)) == 1
    for res in ans["results"]:
        assert x0 in links(admin, res["premise_id"])


def test_search_finds_the_clients_as_the_batch_left_them(integration, admin):
    """The search index of a batch's clients is written once, at the batch's end, sorted by
    its keys (FTS5 flushes at every step back): a client renamed twice and given a new phone
    within the batch is found by its last name and phone only, among others whose names run
    backwards through the alphabet."""
    tag = letters(seq())
    e, p1, p2 = ext(), unique_phone(), unique_phone()
    names = [f"{first}{tag}ович" for first in ("Ярцев", "Щукин", "Пахомов", "Жуков", "Авдеев")]
    others = [client_record(last_name=n) for n in names]
    recs = [client_record(external_id=e, phone=p1, last_name=f"Первов{tag}"), *others[:2],
            client_record(external_id=e, phone=p1, last_name=f"Вторых{tag}"), *others[2:],
            client_record(external_id=e, phone=p2, last_name=f"Третьяков{tag}")]
    ans = run_import(integration, recs)
    x = client_id(ans, 0, e)

    def found(q: str) -> list[int]:
        return [c["id"] for c in assert_status(admin.get(C, params={"q": q, "limit": 50}), 200)["items"]]

    assert found(f"Третьяков{tag}") == [x]
    assert found(f"Первов{tag}") == [] and found(f"Вторых{tag}") == []
    assert found(p2[2:]) == [x] and found(p1[2:]) == []
    for i, n in enumerate(names):
        assert found(n) == [client_id(ans, 1 + i + (1 if i >= 2 else 0))], n
    # A later batch renames it again: the entry of the earlier batch goes.
    run_import(integration, [client_record(external_id=e, phone=p2, last_name=f"Четвертаков{tag}")])
    assert found(f"Третьяков{tag}") == [] and found(f"Четвертаков{tag}") == [x]


# =========================================================================== premises and accounts


def test_consolidated_record_creates_everything(integration, admin, obj, le):
    a, b, r = owner(share="1/2"), owner(share="1/2", phone=eight(unique_phone())), \
        owner(role="resident", phone=OMIT, last_name=OMIT, first_name="Пётр")
    acc = account(le, external_id=ext("LS"), unified_account="12АБ345678", hidden_from_resident=True)
    rec = consolidated(obj, clients=[a, b, r], accounts=[acc], total_area=54.3, living_area=32.1, rooms=2)
    ans = run_import(integration, [rec])
    res = ans["results"][0]
    assert res["outcome"] == "created"
    assert [c["outcome"] for c in res["clients"]] == ["created"] * 3
    assert [x["outcome"] for x in res["accounts"]] == ["created"]
    pc = premise_card(admin, res["premise_id"])
    assert pc["external_id"] == rec["premise"]["external_id"] and pc["number"] == rec["premise"]["number"]
    assert pc["object_id"] == obj["id"] and pc["type"] == "flat"
    assert pc["total_area"] == 54.3 and pc["living_area"] == 32.1 and pc["rooms"] == 2
    own = links(admin, res["premise_id"])
    ida, idb, idr = (client_id(ans, 0, c["external_id"]) for c in (a, b, r))
    assert own[ida]["role"] == "owner" and own[ida]["ownership_share"] == "1/2"
    assert own[idb]["role"] == "owner" and own[idb]["ownership_share"] == "1/2"
    assert own[idr]["role"] == "resident"
    [account_] = accounts_of(admin, res["premise_id"])
    assert account_["id"] == res["accounts"][0]["account_id"]
    assert account_["number"] == acc["number"] and account_["legal_entity_id"] == le["id"]
    assert account_["unified_account"] == "12АБ345678" and account_["hidden_from_resident"] is True
    assert account_["external_id"] == acc["external_id"]


def test_imported_links_and_clients_keep_their_schemas(integration, admin, obj, le):
    """What the import makes reads back through the staff API in the shapes of
    docs/openapi.yaml (a link's `created_by` is `staff` or `resident_app` there)."""
    ans = run_import(integration, [consolidated(obj, clients=[owner(), owner(role="resident")],
                                                accounts=[account(le)])])
    res = ans["results"][0]
    validate(assert_status(admin.get(f"{P}/{res['premise_id']}"), 200), "Premise")
    validate(assert_status(admin.get(f"{P}/{res['premise_id']}/clients"), 200), "LinkList")
    validate(assert_status(admin.get(f"{P}/{res['premise_id']}/accounts"), 200), "AccountList")
    for c in res["clients"]:
        validate(card(admin, c["client_id"]), "Client")
        validate(assert_status(admin.get(f"{C}/{c['client_id']}/history"), 200), "HistoryList")


def test_premise_field_edges_are_accepted(integration, admin, obj):
    """rooms 0 … 50; areas 0 … 100,000 with up to 2 decimals, 0 meaning «unknown» (as 1С sends
    it), stored as no area."""
    for change, stored in (({"rooms": 50}, {"rooms": 50}), ({"rooms": 0}, {"rooms": 0}),
                           ({"total_area": 0.01, "living_area": 0.01}, {"total_area": 0.01, "living_area": 0.01}),
                           ({"total_area": 100000}, {"total_area": 100000}),
                           ({"total_area": 0, "living_area": 0}, {"total_area": None, "living_area": None})):
        ans = run_import(integration, [consolidated(obj, **change)])
        pc = premise_card(admin, ans["results"][0]["premise_id"])
        for k, v in stored.items():
            assert pc[k] == v, (change, k, pc[k], v)


def test_premise_types_with_their_own_address_fields(integration, admin, obj):
    """A house or townhouse has its own street and house number, a room its room within the
    flat, parking its level: as the premise card requires them by type."""
    # a street of this test's own: the search box knows a street from the streets the
    # import remembered (street_keys, written once per batch)
    street = "ул. Садовая " + "".join(random.choice("абвгдежзиклмнопрстуфхцчшщэюя") for _ in range(8))
    recs = [consolidated(obj, type="house", number=OMIT, street=street, house="12А"),
            consolidated(obj, type="townhouse", number="3", street=street, house="14"),
            consolidated(obj, type="room", number="7", room="2"),
            consolidated(obj, type="parking", number="15", level="-1")]
    ans = run_import(integration, recs)
    assert outcomes(ans) == ["created"] * 4
    cards = [premise_card(admin, r["premise_id"]) for r in ans["results"]]
    assert (cards[0]["street"], cards[0]["house"]) == (street, "12А")
    assert (cards[1]["street"], cards[1]["house"], cards[1]["number"]) == (street, "14", "3")
    assert cards[2]["room"] == "2" and cards[3]["level"] == "-1"
    found = assert_status(admin.get(P, params={"q": street.split()[-1] + " 14"}), 200)["items"]
    assert [q["id"] for q in found] == [ans["results"][1]["premise_id"]], found
    # the same records again change nothing; a new house number is an update
    assert outcomes(run_import(integration, recs)) == ["unchanged"] * 4
    recs[0]["premise"]["house"] = "12Б"
    assert outcomes(run_import(integration, recs[:1])) == ["updated"]
    assert premise_card(admin, cards[0]["id"])["house"] == "12Б"


@pytest.mark.parametrize("change, field", [
    ({"type": "house", "number": OMIT, "house": "5"}, "premise.street"),  # a house needs its street
    ({"type": "room"}, "premise.room"),                             # a room its room
    ({"street": "ул. Садовая"}, "premise.street"),                  # a flat has no own street
    ({"room": "1"}, "premise.room"),                                # nor a room
    ({"type": "parking", "level": "x" * 11}, "premise.level"),      # too long
], ids=["house_without_street", "room_without_room", "flat_with_street", "flat_with_room", "long_level"])
def test_premise_type_fields_are_checked(integration, obj, change, field, nothing_written):
    ans = run_import(integration, [consolidated(obj, **change)], status="failed")
    assert [e["field"] for e in ans["errors"]] == [field], ans["errors"]


def test_premise_matched_by_external_id(integration, admin, obj):
    rec = consolidated(obj, number="101", total_area=40)
    ans = run_import(integration, [rec])
    pid = ans["results"][0]["premise_id"]
    rec2 = consolidated(obj, external_id=rec["premise"]["external_id"], number="101А", total_area=41.5)
    ans2 = run_import(integration, [rec2])
    assert outcomes(ans2) == ["updated"] and ans2["results"][0]["premise_id"] == pid
    pc = premise_card(admin, pid)
    assert pc["number"] == "101А" and pc["total_area"] == 41.5
    assert len(premises_of(admin, obj)) == 1


@pytest.mark.parametrize("with_external_id", [True, False])
def test_premise_matched_by_object_type_number(integration, admin, obj, with_external_id):
    staff = make_premise(admin, obj["id"], number="15")
    assert staff["external_id"] is None
    rec = consolidated(obj, number="15", total_area=54.3,
                       external_id=ext("P") if with_external_id else OMIT)
    ans = run_import(integration, [rec])
    assert outcomes(ans) == ["updated"] and ans["results"][0]["premise_id"] == staff["id"]
    pc = premise_card(admin, staff["id"])
    assert pc["total_area"] == 54.3
    if with_external_id:
        assert pc["external_id"] == rec["premise"]["external_id"], "the premise gets the record's external id"
    assert [x["id"] for x in premises_of(admin, obj)] == [staff["id"]]


def test_a_premise_written_earlier_in_the_batch_is_found_by_its_number(integration, admin):
    """A batch reads its premises by object and number ahead (ImportLookups, with the object
    named by its external id); what an earlier record of the same batch created must still be
    found: a second record with the same number and no external id updates it, one with
    another external id is refused."""
    o = make_object(admin, external_id=ext("O"))
    by_ext = {"object_external_id": o["external_id"]}
    first = {"premise": {**by_ext, "type": "flat", "number": "12"}}
    again = {"premise": {**by_ext, "type": "flat", "number": "12", "total_area": 61}}
    other = {"premise": {**by_ext, "type": "flat", "number": "14", "external_id": ext("P")}}
    clash = {"premise": {**by_ext, "type": "flat", "number": "14", "external_id": ext("P")}}
    ans = run_import(integration, [first, again, other, clash], status="failed")
    assert outcomes(ans) == ["created", "updated", "created", "error"], ans["results"]
    assert ans["results"][1]["premise_id"] == ans["results"][0]["premise_id"]
    [error] = ans["errors"]
    assert error["index"] == 3 and error["field"] == "premise.number", error
    assert other["premise"]["external_id"] in error["message"], error
    assert premise_card(admin, ans["results"][0]["premise_id"])["total_area"] == 61
    assert len(premises_of(admin, o)) == 2


def test_premise_of_another_type_with_the_same_number_is_not_matched(integration, admin, obj):
    staff = make_premise(admin, obj["id"], type="parking", number="7")
    ans = run_import(integration, [consolidated(obj, number="7", external_id=OMIT)])
    assert outcomes(ans) == ["created"] and ans["results"][0]["premise_id"] != staff["id"]
    assert len(premises_of(admin, obj)) == 2


def test_account_matched_by_legal_entity_and_number(integration, admin, obj, le):
    pr = make_premise(admin, obj["id"])
    acc = assert_status(admin.post(f"{P}/{pr['id']}/accounts",
                                   json={"legal_entity_id": le["id"], "number": f"ЛС-{seq()}"}), 201)
    rec = consolidated(obj, number=pr["number"], external_id=OMIT,
                       accounts=[account(le, number=acc["number"], unified_account="12АБ345679",
                                         hidden_from_resident=True)])
    ans = run_import(integration, [rec])
    res = ans["results"][0]
    assert res["premise_id"] == pr["id"]
    assert res["accounts"][0]["account_id"] == acc["id"] and res["accounts"][0]["outcome"] == "updated"
    [after] = accounts_of(admin, pr["id"])
    assert after["id"] == acc["id"] and after["unified_account"] == "12АБ345679"
    assert after["hidden_from_resident"] is True


def test_same_account_number_of_another_legal_entity_is_another_account(integration, admin, obj, le):
    other_le = make_legal_entity(admin)
    number = f"ЛС-{seq()}"
    rec = consolidated(obj, accounts=[account(le, number=number), account(other_le, number=number)])
    ans = run_import(integration, [rec])
    ids = {x["account_id"] for x in ans["results"][0]["accounts"]}
    assert len(ids) == 2
    assert {(a["legal_entity_id"], a["number"]) for a in accounts_of(admin, ans["results"][0]["premise_id"])} == \
        {(le["id"], number), (other_le["id"], number)}


def test_account_moves_to_the_records_premise(integration, admin, obj, le):
    acc = account(le)
    first = run_import(integration, [consolidated(obj, accounts=[acc])])
    p1, acc_id = first["results"][0]["premise_id"], first["results"][0]["accounts"][0]["account_id"]
    second = run_import(integration, [consolidated(obj, accounts=[account(le, number=acc["number"])])])
    res = second["results"][0]
    p2 = res["premise_id"]
    assert p2 != p1 and res["accounts"][0]["account_id"] == acc_id
    assert accounts_of(admin, p1) == []
    [moved] = accounts_of(admin, p2)
    assert moved["id"] == acc_id and moved["premise_id"] == p2


# =========================================================================== one batch
# The engine reads what a batch's records will look up in a few queries before applying them
# (ImportLookups); each record must still see what the records before it in the batch wrote.


def link_free(c: dict) -> dict:
    """A consolidated record's client as a client record (without its link's keys)."""
    return {k: v for k, v in c.items() if k not in ("role", "share", "owner_external_id")}


def test_batch_a_phone_freed_by_an_earlier_record_goes_to_a_new_client(integration, admin):
    p1, p2 = unique_phone(), unique_phone()
    x = client(phone=p1)
    idx = client_id(run_import(integration, [{"client": x}]), 0)
    y = client(phone=p1)
    ans = run_import(integration, [{"client": dict(x, phone=p2)}, {"client": y}])
    assert outcomes(ans) == ["updated", "created"], ans["results"]
    idy = client_id(ans, 1)
    assert idy != idx
    assert card(admin, idx)["phone"] == p2 and card(admin, idy)["phone"] == p1
    assert set(external_values(admin, idx)) == {x["external_id"]}


def test_batch_a_client_deleted_by_an_earlier_records_sync_is_created_again(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    ans = run_import(integration, [only(rec, a), {"client": link_free(b)}])
    assert outcomes(ans) == ["updated", "created"], ans["results"]
    assert removed_ids(ans["results"][0]["clients_deleted"]) == {idb}
    again = client_id(ans, 1)
    assert again != idb and is_gone(admin, idb)
    assert card(admin, again)["phone"] == b["phone"]


def test_batch_after_a_merge_the_absorbed_clients_external_id_finds_the_survivor(integration, admin):
    x, y = client(), client()
    first = run_import(integration, [{"client": x}, {"client": y}])
    idx, idy = client_id(first, 0), client_id(first, 1)
    merge = client(external_id=x["external_id"], phone=y["phone"], last_name=OMIT, first_name=OMIT)
    later = client(external_id=y["external_id"], phone=OMIT, last_name=OMIT, first_name=OMIT,
                   email="after.merge@example.ru")
    ans = run_import(integration, [{"client": merge}, {"client": later}])
    assert outcomes(ans) == ["merged", "updated"], ans["results"]
    assert client_id(ans, 0) == idx and client_id(ans, 1) == idx
    assert is_gone(admin, idy)
    s = card(admin, idx)
    assert s["phone"] == y["phone"] and s["email"] == "after.merge@example.ru", s


def test_batch_an_account_number_freed_by_an_earlier_record_opens_a_new_account(integration, admin, obj, le):
    acc = account(le, external_id=ext("A"))
    rec = consolidated(obj, accounts=[acc])
    first = run_import(integration, [rec])
    p1, acc_id = first["results"][0]["premise_id"], first["results"][0]["accounts"][0]["account_id"]
    renumbered = dict(acc, number=f"ЛС-{seq()}")
    ans = run_import(integration, [{"premise": rec["premise"], "accounts": [renumbered]},
                                   consolidated(obj, accounts=[account(le, number=acc["number"])])])
    [kept], [opened] = ans["results"][0]["accounts"], ans["results"][1]["accounts"]
    assert kept["outcome"] == "updated" and kept["account_id"] == acc_id, kept
    assert opened["outcome"] == "created" and opened["account_id"] != acc_id, opened
    [a1] = accounts_of(admin, p1)
    assert a1["id"] == acc_id and a1["number"] == renumbered["number"]
    [a2] = accounts_of(admin, ans["results"][1]["premise_id"])
    assert a2["number"] == acc["number"]


def test_batch_a_premise_named_by_number_then_by_external_id_sees_the_links_just_written(
        integration, admin, obj):
    """Premise P (external id E) has owner A. In one batch, a record names P by object, type and
    number and lists owner B (A leaves, keeping another premise); the next names P by E and lists
    owner C (B leaves)."""
    a, b, c = owner(), owner(), owner()
    rec = consolidated(obj, clients=[a])
    pid = run_import(integration, [rec, consolidated(obj, clients=[a])])["results"][0]["premise_id"]
    by_number = {"premise": dict(rec["premise"], external_id=OMIT), "clients": [b]}
    by_number["premise"].pop("external_id")
    ans = run_import(integration, [by_number, {"premise": rec["premise"], "clients": [c]}])
    assert [r["premise_id"] for r in ans["results"]] == [pid, pid], ans["results"]
    idb, idc = client_id(ans, 0, b["external_id"]), client_id(ans, 1, c["external_id"])
    assert removed_ids(ans["results"][1]["links_removed"]) == {idb}, ans["results"][1]
    assert set(links(admin, pid)) == {idc}


# =========================================================================== sync (I-11, M-1)


def two_owners(integration, obj) -> tuple[dict, dict, dict, int, int, int]:
    """A premise imported with owners A and B; returns (record, A, B, premise id, A id, B id)."""
    a, b = owner(share="1/2"), owner(share="1/2")
    rec = consolidated(obj, clients=[a, b])
    ans = run_import(integration, [rec])
    pid = ans["results"][0]["premise_id"]
    return rec, a, b, pid, client_id(ans, 0, a["external_id"]), client_id(ans, 0, b["external_id"])


def only(rec: dict, *clients_: dict) -> dict:
    """The record again, listing only these clients."""
    return {"premise": dict(rec["premise"]), "clients": [dict(c) for c in clients_]}


def test_sync_unlisted_owner_removed_and_deleted(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    ans = run_import(integration, [only(rec, a)])
    res = ans["results"][0]
    assert removed_ids(res["links_removed"]) == {idb}, res
    assert removed_ids(res["clients_deleted"]) == {idb}, res
    assert ans["counts"]["links_removed"] == 1 and ans["counts"]["clients_deleted"] == 1
    assert set(links(admin, pid)) == {ida}
    assert is_gone(admin, idb), "a client left without any premise is deleted"
    assert not is_gone(admin, ida)


def test_sync_keep_on_sync_link_keeps_the_client(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    assert_status(admin.patch(f"{P}/{pid}/clients/{idb}", json={"keep_on_sync": True}), 200)
    ans = run_import(integration, [only(rec, a)], status=("ok", "warnings"))
    res = ans["results"][0]
    assert removed_ids(res["links_removed"]) == set() and removed_ids(res["clients_deleted"]) == set(), res
    assert set(links(admin, pid)) == {ida, idb}
    assert not is_gone(admin, idb)


def test_sync_a_listed_resident_depends_on_an_owner_who_stays(integration, admin, obj):
    """The record lists only a resident: the owners it does not list leave (sync), so the
    resident cannot depend on one of them — on the kept owner when there is one, else the
    record fails and changes nothing."""
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    resident = owner(role="resident")
    ans = run_import(integration, [only(rec, resident)], status="failed")
    [err] = ans["errors"]
    assert err["field"] == "clients[0].role" and "нет собственника" in err["message"], err
    assert set(links(admin, pid)) == {ida, idb}, "the failed record changed nothing"

    assert_status(admin.patch(f"{P}/{pid}/clients/{idb}", json={"keep_on_sync": True}), 200)
    ans = run_import(integration, [only(rec, resident)], status=("ok", "warnings"))
    rid = client_id(ans, 0, resident["external_id"])
    own = links(admin, pid)
    assert set(own) == {idb, rid}, own
    assert own[rid]["owner_client_id"] == idb, "the resident depends on the owner who stays"


def test_sync_client_with_a_keep_on_sync_link_elsewhere_keeps_all_links(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    other = make_premise(admin, obj["id"])
    make_link(admin, other["id"], idb, keep_on_sync=True)
    ans = run_import(integration, [only(rec, a)], status=("ok", "warnings"))
    res = ans["results"][0]
    assert removed_ids(res["links_removed"]) == set() and removed_ids(res["clients_deleted"]) == set(), res
    assert set(links(admin, pid)) == {ida, idb}, "the client and all their links are kept"


def test_sync_owner_with_another_premise_loses_the_link_only(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    other = make_premise(admin, obj["id"])
    make_link(admin, other["id"], idb)
    ans = run_import(integration, [only(rec, a)])
    res = ans["results"][0]
    assert removed_ids(res["links_removed"]) == {idb} and removed_ids(res["clients_deleted"]) == set(), res
    assert set(links(admin, pid)) == {ida}
    assert not is_gone(admin, idb) and set(links(admin, other["id"])) == {idb}


def test_sync_dependants_of_a_removed_owner_stay_linked(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    dep = make_client(admin)
    make_link(admin, pid, dep["id"], role="tenant", owner_client_id=idb)
    ans = run_import(integration, [only(rec, a)])
    assert removed_ids(ans["results"][0]["links_removed"]) == {idb}
    assert is_gone(admin, idb)
    own = links(admin, pid)
    assert set(own) == {ida, dep["id"]}
    assert own[dep["id"]]["role"] == "tenant" and own[dep["id"]]["owner_client_id"] is None, \
        "a dependant of a removed owner stays linked and loses the owner reference"


def test_sync_non_owners_listed_are_linked_unlisted_stay(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    staff_resident = make_client(admin)
    make_link(admin, pid, staff_resident["id"], role="resident", owner_client_id=ida)
    tenant = owner(role="tenant")
    ans = run_import(integration, [only(rec, a, b, tenant)])
    res = ans["results"][0]
    assert removed_ids(res["links_removed"]) == set(), res
    own = links(admin, pid)
    idt = client_id(ans, 0, tenant["external_id"])
    assert own[idt]["role"] == "tenant"
    assert set(own) == {ida, idb, idt, staff_resident["id"]}, "a non-owner link not listed stays"


def test_record_without_clients_key_leaves_links(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    ans = run_import(integration, [{"premise": dict(rec["premise"], total_area=77)}])
    assert removed_ids(ans["results"][0].get("links_removed") or []) == set()
    assert set(links(admin, pid)) == {ida, idb}
    assert premise_card(admin, pid)["total_area"] == 77


MSG_SHARES = "Сумма долей собственников помещения больше целого"


def test_shares_over_the_whole_fail_the_record_and_write_nothing(integration, admin, obj):
    rec = consolidated(obj, clients=[owner(share="1/2"), owner(share="2/3")])
    before = totals(admin)
    ans = run_import(integration, [rec], status="failed")
    assert ans["errors"] == [{"index": 0, "field": "clients", "message": MSG_SHARES}], ans["errors"]
    assert totals(admin) == before, "the failing record left no premise or client behind"


def test_shares_count_the_owners_kept_and_leave_out_the_removed(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    # B is not listed and leaves: A may take 2/3 beside a new owner's 1/3.
    c = owner(share="1/3")
    ans = run_import(integration, [only(rec, dict(a, share="2/3"), c)])
    idc = client_id(ans, 0, c["external_id"])
    own = links(admin, pid)
    assert set(own) == {ida, idc} and own[ida]["ownership_share"] == "2/3", own
    # Now B comes back with 1/3 and is kept on sync (M-1); a record listing only A (2/3) and
    # C (1/3) keeps B, whose 1/3 still counts: over the whole, the record fails.
    ans = run_import(integration, [only(rec, dict(a, share="1/3"), c, dict(b, share="1/3"))])
    idb = client_id(ans, 0, b["external_id"])
    assert_status(admin.patch(f"{P}/{pid}/clients/{idb}", json={"keep_on_sync": True}), 200)
    ans = run_import(integration, [only(rec, dict(a, share="2/3"), c)], status="failed")
    assert ans["errors"] == [{"index": 0, "field": "clients", "message": MSG_SHARES}], ans["errors"]
    assert links(admin, pid)[ida]["ownership_share"] == "1/3", "the failing record changed nothing"
    # A's 1/3 fits beside the kept B.
    run_import(integration, [only(rec, dict(a, share="1/3"), c)], status=("ok", "warnings"))
    own = links(admin, pid)
    assert set(own) == {ida, idb, idc} and own[ida]["ownership_share"] == "1/3", own


# =========================================================================== stop at the first error (I-8)


def test_stop_at_first_error(integration, admin, obj):
    recs = [consolidated(obj, clients=[owner()]), consolidated(obj, clients=[owner()]),
            consolidated(obj, clients=[owner(phone="12345")]), consolidated(obj, clients=[owner()])]
    before = totals(admin)
    ans = run_import(integration, recs, status="failed", source="1c")
    assert outcomes(ans) == ["created", "created", "error"], "records after the failing one have no result"
    [err] = ans["errors"]
    assert err["index"] == 2 and err["field"] == "clients[0].phone", err
    assert ans["counts"]["created"] == 2 and ans["counts"]["errors"] == 1
    got = {p["external_id"] for p in premises_of(admin, obj)}
    assert got == {recs[0]["premise"]["external_id"], recs[1]["premise"]["external_id"]}
    assert totals(admin) == (before[0] + 2, before[1] + 2)
    assert clients_with_phone(admin, recs[3]["clients"][0]["phone"]) == []
    op = operation(admin, ans["operation_id"])
    assert op["status"] == "failed" and op["kind"] == "import" and op["source"] == "1c", op
    assert op.get("message"), op
    failed = assert_status(admin.get(OPS, params={"status": "failed", "kind": "import"}), 200)["items"]
    assert ans["operation_id"] in [o["id"] for o in failed]


@pytest.mark.parametrize("failure", ["unreadable", "half_applied"])
@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry"])
def test_a_failure_late_in_a_batch_keeps_its_earlier_records_once(integration, admin, obj, dry_run, failure):
    """A real run applies a batch's records without savepoints of their own; when one fails
    after writing (shares over the whole are found once its clients and links are written),
    the batch is rolled back and applied again record by record. The earlier records'
    results, merges and rows must appear exactly once, and nothing of the failing record
    may stay. A record that fails to be read writes nothing."""
    p = unique_phone()
    y = make_client(admin, phone=p, last_name="Поглощаемый")
    x_rec = client(phone=unique_phone(), last_name="Выживающий")
    x = client_id(run_import(integration, [{"client": x_rec}], source="1c"), 0)
    merge = {"client": {**x_rec, "phone": p}}
    good = consolidated(obj, clients=[owner()])
    if failure == "unreadable":
        bad = consolidated(obj, clients=[owner(phone="12")])
    else:
        bad = consolidated(obj, clients=[owner(share="1/2"), owner(share="2/3")])
    after = consolidated(obj, clients=[owner()])
    before = totals(admin)
    ans = run_import(integration, [merge, good, bad, after], source="1c", dry_run=dry_run, status="failed")
    expected = ["merged", "created", "error"] + (["created"] if dry_run else [])
    assert outcomes(ans) == expected, ans["results"]
    assert [r["index"] for r in ans["results"]] == list(range(len(expected)))
    assert len(ans["merges"]) == 1, ans["merges"]
    assert ans["counts"]["merged"] == 1 and ans["counts"]["created"] == (2 if dry_run else 1), ans["counts"]
    assert [e["index"] for e in ans["errors"]] == [2]
    if failure == "half_applied":
        assert ans["errors"][0]["field"] == "clients" and ans["errors"][0]["message"] == MSG_SHARES, ans["errors"]
    op = operation(admin, ans["operation_id"])
    assert len(op_details(op)["merges"]) == 1
    if dry_run:
        assert totals(admin) == before and not is_gone(admin, y["id"])
        assert card(admin, x)["phone"] != p
    else:
        assert is_gone(admin, y["id"]) and card(admin, x)["phone"] == p
        got = {q["external_id"] for q in premises_of(admin, obj)}
        assert good["premise"]["external_id"] in got
        assert not {bad["premise"]["external_id"], after["premise"]["external_id"]} & got
        assert totals(admin) == (before[0] + 1 - 1, before[1] + 1), "one owner created, one client absorbed"


def test_a_stopped_import_is_simply_sent_again(integration, admin, obj):
    bad = consolidated(obj, clients=[owner(phone="abc")])
    recs = [consolidated(obj, clients=[owner()]), bad, consolidated(obj, clients=[owner()])]
    run_import(integration, recs, status="failed")
    bad["clients"][0]["phone"] = unique_phone()
    ans = run_import(integration, recs)
    assert outcomes(ans) == ["unchanged", "created", "created"]
    assert len(premises_of(admin, obj)) == 3


# =========================================================================== dry run (B-1)


def test_dry_run_writes_nothing_and_reports_every_error(integration, admin, obj, le):
    existing = run_import(integration, [consolidated(obj, clients=[owner()], accounts=[account(le)])])
    pid = existing["results"][0]["premise_id"]
    cid = client_id(existing, 0)
    recs = [consolidated(obj, clients=[owner()], accounts=[account(le)]),     # 0 create
            consolidated(obj, clients=[owner(phone="12")]),                   # 1 bad phone
            client_record(),                                                  # 2 create
            consolidated(obj, type="spaceship"),                              # 3 bad type
            client_record(external_id=OMIT),                                  # 4 no external id
            {"building": {"number": "1"}}]                                    # 5 unknown kind
    snapshot = (totals(admin), premise_card(admin, pid), card(admin, cid), links(admin, pid),
                accounts_of(admin, pid), len(premises_of(admin, obj)))
    ans = run_import(integration, recs, dry_run=True, status="failed")
    assert len(ans["results"]) == len(recs), "a dry run never stops at an error"
    assert outcomes(ans) == ["created", "error", "created", "error", "error", "error"]
    assert [e["index"] for e in ans["errors"]] == [1, 3, 4, 5]
    fields = {e["index"]: e.get("field") for e in ans["errors"]}
    assert fields[1] == "clients[0].phone" and fields[3] == "premise.type"
    assert fields[4] == "client.external_id" and fields[5] in ("", None)
    assert next(e for e in ans["errors"] if e["index"] == 5)["message"].startswith(MSG_UNKNOWN_KIND)
    time.sleep(0.2)
    assert (totals(admin), premise_card(admin, pid), card(admin, cid), links(admin, pid),
            accounts_of(admin, pid), len(premises_of(admin, obj))) == snapshot, "a dry run wrote"
    op = operation(admin, ans["operation_id"])
    assert op["kind"] == "import_dry_run", op


def test_dry_run_plans_sync_removals_and_outcomes(integration, admin, obj):
    rec, a, b, pid, ida, idb = two_owners(integration, obj)
    a2 = dict(a, first_name="Изменённый")
    ans = run_import(integration, [only(rec, a2)], dry_run=True)
    res = ans["results"][0]
    # the premise's own fields are unchanged; its owner set changes (the engine says `updated`)
    assert res["outcome"] in ("unchanged", "updated") and res["premise_id"] == pid
    assert client_entry(res, a["external_id"])["outcome"] == "updated"
    assert removed_ids(res["links_removed"]) == {idb} and removed_ids(res["clients_deleted"]) == {idb}
    assert ans["counts"]["links_removed"] == 1 and ans["counts"]["clients_deleted"] == 1
    # nothing happened
    assert set(links(admin, pid)) == {ida, idb} and not is_gone(admin, idb)
    assert card(admin, ida)["first_name"] == a["first_name"]


def test_dry_run_sees_the_effect_of_earlier_records(integration, admin, obj):
    e, p = ext(), unique_phone()
    recs = [client_record(external_id=e, phone=p),
            consolidated(obj, clients=[owner(external_id=e, phone=p)]),
            consolidated(obj, clients=[owner(external_id=e, phone=eight(p), first_name="Иной")])]
    before = totals(admin)
    ans = run_import(integration, recs, dry_run=True)
    assert outcomes(ans) == ["created", "created", "created"]  # the premises are new
    assert client_entry(ans["results"][1], e)["outcome"] in ("updated", "unchanged"), \
        "a client created by an earlier record of the batch is planned as an update, not a create"
    assert client_entry(ans["results"][2], e)["outcome"] == "updated"
    assert ans["counts"]["created"] in (3, 3 + 1), ans["counts"]
    assert totals(admin) == before
    # and the same batch really applied makes one client
    real = run_import(integration, recs)
    assert len(clients_with_phone(admin, p)) == 1
    assert client_entry(real["results"][1], e)["outcome"] in ("updated", "unchanged")


def test_dry_run_of_a_duplicate_premise_reports_it(integration, obj):
    first = consolidated(obj)
    dup = consolidated(obj, external_id=first["premise"]["external_id"])
    ans = run_import(integration, [client_record(), first, dup], dry_run=True, status="failed")
    assert outcomes(ans) == ["created", "created", "error"]
    assert ans["errors"][0]["index"] == 2
    assert ans["errors"][0]["message"].startswith(MSG_DUPLICATE_PREMISE), ans["errors"]


def test_a_dry_run_shows_its_progress_in_the_log(env, integration, admin, obj, le):
    """A dry run holds its transaction open to its end; the log still shows how far it is
    (the Excel page's progress bar reads it), and on PostgreSQL a long dry run is not taken
    for one cut off."""
    total = 3000
    recs = [consolidated(obj, clients=[owner()], accounts=[account(le)]) for _ in range(total)]
    outcome: dict[str, Any] = {}

    def send():
        outcome["answer"] = run_import(integration, recs, dry_run=True)

    sender = threading.Thread(target=send)
    sender.start()
    seen, stored = [], []
    deadline = time.monotonic() + 300
    while sender.is_alive() and time.monotonic() < deadline:
        r = admin.get(OPS, params={"status": "running", "kind": "import_dry_run"})
        if r.status_code == 200:
            seen += [op["counts"].get("processed", 0) for op in r.json()["items"]]
        if env.db.kind == "postgres":  # what a sibling instance reads
            stored += [json.loads(c).get("processed", 0) for (c,) in query(
                env, "SELECT counts FROM exchange_operations WHERE status = 'running' "
                     "AND kind = 'import_dry_run'")]
        time.sleep(0.01)
    sender.join(timeout=60)
    assert outcome.get("answer"), "the dry run did not answer"
    progress = [p for p in seen if 0 < p < total]
    assert progress, f"no progress seen while the dry run ran: {sorted(set(seen))}"
    assert progress == sorted(progress), "the progress went back"
    if env.db.kind == "postgres":
        assert any(0 < p < total for p in stored), f"no progress stored: {sorted(set(stored))}"
    op = operation(admin, outcome["answer"]["operation_id"])
    assert (op["status"], op["counts"]["processed"]) == ("ok", total), op


def test_dry_run_reports_a_repeated_premise_even_after_a_first_that_fails(integration, obj):
    """Record 0 has a bad phone and record 2 repeats its premise: the real run stops at 0;
    once 0 is fixed it would stop at 2. The dry run says both at once."""
    first = consolidated(obj, clients=[owner(phone="12")])
    again = consolidated(obj, external_id=f" {first['premise']['external_id']} ")
    ans = run_import(integration, [first, client_record(), again], dry_run=True, status="failed")
    assert outcomes(ans) == ["error", "created", "error"]
    assert [e["index"] for e in ans["errors"]] == [0, 2], ans["errors"]
    assert ans["errors"][1]["message"].startswith(MSG_DUPLICATE_PREMISE + ": запись 0"), ans["errors"]


# =========================================================================== idempotence


def test_a_large_import_refreshes_the_planner_statistics(env, integration, admin, obj):
    """Without statistics SQLite walks an ORDER BY index under a selective filter; the
    keeper refreshes them hourly, and at once after an import that applied records."""
    if env.db.kind != "sqlite":
        pytest.skip("PostgreSQL's autovacuum analyzes by itself")
    run_import(integration, [consolidated(obj, clients=[owner()]) for _ in range(1500)])
    deadline = time.time() + 30
    while time.time() < deadline:
        if query(env, "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'premises'")[0][0] > 0:
            return
        time.sleep(0.2)
    pytest.fail("no statistics of premises 30 s after an import of 1,500 premises")


def test_same_batch_twice_changes_nothing(integration, admin, obj, le):
    recs = [consolidated(obj, clients=[owner(share="1/2"), owner(share="1/2", email="b@example.ru"),
                                       owner(role="resident")],
                         accounts=[account(le, unified_account="12АБ345670")], total_area=50.5),
            consolidated(obj, clients=[owner(middle_name="Петрович")], accounts=[account(le)]),
            client_record(inn="500100732259", birth_date="1985-04-12")]
    first = run_import(integration, recs)
    assert outcomes(first) == ["created"] * 3
    pids = [first["results"][i]["premise_id"] for i in (0, 1)]
    cids = {client_id(first, 2)} | {c["client_id"] for i in (0, 1) for c in first["results"][i]["clients"]}

    def state():
        return ([premise_card(admin, p) for p in pids], [card(admin, c) for c in sorted(cids)],
                [links(admin, p) for p in pids], [accounts_of(admin, p) for p in pids],
                [assert_status(admin.get(f"{P}/{p}/history"), 200)["total"] for p in pids],
                [assert_status(admin.get(f"{C}/{c}/history"), 200)["total"] for c in sorted(cids)])

    before = state()
    time.sleep(1.1)  # a second later, any write would move updated_at
    second = run_import(integration, recs)
    assert outcomes(second) == ["unchanged"] * 3
    for res in second["results"][:2]:
        assert {c["outcome"] for c in res["clients"]} == {"unchanged"}, res
        assert {x["outcome"] for x in res["accounts"]} == {"unchanged"}, res
    c = second["counts"]
    assert c["unchanged"] == 3 and c["created"] == c["updated"] == c["merged"] == 0, c
    assert state() == before, "a batch sent again changed something (updated_at, history)"


# =========================================================================== tenancy


def test_other_organisations_clients_are_never_matched(integration, integration_b, admin, admin_b):
    e, pb = ext(), unique_phone()
    b_ans = run_import(integration_b, [client_record(external_id=e, phone=pb)], source="1c")
    b_id = client_id(b_ans, 0)
    b_before = card(admin_b, b_id)
    # the same external id with a new phone: a new client of A, not case 2 with B's client
    pa = unique_phone()
    ans = run_import(integration, [client_record(external_id=e, phone=pa)], source="1c")
    assert outcomes(ans) == ["created"] and client_id(ans, 0) != b_id
    # a new external id with B's phone: a new client of A, not case 3 with B's client
    ans = run_import(integration, [client_record(external_id=ext(), phone=pb)], source="1c")
    assert outcomes(ans) == ["created"]
    a_id = client_id(ans, 0)
    assert card(admin, a_id)["phone"] == pb
    assert card(admin_b, b_id) == b_before
    assert list(external_values(admin_b, b_id)) == [e]
    assert_error(admin.get(f"{C}/{b_id}"), 404, "not_found")


def test_other_organisations_premise_is_never_matched(integration, integration_b, admin, admin_b, obj, obj_b):
    rec_b = consolidated(obj_b, number="5")
    b_pid = run_import(integration_b, [rec_b])["results"][0]["premise_id"]
    b_before = premise_card(admin_b, b_pid)
    ans = run_import(integration, [consolidated(obj, external_id=rec_b["premise"]["external_id"], number="5")])
    assert outcomes(ans) == ["created"] and ans["results"][0]["premise_id"] != b_pid
    assert premise_card(admin_b, b_pid) == b_before


@pytest.mark.parametrize("where", ["object_id", "legal_entity_inn"])
def test_other_organisations_object_or_legal_entity_is_an_error(integration, admin, obj_b, le_b, obj, where):
    before = totals(admin)
    if where == "object_id":
        rec, field = consolidated(obj_b, clients=[owner()]), "premise.object_id"
    else:
        rec, field = consolidated(obj, clients=[owner()], accounts=[account(le_b)]), "accounts[0].legal_entity_inn"
    ans = run_import(integration, [rec], status="failed")
    assert outcomes(ans) == ["error"] and ans["errors"][0]["field"] == field, ans["errors"]
    assert totals(admin) == before


# =========================================================================== access


def test_access(env, admin, operator, readonly, integration):
    before = totals(admin)
    for who in (operator, readonly):
        assert_error(post_import(who, [client_record()]), 403, "forbidden")
    assert_error(post_import(env.anonymous(), [client_record()]), 401, "unauthorized")
    assert totals(admin) == before
    assert outcomes(run_import(admin, [client_record()])) == ["created"]
    assert outcomes(run_import(integration, [client_record()])) == ["created"]
    assert totals(admin)[0] == before[0] + 2


def test_admin_session_needs_csrf(env, admin):
    r = admin.post(IMPORT, json={"records": [client_record()]}, csrf=False)
    assert_error(r, 403, "csrf_failed")


def test_operations_log_lists_imports(integration, admin):
    ans = run_import(integration, [client_record()], source="1c")
    dry = run_import(integration, [client_record()], source="1c", dry_run=True)
    items = assert_status(admin.get(OPS), 200)["items"]
    ids = [o["id"] for o in items]
    assert ids[:2] == [dry["operation_id"], ans["operation_id"]], "newest first"
    op = operation(admin, ans["operation_id"])
    assert op["kind"] == "import" and op["status"] == "ok" and op["source"] == "1c", op
    assert op["counts"]["created"] == 1, op
    assert operation(admin, dry["operation_id"])["kind"] == "import_dry_run"
    kinds = {o["kind"] for o in assert_status(admin.get(OPS, params={"kind": "import_dry_run"}), 200)["items"]}
    assert kinds == {"import_dry_run"}


def test_other_organisations_operation_is_404(integration, admin_b):
    ans = run_import(integration, [client_record()])
    assert_error(admin_b.get(f"{OPS}/{ans['operation_id']}"), 404, "not_found")
    assert ans["operation_id"] not in [o["id"] for o in assert_status(admin_b.get(OPS), 200)["items"]]


# =========================================================================== bad input


@pytest.fixture
def nothing_written(admin):
    """Checks after the test that the organisation's clients and premises did not change."""
    before = totals(admin)
    yield
    assert totals(admin) == before, "a refused batch wrote something"


def test_body_not_json_is_400(integration, nothing_written):
    r = integration.post(IMPORT, data=b'{"records": [', headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")


VALID = "valid records"


@pytest.mark.parametrize("body", [{}, {"records": {}}, {"records": "x"}, {"records": None}, {"records": []},
                                  {"records": VALID, "space": "nowhere"}, {"records": VALID, "dry_run": "yes"},
                                  {"records": VALID, "source": ""}, {"records": VALID, "source": "Щ" * 101}],
                         ids=["missing", "object", "string", "null", "empty", "bad-space", "dry-run-not-bool",
                              "empty-source", "long-source"])
def test_batch_shape_is_422(integration, body, nothing_written):
    if body.get("records") == VALID:
        body = dict(body, records=[client_record()])
    assert_error(integration.post(IMPORT, json=body), 422, "validation_failed")


def test_over_200000_records_is_422(integration, nothing_written):
    records = [client_record(phone=OMIT, last_name=OMIT, first_name="Ян", external_id=f"X{i}")
               for i in range(200_001)]
    r = integration.post(IMPORT, data=json.dumps({"records": records}).encode(),
                         headers={"Content-Type": "application/json"})
    assert_error(r, 422, "validation_failed")


@pytest.mark.parametrize("bad", [{"house": {"number": "1"}}, {}, [], "client", 5, None],
                         ids=["house", "empty-object", "array", "string", "number", "null"])
def test_unknown_record_kind_names_the_record(integration, bad, nothing_written):
    ans = run_import(integration, [bad], status="failed")
    [err] = ans["errors"]
    assert err["index"] == 0 and err["message"].startswith(MSG_UNKNOWN_KIND), err


def test_unknown_record_kind_after_a_good_record(integration, admin):
    before = totals(admin)
    ans = run_import(integration, [client_record(), {"building": {}}, client_record()], status="failed")
    assert outcomes(ans) == ["created", "error"]
    [err] = ans["errors"]
    assert err["index"] == 1 and err["message"].startswith(MSG_UNKNOWN_KIND), err
    assert totals(admin)[0] == before[0] + 1


def test_missing_client_external_id(integration, nothing_written):
    for rec in (client_record(external_id=OMIT), client_record(external_id=""), client_record(external_id=None),
                client_record(external_id="Щ" * 101)):
        ans = run_import(integration, [rec], status="failed")
        assert ans["errors"][0]["field"] == "client.external_id", ans["errors"]


def test_consolidated_client_without_external_id(integration, obj, nothing_written):
    ans = run_import(integration, [consolidated(obj, clients=[owner(external_id=OMIT)])], status="failed")
    assert ans["errors"][0]["field"] == "clients[0].external_id", ans["errors"]


@pytest.mark.parametrize("phone", ["12345", "abc", "8 (912) 345-67-8", "+7 912 345 67 890", "+7 (012) 345-67-89"])
def test_unparsable_phone(integration, phone, nothing_written):
    ans = run_import(integration, [client_record(phone=phone)], status="failed")
    [err] = ans["errors"]
    assert err["field"] == "client.phone" and err["index"] == 0, err


@pytest.mark.parametrize("change,field", [
    ({"type": "spaceship"}, "premise.type"),
    ({"total_area": -1}, "premise.total_area"),
    ({"total_area": 10.123}, "premise.total_area"),
    ({"rooms": 51}, "premise.rooms"),
    ({"rooms": 2.5}, "premise.rooms"),
    ({"total_area": 100000.01}, "premise.total_area"),
    ({"total_area": "много"}, "premise.total_area"),
    ({"object_id": 987654321}, "premise.object_id"),
    ({"external_id": "Щ" * 101}, "premise.external_id"),
])
def test_bad_premise_fields(integration, obj, change, field, nothing_written):
    ans = run_import(integration, [consolidated(obj, **change)], status="failed")
    assert ans["errors"][0]["field"] == field, ans["errors"]


def test_new_premise_needs_object_and_type(integration, obj, nothing_written):
    for rec, field in ((consolidated(None), "premise.object_id"), (consolidated(obj, type=OMIT), "premise.type")):
        ans = run_import(integration, [rec], status="failed")
        assert ans["errors"][0]["field"] == field, ans["errors"]


@pytest.mark.parametrize("change,field", [
    ({"legal_entity_inn": "0000000000"}, "accounts[0].legal_entity_inn"),
    ({"legal_entity_inn": OMIT}, "accounts[0].legal_entity_inn"),
    ({"number": OMIT}, "accounts[0].number"),
    ({"number": "Щ" * 51}, "accounts[0].number"),
    ({"unified_account": "ЕЛС"}, "accounts[0].unified_account"),
])
def test_bad_account_fields(integration, obj, le, change, field, nothing_written):
    ans = run_import(integration, [consolidated(obj, accounts=[account(le, **change)])], status="failed")
    assert ans["errors"][0]["field"] == field, ans["errors"]


@pytest.mark.parametrize("change,field", [
    ({"role": "king"}, "clients[0].role"),
    ({"share": "3/2"}, "clients[0].share"),
    ({"email": "not-an-email"}, "clients[0].email"),
    ({"last_name": "Иванов2"}, "clients[0].last_name"),
])
def test_bad_consolidated_client_fields(integration, obj, change, field, nothing_written):
    ans = run_import(integration, [consolidated(obj, clients=[owner(**change)])], status="failed")
    assert ans["errors"][0]["field"] == field, ans["errors"]


def test_same_premise_external_id_twice_in_a_batch(integration, admin, obj):
    before = totals(admin)
    first = consolidated(obj)
    recs = [client_record(), first, consolidated(obj, external_id=first["premise"]["external_id"]),
            client_record()]
    ans = run_import(integration, recs, status="failed")
    assert outcomes(ans) == ["created", "created", "error"]
    [err] = ans["errors"]
    assert err["index"] == 2 and err["message"].startswith(MSG_DUPLICATE_PREMISE), err
    m = re.search(r"запись\s+(\d+)", err["message"])
    assert m and m.group(1) in ("1", "2"), f"the message should name the first record (1 or 2): {err}"
    # only the records before the failing one are written
    assert totals(admin) == (before[0] + 1, before[1] + 1)


def test_one_person_listed_twice_in_a_record_is_refused_in_russian(integration, admin, obj):
    """1С has the same person under two codes with one phone: the second entry finds the
    client the first one made (case 3). The record names the repeat; nothing of it is
    written, and no database text reaches the answer."""
    before = totals(admin)
    phone = unique_phone()
    twice = consolidated(obj, clients=[owner(phone=phone), owner(phone=phone, role="resident")])
    for dry_run in (True, False):
        ans = run_import(integration, [client_record(), twice], dry_run=dry_run, status="failed")
        assert outcomes(ans) == ["created", "error"]
        [err] = ans["errors"]
        assert (err["index"], err["field"]) == (1, "clients[1].phone"), err
        assert "clients[0]" in err["message"] and "дважды" in err["message"], err
        assert not re.search("[A-Za-z]{4,}", err["message"].replace("clients", "")), err
    assert totals(admin) == (before[0] + 1, before[1]), "only the first record's client"


def test_an_account_listed_twice_in_a_record_is_refused(integration, admin, obj, le):
    before = totals(admin)
    same_id = [account(le, external_id="ЛС-Д-1"), account(le, external_id="ЛС-Д-1")]
    number = f"ЛС-{seq()}"
    same_number = [account(le, number=number), account(le, number=number)]
    for accounts, field in ((same_id, "accounts[1].external_id"), (same_number, "accounts[1].number")):
        ans = run_import(integration, [consolidated(obj, accounts=accounts)], status="failed")
        [err] = ans["errors"]
        assert (err["index"], err["field"]) == (0, field), err
        assert "accounts[0]" in err["message"], err
    assert totals(admin) == before


def test_an_account_with_debt_moved_to_a_new_premise_gives_its_new_owner_the_debt(integration, admin, obj, le):
    old_premise = make_premise(admin, obj["id"])
    number = f"ЛС-{seq()}"
    acc = assert_status(admin.post(f"{P}/{old_premise['id']}/accounts",
                                   json={"legal_entity_id": le["id"], "number": number}), 201)
    add_charge(admin, acc["id"], amount=90000)
    rec = consolidated(obj, clients=[owner()], accounts=[account(le, number=number)])
    ans = run_import(integration, [rec])
    assert ans["results"][0]["outcome"] == "created"
    assert ans["results"][0]["accounts"][0]["account_id"] == acc["id"], "the account moved"
    assert card(admin, client_id(ans, 0))["debt"] == 90000, "the debt came with the account"


def test_a_batch_whose_commit_fails_is_not_reported_as_applied(env, integration, admin, obj):
    """The commit of the second batch (records 1,000…) fails — here a deferred constraint
    trigger of PostgreSQL, the way a lost connection or a full disk would: the answer and
    the log report the first batch and name record 1,000 as the first one not saved."""
    if env.db.kind != "postgres":
        pytest.skip("SQLite has no check that runs at commit")
    marker = f"FAIL-AT-COMMIT-{seq()}"
    env.db.execute(f"""
        CREATE OR REPLACE FUNCTION test_fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.external_id = '{marker}' THEN RAISE EXCEPTION 'commit refused for the test'; END IF;
          RETURN NULL;
        END $$;
        CREATE CONSTRAINT TRIGGER test_fail_at_commit AFTER INSERT ON premises
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_at_commit();""")
    try:
        before = totals(admin)
        recs = [consolidated(obj) for _ in range(1500)]
        recs[1200]["premise"]["external_id"] = marker
        ans = run_import(integration, recs, status="failed")
        assert ans["counts"]["processed"] == 1000 and ans["counts"]["created"] == 1000, ans["counts"]
        assert len(ans["results"]) == 1000
        [err] = ans["errors"]
        assert err["index"] == 1000 and "не сохранены" in err["message"], err
        assert totals(admin) == (before[0], before[1] + 1000), "the first batch is in the database"
        op = operation(admin, ans["operation_id"])
        assert op["status"] == "failed" and op["counts"]["processed"] == 1000, op
    finally:
        env.db.execute("DROP TRIGGER IF EXISTS test_fail_at_commit ON premises; "
                       "DROP FUNCTION IF EXISTS test_fail_at_commit()")


def test_a_change_by_staff_during_the_batch_is_not_written_back(env, integration, admin):
    """PostgreSQL: staff change a client's note while the import's batch is being prepared
    (here: a transaction holding the row, committed two seconds later). The import waits for
    it and updates the client from the row as staff left it — the note stays."""
    if env.db.kind != "postgres":
        pytest.skip("SQLite's write transaction excludes staff writes during a batch")
    rec = client(note="до")
    cid = client_id(run_import(integration, [{"client": rec}]), 0)
    staff = threading.Thread(target=env.db.execute, args=(
        f"BEGIN; UPDATE clients SET note = 'сотрудник' WHERE id = {cid}; "
        "SELECT pg_sleep(2); COMMIT;",))
    staff.start()
    time.sleep(0.5)  # the row is held by the staff transaction now
    changed = dict(rec, last_name="Импортов")
    del changed["note"]  # the record says nothing of the note
    ans = run_import(integration, [{"client": changed}])
    staff.join()
    assert outcomes(ans) == ["updated"]
    c = card(admin, cid)
    assert (c["last_name"], c["note"]) == ("Импортов", "сотрудник"), c


def test_body_over_64_mb_is_413(env, admin, nothing_written):
    size = 64 * MiB + 1
    head = (f"POST {IMPORT} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {env.a.api_token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n")
    status, headers, body = raw_request(env.base_url, head, size, timeout=60)
    assert status == 413, (status, body[:300])
    err = json.loads(body)
    assert err["code"] == "payload_too_large" and re.search("[А-Яа-я]", err["message"]), err
    assert_status(requests.get(env.base_url + "/healthz"), 200)


def test_chunked_body_over_64_mb_is_413(env, nothing_written):
    def chunks():
        block = b" " * MiB
        for _ in range(65):
            yield block
    r = requests.post(env.base_url + IMPORT, data=chunks(), timeout=120,
                      headers={"Authorization": f"Bearer {env.a.api_token}", "Content-Type": "application/json"})
    assert_error(r, 413, "payload_too_large")


def test_body_over_the_general_8_mib_limit_is_read(integration, nothing_written):
    """The import's own limit is 64 MB: a 10 MB batch (over the 8 MiB of other routes) is read."""
    records = [client_record(note="Щ" * 1999) for _ in range(2600)]
    body = json.dumps({"records": records, "dry_run": True}, ensure_ascii=False).encode()
    assert len(body) > 10 * MiB
    r = integration.post(IMPORT, data=body, headers={"Content-Type": "application/json"})
    ans = check_answer(assert_status(r, 200), len(records), True)
    assert ans["status"] == "ok" and ans["counts"]["created"] == len(records), ans["counts"]


# =========================================================================== a server killed mid-way


CRASH_RECORDS = 8_000


def crash_batch(object_id: int, inn: str) -> list[dict]:
    """CRASH_RECORDS consolidated records: premise CR-i, one owner (two for odd i), one account."""
    recs = []
    for i in range(CRASH_RECORDS):
        owners = [{"external_id": f"CRC-{i}-0", "last_name": "Крахов", "first_name": "Иван",
                   "phone": f"+7916{i:07d}", "role": "owner"}]
        if i % 2:
            owners.append({"external_id": f"CRC-{i}-1", "last_name": "Крахова", "first_name": "Мария",
                           "phone": f"+7917{i:07d}", "role": "owner"})
        recs.append({"premise": {"external_id": f"CR-{i}", "object_id": object_id, "type": "flat",
                                 "number": str(i + 1), "total_area": 40 + i % 50},
                     "clients": owners,
                     "accounts": [{"legal_entity_inn": inn, "number": f"CR-{i}"}]})
    return recs


def test_server_killed_mid_import(workdir):
    db = Database(workdir)
    server = None
    try:
        org_a, _ = seed(db.url)
        server = ServerProcess(db.url, workdir)
        api = Api(server.base_url, bearer=org_a.api_token, timeout=600)
        o = make_object(api, name="ЖК «Крах»")
        legal = make_legal_entity(api)
        body = json.dumps({"records": crash_batch(o["id"], legal["inn"]), "source": "1c"}).encode()
        outcome: dict[str, Any] = {}

        def send():
            try:
                outcome["response"] = api.post(IMPORT, data=body, headers={"Content-Type": "application/json"})
            except requests.RequestException as e:
                outcome["error"] = e

        sender = threading.Thread(target=send)
        sender.start()
        # wait until the import has applied its first transaction(s), then SIGKILL the server
        deadline = time.monotonic() + 120
        killed_at_processed = None
        while time.monotonic() < deadline and sender.is_alive():
            r = api.get(OPS, params={"status": "running"})
            if r.status_code == 200 and r.json()["items"]:
                processed = r.json()["items"][0]["counts"].get("processed", 0)
                if processed >= 1000:
                    server.proc.kill()
                    killed_at_processed = processed
                    break
            time.sleep(0.01)
        sender.join(timeout=60)
        assert killed_at_processed is not None, \
            f"the import ended before it could be killed ({outcome}); make the batch larger"
        server.kill()

        server = ServerProcess(db.url, workdir)
        api = Api(server.base_url, bearer=org_a.api_token, timeout=600)
        # the operation that was running is failed, interrupted
        items = assert_status(api.get(OPS, params={"kind": "import"}), 200)["items"]
        assert items, "the interrupted import is not in the exchange log"
        op = items[0]
        if db.kind == "postgres" and op["status"] == "running":
            # On PostgreSQL several servers may share the database, so the start-up sweep only
            # fails operations not touched for OperationLog::kStaleSeconds (120 s): age this one
            # (state the API cannot set) and let the log's read sweep it.
            stale = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600))
            db.execute(f"UPDATE exchange_operations SET updated_at = '{stale}' WHERE id = {op['id']}")
            op = assert_status(api.get(f"{OPS}/{op['id']}"), 200)
        assert op["status"] == "failed", op
        assert MSG_INTERRUPTED in (op.get("message") or ""), op
        assert op["counts"]["processed"] >= killed_at_processed, (op, killed_at_processed)

        # no half-applied record: every premise present has its listed owners and account, and
        # the premises present are a prefix of the batch (records are applied in order)
        rows = _query(db, "SELECT p.external_id, "
                          "(SELECT COUNT(*) FROM premise_clients pc WHERE pc.premise_id = p.id), "
                          "(SELECT COUNT(*) FROM personal_accounts a WHERE a.premise_id = p.id) "
                          f"FROM premises p WHERE p.organization_id = {org_a.id} AND p.external_id LIKE 'CR-%'")
        present = {}
        for ext_id, n_links, n_accounts in rows:
            i = int(ext_id.split("-")[1])
            present[i] = (int(n_links), int(n_accounts))
        k = len(present)
        assert 0 < k < CRASH_RECORDS, f"{k} premises after the kill at {killed_at_processed} processed"
        assert set(present) == set(range(k)), "the premises present are not a prefix of the batch"
        half = {i: v for i, v in present.items() if v != (1 + i % 2, 1)}
        assert not half, f"half-applied records (premise: (links, accounts)): {dict(list(half.items())[:10])}"
        n_clients = int(_query(db, f"SELECT COUNT(*) FROM clients WHERE organization_id = {org_a.id}")[0][0])
        assert n_clients == sum(1 + i % 2 for i in range(k)), "clients without their premise's link"

        # the batch sent again completes: the applied records unchanged, the rest created
        r = api.post(IMPORT, data=body, headers={"Content-Type": "application/json"})
        ans = check_answer(assert_status(r, 200), CRASH_RECORDS, False)
        assert ans["status"] == "ok", ans["errors"][:5]
        got = outcomes(ans)
        assert got[:k] == ["unchanged"] * k, [x for x in got[:k] if x != "unchanged"][:5]
        assert got[k:] == ["created"] * (CRASH_RECORDS - k)
        rows = _query(db, f"SELECT COUNT(*) FROM premises WHERE organization_id = {org_a.id} "
                          f"AND external_id LIKE 'CR-%'")
        assert int(rows[0][0]) == CRASH_RECORDS
        assert server.stop() == 0
    finally:
        if server is not None:
            server.kill()
        db.drop()
