"""Login, sessions, bearer tokens, CSRF and logout (docs/api-conventions.md, Authentication)."""

from apikit import Api, assert_error, assert_status, validate


def _set_cookie_headers(r):
    return r.raw.headers.getlist("Set-Cookie")


def _cookie_attrs(header: str) -> tuple[str, str, dict[str, str]]:
    parts = [p.strip() for p in header.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return name, value, attrs


def test_login_ok_returns_token_csrf_user_and_cookies(env):
    api = Api(env.base_url)
    r = api.login(env.a.users["admin"], env.password)
    body = validate(assert_status(r, 200), "LoginResponse")
    assert body["token"] and body["csrf_token"] and body["token"] != body["csrf_token"]
    user = body["user"]
    assert user["login"] == env.a.users["admin"]
    assert user["role"] == "admin"
    assert user["full_name"] == "Иванов Иван (admin)"
    assert user["organization"] == {"id": env.a.id, "name": env.a.name}

    cookies = {}
    for h in _set_cookie_headers(r):
        name, value, attrs = _cookie_attrs(h)
        cookies[name] = (value, attrs)
    assert "upravdom_session" in cookies, _set_cookie_headers(r)
    assert "upravdom_csrf" in cookies, _set_cookie_headers(r)
    sess_value, sess = cookies["upravdom_session"]
    assert sess_value
    assert "httponly" in sess, f"session cookie must be HttpOnly: {sess}"
    assert sess.get("samesite", "").lower() == "strict", sess
    assert sess.get("path") == "/", sess
    csrf_value, csrf = cookies["upravdom_csrf"]
    assert csrf_value == body["csrf_token"]
    assert "httponly" not in csrf, "the CSRF cookie must be readable by the page"
    assert csrf.get("samesite", "").lower() == "strict", csrf


def test_login_wrong_password(env):
    r = Api(env.base_url).login(env.a.users["operator"], "неверный пароль", expect=None)
    assert_error(r, 401, "invalid_credentials")
    assert "upravdom_session" not in r.cookies


def test_login_unknown_user_same_answer(env):
    r = Api(env.base_url).login("nobody_here", env.password, expect=None)
    body = assert_error(r, 401, "invalid_credentials")
    r2 = Api(env.base_url).login(env.a.users["operator"], "wrong-again", expect=None)
    body2 = assert_error(r2, 401, "invalid_credentials")
    assert body["message"] == body2["message"], "do not reveal which logins exist"


def test_login_missing_fields(env):
    r = Api(env.base_url).s.post(env.base_url + "/api/v1/auth/login", json={"login": "x"})
    assert_error(r, 422, "validation_failed", field="password")


def test_me_with_cookie(env):
    api = env.client("a", "operator")
    me = validate(assert_status(api.get("/api/v1/me"), 200), "Me")
    assert me["login"] == env.a.users["operator"]
    assert me["role"] == "operator"
    assert me["organization"]["id"] == env.a.id


def test_me_with_session_bearer(env):
    api = Api(env.base_url)
    token = api.login(env.a.users["readonly"], env.password).json()["token"]
    me = validate(assert_status(Api(env.base_url, bearer=token).get("/api/v1/me"), 200), "Me")
    assert me["login"] == env.a.users["readonly"]
    assert me["role"] == "readonly"


def test_me_with_api_token(env):
    me = validate(assert_status(env.token_client("b").get("/api/v1/me"), 200), "Me")
    assert me["id"] is None and me["login"] is None
    assert me["role"] == "integration"
    assert me["full_name"] == "Интеграция 1С b"
    assert me["organization"] == {"id": env.b.id, "name": env.b.name}


def test_no_credentials_401(env):
    anon = env.anonymous()
    assert_error(anon.get("/api/v1/me"), 401, "unauthorized")
    assert_error(anon.get("/api/v1/object-groups"), 401, "unauthorized")
    assert_error(anon.post("/api/v1/object-groups", json={"name": "x"}), 401, "unauthorized")
    assert_error(anon.post("/api/v1/auth/logout"), 401, "unauthorized")


def test_bad_bearer_401(env):
    for token in ("garbage", "x" * 64, env.a.api_token + "x"):
        assert_error(Api(env.base_url, bearer=token).get("/api/v1/me"), 401, "unauthorized")
    r = env.anonymous().get("/api/v1/me", headers={"Authorization": "Basic YTpi"})
    assert_error(r, 401, "unauthorized")


def test_bad_session_cookie_401(env):
    api = Api(env.base_url)
    api.cookies = {"upravdom_session": "forged-session-value"}
    assert_error(api.get("/api/v1/me"), 401, "unauthorized")


def test_logout_invalidates_session(env):
    api = env.client("a", "operator")
    token = api.session_token
    assert_status(api.get("/api/v1/me"), 200)
    r = api.post("/api/v1/auth/logout")
    assert_status(r, 204)
    # the cookies are cleared (expired or emptied)
    cleared = {}
    for h in _set_cookie_headers(r):
        name, value, attrs = _cookie_attrs(h)
        cleared[name] = not value or attrs.get("max-age") == "0" or "expires" in attrs
    assert cleared.get("upravdom_session"), f"logout must clear the session cookie: {_set_cookie_headers(r)}"
    # the old cookie and the old token no longer work
    assert_error(api.get("/api/v1/me"), 401, "unauthorized")
    assert_error(Api(env.base_url, bearer=token).get("/api/v1/me"), 401, "unauthorized")


def test_logout_with_bearer(env):
    token = Api(env.base_url).login(env.a.users["operator"], env.password).json()["token"]
    api = Api(env.base_url, bearer=token)
    assert_status(api.post("/api/v1/auth/logout"), 204)
    assert_error(api.get("/api/v1/me"), 401, "unauthorized")


def test_logout_ends_only_that_session(env):
    one = env.client("a", "operator")
    two = env.client("a", "operator")
    assert_status(one.post("/api/v1/auth/logout"), 204)
    assert_status(two.get("/api/v1/me"), 200)


def test_cookie_write_without_csrf_is_refused(env):
    api = env.client("a", "admin")
    r = api.post("/api/v1/object-groups", json={"name": "Без CSRF"}, csrf=False)
    assert_error(r, 403, "csrf_failed")
    r = api.post("/api/v1/object-groups", json={"name": "Чужой CSRF"}, csrf=False,
                 headers={"X-CSRF-Token": "not-the-token"})
    assert_error(r, 403, "csrf_failed")
    # nothing was created
    names = [g["name"] for g in api.get("/api/v1/object-groups", params={"limit": 500}).json()["items"]]
    assert "Без CSRF" not in names and "Чужой CSRF" not in names


def test_cookie_patch_and_delete_without_csrf_are_refused(env):
    api = env.client("a", "admin")
    g = assert_status(api.post("/api/v1/object-groups", json={"name": "CSRF PATCH"}), 201)
    assert_error(api.patch(f"/api/v1/object-groups/{g['id']}", json={"name": "x"}, csrf=False),
                 403, "csrf_failed")
    assert_error(api.delete(f"/api/v1/object-groups/{g['id']}", csrf=False), 403, "csrf_failed")
    assert_error(api.post("/api/v1/auth/logout", csrf=False), 403, "csrf_failed")
    assert assert_status(api.get(f"/api/v1/object-groups/{g['id']}"), 200)["name"] == "CSRF PATCH"


def test_csrf_token_of_another_session_is_refused(env):
    one = env.client("a", "admin")
    two = env.client("a", "admin")
    r = one.post("/api/v1/object-groups", json={"name": "Токен другой сессии"}, csrf=False,
                 headers={"X-CSRF-Token": two.csrf_token})
    assert_error(r, 403, "csrf_failed")


def test_cookie_read_needs_no_csrf(env):
    api = env.client("a", "readonly")
    assert_status(api.get("/api/v1/object-groups", csrf=False), 200)


def test_bearer_write_needs_no_csrf(env):
    token = Api(env.base_url).login(env.a.users["admin"], env.password).json()["token"]
    api = Api(env.base_url, bearer=token)
    assert_status(api.post("/api/v1/object-groups", json={"name": "Через bearer"}), 201)
    assert_status(env.token_client("a").post("/api/v1/object-groups",
                                             json={"name": "Через API-токен"}), 201)
