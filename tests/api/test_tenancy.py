"""Tenant isolation: organisation B never sees, changes or references organisation A's
records. Another organisation's id answers exactly like an id that does not exist."""

import pytest

from apikit import (assert_error, assert_status, inn10, item_paths, make_entrance,
                    make_object, make_object_group, make_tree, seq, write_calls)


@pytest.fixture(scope="module")
def tree_a(admin):
    return make_tree(admin)


@pytest.fixture(scope="module")
def tree_b(admin_b):
    return make_tree(admin_b)


def test_item_routes_answer_404_for_other_org(env, admin, admin_b, tree_a):
    snapshot = {k: assert_status(admin.get(p), 200) for k, p in item_paths(tree_a).items()}
    b_token = env.token_client("b")
    for kind, path in item_paths(tree_a).items():
        for api in (admin_b, b_token):
            assert_error(api.get(path), 404, "not_found")
    for method, tpl, path, body in write_calls(tree_a):
        if "{id}" not in tpl:
            continue
        r = admin_b.request(method, path, json=body) if body is not None \
            else admin_b.request(method, path)
        assert_error(r, 404, "not_found")
    # A's records are untouched
    assert snapshot == {k: assert_status(admin.get(p), 200) for k, p in item_paths(tree_a).items()}


def test_other_org_id_answers_like_a_missing_id(env, admin_b, tree_a):
    foreign = admin_b.get(f"/api/v1/object-groups/{tree_a['group']['id']}")
    missing = admin_b.get("/api/v1/object-groups/987654321")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_nested_collections_of_other_org_object_answer_404(env, admin_b, tree_a):
    o = tree_a["object"]["id"]
    assert_error(admin_b.get(f"/api/v1/objects/{o}/entrances"), 404, "not_found")
    assert_error(admin_b.get(f"/api/v1/objects/{o}/floors"), 404, "not_found")
    assert_error(admin_b.post(f"/api/v1/objects/{o}/entrances", json={"number": 77}), 404, "not_found")
    assert_error(admin_b.post(f"/api/v1/objects/{o}/floors", json={"number": 77}), 404, "not_found")


def test_nested_path_under_own_object_with_other_org_child_404(env, admin_b, tree_a, tree_b):
    ob = tree_b["object"]["id"]
    for kind, child in (("entrances", tree_a["entrance"]["id"]), ("floors", tree_a["floor"]["id"])):
        path = f"/api/v1/objects/{ob}/{kind}/{child}"
        assert_error(admin_b.get(path), 404, "not_found")
        assert_error(admin_b.patch(path, json={"number": 5}), 404, "not_found")
        assert_error(admin_b.delete(path), 404, "not_found")


def test_lists_never_contain_other_org_records(env, admin, admin_b, tree_a, tree_b):
    a_ids = {k: v["id"] for k, v in tree_a.items()}
    b_ids = {k: v["id"] for k, v in tree_b.items()}
    for api in (admin_b, env.token_client("b")):
        for path, kinds in (("/api/v1/object-groups", ("group", "spare_group")),
                            ("/api/v1/quarters", ("quarter",)),
                            ("/api/v1/objects", ("object", "spare_object")),
                            ("/api/v1/legal-entities", ("legal",)),
                            ("/api/v1/premises", ("premise",)),
                            ("/api/v1/tags", ("tag",)),
                            ("/api/v1/clients", ("client",))):
            body = assert_status(api.get(path, params={"limit": 500}), 200)
            ids = {i["id"] for i in body["items"]}
            assert not ids & {a_ids[k] for k in kinds}, f"{path} shows org A's records"
            assert {b_ids[k] for k in kinds} <= ids
            assert body["total"] == len(body["items"])
        # searching by A's names finds nothing
        for path, rec in (("/api/v1/object-groups", tree_a["group"]),
                          ("/api/v1/quarters", tree_a["quarter"]),
                          ("/api/v1/objects", tree_a["object"]),
                          ("/api/v1/legal-entities", tree_a["legal"]),
                          ("/api/v1/tags", tree_a["tag"])):
            # (B's own records may match: "Группа объектов 14" contains "Группа объектов 1")
            body = assert_status(api.get(path, params={"q": rec["name"], "limit": 500}), 200)
            assert rec["id"] not in {i["id"] for i in body["items"]}, f"{path}?q= shows org A's record"
            assert body["total"] == len(body["items"])
        body = assert_status(api.get("/api/v1/legal-entities", params={"q": tree_a["legal"]["inn"]}), 200)
        assert body["total"] == 0
        for q in (tree_a["client"]["full_name"], tree_a["client"]["phone"]):
            body = assert_status(api.get("/api/v1/clients", params={"q": q}), 200)
            assert body["total"] == 0, f"/api/v1/clients?q={q} shows org A's client"
        # filtering by A's ids finds nothing either
        body = assert_status(api.get("/api/v1/quarters",
                                     params={"object_group_id": tree_a["group"]["id"]}), 200)
        assert body["items"] == [] and body["total"] == 0
        body = assert_status(api.get("/api/v1/objects",
                                     params={"quarter_id": tree_a["quarter"]["id"]}), 200)
        assert body["items"] == [] and body["total"] == 0
        body = assert_status(api.get("/api/v1/objects",
                                     params={"object_group_id": tree_a["group"]["id"]}), 200)
        assert body["items"] == [] and body["total"] == 0
    # and A still sees its own
    ids = {i["id"] for i in admin.get("/api/v1/object-groups", params={"limit": 500}).json()["items"]}
    assert a_ids["group"] in ids and b_ids["group"] not in ids


