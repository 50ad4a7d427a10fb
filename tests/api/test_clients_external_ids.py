"""External ids of clients (docs/clients.md, SPEC P-4, C-8) and the CRM space of the session
(`PATCH /api/v1/me`): add (in the caller's space by default), list, change value / system /
note, remove the note, delete; values unique per organisation and space; the other space's
ids are read-only."""

import time

import pytest

from apikit import (Api, add_external_id, assert_error, assert_status, make_client, seq,
                    validate)

C = "/api/v1/clients"


def xpath(client_id: int, external_id: int | None = None) -> str:
    base = f"{C}/{client_id}/external-ids"
    return base if external_id is None else f"{base}/{external_id}"


def listed(api, client_id: int) -> list[dict]:
    body = validate(assert_status(api.get(xpath(client_id)), 200), "ExternalIdList")
    assert body["total"] == len(body["items"])
    return body["items"]


def me_in(env, space: str, role: str = "operator") -> Api:
    """A new session of org A's user, switched to `space`."""
    api = env.client("a", role)
    me = validate(assert_status(api.patch("/api/v1/me", json={"space": space}), 200), "Me")
    assert me["space"] == space
    return api


# ------------------------------------------------------------------------- the session's space


def test_me_shows_the_space_and_a_new_session_starts_in_operations(env, operator):
    me = validate(assert_status(operator.get("/api/v1/me"), 200), "Me")
    assert me["space"] == "operations"
    assert me["login"] == env.a.users["operator"]


def test_patch_me_switches_the_space_of_the_session(env):
    api = env.client("a", "operator")
    me = validate(assert_status(api.patch("/api/v1/me", json={"space": "construction"}), 200), "Me")
    assert me["space"] == "construction" and me["login"] == env.a.users["operator"]
    assert me["role"] == "operator" and me["organization"]["id"] == env.a.id
    assert validate(assert_status(api.get("/api/v1/me"), 200), "Me")["space"] == "construction"
    # another session of the same user keeps its own space
    other = env.client("a", "operator")
    assert assert_status(other.get("/api/v1/me"), 200)["space"] == "operations"
    # the session's bearer token is the same session
    bearer = Api(env.base_url, bearer=api.session_token)
    assert assert_status(bearer.get("/api/v1/me"), 200)["space"] == "construction"
    me = assert_status(api.patch("/api/v1/me", json={"space": "operations"}), 200)
    assert me["space"] == "operations"
    assert assert_status(bearer.get("/api/v1/me"), 200)["space"] == "operations"


@pytest.mark.parametrize("body,field", [({"space": "office"}, "space"), ({"space": None}, "space"),
                                        ({}, "space"), ({"space": 1}, "space"),
                                        ({"space": "construction", "role": "admin"}, "role"),
                                        ({"space": "OPERATIONS"}, "space")])
def test_patch_me_bad_body(env, body, field):
    api = env.client("a", "operator")
    assert_error(api.patch("/api/v1/me", json=body), 422, "validation_failed", field=field)
    me = assert_status(api.get("/api/v1/me"), 200)
    assert me["space"] == "operations" and me["role"] == "operator"


def test_patch_me_not_json(env):
    api = env.client("a", "operator")
    assert_error(api.patch("/api/v1/me", data=b"[]", headers={"Content-Type": "application/json"}),
                 400, "invalid_json")


def test_patch_me_needs_csrf_and_a_login(env):
    api = env.client("a", "operator")
    assert_error(api.patch("/api/v1/me", json={"space": "construction"}, csrf=False), 403, "csrf_failed")
    assert assert_status(api.get("/api/v1/me"), 200)["space"] == "operations"
    assert_error(env.anonymous().patch("/api/v1/me", json={"space": "construction"}), 401, "unauthorized")


def test_an_api_tokens_space_cannot_be_switched(integration):
    assert_error(integration.patch("/api/v1/me", json={"space": "construction"}), 422, "validation_failed",
                 field="space")
    assert assert_status(integration.get("/api/v1/me"), 200)["space"] == "operations"


def test_login_answer_user_is_a_user(env):
    r = Api(env.base_url).login(env.a.users["admin"], env.password)
    validate(r.json()["user"], "User")


# ------------------------------------------------------------------------- add, list, change, delete


