"""CRUD of an object's entrances and floors (nested under /objects/{object_id})."""

from apikit import (assert_error, assert_status, make_entrance, make_floor, make_object, seq,
                    validate)


def ent(o, e=None):
    base = f"/api/v1/objects/{o}/entrances"
    return base if e is None else f"{base}/{e}"


def flr(o, f=None):
    base = f"/api/v1/objects/{o}/floors"
    return base if f is None else f"{base}/{f}"


def test_entrance_crud(admin):
    o = make_object(admin)["id"]
    e = make_entrance(admin, o, number=1, name="Центральный")
    assert e["object_id"] == o and e["number"] == 1 and e["name"] == "Центральный"
    assert validate(assert_status(admin.get(ent(o, e["id"])), 200), "Entrance") == e
    got = assert_status(admin.patch(ent(o, e["id"]), json={"number": 2}), 200)
    assert got["number"] == 2 and got["name"] == "Центральный"
    got = assert_status(admin.patch(ent(o, e["id"]), json={"name": None}), 200)
    assert got["name"] is None and got["number"] == 2
    assert_error(admin.patch(ent(o, e["id"]), json={"number": None}), 422, "validation_failed", field="number")
    assert validate(assert_status(admin.get(ent(o, e["id"])), 200), "Entrance") == got
    assert_status(admin.delete(ent(o, e["id"])), 204)
    assert_error(admin.get(ent(o, e["id"])), 404, "not_found")
    assert_error(admin.delete(ent(o, e["id"])), 404, "not_found")
    assert_error(admin.patch(ent(o, e["id"]), json={"number": 3}), 404, "not_found")


def test_entrance_without_name(admin):
    o = make_object(admin)["id"]
    e = validate(assert_status(admin.post(ent(o), json={"number": 7}), 201), "Entrance")
    assert e["name"] is None and e["number"] == 7


def test_entrance_number_unique_within_object(admin):
    o1, o2 = make_object(admin)["id"], make_object(admin)["id"]
    make_entrance(admin, o1, number=1)
    assert_error(admin.post(ent(o1), json={"number": 1}), 409, "conflict", field="number")
    make_entrance(admin, o2, number=1)  # another object: fine
    e2 = make_entrance(admin, o1, number=2)
    assert_error(admin.patch(ent(o1, e2["id"]), json={"number": 1}), 409, "conflict", field="number")


def test_entrance_list(admin):
    o = make_object(admin)["id"]
    ids = [make_entrance(admin, o, number=i, name=f"Подъезд №{i}")["id"] for i in range(1, 6)]
    other = make_object(admin)["id"]
    make_entrance(admin, other, number=1)
    body = assert_status(admin.get(ent(o)), 200)
    assert body["total"] == 5 and sorted(i["id"] for i in body["items"]) == sorted(ids)
    for item in body["items"]:
        validate(item, "Entrance")
        assert item["object_id"] == o
    p1 = assert_status(admin.get(ent(o), params={"limit": 2}), 200)
    p2 = assert_status(admin.get(ent(o), params={"limit": 2, "offset": 2}), 200)
    p3 = assert_status(admin.get(ent(o), params={"limit": 2, "offset": 4}), 200)
    assert [len(p["items"]) for p in (p1, p2, p3)] == [2, 2, 1]
    assert all(p["total"] == 5 for p in (p1, p2, p3))
    assert sorted(i["id"] for p in (p1, p2, p3) for i in p["items"]) == sorted(ids)
    body = assert_status(admin.get(ent(o), params={"q": "подъезд №3"}), 200)
    assert [i["id"] for i in body["items"]] == [ids[2]] and body["total"] == 1


def test_entrance_routes_of_missing_object(admin):
    assert_error(admin.get(ent(987654321)), 404, "not_found")
    assert_error(admin.post(ent(987654321), json={"number": 1}), 404, "not_found")
    assert_error(admin.get(ent(987654321, 1)), 404, "not_found")


