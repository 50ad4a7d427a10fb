"""CRUD of object groups, quarters and objects: create, read, list (total, limit, offset, q,
filters), partial PATCH, delete, unique conflicts and deletes refused while in use."""

import time

from apikit import (assert_error, assert_status, make_entrance, make_floor, make_object,
                    make_object_group, make_quarter, seq, validate)


def check_pages(api, path, params, expected_ids):
    """Pages of 2 cover exactly the expected ids, each once, with a constant total."""
    seen = []
    offset = 0
    while True:
        body = assert_status(api.get(path, params={**params, "limit": 2, "offset": offset}), 200)
        assert body["total"] == len(expected_ids), body
        assert len(body["items"]) <= 2
        if not body["items"]:
            break
        seen += [i["id"] for i in body["items"]]
        offset += 2
    assert sorted(seen) == sorted(expected_ids), "pages overlap or miss records"
    assert len(seen) == len(set(seen))


# ------------------------------------------------------------------------- object groups


def test_group_create_read(admin):
    g = make_object_group(admin, name="Группа «Центр»")
    assert g["name"] == "Группа «Центр»"
    got = validate(assert_status(admin.get(f"/api/v1/object-groups/{g['id']}"), 200), "ObjectGroup")
    assert got == g
    assert got["created_at"] == got["updated_at"] or got["created_at"] <= got["updated_at"]


def test_group_list_pagination_and_search(admin):
    tag = f"Пагинация{seq()}"
    ids = [make_object_group(admin, name=f"{tag} группа {i}")["id"] for i in range(5)]
    check_pages(admin, "/api/v1/object-groups", {"q": tag}, ids)
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": tag, "offset": 100}), 200)
    assert body["items"] == [] and body["total"] == 5
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": tag, "limit": 3, "offset": 4}), 200)
    assert len(body["items"]) == 1 and body["total"] == 5
    # q is case-insensitive, Cyrillic included, and matches a substring
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": tag.upper() + " ГРУППА 3"}), 200)
    assert [i["id"] for i in body["items"]] == [ids[3]]
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": tag.lower()[2:]}), 200)
    assert body["total"] == 5
    for item in body["items"]:
        validate(item, "ObjectGroup")


def test_group_search_short_terms(admin):
    g = make_object_group(admin, name=f"Группа Щъ{seq()}")
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": "щЪ"}), 200)
    assert [i["id"] for i in body["items"]] == [g["id"]], "a 2-letter query must still match"
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": "Ъ"}), 200)
    assert g["id"] in [i["id"] for i in body["items"]], "a 1-letter query must still match"


def test_group_search_wildcards_are_literal(admin):
    make_object_group(admin, name=f"Обычная группа {seq()}")
    for q in ("%", "_", "*", "\\", "'", '"'):
        body = assert_status(admin.get("/api/v1/object-groups", params={"q": q}), 200)
        assert all(q in i["name"] for i in body["items"]), f"q={q!r} is not a literal substring"
    g = make_object_group(admin, name=f"Скидка 100%_{seq()}")
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": "100%_"}), 200)
    assert [i["id"] for i in body["items"]] == [g["id"]]


def test_group_list_default_and_max_limit(admin):
    tag = f"Много{seq()}"
    for i in range(55):
        assert_status(admin.post("/api/v1/object-groups", json={"name": f"{tag}-{i:02d}"}), 201)
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": tag}), 200)
    assert len(body["items"]) == 50 and body["total"] == 55, "default limit is 50"
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": tag, "limit": 500}), 200)
    assert len(body["items"]) == 55
    body = assert_status(admin.get("/api/v1/object-groups", params={"q": tag, "limit": 1}), 200)
    assert len(body["items"]) == 1 and body["total"] == 55


def test_group_patch(admin):
    g = make_object_group(admin)
    time.sleep(1.05)  # timestamps have second precision
    r = admin.patch(f"/api/v1/object-groups/{g['id']}", json={"name": "Переименованная группа"})
    got = validate(assert_status(r, 200), "ObjectGroup")
    assert got["name"] == "Переименованная группа"
    assert got["created_at"] == g["created_at"]
    assert got["updated_at"] > g["updated_at"], "updated_at must move on a change"
    assert assert_status(admin.get(f"/api/v1/object-groups/{g['id']}"), 200) == got
    # empty patch changes nothing
    assert assert_status(admin.patch(f"/api/v1/object-groups/{g['id']}", json={}), 200)["name"] == \
        "Переименованная группа"
    # a required field cannot be cleared
    assert_error(admin.patch(f"/api/v1/object-groups/{g['id']}", json={"name": None}),
                 422, "validation_failed", field="name")


