"""Clients (docs/clients.md, SPEC C-7, C-8): create → the card, every field round-trips,
derived `full_name` / `phone_formatted`, type rules, validation of the personal data (names,
ИНН, СНИЛС, e-mail, dates, passport, postcode), the phone (formats, uniqueness, who may change
it), tags, bad input, delete and the change history."""

import json
from datetime import date, timedelta

import pytest

from apikit import (assert_error, assert_status, inn10, inn12, letters, make_client, seq,
                    unique_phone, validate)

C = "/api/v1/clients"

FULL = {
    "type": "individual",
    "last_name": "Иванов",
    "first_name": "Пётр",
    "middle_name": "Сергеевич",
    "email": "p.ivanov@example.ru",
    "gender": "male",
    "birth_date": "1985-04-12",
    "passport_series": "4510",
    "passport_number": "123456",
    "passport_issued_by": "ОВД района Хамовники г. Москвы",
    "passport_issued_at": "2005-05-20",
    "passport_department_code": "772-001",
    "passport_comment": "Паспорт заменён в 2025 году",
    "registration_address": "Москва, ул. Льва Толстого, д. 16, кв. 5",
    "registration_postcode": "119021",
    "registration_comment": "Временная регистрация",
    "inn": "500100732259",
    "loyalty_card": "CLUB-000123",
    "note": "Звонить только после 18:00",
    "status": "blocked",
    "tester": True,
}

READ_ONLY = ("id", "full_name", "phone_formatted", "external_ids", "premises", "last_seen_at",
             "created_at", "updated_at")


def person(**kw) -> dict:
    body = {"last_name": "Проверкин" + letters(seq()), "first_name": "Иван"}
    body.update(kw)
    return body


def future(days: int = 2) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def card(api, client_id: int) -> dict:
    return validate(assert_status(api.get(f"{C}/{client_id}"), 200), "Client")


# ------------------------------------------------------------------------- create and card


def test_create_answers_the_card_with_every_field(admin):
    n = seq()
    body = {**FULL, "phone": "+7 916 555-00-11", "snils": "112-233-445 95",
            "tags": [f"VIP {n}", f"Должник {n}"], "external_id": f"CRM-{n}"}
    r = admin.post(C, json=body)
    created = validate(assert_status(r, 201), "Client")
    for k, v in FULL.items():
        assert created[k] == v, f"{k}: sent {v!r}, answered {created[k]!r}"
    assert created["phone"] == "+79165550011"
    assert created["phone_formatted"] == "+7 916 555-00-11"
    assert created["snils"] == "11223344595"
    assert sorted(created["tags"]) == sorted(body["tags"])
    assert created["full_name"] == "Иванов Пётр Сергеевич"
    assert created["premises"] == [] and created["last_seen_at"] is None
    assert created["created_at"] == created["updated_at"]
    [x] = created["external_ids"]
    assert (x["space"], x["system"], x["value"], x["note"]) == ("operations", "crm", f"CRM-{n}", None)
    # the card (opened after saving, C-7) is the same record
    assert card(admin, created["id"]) == created


def test_defaults(admin):
    c = validate(assert_status(admin.post(C, json={"first_name": "Мария"}), 201), "Client")
    assert c["type"] == "individual" and c["status"] == "active" and c["tester"] is False
    assert c["tags"] == [] and c["external_ids"] == [] and c["premises"] == []
    assert c["phone"] is None and c["phone_formatted"] is None
    for k in ("last_name", "middle_name", "organization_name", "email", "gender", "birth_date",
              "passport_series", "passport_number", "passport_issued_by", "passport_issued_at",
              "passport_department_code", "passport_comment", "registration_address",
              "registration_postcode", "registration_comment", "inn", "snils", "loyalty_card",
              "note", "last_seen_at"):
        assert c[k] is None, k
    assert c["full_name"] == "Мария"


