"""Premise ↔ client links (docs/links-and-accounts.md «Links», SPEC L-1 … L-6): the default
role, every field of L-3, the owner a dependent role depends on, ownership shares (fractions and
percentages, never over the whole), duplicates, removing an owner with dependants, the
owners'-meeting readiness (L-6), linking from the client card (L-5) and the change history.
Every refused write is checked to have written nothing."""

import pytest

from apikit import assert_error, assert_status, make_client, make_link, make_object, make_premise, validate

P = "/api/v1/premises"
C = "/api/v1/clients"
OWNER_DATA = {"ddu_number", "ddu_date", "ownership_share"}


@pytest.fixture(scope="module")
def building(admin):
    return make_object(admin, name="ЖК «Связи»", city="Москва", street="ул. Ленина", house="12")


def flat(api, building, **kw):
    kw.setdefault("total_area", 54.35)
    return make_premise(api, building["id"], **kw)


def links(api, premise_id) -> dict:
    body = validate(assert_status(api.get(f"{P}/{premise_id}/clients"), 200), "LinkList")
    assert body["total"] == len(body["items"]), body
    return body


def link_of(api, premise_id, client_id) -> dict | None:
    found = [i for i in links(api, premise_id)["items"] if i["client_id"] == client_id]
    assert len(found) <= 1, found
    return found[0] if found else None


def roles(api, premise_id) -> dict[int, str]:
    return {i["client_id"]: i["role"] for i in links(api, premise_id)["items"]}


# ------------------------------------------------------------------------- create and read


def test_new_link_is_an_owner_by_default(admin, building):
    p = flat(admin, building)
    c = make_client(admin, last_name="Собственников", first_name="Пётр", middle_name="Ильич")
    link = make_link(admin, p["id"], c["id"])
    assert link["role"] == "owner"
    assert link["owner_client_id"] is None and link["owner"] is None
    assert link["created_by"] == "staff"
    assert link["online_payment"] is False and link["keep_on_sync"] is False
    for f in ("ddu_number", "ddu_date", "acceptance_act_number", "acceptance_act_date", "certificate_number",
              "certificate_date", "management_contract_number", "management_contract_date", "ownership_share",
              "comment"):
        assert link[f] is None, f"{f} should default to null: {link}"
    assert link["client"] == {"id": c["id"], "full_name": c["full_name"], "phone": c["phone"],
                              "phone_formatted": c["phone_formatted"], "type": "individual", "status": "active"}
    assert link["premise"] == {"id": p["id"], "address": p["address"], "type": "flat", "object_id": building["id"]}
    # an owner without ДДУ and share misses the owners'-meeting data
    assert set(link["missing"]) == OWNER_DATA
    body = links(admin, p["id"])
    assert body["items"] == [link]
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200)["clients_count"] == 1


def test_every_field_round_trips(admin, building):
    p = flat(admin, building)
    c = make_client(admin)
    full = {"role": "owner", "ddu_number": "ДДУ-17/254", "ddu_date": "2021-03-15",
            "acceptance_act_number": "АПП-254", "acceptance_act_date": "2022-06-01",
            "certificate_number": "77-77/012-77/012/001/2022-123", "certificate_date": "2022-07-20",
            "management_contract_number": "УК-2022/15", "management_contract_date": "2022-01-10",
            "ownership_share": "1/2", "comment": "Ключи у консьержа", "online_payment": True,
            "keep_on_sync": True}
    link = make_link(admin, p["id"], c["id"], **full)
    for k, v in full.items():
        assert link[k] == v, (k, link[k], v)
    assert link["missing"] == []
    assert link_of(admin, p["id"], c["id"]) == link
    [from_client] = validate(assert_status(admin.get(f"{C}/{c['id']}/premises"), 200), "ClientLinkList")["items"]
    assert {k: from_client[k] for k in full} == full
    # PATCH changes only what is sent; null clears
    r = admin.patch(f"{P}/{p['id']}/clients/{c['id']}",
                    json={"comment": None, "certificate_number": "", "online_payment": False,
                          "ddu_date": "2021-03-16"})
    changed = validate(assert_status(r, 200), "Link")
    assert changed["comment"] is None and changed["certificate_number"] is None
    assert changed["online_payment"] is False and changed["ddu_date"] == "2021-03-16"
    for k in ("ddu_number", "acceptance_act_number", "acceptance_act_date", "certificate_date",
              "management_contract_number", "management_contract_date", "ownership_share", "keep_on_sync"):
        assert changed[k] == full[k], k
    assert link_of(admin, p["id"], c["id"]) == changed


def test_text_is_trimmed(admin, building):
    p = flat(admin, building)
    link = make_link(admin, p["id"], ddu_number="ДДУ-1", comment="Звонить вечером")
    r = admin.patch(f"{P}/{p['id']}/clients/{link['client_id']}",
                    json={"ddu_number": "  ДДУ-2  ", "comment": "  "})
    changed = assert_status(r, 200)
    assert changed["ddu_number"] == "ДДУ-2" and changed["comment"] is None


@pytest.mark.parametrize("role", ["resident", "representative", "tenant", "unconfirmed_owner"])
def test_each_role_with_its_owner(admin, building, role):
    p = flat(admin, building)
    owner = make_link(admin, p["id"], ownership_share="1/1")
    link = make_link(admin, p["id"], role=role, owner_client_id=owner["client_id"])
    assert link["owner"] == {"id": owner["client_id"], "full_name": owner["client"]["full_name"]}
    if role == "unconfirmed_owner":
        assert set(link["missing"]) == OWNER_DATA
    else:
        assert link["missing"] == []


