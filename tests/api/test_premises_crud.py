"""Premises (docs/premises.md, SPEC R-1, R-5 … R-8, P-5): create each of the ten types with
its address fields, the derived address, fields a type does not have, PATCH (type changes are
re-validated), tags, the change history, dependents and delete, and deletes of objects /
entrances / floors that premises still use."""

import time

import pytest

from apikit import (PREMISE_TYPES, assert_error, assert_status, make_entrance, make_floor,
                    make_object, make_premise, make_tag, seq, validate)

P = "/api/v1/premises"

# type → (address fields of a valid premise, the premise part of the address (docs table))
TYPES = {
    "flat": ({"number": "5"}, "кв. 5"),
    "apartments": ({"number": "5"}, "апарт. 5"),
    "non_residential": ({"number": "1Н"}, "пом. 1Н"),
    "room": ({"number": "5", "room": "2"}, "кв. 5, комн. 2"),
    "parking": ({"number": "12", "level": "-1"}, "м/м 12, уровень -1"),
    "storage": ({"number": "3", "level": "-1"}, "кл. 3, уровень -1"),
    "house": ({"street": "ул. Берёзовая", "house": "7"}, None),
    "townhouse": ({"street": "ул. Берёзовая", "house": "7", "number": "2"}, "секц. 2"),
    "duplex": ({"street": "ул. Берёзовая", "house": "9", "number": "1"}, "секц. 1"),
    "land_plot": ({"number": "15", "street": "ул. Берёзовая"}, "уч. 15"),
}
OWN_ADDRESS = {"house", "townhouse", "duplex", "land_plot"}  # street + house of their own
# the address fields each type must not have ("—" in the docs table)
FORBIDDEN = {
    "flat": ("street", "house", "level", "room"),
    "apartments": ("street", "house", "level", "room"),
    "non_residential": ("street", "house", "level", "room"),
    "room": ("street", "house", "level"),
    "parking": ("street", "house", "room"),
    "storage": ("street", "house", "room"),
    "house": ("level", "room"),
    "townhouse": ("level", "room"),
    "duplex": ("level", "room"),
    "land_plot": ("level", "room"),
}
REQUIRED = {
    "flat": ("number",), "apartments": ("number",), "non_residential": ("number",),
    "room": ("number", "room"), "parking": ("number",), "storage": ("number",),
    "house": ("street", "house"), "townhouse": ("street", "house"), "duplex": ("street", "house"),
    "land_plot": ("number",),
}
SAMPLE = {"street": "ул. Садовая", "house": "3", "level": "-1", "room": "1", "number": "8"}


def test_tables_cover_every_type():
    assert set(TYPES) == set(FORBIDDEN) == set(REQUIRED) == set(PREMISE_TYPES)


@pytest.fixture(scope="module")
def building(admin):
    """An apartment building: Москва, ул. Ленина, д. 10."""
    return make_object(admin, name="ЖК «Ленинский»", city="Москва", street="ул. Ленина", house="10")


@pytest.fixture(scope="module")
def village(admin):
    """A settlement object whose houses and plots have their own streets."""
    return make_object(admin, name="Посёлок «Берёзки»", city="пос. Берёзки", street="ул. Центральная",
                       house="1")


def host(t, building, village):
    return village if t in OWN_ADDRESS else building


# ------------------------------------------------------------------------- create / read


@pytest.mark.parametrize("ptype", PREMISE_TYPES)
def test_create_each_type(admin, building, village, ptype):
    fields, part = TYPES[ptype]
    o = host(ptype, building, village)
    p = make_premise(admin, o["id"], type=ptype, **fields)
    assert p["type"] == ptype and p["object_id"] == o["id"]
    assert p["object_name"] == o["name"]
    assert p["clients_count"] == 0 and p["tags"] == [] and p["online_payment"] is False
    for f in ("number", "street", "house", "level", "room"):
        assert p[f] == fields.get(f), f"{f}: sent {fields.get(f)!r}, answered {p[f]!r}"
    for f in ("entrance_id", "floor_id", "total_area", "living_area", "rooms", "note", "external_id"):
        assert p[f] is None, f"{f} should default to null: {p}"
    addr = p["address"]
    if ptype in OWN_ADDRESS:
        assert "ул. Берёзовая" in addr, addr
        assert "Центральная" not in addr, f"a {ptype} has its own street: {addr}"
        if "house" in fields:
            assert f"д. {fields['house']}" in addr, addr
    else:
        assert "ул. Ленина" in addr and "д. 10" in addr, addr
    if part:
        assert part in addr, f"{ptype}: {part!r} not in {addr!r}"
    got = validate(assert_status(admin.get(f"{P}/{p['id']}"), 200), "Premise")
    assert got == p