def test_every_field_round_trips_through_patch(admin):
    c = make_client(admin, phone=None)
    body = {**FULL, "last_name": "Сидорова", "first_name": "Анна", "middle_name": "Ивановна",
            "gender": "female", "snils": "11223344595", "tags": [f"Новосёл {seq()}"]}
    changed = validate(assert_status(admin.patch(f"{C}/{c['id']}", json=body), 200), "Client")
    for k, v in body.items():
        assert changed[k] == v, f"{k}: sent {v!r}, answered {changed[k]!r}"
    assert changed["full_name"] == "Сидорова Анна Ивановна"
    assert card(admin, c["id"]) == changed
    # null clears every optional field
    cleared = {k: None for k in FULL if k not in ("type", "status", "tester", "last_name")}
    cleared.update({"snils": None, "tags": None, "tester": None})
    got = assert_status(admin.patch(f"{C}/{c['id']}", json=cleared), 200)
    for k in cleared:
        assert got[k] in (None, [], False), f"{k} not cleared: {got[k]!r}"
    assert got["full_name"] == "Сидорова" and got["last_name"] == "Сидорова"


def test_patch_changes_only_what_is_sent_and_moves_updated_at(admin):
    c = make_client(admin, email="a@example.ru", note="Первое примечание")
    got = assert_status(admin.patch(f"{C}/{c['id']}", json={"note": "Второе примечание"}), 200)
    assert got["note"] == "Второе примечание"
    assert {k: v for k, v in got.items() if k not in ("note", "updated_at")} == \
        {k: v for k, v in c.items() if k not in ("note", "updated_at")}
    assert got["updated_at"] >= c["updated_at"]


@pytest.mark.parametrize("body,full_name", [
    ({"last_name": "Иванов", "first_name": "Иван", "middle_name": "Иванович"}, "Иванов Иван Иванович"),
    ({"last_name": "Иванов"}, "Иванов"),
    ({"first_name": "Иван"}, "Иван"),
    ({"first_name": "Иван", "middle_name": "Иванович"}, "Иван Иванович"),
    ({"type": "legal_entity", "organization_name": "ООО «Ромашка»"}, "ООО «Ромашка»"),
    ({"type": "sole_proprietor", "organization_name": "ИП Петров П. П."}, "ИП Петров П. П."),
    ({"type": "foreign_branch", "organization_name": "Представительство Acme GmbH"},
     "Представительство Acme GmbH"),
])
def test_full_name(admin, body, full_name):
    c = validate(assert_status(admin.post(C, json=body), 201), "Client")
    assert c["full_name"] == full_name


def test_text_is_trimmed_and_blank_optional_is_null(admin):
    c = validate(assert_status(admin.post(C, json=person(
        last_name="  Трим  ", email=" trim@example.ru ", note="   ", loyalty_card="")), 201), "Client")
    assert c["last_name"] == "Трим" and c["email"] == "trim@example.ru"
    assert c["note"] is None and c["loyalty_card"] is None


# ------------------------------------------------------------------------- type rules


@pytest.mark.parametrize("body", [{}, {"type": "individual"}, {"middle_name": "Иванович"},
                                  {"last_name": "  ", "first_name": ""},
                                  {"organization_name": "ООО «Ромашка»"}])
def test_individual_needs_a_last_or_first_name(admin, body):
    assert_error(admin.post(C, json=body), 422, "validation_failed", field="last_name")


@pytest.mark.parametrize("ctype", ["legal_entity", "sole_proprietor", "foreign_branch"])
def test_companies_need_organization_name(admin, ctype):
    assert_error(admin.post(C, json={"type": ctype, "last_name": "Иванов"}), 422,
                 "validation_failed", field="organization_name")
    assert_error(admin.post(C, json={"type": ctype, "organization_name": "  "}), 422,
                 "validation_failed", field="organization_name")
    c = make_client(admin, type=ctype, organization_name=f"Организация {seq()}")
    assert c["type"] == ctype


