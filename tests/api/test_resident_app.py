"""The resident app API (`/api/resident/v1`, docs/links-and-accounts.md «Resident app API»):
sign-in by a one-time SMS code, its limits, the separation of resident and staff tokens, what a
resident sees across organisations, and the role rights of SPEC L-4 (one test each).

The module's server runs with `UPRAVDOM_SMS_SINK`: the SMS delivery loop appends one JSON line
per message to a file, where the tests read the codes. Data is set up through the staff API;
state the API cannot set (an expired code, old code requests) is set with SQL."""

from __future__ import annotations

import datetime
import itertools
import re
import sqlite3
import time
import uuid

import pytest

from apikit import (Api, read_jsonl, assert_error, assert_status, make_account, make_client, make_link,
                    make_premise, add_charge, seq, unique_phone, validate)
from conftest import serve_module

R = "/api/resident/v1"
PER_ADDRESS_PER_HOUR = 30
MAX_ATTEMPTS = 5


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sms_sink(workdir):
    return workdir / "sms.jsonl"


@pytest.fixture(scope="module")
def env(workdir, sms_sink):
    """conftest's server, started with the file SMS sender (--sms-sink via the environment)."""
    yield from serve_module(workdir, sms_sink)


def query(env, sql: str) -> list[tuple]:
    """Rows of a read-only query on the module's database (values as text on PostgreSQL)."""
    if env.db.kind == "sqlite":
        con = sqlite3.connect(env.db.url[len("sqlite:"):], timeout=30)
        try:
            return [tuple(row) for row in con.execute(sql).fetchall()]
        finally:
            con.close()
    out = env.db._psql(env.db.url, sql)
    return [tuple(None if v == "" else v for v in line.split("|")) for line in out.splitlines()]


def iso(delta_seconds: int = 0) -> str:
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- the app's client


_addresses = itertools.count()


def new_address() -> str:
    """A loopback address of its own, so the per-address code limit of one test does not
    leak into another. Its own counter: seq() is shared with suites that use thousands."""
    n = next(_addresses)
    return f"127.0.{n // 250 + 1}.{n % 250 + 2}"


def sms_lines(sink, phone: str) -> list[dict]:
    return [line for line in read_jsonl(sink) if line["phone"] == phone]


def request_code(env, phone: str, *, source_ip: str | None = None):
    return Api(env.base_url, source_ip=source_ip or new_address()).post(f"{R}/auth/code",
                                                                       json={"phone": phone})