# the address examples of the docs table, under the object's city
@pytest.mark.parametrize("ptype,fields,expected", [
    ("flat", {"number": "5"}, "Москва, ул. Ленина, д. 10, кв. 5"),
    ("apartments", {"number": "5"}, "Москва, ул. Ленина, д. 10, апарт. 5"),
    ("non_residential", {"number": "1Н"}, "Москва, ул. Ленина, д. 10, пом. 1Н"),
    ("room", {"number": "5", "room": "2"}, "Москва, ул. Ленина, д. 10, кв. 5, комн. 2"),
    ("parking", {"number": "12", "level": "-1"}, "Москва, ул. Ленина, д. 10, м/м 12, уровень -1"),
    ("parking", {"number": "13"}, "Москва, ул. Ленина, д. 10, м/м 13"),
    ("storage", {"number": "3", "level": "-1"}, "Москва, ул. Ленина, д. 10, кл. 3, уровень -1"),
    ("house", {"street": "ул. Берёзовая", "house": "7"}, "пос. Берёзки, ул. Берёзовая, д. 7"),
    ("townhouse", {"street": "ул. Берёзовая", "house": "7", "number": "2"},
     "пос. Берёзки, ул. Берёзовая, д. 7, секц. 2"),
    ("duplex", {"street": "ул. Берёзовая", "house": "9", "number": "1"},
     "пос. Берёзки, ул. Берёзовая, д. 9, секц. 1"),
    ("land_plot", {"number": "15", "street": "ул. Берёзовая"}, "пос. Берёзки, ул. Берёзовая, уч. 15"),
])
def test_address_format_of_the_docs(admin, ptype, fields, expected):
    if ptype in OWN_ADDRESS:
        o = make_object(admin, city="пос. Берёзки", street="ул. Центральная", house="1")
    else:
        o = make_object(admin, city="Москва", street="ул. Ленина", house="10")
    p = make_premise(admin, o["id"], type=ptype, **fields)
    assert p["address"] == expected


def test_address_without_city(admin):
    o = make_object(admin, city=None, street="ул. Гагарина", house="4")
    p = make_premise(admin, o["id"], number="17")
    assert p["address"] == "ул. Гагарина, д. 4, кв. 17"


def test_land_plot_without_own_street_and_house_without_number(admin, village):
    p = make_premise(admin, village["id"], type="land_plot", number="16")
    assert "уч. 16" in p["address"] and p["street"] is None
    p = make_premise(admin, village["id"], type="house", street="ул. Лесная", house="2", number=None)
    assert p["number"] is None and "ул. Лесная, д. 2" in p["address"]


def test_address_follows_the_object(admin):
    o = make_object(admin, city="Москва", street="ул. Тверская", house="3")
    p = make_premise(admin, o["id"], number="21")
    assert_status(admin.patch(f"/api/v1/objects/{o['id']}", json={"street": "ул. Новая", "house": "3А"}), 200)
    got = assert_status(admin.get(f"{P}/{p['id']}"), 200)
    assert got["address"] == "Москва, ул. Новая, д. 3А, кв. 21"


def test_text_is_trimmed_and_blank_optional_is_null(admin, building):
    r = admin.post(P, json={"object_id": building["id"], "type": "parking", "number": " 77 ",
                            "level": "  ", "note": "   ", "external_id": ""})
    p = validate(assert_status(r, 201), "Premise")
    assert p["number"] == "77" and p["level"] is None and p["note"] is None and p["external_id"] is None
    # a required one sent blank is missing
    assert_error(admin.post(P, json={"object_id": building["id"], "type": "flat", "number": "  "}),
                 422, "validation_failed", field="number")