def test_patch_type_revalidates_the_whole_record(admin):
    c = make_client(admin, inn="500100732259")
    assert_error(admin.patch(f"{C}/{c['id']}", json={"type": "legal_entity"}), 422,
                 "validation_failed", field="organization_name")
    # the 12-digit ИНН of a person does not fit a company
    assert_error(admin.patch(f"{C}/{c['id']}", json={"type": "legal_entity",
                                                     "organization_name": "ООО «Ромашка»"}),
                 422, "validation_failed", field="inn")
    got = assert_status(admin.patch(f"{C}/{c['id']}", json={"type": "sole_proprietor",
                                                           "organization_name": "ИП Тестов"}), 200)
    assert got["type"] == "sole_proprietor" and got["full_name"] == "ИП Тестов"
    assert_error(admin.patch(f"{C}/{c['id']}", json={"type": None}), 422, "validation_failed", field="type")
    assert_error(admin.patch(f"{C}/{c['id']}", json={"type": "person"}), 422, "validation_failed", field="type")
    ind = make_client(admin)
    assert_error(admin.patch(f"{C}/{ind['id']}", json={"last_name": None, "first_name": None}), 422,
                 "validation_failed", field="last_name")
    assert card(admin, ind["id"]) == ind


# ------------------------------------------------------------------------- ИНН, СНИЛС


@pytest.mark.parametrize("ctype,inn", [
    ("individual", "500100732259"), ("sole_proprietor", "500100732259"),
    ("legal_entity", "7707083893"), ("foreign_branch", "7707083893"),
    ("individual", inn12(4242)), ("legal_entity", inn10(4242)),
])
def test_valid_inn(admin, ctype, inn):
    extra = {} if ctype == "individual" else {"organization_name": f"Организация {seq()}"}
    assert make_client(admin, type=ctype, inn=inn, **extra)["inn"] == inn


@pytest.mark.parametrize("ctype,inn", [
    ("individual", "7707083893"),          # 10 digits for a person
    ("sole_proprietor", "7707083893"),
    ("legal_entity", "500100732259"),      # 12 digits for a company
    ("foreign_branch", "500100732259"),
    ("individual", "500100732258"),        # wrong check digit
    ("individual", "500100732269"),
    ("legal_entity", "7707083894"),
    ("legal_entity", "77070838"),
    ("individual", "50010073225a"),
    ("individual", "5001 0073 2259"),
])
def test_bad_inn(admin, ctype, inn):
    extra = {} if ctype == "individual" else {"organization_name": "ООО «Проверка»"}
    assert_error(admin.post(C, json=person(type=ctype, inn=inn, **extra)), 422,
                 "validation_failed", field="inn")


@pytest.mark.parametrize("typed", ["112-233-445 95", "11223344595"])
def test_snils_is_stored_as_11_digits(admin, typed):
    assert make_client(admin, snils=typed)["snils"] == "11223344595"


@pytest.mark.parametrize("typed", ["112-233-445 96", "11223344596", "112-233-445", "1122334459",
                                   "112233445951", "abc-def-ghi jk"])
def test_bad_snils(admin, typed):
    assert_error(admin.post(C, json=person(snils=typed)), 422, "validation_failed", field="snils")


# ------------------------------------------------------------------------- names, e-mail, dates


@pytest.mark.parametrize("field", ["last_name", "first_name", "middle_name"])
@pytest.mark.parametrize("value", ["Анна-Мария", "Ёлкин", "Jean Luc", "Мухаммад Али", "Σωκράτης",
                                   "ёжиков", "Салтыков-Щедрин"])
def test_names_with_letters_spaces_and_hyphens(admin, field, value):
    body = person(**{field: value})
    c = validate(assert_status(admin.post(C, json=body), 201), "Client")
    assert c[field] == value


@pytest.mark.parametrize("field", ["last_name", "first_name", "middle_name"])
@pytest.mark.parametrize("value", ["Иван1", "Иван!", "Петров2", "Jean@Luc", "Иван_", "<b>Иван</b>", "123"])
def test_names_with_digits_or_signs(admin, field, value):
    body = assert_error(admin.post(C, json=person(**{field: value})), 422, "validation_failed", field=field)
    assert set(body["fields"]) == {field}, body


