"""Data exchange II — settings, schedule, «Запустить сейчас» and the report e-mail
(SPEC I-4 … I-7; docs/ARCHITECTURE.md «Data exchange II»), against real peers on loopback: an
FTP server (pyftpdlib, tests/api/peers.py start_ftp) and an SMTP sink (aiosmtpd, start_smtp).

The server runs with --scheduler-poll-ms 200 (UPRAVDOM_SCHEDULER_POLL_MS), so a due slot runs
within a fraction of a second; one test waits for a real minute slot of the schedule, the
others make a slot due by moving next_run_at into the past in the database, which is exactly
what a server that was down finds when it comes back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from apikit import CYRILLIC, assert_error, assert_status, validate
from conftest import ServerProcess, db_kind, free_port, serve_module
from peers import start_ftp, start_smtp

FTP_USER = "crm"
FTP_PASSWORD = "ftp-Пароль-1"
MSK = dt.timezone(dt.timedelta(hours=3))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def ftp_root(workdir):
    d = workdir / "ftp"
    (d / "sber").mkdir(parents=True)
    return d


@pytest.fixture(scope="module")
def ftp(ftp_root):
    server = start_ftp(ftp_root, user=FTP_USER, password=FTP_PASSWORD)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def smtp(workdir):
    sink = start_smtp(workdir / "mail.jsonl")
    yield sink
    sink.stop()


SERVER_ENV = ("UPRAVDOM_SMTP_URL", "UPRAVDOM_SCHEDULER_POLL_MS", "UPRAVDOM_SECRET_KEY_FILE",
              "UPRAVDOM_SMTP_FROM")


@pytest.fixture(scope="module")
def env(workdir, smtp, ftp):
    saved = {k: os.environ.get(k) for k in SERVER_ENV}
    os.environ.update({
        "UPRAVDOM_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
        "UPRAVDOM_SCHEDULER_POLL_MS": "200",
        "UPRAVDOM_SECRET_KEY_FILE": str(workdir / "secret.key"),
        "UPRAVDOM_SMTP_FROM": "CRM <crm@upravdom.test>",
    })
    servers = serve_module(workdir)
    e = next(servers)
    original = e.server
    try:
        yield e
    finally:
        if e.server is not original:  # restarted by a test
            assert e.server.stop() == 0, e.server.log_tail()
        next(servers, None)  # stops the module's server, drops the database
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def query(env, sql: str) -> list[list[str]]:
    """Rows of a query on the module's database, every value as text ('' for NULL)."""
    if env.db.kind == "sqlite":
        con = sqlite3.connect(env.db.url[len("sqlite:"):], timeout=30)
        try:
            return [["" if v is None else str(v) for v in row] for row in con.execute(sql)]
        finally:
            con.close()
    out = env.db._psql(env.db.url, sql)
    return [ln.split("|") for ln in out.splitlines() if ln]


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- XML files


def client_xml(*clients: tuple[str, str, str], source: str | None = None,
               space: str | None = "operations") -> str:
    """A file of client records; `space`/`source` None: the root does not name them."""
    attrs = (f' space="{space}"' if space else "") + (f' source="{source}"' if source else "")
    records = "".join(
        f'  <record><client external_id="{e}" last_name="{n}" phone="{p}"/></record>\n'
        for e, n, p in clients)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<upravdom-import version="1"{attrs}>\n{records}</upravdom-import>\n')


_phone = iter(range(1000000, 9999999))


def phone() -> str:
    return f"+7912{next(_phone):07d}"


def put_file(root: Path, path: str, text: str) -> Path:
    p = root / path.lstrip("/")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


# --------------------------------------------------------------------------- helpers


def settings_for(ftp, **overrides) -> dict:
    body = {"ftp_host": "127.0.0.1", "ftp_port": ftp.port, "ftp_user": FTP_USER,
            "ftp_password": FTP_PASSWORD, "ftp_passive": True, "ftp_tls": False,
            "method": "links", "report_emails": ["ops@example.ru"], "paths": [],
            "delete_after_read": False, "schedule_minute": "0", "schedule_hour": "3",
            "schedule_day": "*", "schedule_month": "*", "schedule_weekday": "*",
            "schedule_enabled": False}
    body.update(overrides)
    return body


