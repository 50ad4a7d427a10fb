"""What links and accounts change in the registers (docs/links-and-accounts.md «What changes in
the registers», SPEC C-1, C-3): the premise filters of the clients list find linked clients,
`debt_min` / `debt_max`, `role`, the `premises` column with `premises_count` and `debt`, the
clients export columns; the premises list's `client_id` filter, `clients_count`, and `q` by
account number and by a linked client's name or phone. Over a fixed set of premises and
clients:

    G1 / Q1 / O1: P1 (E1, F1), P2 (E2, F2)      G2 / O2: P3      O3: P4 … P8
    ivanov   owner P1                 debt 100000 (P1)
    petrova  resident P1 (ivanov)     debt 100000 (P1)
    sidorov  owner P2, owner P3       debt 30000  (P2 paid off, P3)
    kozlov   tenant P3 (sidorov)      debt 30000
    orlov    owner P4, P5, P6, P7     debt 500000 (P4)
    minus    owner P8                 debt -10000 (overpaid)
    nobody   no premises              debt 0
"""

import pytest

from apikit import (add_charge, add_payment, assert_error, assert_status, make_account, make_client,
                    make_entrance, make_floor, make_legal_entity, make_link, make_object, make_object_group,
                    make_premise, make_quarter, read_xlsx, validate)

C = "/api/v1/clients"
P = "/api/v1/premises"
TEMP = "Временный"  # last name of the clients the changing tests make; the fixed-set checks skip them

PHONES = {"ivanov": "+7 916 700-11-22", "petrova": "+7 916 700-11-23", "sidorov": "+7 916 700-11-24",
          "kozlov": "+7 916 700-11-25", "orlov": "+7 916 700-11-26", "minus": "+7 916 700-11-27",
          "nobody": "+7 916 700-11-28"}
NAMES = {"ivanov": ("Иванов", "Игорь"), "petrova": ("Петрова", "Полина"), "sidorov": ("Сидоров", "Семён"),
         "kozlov": ("Козлов", "Кирилл"), "orlov": ("Орлов", "Олег"), "minus": ("Минусов", "Марк"),
         "nobody": ("Никаков", "Никита")}
DEBT = {"ivanov": 100000, "petrova": 100000, "sidorov": 30000, "kozlov": 30000, "orlov": 500000,
        "minus": -10000, "nobody": 0}
ACCOUNT_NUMBER = "7700123456"
UNIFIED = "45ЖК000777"


