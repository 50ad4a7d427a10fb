"""Health, Prometheus metrics and the single-page app served from --web DIR."""

import re
import time
import uuid

import pytest
import requests

from apikit import assert_error, assert_status, make_object, validate
from conftest import ASSET_JS


def get(env, path, **kw):
    return requests.get(env.base_url + path, timeout=15, **kw)


def test_healthz(env):
    r = get(env, "/healthz")
    body = validate(assert_status(r, 200), "Health")
    assert body == {"status": "ok"}


def test_metrics_route_labels(env, integration):
    o = make_object(integration)
    assert_status(integration.get(f"/api/v1/objects/{o['id']}"), 200)
    assert_error(integration.get("/api/v1/objects/987654321"), 404, "not_found")
    r = get(env, "/metrics")
    assert r.status_code == 200, r.text[:300]
    assert r.headers.get("Content-Type", "").startswith("text/plain"), r.headers
    text = r.text
    route = 'route="/api/v1/objects/{id}"'
    counters = [ln for ln in text.splitlines()
                if ln.startswith("upravdom_http_requests_total{") and route in ln]
    assert counters, "no upravdom_http_requests_total line for the route template:\n" + text[:3000]
    assert any('status="200"' in ln for ln in counters), counters
    assert any('status="404"' in ln for ln in counters), counters
    for ln in counters:
        assert re.fullmatch(r'upravdom_http_requests_total\{.*\} [0-9.e+]+', ln), ln
    buckets = [ln for ln in text.splitlines()
               if ln.startswith("upravdom_http_request_duration_seconds_bucket{") and route in ln]
    assert buckets, "no duration histogram buckets for the route template"
    assert any('le="+Inf"' in ln for ln in buckets), buckets
    # raw paths never become labels (unbounded cardinality)
    assert f'/api/v1/objects/{o["id"]}"' not in text
    assert "987654321" not in text
    assert "# TYPE upravdom_http_requests_total counter" in text
    assert "# TYPE upravdom_http_request_duration_seconds histogram" in text


def test_metrics_do_not_grow_with_unknown_paths(env, integration):
    marker = uuid.uuid4().hex
    integration.get(f"/api/v1/{marker}")
    get(env, f"/no-such-page-{marker}.png")
    assert marker not in get(env, "/metrics").text


def test_metrics_count_requests(env, integration):
    def count():
        total = 0.0
        for ln in get(env, "/metrics").text.splitlines():
            if ln.startswith("upravdom_http_requests_total{") and 'route="/api/v1/me"' in ln \
                    and 'status="200"' in ln:
                total += float(ln.rsplit(" ", 1)[1])
        return total
    before = count()
    for _ in range(3):
        assert_status(integration.get("/api/v1/me"), 200)
    deadline = time.monotonic() + 2  # a counter may be bumped just after the answer is sent
    while count() < before + 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count() == before + 3


# ------------------------------------------------------------------------- web app


def test_spa_index_at_root(env):
    r = get(env, "/")
    assert r.status_code == 200
    assert r.headers.get("Content-Type", "").startswith("text/html"), r.headers
    assert "upravdom-spa-index" in r.text


@pytest.mark.parametrize("path", ["/objects/5", "/objects", "/settings/users/12/edit", "/объекты"])
def test_spa_client_routes_get_index(env, path):
    r = get(env, path)
    assert r.status_code == 200, (path, r.status_code)
    assert r.headers.get("Content-Type", "").startswith("text/html")
    assert "upravdom-spa-index" in r.text


def test_spa_asset_is_immutable(env):
    r = get(env, "/assets/app-abc123.js")
    assert r.status_code == 200
    assert r.text == ASSET_JS
    assert "javascript" in r.headers.get("Content-Type", ""), r.headers
    cc = r.headers.get("Cache-Control", "")
    assert "immutable" in cc, f"hashed assets must be cached forever: {cc!r}"


def test_spa_index_is_not_cached_forever(env):
    cc = get(env, "/").headers.get("Cache-Control", "")
    assert "immutable" not in cc, f"index.html must be revalidated: {cc!r}"


def test_missing_asset_is_404_not_index(env):
    r = get(env, "/assets/app-missing.js")
    assert r.status_code == 404
    assert "upravdom-spa-index" not in r.text


def test_api_404_is_json_not_index(env, integration):
    for api_path in ("/api/v1/nope", "/api/v1/"):
        r = integration.get(api_path)
        assert_error(r, 404, "not_found")
        assert "upravdom-spa-index" not in r.text
    r = get(env, "/api/v1/nope")  # also without credentials: never the index
    assert r.status_code in (401, 404)
    assert r.headers.get("Content-Type", "").startswith("application/json")


@pytest.mark.parametrize("path", ["/assets/../../../../etc/passwd", "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                                  "/..%2f..%2f..%2fetc%2fpasswd", "/assets/..%5c..%5cetc%5cpasswd"])
def test_no_path_traversal(env, path):
    # send the path as is (requests would normalise ../)
    req = requests.Request("GET", env.base_url + "/").prepare()
    req.url = env.base_url + path
    with requests.Session() as s:
        r = s.send(req, timeout=15)
    assert "root:" not in r.text
    assert r.status_code in (200, 400, 403, 404)
    if r.status_code == 200:
        assert "upravdom-spa-index" in r.text


# ------------------------------------------------------------------------- database down


def test_healthz_503_when_database_is_down(env, integration):
    if env.db.kind != "postgres":
        pytest.skip("needs PostgreSQL: a SQLite file cannot be taken away from an open process")
    name = env.db.pg_name
    env.db.admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        env.db.admin_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        r = get(env, "/healthz")
        assert_error(r, 503, "unavailable")
        assert_error(integration.get("/api/v1/object-groups"), 503, "unavailable")
    finally:
        env.db.admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and get(env, "/healthz").status_code != 200:
        time.sleep(0.2)
    assert_status(get(env, "/healthz"), 200)
    assert_status(integration.get("/api/v1/object-groups"), 200)