def last_operation_id(api) -> int:
    items = assert_status(api.get("/api/v1/exchange/operations?limit=1"), 200)["items"]
    return items[0]["id"] if items else 0


def operations_after(api, after_id: int) -> list[dict]:
    items = assert_status(api.get("/api/v1/exchange/operations?limit=50"), 200)["items"]
    return sorted((o for o in items if o["id"] > after_id), key=lambda o: o["id"])


def wait_operations(api, after_id: int, count: int, timeout: float = 30) -> list[dict]:
    """Waits until `count` operations after `after_id` are finished; returns them (with
    details)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ops = operations_after(api, after_id)
        if len(ops) >= count and all(o["status"] != "running" for o in ops):
            return [assert_status(api.get(f"/api/v1/exchange/operations/{o['id']}"), 200)
                    for o in ops]
        time.sleep(0.2)
    raise AssertionError(f"expected {count} finished operations after {after_id}, "
                         f"have {operations_after(api, after_id)}")


def wait_not_running(api, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = assert_status(api.get("/api/v1/exchange/settings"), 200)
        if not s["running"]:
            return s
        time.sleep(0.2)
    raise AssertionError("the run did not end")


def wait_mail(smtp, count: int, timeout: float = 20) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = smtp.messages()
        if len(messages) >= count:
            return messages
        time.sleep(0.1)
    raise AssertionError(f"expected {count} e-mails, got {smtp.messages()}")


def run_now(api) -> dict:
    body = assert_status(api.post("/api/v1/exchange/import/run"), 202)
    assert body["status"] == "running"
    return body


def client_count(api, phone_number: str) -> int:
    """How many clients of the register have this phone (the search box takes phones)."""
    search = phone_number[-10:]
    return assert_status(api.get("/api/v1/clients", params={"q": search}), 200)["total"]


def make_due(env, org_id: int, when: str = "2020-01-01T00:00:00Z") -> None:
    env.db.execute(f"UPDATE exchange_settings SET next_run_at = '{when}' "
                   f"WHERE organization_id = {org_id}")


# --------------------------------------------------------------------------- settings


def test_settings_defaults_and_the_password_is_never_returned(env, admin, admin_b, ftp):
    s = assert_status(admin_b.get("/api/v1/exchange/settings"), 200)
    validate(s, "ExchangeSettings")
    assert s["ftp_password_set"] is False and s["method"] == "links"
    assert [s[f"schedule_{f}"] for f in ("minute", "hour", "day", "month", "weekday")] == ["*"] * 5
    assert s["schedule_enabled"] is False and s["next_run_at"] is None

    r = admin.put("/api/v1/exchange/settings", json=settings_for(ftp, paths=["/sber/a.xml"]))
    s = assert_status(r, 200)
    validate(s, "ExchangeSettings")
    assert "ftp_password" not in s and FTP_PASSWORD not in r.text
    assert s["ftp_password_set"] is True
    got = admin.get("/api/v1/exchange/settings")
    assert FTP_PASSWORD not in got.text and got.json()["ftp_password_set"] is True
    # Stored sealed, not as typed.
    stored = query(env, f"SELECT ftp_password_enc FROM exchange_settings "
                        f"WHERE organization_id = {env.a.id}")[0][0]
    assert stored and FTP_PASSWORD not in stored
    # The key file was created 0600 by serve.
    key = env.workdir / "secret.key"
    assert key.stat().st_size == 32 and (key.stat().st_mode & 0o777) == 0o600
    # Absent keeps the password while the server and login stay; other fields change.
    s = assert_status(admin.put("/api/v1/exchange/settings", json={"ftp_passive": False}), 200)
    assert s["ftp_password_set"] is True and s["ftp_passive"] is False
    assert s["paths"] == ["/sber/a.xml"], "absent fields are kept"
    # Another server, port or login without the password drops it: a stored password goes
    # only to the server it was typed for (else an admin could have it sent to their host).
    for change in ({"ftp_user": "other"}, {"ftp_host": "localhost"}, {"ftp_port": ftp.port + 1}):
        assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(ftp)), 200)
        s = assert_status(admin.put("/api/v1/exchange/settings", json=change), 200)
        assert s["ftp_password_set"] is False, change
    # Turning TLS off drops it too: it would go over the network in clear text.
    assert_status(admin.put("/api/v1/exchange/settings", json={**settings_for(ftp), "ftp_tls": True}), 200)
    s = assert_status(admin.put("/api/v1/exchange/settings", json={"ftp_tls": False}), 200)
    assert s["ftp_password_set"] is False, "TLS turned off"
    s = assert_status(admin.put("/api/v1/exchange/settings",
                                json={**settings_for(ftp), "ftp_user": "other"}), 200)
    assert s["ftp_password_set"] is True, "typed again with the new login, it is kept"
    # "" clears it; null too.
    s = assert_status(admin.put("/api/v1/exchange/settings", json={"ftp_password": ""}), 200)
    assert s["ftp_password_set"] is False
    assert_status(admin.put("/api/v1/exchange/settings", json={"ftp_password": "x"}), 200)
    s = assert_status(admin.put("/api/v1/exchange/settings", json={"ftp_password": None}), 200)
    assert s["ftp_password_set"] is False


def test_schedule_sets_the_next_run_in_moscow_time(admin, ftp):
    s = assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/a.xml"], schedule_minute="0", schedule_hour="3",
        schedule_enabled=True)), 200)
    # Every day at 03:00 Moscow = 00:00 UTC.
    now = dt.datetime.now(dt.timezone.utc)
    expected = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert s["next_run_at"] == iso(expected)
    s = assert_status(admin.put("/api/v1/exchange/settings", json={"schedule_enabled": False}), 200)
    assert s["next_run_at"] is None


def test_saving_other_fields_keeps_a_due_slot(env, admin, ftp):
    """A slot came due and the scheduler has not polled yet: saving the report e-mails (or
    any field but the schedule) must not move the slot past now — the run would be lost."""
    s = assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/a.xml"], schedule_minute="0", schedule_hour="3",
        schedule_enabled=True)), 200)
    # Held by a lease of another instance, so that this server's scheduler does not claim the
    # slot meanwhile.
    env.db.execute("UPDATE exchange_settings SET next_run_at = '2020-01-01T00:00:00Z', "
                   "lease_owner = 'other', lease_until = '2999-01-01T00:00:00Z' "
                   f"WHERE organization_id = {env.a.id}")
    try:
        s = assert_status(admin.put("/api/v1/exchange/settings",
                                    json={"report_emails": ["boss@example.ru"]}), 200)
        assert s["next_run_at"] == "2020-01-01T00:00:00Z", "the due slot stays due"
        s = assert_status(admin.put("/api/v1/exchange/settings", json={"schedule_hour": "4"}), 200)
        assert s["next_run_at"] > "2026", "a changed schedule computes its next slot"
    finally:
        env.db.execute("UPDATE exchange_settings SET lease_owner = NULL, lease_until = NULL "
                       f"WHERE organization_id = {env.a.id}")
        assert_status(admin.put("/api/v1/exchange/settings", json={"schedule_enabled": False}), 200)


@pytest.mark.parametrize("field,value", [
    ("schedule_minute", "61"), ("schedule_minute", "*/0"), ("schedule_hour", "24"),
    ("schedule_hour", "1-5"), ("schedule_day", "0"), ("schedule_month", "13"),
    ("schedule_weekday", "0"), ("schedule_weekday", "пн"), ("schedule_minute", ""),
    ("ftp_port", 0), ("ftp_port", 65536), ("ftp_port", "21"),
    ("ftp_host", "ftp://example.ru"), ("ftp_host", "example.ru/dir"),
    ("report_emails", ["не-адрес"]), ("report_emails", ["x@example.ru\r\nBcc: v@evil.ru"]),
    ("report_emails", ["<x@example.ru>"]), ("paths", ["sber/offers.xml"]),
    ("paths", ["file:///etc/passwd"]), ("paths", ["/a\tb.xml"]), ("paths", ["/a,b.xml"]),
    ("paths", ["https://example.ru/a b.xml"]), ("method", "ftp"),
    ("space", "other"), ("schedule_enabled", "yes"),
])
def test_settings_validation_names_the_field(admin, ftp, field, value):
    before = assert_status(admin.get("/api/v1/exchange/settings"), 200)
    body = settings_for(ftp, paths=["/sber/a.xml"])
    body[field] = value
    err = assert_error(admin.put("/api/v1/exchange/settings", json=body), 422,
                       "validation_failed", field)
    if field.startswith("schedule_") and field != "schedule_enabled":
        assert CYRILLIC.search(err["fields"][field])
    after = assert_status(admin.get("/api/v1/exchange/settings"), 200)
    assert after == before, "nothing is saved when a field is wrong"


def test_paths_keep_spaces_and_refuse_a_password_in_a_link(env, admin, ftp):
    """An FTP path may have spaces and Cyrillic (1С's folders do); a link with a login and
    password would be stored and shown as it is, so it is refused — without quoting it."""
    body = settings_for(ftp, paths=["/Выгрузка 1С/offers.xml"])
    s = assert_status(admin.put("/api/v1/exchange/settings", json=body), 200)
    assert s["paths"] == ["/Выгрузка 1С/offers.xml"]
    for link in ("https://user:secret-pw@example.ru/f.xml", "ftp://crm:secret-pw@ftp.example.ru/f.xml"):
        body = settings_for(ftp, paths=[link])
        err = assert_error(admin.put("/api/v1/exchange/settings", json=body), 422,
                           "validation_failed", "paths")
        assert "логин и пароль" in err["fields"]["paths"], err
        assert "secret-pw" not in json.dumps(err, ensure_ascii=False), err
    assert assert_status(admin.get("/api/v1/exchange/settings"), 200)["paths"] == ["/Выгрузка 1С/offers.xml"]
    # One saved before such links were refused is shown masked, never as stored.
    env.db.execute("UPDATE exchange_settings SET paths = 'https://user:secret-pw@example.ru/f.xml' "
                   f"WHERE organization_id = {env.a.id}")
    got = assert_status(admin.get("/api/v1/exchange/settings"), 200)
    assert got["paths"] == ["https://…@example.ru/f.xml"], got["paths"]
    assert "secret-pw" not in json.dumps(got, ensure_ascii=False)
    assert_status(admin.put("/api/v1/exchange/settings", json={"paths": ["/Выгрузка 1С/offers.xml"]}), 200)


def test_schedule_error_messages(admin):
    err = assert_error(admin.put("/api/v1/exchange/settings", json={"schedule_minute": "61"}),
                       422, "validation_failed", "schedule_minute")
    assert "Минуты" in err["fields"]["schedule_minute"] and "61" in err["fields"]["schedule_minute"]
    err = assert_error(admin.put("/api/v1/exchange/settings",
                                 json={"schedule_minute": "*/0", "schedule_month": "x"}),
                       422, "validation_failed", "schedule_minute")
    assert "schedule_month" in err["fields"]
    err = assert_error(admin.put("/api/v1/exchange/settings",
                                 json={"schedule_day": "31", "schedule_month": "2,4"}),
                       422, "validation_failed", "schedule_day")


def test_ftp_paths_need_an_ftp_server(admin_b):
    assert_error(admin_b.put("/api/v1/exchange/settings", json={"paths": ["/sber/a.xml"]}), 422,
                 "validation_failed", "paths")
    assert_error(admin_b.put("/api/v1/exchange/settings", json={"schedule_enabled": True}), 422,
                 "validation_failed", "paths")
    # A link needs no FTP server.
    s = assert_status(admin_b.put("/api/v1/exchange/settings",
                                  json={"paths": ["https://www.dropbox.com/s/x/f.xml?dl=1"]}), 200)
    assert s["paths"] == ["https://www.dropbox.com/s/x/f.xml?dl=1"]
    assert_status(admin_b.put("/api/v1/exchange/settings", json={"paths": []}), 200)


def test_settings_are_for_admins_only(env, operator, readonly, integration):
    for api in (operator, readonly, integration):
        assert_error(api.get("/api/v1/exchange/settings"), 403)
        assert_error(api.put("/api/v1/exchange/settings", json={"ftp_user": "x"}), 403)
        assert_error(api.post("/api/v1/exchange/import/run"), 403)
        assert_error(api.post("/api/v1/exchange/settings/check-ftp", json={}), 403)
    assert_error(env.anonymous().get("/api/v1/exchange/settings"), 401)


# --------------------------------------------------------------------------- FTP check


def test_check_ftp(admin, ftp):
    assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(ftp)), 200)
    ok = assert_status(admin.post("/api/v1/exchange/settings/check-ftp", json={}), 200)
    assert ok["ok"] is True and CYRILLIC.search(ok["message"])
    # The form's unsaved values: a wrong password.
    err = assert_error(admin.post("/api/v1/exchange/settings/check-ftp",
                                  json={"ftp_password": "wrong"}), 422)
    text = err["message"] + " ".join(err.get("fields", {}).values())
    assert CYRILLIC.search(text)
    # Nothing listens there.
    err = assert_error(admin.post("/api/v1/exchange/settings/check-ftp",
                                  json={"ftp_port": free_port()}), 422)
    # The stored password is not sent to another server name (here the same peer as
    # «localhost»): without it the login is refused.
    err = assert_error(admin.post("/api/v1/exchange/settings/check-ftp",
                                  json={"ftp_host": "localhost"}), 422, field="ftp_host")
    assert "отклонил вход" in err["message"], err


# --------------------------------------------------------------------------- runs


def test_scheduled_run_picks_the_file_imports_deletes_it_and_mails_the_report(
        env, admin, ftp, ftp_root, smtp):
    e1, e2, p1 = f"SCH-{time.time_ns()}-1", f"SCH-{time.time_ns()}-2", phone()
    f = put_file(ftp_root, "/sber/offers.xml", client_xml((e1, "Планов", p1),
                                                           (e2, "Графиков", phone())))
    # A daily slot at the next minute (Moscow time): a real slot of the schedule.
    now = dt.datetime.now(MSK)
    if now.second > 50:  # too close to the slot to save it in time
        time.sleep(61 - now.second)
        now = dt.datetime.now(MSK)
    slot = (now + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    before = last_operation_id(admin)
    mails = len(smtp.messages())
    s = assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/offers.xml"], delete_after_read=True, report_emails=["ops@example.ru"],
        schedule_minute=str(slot.minute), schedule_hour=str(slot.hour),
        schedule_enabled=True)), 200)
    assert s["next_run_at"] == iso(slot)
    (op,) = wait_operations(admin, before, 1, timeout=90)
    assert op["status"] == "ok", op
    assert op["kind"] == "import" and op["actor_name"] == "Расписание"
    assert op["counts"]["created"] == 2
    assert dt.datetime.now(MSK) >= slot, "not before the slot"
    s = wait_not_running(admin)  # the file is deleted after its operation ends
    assert not f.exists(), f"the file is deleted after a successful import: {op['message']}\n" \
        f"{smtp.messages()[mails:]}\n{env.server.log_tail()}"
    assert s["last_run_at"] and s["next_run_at"] == iso(slot + dt.timedelta(days=1))
    msg = wait_mail(smtp, mails + 1)[mails]
    assert msg["to"] == ["ops@example.ru"]
    assert msg["subject"] == "Импорт выполнен: OK"
    assert "/sber/offers.xml" in msg["body"] and f"операция {op['id']}" in msg["body"]
    assert msg["raw_subject"].startswith("=?"), "a Russian subject is encoded (RFC 2047)"
    assert client_count(admin, p1) == 1


def test_broken_file_stops_at_the_first_error_and_mails_it(env, admin, ftp, ftp_root, smtp):
    e = [f"BRK-{time.time_ns()}-{i}" for i in range(3)]
    p = [phone(), "12345", phone()]
    f = put_file(ftp_root, "/sber/broken.xml", client_xml(
        (e[0], "Первый", p[0]), (e[1], "Второй", p[1]), (e[2], "Третий", p[2])))
    before = last_operation_id(admin)
    mails = len(smtp.messages())
    assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/broken.xml"], delete_after_read=True)), 200)
    run_now(admin)
    (op,) = wait_operations(admin, before, 1)
    assert op["status"] == "failed"
    assert op["actor_name"] == "Иванов Иван (admin)"
    assert op["details"]["errors"][0]["index"] == 1
    assert client_count(admin, p[0]) == 1 and client_count(admin, p[2]) == 0, "stopped at record 1"
    wait_not_running(admin)
    assert f.exists(), "a failed import does not delete the file"
    msg = wait_mail(smtp, mails + 1)[mails]
    assert msg["subject"] == "Импорт выполнен с ошибками"
    assert "Ошибка в записи 1, поле " in msg["body"], msg["body"]
    assert "вручную" in msg["body"]
    f.unlink()


def test_malformed_xml_is_a_failed_operation_with_its_message(env, admin, ftp, ftp_root, smtp):
    put_file(ftp_root, "/sber/bad.xml", "<upravdom-import version='1'><record>")
    before = last_operation_id(admin)
    mails = len(smtp.messages())
    assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/bad.xml"])), 200)
    run_now(admin)
    (op,) = wait_operations(admin, before, 1)
    assert op["status"] == "failed" and "/sber/bad.xml" in op["message"]
    assert CYRILLIC.search(op["message"])
    msg = wait_mail(smtp, mails + 1)[mails]
    assert msg["subject"] == "Импорт выполнен с ошибками" and "/sber/bad.xml" in msg["body"]


def test_wrong_ftp_password_is_a_clear_logged_error_and_a_mail(env, admin, ftp, ftp_root, smtp):
    put_file(ftp_root, "/sber/offers.xml", client_xml((f"PW-{time.time_ns()}", "Пароль", phone())))
    before = last_operation_id(admin)
    mails = len(smtp.messages())
    assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/offers.xml"], ftp_password="wrong")), 200)
    run_now(admin)
    (op,) = wait_operations(admin, before, 1)
    assert op["status"] == "failed", op
    assert "/sber/offers.xml" in op["message"] and CYRILLIC.search(op["message"])
    assert op["details"]["errors"][0]["message"] == op["message"]
    msg = wait_mail(smtp, mails + 1)[mails]
    assert msg["subject"] == "Импорт выполнен с ошибками"
    assert op["message"] in msg["body"]


def test_unreachable_host_is_a_clear_logged_error_and_a_mail(env, admin, ftp, smtp):
    before = last_operation_id(admin)
    mails = len(smtp.messages())
    assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, ftp_port=free_port(), paths=["/sber/offers.xml",
                                          "http://127.0.0.1:" + str(free_port()) + "/x.xml"])), 200)
    run_now(admin)
    ops = wait_operations(admin, before, 2)
    assert [o["status"] for o in ops] == ["failed", "failed"]
    for o in ops:
        assert CYRILLIC.search(o["message"])
    msg = wait_mail(smtp, mails + 1)[mails]
    assert ops[0]["message"] in msg["body"] and ops[1]["message"] in msg["body"]


def test_the_files_space_and_source_win_over_the_settings(env, admin, ftp, ftp_root):
    """docs/import-xml.md: the root's space and source, when the file names them, win over the
    organisation's settings — an explicit space="operations" / source="xml" too; a file that
    does not name them takes the settings'."""
    named, unnamed = f"SPN-{time.time_ns()}", f"SPU-{time.time_ns()}"
    p_named, p_unnamed = phone(), phone()
    put_file(ftp_root, "/sber/named.xml",
             client_xml((named, "Назван", p_named), space="operations", source="xml"))
    put_file(ftp_root, "/sber/unnamed.xml",
             client_xml((unnamed, "Безымянный", p_unnamed), space=None))
    before = last_operation_id(admin)
    s = assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/named.xml", "/sber/unnamed.xml"], space="construction",
        source="buh")), 200)
    assert (s["space"], s["source"]) == ("construction", "buh")
    try:
        run_now(admin)
        ops = wait_operations(admin, before, 2)
        assert [o["status"] for o in ops] == ["ok", "ok"], ops
        assert [o["source"] for o in ops] == ["xml", "buh"]
        for external_id, number, space, system in ((named, p_named, "operations", "xml"),
                                                   (unnamed, p_unnamed, "construction", "buh")):
            found = assert_status(admin.get("/api/v1/clients", params={"q": number[-10:]}), 200)
            (client,) = found["items"]
            ids = assert_status(admin.get(f"/api/v1/clients/{client['id']}/external-ids"),
                                200)["items"]
            assert [(x["value"], x["space"], x["system"]) for x in ids] == \
                [(external_id, space, system)], ids
        wait_not_running(admin)
    finally:
        assert_status(admin.put("/api/v1/exchange/settings",
                                json={"space": "operations", "source": "xml"}), 200)


