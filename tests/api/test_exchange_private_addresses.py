"""The import's fetch refuses loopback and private addresses unless the server runs with
--fetch-allow-private (docs/import-xml.md «Files from FTP or a link»): else an organisation's
admin could make the server talk to the services beside it. This module's server runs
WITHOUT the option (the other exchange modules' servers have it: their peers are on loopback);
the FTP peer answers on loopback, and nothing is asked of it.
"""

from __future__ import annotations

import os
import time

import pytest

from apikit import assert_error, assert_status
from conftest import serve_module
from peers import start_ftp

FTP_USER = "crm"
FTP_PASSWORD = "ftp-Пароль-1"
REFUSED = ("— внутренний (сам сервер CRM или локальная сеть): загрузка с таких адресов "
           "запрещена настройками сервера CRM (параметр --fetch-allow-private)")


@pytest.fixture(scope="module")
def ftp(workdir):
    server = start_ftp(workdir / "ftp", user=FTP_USER, password=FTP_PASSWORD)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def env(workdir, ftp):
    saved = os.environ.get("UPRAVDOM_SECRET_KEY_FILE")
    os.environ["UPRAVDOM_SECRET_KEY_FILE"] = str(workdir / "secret.key")
    try:
        yield from serve_module(workdir, fetch_allow_private=False)
    finally:
        if saved is None:
            os.environ.pop("UPRAVDOM_SECRET_KEY_FILE", None)
        else:
            os.environ["UPRAVDOM_SECRET_KEY_FILE"] = saved


def ftp_sessions(ftp) -> int:
    """FTP sessions the peer has seen (its start-up check is one)."""
    return ftp.log_path.read_text(errors="replace").count("FTP session opened")


def test_loopback_links_and_the_ftp_check_are_refused_without_the_option(env, admin, ftp):
    phone = f"+7912{time.time_ns() % 10_000_000:07d}"
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<upravdom-import version="1">\n'
           f'  <record><client external_id="PRIV-{time.time_ns()}" last_name="Внутренний" '
           f'phone="{phone}"/></record>\n</upravdom-import>\n')
    offers = ftp.root / "sber" / "offers.xml"
    offers.parent.mkdir(parents=True, exist_ok=True)
    offers.write_text(xml, encoding="utf-8")
    sessions = ftp_sessions(ftp)
    # The FTP server by its path and by a link, and a link to the CRM server itself.
    paths = ["/sber/offers.xml", f"ftp://127.0.0.1:{ftp.port}/sber/offers.xml",
             f"http://localhost:{env.server.port}/healthz"]
    assert_status(admin.put("/api/v1/exchange/settings", json={
        "ftp_host": "127.0.0.1", "ftp_port": ftp.port, "ftp_user": FTP_USER,
        "ftp_password": FTP_PASSWORD, "paths": paths, "delete_after_read": True}), 200)

    # «Проверить соединение»
    err = assert_error(admin.post("/api/v1/exchange/settings/check-ftp", json={}), 422,
                       "validation_failed", "ftp_host")
    assert err["message"] == f"Адрес сервера «127.0.0.1» {REFUSED}", err

    # «Запустить сейчас»: each file is a failed operation with the message, nothing imported.
    before = assert_status(admin.get("/api/v1/exchange/operations?limit=1"), 200)["items"]
    before_id = before[0]["id"] if before else 0
    assert_status(admin.post("/api/v1/exchange/import/run"), 202)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not assert_status(admin.get("/api/v1/exchange/settings"), 200)["running"]:
            break
        time.sleep(0.2)
    items = assert_status(admin.get("/api/v1/exchange/operations?limit=50"), 200)["items"]
    ops = sorted((o for o in items if o["id"] > before_id), key=lambda o: o["id"])
    assert [o["status"] for o in ops] == ["failed"] * 3, ops
    assert ops[0]["message"] == f"Файл «/sber/offers.xml»: адрес сервера «127.0.0.1» {REFUSED}"
    assert f"ftp://127.0.0.1:{ftp.port}/sber/offers.xml" in ops[1]["message"]
    assert "«localhost» (" in ops[2]["message"], "a name shows the address it resolved to"
    for o in ops:
        assert REFUSED in o["message"], o
        assert o["counts"]["records"] == 0
    found = assert_status(admin.get("/api/v1/clients", params={"q": phone[-10:]}), 200)
    assert found["total"] == 0, "nothing imported"
    assert offers.read_text(encoding="utf-8") == xml, "nothing deleted"
    assert ftp_sessions(ftp) == sessions, "the FTP server was never connected to"
