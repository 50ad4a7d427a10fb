"""Personal accounts and the ledger (docs/links-and-accounts.md «Personal accounts», SPEC A-1 …
A-4, M-2): create / edit / delete, the ЕЛС format, unique numbers per legal entity, the hidden
flag, charges and payments with their validation, the debt of an account and of its premise's
clients, and what deleting an account or a premise removes. Every refused write is checked to
have written nothing."""

import datetime

import pytest

from apikit import (PAST_DATE, add_charge, add_payment, assert_error, assert_status, make_account, make_client,
                    make_legal_entity, make_link, make_object, make_premise, seq, validate)

P = "/api/v1/premises"
A = "/api/v1/accounts"
C = "/api/v1/clients"


@pytest.fixture(scope="module")
def building(admin):
    return make_object(admin, name="ЖК «Счета»", city="Москва", street="ул. Тверская", house="7")


@pytest.fixture(scope="module")
def legal(admin):
    return make_legal_entity(admin, name=f"ООО «УК Северная» {seq()}")


def account(api, account_id) -> dict:
    return validate(assert_status(api.get(f"{A}/{account_id}"), 200), "Account")


def accounts(api, premise_id) -> dict:
    body = validate(assert_status(api.get(f"{P}/{premise_id}/accounts"), 200), "AccountList")
    assert body["total"] == len(body["items"])
    return body


def client_item(api, client) -> dict:
    """The client's row of the clients list (found by its unique phone)."""
    body = validate(assert_status(api.get(C, params={"q": client["phone"]}), 200), "ClientList")
    rows = [i for i in body["items"] if i["id"] == client["id"]]
    assert len(rows) == 1, body
    return rows[0]


def client_debt(api, client) -> int:
    return client_item(api, client)["debt"]


def ledger(api, account_id) -> tuple[dict, dict]:
    charges = validate(assert_status(api.get(f"{A}/{account_id}/charges", params={"limit": 500}), 200), "ChargeList")
    payments = validate(assert_status(api.get(f"{A}/{account_id}/payments", params={"limit": 500}), 200),
                        "PaymentList")
    return charges, payments


# ------------------------------------------------------------------------- accounts


def test_create_with_every_field(admin, building, legal):
    p = make_premise(admin, building["id"])
    ext = f"1C-LS-{seq()}"
    acc = make_account(admin, p["id"], legal["id"], number="1002003001", unified_account="12АБ345678",
                       external_id=ext, hidden_from_resident=True)
    assert acc["legal_entity"] == {"id": legal["id"], "name": legal["name"]}
    assert acc["unified_account"] == "12АБ345678"
    assert acc["debt"] == 0 and acc["charges_total"] == 0 and acc["payments_total"] == 0
    assert account(admin, acc["id"]) == acc
    assert accounts(admin, p["id"])["items"] == [acc]