def test_group_unique_name(admin):
    name = f"Уникальная {seq()}"
    make_object_group(admin, name=name)
    body = assert_error(admin.post("/api/v1/object-groups", json={"name": name}), 409, "conflict",
                        field="name")
    assert body["code"] == "conflict"
    other = make_object_group(admin)
    assert_error(admin.patch(f"/api/v1/object-groups/{other['id']}", json={"name": name}),
                 409, "conflict", field="name")
    # renaming to its own name is not a conflict
    assert_status(admin.patch(f"/api/v1/object-groups/{other['id']}", json={"name": other["name"]}), 200)


def test_group_delete(admin):
    g = make_object_group(admin)
    assert_status(admin.delete(f"/api/v1/object-groups/{g['id']}"), 204)
    assert_error(admin.get(f"/api/v1/object-groups/{g['id']}"), 404, "not_found")
    assert_error(admin.delete(f"/api/v1/object-groups/{g['id']}"), 404, "not_found")
    assert_error(admin.patch(f"/api/v1/object-groups/{g['id']}", json={"name": "x"}), 404, "not_found")
    # the name is free again
    make_object_group(admin, name=g["name"])


def test_group_delete_in_use_by_quarter(admin):
    g = make_object_group(admin)
    make_quarter(admin, object_group_id=g["id"])
    body = assert_error(admin.delete(f"/api/v1/object-groups/{g['id']}"), 409, "in_use")
    assert "квартал" in body["message"].lower(), body
    assert isinstance(body.get("details"), dict) and \
        any(isinstance(v, int) and v >= 1 for v in body["details"].values()), body
    assert_status(admin.get(f"/api/v1/object-groups/{g['id']}"), 200)


def test_group_delete_in_use_by_object(admin):
    g = make_object_group(admin)
    make_object(admin, object_group_id=g["id"])
    body = assert_error(admin.delete(f"/api/v1/object-groups/{g['id']}"), 409, "in_use")
    assert "объект" in body["message"].lower(), body
    assert_status(admin.get(f"/api/v1/object-groups/{g['id']}"), 200)


def test_group_not_found(admin):
    assert_error(admin.get("/api/v1/object-groups/999999999"), 404, "not_found")


# ------------------------------------------------------------------------- quarters


def test_quarter_crud(admin):
    g = make_object_group(admin)
    q = make_quarter(admin, object_group_id=g["id"], name="Квартал 1")
    assert q["object_group_id"] == g["id"]
    assert validate(assert_status(admin.get(f"/api/v1/quarters/{q['id']}"), 200), "Quarter") == q
    g2 = make_object_group(admin)
    got = assert_status(admin.patch(f"/api/v1/quarters/{q['id']}", json={"object_group_id": g2["id"]}), 200)
    assert got["object_group_id"] == g2["id"] and got["name"] == "Квартал 1"
    got = assert_status(admin.patch(f"/api/v1/quarters/{q['id']}", json={"name": "Квартал 2"}), 200)
    assert got["object_group_id"] == g2["id"] and got["name"] == "Квартал 2"
    assert_error(admin.patch(f"/api/v1/quarters/{q['id']}", json={"object_group_id": None}),
                 422, "validation_failed", field="object_group_id")
    assert_status(admin.delete(f"/api/v1/quarters/{q['id']}"), 204)
    assert_error(admin.get(f"/api/v1/quarters/{q['id']}"), 404, "not_found")
    assert_error(admin.delete(f"/api/v1/quarters/{q['id']}"), 404, "not_found")


def test_quarter_requires_group(admin):
    assert_error(admin.post("/api/v1/quarters", json={"name": "Без группы"}),
                 422, "validation_failed", field="object_group_id")
    assert_error(admin.post("/api/v1/quarters", json={"object_group_id": make_object_group(admin)["id"]}),
                 422, "validation_failed", field="name")


def test_quarter_unique_within_group(admin):
    g1, g2 = make_object_group(admin), make_object_group(admin)
    make_quarter(admin, object_group_id=g1["id"], name="Северный")
    assert_error(admin.post("/api/v1/quarters", json={"name": "Северный", "object_group_id": g1["id"]}),
                 409, "conflict", field="name")
    q2 = make_quarter(admin, object_group_id=g2["id"], name="Северный")  # other group: fine
    assert_error(admin.patch(f"/api/v1/quarters/{q2['id']}", json={"object_group_id": g1["id"]}),
                 409, "conflict")