def test_unconfirmed_owner_needs_no_owner_and_others_may_depend_on_them(admin, building):
    p = flat(admin, building)
    uo = make_link(admin, p["id"], role="unconfirmed_owner")
    assert uo["owner_client_id"] is None and set(uo["missing"]) == OWNER_DATA
    tenant = make_link(admin, p["id"], role="tenant", owner_client_id=uo["client_id"])
    assert tenant["owner_client_id"] == uo["client_id"] and tenant["missing"] == []


def test_list_puts_owners_first_then_by_name(admin, building):
    p = flat(admin, building)
    ya = make_client(admin, last_name="Яковлев", first_name="Ян")
    ab = make_client(admin, last_name="Абрамов", first_name="Олег")
    bo = make_client(admin, last_name="Борисов", first_name="Иван")
    ve = make_client(admin, last_name="Веселова", first_name="Анна")
    make_link(admin, p["id"], ya["id"])
    make_link(admin, p["id"], ab["id"], role="resident", owner_client_id=ya["id"])
    make_link(admin, p["id"], ve["id"])
    make_link(admin, p["id"], bo["id"], role="tenant", owner_client_id=ya["id"])
    items = links(admin, p["id"])["items"]
    assert [i["client_id"] for i in items[:2]] == [ve["id"], ya["id"]], items
    assert {i["role"] for i in items[2:]} == {"resident", "tenant"}


def test_missing_premise_is_404(admin):
    c = make_client(admin)
    assert_error(admin.get(f"{P}/987654321/clients"), 404, "not_found")
    assert_error(admin.post(f"{P}/987654321/clients", json={"client_id": c["id"]}), 404, "not_found")
    assert_error(admin.patch(f"{P}/987654321/clients/{c['id']}", json={"comment": "x"}), 404, "not_found")
    assert_error(admin.delete(f"{P}/987654321/clients/{c['id']}"), 404, "not_found")
    assert_error(admin.get(f"{C}/987654321/premises"), 404, "not_found")


def test_link_that_does_not_exist_is_404(admin, building):
    p = flat(admin, building)
    c = make_client(admin)  # exists, not linked
    assert_error(admin.patch(f"{P}/{p['id']}/clients/{c['id']}", json={"comment": "x"}), 404, "not_found")
    assert_error(admin.delete(f"{P}/{p['id']}/clients/{c['id']}"), 404, "not_found")
    assert_error(admin.delete(f"{P}/{p['id']}/clients/987654321"), 404, "not_found")
    assert links(admin, p["id"])["total"] == 0


# ------------------------------------------------------------------------- the owner a role depends on


@pytest.mark.parametrize("role", ["resident", "representative", "tenant"])
def test_dependant_without_owner_is_422_and_writes_nothing(admin, building, role):
    p = flat(admin, building)
    owner = make_link(admin, p["id"])
    c = make_client(admin)
    for body in ({"client_id": c["id"], "role": role}, {"client_id": c["id"], "role": role, "owner_client_id": None}):
        body_err = assert_error(admin.post(f"{P}/{p['id']}/clients", json=body), 422, "validation_failed",
                                field="owner_client_id")
        assert "собственник" in body_err["fields"]["owner_client_id"].lower(), body_err
    assert roles(admin, p["id"]) == {owner["client_id"]: "owner"}
    assert assert_status(admin.get(f"{C}/{c['id']}/premises"), 200)["total"] == 0


def test_changing_role_to_a_dependant_needs_an_owner(admin, building):
    p = flat(admin, building)
    a = make_link(admin, p["id"], ownership_share="1/2")
    b = make_link(admin, p["id"], ownership_share="1/2")
    path = f"{P}/{p['id']}/clients/{b['client_id']}"
    assert_error(admin.patch(path, json={"role": "tenant"}), 422, "validation_failed", field="owner_client_id")
    assert link_of(admin, p["id"], b["client_id"])["role"] == "owner"
    r = admin.patch(path, json={"role": "tenant", "owner_client_id": a["client_id"], "ownership_share": None})
    changed = assert_status(r, 200)
    assert changed["role"] == "tenant" and changed["owner_client_id"] == a["client_id"]
    assert changed["ownership_share"] is None and changed["missing"] == []
    # and back to an owner, who depends on nobody
    back = assert_status(admin.patch(path, json={"role": "owner", "owner_client_id": None}), 200)
    assert back["role"] == "owner" and back["owner_client_id"] is None and back["owner"] is None


def test_owner_may_not_depend_on_anyone(admin, building):
    p = flat(admin, building)
    a = make_link(admin, p["id"])
    c = make_client(admin)
    assert_error(admin.post(f"{P}/{p['id']}/clients", json={"client_id": c["id"], "owner_client_id": a["client_id"]}),
                 422, "validation_failed", field="owner_client_id")
    assert set(roles(admin, p["id"])) == {a["client_id"]}