def test_body_reference_to_other_org_record_is_422(env, admin_b, tree_a, tree_b):
    ga, qa, ea = tree_a["group"]["id"], tree_a["quarter"]["id"], tree_a["entrance"]["id"]
    # quarter in A's group
    assert_error(admin_b.post("/api/v1/quarters", json={"name": f"Чужая группа {seq()}",
                                                         "object_group_id": ga}),
                 422, "validation_failed", field="object_group_id")
    assert_error(admin_b.patch(f"/api/v1/quarters/{tree_b['quarter']['id']}",
                               json={"object_group_id": ga}),
                 422, "validation_failed", field="object_group_id")
    # object in A's group / quarter
    base = {"name": f"Дом {seq()}", "street": "Арбат", "house": "1"}
    assert_error(admin_b.post("/api/v1/objects", json={**base, "object_group_id": ga}),
                 422, "validation_failed", field="object_group_id")
    assert_error(admin_b.post("/api/v1/objects", json={**base, "quarter_id": qa}),
                 422, "validation_failed", field="quarter_id")
    ob = tree_b["object"]["id"]
    assert_error(admin_b.patch(f"/api/v1/objects/{ob}", json={"quarter_id": qa}),
                 422, "validation_failed", field="quarter_id")
    assert_error(admin_b.patch(f"/api/v1/objects/{ob}", json={"object_group_id": ga, "quarter_id": None}),
                 422, "validation_failed", field="object_group_id")
    # floor on A's entrance
    assert_error(admin_b.post(f"/api/v1/objects/{ob}/floors", json={"number": 40, "entrance_id": ea}),
                 422, "validation_failed", field="entrance_id")
    assert_error(admin_b.patch(f"/api/v1/objects/{ob}/floors/{tree_b['floor']['id']}",
                               json={"entrance_id": ea}),
                 422, "validation_failed", field="entrance_id")
    # B's records are unchanged
    assert assert_status(admin_b.get(f"/api/v1/objects/{ob}"), 200)["quarter_id"] == tree_b["quarter"]["id"]
    assert assert_status(admin_b.get(f"/api/v1/objects/{ob}/floors/{tree_b['floor']['id']}"),
                         200)["entrance_id"] == tree_b["entrance"]["id"]


def test_body_reference_to_missing_record_is_422(env, admin_b, tree_b):
    assert_error(admin_b.post("/api/v1/quarters", json={"name": "Нет группы", "object_group_id": 987654321}),
                 422, "validation_failed", field="object_group_id")
    ob = tree_b["object"]["id"]
    assert_error(admin_b.post(f"/api/v1/objects/{ob}/floors", json={"number": 41, "entrance_id": 987654321}),
                 422, "validation_failed", field="entrance_id")


def test_entrance_of_another_object_same_org(env, admin):
    o1 = make_object(admin)
    o2 = make_object(admin)
    e1 = make_entrance(admin, o1["id"], number=1)
    f1 = assert_status(admin.post(f"/api/v1/objects/{o1['id']}/floors", json={"number": 1}), 201)
    for path in (f"/api/v1/objects/{o2['id']}/entrances/{e1['id']}",
                 f"/api/v1/objects/{o2['id']}/floors/{f1['id']}"):
        assert_error(admin.get(path), 404, "not_found")
        assert_error(admin.patch(path, json={"number": 9}), 404, "not_found")
        assert_error(admin.delete(path), 404, "not_found")
    assert_status(admin.get(f"/api/v1/objects/{o1['id']}/entrances/{e1['id']}"), 200)
    assert_status(admin.get(f"/api/v1/objects/{o1['id']}/floors/{f1['id']}"), 200)
    # a floor of o2 may not hang on o1's entrance
    assert_error(admin.post(f"/api/v1/objects/{o2['id']}/floors", json={"number": 2, "entrance_id": e1["id"]}),
                 422, "validation_failed", field="entrance_id")


def test_same_names_allowed_in_different_orgs(env, admin, admin_b):
    name = f"Общее название {seq()}"
    make_object_group(admin, name=name)
    make_object_group(admin_b, name=name)
    inn = inn10(500000 + seq())
    assert_status(admin.post("/api/v1/legal-entities", json={"name": "ООО А", "inn": inn}), 201)
    assert_status(admin_b.post("/api/v1/legal-entities", json={"name": "ООО Б", "inn": inn}), 201)