def test_quarter_list_filter(admin):
    g1, g2 = make_object_group(admin), make_object_group(admin)
    tag = f"Фильтр{seq()}"
    in_g1 = [make_quarter(admin, object_group_id=g1["id"], name=f"{tag} {i}")["id"] for i in range(3)]
    in_g2 = [make_quarter(admin, object_group_id=g2["id"], name=f"{tag} {i}")["id"] for i in range(2)]
    check_pages(admin, "/api/v1/quarters", {"object_group_id": g1["id"]}, in_g1)
    check_pages(admin, "/api/v1/quarters", {"object_group_id": g2["id"]}, in_g2)
    check_pages(admin, "/api/v1/quarters", {"q": tag}, in_g1 + in_g2)
    body = assert_status(admin.get("/api/v1/quarters", params={"q": f"{tag} 2",
                                                               "object_group_id": g1["id"]}), 200)
    assert [i["id"] for i in body["items"]] == [in_g1[2]]
    body = assert_status(admin.get("/api/v1/quarters", params={"object_group_id": 987654321}), 200)
    assert body["items"] == [] and body["total"] == 0


def test_quarter_delete_in_use(admin):
    q = make_quarter(admin)
    make_object(admin, quarter_id=q["id"])
    body = assert_error(admin.delete(f"/api/v1/quarters/{q['id']}"), 409, "in_use")
    assert "объект" in body["message"].lower(), body
    assert_status(admin.get(f"/api/v1/quarters/{q['id']}"), 200)


# ------------------------------------------------------------------------- objects


def test_object_crud(admin):
    g = make_object_group(admin)
    q = make_quarter(admin, object_group_id=g["id"])
    o = make_object(admin, name="ЖК «Солнечный»", object_group_id=g["id"], quarter_id=q["id"],
                    city="Казань", street="ул. Баумана", house="10А")
    assert (o["object_group_id"], o["quarter_id"], o["city"], o["street"], o["house"]) == \
        (g["id"], q["id"], "Казань", "ул. Баумана", "10А")
    assert validate(assert_status(admin.get(f"/api/v1/objects/{o['id']}"), 200), "Object") == o
    got = assert_status(admin.patch(f"/api/v1/objects/{o['id']}", json={"house": "10/2"}), 200)
    assert got["house"] == "10/2" and got["name"] == "ЖК «Солнечный»" and got["city"] == "Казань"
    # null clears optional fields
    got = assert_status(admin.patch(f"/api/v1/objects/{o['id']}", json={"city": None, "quarter_id": None}), 200)
    assert got["city"] is None and got["quarter_id"] is None
    assert got["object_group_id"] == g["id"], "clearing the quarter keeps the group"
    got = assert_status(admin.patch(f"/api/v1/objects/{o['id']}", json={"object_group_id": None}), 200)
    assert got["object_group_id"] is None
    assert validate(assert_status(admin.get(f"/api/v1/objects/{o['id']}"), 200), "Object") == got
    # required fields cannot be cleared
    for f in ("name", "street", "house"):
        assert_error(admin.patch(f"/api/v1/objects/{o['id']}", json={f: None}), 422, "validation_failed",
                     field=f)
    assert_status(admin.delete(f"/api/v1/objects/{o['id']}"), 204)
    assert_error(admin.get(f"/api/v1/objects/{o['id']}"), 404, "not_found")


def test_object_minimal(admin):
    r = admin.post("/api/v1/objects", json={"name": "Минимальный", "street": "Арбат", "house": "1"})
    o = validate(assert_status(r, 201), "Object")
    assert o["city"] is None and o["object_group_id"] is None and o["quarter_id"] is None


def test_object_quarter_sets_group(admin):
    q = make_quarter(admin)
    r = admin.post("/api/v1/objects", json={"name": "Дом в квартале", "street": "Садовая", "house": "5",
                                            "quarter_id": q["id"]})
    o = assert_status(r, 201)
    assert o["quarter_id"] == q["id"] and o["object_group_id"] == q["object_group_id"]


def test_object_quarter_of_another_group_is_422(admin):
    q = make_quarter(admin)
    other = make_object_group(admin)
    r = admin.post("/api/v1/objects", json={"name": "Дом", "street": "Садовая", "house": "6",
                                            "object_group_id": other["id"], "quarter_id": q["id"]})
    body = assert_error(r, 422, "validation_failed")
    assert set(body.get("fields", {})) & {"quarter_id", "object_group_id"}, body
    # the same through PATCH
    o = make_object(admin, quarter_id=q["id"])
    r = admin.patch(f"/api/v1/objects/{o['id']}", json={"object_group_id": other["id"]})
    body = assert_error(r, 422, "validation_failed")
    assert set(body.get("fields", {})) & {"quarter_id", "object_group_id"}, body
    assert assert_status(admin.get(f"/api/v1/objects/{o['id']}"), 200)["object_group_id"] == q["object_group_id"]


def test_object_house_formats(admin):
    for house in ("10", "10А", "10/2", "10к2"):
        assert make_object(admin, house=house)["house"] == house


