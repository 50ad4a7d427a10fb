"""Clients and roles / tenancy (docs/api-conventions.md): readonly reads only, cookie writes
need CSRF, anonymous requests are 401, another organisation's clients are invisible (404 by
id, absent from lists, searches and the export) and do not block its phones or ids. The
every-route checks are in test_roles.py and test_tenancy.py (apikit's route tables)."""

import pytest

from apikit import (add_external_id, assert_error, assert_read_ok, assert_status, make_client,
                    read_xlsx, seq)

C = "/api/v1/clients"


@pytest.fixture(scope="module")
def a(admin):
    c = make_client(admin, last_name="Арбузов", first_name="Антон", phone="+7 916 444-55-66",
                    tags=[f"Тег А {seq()}"], external_id=f"A-{seq()}")
    x = add_external_id(admin, c["id"], note="из 1С")
    return {"client": c, "external_id": x}


def paths(a):
    cid = a["client"]["id"]
    return {
        ("GET", C): None, ("POST", C): {"last_name": "Новый", "phone": "+7 916 444-00-01"},
        ("GET", f"{C}/export.xlsx"): None,
        ("GET", f"{C}/{cid}"): None, ("PATCH", f"{C}/{cid}"): {"note": "x"}, ("DELETE", f"{C}/{cid}"): None,
        ("GET", f"{C}/{cid}/history"): None, ("GET", f"{C}/{cid}/external-ids"): None,
        ("POST", f"{C}/{cid}/external-ids"): {"system": "1c", "value": f"N-{seq()}"},
        ("PATCH", f"{C}/{cid}/external-ids/{a['external_id']['id']}"): {"note": "x"},
        ("DELETE", f"{C}/{cid}/external-ids/{a['external_id']['id']}"): None,
        ("PATCH", "/api/v1/me"): {"space": "construction"},
    }


def test_anonymous_is_401(env, a):
    anon = env.anonymous()
    for (method, path), body in paths(a).items():
        r = anon.request(method, path, json=body) if body is not None else anon.request(method, path)
        assert_error(r, 401, "unauthorized")


def test_cookie_writes_need_csrf(env, admin, a):
    before = assert_status(admin.get(f"{C}/{a['client']['id']}"), 200)
    assert len(before["external_ids"]) == 2
    api = env.client("a", "admin")
    for (method, path), body in paths(a).items():
        if method == "GET":
            continue
        r = api.request(method, path, json=body, csrf=False) if body is not None \
            else api.request(method, path, csrf=False)
        assert_error(r, 403, "csrf_failed")
    assert assert_status(admin.get(f"{C}/{a['client']['id']}"), 200) == before
    assert assert_status(api.get("/api/v1/me"), 200)["space"] == "operations"


def test_readonly_reads_and_is_refused_writes(env, admin, readonly, a):
    before = assert_status(admin.get(f"{C}/{a['client']['id']}"), 200)
    for (method, path), body in paths(a).items():
        if path == "/api/v1/me":
            continue
        if method == "GET":
            assert_read_ok(readonly.get(path), path)
        else:
            r = readonly.request(method, path, json=body) if body is not None else readonly.request(method, path)
            assert_error(r, 403, "forbidden")
    assert assert_status(admin.get(f"{C}/{a['client']['id']}"), 200) == before


def test_other_organisation_gets_404_on_every_id_route(env, admin, admin_b, a):
    before = assert_status(admin.get(f"{C}/{a['client']['id']}"), 200)
    for api in (admin_b, env.token_client("b")):
        for (method, path), body in paths(a).items():
            if not path.startswith(f"{C}/{a['client']['id']}"):
                continue
            r = api.request(method, path, json=body) if body is not None else api.request(method, path)
            assert_error(r, 404, "not_found")
    assert assert_status(admin.get(f"{C}/{a['client']['id']}"), 200) == before
    # exactly like an id that does not exist
    foreign = admin_b.get(f"{C}/{a['client']['id']}")
    missing = admin_b.get(f"{C}/987654321")
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()


def test_lists_searches_and_export_never_show_other_organisation(env, admin_b, a):
    own = make_client(admin_b, last_name="Бобров")
    c = a["client"]
    for api in (admin_b, env.token_client("b")):
        body = assert_status(api.get(C, params={"limit": 500}), 200)
        ids = {i["id"] for i in body["items"]}
        assert c["id"] not in ids and own["id"] in ids
        for q in ("Арбузов", "арбузов антон", "+7 916 444-55-66", "4445566", "916 444"):
            body = assert_status(api.get(C, params={"q": q}), 200)
            assert body["items"] == [] and body["total"] == 0, q
        body = assert_status(api.get(C, params={"tag": c["tags"][0]}), 200)
        assert body["total"] == 0
        r = api.get(f"{C}/export.xlsx", params={"q": "Арбузов"})
        assert r.status_code == 200
        assert [row for row in read_xlsx(r.content)[1:] if any(x.strip() for x in row)] == []


def test_phones_and_external_ids_are_per_organisation(env, admin_b, a):
    c = a["client"]
    b = make_client(admin_b, last_name="Арбузов", first_name="Антон", phone="8 916 444 55 66",
                    external_id=c["external_ids"][0]["value"])
    assert b["phone"] == c["phone"] and b["id"] != c["id"]
    add_external_id(admin_b, b["id"], value=a["external_id"]["value"])
    # B's phone change does not touch A
    assert_status(admin_b.patch(f"{C}/{b['id']}", json={"phone": "+7 916 444-55-67"}), 200)


def test_readonly_and_integration_space(env, readonly, integration):
    """Every signed-in user sees the space it works in; an API token is in operations."""
    assert assert_status(readonly.get("/api/v1/me"), 200)["space"] == "operations"
    assert assert_status(integration.get("/api/v1/me"), 200)["space"] == "operations"
