"""The XML import (`POST /api/v1/exchange/xml`, docs/import-xml.md, docs/import-xml.xsd;
SPEC I-4): an XML file becomes the JSON records of docs/import-api.md and goes through the
same engine. Covered here: creating premises, clients and accounts from XML, the attribute
rules (numbers, booleans, "" = null, empty <clients/> = no owners), dry run, idempotence, the
file's source and space, broken and hostile files (malformed, truncated, XML bomb, XXE, wrong
root, unknown element) refused with the line before anything is written, a bad number as a
record error with its index and field, tenancy and access.

The fetch of files over FTP/HTTP (FetchToTempFile) is tested against a real pyftpdlib
server in src/domains/exchange/fetch_test.cpp (unit tests) and, end to end with the
schedule, in test_exchange_schedule.py."""

from __future__ import annotations

import re
import time
from xml.sax.saxutils import quoteattr

import pytest
import requests

from apikit import Api, assert_error, assert_status, letters, make_legal_entity, make_object, seq, \
    unique_phone, validate

XML = "/api/v1/exchange/xml"
OPS = "/api/v1/exchange/operations"
C = "/api/v1/clients"
P = "/api/v1/premises"


# --------------------------------------------------------------------------- helpers


def ext(prefix: str) -> str:
    return f"{prefix}-x{seq()}"


def attrs(fields: dict) -> str:
    return " ".join(f"{k}={quoteattr(str(v))}" for k, v in fields.items())


def document(*records: str, root: str = "upravdom-import", **root_attrs) -> str:
    head = f"<{root} {attrs(root_attrs)}>" if root_attrs else f"<{root}>"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n" + "\n".join(records) + \
        f"\n</{root}>\n"


def premise_record(obj: dict, premise: dict | None = None, clients: list[dict] | None = None,
                   accounts: list[dict] | None = None) -> str:
    p = {"external_id": ext("P"), "object_id": obj["id"], "type": "flat", "number": str(seq())}
    p.update(premise or {})
    out = f"  <record>\n    <premise {attrs(p)}/>\n"
    if clients is not None:
        out += "    <clients>" + "".join(f"\n      <client {attrs(c)}/>" for c in clients) + \
            ("\n    </clients>\n" if clients else "</clients>\n")
    if accounts is not None:
        out += "    <accounts>" + "".join(f"\n      <account {attrs(a)}/>" for a in accounts) + \
            "\n    </accounts>\n"
    return out + "  </record>"


def client_fields(**kw) -> dict:
    d = {"external_id": ext("C"), "last_name": "Иксэмэлев" + letters(seq()), "first_name": "Иван",
         "phone": unique_phone()}
    d.update(kw)
    return d


def post_xml(api: Api, xml: str | bytes, dry_run: bool | None = None, **kw) -> requests.Response:
    params = {} if dry_run is None else {"dry_run": "true" if dry_run else "false"}
    body = xml.encode("utf-8") if isinstance(xml, str) else xml
    return api.post(XML, data=body, headers={"Content-Type": "application/xml"}, params=params,
                    **kw)


def run_xml(api: Api, xml: str, status: str = "ok", dry_run: bool | None = None) -> dict:
    ans = validate(assert_status(post_xml(api, xml, dry_run), 200), "ImportAnswer")
    assert ans["status"] == status, ans
    return ans


def outcomes(ans: dict) -> list[str]:
    return [r["outcome"] for r in ans["results"]]


def refused(api: Api, xml: str | bytes, *parts: str) -> str:
    """A 422 naming the file; its message contains every part."""
    body = assert_error(post_xml(api, xml), 422, "validation_failed", "file")
    for part in parts:
        assert part in body["message"], body
    if xml:  # a file was sent: its refusal is a failed operation of the log (SPEC I-9)
        op_id = (body.get("details") or {}).get("operation_id")
        assert isinstance(op_id, int), body
        op = assert_status(api.get(f"{OPS}/{op_id}"), 200)
        assert (op["status"], op["source"], op["message"]) == ("failed", "xml", body["message"]), op
    return body["message"]


def totals(api: Api) -> tuple[int, int]:
    nc = assert_status(api.get(C, params={"limit": 1}), 200)["total"]
    np_ = assert_status(api.get(P, params={"limit": 1}), 200)["total"]
    return nc, np_