def wait_code(sink, phone: str, count: int) -> str:
    """The code of the `count`-th SMS to the phone, once the delivery loop has sent it."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        lines = sms_lines(sink, phone)
        if len(lines) >= count:
            m = re.search(r"\b(\d{6})\b", lines[count - 1]["text"])
            assert m, lines[count - 1]
            return m.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no SMS #{count} to {phone} in {sink}")


def get_code(env, sink, phone: str, e164: str | None = None) -> str:
    e164 = e164 or phone
    before = len(sms_lines(sink, e164))
    body = assert_status(request_code(env, phone), 202)
    assert body == {"expires_in": 300}, body
    validate(body, "ResidentCodeSent")
    return wait_code(sink, e164, before + 1)


def verify(env, phone: str, code: str):
    return Api(env.base_url).post(f"{R}/auth/verify", json={"phone": phone, "code": code})


def sign_in(env, sink, phone: str) -> Api:
    """A resident client of the app (bearer token) for the phone."""
    code = get_code(env, sink, phone)
    body = assert_status(verify(env, phone, code), 200)
    validate(body, "ResidentSession")
    api = Api(env.base_url, bearer=body["token"])
    api.me = body["resident"]
    return api


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1000000:06d}"


# --------------------------------------------------------------------------- staff-side data


def person(admin, phone: str | None = None, **overrides) -> dict:
    return make_client(admin, phone=phone or unique_phone(), **overrides)


def premise_with(admin, client_id: int, role: str = "owner", **link) -> dict:
    premise = make_premise(admin)
    make_link(admin, premise["id"], client_id, role=role, **link)
    return premise


# --------------------------------------------------------------------------- sign-in


def test_sign_in_flow(env, sms_sink):
    phone = unique_phone()
    typed = "8 " + phone[2:5] + " " + phone[5:8] + "-" + phone[8:10] + "-" + phone[10:]
    code = get_code(env, sms_sink, typed, e164=phone)
    line = sms_lines(sms_sink, phone)[-1]
    assert code in line["text"] and re.search("[А-Яа-я]", line["text"]), line
    body = assert_status(verify(env, typed, code), 200)
    validate(body, "ResidentSession")
    assert body["resident"] == {"phone": phone, "clients": []}, body
    app = Api(env.base_url, bearer=body["token"])
    me = assert_status(app.get(f"{R}/me"), 200)
    assert me == {"phone": phone, "clients": []}
    assert assert_status(app.get(f"{R}/premises"), 200) == {"items": []}
    assert_status(app.post(f"{R}/auth/logout"), 204)
    assert_error(app.get(f"{R}/me"), 401, "unauthorized")
    # no token, a made-up token
    assert_error(Api(env.base_url).get(f"{R}/me"), 401, "unauthorized")
    assert_error(Api(env.base_url, bearer="x" * 43).get(f"{R}/premises"), 401, "unauthorized")


def test_codes_are_stored_hashed_and_masked_once_sent(env, sms_sink):
    phone = unique_phone()
    code = get_code(env, sms_sink, phone)
    rows = query(env, f"SELECT code_hash FROM resident_codes WHERE phone = '{phone}'")
    assert len(rows) == 1 and code not in rows[0][0], rows
    deadline = time.monotonic() + 10
    while True:
        rows = query(env, f"SELECT status, text FROM sms_outbox WHERE phone = '{phone}'")
        if rows and rows[0][0] == "sent":
            break
        assert time.monotonic() < deadline, rows
        time.sleep(0.05)
    assert code not in rows[0][1] and "******" in rows[0][1], rows


def test_invalid_phone_and_bad_bodies(env):
    app = Api(env.base_url, source_ip=new_address())
    assert_error(app.post(f"{R}/auth/code", json={"phone": "12"}), 422, "validation_failed", "phone")
    assert_error(app.post(f"{R}/auth/code", json={}), 422, "validation_failed", "phone")
    assert_error(app.post(f"{R}/auth/code", json={"phone": unique_phone(), "x": 1}), 422,
                 "validation_failed", "x")
    assert_error(app.post(f"{R}/auth/code", data="{"), 400, "invalid_json")
    assert_error(app.post(f"{R}/auth/verify", json={"phone": "abc", "code": "123456"}), 422,
                 "validation_failed", "phone")
    assert_error(app.post(f"{R}/auth/verify", json={"phone": unique_phone(), "code": "12ab"}), 422,
                 "validation_failed", "code")


def test_wrong_code_then_right_code(env, sms_sink):
    phone = unique_phone()
    code = get_code(env, sms_sink, phone)
    body = assert_error(verify(env, phone, wrong(code)), 401, "invalid_code")
    assert body["message"] == "Неверный код"
    assert_status(verify(env, phone, code), 200)


def test_code_works_once(env, sms_sink):
    phone = unique_phone()
    code = get_code(env, sms_sink, phone)
    assert_status(verify(env, phone, code), 200)
    assert_error(verify(env, phone, code), 401, "code_expired")


def test_expired_code(env, sms_sink):
    phone = unique_phone()
    code = get_code(env, sms_sink, phone)
    env.db.execute(f"UPDATE resident_codes SET expires_at = '{iso(-1)}' WHERE phone = '{phone}'")
    body = assert_error(verify(env, phone, code), 401, "code_expired")
    assert body["message"] == "Код истёк, запросите новый"


def test_no_code_requested(env):
    assert_error(verify(env, unique_phone(), "123456"), 401, "code_expired")


def test_five_wrong_attempts_spend_the_code(env, sms_sink):
    phone = unique_phone()
    code = get_code(env, sms_sink, phone)
    for _ in range(MAX_ATTEMPTS):
        assert_error(verify(env, phone, wrong(code)), 401, "invalid_code")
    assert_error(verify(env, phone, code), 401, "code_expired")


def _retry_after(r) -> int:
    value = r.headers.get("Retry-After")
    assert value is not None and value.strip().isdigit() and int(value) >= 1, r.headers
    return int(value)


def test_one_code_per_minute(env, sms_sink):
    phone = unique_phone()
    get_code(env, sms_sink, phone)
    r = request_code(env, phone)
    assert_error(r, 429, "too_many_requests")
    assert 1 <= _retry_after(r) <= 60
    # the same phone typed otherwise is the same phone
    assert_error(request_code(env, "8" + phone[2:]), 429, "too_many_requests")
    # after a minute a new code may be sent, and only the newest one signs in
    first = wait_code(sms_sink, phone, 1)
    env.db.execute(f"UPDATE resident_codes SET created_at = '{iso(-61)}' WHERE phone = '{phone}'")
    second = get_code(env, sms_sink, phone)
    if first != second:
        assert_error(verify(env, phone, first), 401, "invalid_code")
    assert_status(verify(env, phone, second), 200)


def test_five_codes_per_hour(env, sms_sink):
    phone = unique_phone()
    for i in range(5):
        get_code(env, sms_sink, phone)
        # pretend the code was sent 10 minutes earlier (past the one-per-minute limit)
        env.db.execute(f"UPDATE resident_codes SET created_at = '{iso(-600 - i)}' "
                       f"WHERE phone = '{phone}' AND created_at > '{iso(-120)}'")
    r = request_code(env, phone)
    assert_error(r, 429, "too_many_requests")
    assert 60 < _retry_after(r) <= 3600
    assert len(sms_lines(sms_sink, phone)) == 5


def test_codes_per_address(env, sms_sink):
    address = new_address()
    for _ in range(PER_ADDRESS_PER_HOUR):
        assert_status(request_code(env, unique_phone(), source_ip=address), 202)
    r = request_code(env, unique_phone(), source_ip=address)
    assert_error(r, 429, "too_many_requests")
    _retry_after(r)
    # another address is not affected
    assert_status(request_code(env, unique_phone(), source_ip=new_address()), 202)


def test_answer_is_the_same_for_known_and_unknown_phones(env, admin):
    known = person(admin)["phone"]
    a = request_code(env, known)
    b = request_code(env, unique_phone())
    assert a.status_code == b.status_code == 202 and a.json() == b.json()


# --------------------------------------------------------------------------- token separation


def test_resident_token_is_refused_by_the_staff_api(env, sms_sink):
    app = sign_in(env, sms_sink, unique_phone())
    for path in ("/api/v1/me", "/api/v1/premises", "/api/v1/clients"):
        assert_error(app.get(path), 401, "unauthorized")


def test_staff_credentials_are_refused_by_the_resident_api(env, admin, integration):
    session = Api(env.base_url, bearer=admin.session_token)
    assert_status(session.get("/api/v1/me"), 200)
    for api in (session, integration, admin):  # bearer session, API token, cookie
        assert_error(api.get(f"{R}/me"), 401, "unauthorized")
        assert_error(api.get(f"{R}/premises"), 401, "unauthorized")
        assert_error(api.post(f"{R}/auth/logout"), 401, "unauthorized")


# --------------------------------------------------------------------------- what a resident sees


def test_resident_sees_clients_and_premises_of_two_organisations(env, sms_sink, admin, admin_b):
    phone = unique_phone()
    client_a = person(admin, phone, last_name="Альфин", first_name="Пётр")
    client_b = person(admin_b, phone, last_name="Бетин", first_name="Пётр")
    premise_a = premise_with(admin, client_a["id"], "owner")
    premise_b = premise_with(admin_b, client_b["id"], "unconfirmed_owner")
    make_premise(admin)  # not linked: never shown
    app = sign_in(env, sms_sink, phone)
    me = validate(assert_status(app.get(f"{R}/me"), 200), "ResidentMe")
    assert app.me == me
    assert me["phone"] == phone
    by_org = {c["organization"]["id"]: c for c in me["clients"]}
    assert set(by_org) == {env.a.id, env.b.id}
    assert by_org[env.a.id] == {"client_id": client_a["id"], "full_name": "Альфин Пётр",
                                "status": "active",
                                "organization": {"id": env.a.id, "name": env.a.name}}
    assert by_org[env.b.id]["client_id"] == client_b["id"]
    items = validate(assert_status(app.get(f"{R}/premises"), 200), "ResidentPremiseList")["items"]
    got = {(p["id"], p["organization"]["id"], p["role"], p["client_id"]) for p in items}
    assert got == {(premise_a["id"], env.a.id, "owner", client_a["id"]),
                   (premise_b["id"], env.b.id, "unconfirmed_owner", client_b["id"])}
    a_item = next(p for p in items if p["id"] == premise_a["id"])
    assert a_item["address"] == premise_a["address"] and a_item["type"] == "flat"


def test_sign_in_sets_last_seen_and_logged_in(env, sms_sink, admin, admin_b):
    phone = unique_phone()
    client_a = person(admin, phone)
    client_b = person(admin_b, phone)
    other = person(admin)
    assert client_a["last_seen_at"] is None
    before = iso(-1)
    sign_in(env, sms_sink, phone)
    seen_a = assert_status(admin.get(f"/api/v1/clients/{client_a['id']}"), 200)["last_seen_at"]
    seen_b = assert_status(admin_b.get(f"/api/v1/clients/{client_b['id']}"), 200)["last_seen_at"]
    assert seen_a and seen_a >= before and seen_b and seen_b >= before
    assert assert_status(admin.get(f"/api/v1/clients/{other['id']}"), 200)["last_seen_at"] is None
    rows = query(env, f"SELECT id, logged_in_at, last_seen_at FROM clients WHERE phone = '{phone}'")
    assert len(rows) == 2 and all(r[1] and r[1] >= before for r in rows), rows
    # a later sign-in moves last_seen_at but keeps the first logged_in_at
    env.db.execute(f"UPDATE clients SET logged_in_at = '2026-01-01T00:00:00Z', "
                   f"last_seen_at = '2026-01-01T00:00:00Z' WHERE phone = '{phone}'")
    env.db.execute(f"UPDATE resident_codes SET created_at = '{iso(-61)}' WHERE phone = '{phone}'")
    sign_in(env, sms_sink, phone)
    rows = query(env, f"SELECT logged_in_at, last_seen_at FROM clients WHERE phone = '{phone}'")
    assert all(r[0] == "2026-01-01T00:00:00Z" and r[1] >= before for r in rows), rows
    rows = query(env, f"SELECT last_seen_at FROM residents WHERE phone = '{phone}'")
    assert len(rows) == 1 and rows[0][0] >= before


def test_hidden_accounts_are_never_shown(env, sms_sink, admin):
    phone = unique_phone()
    owner = person(admin, phone)
    premise = premise_with(admin, owner["id"])
    visible = make_account(admin, premise["id"], unified_account="12АБ345678")
    hidden = make_account(admin, premise["id"], hidden_from_resident=True)
    add_charge(admin, visible["id"], amount=150000)
    add_charge(admin, hidden["id"], amount=70000)
    app = sign_in(env, sms_sink, phone)
    items = validate(assert_status(app.get(f"{R}/premises/{premise['id']}/accounts"), 200),
                     "ResidentAccountList")["items"]
    assert [a["id"] for a in items] == [visible["id"]]
    assert items[0]["debt"] == 150000 and items[0]["number"] == visible["number"]
    assert items[0]["unified_account"] == "12АБ345678"
    assert items[0]["legal_entity"]["id"] == visible["legal_entity_id"]
    # hiding an account later hides it from the app at once
    assert_status(admin.patch(f"/api/v1/accounts/{visible['id']}",
                              json={"hidden_from_resident": True}), 200)
    assert assert_status(app.get(f"{R}/premises/{premise['id']}/accounts"), 200)["items"] == []


def test_premise_not_linked_answers_404(env, sms_sink, admin, admin_b):
    phone = unique_phone()
    premise_with(admin, person(admin, phone)["id"])
    foreign = make_premise(admin)
    other_org = make_premise(admin_b)
    app = sign_in(env, sms_sink, phone)
    grant = {"phone": unique_phone(), "last_name": "Петрова", "first_name": "Анна", "role": "resident"}
    for pid in (foreign["id"], other_org["id"], 999999999):
        assert_error(app.get(f"{R}/premises/{pid}/accounts"), 404, "not_found")
        assert_error(app.get(f"{R}/premises/{pid}/clients"), 404, "not_found")
        assert_error(app.post(f"{R}/premises/{pid}/clients", json=grant), 404, "not_found")
        assert_error(app.delete(f"{R}/premises/{pid}/clients/1"), 404, "not_found")


# --------------------------------------------------------------------------- L-4 rights


@pytest.fixture
def household(env, sms_sink, admin):
    """A premise with an owner signed in to the app."""
    phone = unique_phone()
    owner = person(admin, phone, last_name="Собственников", first_name="Иван")
    premise = premise_with(admin, owner["id"], "owner")
    return {"premise": premise, "owner": owner, "app": sign_in(env, sms_sink, phone)}


def grant(app, premise_id: int, role: str, phone: str | None = None, **overrides):
    body = {"phone": phone or unique_phone(), "last_name": "Петрова", "first_name": "Анна",
            "middle_name": "Сергеевна", "role": role}
    body.update(overrides)
    return app.post(f"{R}/premises/{premise_id}/clients", json=body)


def staff_links(admin, premise_id: int) -> dict[int, dict]:
    body = assert_status(admin.get(f"/api/v1/premises/{premise_id}/clients"), 200)
    return {link["client_id"]: link for link in body["items"]}


def test_owner_grants_representative_resident_tenant(admin, household):
    app, pid, owner = household["app"], household["premise"]["id"], household["owner"]
    added = {}
    for role in ("representative", "resident", "tenant"):
        phone = unique_phone()
        link = validate(assert_status(grant(app, pid, role, phone), 201), "ResidentPremiseClient")
        assert link["role"] == role and link["owner_client_id"] == owner["id"], link
        assert link["created_by"] == "resident_app" and link["full_name"] == "Петрова Анна Сергеевна"
        added[link["client_id"]] = (role, phone)
    # the CRM sees the new clients and links
    links = staff_links(admin, pid)
    for client_id, (role, phone) in added.items():
        assert links[client_id]["role"] == role and links[client_id]["created_by"] == "resident_app"
        assert links[client_id]["owner_client_id"] == owner["id"]
        client = assert_status(admin.get(f"/api/v1/clients/{client_id}"), 200)
        assert client["phone"] == phone and client["last_name"] == "Петрова"
    listed = validate(assert_status(app.get(f"{R}/premises/{pid}/clients"), 200),
                      "ResidentPremiseClientList")["items"]
    assert listed[0]["client_id"] == owner["id"] and listed[0]["role"] == "owner"
    assert {i["client_id"] for i in listed} == {owner["id"], *added}
    # each grant is in the premise's change history, by the app on behalf of the owner
    history = assert_status(admin.get(f"/api/v1/premises/{pid}/history"), 200)["items"]
    by_link = {k: e for e in history for k in e["changes"] if k.startswith("link:")}
    for client_id in added:
        entry = by_link[f"link:{client_id}"]
        assert entry["actor"] == "Приложение жителя: Собственников Иван", entry
        assert entry["changes"][f"link:{client_id}"]["old"] is None


def test_grant_finds_an_existing_client_by_phone(admin, household):
    app, pid = household["app"], household["premise"]["id"]
    existing = person(admin, last_name="Уже", first_name="Есть")
    typed = "8" + existing["phone"][2:]
    link = assert_status(grant(app, pid, "tenant", typed), 201)
    assert link["client_id"] == existing["id"] and link["full_name"] == "Уже Есть"
    assert_error(grant(app, pid, "resident", existing["phone"]), 409, "conflict", "phone")


def test_grant_validates_names_and_phone(household):
    app, pid = household["app"], household["premise"]["id"]
    assert_error(grant(app, pid, "resident", last_name="Петров1"), 422, "validation_failed",
                 "last_name")
    assert_error(grant(app, pid, "resident", first_name=""), 422, "validation_failed", "first_name")
    assert_error(grant(app, pid, "resident", phone="123"), 422, "validation_failed", "phone")
    assert_error(grant(app, pid, "landlord"), 422, "validation_failed", "role")
    assert_error(grant(app, pid, "resident", extra=1), 422, "validation_failed", "extra")


def test_grant_keeps_the_new_clients_debt(env, admin, household):
    app, pid = household["app"], household["premise"]["id"]
    account = make_account(admin, pid)
    add_charge(admin, account["id"], amount=123400)
    link = assert_status(grant(app, pid, "resident"), 201)

    def debt() -> int:
        return int(query(env, f"SELECT debt FROM clients WHERE id = {link['client_id']}")[0][0])

    assert debt() == 123400
    assert_status(app.delete(f"{R}/premises/{pid}/clients/{link['client_id']}"), 204)
    assert debt() == 0


def test_unconfirmed_owner_grants_residents_and_tenants_only(env, sms_sink, admin):
    phone = unique_phone()
    owner = person(admin, phone)
    pid = premise_with(admin, owner["id"], "unconfirmed_owner")["id"]
    app = sign_in(env, sms_sink, phone)
    assert_status(grant(app, pid, "resident"), 201)
    assert_status(grant(app, pid, "tenant"), 201)
    assert_error(grant(app, pid, "representative"), 403, "forbidden")


@pytest.mark.parametrize("role", ["representative", "resident", "tenant"])
def test_dependants_cannot_grant_access(env, sms_sink, admin, role):
    owner = person(admin)
    premise = premise_with(admin, owner["id"], "owner")
    phone = unique_phone()
    make_link(admin, premise["id"], person(admin, phone)["id"], role=role,
              owner_client_id=owner["id"])
    app = sign_in(env, sms_sink, phone)
    for new_role in ("representative", "resident", "tenant"):
        body = assert_error(grant(app, premise["id"], new_role), 403, "forbidden")
        assert body["message"] == "Только собственник может предоставлять доступ к помещению"
    # reading is allowed
    assert_status(app.get(f"{R}/premises/{premise['id']}/clients"), 200)


@pytest.mark.parametrize("role", ["owner", "unconfirmed_owner"])
def test_nobody_adds_owners_from_the_app(household, role):
    app, pid = household["app"], household["premise"]["id"]
    assert_error(grant(app, pid, role), 403, "forbidden")


def test_owner_removes_a_dependant_added_in_the_app(admin, household):
    app, pid = household["app"], household["premise"]["id"]
    link = assert_status(grant(app, pid, "tenant"), 201)
    assert_status(app.delete(f"{R}/premises/{pid}/clients/{link['client_id']}"), 204)
    assert link["client_id"] not in staff_links(admin, pid)
    # the client stays in the CRM
    assert_status(admin.get(f"/api/v1/clients/{link['client_id']}"), 200)
    assert_error(app.delete(f"{R}/premises/{pid}/clients/{link['client_id']}"), 404, "not_found")


def test_owner_cannot_remove_a_dependant_added_by_staff(admin, household):
    app, pid, owner = household["app"], household["premise"]["id"], household["owner"]
    dependant = person(admin)
    make_link(admin, pid, dependant["id"], role="resident", owner_client_id=owner["id"])
    body = assert_error(app.delete(f"{R}/premises/{pid}/clients/{dependant['id']}"), 403, "forbidden")
    assert body["message"] == \
        "Клиента добавила управляющая организация — удалить его может только она"
    assert dependant["id"] in staff_links(admin, pid)


def test_owner_cannot_remove_others(env, sms_sink, admin, household):
    app, pid = household["app"], household["premise"]["id"]
    # a second owner, and a dependant that owner added in the app
    phone = unique_phone()
    second = person(admin, phone)
    make_link(admin, pid, second["id"], role="owner")
    second_app = sign_in(env, sms_sink, phone)
    theirs = assert_status(grant(second_app, pid, "resident"), 201)
    assert_error(app.delete(f"{R}/premises/{pid}/clients/{theirs['client_id']}"), 403, "forbidden")
    assert_error(app.delete(f"{R}/premises/{pid}/clients/{second['id']}"), 403, "forbidden")
    assert_error(app.delete(f"{R}/premises/{pid}/clients/{household['owner']['id']}"), 403,
                 "forbidden")


def test_dependant_cannot_remove(env, sms_sink, admin, household):
    app, pid = household["app"], household["premise"]["id"]
    phone = unique_phone()
    link = assert_status(grant(app, pid, "representative", phone), 201)
    other = assert_status(grant(app, pid, "tenant"), 201)
    rep_app = sign_in(env, sms_sink, phone)
    assert_error(rep_app.delete(f"{R}/premises/{pid}/clients/{other['client_id']}"), 403,
                 "forbidden")
    assert link["client_id"] != other["client_id"]


def test_blocked_client_reads_but_does_not_write(admin, household):
    app, pid, owner = household["app"], household["premise"]["id"], household["owner"]
    added = assert_status(grant(app, pid, "tenant"), 201)
    assert_status(admin.patch(f"/api/v1/clients/{owner['id']}", json={"status": "blocked"}), 200)
    me = assert_status(app.get(f"{R}/me"), 200)
    assert me["clients"][0]["status"] == "blocked"
    assert_status(app.get(f"{R}/premises"), 200)
    assert_status(app.get(f"{R}/premises/{pid}/accounts"), 200)
    assert_status(app.get(f"{R}/premises/{pid}/clients"), 200)
    message = "Ваш профиль заблокирован управляющей организацией"
    assert assert_error(grant(app, pid, "resident"), 403, "forbidden")["message"] == message
    r = app.delete(f"{R}/premises/{pid}/clients/{added['client_id']}")
    assert assert_error(r, 403, "forbidden")["message"] == message
    assert added["client_id"] in staff_links(admin, pid)
