"""API tokens managed by the organisation's admins (SPEC P-1, «Настройки» → «Интеграция» →
«API-токены»): issue (the token shown once), list, revoke; a revoked token is refused at once;
only admins manage them, and only their own organisation's."""

import pytest

from apikit import Api, assert_error, assert_status, seq, validate

TOKENS = "/api/v1/integration/tokens"
IMPORT = "/api/v1/exchange/import"


def issue(api: Api, name: str | None = None) -> dict:
    body = validate(assert_status(api.post(TOKENS, json={"name": name or f"1С {seq()}"}), 201),
                    "ApiTokenIssued")
    assert body["token"].startswith("upd_") and len(body["token"]) > 30, body
    return body


def listed(api: Api) -> list[dict]:
    return validate(assert_status(api.get(TOKENS), 200), "ApiTokenList")["items"]


def a_client_record() -> dict:
    n = seq()
    return {"client": {"external_id": f"TOKEN-C-{n}", "last_name": "Токенов", "first_name": "Иван",
                       "phone": f"+7913{n % 10_000_000:07d}"}}


def test_an_issued_token_imports_and_a_revoked_one_is_refused(env, admin):
    issued = issue(admin, f"1С: Бухгалтерия {seq()}")
    item = next(t for t in listed(admin) if t["id"] == issued["id"])
    assert item == {"id": issued["id"], "name": issued["name"], "created_at": issued["created_at"]}
    assert "token" not in item, "the list never shows a token again"

    integration = Api(env.base_url, bearer=issued["token"])
    ans = assert_status(integration.post(IMPORT, json={"records": [a_client_record()], "source": "1c"}), 200)
    assert ans["status"] == "ok", ans
    ops = assert_status(admin.get("/api/v1/exchange/operations", params={"limit": 5}), 200)["items"]
    assert any(o["id"] == ans["operation_id"] and issued["name"] in (o.get("actor_name") or "")
               for o in ops), "the log names the token the import came with"

    assert_status(admin.delete(f"{TOKENS}/{issued['id']}"), 204)
    assert issued["id"] not in [t["id"] for t in listed(admin)]
    assert_error(integration.post(IMPORT, json={"records": [a_client_record()]}), 401)
    assert_error(integration.get("/api/v1/me"), 401)
    # revoked once: a second revocation finds nothing
    assert_error(admin.delete(f"{TOKENS}/{issued['id']}"), 404, "not_found")


def test_the_issue_answer_is_not_cached(admin):
    r = admin.post(TOKENS, json={"name": f"Сервер УК {seq()}"})
    assert_status(r, 201)
    assert "no-store" in r.headers.get("Cache-Control", ""), r.headers


def test_a_name_in_use_is_refused_ignoring_case(admin):
    name = f"Обмен с банком {seq()}"
    issue(admin, name)
    body = assert_error(admin.post(TOKENS, json={"name": name.upper()}), 409, "conflict", field="name")
    assert "уже есть" in body["fields"]["name"], body
    # the name is free again once its token is revoked
    [old] = [t for t in listed(admin) if t["name"] == name]
    assert_status(admin.delete(f"{TOKENS}/{old['id']}"), 204)
    issue(admin, name)


@pytest.mark.parametrize("body,field", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": 42}, "name"),
    ({"name": "1С", "scope": "all"}, "scope"),
])
def test_bad_input_is_422_naming_the_field(admin, body, field):
    before = listed(admin)
    assert_error(admin.post(TOKENS, json=body), 422, "validation_failed", field=field)
    assert listed(admin) == before, "a refused token was issued"


def test_not_json_is_400(admin):
    r = admin.post(TOKENS, data=b"{name", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")
    assert not [t for t in listed(admin) if t["name"].startswith("{")]


def test_only_admins_manage_tokens(admin, operator, readonly, integration):
    issued = issue(admin)
    for who in (operator, readonly, integration):
        assert_error(who.get(TOKENS), 403, "forbidden")
        assert_error(who.post(TOKENS, json={"name": f"Чужой {seq()}"}), 403, "forbidden")
        assert_error(who.delete(f"{TOKENS}/{issued['id']}"), 403, "forbidden")
    assert issued["id"] in [t["id"] for t in listed(admin)], "a refused revocation revoked it"


def test_another_organisations_tokens_are_neither_seen_nor_revoked(env, admin, admin_b):
    mine = issue(admin)
    theirs = issue(admin_b)
    assert theirs["id"] not in [t["id"] for t in listed(admin)]
    assert mine["id"] not in [t["id"] for t in listed(admin_b)]
    assert_error(admin.delete(f"{TOKENS}/{theirs['id']}"), 404, "not_found")
    assert theirs["id"] in [t["id"] for t in listed(admin_b)], "organisation B's token was revoked by A"
    # and B's token imports into B, never into A
    ans = assert_status(Api(env.base_url, bearer=theirs["token"]).post(
        IMPORT, json={"records": [a_client_record()], "source": "1c"}), 200)
    a_ops = assert_status(admin.get("/api/v1/exchange/operations", params={"limit": 50}), 200)["items"]
    assert ans["operation_id"] not in [o["id"] for o in a_ops]


def test_unknown_token_id_is_404(admin):
    assert_error(admin.delete(f"{TOKENS}/999999999"), 404, "not_found")


def test_at_most_100_tokens_in_force(admin_b):
    """Organisation B's tokens filled to the cap: the next is refused until one is revoked."""
    issued = [issue(admin_b)["id"] for _ in range(100 - len(listed(admin_b)))]
    try:
        body = assert_error(admin_b.post(TOKENS, json={"name": f"Сто первый {seq()}"}), 409, "conflict")
        assert "100" in body["message"] and "отзовите" in body["message"], body
        assert len(listed(admin_b)) == 100
        assert_status(admin_b.delete(f"{TOKENS}/{issued.pop()}"), 204)
        issued.append(issue(admin_b)["id"])
    finally:
        for token_id in issued:
            admin_b.delete(f"{TOKENS}/{token_id}")