def test_owner_from_another_premise_is_422_and_writes_nothing(admin, building):
    p1, p2 = flat(admin, building), flat(admin, building)
    owner_elsewhere = make_link(admin, p1["id"])
    own_owner = make_link(admin, p2["id"])
    c = make_client(admin)
    body = {"client_id": c["id"], "role": "resident", "owner_client_id": owner_elsewhere["client_id"]}
    err = assert_error(admin.post(f"{P}/{p2['id']}/clients", json=body), 422, "validation_failed",
                       field="owner_client_id")
    assert "собственника" in err["fields"]["owner_client_id"], err
    assert roles(admin, p2["id"]) == {own_owner["client_id"]: "owner"}
    # the same through PATCH
    dep = make_link(admin, p2["id"], c["id"], role="resident", owner_client_id=own_owner["client_id"])
    assert_error(admin.patch(f"{P}/{p2['id']}/clients/{c['id']}",
                             json={"owner_client_id": owner_elsewhere["client_id"]}),
                 422, "validation_failed", field="owner_client_id")
    assert link_of(admin, p2["id"], c["id"]) == dep


def test_owner_must_be_an_owner_of_the_premise(admin, building):
    """A resident, a tenant, a client of the organisation not linked to the premise and an id
    that does not exist are not owners."""
    p = flat(admin, building)
    owner = make_link(admin, p["id"])
    resident = make_link(admin, p["id"], role="resident", owner_client_id=owner["client_id"])
    stranger = make_client(admin)
    c = make_client(admin)
    for bad in (resident["client_id"], stranger["id"], 987654321, c["id"]):
        assert_error(admin.post(f"{P}/{p['id']}/clients",
                                json={"client_id": c["id"], "role": "tenant", "owner_client_id": bad}),
                     422, "validation_failed", field="owner_client_id")
    assert set(roles(admin, p["id"])) == {owner["client_id"], resident["client_id"]}


# ------------------------------------------------------------------------- ownership shares


@pytest.mark.parametrize("typed,normalised", [
    ("1/2", "1/2"), ("2/3", "2/3"), (" 2 / 4 ", "1/2"), ("1/1", "1/1"),
    ("50%", "50%"), ("33.5%", "33.5%"), ("100%", "100%"), ("50 %", "50%"),
])
def test_share_is_returned_normalised(admin, building, typed, normalised):
    p = flat(admin, building)
    link = make_link(admin, p["id"], ownership_share=typed)
    assert link["ownership_share"] == normalised
    assert link_of(admin, p["id"], link["client_id"])["ownership_share"] == normalised


@pytest.mark.parametrize("bad", ["abc", "1/0", "0/1", "3/2", "-1/2", "1/2/3", "0%", "150%", "-5%", "½",
                                 "50", "1.5", "%"])
def test_bad_share_is_422(admin, building, bad):
    p = flat(admin, building)
    c = make_client(admin)
    assert_error(admin.post(f"{P}/{p['id']}/clients", json={"client_id": c["id"], "ownership_share": bad}),
                 422, "validation_failed", field="ownership_share")
    assert links(admin, p["id"])["total"] == 0


def test_shares_halves_fit_a_third_more_does_not(admin, building):
    p = flat(admin, building)
    make_link(admin, p["id"], ownership_share="1/2")
    make_link(admin, p["id"], ownership_share="1/2")
    c = make_client(admin)
    err = assert_error(admin.post(f"{P}/{p['id']}/clients", json={"client_id": c["id"], "ownership_share": "1/3"}),
                       422, "validation_failed", field="ownership_share")
    assert "превышает" in err["fields"]["ownership_share"], err
    assert links(admin, p["id"])["total"] == 2
    # an owner without a share still fits
    make_link(admin, p["id"], c["id"])


def test_shares_percentages_and_fractions_together(admin, building):
    p = flat(admin, building)
    make_link(admin, p["id"], ownership_share="50%")
    make_link(admin, p["id"], ownership_share="33.5%")
    c = make_client(admin)
    assert_error(admin.post(f"{P}/{p['id']}/clients", json={"client_id": c["id"], "ownership_share": "20%"}),
                 422, "validation_failed", field="ownership_share")
    assert_error(admin.post(f"{P}/{p['id']}/clients", json={"client_id": c["id"], "ownership_share": "1/6"}),
                 422, "validation_failed", field="ownership_share")  # 0.835 + 0.1667 > 1
    last = make_link(admin, p["id"], c["id"], ownership_share="16.5%")  # exactly the whole
    assert last["ownership_share"] == "16.5%"
    assert links(admin, p["id"])["total"] == 3


def test_unconfirmed_owners_shares_count_too(admin, building):
    p = flat(admin, building)
    make_link(admin, p["id"], ownership_share="2/3")
    c = make_client(admin)
    assert_error(admin.post(f"{P}/{p['id']}/clients",
                            json={"client_id": c["id"], "role": "unconfirmed_owner", "ownership_share": "1/2"}),
                 422, "validation_failed", field="ownership_share")
    make_link(admin, p["id"], c["id"], role="unconfirmed_owner", ownership_share="1/3")


def test_share_over_the_whole_by_patch_is_422(admin, building):
    p = flat(admin, building)
    a = make_link(admin, p["id"], ownership_share="1/2")
    make_link(admin, p["id"], ownership_share="1/2")
    path = f"{P}/{p['id']}/clients/{a['client_id']}"
    assert_error(admin.patch(path, json={"ownership_share": "2/3"}), 422, "validation_failed", field="ownership_share")
    assert link_of(admin, p["id"], a["client_id"])["ownership_share"] == "1/2"
    # the link's own old share does not count against its new one
    assert assert_status(admin.patch(path, json={"ownership_share": "50%"}), 200)["ownership_share"] == "50%"


def test_shares_of_other_premises_do_not_count(admin, building):
    p1, p2 = flat(admin, building), flat(admin, building)
    c = make_client(admin)
    make_link(admin, p1["id"], c["id"], ownership_share="1/1")
    make_link(admin, p2["id"], c["id"], ownership_share="1/1")