def test_run_now_while_a_run_is_going_on_is_409(env, admin, ftp):
    assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/offers.xml"])), 200)
    env.db.execute("UPDATE exchange_settings SET lease_owner = 'other', "
                   f"lease_until = '2999-01-01T00:00:00Z' WHERE organization_id = {env.a.id}")
    try:
        assert assert_status(admin.get("/api/v1/exchange/settings"), 200)["running"] is True
        assert_error(admin.post("/api/v1/exchange/import/run"), 409, "conflict")
    finally:
        env.db.execute("UPDATE exchange_settings SET lease_owner = NULL, lease_until = NULL "
                       f"WHERE organization_id = {env.a.id}")


def test_run_now_without_paths_is_422(admin_b):
    assert_status(admin_b.put("/api/v1/exchange/settings", json={"paths": []}), 200)
    assert_error(admin_b.post("/api/v1/exchange/import/run"), 422, "validation_failed", "paths")


def test_tenant_isolation(env, admin, admin_b, ftp, ftp_root):
    assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, ftp_user=FTP_USER, paths=["/sber/a-only.xml"], report_emails=["a@example.ru"])), 200)
    b = assert_status(admin_b.get("/api/v1/exchange/settings"), 200)
    assert b["ftp_host"] != "127.0.0.1" and "/sber/a-only.xml" not in b["paths"]
    assert b["report_emails"] != ["a@example.ru"]
    assert_status(admin_b.put("/api/v1/exchange/settings", json={"report_emails": ["b@example.ru"]}),
                  200)
    assert assert_status(admin.get("/api/v1/exchange/settings"), 200)["report_emails"] == \
        ["a@example.ru"]
    # a's operations are not in b's log; b's run does not run a's files.
    a_ops = {o["id"] for o in assert_status(admin.get("/api/v1/exchange/operations"), 200)["items"]}
    b_ops = {o["id"] for o in assert_status(admin_b.get("/api/v1/exchange/operations"), 200)["items"]}
    assert a_ops and not (a_ops & b_ops)
    for op_id in a_ops:
        assert_error(admin_b.get(f"/api/v1/exchange/operations/{op_id}"), 404)


