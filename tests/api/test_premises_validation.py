"""Premise field validation (docs/premises.md): areas, rooms, online payment, note, external
id; references to objects / entrances / floors of another object or organisation; wrong JSON
types, unknown and read-only fields; bad list parameters."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from apikit import (Api, assert_error, assert_status, make_entrance, make_floor, make_object,
                    make_premise, seq, validate)

P = "/api/v1/premises"


@pytest.fixture(scope="module")
def obj(admin):
    return make_object(admin, city="Москва", street="ул. Профсоюзная", house="12")


@pytest.fixture(scope="module")
def tree_b(admin_b):
    o = make_object(admin_b, street="ул. Ленина", house="10")
    e = make_entrance(admin_b, o["id"], number=1)
    f = make_floor(admin_b, o["id"], number=1, entrance_id=e["id"])
    return {"object": o, "entrance": e, "floor": f}


def flat(obj, **kw):
    body = {"object_id": obj["id"], "type": "flat", "number": str(seq())}
    body.update(kw)
    return body


# ------------------------------------------------------------------------- areas


@pytest.mark.parametrize("area", [54.35, 54.3, 54, 0.01, 100000, 99999.99])
def test_area_values_kept(admin, obj, area):
    p = make_premise(admin, obj["id"], total_area=area, living_area=area)
    assert p["total_area"] == area and p["living_area"] == area
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200)["total_area"] == area


def test_two_decimals_survive_a_round_trip(admin, obj):
    # values that are not exact in binary floating point still come back with two decimals
    for area in (0.1, 0.29, 33.33, 1234.56, 54.35):
        p = make_premise(admin, obj["id"], total_area=area)
        got = assert_status(admin.get(f"{P}/{p['id']}"), 200)["total_area"]
        assert got == area, f"sent {area}, read {got!r}"


@pytest.mark.parametrize("field", ["total_area", "living_area"])
@pytest.mark.parametrize("area", [54.355, 0.001, 0, -1, -0.01, 100000.01, 1000000, 1e300])
def test_bad_area(admin, obj, field, area):
    body = flat(obj, **{field: area})
    if field == "living_area":
        body["total_area"] = 100000
    assert_error(admin.post(P, json=body), 422, "validation_failed", field=field)


@pytest.mark.parametrize("value", ["54.35", True, [54], {"m2": 54}])
def test_area_wrong_type(admin, obj, value):
    assert_error(admin.post(P, json=flat(obj, total_area=value)), 422, "validation_failed", field="total_area")


def test_living_not_more_than_total(admin, obj):
    assert_error(admin.post(P, json=flat(obj, total_area=50, living_area=50.01)), 422, "validation_failed",
                 field="living_area")
    p = make_premise(admin, obj["id"], total_area=50, living_area=50)  # equal is fine
    # only one of them PATCHed
    assert_error(admin.patch(f"{P}/{p['id']}", json={"living_area": 60}), 422, "validation_failed",
                 field="living_area")
    assert_error(admin.patch(f"{P}/{p['id']}", json={"total_area": 40}), 422, "validation_failed",
                 field="living_area")
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200) == p
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"total_area": 40, "living_area": 30}), 200)
    assert (got["total_area"], got["living_area"]) == (40, 30)


@pytest.mark.parametrize("area", [54.355, 0, -3, 100001])
def test_bad_area_on_patch(admin, obj, area):
    p = make_premise(admin, obj["id"], total_area=54.35)
    assert_error(admin.patch(f"{P}/{p['id']}", json={"total_area": area}), 422, "validation_failed",
                 field="total_area")
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200)["total_area"] == 54.35


# ------------------------------------------------------------------------- other fields


def test_rooms_range(admin, obj):
    for n in (0, 1, 50):
        assert make_premise(admin, obj["id"], rooms=n)["rooms"] == n
    for bad in (-1, 51, 1000, 2.5, "3", True):
        assert_error(admin.post(P, json=flat(obj, rooms=bad)), 422, "validation_failed", field="rooms")


def test_online_payment(admin, obj):
    assert make_premise(admin, obj["id"], online_payment=True)["online_payment"] is True
    p = make_premise(admin, obj["id"], online_payment=False)
    assert p["online_payment"] is False
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"online_payment": True}), 200)
    assert got["online_payment"] is True


@pytest.mark.parametrize("bad", ["yes", "true", 1, 0, [True]])
def test_online_payment_is_a_boolean(admin, obj, bad):
    assert_error(admin.post(P, json=flat(obj, online_payment=bad)), 422, "validation_failed",
                 field="online_payment")


def test_online_payment_null(admin, obj):
    """online_payment is a boolean, not nullable: null is refused, or at most means the default
    (the conventions: null clears an optional field)."""
    r = admin.post(P, json=flat(obj, online_payment=None))
    if r.status_code == 201:
        assert r.json()["online_payment"] is False
    else:
        assert_error(r, 422, "validation_failed", field="online_payment")


def test_note_length(admin, obj):
    note = "Ж" * 2000  # characters, not bytes
    assert make_premise(admin, obj["id"], note=note)["note"] == note
    assert_error(admin.post(P, json=flat(obj, note="Ж" * 2001)), 422, "validation_failed", field="note")
    assert_error(admin.post(P, json=flat(obj, note=5)), 422, "validation_failed", field="note")
    multi = "Собака во дворе.\nЗвонить за час."
    assert make_premise(admin, obj["id"], note=multi)["note"] == multi


def test_external_id_unique_in_the_organisation(admin, admin_b, obj, tree_b):
    ext = f"1С-{seq()}"
    p = make_premise(admin, obj["id"], external_id=ext)
    assert_error(admin.post(P, json=flat(obj, external_id=ext)), 409, "conflict", field="external_id")
    q = make_premise(admin, obj["id"])
    assert_error(admin.patch(f"{P}/{q['id']}", json={"external_id": ext}), 409, "conflict",
                 field="external_id")
    # its own value again is not a conflict
    assert_status(admin.patch(f"{P}/{p['id']}", json={"external_id": ext}), 200)
    # another organisation may use it
    r = admin_b.post(P, json={"object_id": tree_b["object"]["id"], "type": "flat", "number": str(seq()),
                              "external_id": ext})
    assert validate(assert_status(r, 201), "Premise")["external_id"] == ext
    # many premises without one
    make_premise(admin, obj["id"], external_id=None)
    make_premise(admin, obj["id"], external_id=None)
    # length
    make_premise(admin, obj["id"], external_id="X" * 99 + str(seq() % 10))
    assert_error(admin.post(P, json=flat(obj, external_id="X" * 101)), 422, "validation_failed",
                 field="external_id")
    # freed by a delete
    assert_status(admin.delete(f"{P}/{p['id']}"), 200)
    make_premise(admin, obj["id"], external_id=ext)


def test_concurrent_writes_of_one_new_tag_and_one_external_id(env, obj):
    """Unknown tag names are created and external ids are unique even when requests race:
    premises naming the same new tag all succeed with one tag; of duplicates of one external
    id or tag name one is created and the rest answer 409 conflict naming the field."""
    tag, ext = f"Гонка {seq()}", f"RACE-{seq()}"
    clients = [Api(env.base_url, bearer=env.a.api_token) for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        tagged = list(pool.map(lambda c: c.post(P, json=flat(obj, tags=[tag])), clients))
        same_ext = list(pool.map(lambda c: c.post(P, json=flat(obj, external_id=ext)), clients))
        same_tag = list(pool.map(lambda c: c.post("/api/v1/tags", json={"name": f"{tag} б"}), clients))
    assert [r.status_code for r in tagged] == [201] * 8, [r.text[:200] for r in tagged if r.status_code != 201]
    assert all(r.json()["tags"] == [tag] for r in tagged)
    tags = assert_status(clients[0].get("/api/v1/tags", params={"q": tag}), 200)
    assert sorted(t["name"] for t in tags["items"]) == [tag, f"{tag} б"]
    for rs, field in ((same_ext, "external_id"), (same_tag, "name")):
        assert sorted(r.status_code for r in rs) == [201] + [409] * 7, [(r.status_code, r.text[:200]) for r in rs]
        for r in rs:
            if r.status_code == 409:
                assert_error(r, 409, "conflict", field=field)


def test_two_parallel_creates_with_one_new_tag_both_succeed(env, obj):
    """Two premises naming the same new tag at the same moment (SPEC: unknown tag names are
    created): both are created and share one tag. Repeated, each round with a new name, so that
    the two inserts of the tag really race (on PostgreSQL a unique violation inside the
    transaction must not surface as an error)."""
    clients = [Api(env.base_url, bearer=env.a.api_token) for _ in range(2)]
    for _ in range(10):
        tag = f"Пара {seq()}"
        barrier = threading.Barrier(2)

        def create(c):
            barrier.wait()
            return c.post(P, json=flat(obj, tags=[tag]))

        with ThreadPoolExecutor(2) as pool:
            rs = list(pool.map(create, clients))
        assert [r.status_code for r in rs] == [201, 201], [(r.status_code, r.text[:300]) for r in rs]
        assert [r.json()["tags"] for r in rs] == [[tag], [tag]]
        found = assert_status(clients[0].get("/api/v1/tags", params={"q": tag}), 200)
        assert [t["name"] for t in found["items"]] == [tag], found


# ------------------------------------------------------------------------- references


def test_object_of_another_organisation_or_missing(admin, obj, tree_b):
    for oid in (tree_b["object"]["id"], 987654321):
        assert_error(admin.post(P, json={"object_id": oid, "type": "flat", "number": "1"}),
                     422, "validation_failed", field="object_id")
    p = make_premise(admin, obj["id"])
    assert_error(admin.patch(f"{P}/{p['id']}", json={"object_id": tree_b["object"]["id"]}),
                 422, "validation_failed", field="object_id")
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200)["object_id"] == obj["id"]


def test_entrance_and_floor_of_another_organisation(admin, obj, tree_b):
    eb, fb = tree_b["entrance"]["id"], tree_b["floor"]["id"]
    assert_error(admin.post(P, json=flat(obj, entrance_id=eb)), 422, "validation_failed", field="entrance_id")
    assert_error(admin.post(P, json=flat(obj, floor_id=fb)), 422, "validation_failed", field="floor_id")
    p = make_premise(admin, obj["id"])
    assert_error(admin.patch(f"{P}/{p['id']}", json={"entrance_id": eb}), 422, "validation_failed",
                 field="entrance_id")
    assert_error(admin.patch(f"{P}/{p['id']}", json={"floor_id": fb}), 422, "validation_failed",
                 field="floor_id")
    for bad in (987654321,):
        assert_error(admin.post(P, json=flat(obj, entrance_id=bad)), 422, "validation_failed",
                     field="entrance_id")
        assert_error(admin.post(P, json=flat(obj, floor_id=bad)), 422, "validation_failed", field="floor_id")


def test_entrance_and_floor_of_another_object(admin, obj):
    other = make_object(admin)
    e_other = make_entrance(admin, other["id"], number=1)
    f_other = make_floor(admin, other["id"], number=2)
    assert_error(admin.post(P, json=flat(obj, entrance_id=e_other["id"])), 422, "validation_failed",
                 field="entrance_id")
    assert_error(admin.post(P, json=flat(obj, floor_id=f_other["id"])), 422, "validation_failed",
                 field="floor_id")
    p = make_premise(admin, obj["id"])
    assert_error(admin.patch(f"{P}/{p['id']}", json={"entrance_id": e_other["id"]}), 422,
                 "validation_failed", field="entrance_id")


def test_floor_of_another_entrance(admin):
    o = make_object(admin)
    e1 = make_entrance(admin, o["id"], number=1)
    e2 = make_entrance(admin, o["id"], number=2)
    f2 = make_floor(admin, o["id"], number=4, entrance_id=e2["id"])
    assert_error(admin.post(P, json={"object_id": o["id"], "type": "flat", "number": "1",
                                     "entrance_id": e1["id"], "floor_id": f2["id"]}),
                 422, "validation_failed", field="floor_id")
    p = make_premise(admin, o["id"], number="2", entrance_id=e2["id"], floor_id=f2["id"])
    assert_error(admin.patch(f"{P}/{p['id']}", json={"entrance_id": e1["id"]}), 422, "validation_failed",
                 field="floor_id")
    # a floor alone, without an entrance, is fine
    make_premise(admin, o["id"], number="3", floor_id=f2["id"])


# ------------------------------------------------------------------------- bad bodies


@pytest.mark.parametrize("field,value", [
    ("type", "palace"), ("type", "Flat"), ("type", "квартира"), ("type", 5), ("type", None), ("type", ""),
    ("object_id", "1"), ("object_id", 1.5), ("object_id", None), ("object_id", [1]), ("object_id", 0),
    ("number", 5), ("number", ["5"]), ("entrance_id", "1"), ("floor_id", True),
    ("tags", "Угловая"), ("tags", [1]), ("tags", [None]), ("tags", {"a": 1}),
    ("external_id", 17), ("note", ["x"]),
])
def test_wrong_value_or_type(admin, obj, field, value):
    assert_error(admin.post(P, json=flat(obj, **{field: value})), 422, "validation_failed", field=field)


@pytest.mark.parametrize("name", ["", "   "])
def test_blank_tag_name_is_never_a_tag(admin, obj, name):
    """docs/premises.md does not say whether a blank tag name is refused or dropped; it must
    never become a tag."""
    r = admin.post(P, json=flat(obj, tags=[name]))
    if r.status_code == 201:
        assert r.json()["tags"] == []
    else:
        assert_error(r, 422, "validation_failed", field="tags")
    names = [t["name"] for t in assert_status(admin.get("/api/v1/tags", params={"limit": 500}), 200)["items"]]
    assert all(n.strip() for n in names), names


def test_unknown_and_read_only_fields(admin, obj):
    body = assert_error(admin.post(P, json=flat(obj, colour="red")), 422, "validation_failed", field="colour")
    assert set(body["fields"]) == {"colour"}, body
    p = make_premise(admin, obj["id"])
    for ro in ("id", "address", "object_name", "clients_count", "created_at", "updated_at"):
        assert_error(admin.patch(f"{P}/{p['id']}", json={ro: p[ro]}), 422, "validation_failed", field=ro)
        assert_error(admin.post(P, json=flat(obj, **{ro: p[ro]})), 422, "validation_failed", field=ro)
    assert_error(admin.patch(f"{P}/{p['id']}", json={"nubmer": "7"}), 422, "validation_failed", field="nubmer")
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200) == p


def test_required_fields_cannot_be_cleared(admin, obj):
    p = make_premise(admin, obj["id"])
    for field in ("object_id", "type", "number"):
        assert_error(admin.patch(f"{P}/{p['id']}", json={field: None}), 422, "validation_failed", field=field)
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200) == p


BASE = {"flat": {"number": "1"}, "house": {"street": "ул. Садовая", "house": "1"},
        "parking": {"number": "1"}, "room": {"number": "1", "room": "1"}}


@pytest.mark.parametrize("ptype,field", [("flat", "number"), ("house", "street"), ("house", "house"),
                                         ("parking", "level"), ("room", "room"), ("flat", "external_id"),
                                         ("flat", "note")])
def test_overlong_text(admin, obj, ptype, field):
    body = {"object_id": obj["id"], "type": ptype, **BASE[ptype], field: "Ж" * 5000}
    assert_error(admin.post(P, json=body), 422, "validation_failed", field=field)


def test_overlong_tag_name(admin, obj):
    assert_error(admin.post("/api/v1/tags", json={"name": "Т" * 5000}), 422, "validation_failed", field="name")
    assert_error(admin.post(P, json=flat(obj, tags=["Т" * 5000])), 422, "validation_failed", field="tags")


def test_text_with_nul_is_refused(admin, obj):
    """A NUL character (JSON \\u0000) in text is refused with 422 naming the field, never
    stored or silently cut."""
    note = f"до\u0000после {seq()}"
    assert_error(admin.post(P, json=flat(obj, note=note)), 422, "validation_failed", field="note")
    p = make_premise(admin, obj["id"])
    assert_error(admin.patch(f"{P}/{p['id']}", json={"note": note}), 422, "validation_failed", field="note")
    assert_error(admin.patch(f"{P}/{p['id']}", json={"number": "1\u00002"}), 422, "validation_failed",
                 field="number")
    assert assert_status(admin.get(f"{P}/{p['id']}"), 200) == p
    name = f"Тег\u0000{seq()}"
    assert_error(admin.post("/api/v1/tags", json={"name": name}), 422, "validation_failed", field="name")
    assert_error(admin.post(P, json=flat(obj, tags=[name])), 422, "validation_failed", field="tags")
    names = [t["name"] for t in assert_status(admin.get("/api/v1/tags", params={"limit": 500}), 200)["items"]]
    assert not any("\u0000" in n for n in names), names


def test_null_tags_and_online_payment_mean_none_and_false(admin, obj):
    p = make_premise(admin, obj["id"], tags=[f"Тег {seq()}"], online_payment=True)
    got = assert_status(admin.patch(f"{P}/{p['id']}", json={"tags": None, "online_payment": None}), 200)
    assert got["tags"] == [] and got["online_payment"] is False


@pytest.mark.parametrize("raw", ['{"type": ', "не json", "[]", '"flat"', "null", ""])
def test_not_a_json_object(integration, raw):
    r = integration.post(P, data=raw.encode(), headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")
    r = integration.post("/api/v1/tags", data=raw.encode(), headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")


def test_not_a_json_object_on_patch(integration, obj):
    p = make_premise(integration, obj["id"])
    r = integration.patch(f"{P}/{p['id']}", data=json.dumps([1]).encode(),
                          headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")


# ------------------------------------------------------------------------- query parameters


@pytest.mark.parametrize("params,field", [
    ({"sort": "bogus"}, "sort"), ({"sort": "name"}, "sort"), ({"sort": "ADDRESS"}, "sort"), ({"sort": ""}, "sort"),
    ({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"limit": "abc"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"object_id": "abc"}, "object_id"), ({"object_group_id": "x"}, "object_group_id"),
    ({"quarter_id": "1x"}, "quarter_id"), ({"client_id": "abc"}, "client_id"),
    ({"type": "palace"}, "type"),
])
def test_bad_list_parameters(integration, params, field):
    assert_error(integration.get(P, params=params), 400, "bad_request", field=field)


@pytest.mark.parametrize("params,field", [({"sort": "bogus"}, "sort"), ({"object_id": "abc"}, "object_id"),
                                          ({"type": "palace"}, "type"), ({"client_id": "x"}, "client_id")])
def test_bad_export_parameters(integration, params, field):
    assert_error(integration.get(f"{P}/export.xlsx", params=params), 400, "bad_request", field=field)


@pytest.mark.parametrize("params,field", [({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"),
                                          ({"offset": "x"}, "offset")])
def test_bad_tag_list_parameters(integration, params, field):
    assert_error(integration.get("/api/v1/tags", params=params), 400, "bad_request", field=field)


def test_limit_edges(integration):
    for limit in ("1", "500"):
        assert_status(integration.get(P, params={"limit": limit}), 200)
        assert_status(integration.get("/api/v1/tags", params={"limit": limit}), 200)


@pytest.mark.parametrize("path", [f"{P}/abc", f"{P}/-1", f"{P}/1.5", f"{P}/99999999999999999999999",
                                  f"{P}/abc/dependents"])
def test_non_numeric_ids_do_not_500(integration, path):
    r = integration.get(path)
    assert r.status_code in (400, 404), f"{path}: {r.status_code} {r.text}"
    assert_error(r, r.status_code)


@pytest.mark.parametrize("method,path", [
    ("PUT", f"{P}/1"), ("POST", f"{P}/1"), ("DELETE", P), ("PUT", P), ("POST", f"{P}/1/dependents"),
    ("DELETE", f"{P}/1/dependents"), ("POST", f"{P}/export.xlsx"), ("PATCH", "/api/v1/tags"),
    ("DELETE", "/api/v1/tags"),
])
def test_wrong_method_is_405(integration, method, path):
    assert_error(integration.request(method, path, json={}), 405, "method_not_allowed")