@pytest.mark.parametrize("role", ["resident", "representative", "tenant"])
def test_dependants_hold_no_share(admin, building, role):
    p = flat(admin, building)
    owner = make_link(admin, p["id"], ownership_share="1/2")
    c = make_client(admin)
    assert_error(admin.post(f"{P}/{p['id']}/clients", json={"client_id": c["id"], "role": role,
                                                          "owner_client_id": owner["client_id"],
                                                          "ownership_share": "1/4"}),
                 422, "validation_failed", field="ownership_share")
    assert links(admin, p["id"])["total"] == 1


# ------------------------------------------------------------------------- bad input


def test_duplicate_link_is_409_and_writes_nothing(admin, building):
    p = flat(admin, building)
    link = make_link(admin, p["id"], comment="первая")
    assert_error(admin.post(f"{P}/{p['id']}/clients", json={"client_id": link["client_id"], "comment": "вторая"}),
                 409, "conflict", field="client_id")
    assert links(admin, p["id"])["items"] == [link]


@pytest.mark.parametrize("body,field", [
    ({}, "client_id"),
    ({"client_id": None}, "client_id"),
    ({"client_id": "один"}, "client_id"),
    ({"client_id": 987654321}, "client_id"),
    ({"role": "landlord"}, "role"),
    ({"role": 1}, "role"),
    ({"ddu_date": "2021-02-30"}, "ddu_date"),
    ({"ddu_date": "15.03.2021"}, "ddu_date"),
    ({"acceptance_act_date": "2021-13-01"}, "acceptance_act_date"),
    ({"certificate_date": 20210315}, "certificate_date"),
    ({"management_contract_date": "вчера"}, "management_contract_date"),
    ({"ddu_number": "Д" * 101}, "ddu_number"),
    ({"acceptance_act_number": "1" * 101}, "acceptance_act_number"),
    ({"certificate_number": "1" * 101}, "certificate_number"),
    ({"management_contract_number": "1" * 101}, "management_contract_number"),
    ({"comment": "к" * 2001}, "comment"),
    ({"online_payment": "да"}, "online_payment"),
    ({"keep_on_sync": 1}, "keep_on_sync"),
    ({"ownership_share": 0.5}, "ownership_share"),
    ({"created_by": "resident_app"}, "created_by"),
    ({"owner_client_id": "x", "role": "tenant"}, "owner_client_id"),
    ({"premise_id": 1}, "premise_id"),
    ({"bogus": 1}, "bogus"),
])
def test_bad_link_body_is_422(admin, building, body, field):
    p = flat(admin, building)
    c = make_client(admin)
    full = {"client_id": c["id"], **body} if field != "client_id" else body
    assert_error(admin.post(f"{P}/{p['id']}/clients", json=full), 422, "validation_failed", field=field)
    assert links(admin, p["id"])["total"] == 0


def test_bad_link_patch_is_422(admin, building):
    p = flat(admin, building)
    link = make_link(admin, p["id"], comment="как было")
    path = f"{P}/{p['id']}/clients/{link['client_id']}"
    for body, field in (({"client_id": 5}, "client_id"), ({"role": "boss"}, "role"),
                        ({"ddu_date": "2021-02-29"}, "ddu_date"), ({"comment": "к" * 2001}, "comment"),
                        ({"created_by": "staff"}, "created_by"), ({"bogus": True}, "bogus")):
        assert_error(admin.patch(path, json=body), 422, "validation_failed", field=field)
    assert_error(admin.patch(path, data="не json".encode(), headers={"Content-Type": "application/json"}),
                 400, "invalid_json")
    assert link_of(admin, p["id"], link["client_id"]) == link


def test_not_json_is_400(admin, building):
    p = flat(admin, building)
    for data in ("не json".encode(), b"[1, 2]"):
        assert_error(admin.post(f"{P}/{p['id']}/clients", data=data,
                                headers={"Content-Type": "application/json"}), 400, "invalid_json")


# ------------------------------------------------------------------------- removing links


def test_remove_a_link(admin, building):
    p = flat(admin, building)
    link = make_link(admin, p["id"])
    other = make_link(admin, p["id"])
    assert_status(admin.delete(f"{P}/{p['id']}/clients/{link['client_id']}"), 204)
    assert set(roles(admin, p["id"])) == {other["client_id"]}
    # the client itself stays
    assert_status(admin.get(f"{C}/{link['client_id']}"), 200)
    assert assert_status(admin.get(f"{C}/{link['client_id']}/premises"), 200)["total"] == 0
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200)["clients_count"] == 1
    assert_error(admin.delete(f"{P}/{p['id']}/clients/{link['client_id']}"), 404, "not_found")


def test_remove_a_dependant_needs_no_question(admin, building):
    p = flat(admin, building)
    owner = make_link(admin, p["id"])
    dep = make_link(admin, p["id"], role="tenant", owner_client_id=owner["client_id"])
    assert_status(admin.delete(f"{P}/{p['id']}/clients/{dep['client_id']}"), 204)
    assert roles(admin, p["id"]) == {owner["client_id"]: "owner"}


