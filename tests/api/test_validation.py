"""Field validation of the object hierarchy: lengths, number ranges, types and required
fields answer 422 validation_failed naming the field."""

import pytest

from apikit import assert_error, assert_status, make_entrance, make_object, make_object_group, seq


@pytest.fixture(scope="module")
def group(admin):
    return make_object_group(admin)


@pytest.fixture(scope="module")
def obj(admin):
    return make_object(admin)


def obj_body(**kw):
    body = {"name": f"Дом {seq()}", "street": "ул. Мира", "house": "1"}
    body.update(kw)
    return body


# ------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["", "Я" * 201, "x" * 201])
def test_group_bad_name(admin, name):
    assert_error(admin.post("/api/v1/object-groups", json={"name": name}), 422, "validation_failed",
                 field="name")


def test_name_length_counts_characters_not_bytes(admin, group):
    # 200 Cyrillic letters are 400 bytes in UTF-8 and still a valid name
    assert_status(admin.post("/api/v1/object-groups", json={"name": "Ж" * 199 + str(seq() % 10)}), 201)
    assert_status(admin.post("/api/v1/quarters", json={"name": "Ж" * 200, "object_group_id": group["id"]}), 201)
    assert_status(admin.post("/api/v1/objects", json=obj_body(name="Ж" * 200)), 201)


@pytest.mark.parametrize("name", ["", "Ф" * 201])
def test_quarter_bad_name(admin, group, name):
    assert_error(admin.post("/api/v1/quarters", json={"name": name, "object_group_id": group["id"]}),
                 422, "validation_failed", field="name")


@pytest.mark.parametrize("field,value", [
    ("name", ""), ("name", "Ш" * 201),
    ("street", ""), ("street", "у" * 201),
    ("house", ""), ("house", "1" * 21),
    ("city", "Г" * 101),
])
def test_object_bad_field(admin, field, value):
    assert_error(admin.post("/api/v1/objects", json=obj_body(**{field: value})), 422, "validation_failed",
                 field=field)


def test_object_field_edges(admin):
    o = assert_status(admin.post("/api/v1/objects", json=obj_body(city="Г" * 100, street="у" * 200,
                                                                 house="1" * 20)), 201)
    assert len(o["city"]) == 100 and len(o["house"]) == 20


@pytest.mark.parametrize("field", ["name", "street", "house"])
def test_object_missing_required(admin, field):
    body = obj_body()
    del body[field]
    assert_error(admin.post("/api/v1/objects", json=body), 422, "validation_failed", field=field)


def test_object_bad_patch(admin, obj):
    for field, value in (("name", ""), ("house", "1" * 21), ("city", "Г" * 101), ("street", 5)):
        assert_error(admin.patch(f"/api/v1/objects/{obj['id']}", json={field: value}), 422,
                     "validation_failed", field=field)
    assert assert_status(admin.get(f"/api/v1/objects/{obj['id']}"), 200) == obj


# ------------------------------------------------------------------------- entrances


@pytest.mark.parametrize("number", [0, -1, 1000, 1.5, "1", True, 10**20])
def test_entrance_bad_number(admin, obj, number):
    assert_error(admin.post(f"/api/v1/objects/{obj['id']}/entrances", json={"number": number}),
                 422, "validation_failed", field="number")


def test_entrance_number_edges(admin):
    o = make_object(admin)["id"]
    assert make_entrance(admin, o, number=1)["number"] == 1
    assert make_entrance(admin, o, number=999)["number"] == 999


def test_entrance_bad_name(admin, obj):
    assert_error(admin.post(f"/api/v1/objects/{obj['id']}/entrances", json={"number": 500, "name": "П" * 101}),
                 422, "validation_failed", field="name")


def test_entrance_missing_number(admin, obj):
    assert_error(admin.post(f"/api/v1/objects/{obj['id']}/entrances", json={"name": "Без номера"}),
                 422, "validation_failed", field="number")


def test_entrance_bad_patch(admin):
    o = make_object(admin)["id"]
    e = make_entrance(admin, o, number=1)
    assert_error(admin.patch(f"/api/v1/objects/{o}/entrances/{e['id']}", json={"number": 0}),
                 422, "validation_failed", field="number")


# ------------------------------------------------------------------------- floors


@pytest.mark.parametrize("number", [-21, 301, 2.5, "3", None, False, -10**20])
def test_floor_bad_number(admin, obj, number):
    assert_error(admin.post(f"/api/v1/objects/{obj['id']}/floors", json={"number": number}),
                 422, "validation_failed", field="number")


def test_floor_missing_number(admin, obj):
    assert_error(admin.post(f"/api/v1/objects/{obj['id']}/floors", json={}), 422, "validation_failed",
                 field="number")


def test_floor_bad_entrance_id_type(admin, obj):
    assert_error(admin.post(f"/api/v1/objects/{obj['id']}/floors", json={"number": 1, "entrance_id": "1"}),
                 422, "validation_failed", field="entrance_id")


def test_floor_bad_patch(admin):
    o = make_object(admin)["id"]
    f = assert_status(admin.post(f"/api/v1/objects/{o}/floors", json={"number": 1}), 201)
    assert_error(admin.patch(f"/api/v1/objects/{o}/floors/{f['id']}", json={"number": 301}),
                 422, "validation_failed", field="number")


# ------------------------------------------------------------------------- references


def test_reference_ids_must_be_integers(admin, group):
    assert_error(admin.post("/api/v1/quarters", json={"name": "Кв", "object_group_id": str(group["id"])}),
                 422, "validation_failed", field="object_group_id")
    assert_error(admin.post("/api/v1/objects", json=obj_body(quarter_id=[1])),
                 422, "validation_failed", field="quarter_id")
    assert_error(admin.post("/api/v1/objects", json=obj_body(object_group_id=0)),
                 422, "validation_failed", field="object_group_id")