def links(api: Api, premise_id: int) -> dict[int, dict]:
    return {i["client_id"]: i for i in assert_status(api.get(f"{P}/{premise_id}/clients"), 200)["items"]}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def obj(admin):
    return make_object(admin, name=f"ЖК «XML» {seq()}")


@pytest.fixture(scope="module")
def le(admin):
    return make_legal_entity(admin)


@pytest.fixture(scope="module")
def integration_b(env) -> Api:
    return env.token_client("b")


# --------------------------------------------------------------------------- the import


def test_creates_premises_clients_and_accounts(admin, integration, obj, le):
    owner1 = client_fields(role="owner", share="1/2")
    owner2 = client_fields(role="owner", share="1/2", middle_name="")
    resident = client_fields(role="resident", phone="")
    account = {"external_id": ext("LS"), "legal_entity_inn": le["inn"], "number": f"ЛС-{seq()}",
               "hidden_from_resident": "true"}
    single = client_fields(type="individual", email="xml@example.ru")
    xml = document(
        premise_record(obj, {"total_area": "54,3", "living_area": "32.1", "rooms": "2"},
                       [owner1, owner2, resident], [account]),
        f"  <record><client {attrs(single)}/></record>",
        version="1", space="operations", source="1c")
    ans = run_xml(integration, xml)
    assert outcomes(ans) == ["created", "created"], ans
    assert ans["counts"]["records"] == 2 and ans["counts"]["created"] == 2, ans["counts"]

    premise_id = ans["results"][0]["premise_id"]
    card = assert_status(admin.get(f"{P}/{premise_id}"), 200)
    assert card["object_id"] == obj["id"] and card["type"] == "flat", card
    assert float(card["total_area"]) == 54.3 and float(card["living_area"]) == 32.1, card
    assert card["rooms"] == 2, card
    linked = links(admin, premise_id)
    roles = sorted(i["role"] for i in linked.values())
    assert roles == ["owner", "owner", "resident"], linked
    accounts = assert_status(admin.get(f"{P}/{premise_id}/accounts"), 200)["items"]
    assert [a["number"] for a in accounts] == [account["number"]], accounts
    assert accounts[0]["hidden_from_resident"] is True, accounts

    client_id = ans["results"][1]["clients"][0]["client_id"]
    c = assert_status(admin.get(f"{C}/{client_id}"), 200)
    assert c["last_name"] == single["last_name"] and c["email"] == "xml@example.ru", c

    # The operation is in the exchange log with the file's source.
    op = assert_status(admin.get(f"{OPS}/{ans['operation_id']}"), 200)
    assert op["kind"] == "import" and op["source"] == "1c" and op["status"] == "ok", op


def test_source_defaults_to_xml_and_admin_may_import(admin, obj):
    ans = run_xml(admin, document(f"  <record><client {attrs(client_fields())}/></record>"))
    op = assert_status(admin.get(f"{OPS}/{ans['operation_id']}"), 200)
    assert op["source"] == "xml", op


def test_houses_and_rooms_carry_their_own_address_fields(admin, integration, obj):
    xml = document(
        premise_record(obj, {"type": "house", "number": "", "street": "ул. Садовая", "house": "12А"}),
        premise_record(obj, {"type": "room", "room": "2"}))
    ans = run_xml(integration, xml)
    assert outcomes(ans) == ["created", "created"]
    house, room = (assert_status(admin.get(f"/api/v1/premises/{r['premise_id']}"), 200)
                   for r in ans["results"])
    assert (house["street"], house["house"], house["number"]) == ("ул. Садовая", "12А", None)
    assert room["room"] == "2"


def test_dry_run_writes_nothing(admin, integration, obj):
    before = totals(admin)
    xml = document(premise_record(obj, clients=[client_fields()]))
    ans = run_xml(integration, xml, dry_run=True)
    assert ans["dry_run"] is True and outcomes(ans) == ["created"], ans
    assert ans["results"][0]["premise_id"] is None, ans
    assert totals(admin) == before
    op = assert_status(admin.get(f"{OPS}/{ans['operation_id']}"), 200)
    assert op["kind"] == "import_dry_run", op
    assert_error(integration.post(XML, data=xml.encode(), params={"dry_run": "maybe"}), 400)


