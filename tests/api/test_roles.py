"""Roles: readonly reads only (403 forbidden on every write route); operator, admin and API
tokens (integration) read and write data."""

import pytest

from apikit import (TREE_KINDS, assert_error, assert_read_ok, assert_status, item_paths, make_tree,
                    openapi_operations, read_calls, write_calls, write_status)

DATA_PREFIXES = ("/api/v1/object-groups", "/api/v1/quarters", "/api/v1/objects",
                 "/api/v1/legal-entities", "/api/v1/premises", "/api/v1/tags", "/api/v1/clients",
                 "/api/v1/accounts")


def test_catalog_covers_every_data_route():
    """The write/read catalog used here and in test_tenancy must cover every data route of the
    contract, so a new route cannot slip past the role and tenancy checks."""
    dummy = {k: {"id": 1, "name": "x"} for k in TREE_KINDS}
    covered = {(m, tpl) for m, tpl, _, _ in write_calls(dummy)}
    covered |= {("GET", tpl) for tpl, _ in read_calls(dummy)}
    spec = {(m, p) for m, p in openapi_operations() if p.startswith(DATA_PREFIXES)}
    assert covered == spec, f"missing: {spec - covered}, extra: {covered - spec}"


def test_readonly_is_refused_every_write(env, admin, readonly):
    tree = make_tree(admin)
    before = {k: assert_status(admin.get(p), 200) for k, p in item_paths(tree).items()}
    for method, tpl, path, body in write_calls(tree):
        r = readonly.request(method, path, json=body) if body is not None \
            else readonly.request(method, path)
        assert_error(r, 403, "forbidden")
    # nothing changed
    after = {k: assert_status(admin.get(p), 200) for k, p in item_paths(tree).items()}
    assert before == after
    names = [g["name"] for g in admin.get("/api/v1/object-groups", params={"limit": 500}).json()["items"]]
    assert not any(n.startswith("Новая группа") for n in names)


def test_readonly_is_refused_with_bearer_session_token_too(env, admin):
    from apikit import Api
    token = Api(env.base_url).login(env.a.users["readonly"], env.password).json()["token"]
    ro = Api(env.base_url, bearer=token)
    assert_error(ro.post("/api/v1/object-groups", json={"name": "bearer readonly"}), 403, "forbidden")


def test_readonly_reads_everything(env, admin, readonly):
    tree = make_tree(admin)
    for tpl, path in read_calls(tree):
        assert_read_ok(readonly.get(path), tpl)


def test_readonly_may_log_out(env):
    ro = env.client("a", "readonly")
    assert_status(ro.post("/api/v1/auth/logout"), 204)


@pytest.mark.parametrize("who", ["operator", "admin", "integration", "session_bearer"])
def test_writers_can_create_change_and_delete(env, who):
    from apikit import Api
    if who == "integration":
        api = env.token_client("a")
    elif who == "session_bearer":
        api = Api(env.base_url, bearer=Api(env.base_url).login(env.a.users["operator"], env.password)
                  .json()["token"])
    else:
        api = env.client("a", who)
    tree = make_tree(api)  # POST on every collection
    for method, tpl, path, body in write_calls(tree):
        if body is not None:
            r = api.request(method, path, json=body)
        else:
            r = api.request(method, path)
        assert_status(r, write_status(method, tpl))
    for path in DATA_PREFIXES:
        if path != "/api/v1/accounts":  # accounts are listed per premise only
            assert_status(api.get(path), 200)
    for kind, path in item_paths(tree).items():
        if kind.endswith("_history"):
            # A deleted record keeps its history; its newest entry is the deletion.
            r = api.get(path)
            assert_status(r, 200)
            assert r.json()["items"][0]["action"] == "deleted", r.text
            continue
        assert_error(api.get(path), 404, "not_found")


def test_every_write_needs_csrf_and_every_route_a_login(env, admin):
    """Over the whole catalog (links, accounts and the ledger included): a cookie-authenticated
    write without `X-CSRF-Token` answers 403 csrf_failed, an anonymous request 401, and nothing
    changes."""
    from apikit import Api
    tree = make_tree(admin)
    before = {k: assert_status(admin.get(p), 200) for k, p in item_paths(tree).items()}
    anonymous = Api(env.base_url)
    for method, tpl, path, body in write_calls(tree):
        kw = {"json": body} if body is not None else {}
        assert_error(admin.request(method, path, csrf=False, **kw), 403, "csrf_failed")
        assert_error(anonymous.request(method, path, **kw), 401, "unauthorized")
    for tpl, path in read_calls(tree):
        assert_error(anonymous.get(path), 401, "unauthorized")
    assert before == {k: assert_status(admin.get(p), 200) for k, p in item_paths(tree).items()}