@pytest.fixture(scope="module")
def world(admin):
    g1, g2 = make_object_group(admin), make_object_group(admin)
    q1 = make_quarter(admin, object_group_id=g1["id"])
    o1 = make_object(admin, object_group_id=g1["id"], quarter_id=q1["id"], city="Москва", street="ул. Садовая",
                     house="5")
    o2 = make_object(admin, object_group_id=g2["id"], city="Москва", street="ул. Полевая", house="9")
    o3 = make_object(admin, city="Москва", street="ул. Лесная", house="3")
    e1, e2 = make_entrance(admin, o1["id"], number=1), make_entrance(admin, o1["id"], number=2)
    f1 = make_floor(admin, o1["id"], number=1, entrance_id=e1["id"])
    f2 = make_floor(admin, o1["id"], number=2, entrance_id=e2["id"])
    prem = {
        "P1": make_premise(admin, o1["id"], number="1", entrance_id=e1["id"], floor_id=f1["id"]),
        "P2": make_premise(admin, o1["id"], number="2", entrance_id=e2["id"], floor_id=f2["id"]),
        "P3": make_premise(admin, o2["id"], number="3"),
    }
    for i in range(4, 9):
        prem[f"P{i}"] = make_premise(admin, o3["id"], number=str(i))
    prem["P9"] = make_premise(admin, o3["id"], number="9")  # nobody's
    cl = {k: make_client(admin, last_name=NAMES[k][0], first_name=NAMES[k][1], phone=PHONES[k]) for k in NAMES}
    pid = {k: v["id"] for k, v in prem.items()}
    cid = {k: v["id"] for k, v in cl.items()}
    make_link(admin, pid["P1"], cid["ivanov"], ownership_share="1/1")
    make_link(admin, pid["P1"], cid["petrova"], role="resident", owner_client_id=cid["ivanov"])
    make_link(admin, pid["P2"], cid["sidorov"])
    make_link(admin, pid["P3"], cid["sidorov"])
    make_link(admin, pid["P3"], cid["kozlov"], role="tenant", owner_client_id=cid["sidorov"])
    for i in range(4, 8):
        make_link(admin, pid[f"P{i}"], cid["orlov"])
    make_link(admin, pid["P8"], cid["minus"])
    le = make_legal_entity(admin)
    acc = {
        "P1": make_account(admin, pid["P1"], le["id"], number=ACCOUNT_NUMBER),
        "P2": make_account(admin, pid["P2"], le["id"]),
        "P3": make_account(admin, pid["P3"], le["id"], unified_account=UNIFIED),
        "P4": make_account(admin, pid["P4"], le["id"]),
        "P8": make_account(admin, pid["P8"], le["id"]),
    }
    add_charge(admin, acc["P1"]["id"], amount=100000)
    add_charge(admin, acc["P2"]["id"], amount=50000)
    add_payment(admin, acc["P2"]["id"], amount=50000)
    add_charge(admin, acc["P3"]["id"], amount=30000)
    add_charge(admin, acc["P4"]["id"], amount=500000)
    add_payment(admin, acc["P8"]["id"], amount=10000)
    return {"g1": g1, "g2": g2, "q1": q1, "o1": o1, "o2": o2, "o3": o3, "e1": e1, "e2": e2, "f1": f1, "f2": f2,
            "premises": prem, "pid": pid, "clients": cl, "cid": cid, "ids": {v: k for k, v in cid.items()},
            "pkeys": {v: k for k, v in pid.items()}, "legal": le, "accounts": acc}


def items(api, path, **params) -> list[dict]:
    body = assert_status(api.get(path, params={"limit": 500, **params}), 200)
    assert body["total"] == len(body["items"]), body["total"]
    return body["items"]


def clients(api, world, **params) -> list[str]:
    """The keys of the fixed clients a clients list request finds, sorted; each found once."""
    body = validate(assert_status(api.get(C, params={"limit": 500, **params}), 200), "ClientList")
    assert body["total"] == len(body["items"]), (params, body["total"], len(body["items"]))
    ids = [i["id"] for i in body["items"] if not (i["last_name"] or "").startswith(TEMP)]
    assert len(ids) == len(set(ids)), f"a client listed twice: {params}"
    unknown = [i for i in ids if i not in world["ids"]]
    assert not unknown, unknown
    return sorted(world["ids"][i] for i in ids)


def premises(api, world, **params) -> list[str]:
    body = validate(assert_status(api.get(P, params={"limit": 500, **params}), 200), "PremiseList")
    assert body["total"] == len(body["items"]), (params, body["total"])
    keys = [world["pkeys"].get(i["id"], i["id"]) for i in body["items"]]
    assert len(keys) == len(set(keys)), f"a premise listed twice: {params}"
    return sorted(str(k) for k in keys)


def S(*keys):
    return sorted(keys)


# ------------------------------------------------------------------------- premise filters of the clients list


@pytest.mark.parametrize("param,key,expected", [
    ("object_group_id", "g1", S("ivanov", "petrova", "sidorov")),
    ("object_group_id", "g2", S("kozlov", "sidorov")),
    ("quarter_id", "q1", S("ivanov", "petrova", "sidorov")),
    ("object_id", "o1", S("ivanov", "petrova", "sidorov")),
    ("object_id", "o2", S("kozlov", "sidorov")),
    ("object_id", "o3", S("minus", "orlov")),
    ("entrance_id", "e1", S("ivanov", "petrova")),
    ("entrance_id", "e2", S("sidorov")),
    ("floor_id", "f1", S("ivanov", "petrova")),
    ("floor_id", "f2", S("sidorov")),
])
def test_premise_filters_find_linked_clients(admin, world, param, key, expected):
    assert clients(admin, world, **{param: world[key]["id"]}) == expected