def test_name_lengths(admin):
    assert make_client(admin, last_name="Я" * 100)["last_name"] == "Я" * 100
    for field in ("last_name", "first_name", "middle_name"):
        assert_error(admin.post(C, json=person(**{field: "Я" * 101})), 422, "validation_failed", field=field)
    assert_error(admin.post(C, json={"type": "legal_entity", "organization_name": "Я" * 301}), 422,
                 "validation_failed", field="organization_name")


def test_name_rules_on_patch(admin):
    c = make_client(admin)
    assert_error(admin.patch(f"{C}/{c['id']}", json={"first_name": "Иван!"}), 422,
                 "validation_failed", field="first_name")
    assert card(admin, c["id"]) == c


@pytest.mark.parametrize("email", ["ivanov@example.ru", "i.ivanov+crm@mail.example.com", "Иванов@почта.рф"])
def test_good_email(admin, email):
    assert make_client(admin, email=email)["email"] == email


@pytest.mark.parametrize("email", ["ivanov.example.ru", "ivanov@", "@example.ru", "iv@an@example.ru",
                                   "ivanov@example", "ivanov @example.ru", "x" * 250 + "@a.ru"])
def test_bad_email(admin, email):
    assert_error(admin.post(C, json=person(email=email)), 422, "validation_failed", field="email")


@pytest.mark.parametrize("field", ["birth_date", "passport_issued_at"])
def test_dates(admin, field):
    assert make_client(admin, **{field: "2000-02-29"})[field] == "2000-02-29"
    assert make_client(admin, **{field: date.today().isoformat()})[field] == date.today().isoformat()
    for bad in (future(), "2001-02-30", "2001-13-01", "2001-00-10", "2023-02-29", "12.04.1985",
                "1985-4-12", "1985-04-12T00:00:00Z", "вчера"):
        assert_error(admin.post(C, json=person(**{field: bad})), 422, "validation_failed", field=field)


def test_gender_status_tester(admin):
    assert make_client(admin, gender="female")["gender"] == "female"
    assert_error(admin.post(C, json=person(gender="m")), 422, "validation_failed", field="gender")
    assert_error(admin.post(C, json=person(status="deleted")), 422, "validation_failed", field="status")
    assert_error(admin.post(C, json=person(tester="yes")), 422, "validation_failed", field="tester")
    c = make_client(admin, status="blocked", tester=True)
    got = assert_status(admin.patch(f"{C}/{c['id']}", json={"status": "active", "tester": False}), 200)
    assert got["status"] == "active" and got["tester"] is False
    assert_error(admin.patch(f"{C}/{c['id']}", json={"status": None}), 422, "validation_failed", field="status")


# ------------------------------------------------------------------------- passport, registration


@pytest.mark.parametrize("field,good,bads", [
    ("passport_series", "4510", ["451", "45100", "45a0", "45 10"]),
    ("passport_number", "123456", ["12345", "1234567", "12345б"]),
    ("passport_department_code", "770-001", ["770001", "77-0001", "770-01", "770 001", "ааа-ббб"]),
    ("registration_postcode", "125009", ["12500", "1250091", "12500а", "125 009"]),
])
def test_passport_and_postcode_formats(admin, field, good, bads):
    assert make_client(admin, **{field: good})[field] == good
    for bad in bads:
        assert_error(admin.post(C, json=person(**{field: bad})), 422, "validation_failed", field=field)


@pytest.mark.parametrize("field,limit", [
    ("passport_issued_by", 300), ("passport_comment", 1000), ("registration_address", 500),
    ("registration_comment", 1000), ("loyalty_card", 50), ("note", 2000),
])
def test_text_lengths(admin, field, limit):
    ok = "Ж" * limit
    assert make_client(admin, **{field: ok})[field] == ok
    assert_error(admin.post(C, json=person(**{field: ok + "ж"})), 422, "validation_failed", field=field)


# ------------------------------------------------------------------------- phone