@pytest.fixture
def family(admin, building):
    """A premise with two owners; the first has a resident and a tenant depending on them."""
    p = flat(admin, building)
    owner = make_link(admin, p["id"], make_client(admin, last_name="Главный", first_name="Павел")["id"],
                      ownership_share="1/2")
    second = make_link(admin, p["id"], ownership_share="1/2")
    son = make_link(admin, p["id"], make_client(admin, last_name="Главный", first_name="Сергей")["id"],
                    role="resident", owner_client_id=owner["client_id"])
    tenant = make_link(admin, p["id"], make_client(admin, last_name="Съёмщиков", first_name="Антон")["id"],
                       role="tenant", owner_client_id=owner["client_id"])
    return {"premise": p, "owner": owner, "second": second, "son": son, "tenant": tenant}


def test_removing_an_owner_with_dependants_is_409_listing_them(admin, family):
    p, owner = family["premise"], family["owner"]
    before = links(admin, p["id"])
    r = admin.delete(f"{P}/{p['id']}/clients/{owner['client_id']}")
    err = assert_error(r, 409, "has_dependants")
    deps = err["details"]["dependants"]
    assert sorted(deps, key=lambda d: d["client_id"]) == sorted(
        [{"client_id": family["son"]["client_id"], "full_name": family["son"]["client"]["full_name"], "role": "resident"},
         {"client_id": family["tenant"]["client_id"], "full_name": family["tenant"]["client"]["full_name"],
          "role": "tenant"}], key=lambda d: d["client_id"])
    assert err["message"].startswith("У собственника есть зависимые клиенты:"), err
    assert family["son"]["client"]["full_name"] in err["message"], err
    assert links(admin, p["id"]) == before


def test_bad_dependants_parameter(admin, family):
    p, owner = family["premise"], family["owner"]
    before = links(admin, p["id"])
    path = f"{P}/{p['id']}/clients/{owner['client_id']}"
    assert_error(admin.delete(path, params={"dependants": "keep"}), 400, "bad_request", field="dependants")
    # reassign needs another owner of the premise: without one, a bad parameter (400) or a bad value (422)
    r = admin.delete(path, params={"dependants": "reassign"})
    assert_error(r, r.status_code if r.status_code in (400, 422) else 422, field="owner_client_id")
    for bad in (family["son"]["client_id"], owner["client_id"], make_client(admin)["id"], 987654321):
        assert_error(admin.delete(path, params={"dependants": "reassign", "owner_client_id": bad}),
                     422, "validation_failed", field="owner_client_id")
    assert links(admin, p["id"]) == before


def test_remove_owner_with_dependants(admin, family):
    p, owner = family["premise"], family["owner"]
    r = admin.delete(f"{P}/{p['id']}/clients/{owner['client_id']}", params={"dependants": "remove"})
    assert_status(r, 204)
    assert roles(admin, p["id"]) == {family["second"]["client_id"]: "owner"}
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200)["clients_count"] == 1


def test_remove_owner_and_reassign_dependants(admin, family):
    p, owner, second = family["premise"], family["owner"], family["second"]
    r = admin.delete(f"{P}/{p['id']}/clients/{owner['client_id']}",
                     params={"dependants": "reassign", "owner_client_id": second["client_id"]})
    assert_status(r, 204)
    items = {i["client_id"]: i for i in links(admin, p["id"])["items"]}
    assert set(items) == {second["client_id"], family["son"]["client_id"], family["tenant"]["client_id"]}
    for k in ("son", "tenant"):
        it = items[family[k]["client_id"]]
        assert it["owner_client_id"] == second["client_id"], it
        assert it["owner"] == {"id": second["client_id"], "full_name": second["client"]["full_name"]}
        assert it["role"] == family[k]["role"]
        # the re-pointed link is in the premise's history
        [change, *_] = history_link_changes(admin, p["id"], family[k]["client_id"])
        assert change["changes"][f"link:{family[k]['client_id']}"]["new"], change
        assert len(history_link_changes(admin, p["id"], family[k]["client_id"])) == 2


def test_reassign_to_an_unconfirmed_owner(admin, building):
    p = flat(admin, building)
    owner = make_link(admin, p["id"])
    uo = make_link(admin, p["id"], role="unconfirmed_owner")
    dep = make_link(admin, p["id"], role="resident", owner_client_id=owner["client_id"])
    assert_status(admin.delete(f"{P}/{p['id']}/clients/{owner['client_id']}",
                               params={"dependants": "reassign", "owner_client_id": uo["client_id"]}), 204)
    assert link_of(admin, p["id"], dep["client_id"])["owner_client_id"] == uo["client_id"]


def test_dependants_of_the_owner_on_another_premise_do_not_block(admin, building):
    p1, p2 = flat(admin, building), flat(admin, building)
    c = make_client(admin)
    make_link(admin, p1["id"], c["id"])
    make_link(admin, p2["id"], c["id"])
    dep = make_link(admin, p2["id"], role="resident", owner_client_id=c["id"])
    assert_status(admin.delete(f"{P}/{p1['id']}/clients/{c['id']}"), 204)
    assert link_of(admin, p2["id"], dep["client_id"])["owner_client_id"] == c["id"]


# ------------------------------------------------------------------------- readiness (L-6)