def test_api_token_is_scoped_to_its_org(env, tree_a):
    tb = env.token_client("b")
    for kind, path in item_paths(tree_a).items():
        assert_error(tb.get(path), 404, "not_found")
    assert_error(tb.post("/api/v1/quarters", json={"name": "x", "object_group_id": tree_a["group"]["id"]}),
                 422, "validation_failed", field="object_group_id")



# ------------------------------------------------------------------------- links and accounts


def test_link_and_account_bodies_referring_to_other_org_records_are_422(env, admin, admin_b, tree_a, tree_b):
    """A client, owner, premise or legal entity of another organisation inside a body answers
    422 naming the field, and nothing is written."""
    pb, cb = tree_b["premise"]["id"], tree_b["client"]["id"]
    before_links = assert_status(admin_b.get(f"/api/v1/premises/{pb}/clients"), 200)
    before_client = assert_status(admin_b.get(f"/api/v1/clients/{cb}/premises"), 200)
    before_accounts = assert_status(admin_b.get(f"/api/v1/premises/{pb}/accounts"), 200)
    a_client, a_premise = tree_a["client"]["id"], tree_a["premise"]["id"]
    assert_error(admin_b.post(f"/api/v1/premises/{pb}/clients", json={"client_id": a_client}),
                 422, "validation_failed", field="client_id")
    assert_error(admin_b.post(f"/api/v1/premises/{pb}/clients",
                              json={"client_id": tree_b["client2"]["id"], "role": "resident",
                                    "owner_client_id": a_client}),
                 422, "validation_failed", field="owner_client_id")
    assert_error(admin_b.post(f"/api/v1/clients/{cb}/premises", json={"premise_id": a_premise}),
                 422, "validation_failed", field="premise_id")
    assert_error(admin_b.patch(f"/api/v1/premises/{pb}/clients/{cb}",
                               json={"role": "tenant", "owner_client_id": a_client}),
                 422, "validation_failed", field="owner_client_id")
    assert_error(admin_b.post(f"/api/v1/premises/{pb}/accounts",
                              json={"legal_entity_id": tree_a["legal"]["id"], "number": f"Ч-{seq()}"}),
                 422, "validation_failed", field="legal_entity_id")
    assert_error(admin_b.patch(f"/api/v1/accounts/{tree_b['account']['id']}",
                               json={"legal_entity_id": tree_a["legal"]["id"]}),
                 422, "validation_failed", field="legal_entity_id")
    assert assert_status(admin_b.get(f"/api/v1/premises/{pb}/clients"), 200) == before_links
    assert assert_status(admin_b.get(f"/api/v1/clients/{cb}/premises"), 200) == before_client
    assert assert_status(admin_b.get(f"/api/v1/premises/{pb}/accounts"), 200) == before_accounts
    # and A's premise got no link from B
    links_a = assert_status(admin.get(f"/api/v1/premises/{a_premise}/clients"), 200)
    assert {i["client_id"] for i in links_a["items"]} == {a_client}


def test_other_org_link_routes_answer_404(env, admin, admin_b, tree_a, tree_b):
    """B's own premise with A's client in the path, and A's premise with B's client: 404 like a
    link that does not exist; nothing changes."""
    pa, ca = tree_a["premise"]["id"], tree_a["client"]["id"]
    pb, cb = tree_b["premise"]["id"], tree_b["client"]["id"]
    for api, path in ((admin_b, f"/api/v1/premises/{pb}/clients/{ca}"),
                      (admin_b, f"/api/v1/premises/{pa}/clients/{cb}"),
                      (admin_b, f"/api/v1/premises/{pa}/clients/{ca}"),
                      (admin, f"/api/v1/premises/{pa}/clients/{cb}")):
        assert_error(api.patch(path, json={"comment": "чужой"}), 404, "not_found")
        assert_error(api.delete(path), 404, "not_found")
    [link] = assert_status(admin.get(f"/api/v1/premises/{pa}/clients"), 200)["items"]
    assert link["client_id"] == ca and link["comment"] is None


def test_other_org_links_and_accounts_never_listed(env, admin, admin_b, tree_a, tree_b):
    a_account = tree_a["account"]
    for api in (admin_b, env.token_client("b")):
        # B's premise search does not find A's premise by A's account number or client name
        for q in (a_account["number"], tree_a["client"]["full_name"], tree_a["client"]["phone"]):
            body = assert_status(api.get("/api/v1/premises", params={"q": q}), 200)
            assert tree_a["premise"]["id"] not in {i["id"] for i in body["items"]}, q
        body = assert_status(api.get("/api/v1/premises", params={"client_id": tree_a["client"]["id"]}), 200)
        assert body["total"] == 0 and body["items"] == []
        body = assert_status(api.get("/api/v1/clients", params={"premise_id": tree_a["premise"]["id"]}), 200)
        assert body["total"] == 0 and body["items"] == []
        body = assert_status(api.get("/api/v1/clients", params={"object_id": tree_a["object"]["id"]}), 200)
        assert body["total"] == 0 and body["items"] == []