@pytest.mark.parametrize("typed", ["+7 916 123-45-67", "8 916 123 45 67", "8(916)123-45-67", "9161234567",
                                   "+79161234567", "+7 (916) 123-45-67", "8-916-123-45-67"])
def test_phone_formats_are_stored_in_e164(admin, typed):
    c = make_client(admin, phone=typed)
    assert c["phone"] == "+79161234567" and c["phone_formatted"] == "+7 916 123-45-67"
    assert card(admin, c["id"])["phone"] == "+79161234567"
    # the number is free again once the client is deleted
    assert_status(admin.delete(f"{C}/{c['id']}"), 204)


@pytest.mark.parametrize("typed", ["123", "abc", "+7 916 123-45-6", "+7 916 123-45-678", "8 916 123 45 6",
                                   "916-12", "8 916 abc 123 45 67", "телефон"])
def test_invalid_phone(admin, typed):
    assert_error(admin.post(C, json=person(phone=typed)), 422, "validation_failed", field="phone")


def test_phone_is_unique_in_the_organisation_in_any_format(admin):
    holder = make_client(admin, phone="+7 926 700-11-22")
    for typed in ("+7 926 700-11-22", "8 926 700 11 22", "8(926)700-11-22", "9267001122", "+79267001122"):
        body = assert_error(admin.post(C, json=person(phone=typed)), 409, "conflict", field="phone")
        assert body.get("details", {}).get("client_id") == holder["id"], body
    other = make_client(admin, phone=None)
    body = assert_error(admin.patch(f"{C}/{other['id']}", json={"phone": "8 926 700-11-22"}), 409,
                        "conflict", field="phone")
    assert body.get("details", {}).get("client_id") == holder["id"], body
    assert card(admin, other["id"])["phone"] is None


def test_changing_an_existing_phone_is_for_admins(env, admin, operator, integration):
    c = make_client(admin, phone="+7 926 800-00-01")
    other = make_client(admin, phone="+7 926 800-00-02")
    for api in (operator, integration):
        for new in ("+7 926 800-00-09", None, ""):
            assert_error(api.patch(f"{C}/{c['id']}", json={"phone": new}), 403, "forbidden")
    assert card(admin, c["id"])["phone"] == "+79268000001"
    # the same number typed in another format is no change: allowed to an operator
    got = assert_status(operator.patch(f"{C}/{c['id']}", json={"phone": "8 (926) 800-00-01",
                                                              "note": "Сверено"}), 200)
    assert got["phone"] == "+79268000001" and got["note"] == "Сверено"
    # an admin may change it, but not to another client's number
    assert_error(admin.patch(f"{C}/{c['id']}", json={"phone": "8 926 800 00 02"}), 409, "conflict",
                 field="phone")
    got = assert_status(admin.patch(f"{C}/{c['id']}", json={"phone": "8 926 800 00 03"}), 200)
    assert got["phone"] == "+79268000003" and got["phone_formatted"] == "+7 926 800-00-03"
    got = assert_status(admin.patch(f"{C}/{c['id']}", json={"phone": None}), 200)
    assert got["phone"] is None and got["phone_formatted"] is None
    assert card(admin, other["id"])["phone"] == "+79268000002"


def test_setting_a_phone_on_a_client_without_one_is_open_to_operators(operator, integration):
    for api in (operator, integration):
        c = make_client(api, phone=None)
        got = assert_status(api.patch(f"{C}/{c['id']}", json={"phone": "8 926 900 " + f"{seq() % 100:02d}" + " 11"}), 200)
        assert got["phone"].startswith("+792690") and got["phone_formatted"].startswith("+7 926 900-")


def test_operator_creates_with_a_phone(operator):
    c = make_client(operator, phone="8 (927) 111-22-33")
    assert c["phone"] == "+79271112233"


# ------------------------------------------------------------------------- tags