def test_all_optional_fields(admin, building):
    e = make_entrance(admin, building["id"], number=1)
    f = make_floor(admin, building["id"], number=3, entrance_id=e["id"])
    p = make_premise(admin, building["id"], number="31", entrance_id=e["id"], floor_id=f["id"],
                     total_area=54.35, living_area=30.1, rooms=2, online_payment=True,
                     note="Собака во дворе, звонить заранее", external_id=f"1С-{seq()}",
                     tags=[f"Угловая {seq()}"])
    assert (p["entrance_id"], p["floor_id"], p["total_area"], p["living_area"], p["rooms"]) == \
        (e["id"], f["id"], 54.35, 30.1, 2)
    assert p["online_payment"] is True
    assert p["created_at"] <= p["updated_at"]


# ------------------------------------------------------------------------- type rules


@pytest.mark.parametrize("ptype,field", [(t, f) for t in PREMISE_TYPES for f in FORBIDDEN[t]])
def test_field_the_type_does_not_have(admin, building, village, ptype, field):
    fields, _ = TYPES[ptype]
    body = {"object_id": host(ptype, building, village)["id"], "type": ptype, **fields,
            field: SAMPLE[field]}
    assert_error(admin.post(P, json=body), 422, "validation_failed", field=field)


@pytest.mark.parametrize("ptype,field", [(t, f) for t in PREMISE_TYPES for f in REQUIRED[t]])
def test_missing_required_address_field(admin, building, village, ptype, field):
    fields, _ = TYPES[ptype]
    body = {"object_id": host(ptype, building, village)["id"], "type": ptype, **fields}
    body.pop(field, None)
    assert_error(admin.post(P, json=body), 422, "validation_failed", field=field)
    body[field] = None
    assert_error(admin.post(P, json=body), 422, "validation_failed", field=field)


@pytest.mark.parametrize("field", ["object_id", "type"])
def test_missing_object_or_type(admin, building, field):
    body = {"object_id": building["id"], "type": "flat", "number": "1"}
    del body[field]
    assert_error(admin.post(P, json=body), 422, "validation_failed", field=field)


def test_patch_field_the_type_does_not_have(admin, building):
    p = make_premise(admin, building["id"], number="40")
    for field in ("level", "room", "street", "house"):
        assert_error(admin.patch(f"{P}/{p['id']}", json={field: SAMPLE[field]}), 422, "validation_failed",
                     field=field)
    assert_error(admin.patch(f"{P}/{p['id']}", json={"number": None}), 422, "validation_failed",
                 field="number")
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200) == p


def assert_dropped_or_refused(r, field, expect_ok):
    """A PATCH that changes only `type` while the record holds `field`, which the new type does
    not have: docs/premises.md answers 422 for a field *sent* for a type that lacks it and says
    nothing of stored ones, so the server may refuse (422 naming the field) or drop the value;
    it must never keep it."""
    if r.status_code == 200:
        got = validate(r.json(), "Premise")
        assert got[field] is None, f"the new type keeps {field}: {got}"
        expect_ok(got)
        return got
    assert_error(r, 422, "validation_failed", field=field)
    return None