def test_premise_filter_by_premise(admin, world):
    pid = world["pid"]
    assert clients(admin, world, premise_id=pid["P1"]) == S("ivanov", "petrova")
    assert clients(admin, world, premise_id=pid["P3"]) == S("kozlov", "sidorov")
    assert clients(admin, world, premise_id=pid["P9"]) == []
    # a client linked to several of the premises is listed once and counted once
    assert clients(admin, world, premise_id=[pid["P4"], pid["P5"], pid["P6"]]) == ["orlov"]
    assert clients(admin, world, premise_id=[pid["P2"], pid["P3"]]) == S("kozlov", "sidorov")
    assert clients(admin, world, object_id=[world["o1"]["id"], world["o2"]["id"]]) == \
        S("ivanov", "kozlov", "petrova", "sidorov")


def test_premise_filters_combine_with_each_other_and_q(admin, world):
    assert clients(admin, world, object_id=world["o1"]["id"], q="сидоров") == ["sidorov"]
    assert clients(admin, world, object_id=world["o1"]["id"], q="козлов") == []
    assert clients(admin, world, object_group_id=world["g1"]["id"], entrance_id=world["e1"]["id"]) == \
        S("ivanov", "petrova")
    assert clients(admin, world, object_id=world["o2"]["id"], entrance_id=world["e1"]["id"]) == []
    assert clients(admin, world, object_id=world["o1"]["id"], q="8 916 700-11-22") == ["ivanov"]


# ------------------------------------------------------------------------- debt and role


@pytest.mark.parametrize("params,expected", [
    ({"debt_min": 100000}, S("ivanov", "orlov", "petrova")),
    ({"debt_min": 100001}, S("orlov")),
    ({"debt_min": 1}, S("ivanov", "kozlov", "orlov", "petrova", "sidorov")),
    ({"debt_max": 0}, S("minus", "nobody")),
    ({"debt_max": -1}, S("minus")),
    ({"debt_min": -10000, "debt_max": -10000}, S("minus")),
    ({"debt_min": 30000, "debt_max": 100000}, S("ivanov", "kozlov", "petrova", "sidorov")),
    ({"debt_min": 30001, "debt_max": 99999}, []),
    ({"debt_min": 500000, "debt_max": 500000}, S("orlov")),
    ({"debt_min": 0}, S("ivanov", "kozlov", "nobody", "orlov", "petrova", "sidorov")),
    ({"debt_min": 200000, "debt_max": 100000}, []),
])
def test_debt_range(admin, world, params, expected):
    assert clients(admin, world, **params) == expected


@pytest.mark.parametrize("role,expected", [
    ("owner", S("ivanov", "minus", "orlov", "sidorov")),
    ("resident", S("petrova")),
    ("tenant", S("kozlov")),
    ("representative", []),
    ("unconfirmed_owner", []),
    (["resident", "tenant"], S("kozlov", "petrova")),
    (["owner", "tenant"], S("ivanov", "kozlov", "minus", "orlov", "sidorov")),
])
def test_role_filter(admin, world, role, expected):
    assert clients(admin, world, role=role) == expected


def test_debt_and_role_combine_with_other_filters(admin, world):
    assert clients(admin, world, role="owner", debt_min=100000) == S("ivanov", "orlov")
    assert clients(admin, world, role="owner", object_id=world["o1"]["id"]) == S("ivanov", "sidorov")
    assert clients(admin, world, debt_min=1, object_id=world["o2"]["id"]) == S("kozlov", "sidorov")
    assert clients(admin, world, debt_min=1, q="иванов") == ["ivanov"]
    assert clients(admin, world, debt_max=0, q="иванов") == []


@pytest.mark.parametrize("params,field", [
    ({"debt_min": "abc"}, "debt_min"), ({"debt_min": "1.5"}, "debt_min"),
    ({"debt_max": "10р"}, "debt_max"), ({"debt_max": "1e5"}, "debt_max"),
    ({"debt_min": "99999999999999999999999"}, "debt_min"),
    ({"role": "boss"}, "role"), ({"role": ["owner", "x"]}, "role"), ({"role": "OWNER"}, "role"),
])
def test_bad_new_list_parameters(integration, world, params, field):
    assert_error(integration.get(C, params=params), 400, "bad_request", field=field)
    assert_error(integration.get(f"{C}/export.xlsx", params=params), 400, "bad_request", field=field)