def test_tags_are_created_and_replaced(admin):
    n = seq()
    c = make_client(admin, tags=[f"Семья с детьми {n}", f"Собака {n}"])
    names = [t["name"] for t in assert_status(admin.get("/api/v1/tags", params={"q": f"Собака {n}"}), 200)["items"]]
    assert names == [f"Собака {n}"]
    got = assert_status(admin.patch(f"{C}/{c['id']}", json={"tags": [f"собака {n}", f"Кот {n}"]}), 200)
    # an existing name matches ignoring case
    assert sorted(got["tags"]) == sorted([f"Собака {n}", f"Кот {n}"])
    assert assert_status(admin.patch(f"{C}/{c['id']}", json={"tags": []}), 200)["tags"] == []
    assert_error(admin.post(C, json=person(tags=["Т" * 51])), 422, "validation_failed", field="tags")


@pytest.mark.parametrize("name", ["", "   "])
def test_blank_tag_name_is_never_a_tag(admin, name):
    """As for premises: a blank tag name is refused or dropped, never a tag."""
    r = admin.post(C, json=person(tags=[name]))
    if r.status_code == 201:
        assert r.json()["tags"] == []
    else:
        assert_error(r, 422, "validation_failed", field="tags")
    names = [t["name"] for t in assert_status(admin.get("/api/v1/tags", params={"limit": 500}), 200)["items"]]
    assert all(n.strip() for n in names), names


# ------------------------------------------------------------------------- external id on create


def test_external_id_on_create(admin):
    value = f"CRM-{seq()}"
    c = make_client(admin, external_id=value)
    [x] = c["external_ids"]
    assert (x["space"], x["system"], x["value"]) == ("operations", "crm", value)
    listed = assert_status(admin.get(f"{C}/{c['id']}/external-ids"), 200)
    assert listed["items"] == c["external_ids"] and listed["total"] == 1
    # the value is taken in this space
    assert_error(admin.post(C, json=person(external_id=value)), 409, "conflict", field="external_id")
    assert_error(admin.post(C, json=person(external_id="X" * 101)), 422, "validation_failed",
                 field="external_id")
    # on create only: a PATCH does not take it
    assert_error(admin.patch(f"{C}/{c['id']}", json={"external_id": "CRM-other"}), 422,
                 "validation_failed", field="external_id")


# ------------------------------------------------------------------------- bad input


def test_unknown_and_read_only_fields(admin):
    body = assert_error(admin.post(C, json=person(colour="red")), 422, "validation_failed", field="colour")
    assert set(body["fields"]) == {"colour"}, body
    c = make_client(admin)
    for ro in READ_ONLY:
        assert_error(admin.post(C, json=person(**{ro: c[ro]})), 422, "validation_failed", field=ro)
        assert_error(admin.patch(f"{C}/{c['id']}", json={ro: c[ro]}), 422, "validation_failed", field=ro)
    assert card(admin, c["id"]) == c


@pytest.mark.parametrize("field,value", [
    ("last_name", 5), ("last_name", ["Иванов"]), ("first_name", {"x": 1}), ("phone", 79161234567),
    ("tester", "true"), ("tester", 1), ("tags", "VIP"), ("tags", [1]), ("birth_date", 19850412),
    ("status", True), ("type", 1), ("inn", 7707083893), ("snils", 11223344595), ("note", False),
])
def test_wrong_json_types(admin, field, value):
    assert_error(admin.post(C, json=person(**{field: value})), 422, "validation_failed", field=field)


@pytest.mark.parametrize("field", ["note", "last_name", "passport_issued_by", "registration_address"])
def test_nul_in_text_is_refused(admin, field):
    value = "Иван\u0000ов" if field == "last_name" else "a\u0000b"
    assert_error(admin.post(C, json=person(**{field: value})), 422, "validation_failed", field=field)
    c = make_client(admin)
    assert_error(admin.patch(f"{C}/{c['id']}", json={field: value}), 422, "validation_failed", field=field)
    assert card(admin, c["id"]) == c