def test_readiness_of_owners_and_premise(admin, building):
    p = make_premise(admin, building["id"])  # no area
    body = links(admin, p["id"])
    assert body["readiness"]["premise_missing"] == ["total_area"]
    assert body["readiness"]["owners_incomplete"] == 0
    complete = make_link(admin, p["id"], ddu_number="ДДУ-1", ddu_date="2021-03-15", ownership_share="1/2")
    assert complete["missing"] == []
    no_share = make_link(admin, p["id"], ddu_number="ДДУ-2", ddu_date="2021-03-15")
    assert no_share["missing"] == ["ownership_share"]
    no_date = make_link(admin, p["id"], ddu_number="ДДУ-3", ownership_share="1/4")
    assert no_date["missing"] == ["ddu_date"]
    uo = make_link(admin, p["id"], role="unconfirmed_owner")
    assert set(uo["missing"]) == OWNER_DATA
    resident = make_link(admin, p["id"], role="resident", owner_client_id=complete["client_id"])
    assert resident["missing"] == []
    body = links(admin, p["id"])
    assert body["readiness"]["owners_incomplete"] == 3
    by_id = {i["client_id"]: i for i in body["items"]}
    assert by_id[no_share["client_id"]]["missing"] == ["ownership_share"]
    assert by_id[resident["client_id"]]["missing"] == []
    # completing an owner and giving the premise an area clears the marks
    assert_status(admin.patch(f"{P}/{p['id']}/clients/{no_share['client_id']}", json={"ownership_share": "1/4"}), 200)
    assert_status(admin.patch(f"{P}/{p['id']}", json={"total_area": 61.2}), 200)
    body = links(admin, p["id"])
    assert body["readiness"]["owners_incomplete"] == 2
    assert not body["readiness"].get("premise_missing"), body["readiness"]


# ------------------------------------------------------------------------- from the client card (L-5)


def test_link_from_the_client_side(admin, building):
    p1, p2 = flat(admin, building), flat(admin, building)
    c = make_client(admin)
    r = admin.post(f"{C}/{c['id']}/premises", json={"premise_id": p1["id"], "ownership_share": "1/1",
                                                     "ddu_number": "ДДУ-9"})
    link = validate(assert_status(r, 201), "Link")
    assert link["client_id"] == c["id"] and link["role"] == "owner" and link["ownership_share"] == "1/1"
    assert link["premise"] == {"id": p1["id"], "address": p1["address"], "type": "flat", "object_id": building["id"]}
    owner2 = make_link(admin, p2["id"])
    r = admin.post(f"{C}/{c['id']}/premises", json={"premise_id": p2["id"], "role": "tenant",
                                                     "owner_client_id": owner2["client_id"]})
    tenant = validate(assert_status(r, 201), "Link")
    assert tenant["role"] == "tenant" and tenant["owner"]["id"] == owner2["client_id"]
    body = validate(assert_status(admin.get(f"{C}/{c['id']}/premises"), 200), "ClientLinkList")
    assert body["total"] == 2
    assert {i["premise"]["id"]: i["role"] for i in body["items"]} == {p1["id"]: "owner", p2["id"]: "tenant"}
    assert link_of(admin, p1["id"], c["id"]) == link
    # the same rules as from the premise side
    before = assert_status(admin.get(f"{C}/{c['id']}/premises"), 200)
    assert_error(admin.post(f"{C}/{c['id']}/premises", json={"premise_id": p1["id"]}), 409, "conflict")
    p3 = flat(admin, building)
    for body, field in (({"premise_id": p3["id"], "role": "resident"}, "owner_client_id"),
                        ({"premise_id": p3["id"], "ownership_share": "5/4"}, "ownership_share"),
                        ({"premise_id": 987654321}, "premise_id"), ({}, "premise_id"),
                        ({"premise_id": p3["id"], "client_id": c["id"]}, "client_id")):
        assert_error(admin.post(f"{C}/{c['id']}/premises", json=body), 422, "validation_failed", field=field)
    assert assert_status(admin.get(f"{C}/{c['id']}/premises"), 200) == before
    assert links(admin, p3["id"])["total"] == 0
    assert_error(admin.post(f"{C}/987654321/premises", json={"premise_id": p3["id"]}), 404, "not_found")


def test_client_card_shows_its_premises(admin, building):
    p = flat(admin, building)
    c = make_client(admin)
    make_link(admin, p["id"], c["id"])
    card = validate(assert_status(admin.get(f"{C}/{c['id']}"), 200), "Client")
    assert [(x["id"], x["role"]) for x in card["premises"]] == [(p["id"], "owner")]
    assert card["premises"][0]["address"] == p["address"]


# ------------------------------------------------------------------------- change history


def history_link_changes(api, premise_id, client_id) -> list[dict]:
    body = validate(assert_status(api.get(f"{P}/{premise_id}/history", params={"limit": 500}), 200), "HistoryList")
    key = f"link:{client_id}"
    return [e for e in body["items"] if key in e["changes"]]


def test_history_records_link_changes(env, operator, building):
    p = flat(operator, building)
    c = make_client(operator)
    link = make_link(operator, p["id"], c["id"], ddu_number="ДДУ-7")
    entries = history_link_changes(operator, p["id"], c["id"])
    assert len(entries) == 1, entries
    change = entries[0]["changes"][f"link:{c['id']}"]
    assert change["old"] is None and change["new"], change
    assert entries[0]["actor"] == operator.user["full_name"]
    assert_status(operator.patch(f"{P}/{p['id']}/clients/{c['id']}", json={"ddu_number": "ДДУ-8"}), 200)
    entries = history_link_changes(operator, p["id"], c["id"])
    assert len(entries) == 2, entries
    newest = entries[0]["changes"][f"link:{c['id']}"]
    assert newest["old"] and newest["new"] and newest["old"] != newest["new"], newest
    assert "ДДУ-8" in str(newest["new"]) and "ДДУ-7" in str(newest["old"]), newest
    # a refused change is not recorded
    assert_error(operator.patch(f"{P}/{p['id']}/clients/{c['id']}", json={"role": "tenant"}), 422)
    assert len(history_link_changes(operator, p["id"], c["id"])) == 2
    assert_status(operator.delete(f"{P}/{p['id']}/clients/{c['id']}"), 204)
    entries = history_link_changes(operator, p["id"], c["id"])
    assert len(entries) == 3, entries
    gone = entries[0]["changes"][f"link:{c['id']}"]
    assert gone["old"] and gone["new"] is None, gone
    assert link["client_id"] == c["id"]