def test_patch_changing_type_revalidates(admin, building, village):
    p = make_premise(admin, building["id"], type="parking", number="41", level="-1")
    # parking → flat with the level sent: a flat has no level
    assert_error(admin.patch(f"{P}/{p['id']}", json={"type": "flat", "level": "-1"}), 422,
                 "validation_failed", field="level")
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200) == p

    def is_flat(got):
        assert got["type"] == "flat" and got["number"] == "41"
        assert "кв. 41" in got["address"] and "м/м" not in got["address"] and "уровень" not in got["address"]

    got = assert_dropped_or_refused(admin.patch(f"{P}/{p['id']}", json={"type": "flat"}), "level", is_flat)
    if got is None:
        got = assert_status(admin.patch(f"{P}/{p['id']}", json={"type": "flat", "level": None}), 200)
        is_flat(got)
    # flat → room needs the room number
    assert_error(admin.patch(f"{P}/{p['id']}", json={"type": "room"}), 422, "validation_failed", field="room")
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200)["type"] == "flat"
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"type": "room", "room": "2"}), 200)
    assert got["type"] == "room" and "кв. 41, комн. 2" in got["address"]
    # room → storage: a storage room has no room number
    assert_error(admin.patch(f"{P}/{p['id']}", json={"type": "storage", "room": "2"}), 422,
                 "validation_failed", field="room")

    def is_storage(got):
        assert got["type"] == "storage" and "кл. 41" in got["address"] and "комн." not in got["address"]

    if assert_dropped_or_refused(admin.patch(f"{P}/{p['id']}", json={"type": "storage"}), "room",
                                 is_storage) is None:
        is_storage(assert_status(admin.patch(f"{P}/{p['id']}", json={"type": "storage", "room": None}), 200))
    # flat → house needs its own street and house
    q = make_premise(admin, village["id"], number="42")
    body = assert_error(admin.patch(f"{P}/{q['id']}", json={"type": "house"}), 422, "validation_failed")
    assert {"street", "house"} <= set(body.get("fields", {})), body
    assert_error(admin.patch(f"{P}/{q['id']}", json={"type": "house", "street": "ул. Берёзовая"}), 422,
                 "validation_failed", field="house")
    got = assert_status(admin.patch(f"{P}/{q['id']}", json={"type": "house", "street": "ул. Берёзовая",
                                                            "house": "11", "number": None}), 200)
    assert got["type"] == "house" and "ул. Берёзовая, д. 11" in got["address"]
    # house → flat with its own street sent: a flat has none
    assert_error(admin.patch(f"{P}/{q['id']}", json={"type": "flat", "number": "42", "street": "ул. Берёзовая"}),
                 422, "validation_failed", field="street")
    # house → flat without a number: a flat needs one
    assert_error(admin.patch(f"{P}/{q['id']}", json={"type": "flat", "street": None, "house": None}), 422,
                 "validation_failed", field="number")
    got = assert_status(admin.patch(f"{P}/{q['id']}", json={"type": "flat", "number": "42", "street": None,
                                                            "house": None}), 200)
    assert got["address"] == "пос. Берёзки, ул. Центральная, д. 1, кв. 42"


def test_patch_changes_only_what_is_sent(admin, building):
    p = make_premise(admin, building["id"], number="43", total_area=40.5, rooms=1, note="Окна во двор")
    got = validate(assert_status(admin.patch(f"{P}/{p['id']}", json={"rooms": 2}), 200), "Premise")
    assert got["rooms"] == 2 and got["total_area"] == 40.5 and got["note"] == "Окна во двор"
    assert got["created_at"] == p["created_at"]
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"note": None, "total_area": None}), 200)
    assert got["note"] is None and got["total_area"] is None and got["rooms"] == 2
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"number": "43А"}), 200)
    assert got["number"] == "43А" and got["address"].endswith("кв. 43А")
    assert assert_status(admin.patch(f"{P}/{p['id']}", json={}), 200) == \
        assert_status(admin.get(f"{P}/{p['id']}"), 200)


def test_updated_at_moves_on_a_change(admin, building):
    p = make_premise(admin, building["id"], number="45")
    time.sleep(1.05)  # timestamps have second precision
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"tags": [f"Новый {seq()}"]}), 200)
    assert got["created_at"] == p["created_at"] and got["updated_at"] > p["updated_at"]


def test_patch_entrance_and_floor(admin, building):
    e1 = make_entrance(admin, building["id"], number=2)
    e2 = make_entrance(admin, building["id"], number=3)
    f1 = make_floor(admin, building["id"], number=5, entrance_id=e1["id"])
    f2 = make_floor(admin, building["id"], number=5, entrance_id=e2["id"])
    p = make_premise(admin, building["id"], number="44", entrance_id=e1["id"], floor_id=f1["id"])
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"entrance_id": e2["id"], "floor_id": f2["id"]}),
                        200)
    assert (got["entrance_id"], got["floor_id"]) == (e2["id"], f2["id"])
    # the floor of the other entrance
    assert_error(admin.patch(f"{P}/{p['id']}", json={"floor_id": f1["id"]}), 422, "validation_failed",
                 field="floor_id")
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"entrance_id": None, "floor_id": None}), 200)
    assert got["entrance_id"] is None and got["floor_id"] is None


# ------------------------------------------------------------------------- tags