@pytest.mark.parametrize("raw", [b"", b"{", b"[1]", b"\"text\"", b"null", b"{\"last_name\": \"x\",}"])
def test_not_a_json_object(integration, raw):
    r = integration.post(C, data=raw, headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")
    c = make_client(integration)
    r = integration.patch(f"{C}/{c['id']}", data=raw, headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")


def test_missing_client_is_404(admin):
    for method, path, body in (("GET", f"{C}/987654321", None), ("PATCH", f"{C}/987654321", {"note": "x"}),
                               ("DELETE", f"{C}/987654321", None),
                               ("GET", f"{C}/987654321/history", None),
                               ("GET", f"{C}/987654321/external-ids", None),
                               ("POST", f"{C}/987654321/external-ids", {"system": "1c", "value": "X"}),
                               ("PATCH", f"{C}/987654321/external-ids/1", {"note": "x"}),
                               ("DELETE", f"{C}/987654321/external-ids/1", None)):
        r = admin.request(method, path, json=body) if body is not None else admin.request(method, path)
        assert_error(r, 404, "not_found")


@pytest.mark.parametrize("path", [f"{C}/abc", f"{C}/-1", f"{C}/1.5", f"{C}/99999999999999999999999",
                                  f"{C}/abc/history", f"{C}/abc/external-ids", f"{C}/1/external-ids/abc"])
def test_non_numeric_ids_do_not_500(integration, path):
    r = integration.get(path)
    assert r.status_code in (400, 404, 405), f"{path}: {r.status_code} {r.text}"
    assert_error(r, r.status_code)


@pytest.mark.parametrize("method,path", [
    ("PUT", f"{C}/1"), ("POST", f"{C}/1"), ("DELETE", C), ("PUT", C), ("PATCH", C),
    ("POST", f"{C}/export.xlsx"), ("POST", f"{C}/1/history"), ("DELETE", f"{C}/1/external-ids"),
    ("GET", f"{C}/1/external-ids/1"), ("PUT", f"{C}/1/external-ids/1"), ("DELETE", "/api/v1/me"),
])
def test_wrong_method_is_405(integration, method, path):
    assert_error(integration.request(method, path, json={}), 405, "method_not_allowed")


# ------------------------------------------------------------------------- list item = card


def test_list_items_are_the_cards(admin):
    """`GET /clients` answers `{"items": [Client]}`: each item is the client as its card shows
    it, external ids and tags included."""
    n = seq()
    c = make_client(admin, last_name="Списочный" + letters(n), tags=[f"Список {n}"], external_id=f"LIST-{n}")
    body = validate(assert_status(admin.get(C, params={"q": "Списочный" + letters(n)}), 200), "ClientList")
    assert body["total"] == 1
    assert body["items"] == [card(admin, c["id"])]


# ------------------------------------------------------------------------- delete and history


def test_delete(admin, operator):
    c = make_client(operator, external_id=f"DEL-{seq()}")
    assert_status(operator.delete(f"{C}/{c['id']}"), 204)
    for path in (f"{C}/{c['id']}", f"{C}/{c['id']}/external-ids"):
        assert_error(admin.get(path), 404, "not_found")
    assert_error(admin.patch(f"{C}/{c['id']}", json={"note": "x"}), 404, "not_found")
    assert_error(admin.delete(f"{C}/{c['id']}"), 404, "not_found")
    ids = [i["id"] for i in assert_status(admin.get(C, params={"limit": 500}), 200)["items"]]
    assert c["id"] not in ids
    # its phone and external id are free again
    make_client(admin, phone=c["phone"], external_id=c["external_ids"][0]["value"])


def test_history_of_create_update_and_delete(env, admin, integration):
    operator = env.client("a", "operator")
    n = seq()
    c = make_client(integration, last_name="Историев" + letters(n), phone=None, tags=[f"Было {n}"])
    assert_status(operator.patch(f"{C}/{c['id']}", json={"first_name": "Олег", "note": "Окна во двор",
                                                         "tags": [f"Стало {n}"], "phone": "+7 926 555-44-33"}), 200)
    assert_status(admin.patch(f"{C}/{c['id']}", json={"phone": "+7 926 555-44-34", "status": "blocked"}), 200)
    body = validate(assert_status(operator.get(f"{C}/{c['id']}/history"), 200), "HistoryList")
    assert [e["action"] for e in body["items"]] == ["updated", "updated", "created"], body
    assert body["total"] == 3
    second, first, created = body["items"]
    assert first["changes"]["first_name"] == {"old": c["first_name"], "new": "Олег"}
    assert first["changes"]["note"] == {"old": None, "new": "Окна во двор"}
    assert first["changes"]["phone"] == {"old": None, "new": "+79265554433"}
    assert sorted(first["changes"]["tags"]["old"]) == [f"Было {n}"]
    assert sorted(first["changes"]["tags"]["new"]) == [f"Стало {n}"]
    assert "last_name" not in first["changes"], "only changed fields"
    assert second["changes"]["phone"] == {"old": "+79265554433", "new": "+79265554434"}
    assert second["changes"]["status"] == {"old": "active", "new": "blocked"}
    assert created["changes"]["last_name"] == {"old": None, "new": "Историев" + letters(n)}
    assert all(ch["old"] is None for ch in created["changes"].values())
    token_name = assert_status(integration.get("/api/v1/me"), 200)["full_name"]
    assert token_name in created["actor"]
    assert operator.user["full_name"] in first["actor"] and admin.user["full_name"] in second["actor"]
    assert created["changed_at"] <= first["changed_at"] <= second["changed_at"]
    # paging
    page = assert_status(operator.get(f"{C}/{c['id']}/history", params={"limit": 1, "offset": 1}), 200)
    assert page["total"] == 3 and [e["id"] for e in page["items"]] == [first["id"]]
    assert_error(operator.get(f"{C}/{c['id']}/history", params={"limit": 0}), 400, "bad_request", field="limit")
    # kept after deletion; the newest entry is the deletion
    assert_status(admin.delete(f"{C}/{c['id']}"), 204)
    after = validate(assert_status(operator.get(f"{C}/{c['id']}/history"), 200), "HistoryList")
    assert after["total"] == 4 and after["items"][0]["action"] == "deleted"
    assert [e["id"] for e in after["items"][1:]] == [e["id"] for e in body["items"]]
    assert admin.user["full_name"] in after["items"][0]["actor"]
    assert after["items"][0]["changes"].get("last_name", {}).get("old") == "Историев" + letters(n)


def test_history_of_a_client_that_never_existed_is_404(admin):
    assert_error(admin.get(f"{C}/987654321/history"), 404, "not_found")


def test_history_is_not_written_for_a_refused_or_empty_change(admin, operator):
    c = make_client(admin)
    before = assert_status(admin.get(f"{C}/{c['id']}/history"), 200)
    assert before["items"][0]["action"] == "created"
    assert_error(operator.patch(f"{C}/{c['id']}", json={"phone": "+7 926 000-99-99"}), 403, "forbidden")
    assert_error(admin.patch(f"{C}/{c['id']}", json={"inn": "500100732258"}), 422, "validation_failed")
    assert_status(admin.patch(f"{C}/{c['id']}", json={"last_name": c["last_name"]}), 200)
    assert assert_status(admin.get(f"{C}/{c['id']}/history"), 200) == before


def test_a_new_client_never_shows_a_deleted_clients_history(admin):
    """The history of a deleted client is kept under its id; a client created afterwards must
    not get that id (and with it the old history)."""
    old = make_client(admin, last_name="Удалённый" + letters(seq()))
    assert_status(admin.delete(f"{C}/{old['id']}"), 204)
    new = make_client(admin, last_name="Новенький" + letters(seq()))
    body = assert_status(admin.get(f"{C}/{new['id']}/history"), 200)
    assert [e["action"] for e in body["items"]] == ["created"], \
        f"client {new['id']} (deleted client's id was {old['id']}) shows history {body['items']}"
    old_history = assert_status(admin.get(f"{C}/{old['id']}/history"), 200)
    assert old_history["items"][0]["action"] == "deleted", old_history