def test_a_missed_run_runs_once_when_the_server_comes_back(env, admin, ftp, ftp_root, smtp):
    put_file(ftp_root, "/sber/missed.xml", client_xml((f"MIS-{time.time_ns()}", "Пропущенный",
                                                       phone())))
    assert_status(admin.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/missed.xml"], schedule_minute="0", schedule_hour="3",
        schedule_enabled=True)), 200)
    before = last_operation_id(admin)
    mails = len(smtp.messages())
    # The server is down through several daily slots.
    assert env.server.stop() == 0
    make_due(env, env.a.id, iso(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)))
    env.server = ServerProcess(env.db.url, env.workdir, env.web_dir)
    api = env.client("a", "admin")
    ops = wait_operations(api, before, 1)
    time.sleep(1.5)  # several polls: no second run
    assert len(operations_after(api, before)) == 1, "one run, not one per missed slot"
    assert ops[0]["status"] == "ok"
    s = wait_not_running(api)
    now = dt.datetime.now(dt.timezone.utc)
    assert now < dt.datetime.strptime(s["next_run_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=dt.timezone.utc) <= now + dt.timedelta(days=1)
    wait_mail(smtp, mails + 1)
    assert_status(api.put("/api/v1/exchange/settings", json={"schedule_enabled": False}), 200)


def test_a_mail_failure_never_fails_the_import(env, ftp, ftp_root, smtp):
    api = env.client("a", "admin")
    put_file(ftp_root, "/sber/nomail.xml", client_xml((f"NM-{time.time_ns()}", "Безпочты",
                                                       phone())))
    assert_status(api.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/nomail.xml"], report_emails=["down@example.ru"])), 200)
    smtp.stop()  # the mail server is down
    try:
        before = last_operation_id(api)
        run_now(api)
        (op,) = wait_operations(api, before, 1)
        assert op["status"] == "ok"
        deadline = time.monotonic() + 20
        rows = []
        while time.monotonic() < deadline:
            rows = query(env, "SELECT status, attempts, error FROM mail_outbox "
                              "WHERE recipients = 'down@example.ru'")
            if rows and rows[0][2]:
                break
            time.sleep(0.2)
        assert rows and rows[0][0] == "pending" and int(rows[0][1]) >= 1, rows
        assert rows[0][2].startswith("SMTP"), "the failure is recorded for the retry"
        assert "SMTP" in env.server.log_tail(200)
    finally:
        smtp.start()


@pytest.mark.skipif(db_kind() != "postgres", reason="two instances share one PostgreSQL database")
def test_two_instances_over_postgresql_run_a_slot_once(env, ftp, ftp_root, smtp):
    api = env.client("a", "admin")
    put_file(ftp_root, "/sber/twice.xml", client_xml((f"TW-{time.time_ns()}", "Дважды", phone())))
    assert_status(api.put("/api/v1/exchange/settings", json=settings_for(
        ftp, paths=["/sber/twice.xml"], report_emails=["twice@example.ru"],
        schedule_minute="0", schedule_hour="3", schedule_enabled=True)), 200)
    second = ServerProcess(env.db.url, env.workdir, env.web_dir)
    try:
        for round_ in range(5):
            before = last_operation_id(api)
            mails = len(smtp.messages("twice@example.ru"))
            make_due(env, env.a.id)
            wait_operations(api, before, 1)
            time.sleep(1.0)  # both instances polled several times
            assert len(operations_after(api, before)) == 1, f"round {round_}: run twice"
            wait_not_running(api)
            deadline = time.monotonic() + 20
            while len(smtp.messages("twice@example.ru")) < mails + 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.5)
            assert len(smtp.messages("twice@example.ru")) == mails + 1, "one report per run"
        owners = query(env, "SELECT COUNT(*) FROM exchange_settings WHERE lease_owner IS NOT NULL")
        assert owners == [["0"]]
    finally:
        assert second.stop() == 0
        assert_status(api.put("/api/v1/exchange/settings", json={"schedule_enabled": False}), 200)