# ------------------------------------------------------------------------- list items


def item_of(api, world, key) -> dict:
    [item] = [i for i in items(api, C, q=PHONES[key]) if i["id"] == world["cid"][key]]
    return validate(item, "Client")


def test_items_carry_premises_count_and_debt(admin, world):
    p = world["premises"]
    ivanov = item_of(admin, world, "ivanov")
    assert ivanov["premises"] == [{"id": p["P1"]["id"], "address": p["P1"]["address"], "role": "owner"}]
    assert ivanov["premises_count"] == 1 and ivanov["debt"] == 100000
    petrova = item_of(admin, world, "petrova")
    assert petrova["premises"] == [{"id": p["P1"]["id"], "address": p["P1"]["address"], "role": "resident"}]
    sidorov = item_of(admin, world, "sidorov")
    assert sidorov["premises_count"] == 2
    assert sorted((x["id"], x["role"]) for x in sidorov["premises"]) == \
        sorted([(p["P2"]["id"], "owner"), (p["P3"]["id"], "owner")])
    orlov = item_of(admin, world, "orlov")
    assert orlov["premises_count"] == 4 and len(orlov["premises"]) == 3
    orlov_ids = {p[f"P{i}"]["id"] for i in range(4, 8)}
    assert {x["id"] for x in orlov["premises"]} <= orlov_ids
    for x in orlov["premises"]:
        assert x["role"] == "owner" and x["address"] == [v for v in p.values() if v["id"] == x["id"]][0]["address"]
    nobody = item_of(admin, world, "nobody")
    assert nobody["premises"] == [] and nobody["premises_count"] == 0 and nobody["debt"] == 0
    for key, debt in DEBT.items():
        assert item_of(admin, world, key)["debt"] == debt, key


def test_every_list_item_has_the_new_fields(admin, world):
    for item in items(admin, C):
        assert isinstance(item["premises_count"], int) and isinstance(item["debt"], int), item
        assert len(item["premises"]) <= 3 and len(item["premises"]) <= item["premises_count"], item


def rub(cell: str) -> float:
    """A money cell of the export as rubles ("1 000,00", "1000.00", "1000", "-100")."""
    return float(cell.replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("₽", "") or 0)


def test_export_has_premises_and_debt_columns(admin, world):
    r = admin.get(f"{C}/export.xlsx", params={"object_id": [world["o1"]["id"], world["o3"]["id"]]})
    assert r.status_code == 200, r.text[:300]
    rows = [row for row in read_xlsx(r.content) if any(c.strip() for c in row)]
    header, data = rows[0], rows[1:]
    prem_col = [i for i, h in enumerate(header) if h.strip().startswith("Помещения")]
    debt_col = [i for i, h in enumerate(header) if h.strip().startswith("Задолженность")]
    assert prem_col and debt_col, header
    assert header[debt_col[0]].strip() == "Задолженность, ₽", header
    by_name = {}
    for row in data:
        row = row + [""] * (len(header) - len(row))
        name = next((c for c in row if any(n[0] in c for n in NAMES.values())), None)
        by_name[name] = row
    assert len(data) == 5, data  # ivanov, petrova, sidorov, orlov, minus
    ivanov = next(row for name, row in by_name.items() if name and "Иванов" in name)
    assert world["premises"]["P1"]["address"] in ivanov[prem_col[0]], ivanov
    assert rub(ivanov[debt_col[0]]) == 1000.0, ivanov
    minus = next(row for name, row in by_name.items() if name and "Минусов" in name)
    assert rub(minus[debt_col[0]]) == -100.0, minus
    orlov = next(row for name, row in by_name.items() if name and "Орлов" in name)
    assert rub(orlov[debt_col[0]]) == 5000.0, orlov
    assert orlov[prem_col[0]].strip(), orlov