def test_new_tag_names_are_created(admin, building):
    n = seq()
    names = [f"Угловая {n}", f"Ёлочный вид {n}"]
    p = make_premise(admin, building["id"], number="50", tags=names)
    assert sorted(p["tags"]) == sorted(names)
    for name in names:
        body = validate(assert_status(admin.get("/api/v1/tags", params={"q": name}), 200), "TagList")
        assert [t["name"] for t in body["items"]] == [name] and body["total"] == 1
    # an existing name is reused, not duplicated
    q = make_premise(admin, building["id"], number="51", tags=[names[0]])
    assert q["tags"] == [names[0]]
    body = assert_status(admin.get("/api/v1/tags", params={"q": names[0]}), 200)
    assert body["total"] == 1


def test_tag_search_is_a_case_insensitive_prefix(admin):
    n = seq()
    t1 = make_tag(admin, name=f"Юбилейный {n}")
    t2 = make_tag(admin, name=f"Юбилейная {n}")
    make_tag(admin, name=f"Не юбилейный {n}")

    def names(q):
        body = validate(assert_status(admin.get("/api/v1/tags", params={"q": q, "limit": 500}), 200), "TagList")
        assert body["total"] == len(body["items"])
        return {t["name"] for t in body["items"]}

    assert names("юбилейн") >= {t1["name"], t2["name"]}
    assert names("ЮБИЛЕЙНЫЙ") >= {t1["name"]}
    assert t2["name"] not in names("ЮБИЛЕЙНЫЙ")
    assert names(f"юБиЛеЙнАя {n}") == {t2["name"]}
    assert f"Не юбилейный {n}" not in names("юбилейн"), "q is a prefix, not a substring"
    assert names(f"билейный {n}") == set(), "q is a prefix, not a substring"
    t3 = make_tag(admin, name=f"Ёлка {n}")
    assert t3["name"] in names("ёлка") and t3["name"] in names("ЁЛКА")


def test_tag_list_paging(admin):
    prefix = f"Страница{seq()} "
    ids = [make_tag(admin, name=f"{prefix}{i}")["id"] for i in range(5)]
    seen = []
    for offset in (0, 2, 4):
        body = assert_status(admin.get("/api/v1/tags", params={"q": prefix, "limit": 2, "offset": offset}), 200)
        assert body["total"] == 5
        seen += [t["id"] for t in body["items"]]
    assert sorted(seen) == sorted(ids)


def test_create_tag_and_duplicate(admin):
    name = f"Видовая {seq()}"
    t = make_tag(admin, name=name)
    assert t["name"] == name
    assert_error(admin.post("/api/v1/tags", json={"name": name}), 409, "conflict", field="name")
    p = make_premise(admin, tags=[name])
    assert p["tags"] == [name]
    body = assert_status(admin.get("/api/v1/tags", params={"q": name}), 200)
    assert [i["id"] for i in body["items"]] == [t["id"]]


@pytest.mark.parametrize("body,field", [({}, "name"), ({"name": ""}, "name"), ({"name": "   "}, "name"),
                                        ({"name": 5}, "name"), ({"name": None}, "name"),
                                        ({"name": "Тег", "colour": "red"}, "colour")])
def test_bad_tag(admin, body, field):
    assert_error(admin.post("/api/v1/tags", json=body), 422, "validation_failed", field=field)


def test_patch_replaces_tags(admin, building):
    n = seq()
    p = make_premise(admin, building["id"], number="52", tags=[f"А {n}", f"Б {n}"])
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"tags": [f"Б {n}", f"В {n}"]}), 200)
    assert sorted(got["tags"]) == sorted([f"Б {n}", f"В {n}"])
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"note": "без изменения тегов"}), 200)
    assert sorted(got["tags"]) == sorted([f"Б {n}", f"В {n}"])
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"tags": []}), 200)
    assert got["tags"] == []


# ------------------------------------------------------------------------- delete