def test_entrance_delete_in_use(admin):
    o = make_object(admin)["id"]
    e = make_entrance(admin, o, number=1)
    f = make_floor(admin, o, number=1, entrance_id=e["id"])
    body = assert_error(admin.delete(ent(o, e["id"])), 409, "in_use")
    assert "этаж" in body["message"].lower(), body
    assert_status(admin.get(ent(o, e["id"])), 200)
    assert_status(admin.delete(flr(o, f["id"])), 204)
    assert_status(admin.delete(ent(o, e["id"])), 204)


def test_floor_crud(admin):
    o = make_object(admin)["id"]
    e1 = make_entrance(admin, o, number=1)
    e2 = make_entrance(admin, o, number=2)
    f = make_floor(admin, o, number=5, entrance_id=e1["id"])
    assert f["object_id"] == o and f["number"] == 5 and f["entrance_id"] == e1["id"]
    assert validate(assert_status(admin.get(flr(o, f["id"])), 200), "Floor") == f
    got = assert_status(admin.patch(flr(o, f["id"]), json={"entrance_id": e2["id"]}), 200)
    assert got["entrance_id"] == e2["id"] and got["number"] == 5
    got = assert_status(admin.patch(flr(o, f["id"]), json={"number": -1}), 200)
    assert got["number"] == -1 and got["entrance_id"] == e2["id"]
    got = assert_status(admin.patch(flr(o, f["id"]), json={"entrance_id": None}), 200)
    assert got["entrance_id"] is None and got["number"] == -1
    assert_error(admin.patch(flr(o, f["id"]), json={"number": None}), 422, "validation_failed", field="number")
    assert validate(assert_status(admin.get(flr(o, f["id"])), 200), "Floor") == got
    assert_status(admin.delete(flr(o, f["id"])), 204)
    assert_error(admin.get(flr(o, f["id"])), 404, "not_found")
    assert_error(admin.delete(flr(o, f["id"])), 404, "not_found")


def test_floor_range_edges(admin):
    o = make_object(admin)["id"]
    for n in (-20, 0, 300):
        assert make_floor(admin, o, number=n)["number"] == n


def test_floor_number_unique_within_entrance(admin):
    o = make_object(admin)["id"]
    e1 = make_entrance(admin, o, number=1)
    e2 = make_entrance(admin, o, number=2)
    make_floor(admin, o, number=3, entrance_id=e1["id"])
    assert_error(admin.post(flr(o), json={"number": 3, "entrance_id": e1["id"]}), 409, "conflict",
                 field="number")
    f2 = make_floor(admin, o, number=3, entrance_id=e2["id"])  # other entrance: fine
    assert_error(admin.patch(flr(o, f2["id"]), json={"entrance_id": e1["id"]}), 409, "conflict")


def test_floor_list_filter(admin):
    o = make_object(admin)["id"]
    e1 = make_entrance(admin, o, number=1)
    e2 = make_entrance(admin, o, number=2)
    in1 = [make_floor(admin, o, number=n, entrance_id=e1["id"])["id"] for n in (1, 2, 3)]
    in2 = [make_floor(admin, o, number=n, entrance_id=e2["id"])["id"] for n in (1, 2)]
    loose = [make_floor(admin, o, number=seq() % 100 + 100)["id"]]
    body = assert_status(admin.get(flr(o)), 200)
    assert body["total"] == 6 and sorted(i["id"] for i in body["items"]) == sorted(in1 + in2 + loose)
    for item in body["items"]:
        validate(item, "Floor")
    body = assert_status(admin.get(flr(o), params={"entrance_id": e1["id"]}), 200)
    assert body["total"] == 3 and sorted(i["id"] for i in body["items"]) == sorted(in1)
    body = assert_status(admin.get(flr(o), params={"entrance_id": e2["id"], "limit": 1, "offset": 1}), 200)
    assert body["total"] == 2 and len(body["items"]) == 1 and body["items"][0]["id"] in in2


def test_floor_routes_of_missing_object(admin):
    assert_error(admin.get(flr(987654321)), 404, "not_found")
    assert_error(admin.post(flr(987654321), json={"number": 1}), 404, "not_found")
    assert_error(admin.get(flr(987654321, 1)), 404, "not_found")