def test_history_records_removed_dependants(admin, family):
    p, owner = family["premise"], family["owner"]
    assert_status(admin.delete(f"{P}/{p['id']}/clients/{owner['client_id']}", params={"dependants": "remove"}), 204)
    for k in ("owner", "son", "tenant"):
        entries = history_link_changes(admin, p["id"], family[k]["client_id"])
        assert entries and entries[0]["changes"][f"link:{family[k]['client_id']}"]["new"] is None, (k, entries)


# ------------------------------------------------------------------------- the owner stays an owner


def test_removing_an_unconfirmed_owner_with_dependants_asks_too(admin, building):
    p = flat(admin, building)
    uo = make_link(admin, p["id"], role="unconfirmed_owner")
    dep = make_link(admin, p["id"], role="tenant", owner_client_id=uo["client_id"])
    before = links(admin, p["id"])
    err = assert_error(admin.delete(f"{P}/{p['id']}/clients/{uo['client_id']}"), 409, "has_dependants")
    assert [d["client_id"] for d in err["details"]["dependants"]] == [dep["client_id"]]
    assert links(admin, p["id"]) == before


@pytest.mark.parametrize("role", ["resident", "representative", "tenant"])
def test_an_owner_with_dependants_cannot_become_a_dependant(admin, building, role):
    """Dependants must depend on an owner or unconfirmed owner of the premise: turning their owner
    into a dependant would leave them depending on a non-owner, so it is refused (409 or 422)
    and nothing changes."""
    p = flat(admin, building)
    owner = make_link(admin, p["id"])
    other = make_link(admin, p["id"])
    make_link(admin, p["id"], role="resident", owner_client_id=owner["client_id"])
    before = links(admin, p["id"])
    r = admin.patch(f"{P}/{p['id']}/clients/{owner['client_id']}",
                    json={"role": role, "owner_client_id": other["client_id"]})
    assert r.status_code in (409, 422), f"expected 409 or 422: {r.status_code} {r.text[:400]}"
    assert_error(r, r.status_code)
    assert links(admin, p["id"]) == before


def test_deleting_a_client_who_owns_with_dependants(admin, building):
    """An owner's dependants are never left depending on a client who is gone: deleting the
    owning client is refused (409 has_dependants, listing them) and nothing changes; once the
    dependant is removed, the client is deleted with their links."""
    p = flat(admin, building)
    owner = make_link(admin, p["id"])
    dep = make_link(admin, p["id"], role="tenant", owner_client_id=owner["client_id"])
    before = links(admin, p["id"])
    r = admin.delete(f"{C}/{owner['client_id']}")
    body = assert_error(r, 409, "has_dependants")
    assert [d["client_id"] for d in body["details"]["dependants"]] == [dep["client_id"]]
    assert body["details"]["dependants"][0]["premise_id"] == p["id"]
    assert body["details"]["dependants"][0]["role"] == "tenant"
    assert links(admin, p["id"]) == before
    assert_status(admin.get(f"{C}/{owner['client_id']}"), 200)

    assert_status(admin.delete(f"{P}/{p['id']}/clients/{dep['client_id']}"), 204)
    assert_status(admin.delete(f"{C}/{owner['client_id']}"), 204)
    after = links(admin, p["id"])
    assert owner["client_id"] not in {i["client_id"] for i in after["items"]}


def test_a_client_cannot_depend_on_themselves(admin, building):
    p = flat(admin, building)
    owner = make_link(admin, p["id"])
    dep = make_link(admin, p["id"], role="resident", owner_client_id=owner["client_id"])
    assert_error(admin.patch(f"{P}/{p['id']}/clients/{dep['client_id']}", json={"owner_client_id": dep["client_id"]}),
                 422, "validation_failed", field="owner_client_id")
    uo = make_link(admin, p["id"], role="unconfirmed_owner")
    assert_error(admin.patch(f"{P}/{p['id']}/clients/{uo['client_id']}", json={"owner_client_id": uo["client_id"]}),
                 422, "validation_failed", field="owner_client_id")
    assert link_of(admin, p["id"], dep["client_id"]) == dep


def test_becoming_an_owner_with_a_share_over_the_whole_is_422(admin, building):
    p = flat(admin, building)
    owner = make_link(admin, p["id"], ownership_share="3/4")
    tenant = make_link(admin, p["id"], role="tenant", owner_client_id=owner["client_id"])
    path = f"{P}/{p['id']}/clients/{tenant['client_id']}"
    assert_error(admin.patch(path, json={"role": "owner", "owner_client_id": None, "ownership_share": "1/2"}),
                 422, "validation_failed", field="ownership_share")
    assert link_of(admin, p["id"], tenant["client_id"]) == tenant
    became = assert_status(admin.patch(path, json={"role": "owner", "owner_client_id": None,
                                                   "ownership_share": "25%"}), 200)
    assert became["role"] == "owner" and became["ownership_share"] == "25%"