def test_add_list_change_and_delete(admin):
    c = make_client(admin)
    a = add_external_id(admin, c["id"], system="1c", value=f"1C-{seq()}")
    assert a["space"] == "operations" and a["note"] is None  # the caller's space
    assert a["created_at"] == a["updated_at"]
    b = add_external_id(admin, c["id"], system="bitrix", value=f"B24-{seq()}", note="Из CRM застройщика",
                        space="operations")
    items = listed(admin, c["id"])
    assert sorted(i["id"] for i in items) == sorted([a["id"], b["id"]])
    assert {i["id"]: i for i in items}[b["id"]] == b
    # the card shows them too
    card = assert_status(admin.get(f"{C}/{c['id']}"), 200)
    assert sorted(card["external_ids"], key=lambda x: x["id"]) == sorted(items, key=lambda x: x["id"])
    # change value, system, note
    v = f"1C-{seq()}"
    got = validate(assert_status(admin.patch(xpath(c["id"], a["id"]), json={"value": v}), 200), "ExternalId")
    assert got["value"] == v and got["system"] == "1c" and got["note"] is None
    assert got["id"] == a["id"] and got["space"] == "operations" and got["created_at"] == a["created_at"]
    got = assert_status(admin.patch(xpath(c["id"], a["id"]), json={"system": "1c-upp", "note": "Основной"}), 200)
    assert (got["system"], got["value"], got["note"]) == ("1c-upp", v, "Основной")
    # null removes the note; a blank note is no note
    got = assert_status(admin.patch(xpath(c["id"], a["id"]), json={"note": None}), 200)
    assert got["note"] is None and got["value"] == v
    got = assert_status(admin.patch(xpath(c["id"], b["id"]), json={"note": "  "}), 200)
    assert got["note"] is None
    history_before = assert_status(admin.get(f"{C}/{c['id']}/history"), 200)["total"]
    time.sleep(1.1)  # a write would now show a later updated_at
    assert {i["id"]: i for i in listed(admin, c["id"])}[a["id"]] == \
        assert_status(admin.patch(xpath(c["id"], a["id"]), json={}), 200), \
        "a PATCH that changes nothing writes nothing (updated_at stays)"
    assert assert_status(admin.get(f"{C}/{c['id']}/history"), 200)["total"] == history_before, \
        "and adds no history entry"
    # delete
    assert_status(admin.delete(xpath(c["id"], a["id"])), 204)
    assert [i["id"] for i in listed(admin, c["id"])] == [b["id"]]
    assert_error(admin.patch(xpath(c["id"], a["id"]), json={"note": "x"}), 404, "not_found")
    assert_error(admin.delete(xpath(c["id"], a["id"])), 404, "not_found")


def test_operator_and_integration_manage_external_ids(operator, integration):
    for api in (operator, integration):
        c = make_client(api)
        x = add_external_id(api, c["id"])
        assert x["space"] == "operations"
        assert assert_status(api.patch(xpath(c["id"], x["id"]), json={"note": "Сверено"}), 200)["note"] == "Сверено"
        assert_status(api.delete(xpath(c["id"], x["id"])), 204)


def test_value_unique_per_organisation_and_space(env, admin, admin_b):
    value = f"UNIQ-{seq()}"
    c1, c2 = make_client(admin), make_client(admin)
    x = add_external_id(admin, c1["id"], value=value)
    # the same value in the same space: on another client, on the same client, via PATCH
    for cid in (c2["id"], c1["id"]):
        assert_error(admin.post(xpath(cid), json={"system": "1c", "value": value}), 409, "conflict", field="value")
        assert_error(admin.post(xpath(cid), json={"system": "other", "value": value}), 409, "conflict",
                     field="value")
    y = add_external_id(admin, c2["id"])
    assert_error(admin.patch(xpath(c2["id"], y["id"]), json={"value": value}), 409, "conflict", field="value")
    # the value of a client created with `external_id` is taken as well
    z = make_client(admin, external_id=f"CREATE-{seq()}")
    assert_error(admin.post(xpath(c2["id"]), json={"system": "1c", "value": z["external_ids"][0]["value"]}),
                 409, "conflict", field="value")
    # the same value in the other space is allowed
    constr = me_in(env, "construction")
    other = add_external_id(constr, c2["id"], value=value)
    assert other["space"] == "construction"
    # and in another organisation
    add_external_id(admin_b, make_client(admin_b)["id"], value=value)
    # a deleted id frees its value
    assert_status(admin.delete(xpath(c1["id"], x["id"])), 204)
    add_external_id(admin, c2["id"], value=value)
    # an unchanged value is no conflict
    assert_status(admin.patch(xpath(c2["id"], y["id"]), json={"value": y["value"], "note": "тот же"}), 200)


