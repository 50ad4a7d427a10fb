"""Helpers for the API tests: an HTTP client (cookie + CSRF or bearer), factories for the
reference data, premises and clients, error assertions, a small validator for the schemas of
docs/openapi.yaml, an .xlsx reader, and generators of valid Russian registration numbers
(ИНН, ОГРН)."""

from __future__ import annotations

import http.cookiejar
import io
import itertools
import json
import re
import zipfile
from xml.etree import ElementTree
from pathlib import Path
from typing import Any

import requests
import yaml
from requests.adapters import HTTPAdapter

REPO_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_PATH = REPO_ROOT / "docs" / "openapi.yaml"

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
# Text that must never reach a client: stack traces, SQL, library internals.
LEAK = re.compile(
    r"(Traceback|std::|soci|sqlite|postgres|\bSQL\b|SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|"
    r"DELETE\s+FROM|constraint|what\(\)|terminate called|\.cpp\b|\.hpp\b|0x[0-9a-f]{6,})",
    re.IGNORECASE,
)

_MISSING = object()
_seq = itertools.count(1)


def seq() -> int:
    """A number unique within the test process (names, numbers)."""
    return next(_seq)


# --------------------------------------------------------------------------- HTTP client


class _SourceAddressAdapter(HTTPAdapter):
    """Connects from a chosen loopback address (127.0.0.x), so throttling per address can be
    tested without one test's failures counting against another's."""

    def __init__(self, source_ip: str, **kw):
        self._source = (source_ip, 0)
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = self._source
        return super().init_poolmanager(*args, **kw)