def test_defaults(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    assert acc["unified_account"] is None and acc["external_id"] is None
    assert acc["hidden_from_resident"] is False


def test_list_by_number(admin, building, legal):
    p = make_premise(admin, building["id"])
    for number in ("003", "001", "002"):
        make_account(admin, p["id"], legal["id"], number=f"{number}-{p['id']}")
    body = accounts(admin, p["id"])
    assert [a["number"] for a in body["items"]] == [f"{n}-{p['id']}" for n in ("001", "002", "003")]
    # another premise's accounts are not listed
    assert accounts(admin, make_premise(admin, building["id"])["id"])["total"] == 0


def test_patch_changes_only_what_is_sent(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"], unified_account="12АБ345678", external_id=f"X-{seq()}")
    changed = validate(assert_status(admin.patch(f"{A}/{acc['id']}", json={"hidden_from_resident": True}), 200),
                       "Account")
    assert changed["hidden_from_resident"] is True
    assert {k: v for k, v in changed.items() if k not in ("hidden_from_resident", "updated_at")} == \
        {k: v for k, v in acc.items() if k not in ("hidden_from_resident", "updated_at")}
    back = assert_status(admin.patch(f"{A}/{acc['id']}", json={"hidden_from_resident": False}), 200)
    assert back["hidden_from_resident"] is False
    other = make_legal_entity(admin)
    changed = assert_status(admin.patch(f"{A}/{acc['id']}", json={
        "number": "  Н-77  ", "legal_entity_id": other["id"], "unified_account": None, "external_id": ""}), 200)
    assert changed["number"] == "Н-77" and changed["legal_entity"] == {"id": other["id"], "name": other["name"]}
    assert changed["unified_account"] is None and changed["external_id"] is None
    assert account(admin, acc["id"]) == changed


def test_required_fields_cannot_be_cleared(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    for body, field in (({"number": None}, "number"), ({"number": "  "}, "number"),
                        ({"legal_entity_id": None}, "legal_entity_id"),
                        ({"legal_entity_id": 987654321}, "legal_entity_id"),
                        ({"number": "Н" * 51}, "number"), ({"debt": 5}, "debt"),
                        ({"premise_id": p["id"]}, "premise_id"), ({"hidden_from_resident": "да"}, "hidden_from_resident")):
        assert_error(admin.patch(f"{A}/{acc['id']}", json=body), 422, "validation_failed", field=field)
    assert account(admin, acc["id"]) == acc


@pytest.mark.parametrize("body,field", [
    ({"legal_entity_id": None}, "legal_entity_id"),
    ({"legal_entity_id": 987654321}, "legal_entity_id"),
    ({"legal_entity_id": "один"}, "legal_entity_id"),
    ({"number": None}, "number"),
    ({"number": ""}, "number"),
    ({"number": "   "}, "number"),
    ({"number": "1" * 51}, "number"),
    ({"number": 1002003001}, "number"),
    ({"external_id": "x" * 101}, "external_id"),
    ({"hidden_from_resident": "нет"}, "hidden_from_resident"),
    ({"debt": 0}, "debt"),
    ({"premise_id": 1}, "premise_id"),
    ({"colour": "red"}, "colour"),
])
def test_bad_account_body_is_422_and_writes_nothing(admin, building, legal, body, field):
    p = make_premise(admin, building["id"])
    full = {"legal_entity_id": legal["id"], "number": f"ЛС-{seq()}", **body}
    assert_error(admin.post(f"{P}/{p['id']}/accounts", json=full), 422, "validation_failed", field=field)
    if field in ("legal_entity_id", "number"):
        missing = {k: v for k, v in full.items() if k != field}
        assert_error(admin.post(f"{P}/{p['id']}/accounts", json=missing), 422, "validation_failed", field=field)
    assert accounts(admin, p["id"])["total"] == 0


def test_missing_premise_or_account_is_404(admin, legal):
    assert_error(admin.get(f"{P}/987654321/accounts"), 404, "not_found")
    assert_error(admin.post(f"{P}/987654321/accounts", json={"legal_entity_id": legal["id"], "number": "1"}),
                 404, "not_found")
    for path in (f"{A}/987654321", f"{A}/987654321/dependents", f"{A}/987654321/charges",
                 f"{A}/987654321/payments"):
        assert_error(admin.get(path), 404, "not_found")
    assert_error(admin.patch(f"{A}/987654321", json={"number": "1"}), 404, "not_found")
    assert_error(admin.delete(f"{A}/987654321"), 404, "not_found")
    assert_error(admin.post(f"{A}/987654321/charges", json={"period": "2026-10", "service": "Вода", "amount": 1}),
                 404, "not_found")
    assert_error(admin.post(f"{A}/987654321/payments", json={"date": PAST_DATE, "amount": 1}), 404, "not_found")


# ------------------------------------------------------------------------- ЕЛС


@pytest.mark.parametrize("typed,stored", [
    ("12АБ345678", "12АБ345678"),
    ("12аб345678", "12АБ345678"),
    ("12Аб345678", "12АБ345678"),
    ("12 АБ 345678", "12АБ345678"),
    (" 99яя000001 ", "99ЯЯ000001"),
    ("", None),
    (None, None),
])
def test_unified_account_accepted(admin, building, legal, typed, stored):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"], unified_account=typed)
    assert acc["unified_account"] == stored
    assert account(admin, acc["id"])["unified_account"] == stored


@pytest.mark.parametrize("bad", [
    "12AB345678",     # Latin letters
    "12АB345678",     # one Latin letter
    "1АБ345678",      # 9 characters
    "12АБ3456789",    # 11 characters
    "12АБ34567",
    "АБ12345678",     # letters first
    "123Б345678",     # a digit for a letter
    "12А1345678",
    "12АБ34567Х",     # a letter for a digit
    "12-АБ-345678",
    "12АБВ45678",
    "ЕЛС",
    12345678,
])
def test_invalid_unified_account_is_422(admin, building, legal, bad):
    p = make_premise(admin, building["id"])
    err = assert_error(admin.post(f"{P}/{p['id']}/accounts",
                                  json={"legal_entity_id": legal["id"], "number": f"ЛС-{seq()}",
                                        "unified_account": bad}),
                       422, "validation_failed", field="unified_account")
    if isinstance(bad, str):
        assert "ЕЛС" in err["fields"]["unified_account"], err
    assert accounts(admin, p["id"])["total"] == 0
    acc = make_account(admin, p["id"], legal["id"], unified_account="12АБ345678")
    assert_error(admin.patch(f"{A}/{acc['id']}", json={"unified_account": bad}), 422, "validation_failed",
                 field="unified_account")
    assert account(admin, acc["id"])["unified_account"] == "12АБ345678"


# ------------------------------------------------------------------------- uniqueness


def test_duplicate_number_per_legal_entity_is_409(admin, building, legal):
    p1, p2 = make_premise(admin, building["id"]), make_premise(admin, building["id"])
    number = f"Д-{seq()}"
    first = make_account(admin, p1["id"], legal["id"], number=number)
    for p in (p1, p2):  # the same legal entity, on the same premise or another
        assert_error(admin.post(f"{P}/{p['id']}/accounts", json={"legal_entity_id": legal["id"], "number": number}),
                     409, "conflict", field="number")
    assert accounts(admin, p1["id"])["items"] == [first]
    assert accounts(admin, p2["id"])["total"] == 0
    # the same number under another legal entity is fine
    other = make_account(admin, p2["id"], make_legal_entity(admin)["id"], number=number)
    assert other["number"] == number
    # renaming into a taken number is refused too
    third = make_account(admin, p2["id"], legal["id"])
    assert_error(admin.patch(f"{A}/{third['id']}", json={"number": number}), 409, "conflict", field="number")
    assert_error(admin.patch(f"{A}/{other['id']}", json={"legal_entity_id": legal["id"]}), 409, "conflict",
                 field="number")
    assert account(admin, third["id"]) == third
    assert account(admin, other["id"]) == other
    # an account keeps its own number on a change
    assert_status(admin.patch(f"{A}/{first['id']}", json={"number": number, "hidden_from_resident": True}), 200)


def test_same_number_in_another_organisation(admin, admin_b, building, legal):
    number = f"ОБЩ-{seq()}"
    make_account(admin, make_premise(admin, building["id"])["id"], legal["id"], number=number)
    pb = make_premise(admin_b, make_object(admin_b)["id"])
    make_account(admin_b, pb["id"], make_legal_entity(admin_b)["id"], number=number)


def test_duplicate_external_id_is_409(admin, building, legal):
    p = make_premise(admin, building["id"])
    ext = f"EXT-LS-{seq()}"
    make_account(admin, p["id"], legal["id"], external_id=ext)
    assert_error(admin.post(f"{P}/{p['id']}/accounts",
                            json={"legal_entity_id": make_legal_entity(admin)["id"], "number": "1", "external_id": ext}),
                 409, "conflict", field="external_id")
    assert accounts(admin, p["id"])["total"] == 1
    other = make_account(admin, make_premise(admin, building["id"])["id"], legal["id"])
    assert_error(admin.patch(f"{A}/{other['id']}", json={"external_id": ext}), 409, "conflict", field="external_id")
    assert account(admin, other["id"]) == other


# ------------------------------------------------------------------------- charges and payments


def test_charges_and_payments_and_debt(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    c1 = add_charge(admin, acc["id"], period="2026-09", service="Содержание жилья", amount=150000)
    c2 = add_charge(admin, acc["id"], period="2026-10", service="Отопление", amount=250000)
    c3 = add_charge(admin, acc["id"], period="2026-10", service="Перерасчёт отопления", amount=-10000)
    pay1 = add_payment(admin, acc["id"], date="2026-10-05", amount=100000, source="Сбербанк")
    r = admin.post(f"{A}/{acc['id']}/payments", json={"date": "2026-11-01", "amount": 40000})  # no source
    pay2 = validate(assert_status(r, 201), "Payment")
    assert pay2["source"] is None and pay2["amount"] == 40000 and pay2["date"] == "2026-11-01"
    got = account(admin, acc["id"])
    assert got["charges_total"] == 390000 and got["payments_total"] == 140000 and got["debt"] == 250000
    charges, payments = ledger(admin, acc["id"])
    assert charges["total"] == 3 and payments["total"] == 2
    assert [c["period"] for c in charges["items"]] == ["2026-10", "2026-10", "2026-09"]
    assert {c["id"] for c in charges["items"]} == {c1["id"], c2["id"], c3["id"]}
    assert [x["id"] for x in payments["items"]] == [pay2["id"], pay1["id"]]
    assert accounts(admin, p["id"])["items"][0]["debt"] == 250000
    # paging
    page = assert_status(admin.get(f"{A}/{acc['id']}/charges", params={"limit": 1, "offset": 2}), 200)
    assert page["total"] == 3 and [c["id"] for c in page["items"]] == [c1["id"]]
    assert_error(admin.get(f"{A}/{acc['id']}/charges", params={"limit": 0}), 400, "bad_request", field="limit")
    assert_error(admin.get(f"{A}/{acc['id']}/payments", params={"offset": -1}), 400, "bad_request", field="offset")
    assert_error(admin.get(f"{A}/{acc['id']}/charges", params={"limit": 501}), 400, "bad_request", field="limit")


def test_overpaid_account_has_negative_debt(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    add_charge(admin, acc["id"], amount=100000)
    add_payment(admin, acc["id"], amount=130000)
    assert account(admin, acc["id"])["debt"] == -30000


def test_amount_limits(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    add_charge(admin, acc["id"], amount=10 ** 12)
    add_charge(admin, acc["id"], amount=-(10 ** 12))
    add_charge(admin, acc["id"], amount=1)
    assert account(admin, acc["id"])["debt"] == 1


@pytest.mark.parametrize("body,field", [
    ({"period": "2026-13"}, "period"),
    ({"period": "2026-00"}, "period"),
    ({"period": "2026-1"}, "period"),
    ({"period": "202610"}, "period"),
    ({"period": "10.2026"}, "period"),
    ({"period": "2026-10-01"}, "period"),
    ({"period": ""}, "period"),
    ({"period": None}, "period"),
    ({"period": 202610}, "period"),
    ({"amount": 0}, "amount"),
    ({"amount": 1.5}, "amount"),
    ({"amount": "1000"}, "amount"),
    ({"amount": True}, "amount"),
    ({"amount": None}, "amount"),
    ({"amount": 10 ** 12 + 1}, "amount"),
    ({"amount": -(10 ** 12) - 1}, "amount"),
    ({"amount": 10 ** 20}, "amount"),
    ({"service": ""}, "service"),
    ({"service": "   "}, "service"),
    ({"service": "у" * 201}, "service"),
    ({"service": None}, "service"),
    ({"source": "Касса"}, "source"),
    ({"id": 5}, "id"),
])
def test_bad_charge_is_422_and_writes_nothing(admin, building, legal, body, field):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    add_charge(admin, acc["id"], amount=5000)
    full = {"period": "2026-10", "service": "Содержание жилья", "amount": 100, **body}
    assert_error(admin.post(f"{A}/{acc['id']}/charges", json=full), 422, "validation_failed", field=field)
    missing = {k: v for k, v in full.items() if k != field}
    if field in ("period", "service", "amount"):
        assert_error(admin.post(f"{A}/{acc['id']}/charges", json=missing), 422, "validation_failed", field=field)
    charges, _ = ledger(admin, acc["id"])
    assert charges["total"] == 1
    assert account(admin, acc["id"])["debt"] == 5000


def future(days: int) -> str:
    """The date `days` from today (UTC, the server's clock)."""
    return (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days)).isoformat()


@pytest.mark.parametrize("body,field", [
    ({"date": "future"}, "date"),
    ({"date": "2026-02-30"}, "date"),
    ({"date": "05.11.2026"}, "date"),
    ({"date": "2026-11"}, "date"),
    ({"date": "2025-06-10T10:00:00Z"}, "date"),
    ({"date": ""}, "date"),
    ({"date": None}, "date"),
    ({"amount": 0}, "amount"),
    ({"amount": -100}, "amount"),
    ({"amount": 99.5}, "amount"),
    ({"amount": "100"}, "amount"),
    ({"amount": None}, "amount"),
    ({"amount": 10 ** 20}, "amount"),
    ({"source": "и" * 201}, "source"),
    ({"service": "Вода"}, "service"),
])
def test_bad_payment_is_422_and_writes_nothing(admin, building, legal, body, field):
    if body.get("date") == "future":
        body = {"date": future(2)}
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    add_charge(admin, acc["id"], amount=5000)
    full = {"date": PAST_DATE, "amount": 100, "source": "Касса", **body}
    assert_error(admin.post(f"{A}/{acc['id']}/payments", json=full), 422, "validation_failed", field=field)
    if field in ("date", "amount"):
        missing = {k: v for k, v in full.items() if k != field}
        assert_error(admin.post(f"{A}/{acc['id']}/payments", json=missing), 422, "validation_failed", field=field)
    _, payments = ledger(admin, acc["id"])
    assert payments["total"] == 0
    assert account(admin, acc["id"])["debt"] == 5000


def test_payment_of_today_and_yesterday_is_fine(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    add_payment(admin, acc["id"], date=future(-1), amount=1)
    # «today» of the server (UTC)
    add_payment(admin, acc["id"], date=future(0), amount=1)
    assert account(admin, acc["id"])["payments_total"] == 2


# ------------------------------------------------------------------------- the debt of clients


def test_client_debt_follows_charges_payments_links_and_accounts(admin, building, legal):
    p1, p2 = make_premise(admin, building["id"]), make_premise(admin, building["id"])
    a1 = make_account(admin, p1["id"], legal["id"])
    a2 = make_account(admin, p2["id"], legal["id"])
    a3 = make_account(admin, p2["id"], make_legal_entity(admin)["id"])
    owner = make_client(admin)
    tenant = make_client(admin)
    assert client_debt(admin, owner) == 0
    make_link(admin, p1["id"], owner["id"])
    make_link(admin, p2["id"], owner["id"])
    make_link(admin, p2["id"], tenant["id"], role="tenant", owner_client_id=owner["id"])
    add_charge(admin, a1["id"], amount=100000)
    add_charge(admin, a2["id"], amount=20000)
    add_charge(admin, a3["id"], amount=3000)
    assert client_debt(admin, owner) == 123000
    assert client_debt(admin, tenant) == 23000
    add_payment(admin, a2["id"], amount=25000)  # a2 overpaid by 5000
    assert client_debt(admin, owner) == 98000
    assert client_debt(admin, tenant) == -2000
    # deleting an account takes its debt away
    assert_status(admin.delete(f"{A}/{a3['id']}"), 200)
    assert client_debt(admin, owner) == 95000 and client_debt(admin, tenant) == -5000
    # removing a link takes that premise's debt away
    assert_status(admin.delete(f"{P}/{p1['id']}/clients/{owner['id']}"), 204)
    assert client_debt(admin, owner) == -5000
    # and linking back brings it again
    make_link(admin, p1["id"], owner["id"])
    assert client_debt(admin, owner) == 95000
    # a new account with a charge on a linked premise counts at once
    a4 = make_account(admin, p1["id"], make_legal_entity(admin)["id"])
    add_charge(admin, a4["id"], amount=5000)
    assert client_debt(admin, owner) == 100000
    # deleting the premise takes its accounts and links with it
    assert_status(admin.delete(f"{P}/{p2['id']}"), 200)
    assert client_debt(admin, owner) == 105000
    assert client_debt(admin, tenant) == 0


def test_refused_write_does_not_change_client_debt(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    c = make_client(admin)
    make_link(admin, p["id"], c["id"])
    add_charge(admin, acc["id"], amount=7000)
    assert_error(admin.post(f"{A}/{acc['id']}/charges", json={"period": "2026-13", "service": "Вода", "amount": 5}),
                 422, "validation_failed", field="period")
    assert_error(admin.post(f"{A}/{acc['id']}/payments", json={"date": future(3), "amount": 5}),
                 422, "validation_failed", field="date")
    assert client_debt(admin, c) == 7000 and account(admin, acc["id"])["debt"] == 7000


# ------------------------------------------------------------------------- delete


def test_account_dependents_and_delete(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    keep = make_account(admin, p["id"], legal["id"])
    for period in ("2026-08", "2026-09", "2026-10"):
        add_charge(admin, acc["id"], period=period)
    add_payment(admin, acc["id"])
    add_payment(admin, acc["id"])
    add_charge(admin, keep["id"])
    dep = validate(assert_status(admin.get(f"{A}/{acc['id']}/dependents"), 200), "AccountDependents")
    assert dep == {"charges": 3, "payments": 2}
    deleted = validate(assert_status(admin.delete(f"{A}/{acc['id']}"), 200), "AccountDeleted")
    assert deleted == {"deleted": {"accounts": 1, "charges": 3, "payments": 2}}
    for path in (f"{A}/{acc['id']}", f"{A}/{acc['id']}/charges", f"{A}/{acc['id']}/payments",
                 f"{A}/{acc['id']}/dependents"):
        assert_error(admin.get(path), 404, "not_found")
    assert_error(admin.delete(f"{A}/{acc['id']}"), 404, "not_found")
    assert [a["id"] for a in accounts(admin, p["id"])["items"]] == [keep["id"]]
    assert ledger(admin, keep["id"])[0]["total"] == 1
    # the number is free again
    make_account(admin, p["id"], legal["id"], number=acc["number"])
    # and an empty account
    empty = make_account(admin, p["id"], legal["id"])
    assert assert_status(admin.get(f"{A}/{empty['id']}/dependents"), 200) == {"charges": 0, "payments": 0}
    assert assert_status(admin.delete(f"{A}/{empty['id']}"), 200) == \
        {"deleted": {"accounts": 1, "charges": 0, "payments": 0}}


def test_legal_entity_with_accounts_cannot_be_deleted(admin, building):
    le = make_legal_entity(admin)
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], le["id"])
    assert_error(admin.delete(f"/api/v1/legal-entities/{le['id']}"), 409, "in_use")
    assert account(admin, acc["id"]) == acc


def test_premise_delete_counts_and_cascades(admin, building, legal):
    p = make_premise(admin, building["id"])
    a1 = make_account(admin, p["id"], legal["id"])
    a2 = make_account(admin, p["id"], legal["id"])
    for _ in range(3):
        add_charge(admin, a1["id"])
    add_charge(admin, a2["id"])
    add_payment(admin, a1["id"])
    add_payment(admin, a2["id"])
    owner = make_link(admin, p["id"])
    make_link(admin, p["id"], role="resident", owner_client_id=owner["client_id"])
    elsewhere = make_premise(admin, building["id"])
    make_link(admin, elsewhere["id"], owner["client_id"])
    dep = validate(assert_status(admin.get(f"{P}/{p['id']}/dependents"), 200), "PremiseDependents")
    assert dep == {"accounts": 2, "charges": 4, "payments": 2, "links": 2}
    deleted = validate(assert_status(admin.delete(f"{P}/{p['id']}"), 200), "PremiseDeleted")
    assert deleted == {"deleted": {"premises": 1, "accounts": 2, "charges": 4, "payments": 2, "links": 2}}
    for path in (f"{A}/{a1['id']}", f"{A}/{a2['id']}/charges", f"{P}/{p['id']}/clients", f"{P}/{p['id']}/accounts"):
        assert_error(admin.get(path), 404, "not_found")
    # the clients stay, linked to their other premises only
    body = assert_status(admin.get(f"{C}/{owner['client_id']}/premises"), 200)
    assert [i["premise"]["id"] for i in body["items"]] == [elsewhere["id"]]


def test_parallel_charges_and_payments_keep_the_debt(env, admin, building, legal):
    """The kept debt of the account and of its clients is right after concurrent writes."""
    from concurrent.futures import ThreadPoolExecutor
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    c = make_client(admin)
    make_link(admin, p["id"], c["id"])
    apis = [env.token_client("a") for _ in range(8)]

    def write(i):
        api = apis[i % len(apis)]
        if i % 3 == 2:
            r = api.post(f"{A}/{acc['id']}/payments", json={"date": PAST_DATE, "amount": 100 + i})
        else:
            r = api.post(f"{A}/{acc['id']}/charges", json={"period": "2026-10", "service": "Вода", "amount": 1000 + i})
        return r.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(write, range(60)))
    assert statuses == [201] * 60, statuses
    charges = sum(1000 + i for i in range(60) if i % 3 != 2)
    payments = sum(100 + i for i in range(60) if i % 3 == 2)
    got = account(admin, acc["id"])
    assert (got["charges_total"], got["payments_total"], got["debt"]) == (charges, payments, charges - payments)
    assert client_debt(admin, c) == charges - payments


def test_debt_after_removing_or_reassigning_dependants(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    add_charge(admin, acc["id"], amount=42000)
    owner, second, son, wife = (make_client(admin) for _ in range(4))
    make_link(admin, p["id"], owner["id"])
    make_link(admin, p["id"], second["id"])
    make_link(admin, p["id"], son["id"], role="resident", owner_client_id=owner["id"])
    make_link(admin, p["id"], wife["id"], role="resident", owner_client_id=owner["id"])
    assert [client_debt(admin, c) for c in (owner, second, son, wife)] == [42000] * 4
    # re-pointing the dependants keeps their debt; the removed owner's goes
    assert_status(admin.delete(f"{P}/{p['id']}/clients/{owner['id']}",
                               params={"dependants": "reassign", "owner_client_id": second["id"]}), 204)
    assert [client_debt(admin, c) for c in (owner, second, son, wife)] == [0, 42000, 42000, 42000]
    # removing them with their owner takes it from all
    assert_status(admin.delete(f"{P}/{p['id']}/clients/{second['id']}", params={"dependants": "remove"}), 204)
    assert [client_debt(admin, c) for c in (owner, second, son, wife)] == [0, 0, 0, 0]
    assert accounts(admin, p["id"])["items"][0]["debt"] == 42000


def test_other_organisation_never_sees_debtors(env, admin, admin_b, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"])
    add_charge(admin, acc["id"], amount=77700)
    c = make_client(admin)
    make_link(admin, p["id"], c["id"])
    for api in (admin_b, env.token_client("b")):
        for params in ({"debt_min": 1}, {"debt_min": 77700, "debt_max": 77700}, {"role": "owner"}):
            body = assert_status(api.get(C, params={"limit": 500, **params}), 200)
            assert c["id"] not in {i["id"] for i in body["items"]}, params
        assert_error(api.get(f"{A}/{acc['id']}"), 404, "not_found")


def test_unified_account_with_yo(admin, building, legal):
    """Ё is a Cyrillic letter too, and upper-cases to Ё."""
    p = make_premise(admin, building["id"])
    assert make_account(admin, p["id"], legal["id"], unified_account="12ёж345678")["unified_account"] == "12ЁЖ345678"
    assert make_account(admin, p["id"], legal["id"], unified_account="12ЁЁ345678")["unified_account"] == "12ЁЁ345678"


def test_text_limits_count_characters_not_bytes(admin, building, legal):
    p = make_premise(admin, building["id"])
    acc = make_account(admin, p["id"], legal["id"], number="Ж" * 50, external_id="Ё" * 100)
    assert acc["number"] == "Ж" * 50
    add_charge(admin, acc["id"], service="щ" * 200)
    add_payment(admin, acc["id"], source="ы" * 200)


def test_concurrent_duplicate_account_numbers_one_wins(env, admin, building, legal):
    from concurrent.futures import ThreadPoolExecutor
    p = make_premise(admin, building["id"])
    number = f"ГОНКА-{seq()}"
    apis = [env.token_client("a") for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        rs = list(pool.map(lambda api: api.post(f"{P}/{p['id']}/accounts",
                                                json={"legal_entity_id": legal["id"], "number": number}), apis))
    codes = sorted(r.status_code for r in rs)
    assert codes == [201] + [409] * 5, [(r.status_code, r.text[:200]) for r in rs]
    for r in rs:
        if r.status_code == 409:
            assert_error(r, 409, "conflict", field="number")
    assert accounts(admin, p["id"])["total"] == 1


def test_concurrent_link_and_charges_keep_the_client_debt(env, admin, building, legal):
    """A client linked while charges are being added ends with the debt of the account: the
    kept client debt misses no charge that raced with the link."""
    from concurrent.futures import ThreadPoolExecutor
    apis = [env.token_client("a") for _ in range(6)]
    for _ in range(5):
        p = make_premise(admin, building["id"])
        acc = make_account(admin, p["id"], legal["id"])
        add_charge(admin, acc["id"], amount=1000)
        c = make_client(admin)

        def write(i):
            if i == 0:
                return apis[0].post(f"{P}/{p['id']}/clients", json={"client_id": c["id"]}).status_code
            return apis[i].post(f"{A}/{acc['id']}/charges",
                                json={"period": "2026-10", "service": "Вода", "amount": 100 * i}).status_code

        with ThreadPoolExecutor(max_workers=6) as pool:
            assert list(pool.map(write, range(6))) == [201] * 6
        debt = account(admin, acc["id"])["debt"]
        assert debt == 1000 + 100 * (1 + 2 + 3 + 4 + 5)
        assert client_debt(admin, c) == debt, f"client debt {client_debt(admin, c)}, account debt {debt}"
