"""The contract: docs/openapi.yaml lists exactly the routes of the router (`upravdom routes`),
and passes `redocly lint`."""

import os
import shutil
import subprocess

import pytest

from apikit import REPO_ROOT, openapi, openapi_operations
from conftest import run_cli

TOOLS = REPO_ROOT / "tests" / "tools"


def router_operations() -> set[tuple[str, str]]:
    out = run_cli("routes").stdout
    ops = set()
    for ln in out.splitlines():
        ln = ln.strip()
        if not ln:
            continue
        method, _, path = ln.partition(" ")
        ops.add((method.upper(), path.strip()))
    return ops


def test_router_and_openapi_list_the_same_routes():
    router = router_operations()
    spec = openapi_operations()
    missing_in_spec = sorted(router - spec)
    missing_in_router = sorted(spec - router)
    assert not missing_in_spec and not missing_in_router, \
        f"in the router but not in docs/openapi.yaml: {missing_in_spec}\n" \
        f"in docs/openapi.yaml but not in the router: {missing_in_router}"


def test_required_routes_are_in_the_contract():
    spec = openapi_operations()
    crud = {
        "/api/v1/object-groups": "/api/v1/object-groups/{id}",
        "/api/v1/quarters": "/api/v1/quarters/{id}",
        "/api/v1/objects": "/api/v1/objects/{id}",
        "/api/v1/objects/{object_id}/entrances": "/api/v1/objects/{object_id}/entrances/{id}",
        "/api/v1/objects/{object_id}/floors": "/api/v1/objects/{object_id}/floors/{id}",
        "/api/v1/legal-entities": "/api/v1/legal-entities/{id}",
        "/api/v1/premises": "/api/v1/premises/{id}",
    }
    want = {("GET", "/healthz"), ("GET", "/metrics"), ("POST", "/api/v1/auth/login"),
            ("POST", "/api/v1/auth/logout"), ("GET", "/api/v1/me")}
    for coll, item in crud.items():
        want |= {("GET", coll), ("POST", coll), ("GET", item), ("PATCH", item), ("DELETE", item)}
    want |= {("GET", "/api/v1/premises/{id}/dependents"), ("GET", "/api/v1/premises/{id}/history"),
             ("GET", "/api/v1/premises/export.xlsx"),
             ("GET", "/api/v1/tags"), ("POST", "/api/v1/tags")}
    # docs/clients.md
    want |= {("GET", "/api/v1/clients"), ("POST", "/api/v1/clients"), ("GET", "/api/v1/clients/{id}"),
             ("PATCH", "/api/v1/clients/{id}"), ("DELETE", "/api/v1/clients/{id}"),
             ("GET", "/api/v1/clients/{id}/history"), ("GET", "/api/v1/clients/export.xlsx"),
             ("GET", "/api/v1/clients/{id}/external-ids"), ("POST", "/api/v1/clients/{id}/external-ids"),
             ("PATCH", "/api/v1/clients/{id}/external-ids/{external_id}"),
             ("DELETE", "/api/v1/clients/{id}/external-ids/{external_id}"), ("PATCH", "/api/v1/me")}
    # docs/links-and-accounts.md: links, personal accounts and the ledger
    want |= {("GET", "/api/v1/premises/{id}/clients"), ("POST", "/api/v1/premises/{id}/clients"),
             ("PATCH", "/api/v1/premises/{id}/clients/{client_id}"),
             ("DELETE", "/api/v1/premises/{id}/clients/{client_id}"),
             ("GET", "/api/v1/clients/{id}/premises"), ("POST", "/api/v1/clients/{id}/premises"),
             ("GET", "/api/v1/premises/{id}/accounts"), ("POST", "/api/v1/premises/{id}/accounts"),
             ("GET", "/api/v1/accounts/{id}"), ("PATCH", "/api/v1/accounts/{id}"),
             ("DELETE", "/api/v1/accounts/{id}"), ("GET", "/api/v1/accounts/{id}/dependents"),
             ("GET", "/api/v1/accounts/{id}/charges"), ("POST", "/api/v1/accounts/{id}/charges"),
             ("GET", "/api/v1/accounts/{id}/payments"), ("POST", "/api/v1/accounts/{id}/payments")}
    # the resident app
    want |= RESIDENT_ROUTES
    assert want <= spec, sorted(want - spec)


RESIDENT_PREFIX = "/api/resident/v1"
RESIDENT_ROUTES = {("POST", f"{RESIDENT_PREFIX}/auth/code"), ("POST", f"{RESIDENT_PREFIX}/auth/verify"),
                   ("POST", f"{RESIDENT_PREFIX}/auth/logout"), ("GET", f"{RESIDENT_PREFIX}/me"),
                   ("GET", f"{RESIDENT_PREFIX}/premises"),
                   ("GET", f"{RESIDENT_PREFIX}/premises/{{id}}/accounts"),
                   ("GET", f"{RESIDENT_PREFIX}/premises/{{id}}/clients"),
                   ("POST", f"{RESIDENT_PREFIX}/premises/{{id}}/clients"),
                   ("DELETE", f"{RESIDENT_PREFIX}/premises/{{id}}/clients/{{client_id}}")}


def test_resident_routes_have_their_own_security():
    """The resident app's routes (`/api/resident/v1`, listed by `upravdom routes` under their full
    path like every other route) use only the `residentBearer` scheme (or none: sign-in), and
    no staff route accepts it."""
    spec = openapi()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["residentBearer"]["type"] == "http" and schemes["residentBearer"]["scheme"] == "bearer"
    public = {f"{RESIDENT_PREFIX}/auth/code", f"{RESIDENT_PREFIX}/auth/verify"}
    for path, item in spec["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method not in item:
                continue
            op = item[method]
            names = {n for req in op.get("security", spec["security"]) for n in req}
            if path.startswith(RESIDENT_PREFIX + "/"):
                assert "resident" in op["tags"], (method, path)
                if path in public:
                    assert op["security"] == [], (method, path)
                else:
                    assert names == {"residentBearer"}, (method, path, names)
                    assert not any(p.get("$ref", "").endswith("/CsrfToken") for p in op.get("parameters", [])), \
                        (method, path)
            else:
                assert "residentBearer" not in names, (method, path)


def test_request_bodies_are_closed():
    """Create/Update schemas refuse unknown fields, as the server does."""
    schemas = openapi()["components"]["schemas"]
    for name, schema in schemas.items():
        if name.endswith(("Create", "Update")) or name == "LoginRequest":
            assert schema.get("additionalProperties") is False, name


def test_redocly_lint():
    npm = shutil.which("npm")
    if not npm:
        pytest.skip("npm not installed")
    if not (TOOLS / "node_modules" / ".bin" / "redocly").exists():
        p = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TOOLS, capture_output=True,
                           text=True, timeout=300)
        assert p.returncode == 0, f"npm ci in tests/tools failed:\n{p.stdout}\n{p.stderr}"
    p = subprocess.run([npm, "run", "--silent", "lint:openapi"], cwd=TOOLS, capture_output=True, text=True,
                       timeout=120, env={**os.environ, "NO_COLOR": "1"})
    assert p.returncode == 0, f"redocly lint failed:\n{p.stdout}\n{p.stderr}"