def test_dependents_and_delete(admin, building):
    p = make_premise(admin, building["id"], number="60", tags=[f"Удаляемый {seq()}"])
    dep = validate(assert_status(admin.get(f"{P}/{p['id']}/dependents"), 200), "PremiseDependents")
    assert dep == {"accounts": 0, "charges": 0, "payments": 0, "links": 0}
    body = validate(assert_status(admin.delete(f"{P}/{p['id']}"), 200), "PremiseDeleted")
    assert body == {"deleted": {"premises": 1, "accounts": 0, "charges": 0, "payments": 0, "links": 0}}
    assert_error(admin.get(f"{P}/{p['id']}"), 404, "not_found")
    assert_error(admin.get(f"{P}/{p['id']}/dependents"), 404, "not_found")
    assert_error(admin.patch(f"{P}/{p['id']}", json={"note": "x"}), 404, "not_found")
    assert_error(admin.delete(f"{P}/{p['id']}"), 404, "not_found")
    ids = [i["id"] for i in assert_status(admin.get(P, params={"object_id": building["id"], "limit": 500}),
                                          200)["items"]]
    assert p["id"] not in ids


def test_missing_premise_is_404(admin):
    assert_error(admin.get(f"{P}/987654321"), 404, "not_found")
    assert_error(admin.patch(f"{P}/987654321", json={"note": "x"}), 404, "not_found")
    assert_error(admin.delete(f"{P}/987654321"), 404, "not_found")
    assert_error(admin.get(f"{P}/987654321/dependents"), 404, "not_found")


def test_object_entrance_floor_in_use_by_premises(admin):
    o = make_object(admin)
    e = make_entrance(admin, o["id"], number=1)
    f = make_floor(admin, o["id"], number=1, entrance_id=e["id"])
    p = make_premise(admin, o["id"], number="1", entrance_id=e["id"], floor_id=f["id"])
    q = make_premise(admin, o["id"], number="2")
    body = assert_error(admin.delete(f"/api/v1/objects/{o['id']}/floors/{f['id']}"), 409, "in_use")
    assert "помещ" in body["message"].lower(), body
    assert_status(admin.patch(f"{P}/{p['id']}", json={"floor_id": None}), 200)
    assert_status(admin.delete(f"/api/v1/objects/{o['id']}/floors/{f['id']}"), 204)
    body = assert_error(admin.delete(f"/api/v1/objects/{o['id']}/entrances/{e['id']}"), 409, "in_use")
    assert "помещ" in body["message"].lower(), body
    assert_status(admin.delete(f"{P}/{p['id']}"), 200)
    assert_status(admin.delete(f"/api/v1/objects/{o['id']}/entrances/{e['id']}"), 204)
    body = assert_error(admin.delete(f"/api/v1/objects/{o['id']}"), 409, "in_use")
    assert "помещ" in body["message"].lower(), body
    assert isinstance(body.get("details"), dict) and 1 in body["details"].values(), body
    assert_status(admin.get(f"{P}/{q['id']}"), 200)
    assert_status(admin.delete(f"{P}/{q['id']}"), 200)
    assert_status(admin.delete(f"/api/v1/objects/{o['id']}"), 204)


def test_list_shape(admin, building):
    body = validate(assert_status(admin.get(P, params={"object_id": building["id"], "limit": 500}), 200),
                    "PremiseList")
    assert body["total"] == len(body["items"]) > 0
    for item in body["items"]:
        assert item["object_id"] == building["id"] and item["object_name"] == building["name"]
        assert item == assert_status(admin.get(f"{P}/{item['id']}"), 200)


def test_list_default_limit_and_natural_number_order(admin):
    o = make_object(admin, city="Москва", street="ул. Длинная", house="1")
    for n in range(55, 0, -1):
        assert_status(admin.post(P, json={"object_id": o["id"], "type": "flat", "number": str(n)}), 201)
    body = assert_status(admin.get(P, params={"object_id": o["id"]}), 200)
    assert len(body["items"]) == 50 and body["total"] == 55, "default limit is 50"
    assert [i["number"] for i in body["items"]] == [str(n) for n in range(1, 51)], "9 before 10"
    body = assert_status(admin.get(P, params={"object_id": o["id"], "offset": 50}), 200)
    assert [i["number"] for i in body["items"]] == [str(n) for n in range(51, 56)] and body["total"] == 55


# ------------------------------------------------------------------------- change history


