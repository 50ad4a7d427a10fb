"""Staff users managed by the organisation's admins (SPEC P-1, «Настройки» → «Пользователи»):
add (login, password, name, role), change name, role and password, block and unblock. A block
or a new password ends the user's sessions at once; a blocked user cannot sign in; an admin
cannot block or demote themself; only admins manage users, and only their own organisation's."""

import pytest

from apikit import Api, assert_error, assert_status, seq, validate

USERS = "/api/v1/users"
PASSWORD = "пароль-для-теста-1"


def new_user(admin: Api, role: str = "operator", **kw) -> dict:
    body = {"login": f"staff-{seq()}", "password": PASSWORD, "full_name": "Петрова Анна Сергеевна",
            "role": role, **kw}
    user = validate(assert_status(admin.post(USERS, json=body), 201), "StaffUser")
    assert user["login"] == body["login"].lower() and user["role"] == role and not user["blocked"], user
    return user


def signed_in(env, login: str, password: str = PASSWORD) -> Api:
    api = Api(env.base_url)
    api.login(login, password)
    return api


def listed(admin: Api) -> dict[int, dict]:
    items = validate(assert_status(admin.get(USERS), 200), "StaffUserList")["items"]
    return {u["id"]: u for u in items}


def test_an_added_user_signs_in_with_the_role_given(env, admin):
    user = new_user(admin, role="readonly", login=f"Staff-Case-{seq()}")
    assert listed(admin)[user["id"]] == user
    assert "password" not in user and "password_hash" not in user
    staff = signed_in(env, user["login"])
    me = assert_status(staff.get("/api/v1/me"), 200)
    assert me["role"] == "readonly" and me["full_name"] == "Петрова Анна Сергеевна", me
    assert_error(staff.post("/api/v1/object-groups", json={"name": "Нельзя"}), 403, "forbidden")


def test_a_role_change_holds_from_the_next_request(env, admin):
    user = new_user(admin, role="readonly")
    staff = signed_in(env, user["login"])
    assert_error(staff.post("/api/v1/object-groups", json={"name": f"Группа {seq()}"}), 403)
    changed = assert_status(admin.patch(f"{USERS}/{user['id']}", json={"role": "operator"}), 200)
    assert changed["role"] == "operator"
    assert_status(staff.post("/api/v1/object-groups", json={"name": f"Группа {seq()}"}), 201)


def test_a_block_ends_the_sessions_and_refuses_sign_in(env, admin):
    user = new_user(admin)
    staff = signed_in(env, user["login"])
    assert_status(staff.get("/api/v1/me"), 200)
    blocked = assert_status(admin.patch(f"{USERS}/{user['id']}", json={"blocked": True}), 200)
    assert blocked["blocked"] and blocked["blocked_at"], blocked
    assert_error(staff.get("/api/v1/me"), 401)
    r = Api(env.base_url).login(user["login"], PASSWORD, expect=None)
    body = assert_error(r, 403, "forbidden")
    assert "заблокирован" in body["message"], body
    # a wrong password says nothing of the block
    r = Api(env.base_url).login(user["login"], "не-тот-пароль", expect=None)
    assert_error(r, 401, "invalid_credentials")
    again = assert_status(admin.patch(f"{USERS}/{user['id']}", json={"blocked": False}), 200)
    assert not again["blocked"] and again["blocked_at"] is None
    assert_error(staff.get("/api/v1/me"), 401)  # the session the block ended stays ended
    assert_status(signed_in(env, user["login"]).get("/api/v1/me"), 200)


def test_a_new_password_signs_the_user_out_and_the_old_one_stops(env, admin):
    user = new_user(admin)
    staff = signed_in(env, user["login"])
    assert_status(admin.patch(f"{USERS}/{user['id']}", json={"password": "новый-пароль-42"}), 200)
    assert_error(staff.get("/api/v1/me"), 401)
    assert_error(Api(env.base_url).login(user["login"], PASSWORD, expect=None), 401, "invalid_credentials")
    signed_in(env, user["login"], "новый-пароль-42")


def test_a_name_change_keeps_the_rest(admin):
    user = new_user(admin)
    changed = assert_status(admin.patch(f"{USERS}/{user['id']}", json={"full_name": "  Сидорова Анна  "}), 200)
    assert changed == {**user, "full_name": "Сидорова Анна"}


def test_an_admin_cannot_block_or_demote_themself(env, admin):
    me = admin.user
    assert_error(admin.patch(f"{USERS}/{me['id']}", json={"blocked": True}), 422, "validation_failed",
                 field="blocked")
    assert_error(admin.patch(f"{USERS}/{me['id']}", json={"role": "operator"}), 422, "validation_failed",
                 field="role")
    assert listed(admin)[me["id"]]["role"] == "admin" and not listed(admin)[me["id"]]["blocked"]
    # their own password: they stay signed in where they changed it, and nowhere else
    other = new_user(admin, role="admin")
    second = signed_in(env, other["login"])
    elsewhere = signed_in(env, other["login"])
    assert_status(second.patch(f"{USERS}/{other['id']}", json={"password": "свой-новый-пароль"}), 200)
    assert_status(second.get("/api/v1/me"), 200)
    assert_error(elsewhere.get("/api/v1/me"), 401)


def test_a_login_of_100_cyrillic_letters_is_taken(env, admin):
    login = ("оператор" * 13)[:100]
    user = new_user(admin, login=login)
    assert user["login"] == login
    signed_in(env, login)
    assert_error(admin.post(USERS, json={"login": login + "ы", "password": PASSWORD, "full_name": "Длинный",
                                         "role": "operator"}), 422, "validation_failed", field="login")