class Api:
    """A client of the staff API.

    Cookie mode: `login()` keeps the session and CSRF cookies and sends them by hand (so a
    `Secure` attribute cannot silently hide a cookie), and adds `X-CSRF-Token` to writes.
    Bearer mode: `Api(base, bearer=token)`.
    """

    WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}

    def __init__(self, base_url: str, *, bearer: str | None = None, source_ip: str | None = None,
                 timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.bearer = bearer
        self.cookies: dict[str, str] = {}
        self.csrf_token: str | None = None
        self.user: dict | None = None
        self.timeout = timeout
        self.s = requests.Session()
        # never let requests' own jar store or send cookies: this class does it explicitly
        self.s.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self.s.trust_env = False
        if source_ip:
            adapter = _SourceAddressAdapter(source_ip)
            self.s.mount("http://", adapter)

    # -- auth
    def login(self, login: str, password: str, *, expect: int | None = 200) -> requests.Response:
        r = self.s.post(self.base_url + "/api/v1/auth/login",
                        json={"login": login, "password": password}, timeout=self.timeout)
        if expect is not None:
            assert r.status_code == expect, f"login {login}: {r.status_code} {r.text[:500]}"
        if r.status_code == 200:
            body = r.json()
            for c in r.cookies:
                self.cookies[c.name] = c.value
            self.csrf_token = body.get("csrf_token")
            self.user = body.get("user")
            self.session_token = body.get("token")
        return r

    # -- requests
    def request(self, method: str, path: str, *, json: Any = _MISSING, data: Any = None,
                headers: dict | None = None, params: dict | None = None, csrf: bool = True,
                auth: bool = True) -> requests.Response:
        method = method.upper()
        h: dict[str, str] = {}
        if auth and self.bearer:
            h["Authorization"] = f"Bearer {self.bearer}"
        if auth and self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if csrf and method in self.WRITE_METHODS and self.csrf_token:
                h["X-CSRF-Token"] = self.csrf_token
        if headers:
            h.update(headers)
        kw: dict[str, Any] = {"headers": h, "params": params, "timeout": self.timeout}
        if json is not _MISSING:
            kw["json"] = json
        elif data is not None:
            kw["data"] = data
        url = path if path.startswith("http") else self.base_url + path
        return self.s.request(method, url, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json: Any = _MISSING, **kw):
        return self.request("POST", path, json=json, **kw)

    def patch(self, path, json: Any = _MISSING, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def put(self, path, json: Any = _MISSING, **kw):
        return self.request("PUT", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


# --------------------------------------------------------------------------- assertions


def describe(r: requests.Response) -> str:
    return f"{r.request.method} {r.request.url} -> {r.status_code} {r.text[:600]}"


def assert_json(r: requests.Response) -> Any:
    ctype = r.headers.get("Content-Type", "")
    assert ctype.startswith("application/json"), f"not JSON ({ctype!r}): {describe(r)}"
    try:
        return r.json()
    except ValueError as e:  # pragma: no cover - message only
        raise AssertionError(f"body is not JSON: {describe(r)}") from e


def assert_status(r: requests.Response, status: int) -> Any:
    assert r.status_code == status, f"expected {status}: {describe(r)}"
    if status == 204:
        assert not r.content, f"204 with a body: {describe(r)}"
        return None
    return assert_json(r)


def assert_error(r: requests.Response, status: int, code: str | None = None,
                 field: str | None = None) -> dict:
    """The one error shape: {code, message[, fields][, details]}, Russian message, no leaks."""
    assert r.status_code == status, f"expected {status} {code or ''}: {describe(r)}"
    body = assert_json(r)
    assert isinstance(body, dict), f"error body is not an object: {describe(r)}"
    validate(body, "Error")
    if code is not None:
        assert body["code"] == code, f"expected code {code!r}: {describe(r)}"
    msg = body["message"]
    assert isinstance(msg, str) and msg.strip(), f"empty message: {describe(r)}"
    assert CYRILLIC.search(msg), f"message is not Russian: {describe(r)}"
    assert not LEAK.search(r.text), f"error body leaks internals: {describe(r)}"
    if field is not None:
        fields = body.get("fields")
        assert isinstance(fields, dict) and field in fields, \
            f"expected fields.{field}: {describe(r)}"
        assert isinstance(fields[field], str) and fields[field].strip(), describe(r)
        assert CYRILLIC.search(fields[field]), f"fields.{field} is not Russian: {describe(r)}"
    return body


# --------------------------------------------------------------------------- OpenAPI schemas

_spec: dict | None = None


def openapi() -> dict:
    global _spec
    if _spec is None:
        with open(OPENAPI_PATH, encoding="utf-8") as f:
            _spec = yaml.safe_load(f)
    return _spec


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        node: Any = openapi()
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
    return schema


def _check(value: Any, schema: dict, path: str, errors: list[str]) -> None:
    schema = _resolve(schema)
    if "allOf" in schema:
        # every part must hold; `additionalProperties: false` is not used with allOf here
        for part in schema["allOf"]:
            _check(value, part, path, errors)
        return
    if value is None:
        # a schema without a type (`{}`) is any JSON value, null included
        if not schema.get("nullable", False) and "type" in schema:
            errors.append(f"{path}: null not allowed")
        return
    t = schema.get("type")
    if t == "object":
        if not isinstance(value, dict):
            errors.append(f"{path}: expected object, got {type(value).__name__}")
            return
        for req in schema.get("required", []):
            if req not in value:
                errors.append(f"{path}: missing {req}")
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                _check(v, props[k], f"{path}.{k}", errors)
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected property {k}")
            elif isinstance(schema.get("additionalProperties"), dict):
                _check(v, schema["additionalProperties"], f"{path}.{k}", errors)
    elif t == "array":
        if not isinstance(value, list):
            errors.append(f"{path}: expected array")
            return
        for i, item in enumerate(value):
            _check(item, schema.get("items", {}), f"{path}[{i}]", errors)
    elif t == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"{path}: expected integer, got {value!r}")
            return
    elif t == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append(f"{path}: expected number, got {value!r}")
            return
    elif t == "string":
        if not isinstance(value, str):
            errors.append(f"{path}: expected string, got {value!r}")
            return
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"{path}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: longer than {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if schema.get("format") == "date-time" and not TIMESTAMP.match(value):
            errors.append(f"{path}: {value!r} is not an ISO-8601 UTC timestamp")
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{path}: expected boolean")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} > {schema['maximum']}")


def validate(value: Any, schema_name: str) -> Any:
    """Checks a response body against components.schemas[schema_name] of the OpenAPI file."""
    errors: list[str] = []
    _check(value, {"$ref": f"#/components/schemas/{schema_name}"}, schema_name, errors)
    assert not errors, f"response does not match {schema_name}: {errors} in {value!r}"
    return value


# --------------------------------------------------------------------------- ИНН / ОГРН


def _inn_digit(digits: str, weights: list[int]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10)


def inn10(n: int) -> str:
    """A valid 10-digit ИНН (legal entity) built from n."""
    base = f"{(770100000 + n) % 10**9:09d}"
    return base + _inn_digit(base, [2, 4, 10, 3, 5, 9, 4, 6, 8])


def inn12(n: int) -> str:
    """A valid 12-digit ИНН (individual) built from n."""
    base = f"{(5001000000 + n) % 10**10:010d}"
    d11 = _inn_digit(base, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    d12 = _inn_digit(base + d11, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    return base + d11 + d12


def inn_valid(inn: str) -> bool:
    if re.fullmatch(r"\d{10}", inn):
        return inn[9] == _inn_digit(inn[:9], [2, 4, 10, 3, 5, 9, 4, 6, 8])
    if re.fullmatch(r"\d{12}", inn):
        return (inn[10] == _inn_digit(inn[:10], [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) and
                inn[11] == _inn_digit(inn[:11], [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]))
    return False


def ogrn13(n: int) -> str:
    base = f"{(102770000000 + n) % 10**12:012d}"
    return base + str(int(base) % 11 % 10)


def ogrnip15(n: int) -> str:
    base = f"{(30450011600000 + n) % 10**14:014d}"
    return base + str(int(base) % 13 % 10)


def ogrn_valid(ogrn: str) -> bool:
    if re.fullmatch(r"\d{13}", ogrn):
        return ogrn[12] == str(int(ogrn[:12]) % 11 % 10)
    if re.fullmatch(r"\d{15}", ogrn):
        return ogrn[14] == str(int(ogrn[:14]) % 13 % 10)
    return False


# --------------------------------------------------------------------------- factories
# Each makes a record through the API (as the given client), checks 201 and the schema, and
# returns the body. Keyword overrides replace the defaults (None is sent as null).


def _create(api: Api, path: str, body: dict, schema: str) -> dict:
    r = api.post(path, json=body)
    rec = assert_status(r, 201)
    validate(rec, schema)
    for k, v in body.items():
        if k in rec and v is not None and k not in ("object_group_id",):
            assert rec[k] == v, f"{path}: {k} sent {v!r}, answered {rec[k]!r}"
    return rec


def make_object_group(api: Api, **overrides) -> dict:
    body = {"name": f"Группа объектов {seq()}"}
    body.update(overrides)
    return _create(api, "/api/v1/object-groups", body, "ObjectGroup")


def make_quarter(api: Api, **overrides) -> dict:
    body = {"name": f"Квартал {seq()}"}
    body.update(overrides)
    if "object_group_id" not in body:
        body["object_group_id"] = make_object_group(api)["id"]
    return _create(api, "/api/v1/quarters", body, "Quarter")


def make_object(api: Api, **overrides) -> dict:
    n = seq()
    body = {"name": f"ЖК «Северный» корпус {n}", "city": "Москва",
            "street": "ул. Ленина", "house": f"{n}к2"}
    body.update(overrides)
    return _create(api, "/api/v1/objects", body, "Object")


def make_entrance(api: Api, object_id: int | None = None, **overrides) -> dict:
    if object_id is None:
        object_id = make_object(api)["id"]
    body = {"number": seq() % 999 + 1, "name": "Подъезд"}
    body.update(overrides)
    return _create(api, f"/api/v1/objects/{object_id}/entrances", body, "Entrance")


def make_floor(api: Api, object_id: int | None = None, **overrides) -> dict:
    if object_id is None:
        object_id = make_object(api)["id"]
    body = {"number": seq() % 300 + 1}
    body.update(overrides)
    return _create(api, f"/api/v1/objects/{object_id}/floors", body, "Floor")


def make_legal_entity(api: Api, **overrides) -> dict:
    n = seq()
    body = {"name": f"ООО «Управляющая компания {n}»", "inn": inn10(n),
            "kpp": "773601001", "ogrn": ogrn13(n)}
    body.update(overrides)
    return _create(api, "/api/v1/legal-entities", body, "LegalEntity")


PREMISE_TYPES = ("flat", "parking", "storage", "apartments", "non_residential", "house",
                 "townhouse", "duplex", "room", "land_plot")


def make_premise(api: Api, object_id: int | None = None, **overrides) -> dict:
    """A premise (default: a flat) in object_id (default: a new object), with a unique number
    unless one is given or the type needs none (house, townhouse, duplex).
    Checks 201, the schema and that every sent field comes back (tags as a set)."""
    if object_id is None:
        object_id = make_object(api)["id"]
    body = {"object_id": object_id, "type": "flat"}
    body.update(overrides)
    if "number" not in body and body["type"] not in ("house", "townhouse", "duplex"):
        body["number"] = str(seq())
    r = api.post("/api/v1/premises", json=body)
    rec = validate(assert_status(r, 201), "Premise")
    for k, v in body.items():
        if k == "tags":
            assert sorted(rec["tags"]) == sorted(v), f"tags sent {v!r}, answered {rec['tags']!r}"
        elif v is not None:
            assert rec[k] == v, f"/api/v1/premises: {k} sent {v!r}, answered {rec[k]!r}"
    return rec


def make_tag(api: Api, **overrides) -> dict:
    body = {"name": f"Тег {seq()}"}
    body.update(overrides)
    return _create(api, "/api/v1/tags", body, "Tag")


_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"


def letters(n: int) -> str:
    """n written with Russian letters only (names may not hold digits): 0 → «а», 28 → «ба»."""
    out = ""
    while True:
        out = _LETTERS[n % len(_LETTERS)] + out
        n //= len(_LETTERS)
        if n == 0:
            return out


def unique_phone() -> str:
    """A mobile number no other client of the test process has, in E.164."""
    return f"+7999{seq():07d}"


def make_client(api: Api, **overrides) -> dict:
    """A client (default: an individual «Тестов<letters> Пётр» with a unique phone).
    Checks 201, the schema, and that every sent field comes back (phones and СНИЛС as
    normalised, tags as a set; `external_id` as an external id of the caller's space)."""
    body: dict[str, Any] = {"last_name": "Тестов" + letters(seq()), "first_name": "Пётр",
                            "phone": unique_phone()}
    body.update(overrides)
    r = api.post("/api/v1/clients", json=body)
    rec = validate(assert_status(r, 201), "Client")
    for k, v in body.items():
        if v is None:
            continue
        if k == "tags":
            assert sorted(rec["tags"]) == sorted(v), f"tags sent {v!r}, answered {rec['tags']!r}"
        elif k == "external_id":
            assert v in [e["value"] for e in rec["external_ids"]], rec["external_ids"]
        elif k == "phone":
            if re.fullmatch(r"\+\d+", v):
                assert rec["phone"] == v, f"phone sent {v!r}, answered {rec['phone']!r}"
            else:
                assert rec["phone"] and rec["phone"].startswith("+"), rec
        elif k == "snils":
            assert rec["snils"] == re.sub(r"\D", "", v), rec
        else:
            assert rec[k] == v, f"/api/v1/clients: {k} sent {v!r}, answered {rec[k]!r}"
    return rec


def add_external_id(api: Api, client_id: int, **overrides) -> dict:
    body = {"system": "1c", "value": f"EXT-{seq()}"}
    body.update(overrides)
    r = api.post(f"/api/v1/clients/{client_id}/external-ids", json=body)
    rec = validate(assert_status(r, 201), "ExternalId")
    for k, v in body.items():
        assert rec[k] == v, f"external id: {k} sent {v!r}, answered {rec[k]!r}"
    return rec


LINK_ROLES = ("owner", "resident", "representative", "tenant", "unconfirmed_owner")
PAST_DATE = "2025-06-10"


def make_link(api: Api, premise_id: int, client_id: int | None = None, **overrides) -> dict:
    """Links a client (default: a new one) to a premise (`POST /premises/{id}/clients`; the role
    defaults to owner). Checks 201, the schema and that every sent field comes back
    (`ownership_share` only when sent in its normalised form)."""
    if client_id is None:
        client_id = make_client(api)["id"]
    body: dict[str, Any] = {"client_id": client_id}
    body.update(overrides)
    r = api.post(f"/api/v1/premises/{premise_id}/clients", json=body)
    rec = validate(assert_status(r, 201), "Link")
    assert rec["client_id"] == client_id and rec["client"]["id"] == client_id, rec
    assert rec["premise"]["id"] == premise_id, rec
    for k, v in body.items():
        if v is None or k == "ownership_share":
            continue
        assert rec[k] == v, f"link: {k} sent {v!r}, answered {rec[k]!r}"
    return rec


def make_account(api: Api, premise_id: int, legal_entity_id: int | None = None, **overrides) -> dict:
    """A personal account of a premise (default: number «ЛС-<n>» of a new legal entity).
    Checks 201, the schema and that every sent field comes back."""
    if legal_entity_id is None:
        legal_entity_id = make_legal_entity(api)["id"]
    body: dict[str, Any] = {"legal_entity_id": legal_entity_id, "number": f"ЛС-{seq()}"}
    body.update(overrides)
    r = api.post(f"/api/v1/premises/{premise_id}/accounts", json=body)
    rec = validate(assert_status(r, 201), "Account")
    assert rec["premise_id"] == premise_id, rec
    for k, v in body.items():
        if v is None or k == "unified_account":
            continue
        assert rec[k] == v, f"account: {k} sent {v!r}, answered {rec[k]!r}"
    return rec


def add_charge(api: Api, account_id: int, **overrides) -> dict:
    body: dict[str, Any] = {"period": "2026-10", "service": "Содержание жилья", "amount": 150000}
    body.update(overrides)
    rec = validate(assert_status(api.post(f"/api/v1/accounts/{account_id}/charges", json=body), 201), "Charge")
    for k, v in body.items():
        assert rec[k] == v, f"charge: {k} sent {v!r}, answered {rec[k]!r}"
    return rec


def add_payment(api: Api, account_id: int, **overrides) -> dict:
    body: dict[str, Any] = {"date": PAST_DATE, "amount": 50000, "source": "Сбербанк"}
    body.update(overrides)
    rec = validate(assert_status(api.post(f"/api/v1/accounts/{account_id}/payments", json=body), 201), "Payment")
    for k, v in body.items():
        assert rec[k] == v, f"payment: {k} sent {v!r}, answered {rec[k]!r}"
    return rec


def list_all(api: Api, path: str, **params) -> dict:
    r = api.get(path, params={"limit": 500, **params})
    return assert_status(r, 200)


# --------------------------------------------------------------------------- route catalog


def make_tree(api: Api) -> dict:
    """One record of every resource, linked: group → quarter → object → entrance → floor →
    premise (with a tag), plus a legal entity, a client (with the tag and an external id), and
    a spare group and object that new children can go under (so that the tree itself can
    still be deleted). Returns {kind: record}."""
    g = make_object_group(api)
    q = make_quarter(api, object_group_id=g["id"])
    o = make_object(api, object_group_id=g["id"], quarter_id=q["id"])
    e = make_entrance(api, o["id"], number=1)
    f = make_floor(api, o["id"], number=1, entrance_id=e["id"])
    le = make_legal_entity(api)
    tag = make_tag(api, name=f"Тег {seq()} дерева")
    p = make_premise(api, o["id"], number="1", entrance_id=e["id"], floor_id=f["id"],
                     total_area=54.35, tags=[tag["name"]])
    c = make_client(api, tags=[tag["name"]])
    x = add_external_id(api, c["id"])
    link = make_link(api, p["id"], c["id"], ownership_share="1/2")
    acc = make_account(api, p["id"], le["id"])
    add_charge(api, acc["id"])
    add_payment(api, acc["id"])
    spare_o = make_object(api)
    return {"group": g, "quarter": q, "object": o, "entrance": e, "floor": f, "legal": le,
            "tag": tag, "premise": p, "client": c, "external_id": x, "link": link, "account": acc,
            # a client and a premise to link by the write routes (the spare premise is under
            # the spare object, so that the tree's object can still be deleted)
            "client2": make_client(api), "spare_premise": make_premise(api, spare_o["id"]),
            "spare_group": make_object_group(api), "spare_object": spare_o}


TREE_KINDS = ("group", "quarter", "object", "entrance", "floor", "legal", "tag", "premise",
              "client", "external_id", "link", "account", "client2", "spare_premise", "spare_group",
              "spare_object")


def item_paths(t: dict) -> dict[str, str]:
    """The item path of every record of a tree (every route template with an {id})."""
    o = t["object"]["id"]
    return {
        "group": f"/api/v1/object-groups/{t['group']['id']}",
        "quarter": f"/api/v1/quarters/{t['quarter']['id']}",
        "object": f"/api/v1/objects/{o}",
        "entrance": f"/api/v1/objects/{o}/entrances/{t['entrance']['id']}",
        "floor": f"/api/v1/objects/{o}/floors/{t['floor']['id']}",
        "legal": f"/api/v1/legal-entities/{t['legal']['id']}",
        "premise": f"/api/v1/premises/{t['premise']['id']}",
        "premise_dependents": f"/api/v1/premises/{t['premise']['id']}/dependents",
        "premise_history": f"/api/v1/premises/{t['premise']['id']}/history",
        "client": f"/api/v1/clients/{t['client']['id']}",
        "client_external_ids": f"/api/v1/clients/{t['client']['id']}/external-ids",
        "client_history": f"/api/v1/clients/{t['client']['id']}/history",
        "premise_clients": f"/api/v1/premises/{t['premise']['id']}/clients",
        "premise_accounts": f"/api/v1/premises/{t['premise']['id']}/accounts",
        "client_premises": f"/api/v1/clients/{t['client']['id']}/premises",
        "account": f"/api/v1/accounts/{t['account']['id']}",
        "account_dependents": f"/api/v1/accounts/{t['account']['id']}/dependents",
        "account_charges": f"/api/v1/accounts/{t['account']['id']}/charges",
        "account_payments": f"/api/v1/accounts/{t['account']['id']}/payments",
    }


def external_id_path(t: dict) -> str:
    return f"/api/v1/clients/{t['client']['id']}/external-ids/{t['external_id']['id']}"


def write_calls(t: dict) -> list[tuple[str, str, str, dict | None]]:
    """(method, route template, path, valid body) for every data write route, in an order in
    which all succeed for a role that may write: creates (under the spare group and object),
    changes, then deletes of the tree leaf-first (the links and the account before the client and
    the premise, the premise before its floor, entrance and object). `write_status` is the
    success status of each."""
    n = seq()
    spare_o = t["spare_object"]["id"]
    p = item_paths(t)
    pid, cid, c2 = t["premise"]["id"], t["client"]["id"], t["client2"]["id"]
    return [
        ("POST", "/api/v1/object-groups", "/api/v1/object-groups", {"name": f"Новая группа {n}"}),
        ("POST", "/api/v1/quarters", "/api/v1/quarters",
         {"name": f"Новый квартал {n}", "object_group_id": t["spare_group"]["id"]}),
        ("POST", "/api/v1/objects", "/api/v1/objects",
         {"name": f"Новый дом {n}", "street": "Тверская", "house": "10/2"}),
        ("POST", "/api/v1/objects/{object_id}/entrances", f"/api/v1/objects/{spare_o}/entrances",
         {"number": n % 999 + 1, "name": "Второй"}),
        ("POST", "/api/v1/objects/{object_id}/floors", f"/api/v1/objects/{spare_o}/floors",
         {"number": n % 300 + 1}),
        ("POST", "/api/v1/legal-entities", "/api/v1/legal-entities",
         {"name": f"АО «Новое» {n}", "inn": inn10(100000 + n)}),
        ("POST", "/api/v1/premises", "/api/v1/premises",
         {"object_id": spare_o, "type": "parking", "number": str(n), "level": "-1"}),
        ("POST", "/api/v1/tags", "/api/v1/tags", {"name": f"Новый тег {n}"}),
        ("POST", "/api/v1/clients", "/api/v1/clients",
         {"last_name": "Новиков" + letters(n), "phone": unique_phone(), "tags": [f"Новый тег {n}"]}),
        ("POST", "/api/v1/clients/{id}/external-ids", p["client_external_ids"],
         {"system": "1c", "value": f"NEW-{n}", "note": "из 1С"}),
        ("POST", "/api/v1/premises/{id}/clients", p["premise_clients"],
         {"client_id": c2, "role": "resident", "owner_client_id": cid, "comment": "сын"}),
        ("POST", "/api/v1/clients/{id}/premises", f"/api/v1/clients/{c2}/premises",
         {"premise_id": t["spare_premise"]["id"], "ownership_share": "1/3"}),
        ("POST", "/api/v1/premises/{id}/accounts", p["premise_accounts"],
         {"legal_entity_id": t["legal"]["id"], "number": f"NEW-{n}"}),
        ("POST", "/api/v1/accounts/{id}/charges", p["account_charges"],
         {"period": "2026-09", "service": "Отопление", "amount": 250000}),
        ("POST", "/api/v1/accounts/{id}/payments", p["account_payments"],
         {"date": PAST_DATE, "amount": 100000, "source": "Касса"}),
        ("PATCH", "/api/v1/object-groups/{id}", p["group"], {"name": f"Изменённая группа {n}"}),
        ("PATCH", "/api/v1/quarters/{id}", p["quarter"], {"name": f"Изменённый квартал {n}"}),
        ("PATCH", "/api/v1/objects/{id}", p["object"], {"name": f"Изменённый дом {n}"}),
        ("PATCH", "/api/v1/objects/{object_id}/entrances/{id}", p["entrance"], {"name": "Главный"}),
        ("PATCH", "/api/v1/objects/{object_id}/floors/{id}", p["floor"], {"number": 3}),
        ("PATCH", "/api/v1/legal-entities/{id}", p["legal"], {"name": f"ООО «Изменённое» {n}"}),
        ("PATCH", "/api/v1/premises/{id}", p["premise"],
         {"note": f"Ключи у консьержа {n}", "tags": [], "total_area": 60}),
        ("PATCH", "/api/v1/clients/{id}", p["client"],
         {"note": f"Звонить после 18:00 {n}", "status": "blocked", "tags": []}),
        ("PATCH", "/api/v1/clients/{id}/external-ids/{external_id}", external_id_path(t),
         {"value": f"CHANGED-{n}", "note": "исправлен"}),
        ("PATCH", "/api/v1/premises/{id}/clients/{client_id}", f"/api/v1/premises/{pid}/clients/{cid}",
         {"ddu_number": f"ДДУ-{n}", "ddu_date": "2021-03-15", "ownership_share": "1/1"}),
        ("PATCH", "/api/v1/accounts/{id}", p["account"],
         {"hidden_from_resident": True, "unified_account": "12АБ345678"}),
        ("DELETE", "/api/v1/clients/{id}/external-ids/{external_id}", external_id_path(t), None),
        ("DELETE", "/api/v1/premises/{id}/clients/{client_id}", f"/api/v1/premises/{pid}/clients/{c2}", None),
        ("DELETE", "/api/v1/premises/{id}/clients/{client_id}", f"/api/v1/premises/{pid}/clients/{cid}", None),
        ("DELETE", "/api/v1/accounts/{id}", p["account"], None),
        ("DELETE", "/api/v1/clients/{id}", p["client"], None),
        ("DELETE", "/api/v1/premises/{id}", p["premise"], None),
        ("DELETE", "/api/v1/objects/{object_id}/floors/{id}", p["floor"], None),
        ("DELETE", "/api/v1/objects/{object_id}/entrances/{id}", p["entrance"], None),
        ("DELETE", "/api/v1/objects/{id}", p["object"], None),
        ("DELETE", "/api/v1/quarters/{id}", p["quarter"], None),
        ("DELETE", "/api/v1/object-groups/{id}", p["group"], None),
        ("DELETE", "/api/v1/legal-entities/{id}", p["legal"], None),
    ]


def read_calls(t: dict) -> list[tuple[str, str]]:
    """(route template, path) of every data read route for a tree."""
    o = t["object"]["id"]
    p = item_paths(t)
    return [
        ("/api/v1/object-groups", "/api/v1/object-groups"),
        ("/api/v1/quarters", "/api/v1/quarters"),
        ("/api/v1/objects", "/api/v1/objects"),
        ("/api/v1/objects/{object_id}/entrances", f"/api/v1/objects/{o}/entrances"),
        ("/api/v1/objects/{object_id}/floors", f"/api/v1/objects/{o}/floors"),
        ("/api/v1/legal-entities", "/api/v1/legal-entities"),
        ("/api/v1/object-groups/{id}", p["group"]),
        ("/api/v1/quarters/{id}", p["quarter"]),
        ("/api/v1/objects/{id}", p["object"]),
        ("/api/v1/objects/{object_id}/entrances/{id}", p["entrance"]),
        ("/api/v1/objects/{object_id}/floors/{id}", p["floor"]),
        ("/api/v1/legal-entities/{id}", p["legal"]),
        ("/api/v1/premises", "/api/v1/premises"),
        ("/api/v1/premises/{id}", p["premise"]),
        ("/api/v1/premises/{id}/dependents", p["premise_dependents"]),
        ("/api/v1/premises/{id}/history", p["premise_history"]),
        ("/api/v1/premises/export.xlsx", "/api/v1/premises/export.xlsx"),
        ("/api/v1/tags", "/api/v1/tags"),
        ("/api/v1/clients", "/api/v1/clients"),
        ("/api/v1/clients/{id}", p["client"]),
        ("/api/v1/clients/{id}/history", p["client_history"]),
        ("/api/v1/clients/{id}/external-ids", p["client_external_ids"]),
        ("/api/v1/clients/export.xlsx", "/api/v1/clients/export.xlsx"),
        ("/api/v1/premises/{id}/clients", p["premise_clients"]),
        ("/api/v1/premises/{id}/accounts", p["premise_accounts"]),
        ("/api/v1/clients/{id}/premises", p["client_premises"]),
        ("/api/v1/accounts/{id}", p["account"]),
        ("/api/v1/accounts/{id}/dependents", p["account_dependents"]),
        ("/api/v1/accounts/{id}/charges", p["account_charges"]),
        ("/api/v1/accounts/{id}/payments", p["account_payments"]),
    ]


def write_status(method: str, tpl: str) -> int:
    """The success status of a write route: 201 for a create, 200 for a change, 204 for a
    delete, except a premise or account delete, which answers 200 with the counts of what it
    deleted."""
    if method == "DELETE" and tpl in ("/api/v1/premises/{id}", "/api/v1/accounts/{id}"):
        return 200
    return {"POST": 201, "PATCH": 200, "PUT": 200, "DELETE": 204}[method]


def assert_read_ok(r: requests.Response, tpl: str) -> None:
    """200 for a read route: JSON, or an .xlsx workbook for the export."""
    if tpl.endswith(".xlsx"):
        assert r.status_code == 200, describe(r)
        assert r.headers.get("Content-Type", "").startswith(XLSX_TYPE), describe(r)
        read_xlsx(r.content)
    else:
        assert_status(r, 200)


def openapi_operations() -> set[tuple[str, str]]:
    """{(METHOD, path template)} of docs/openapi.yaml."""
    ops = set()
    for path, item in openapi()["paths"].items():
        for method in ("get", "post", "put", "patch", "delete", "head", "options"):
            if method in item:
                ops.add((method.upper(), path))
    return ops


# --------------------------------------------------------------------------- .xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _col_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n - 1


def read_xlsx(content: bytes) -> list[list[str]]:
    """The rows of the first worksheet of an .xlsx as lists of cell texts ("" for an empty
    cell), read with zipfile + ElementTree: shared strings, inline strings and numbers."""
    assert content[:2] == b"PK", f"not a zip (xlsx) file: {content[:40]!r}"
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        names = set(z.namelist())
        assert "xl/worksheets/sheet1.xml" in names, f"no xl/worksheets/sheet1.xml in {sorted(names)}"
        assert "[Content_Types].xml" in names and "xl/workbook.xml" in names, sorted(names)
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
            for si in root.findall("m:si", _NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")))
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows: list[list[str]] = []
    for row in sheet.iter(f"{{{_NS['m']}}}row"):
        cells: dict[int, str] = {}
        for i, c in enumerate(row.findall("m:c", _NS)):
            col = _col_index(c.get("r")) if c.get("r") else i
            t = c.get("t", "n")
            if t == "s":
                v = c.find("m:v", _NS)
                text = shared[int(v.text)] if v is not None and v.text else ""
            elif t == "inlineStr":
                is_ = c.find("m:is", _NS)
                text = "".join(x.text or "" for x in is_.iter(f"{{{_NS['m']}}}t")) if is_ is not None else ""
            else:
                v = c.find("m:v", _NS)
                text = v.text if v is not None and v.text is not None else ""
            cells[col] = text
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, "") for i in range(width)])
    return rows


def read_jsonl(path: Path) -> list[Any]:
    """The complete lines of a JSON-lines file another process appends to (the server's SMS
    sink, the SMTP sink): a line being written may be read half, cut inside a UTF-8 letter
    where its write crossed a page — so only lines up to the last newline count."""
    if not path.exists():
        return []
    data = path.read_bytes()
    data = data[:data.rfind(b"\n") + 1]
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