def test_links_of_a_deleted_premise_are_404(admin, building):
    p = flat(admin, building)
    link = make_link(admin, p["id"])
    assert_status(admin.delete(f"{P}/{p['id']}"), 200)
    assert_error(admin.get(f"{P}/{p['id']}/clients"), 404, "not_found")
    assert_error(admin.post(f"{P}/{p['id']}/clients", json={"client_id": link["client_id"]}), 404, "not_found")
    assert_error(admin.patch(f"{P}/{p['id']}/clients/{link['client_id']}", json={"comment": "x"}), 404, "not_found")
    assert_error(admin.post(f"{C}/{link['client_id']}/premises", json={"premise_id": p["id"]}),
                 422, "validation_failed", field="premise_id")


# ------------------------------------------------------------------------- edges


def test_text_limits_count_characters_not_bytes(admin, building):
    p = flat(admin, building)
    link = make_link(admin, p["id"], ddu_number="Д" * 100, acceptance_act_number="А" * 100,
                     certificate_number="С" * 100, management_contract_number="У" * 100, comment="ё" * 2000)
    assert link["comment"] == "ё" * 2000 and link["ddu_number"] == "Д" * 100


def test_shares_with_large_denominators_are_exact(admin, building):
    """Exact sums of fractions whose common denominator is beyond 64 bits: never a 500, and the
    whole is still the limit."""
    p = flat(admin, building)
    primes = [999983, 999979, 999961, 999959, 999953]  # their product is far beyond 64 bits
    for q in primes:
        make_link(admin, p["id"], ownership_share=f"1/{q}")
    c = make_client(admin)
    # 5 × ~1e-6 + 999990/1000000 < 1
    make_link(admin, p["id"], c["id"], ownership_share="999990/1000000")
    c2 = make_client(admin)
    assert_error(admin.post(f"{P}/{p['id']}/clients", json={"client_id": c2["id"], "ownership_share": "1/100000"}),
                 422, "validation_failed", field="ownership_share")
    assert links(admin, p["id"])["total"] == 6


@pytest.mark.parametrize("share", ["1/99999999999999999999", "99999999999999999999/99999999999999999999",
                                   "33.3333333333333333333333%", "1" * 40 + "%"])
def test_extreme_shares_never_500(admin, building, share):
    p = flat(admin, building)
    c = make_client(admin)
    r = admin.post(f"{P}/{p['id']}/clients", json={"client_id": c["id"], "ownership_share": share})
    assert r.status_code in (201, 422), f"{r.status_code} {r.text[:300]}"
    if r.status_code == 422:
        assert_error(r, 422, "validation_failed", field="ownership_share")
        assert links(admin, p["id"])["total"] == 0


# ------------------------------------------------------------------------- concurrent writes


def parallel(env, n, fn):
    from concurrent.futures import ThreadPoolExecutor
    apis = [env.token_client("a") for _ in range(n)]
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda i: fn(apis[i], i), range(n)))


def test_concurrent_shares_never_exceed_the_whole(env, admin, building):
    """Eight owners with a half each, at once: exactly two fit; the others answer 422
    ownership_share, never a 500, and the premise's shares stay within the whole."""
    for attempt in range(3):
        p = flat(admin, building)
        cs = [make_client(admin) for _ in range(8)]
        rs = parallel(env, 8, lambda api, i: api.post(f"{P}/{p['id']}/clients",
                                                     json={"client_id": cs[i]["id"], "ownership_share": "1/2"}))
        codes = sorted(r.status_code for r in rs)
        assert codes == [201, 201] + [422] * 6, [(r.status_code, r.text[:200]) for r in rs]
        for r in rs:
            if r.status_code == 422:
                assert_error(r, 422, "validation_failed", field="ownership_share")
        assert links(admin, p["id"])["total"] == 2


def test_concurrent_duplicate_links_one_wins(env, admin, building):
    p = flat(admin, building)
    c = make_client(admin)
    rs = parallel(env, 6, lambda api, i: api.post(f"{P}/{p['id']}/clients", json={"client_id": c["id"]}))
    codes = sorted(r.status_code for r in rs)
    assert codes == [201] + [409] * 5, [(r.status_code, r.text[:200]) for r in rs]
    for r in rs:
        if r.status_code == 409:
            assert_error(r, 409, "conflict", field="client_id")
    assert links(admin, p["id"])["total"] == 1


def test_concurrent_owner_removal_and_new_dependant_never_dangle(env, admin, building):
    """Removing an owner while a dependant on them is being added: either the dependant is
    refused (422 owner_client_id) or the removal is (409 has_dependants); a dependant never
    ends up depending on a client no longer linked to the premise."""
    for _ in range(10):
        p = flat(admin, building)
        owner = make_link(admin, p["id"])
        c = make_client(admin)

        def write(api, i):
            if i == 0:
                return api.delete(f"{P}/{p['id']}/clients/{owner['client_id']}")
            return api.post(f"{P}/{p['id']}/clients",
                            json={"client_id": c["id"], "role": "resident", "owner_client_id": owner["client_id"]})

        rs = parallel(env, 2, write)
        assert all(r.status_code in (201, 204, 409, 422) for r in rs), [(r.status_code, r.text[:200]) for r in rs]
        items = links(admin, p["id"])["items"]
        linked = {i["client_id"] for i in items}
        dangling = [i for i in items if i["owner_client_id"] is not None and i["owner_client_id"] not in linked]
        assert not dangling, f"answers {[r.status_code for r in rs]}; links depending on a removed owner: {dangling}"