def test_a_login_in_use_anywhere_is_409(admin, admin_b):
    user = new_user(admin)
    for who, login in ((admin, user["login"]), (admin_b, user["login"].upper())):
        body = assert_error(who.post(USERS, json={"login": login, "password": PASSWORD, "full_name": "Двойник",
                                                  "role": "operator"}), 409, "conflict", field="login")
        assert "занят" in body["fields"]["login"], body


@pytest.mark.parametrize("patch,field", [
    ({"login": "с пробелом"}, "login"),
    ({"login": ""}, "login"),
    ({"login": "x" * 101}, "login"),
    ({"password": "коротко"}, "password"),
    ({"password": None}, "password"),
    ({"role": "owner"}, "role"),
    ({"role": None}, "role"),
    ({"full_name": ""}, "full_name"),
    ({"full_name": 5}, "full_name"),
    ({"blocked": False}, "blocked"),
])
def test_bad_new_user_is_422_naming_the_field(admin, patch, field):
    body = {"login": f"staff-{seq()}", "password": PASSWORD, "full_name": "Иванов", "role": "operator", **patch}
    body = {k: v for k, v in body.items() if v is not None}
    before = listed(admin)
    assert_error(admin.post(USERS, json=body), 422, "validation_failed", field=field)
    assert listed(admin) == before, "a refused user was added"


@pytest.mark.parametrize("patch,field", [
    ({"password": "1234567"}, "password"),
    ({"password": ""}, "password"),
    ({"password": None}, "password"),
    ({"role": "superuser"}, "role"),
    ({"role": ""}, "role"),
    ({"role": None}, "role"),
    ({"blocked": "да"}, "blocked"),
    ({"blocked": None}, "blocked"),
    ({"full_name": ""}, "full_name"),
    ({"full_name": None}, "full_name"),
    ({"login": "new-login"}, "login"),
])
def test_bad_change_is_422_and_changes_nothing(env, admin, patch, field):
    user = new_user(admin)
    staff = signed_in(env, user["login"])
    assert_error(admin.patch(f"{USERS}/{user['id']}", json=patch), 422, "validation_failed", field=field)
    assert listed(admin)[user["id"]] == user
    assert_status(staff.get("/api/v1/me"), 200)  # not signed out
    signed_in(env, user["login"])  # the password as it was


def test_only_admins_manage_users(env, admin, operator, readonly, integration):
    user = new_user(admin)
    for who in (operator, readonly, integration):
        assert_error(who.get(USERS), 403, "forbidden")
        assert_error(who.post(USERS, json={"login": f"x-{seq()}", "password": PASSWORD, "full_name": "X",
                                           "role": "admin"}), 403, "forbidden")
        assert_error(who.patch(f"{USERS}/{user['id']}", json={"role": "admin"}), 403, "forbidden")
    assert listed(admin)[user["id"]]["role"] == "operator"


def test_another_organisations_users_are_neither_seen_nor_changed(env, admin, admin_b):
    mine = new_user(admin)
    theirs = new_user(admin_b)
    assert theirs["id"] not in listed(admin) and mine["id"] not in listed(admin_b)
    for patch in ({"blocked": True}, {"role": "admin"}, {"password": "чужой-пароль-1"}, {"full_name": "Чужой"}):
        assert_error(admin.patch(f"{USERS}/{theirs['id']}", json=patch), 404, "not_found")
    assert listed(admin_b)[theirs["id"]] == theirs
    signed_in(env, theirs["login"])  # neither blocked nor given another password


def test_unknown_user_is_404(admin):
    assert_error(admin.patch(f"{USERS}/999999999", json={"full_name": "Никто"}), 404, "not_found")


def test_the_history_names_the_admin_and_never_the_password(env, admin, admin_b, operator):
    user = new_user(admin, role="readonly")
    uid = user["id"]
    assert_status(admin.patch(f"{USERS}/{uid}", json={"full_name": "Сидорова Анна", "role": "operator"}), 200)
    assert_status(admin.patch(f"{USERS}/{uid}", json={"password": "совсем-новый-пароль"}), 200)
    assert_status(admin.patch(f"{USERS}/{uid}", json={"blocked": True}), 200)
    assert_status(admin.patch(f"{USERS}/{uid}", json={"blocked": True}), 200)  # no change: no entry
    page = validate(assert_status(admin.get(f"{USERS}/{uid}/history"), 200), "HistoryList")
    entries = page["items"]
    assert page["total"] == 4 and [e["action"] for e in entries] == ["updated"] * 3 + ["created"], entries
    blocked, password, renamed, created = entries
    assert blocked["changes"] == {"blocked": {"old": False, "new": True}}, blocked
    assert password["changes"] == {"password": {"old": None, "new": True}}, password
    assert renamed["changes"] == {"full_name": {"old": "Петрова Анна Сергеевна", "new": "Сидорова Анна"},
                                  "role": {"old": "readonly", "new": "operator"}}, renamed
    assert created["changes"]["login"] == {"old": None, "new": user["login"]}, created
    assert all(e["actor"] == admin.user["full_name"] for e in entries), entries
    assert "совсем-новый-пароль" not in str(page) and PASSWORD not in str(page)
    assert_error(admin_b.get(f"{USERS}/{uid}/history"), 404, "not_found")
    assert_error(operator.get(f"{USERS}/{uid}/history"), 403, "forbidden")