@pytest.mark.parametrize("body,field", [
    ({"value": "X"}, "system"), ({"system": "1c"}, "value"), ({"system": "", "value": "X"}, "system"),
    ({"system": "1c", "value": "  "}, "value"), ({"system": "1c", "value": "X" * 101}, "value"),
    ({"system": "1c", "value": 5}, "value"), ({"system": ["1c"], "value": "X"}, "system"),
    ({"system": "1c", "value": "X", "note": 5}, "note"), ({"system": "1c", "value": "X", "bogus": 1}, "bogus"),
    ({"system": "1c", "value": "X", "space": "office"}, "space"),
    ({"system": "1c", "value": "X", "note": "a\u0000b"}, "note"),
    ({"system": "1c", "value": "X\u0000Y"}, "value"),
    ({"system": "1c", "value": "X", "id": 5}, "id"),
])
def test_bad_external_id_body(admin, body, field):
    c = make_client(admin)
    assert_error(admin.post(xpath(c["id"]), json=body), 422, "validation_failed", field=field)
    assert listed(admin, c["id"]) == []


@pytest.mark.parametrize("body,field", [
    ({"value": None}, "value"), ({"system": None}, "system"), ({"value": ""}, "value"),
    ({"value": "X" * 101}, "value"), ({"note": 5}, "note"), ({"bogus": 1}, "bogus"),
    ({"note": "a\u0000b"}, "note"), ({"space": "operations"}, "space"), ({"created_at": "x"}, "created_at"),
])
def test_bad_external_id_patch(admin, body, field):
    c = make_client(admin)
    x = add_external_id(admin, c["id"], note="Исходная")
    assert_error(admin.patch(xpath(c["id"], x["id"]), json=body), 422, "validation_failed", field=field)
    assert listed(admin, c["id"]) == [x]


def test_external_id_of_another_client_is_404(admin):
    c1, c2 = make_client(admin), make_client(admin)
    x = add_external_id(admin, c1["id"])
    assert_error(admin.patch(xpath(c2["id"], x["id"]), json={"note": "x"}), 404, "not_found")
    assert_error(admin.delete(xpath(c2["id"], x["id"])), 404, "not_found")
    assert listed(admin, c1["id"]) == [x]


# ------------------------------------------------------------------------- spaces


def test_the_other_spaces_ids_are_read_only(env, admin):
    """C-8: only the ids of the current space are editable; after switching to construction the
    ids of operations are read-only and new ids go to construction."""
    c = make_client(admin, external_id=f"OPS-{seq()}")
    [ops] = c["external_ids"]
    assert ops["space"] == "operations"
    api = me_in(env, "construction")
    # read: both spaces
    assert listed(api, c["id"]) == [ops]
    # operations' id is read-only here
    assert_error(api.patch(xpath(c["id"], ops["id"]), json={"note": "Из стройки"}), 403, "forbidden")
    assert_error(api.patch(xpath(c["id"], ops["id"]), json={"value": "X"}), 403, "forbidden")
    assert_error(api.delete(xpath(c["id"], ops["id"])), 403, "forbidden")
    # a new id goes to construction and is editable here
    new = add_external_id(api, c["id"], system="1c-stroy", value=f"STR-{seq()}")
    assert new["space"] == "construction"
    assert assert_status(api.patch(xpath(c["id"], new["id"]), json={"note": "ДДУ"}), 200)["note"] == "ДДУ"
    # adding to operations from construction is refused too
    assert_error(api.post(xpath(c["id"]), json={"system": "1c", "value": f"OPS-{seq()}", "space": "operations"}),
                 403, "forbidden")
    # the client's card shows the ids of both spaces (P-4: one client, ids of both spaces)
    card = assert_status(api.get(f"{C}/{c['id']}"), 200)
    assert sorted((x["space"], x["id"]) for x in card["external_ids"]) == \
        sorted([("operations", ops["id"]), ("construction", new["id"])])
    assert sorted(listed(admin, c["id"]), key=lambda x: x["id"]) == sorted(card["external_ids"], key=lambda x: x["id"])
    # from operations, construction's id is read-only and operations' is editable again
    assert_error(admin.patch(xpath(c["id"], new["id"]), json={"note": "x"}), 403, "forbidden")
    assert_error(admin.delete(xpath(c["id"], new["id"])), 403, "forbidden")
    assert assert_status(admin.patch(xpath(c["id"], ops["id"]), json={"note": "Эксплуатация"}), 200)["note"] \
        == "Эксплуатация"
    # nothing of the refused changes stuck
    by_id = {x["id"]: x for x in listed(admin, c["id"])}
    assert by_id[new["id"]]["note"] == "ДДУ" and by_id[ops["id"]]["value"] == ops["value"]
    # switching back makes construction's id read-only for this session too
    assert_status(api.patch("/api/v1/me", json={"space": "operations"}), 200)
    assert_error(api.delete(xpath(c["id"], new["id"])), 403, "forbidden")
    assert_status(api.delete(xpath(c["id"], ops["id"])), 204)