def test_object_list_filters(admin):
    g = make_object_group(admin)
    q1 = make_quarter(admin, object_group_id=g["id"])
    q2 = make_quarter(admin, object_group_id=g["id"])
    tag = f"Объект{seq()}"
    a = [make_object(admin, name=f"{tag} {i}", quarter_id=q1["id"])["id"] for i in range(3)]
    b = [make_object(admin, name=f"{tag} {i}", quarter_id=q2["id"])["id"] for i in range(2)]
    c = [make_object(admin, name=f"{tag} без квартала", object_group_id=g["id"])["id"]]
    check_pages(admin, "/api/v1/objects", {"quarter_id": q1["id"]}, a)
    check_pages(admin, "/api/v1/objects", {"quarter_id": q2["id"]}, b)
    check_pages(admin, "/api/v1/objects", {"object_group_id": g["id"]}, a + b + c)
    check_pages(admin, "/api/v1/objects", {"q": tag.lower()}, a + b + c)
    body = assert_status(admin.get("/api/v1/objects", params={"object_group_id": g["id"],
                                                              "quarter_id": q2["id"], "q": f"{tag} 1"}), 200)
    assert [i["id"] for i in body["items"]] == [b[1]]


def test_object_delete_in_use(admin):
    o = make_object(admin)
    e = make_entrance(admin, o["id"], number=1)
    body = assert_error(admin.delete(f"/api/v1/objects/{o['id']}"), 409, "in_use")
    assert "подъезд" in body["message"].lower(), body
    assert_status(admin.delete(f"/api/v1/objects/{o['id']}/entrances/{e['id']}"), 204)
    make_floor(admin, o["id"], number=1)
    body = assert_error(admin.delete(f"/api/v1/objects/{o['id']}"), 409, "in_use")
    assert "этаж" in body["message"].lower(), body
    assert_status(admin.get(f"/api/v1/objects/{o['id']}"), 200)


# ------------------------------------------------------------------------- object external ids


def test_object_external_id_set_changed_cleared(admin):
    ext = f"H-{seq()}"
    o = make_object(admin, external_id=ext)
    assert o["external_id"] == ext
    assert make_object(admin)["external_id"] is None
    found = assert_status(admin.get("/api/v1/objects", params={"q": ext}), 200)
    assert [i["id"] for i in found["items"]] == [o["id"]], "an object is found by its external id"
    got = assert_status(admin.patch(f"/api/v1/objects/{o['id']}", json={"external_id": ext + "-2"}), 200)
    assert got["external_id"] == ext + "-2"
    got = assert_status(admin.patch(f"/api/v1/objects/{o['id']}", json={"external_id": None}), 200)
    assert got["external_id"] is None


def test_object_external_id_is_unique_in_the_organisation(admin, admin_b):
    ext = f"H-{seq()}"
    first = make_object(admin, external_id=ext)
    before = assert_status(admin.get("/api/v1/objects", params={"limit": 1}), 200)["total"]
    assert_error(admin.post("/api/v1/objects", json={"name": "Дубль", "street": "Арбат", "house": "1",
                                                     "external_id": ext}), 409, "conflict", field="external_id")
    other = make_object(admin)
    assert_error(admin.patch(f"/api/v1/objects/{other['id']}", json={"external_id": ext}), 409, "conflict",
                 field="external_id")
    assert assert_status(admin.get(f"/api/v1/objects/{other['id']}"), 200)["external_id"] is None
    assert assert_status(admin.get("/api/v1/objects", params={"limit": 1}), 200)["total"] == before + 1
    # objects without an external id are not duplicates of each other; another organisation
    # may use the same value
    make_object(admin)
    assert make_object(admin_b, external_id=ext)["external_id"] == ext
    assert assert_status(admin.get(f"/api/v1/objects/{first['id']}"), 200)["external_id"] == ext


def test_object_external_id_too_long_is_422(admin):
    assert_error(admin.post("/api/v1/objects", json={"name": "Длинный", "street": "Арбат", "house": "1",
                                                     "external_id": "x" * 101}), 422, "validation_failed",
                 field="external_id")


def test_import_names_the_object_by_the_external_id_set_through_the_api(admin, integration):
    ext = f"H-{seq()}"
    o = make_object(admin, external_id=ext)
    premise_ext = f"P-{seq()}"
    body = {"records": [{"premise": {"external_id": premise_ext, "object_external_id": ext,
                                     "type": "flat", "number": "7"}}]}
    ans = assert_status(integration.post("/api/v1/exchange/import", json=body), 200)
    assert ans["status"] == "ok", ans
    premise = assert_status(admin.get(f"/api/v1/premises/{ans['results'][0]['premise_id']}"), 200)
    assert premise["object_id"] == o["id"]