def test_re_run_is_idempotent(integration, obj, le):
    xml = document(
        premise_record(obj, {"rooms": "3"}, [client_fields()],
                       [{"legal_entity_inn": le["inn"], "number": f"ЛС-{seq()}"}]),
        f"  <record><client {attrs(client_fields())}/></record>")
    assert outcomes(run_xml(integration, xml)) == ["created", "created"]
    again = run_xml(integration, xml)
    assert outcomes(again) == ["unchanged", "unchanged"], again
    assert again["counts"]["created"] == 0 and again["counts"]["updated"] == 0, again["counts"]


def test_empty_attribute_clears_and_empty_clients_removes_the_owners(admin, integration, obj):
    owner = client_fields(middle_name="Петрович")
    premise = {"external_id": ext("P"), "number": str(seq())}
    ans = run_xml(integration, document(premise_record(obj, premise, [owner])))
    premise_id = ans["results"][0]["premise_id"]
    client_id = ans["results"][0]["clients"][0]["client_id"]
    assert assert_status(admin.get(f"{C}/{client_id}"), 200)["middle_name"] == "Петрович"

    # middle_name="" clears the field (JSON null).
    cleared = dict(owner, middle_name="")
    ans = run_xml(integration, document(premise_record(obj, premise, [cleared])))
    assert outcomes(ans) == ["updated"], ans
    assert assert_status(admin.get(f"{C}/{client_id}"), 200)["middle_name"] is None

    # <clients/> present but empty: the premise has no owners any more (the sync of I-11).
    ans = run_xml(integration, document(premise_record(obj, premise, [])))
    assert ans["counts"]["links_removed"] == 1, ans
    assert links(admin, premise_id) == {}
    # <clients> absent: links untouched (none to touch now; the premise itself is unchanged).
    assert outcomes(run_xml(integration, document(premise_record(obj, premise)))) == ["unchanged"]


def test_bad_number_is_a_record_error_with_index_and_field(admin, integration, obj):
    before = totals(admin)
    good = premise_record(obj, clients=[client_fields()])
    bad = premise_record(obj, {"rooms": "два"})
    after = f"  <record><client {attrs(client_fields())}/></record>"
    ans = run_xml(integration, document(good, bad, after), status="failed")
    assert ans["errors"][0]["index"] == 1, ans["errors"]
    assert ans["errors"][0]["field"] == "premise.rooms", ans["errors"]
    assert outcomes(ans) == ["created", "error"], "the first record stays, the rest is not applied"
    assert totals(admin) == (before[0] + 1, before[1] + 1)

    # A bad boolean and a bad area name their fields too.
    ans = run_xml(integration, document(premise_record(obj, {"total_area": "много"})),
                  status="failed")
    assert ans["errors"][0]["field"] == "premise.total_area", ans


# --------------------------------------------------------------------------- bad files


def test_malformed_and_truncated_files_name_the_line(env, admin, integration, obj):
    before = totals(admin)
    good = premise_record(obj, clients=[client_fields()])
    xml = document(good, good.replace("</record>", "</recrd>"))
    refused(integration, xml, "строка 14", "закрывающий тег")
    truncated = document(good, good)[:-40]
    refused(integration, truncated, "оборван")
    refused(integration, b"", "Пустой запрос")
    refused(integration, "not xml at all", "строка 1")
    # An error without a Russian name of its own: the line and column for the user, expat's
    # English text in the server's log only.
    msg = refused(integration, '<?xml version="1.0" foo="bar"?>\n<upravdom-import/>')
    assert msg == "Файл XML повреждён, строка 1, символ 21: ошибка разбора", msg
    deadline = time.monotonic() + 5  # the server flushes its log every second
    while "XML declaration not well-formed" not in env.server.log_tail(200):
        assert time.monotonic() < deadline, env.server.log_tail(20)
        time.sleep(0.2)
    msg = refused(integration, document('  <record><client external_id="&#1;"/></record>'),
                  "строка 3", "управляющие символы")
    assert not re.search("[a-z]{3,}", msg), msg
    # The first record was fine, but a broken file writes nothing.
    assert totals(admin) == before