def test_external_id_on_create_goes_to_the_callers_space(env):
    api = me_in(env, "construction", role="admin")
    value = f"STR-{seq()}"
    c = make_client(api, external_id=value)
    [x] = c["external_ids"]
    assert (x["space"], x["system"], x["value"]) == ("construction", "crm", value)
    # the same value at once in operations is another space: allowed
    ops = make_client(env.client("a", "admin"), external_id=value)
    assert ops["external_ids"][0]["space"] == "operations"


def test_explicit_space_of_the_caller_is_accepted(env, admin):
    c = make_client(admin)
    x = add_external_id(admin, c["id"], space="operations")
    assert x["space"] == "operations"
    api = me_in(env, "construction")
    y = add_external_id(api, c["id"], space="construction")
    assert y["space"] == "construction"


def test_readonly_may_not_change_external_ids(env, admin, readonly):
    c = make_client(admin)
    x = add_external_id(admin, c["id"])
    assert listed(readonly, c["id"]) == [x]
    assert_error(readonly.post(xpath(c["id"]), json={"system": "1c", "value": f"RO-{seq()}"}), 403, "forbidden")
    assert_error(readonly.patch(xpath(c["id"], x["id"]), json={"note": "x"}), 403, "forbidden")
    assert_error(readonly.delete(xpath(c["id"], x["id"])), 403, "forbidden")
    assert listed(admin, c["id"]) == [x]


def test_external_ids_of_another_organisation_are_404(env, admin, admin_b):
    c = make_client(admin)
    x = add_external_id(admin, c["id"])
    cb = make_client(admin_b)
    xb = add_external_id(admin_b, cb["id"])
    for api in (admin_b, env.token_client("b")):
        assert_error(api.get(xpath(c["id"])), 404, "not_found")
        assert_error(api.post(xpath(c["id"]), json={"system": "1c", "value": f"B-{seq()}"}), 404, "not_found")
        assert_error(api.patch(xpath(c["id"], x["id"]), json={"note": "чужой"}), 404, "not_found")
        assert_error(api.delete(xpath(c["id"], x["id"])), 404, "not_found")
        # A's external id under B's own client
        assert_error(api.patch(xpath(cb["id"], x["id"]), json={"note": "чужой"}), 404, "not_found")
        assert_error(api.delete(xpath(cb["id"], x["id"])), 404, "not_found")
    # and the other way round
    assert_error(admin.patch(xpath(c["id"], xb["id"]), json={"note": "чужой"}), 404, "not_found")
    assert_error(admin.delete(xpath(cb["id"], xb["id"])), 404, "not_found")
    assert listed(admin, c["id"]) == [x]
    assert listed(admin_b, cb["id"]) == [xb]


def test_external_id_changes_are_in_the_client_history(admin):
    c = make_client(admin)
    x = add_external_id(admin, c["id"], value=f"HIST-{seq()}")
    assert_status(admin.patch(xpath(c["id"], x["id"]), json={"note": "Пометка"}), 200)
    assert_status(admin.delete(xpath(c["id"], x["id"])), 204)
    body = validate(assert_status(admin.get(f"{C}/{c['id']}/history"), 200), "HistoryList")
    assert body["total"] == 4, body
    assert [e["action"] for e in body["items"]] == ["updated", "updated", "updated", "created"]
    assert any(x["value"] in str(e["changes"]) for e in body["items"][:3])