def test_export_filters_by_debt_and_role(admin, world):
    r = admin.get(f"{C}/export.xlsx", params={"debt_min": 100000, "role": "owner"})
    assert r.status_code == 200, r.text[:300]
    rows = [row for row in read_xlsx(r.content)[1:] if any(c.strip() for c in row)]
    text = [" ".join(row) for row in rows]
    assert len(rows) == 2 and any("Иванов" in t for t in text) and any("Орлов" in t for t in text), text


# ------------------------------------------------------------------------- premises list


def test_premises_client_filter_and_clients_count(admin, world):
    cid = world["cid"]
    assert premises(admin, world, client_id=cid["ivanov"]) == ["P1"]
    assert premises(admin, world, client_id=cid["sidorov"]) == S("P2", "P3")
    assert premises(admin, world, client_id=[cid["ivanov"], cid["petrova"]]) == ["P1"]
    assert premises(admin, world, client_id=cid["orlov"]) == S("P4", "P5", "P6", "P7")
    assert premises(admin, world, client_id=cid["nobody"]) == []
    assert premises(admin, world, client_id=cid["orlov"], object_id=world["o1"]["id"]) == []
    counts = {world["pkeys"][i["id"]]: i["clients_count"] for i in items(admin, P) if i["id"] in world["pkeys"]}
    assert counts == {"P1": 2, "P2": 1, "P3": 2, "P4": 1, "P5": 1, "P6": 1, "P7": 1, "P8": 1, "P9": 0}
    card = assert_status(admin.get(f"{P}/{world['pid']['P3']}"), 200)
    assert card["clients_count"] == 2


def test_premises_q_finds_by_account_number(admin, world):
    assert premises(admin, world, q=ACCOUNT_NUMBER) == ["P1"]
    assert premises(admin, world, q=f"  {ACCOUNT_NUMBER} ") == ["P1"]
    # exact: a part of the number is not the number
    assert "P1" not in premises(admin, world, q=ACCOUNT_NUMBER[:6])


def test_premises_q_finds_by_unified_account(admin, world):
    assert premises(admin, world, q=UNIFIED) == ["P3"]


@pytest.mark.parametrize("q,expected", [
    ("Сидоров", S("P2", "P3")),
    ("сидоров семён", S("P2", "P3")),
    ("козлов", ["P3"]),
    ("Кирилл Козлов", ["P3"]),
    ("петрова", ["P1"]),
    ("орлов", S("P4", "P5", "P6", "P7")),
    ("8 916 700-11-22", ["P1"]),
    ("+79167001125", ["P3"]),
    ("(916) 700 11 27", ["P8"]),
    ("Никаков", []),
])
def test_premises_q_finds_by_linked_client(admin, world, q, expected):
    assert premises(admin, world, q=q) == expected


def test_premises_q_still_finds_by_address(admin, world):
    assert premises(admin, world, q="Садовая 5 1") == ["P1"]
    assert premises(admin, world, q="ул. Полевая, д. 9") == ["P3"]


# ------------------------------------------------------------------------- the lists follow changes


def test_lists_follow_link_changes(admin, world):
    """A new client linked to P3 joins its filters and debt at once; unlinked, leaves them."""
    p3 = world["pid"]["P3"]
    c = make_client(admin, last_name=TEMP, first_name="Тимур")
    found = lambda **params: c["id"] in {i["id"] for i in items(admin, C, **params)}  # noqa: E731
    assert not found(object_id=world["o2"]["id"])
    make_link(admin, p3, c["id"], role="tenant", owner_client_id=world["cid"]["sidorov"])
    assert found(object_id=world["o2"]["id"]) and found(role="tenant") and found(debt_min=30000, debt_max=30000)
    assert c["id"] in [i["id"] for i in items(admin, C, premise_id=p3)]
    assert premises(admin, world, client_id=c["id"]) == ["P3"]
    assert_status(admin.delete(f"{P}/{p3}/clients/{c['id']}"), 204)
    assert not found(object_id=world["o2"]["id"]) and not found(role="tenant") and found(debt_max=0)
    assert premises(admin, world, client_id=c["id"]) == []