def test_xml_bomb_is_refused_and_the_server_stays_up(env, integration):
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)) + ']>\n<upravdom-import><record><client external_id="&lol9;"/>' \
        "</record></upravdom-import>\n"
    refused(integration, bomb, "DOCTYPE", "строка 2")
    assert requests.get(env.base_url + "/healthz", timeout=5).status_code == 200


def test_external_entity_is_refused(integration):
    xxe = ('<?xml version="1.0"?>\n<!DOCTYPE upravdom-import [<!ENTITY xxe SYSTEM '
           '"file:///etc/passwd">]>\n<upravdom-import><record><client external_id="&xxe;" '
           'last_name="X"/></record></upravdom-import>')
    msg = refused(integration, xxe, "DOCTYPE")
    assert "root:" not in msg
    # An entity without a DTD is not expanded to anything either.
    refused(integration, document('  <record><client external_id="&xxe;"/></record>'),
            "неизвестная сущность")


def test_wrong_root_unknown_element_and_attributes(integration, obj):
    refused(integration, document("  <record/>", root="offers"),
            "корневой элемент должен быть <upravdom-import>, а не <offers>")
    refused(integration, document("  <record>\n    <owner id=\"1\"/>\n  </record>"),
            "строка 4", "неизвестный элемент <owner>")
    refused(integration, document("  <record/>", space="moon"), "space")
    refused(integration, document("  <record/>", version="2"), "версия")
    refused(integration, document(), "нет ни одной записи")
    refused(integration,
            document("  <record><client external_id=\"C\">Иванов</client></record>"),
            "атрибутами")


def test_windows_1251_file(admin, integration):
    c = client_fields(last_name="Виндоусов")
    xml = document(f"  <record><client {attrs(c)}/></record>").replace('encoding="UTF-8"',
                                                                      'encoding="windows-1251"')
    ans = run_xml(integration, xml.encode("cp1251"))
    client_id = ans["results"][0]["clients"][0]["client_id"]
    assert assert_status(admin.get(f"{C}/{client_id}"), 200)["last_name"] == "Виндоусов"


# --------------------------------------------------------------------------- tenancy, access


def test_tenant_isolation(admin, admin_b, integration, integration_b, obj):
    premise = {"external_id": ext("P"), "number": str(seq())}
    owner = client_fields()
    ans_a = run_xml(integration, document(premise_record(obj, premise, [owner])))
    # Organisation B cannot place a premise in A's object …
    ans = run_xml(integration_b, document(premise_record(obj, premise, [owner])), status="failed")
    assert ans["errors"][0]["field"].startswith("premise"), ans
    # … and B's client with the same external id is B's own, A's stays as it was.
    ans_b = run_xml(integration_b, document(f"  <record><client {attrs(owner)}/></record>"))
    a_client = ans_a["results"][0]["clients"][0]["client_id"]
    b_client = ans_b["results"][0]["clients"][0]["client_id"]
    assert a_client != b_client
    assert_status(admin.get(f"{C}/{a_client}"), 200)
    assert_error(admin.get(f"{C}/{b_client}"), 404)
    assert_status(admin_b.get(f"{C}/{b_client}"), 200)
    # A's log does not show B's operation.
    assert_error(admin.get(f"{OPS}/{ans_b['operation_id']}"), 404)


def test_access(env, admin, operator, readonly, integration):
    xml = document(f"  <record><client {attrs(client_fields())}/></record>")
    before = totals(admin)
    for who in (operator, readonly):
        assert_error(post_xml(who, xml), 403, "forbidden")
    assert_error(post_xml(env.anonymous(), xml), 401, "unauthorized")
    assert_error(post_xml(admin, xml, csrf=False), 403, "csrf_failed")
    assert totals(admin) == before
    assert_error(admin.post(XML, data=xml.encode(), params={"format": "x"}), 400)


def test_body_over_64_mb_is_413(env, integration):
    from test_bad_input import MiB, raw_request
    head = (f"POST {XML} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {env.a.api_token}\r\n"
            f"Content-Type: application/xml\r\nContent-Length: {64 * MiB + 1}\r\n\r\n")
    status, _, _ = raw_request(env.base_url, head, 64 * MiB + 1)
    assert status == 413
    assert requests.get(env.base_url + "/healthz", timeout=5).status_code == 200