def test_history_of_create_and_changes(env, integration, building):
    operator = env.client("a", "operator")
    n = seq()
    p = make_premise(integration, building["id"], number=f"9{n}", total_area=54.35, tags=[f"Было {n}"])
    assert_status(operator.patch(f"{P}/{p['id']}", json={"number": f"8{n}", "total_area": None,
                                                         "tags": [f"Стало {n}"], "note": "Окна во двор"}), 200)
    assert_status(operator.patch(f"{P}/{p['id']}", json={"rooms": 3}), 200)
    body = validate(assert_status(operator.get(f"{P}/{p['id']}/history"), 200), "HistoryList")
    assert body["total"] == 3 and len(body["items"]) == 3
    rooms, change, created = body["items"]  # newest first
    assert [e["action"] for e in body["items"]] == ["updated", "updated", "created"]
    assert rooms["changes"]["rooms"] == {"old": None, "new": 3}
    assert "type" not in rooms["changes"] and "number" not in rooms["changes"], "only changed fields"
    ch = change["changes"]
    assert ch["number"] == {"old": f"9{n}", "new": f"8{n}"}
    assert ch["total_area"] == {"old": 54.35, "new": None}
    assert ch["note"] == {"old": None, "new": "Окна во двор"}
    assert sorted(ch["tags"]["old"]) == [f"Было {n}"] and sorted(ch["tags"]["new"]) == [f"Стало {n}"]
    assert created["changes"]["number"]["new"] == f"9{n}" and created["changes"]["type"]["new"] == "flat"
    assert all(c["old"] is None for c in created["changes"].values())
    # who: the operator's full name; the API token's name
    assert operator.user["full_name"] in change["actor"] and operator.user["full_name"] in rooms["actor"]
    token_name = assert_status(integration.get("/api/v1/me"), 200)["full_name"]
    assert token_name in created["actor"], created
    assert created["changed_at"] <= change["changed_at"] <= rooms["changed_at"]
    ids = [e["id"] for e in body["items"]]
    # paging
    page = assert_status(operator.get(f"{P}/{p['id']}/history", params={"limit": 1, "offset": 1}), 200)
    assert page["total"] == 3 and [e["id"] for e in page["items"]] == ids[1:2]
    assert_error(operator.get(f"{P}/{p['id']}/history", params={"limit": 0}), 400, "bad_request", field="limit")


def test_history_of_a_missing_premise_is_404(admin):
    assert_error(admin.get(f"{P}/987654321/history"), 404, "not_found")


def test_history_is_kept_after_deletion(admin, operator, building):
    p = make_premise(admin, building["id"], number=f"7{seq()}")
    assert_status(admin.patch(f"{P}/{p['id']}", json={"rooms": 2}), 200)
    before = assert_status(admin.get(f"{P}/{p['id']}/history"), 200)
    assert_status(operator.delete(f"{P}/{p['id']}"), 200)
    body = validate(assert_status(admin.get(f"{P}/{p['id']}/history"), 200), "HistoryList")
    assert body["total"] == before["total"] + 1
    deleted = body["items"][0]
    assert deleted["action"] == "deleted", body["items"]
    assert operator.user["full_name"] in deleted["actor"]
    assert deleted["changes"]["number"]["old"] == p["number"]
    assert [e["id"] for e in body["items"][1:]] == [e["id"] for e in before["items"]]


def test_history_of_a_deleted_premise_is_404_for_another_organisation(admin, admin_b, building):
    p = make_premise(admin, building["id"])
    assert_status(admin.delete(f"{P}/{p['id']}"), 200)
    assert_error(admin_b.get(f"{P}/{p['id']}/history"), 404, "not_found")


def test_a_new_premise_never_shows_a_deleted_premises_history(admin, building):
    """The history of a deleted premise is kept under its id; a premise created afterwards
    must not get that id (and with it the old history)."""
    old = make_premise(admin, building["id"], number=f"8{seq()}")
    assert_status(admin.delete(f"{P}/{old['id']}"), 200)
    new = make_premise(admin, building["id"], number=f"9{seq()}")
    body = assert_status(admin.get(f"{P}/{new['id']}/history"), 200)
    assert [e["action"] for e in body["items"]] == ["created"], \
        f"premise {new['id']} (the deleted premise's id was {old['id']}) shows history {body['items']}"
