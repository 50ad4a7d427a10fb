"""Login throttling: 5 failures for one login, or 20 from one address, answer 429 with
Retry-After, even for the right password. Each test connects from its own loopback address
(127.0.0.x) so that the per-address counter of one test does not leak into another."""

from conftest import cli_id
from apikit import Api, assert_error, assert_status

PER_LOGIN = 5
PER_ADDRESS = 20


def _make_user(env, login: str) -> None:
    cli_id("user", "create", "--org", str(env.a.id), "--login", login, "--password", env.password,
           "--role", "operator", db=env.db.url)


def _retry_after(r) -> int:
    value = r.headers.get("Retry-After")
    assert value is not None, f"429 without Retry-After: {r.headers}"
    assert value.strip().isdigit() and int(value) >= 1, f"Retry-After must be seconds: {value!r}"
    return int(value)


def test_five_failures_for_one_login_lock_it(env):
    _make_user(env, "throttled_login")
    api = Api(env.base_url, source_ip="127.0.0.2")
    for i in range(PER_LOGIN):
        r = api.login("throttled_login", f"wrong-{i}", expect=None)
        assert_error(r, 401, "invalid_credentials")
    r = api.login("throttled_login", env.password, expect=None)
    assert_error(r, 429, "too_many_requests")
    _retry_after(r)
    # the lock is on the login: from another address too, and with the right password
    r = Api(env.base_url, source_ip="127.0.0.3").login("throttled_login", env.password, expect=None)
    assert_error(r, 429, "too_many_requests")
    _retry_after(r)
    # other logins from the same address are not affected
    assert_status(api.login(env.a.users["operator"], env.password, expect=None), 200)


def test_failures_below_the_limit_do_not_lock(env):
    _make_user(env, "almost_throttled")
    api = Api(env.base_url, source_ip="127.0.0.4")
    for i in range(PER_LOGIN - 1):
        assert_error(api.login("almost_throttled", f"wrong-{i}", expect=None), 401,
                     "invalid_credentials")
    assert_status(api.login("almost_throttled", env.password, expect=None), 200)


def test_twenty_failures_from_one_address_lock_the_address(env):
    _make_user(env, "victim_of_neighbour")
    api = Api(env.base_url, source_ip="127.0.0.5")
    # 20 failures spread over many logins: no single login reaches its own limit
    for i in range(PER_ADDRESS):
        login = f"ghost_{i // 2}" if i % 2 else env.a.users["readonly"] if i < 8 else f"nobody_{i}"
        r = api.login(login, f"wrong-{i}", expect=None)
        assert_error(r, 401, "invalid_credentials")
    # the 21st attempt from that address is refused, even for a valid login and password
    r = api.login("victim_of_neighbour", env.password, expect=None)
    assert_error(r, 429, "too_many_requests")
    _retry_after(r)
    # the same user from another address is fine
    other = Api(env.base_url, source_ip="127.0.0.6")
    assert_status(other.login("victim_of_neighbour", env.password, expect=None), 200)


def test_throttling_does_not_touch_other_routes(env):
    # requests with a valid token from a locked address still work: only login is throttled
    api = Api(env.base_url, bearer=env.a.api_token, source_ip="127.0.0.5")
    assert_status(api.get("/api/v1/me"), 200)

