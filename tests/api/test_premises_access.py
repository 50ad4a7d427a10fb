"""Premises and tags: roles (readonly reads only), authentication and CSRF, and tenancy
(another organisation's premise answers 404 on every route with an id; lists, the export and
tags never show another organisation's records). The every-route tables of test_roles and
test_tenancy cover these routes too (apikit.write_calls / read_calls)."""

import pytest

from apikit import (XLSX_TYPE, Api, assert_error, assert_status, make_entrance, make_floor, make_object,
                    make_premise, make_tag, read_xlsx, seq)

P = "/api/v1/premises"


@pytest.fixture(scope="module")
def a(admin):
    o = make_object(admin, city="Москва", street="ул. Арбатская", house="8")
    e = make_entrance(admin, o["id"], number=1)
    f = make_floor(admin, o["id"], number=2, entrance_id=e["id"])
    tag = make_tag(admin, name=f"Секретный тег {seq()} А")
    p = make_premise(admin, o["id"], number="15", entrance_id=e["id"], floor_id=f["id"], total_area=48.2,
                     tags=[tag["name"]], external_id=f"A-{seq()}")
    return {"object": o, "entrance": e, "floor": f, "tag": tag, "premise": p}


def writes(a):
    pid, oid = a["premise"]["id"], a["object"]["id"]
    return [
        ("POST", P, {"object_id": oid, "type": "flat", "number": str(seq())}),
        ("PATCH", f"{P}/{pid}", {"note": "Изменено"}),
        ("DELETE", f"{P}/{pid}", None),
        ("POST", "/api/v1/tags", {"name": f"Тег {seq()}"}),
    ]


def reads(a):
    pid = a["premise"]["id"]
    return [P, f"{P}/{pid}", f"{P}/{pid}/dependents", f"{P}/{pid}/history", f"{P}/export.xlsx", "/api/v1/tags"]


def test_readonly_is_refused_every_write(admin, readonly, a):
    before = assert_status(admin.get(f"{P}/{a['premise']['id']}"), 200)
    tags_before = assert_status(admin.get("/api/v1/tags", params={"limit": 500}), 200)
    for method, path, body in writes(a):
        r = readonly.request(method, path, json=body) if body is not None else readonly.request(method, path)
        assert_error(r, 403, "forbidden")
    assert assert_status(admin.get(f"{P}/{a['premise']['id']}"), 200) == before
    assert assert_status(admin.get("/api/v1/tags", params={"limit": 500}), 200) == tags_before


def test_readonly_reads(readonly, a):
    for path in reads(a):
        r = readonly.get(path)
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:200]}"
    r = readonly.get(f"{P}/export.xlsx")
    assert r.headers["Content-Type"].startswith(XLSX_TYPE)
    read_xlsx(r.content)


def test_cookie_writes_need_csrf(env, a):
    api = env.client("a", "operator")
    for method, path, body in writes(a):
        r = api.request(method, path, json=body, csrf=False) if body is not None \
            else api.request(method, path, csrf=False)
        assert_error(r, 403, "csrf_failed")


def test_anonymous_is_401(env, a):
    anon = env.anonymous()
    for path in reads(a):
        assert_error(anon.get(path), 401, "unauthorized")
    for method, path, body in writes(a):
        r = anon.request(method, path, json=body) if body is not None else anon.request(method, path)
        assert_error(r, 401, "unauthorized")


def test_other_organisation_gets_404_on_every_id_route(env, admin, admin_b, a):
    pid = a["premise"]["id"]
    before = assert_status(admin.get(f"{P}/{pid}"), 200)
    for api in (admin_b, env.token_client("b")):
        for path in (f"{P}/{pid}", f"{P}/{pid}/dependents", f"{P}/{pid}/history"):
            foreign, missing = api.get(path), api.get(path.replace(f"{P}/{pid}", f"{P}/987654321"))
            assert_error(foreign, 404, "not_found")
            assert foreign.json() == missing.json(), "another organisation's id answers like a missing one"
        assert_error(api.patch(f"{P}/{pid}", json={"note": "чужое"}), 404, "not_found")
        assert_error(api.patch(f"{P}/{pid}", json={"type": "palace"}), 404, "not_found")
        assert_error(api.delete(f"{P}/{pid}"), 404, "not_found")
    assert assert_status(admin.get(f"{P}/{pid}"), 200) == before


def test_other_organisation_cannot_reference_a_records(admin_b, a):
    ob = make_object(admin_b, street="ул. Арбатская", house="8")
    base = {"object_id": ob["id"], "type": "flat", "number": "1"}
    assert_error(admin_b.post(P, json={**base, "object_id": a["object"]["id"]}), 422, "validation_failed",
                 field="object_id")
    assert_error(admin_b.post(P, json={**base, "entrance_id": a["entrance"]["id"]}), 422, "validation_failed",
                 field="entrance_id")
    assert_error(admin_b.post(P, json={**base, "floor_id": a["floor"]["id"]}), 422, "validation_failed",
                 field="floor_id")


def test_lists_export_and_tags_never_show_other_organisation(env, admin_b, a):
    p = a["premise"]
    own = make_premise(admin_b, make_object(admin_b, street="ул. Арбатская", house="8")["id"], number="15",
                       external_id=p["external_id"], tags=[f"Свой тег {seq()} Б"])
    for api in (admin_b, env.token_client("b")):
        body = assert_status(api.get(P, params={"limit": 500}), 200)
        ids = {i["id"] for i in body["items"]}
        assert p["id"] not in ids and own["id"] in ids and body["total"] == len(ids)
        for params in ({"q": "Арбатская 8 15"}, {"q": "15"}, {"object_id": a["object"]["id"]},
                       {"tag": a["tag"]["name"]}, {"type": "flat", "q": "Арбатская"}):
            body = assert_status(api.get(P, params=params), 200)
            assert p["id"] not in {i["id"] for i in body["items"]}, params
        body = assert_status(api.get(P, params={"object_id": a["object"]["id"]}), 200)
        assert body["items"] == [] and body["total"] == 0
        # tags
        body = assert_status(api.get("/api/v1/tags", params={"limit": 500}), 200)
        assert a["tag"]["name"] not in {t["name"] for t in body["items"]}
        body = assert_status(api.get("/api/v1/tags", params={"q": "Секретный"}), 200)
        assert body["items"] == [] and body["total"] == 0
        # export
        r = api.get(f"{P}/export.xlsx")
        assert r.status_code == 200
        rows = read_xlsx(r.content)
        cells = {c for row in rows for c in row}
        assert own["address"] in cells
        assert not any(a["tag"]["name"] in c for c in cells), "org A's tag in org B's export"
        assert len([row for row in rows[1:] if any(c.strip() for c in row)]) == \
            assert_status(api.get(P, params={"limit": 500}), 200)["total"]
    # the same tag name is free in another organisation
    make_tag(admin_b, name=a["tag"]["name"])


def test_session_bearer_and_api_token_may_write(env, a):
    for api in (env.token_client("a"),
                Api(env.base_url, bearer=Api(env.base_url).login(env.a.users["operator"], env.password)
                    .json()["token"])):
        p = make_premise(api, a["object"]["id"], number=str(seq()), tags=[f"Тег {seq()}"])
        assert_status(api.patch(f"{P}/{p['id']}", json={"rooms": 3}), 200)
        assert_status(api.get(f"{P}/{p['id']}/dependents"), 200)
        assert_status(api.delete(f"{P}/{p['id']}"), 200)
        make_tag(api)
