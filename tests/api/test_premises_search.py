"""The premises register (docs/premises.md, SPEC R-1 … R-4): the search box, filters, sort,
paging and the .xlsx export, over a small set of addresses built once for the module (the
database is fresh, so every expected result is exact)."""

import pytest

from apikit import XLSX_TYPE, assert_error, assert_status, make_object, make_object_group, make_premise, \
    make_quarter, read_xlsx, seq, validate

P = "/api/v1/premises"

# object key → (street, house); premises: object key → [(type, number, extra fields)]
OBJECTS = {
    "L2": ("ул. Ленина", "2"),
    "L10": ("ул. Ленина", "10"),
    "L10A": ("ул. Ленина", "10А"),
    "L10k2": ("ул. Ленина", "10к2"),
    "L10_2": ("ул. Ленина", "10/2"),
    "L12s1": ("ул. Ленина", "12с1"),
    "M25A": ("пр-т Мира", "25А"),
    "M10": ("пр-т Мира", "10"),
    "E3": ("ул. Ёлочная", "3"),
    "D4": ("ул. Дробная", "4"),
}


@pytest.fixture(scope="module")
def world(admin, admin_b):
    """Org A: groups G1 (quarters Q1: Ленина 2, 10; Q2: Ленина 10А, 10к2, 10/2, 12с1) and G2
    (quarter Q3: Мира 25А, 10), Ёлочная 3 outside any group. Org B: its own Ленина 10, кв. 5."""
    w = {"groups": {}, "quarters": {}, "objects": {}, "premises": {}}
    g1, g2 = make_object_group(admin, name="Группа «Запад»"), make_object_group(admin, name="Группа «Восток»")
    q1 = make_quarter(admin, object_group_id=g1["id"], name="Квартал 1")
    q2 = make_quarter(admin, object_group_id=g1["id"], name="Квартал 2")
    q3 = make_quarter(admin, object_group_id=g2["id"], name="Квартал 3")
    w["groups"] = {"G1": g1, "G2": g2}
    w["quarters"] = {"Q1": q1, "Q2": q2, "Q3": q3}
    quarter_of = {"L2": q1, "L10": q1, "L10A": q2, "L10k2": q2, "L10_2": q2, "L12s1": q2, "M25A": q3,
                  "M10": q3}
    for key, (street, house) in OBJECTS.items():
        kw = {"quarter_id": quarter_of[key]["id"]} if key in quarter_of else {}
        w["objects"][key] = make_object(admin, name=f"Дом {key}", city="Москва", street=street, house=house,
                                        **kw)
    t_corner, t_view = f"Угловая {seq()}", f"Видовая {seq()}"
    w["tags"] = {"corner": t_corner, "view": t_view}
    spec = [
        # key, object, type, number, extra
        ("L2/5", "L2", "flat", "5", {"total_area": 40.5}),
        ("L2/9", "L2", "flat", "9", {}),
        ("L10/5", "L10", "flat", "5", {"total_area": 54.35, "tags": [t_corner]}),
        ("L10/9", "L10", "flat", "9", {"total_area": 33.1}),
        ("L10/10", "L10", "flat", "10", {"total_area": 120, "tags": [t_view]}),
        ("L10/105", "L10", "flat", "105", {"total_area": 75.25, "tags": [t_corner, t_view]}),
        ("L10/mm12", "L10", "parking", "12", {"level": "-1", "total_area": 13.5}),
        ("L10/kl3", "L10", "storage", "3", {"level": "-1"}),
        ("L10A/5", "L10A", "flat", "5", {"total_area": 61}),
        ("L10k2/5", "L10k2", "flat", "5", {}),
        ("L10k2/7", "L10k2", "flat", "7", {"total_area": 44.4}),
        ("L10_2/5", "L10_2", "flat", "5", {}),
        ("L10_2/7", "L10_2", "flat", "7", {}),
        ("L12s1/3", "L12s1", "flat", "3", {}),
        ("M25A/5", "M25A", "flat", "5", {"total_area": 90.9}),
        ("M25A/100", "M25A", "flat", "100", {}),
        ("M10/5", "M10", "flat", "5", {"total_area": 12.25}),
        ("E3/1", "E3", "flat", "1", {}),
        ("D4/12_1", "D4", "flat", "12/1", {}),
        ("D4/12", "D4", "flat", "12", {}),
        ("D4/6", "D4", "flat", "6", {}),
        ("D4/5A", "D4", "non_residential", "5А", {}),
    ]
    for key, okey, ptype, number, extra in spec:
        w["premises"][key] = make_premise(admin, w["objects"][okey]["id"], type=ptype, number=number, **extra)
    ob = make_object(admin_b, name="Чужой дом", city="Москва", street="ул. Ленина", house="10")
    w["b_premise"] = make_premise(admin_b, ob["id"], number="5", tags=[t_corner])
    w["b_object"] = ob
    return w


def keys_of(world, items):
    by_id = {p["id"]: k for k, p in world["premises"].items()}
    return [by_id.get(i["id"], f"?{i['id']}") for i in items]


def search(api, world, **params):
    """The keys of all matches (in answer order); checks the schema and that total = items."""
    body = validate(assert_status(api.get(P, params={"limit": 500, **params}), 200), "PremiseList")
    assert body["total"] == len(body["items"]), body
    return keys_of(world, body["items"])


def S(*keys):
    return sorted(keys)


# ------------------------------------------------------------------------- the register


def test_list_everything(admin, world):
    got = search(admin, world)
    assert S(*got) == S(*world["premises"]), "the register shows every premise of the organisation"


def test_list_item_fields(admin, world):
    body = assert_status(admin.get(P, params={"object_id": world["objects"]["L10"]["id"], "type": "flat",
                                              "q": "105"}), 200)
    [item] = body["items"]
    assert item == world["premises"]["L10/105"]
    assert item["address"] == "Москва, ул. Ленина, д. 10, кв. 105"
    assert item["object_name"] == "Дом L10" and item["clients_count"] == 0


# ------------------------------------------------------------------------- search box


ALL_5 = ("L2/5", "L10/5", "L10A/5", "L10k2/5", "L10_2/5", "M25A/5", "M10/5")


@pytest.mark.parametrize("q,expected", [
    ("Ленина 10 5", ["L10/5"]),
    ("ул. Ленина, д. 10, кв. 5", ["L10/5"]),
    ("ЛЕНИНА 10 5", ["L10/5"]),
    ("ленина 10 кв 5", ["L10/5"]),
    ("улица Ленина дом 10 квартира 5", ["L10/5"]),
    ("Ленина, 10, 5", ["L10/5"]),
    ("  Ленина   10   5  ", ["L10/5"]),
    ("10 5", ["L10/5", "M10/5"]),
    ("д. 10, кв. 5", ["L10/5", "M10/5"]),
    ("5", list(ALL_5)),
    ("кв. 5", list(ALL_5)),
    ("105", ["L10/105"]),
    ("Ленина 2 9", ["L2/9"]),
    ("Ленина 10", ["L10/5", "L10/9", "L10/10", "L10/105", "L10/mm12", "L10/kl3"]),
    ("Ленина 10 12", ["L10/mm12"]),
    ("Ленина 10 м/м 12", ["L10/mm12"]),
    ("Ленина 10А 5", ["L10A/5"]),
    ("Ленина 10 А 5", ["L10A/5"]),
    ("ленина 10а 5", ["L10A/5"]),
    ("Мира 25А", ["M25A/5", "M25A/100"]),
    ("мира 25 а", ["M25A/5", "M25A/100"]),
    ("пр-т Мира, 25 а, кв 100", ["M25A/100"]),
    ("проспект Мира 25А 100", ["M25A/100"]),
    ("МИРА 10 5", ["M10/5"]),
    ("10к2 7", ["L10k2/7"]),
    ("10 к2 7", ["L10k2/7"]),
    ("10 к 2 7", ["L10k2/7"]),
    ("10 корп. 2 7", ["L10k2/7"]),
    ("10К2 7", ["L10k2/7"]),
    ("Ленина 10к2 5", ["L10k2/5"]),
    ("10/2 7", ["L10_2/7"]),
    ("Ленина 10/2 5", ["L10_2/5"]),
    ("ул. Ленина, д. 10/2", ["L10_2/5", "L10_2/7"]),
    ("12с1 3", ["L12s1/3"]),
    ("12 стр. 1 3", ["L12s1/3"]),
    ("Ленина 12С1 3", ["L12s1/3"]),
    ("ул. Ленина, д. 12, стр. 1, кв. 3", ["L12s1/3"]),
    ("Ленина 12 3", []),
    ("елочная", ["E3/1"]),
    ("Елочная 3 1", ["E3/1"]),
    ("ЁЛОЧНАЯ 3 1", ["E3/1"]),
    ("ёлочная", ["E3/1"]),
    ("Дробная 4 12/1", ["D4/12_1"]),
    ("4 12/1", ["D4/12_1"]),
    ("12/1", ["D4/12_1"]),
    ("Дробная 4 5А", ["D4/5A"]),
    ("дробная 4 5а", ["D4/5A"]),
    ("5а", ["D4/5A"]),
    ("Дробная 4 пом. 5А", ["D4/5A"]),
    ("Ленина 10 999", []),
    ("Ленина 7 5", []),
    ("Пушкина 10 5", []),
    ("999", []),
])
def test_search_box(admin, world, q, expected):
    assert S(*search(admin, world, q=q)) == S(*expected), f"q={q!r}"


def test_search_street_alone(admin, world):
    lenina = [k for k in world["premises"] if k.startswith("L")]
    assert S(*search(admin, world, q="Ленина")) == S(*lenina)
    assert S(*search(admin, world, q="ул. ленина")) == S(*lenina)


@pytest.mark.parametrize("q", [
    "a" * 10000,
    "5 " * 5000,
    ("Ленина 10 5 " * 200)[:2000],
    "Ленина 10 5" + " " * 190 + "x",
    ".,;:!?-—()«»\"'/\\",
    "...",
    ",",
    "%",
    "_",
    "'; DROP TABLE premises; --",
])
def test_search_edge_queries_are_empty_not_errors(admin, world, q):
    r = admin.get(P, params={"q": q})
    body = validate(assert_status(r, 200), "PremiseList")
    assert body["items"] == [] and body["total"] == 0, f"q={q[:60]!r}…: {keys_of(world, body['items'])}"


def test_search_shows_only_own_organisation(admin, admin_b, world):
    assert world["b_premise"]["id"] not in [i["id"] for i in admin.get(P, params={"q": "Ленина 10 5"}).json()["items"]]
    body = assert_status(admin_b.get(P, params={"q": "Ленина 10 5", "limit": 500}), 200)
    assert [i["id"] for i in body["items"]] == [world["b_premise"]["id"]] and body["total"] == 1
    body = assert_status(admin_b.get(P, params={"q": "Мира 25А"}), 200)
    assert body["items"] == [] and body["total"] == 0


# ------------------------------------------------------------------------- filters


def test_filter_object(admin, world):
    o = world["objects"]
    assert S(*search(admin, world, object_id=o["L10A"]["id"])) == ["L10A/5"]
    assert S(*search(admin, world, object_id=[o["L10A"]["id"], o["M10"]["id"]])) == S("L10A/5", "M10/5")
    assert search(admin, world, object_id=987654321) == []


def test_filter_group_and_quarter(admin, world):
    g, q = world["groups"], world["quarters"]
    mira = ["M25A/5", "M25A/100", "M10/5"]
    lenina = [k for k in world["premises"] if k.startswith("L")]
    assert S(*search(admin, world, object_group_id=g["G2"]["id"])) == S(*mira)
    assert S(*search(admin, world, object_group_id=[g["G1"]["id"], g["G2"]["id"]])) == S(*lenina, *mira)
    q1 = ["L2/5", "L2/9", "L10/5", "L10/9", "L10/10", "L10/105", "L10/mm12", "L10/kl3"]
    assert S(*search(admin, world, quarter_id=q["Q1"]["id"])) == S(*q1)
    assert S(*search(admin, world, quarter_id=[q["Q1"]["id"], q["Q3"]["id"]])) == S(*q1, *mira)
    assert search(admin, world, quarter_id=987654321) == []


def test_filter_type(admin, world):
    assert search(admin, world, type="parking") == ["L10/mm12"]
    assert S(*search(admin, world, type=["parking", "storage"])) == S("L10/mm12", "L10/kl3")
    assert search(admin, world, type="land_plot") == []


def test_filter_tag(admin, world):
    t = world["tags"]
    assert S(*search(admin, world, tag=t["corner"])) == S("L10/5", "L10/105")
    assert S(*search(admin, world, tag=[t["corner"], t["view"]])) == S("L10/5", "L10/10", "L10/105")
    assert search(admin, world, tag=f"Нет такого тега {seq()}") == []


def test_filter_client(admin, world):
    # no clients yet: an unknown client has no premises
    assert search(admin, world, client_id=987654321) == []
    assert search(admin, world, client_id=[987654321, 987654322]) == []


def test_filters_combine_with_each_other_and_q(admin, world):
    o, g, q, t = world["objects"], world["groups"], world["quarters"], world["tags"]
    assert S(*search(admin, world, q="5", object_group_id=g["G1"]["id"])) == \
        S("L2/5", "L10/5", "L10A/5", "L10k2/5", "L10_2/5")
    assert search(admin, world, q="10 5", object_id=o["M10"]["id"]) == ["M10/5"]
    assert S(*search(admin, world, q="Ленина 10", type="flat")) == S("L10/5", "L10/9", "L10/10", "L10/105")
    assert S(*search(admin, world, q="Ленина 10", type="flat", tag=t["view"], quarter_id=q["Q1"]["id"])) == \
        S("L10/10", "L10/105")
    assert S(*search(admin, world, q="Ленина 10", tag=t["view"])) == S("L10/10", "L10/105")
    assert search(admin, world, q="Мира 25А", quarter_id=q["Q1"]["id"]) == []
    assert search(admin, world, type="flat", object_id=o["L10"]["id"], tag=t["corner"], q="105") == ["L10/105"]
    assert search(admin, world, q="5", client_id=987654321) == []


# ------------------------------------------------------------------------- sort and paging


LENINA_FLATS_NATURAL = ["L2/5", "L2/9", "L10/5", "L10/9", "L10/10", "L10/105", "L10A/5", "L10k2/5", "L10k2/7"]


def lenina_flats(world):
    o = world["objects"]
    return {"type": "flat", "object_id": [o[k]["id"] for k in ("L2", "L10", "L10A", "L10k2")]}


def test_sort_by_address_is_natural(admin, world):
    assert search(admin, world, **lenina_flats(world)) == LENINA_FLATS_NATURAL, "address is the default sort"
    assert search(admin, world, sort="address", **lenina_flats(world)) == LENINA_FLATS_NATURAL
    assert search(admin, world, sort="-address", **lenina_flats(world)) == LENINA_FLATS_NATURAL[::-1]


def test_sort_by_premise_number_is_natural(admin, world):
    got = search(admin, world, object_id=world["objects"]["D4"]["id"])
    assert got.index("D4/5A") < got.index("D4/6") < got.index("D4/12") < got.index("D4/12_1"), got
    got = search(admin, world, object_id=world["objects"]["D4"]["id"], sort="-address")
    assert got.index("D4/5A") > got.index("D4/6") > got.index("D4/12") > got.index("D4/12_1"), got


def test_sort_by_address_fraction_house_after_plain(admin, world):
    got = search(admin, world, q="Ленина", type="flat")
    assert got.index("L10_2/5") > got.index("L10/105") and got.index("L10_2/5") < got.index("L10_2/7")
    assert got.index("L2/9") < got.index("L10/5")


def test_sort_by_area(admin, world):
    areas = {k: p["total_area"] for k, p in world["premises"].items()}
    with_area = sorted((k for k in areas if areas[k] is not None), key=lambda k: areas[k])
    without = {k for k in areas if areas[k] is None}
    got = search(admin, world, sort="area")
    assert got[:len(with_area)] == with_area, "ascending total area"
    assert set(got[len(with_area):]) == without, "premises without area last"
    got = search(admin, world, sort="-area")
    assert got[:len(with_area)] == with_area[::-1], "descending total area"
    assert set(got[len(with_area):]) == without, "premises without area last"


def test_paging_keeps_the_order_and_total(admin, world):
    for sort in ("address", "-address", "area", "-area"):
        full = search(admin, world, sort=sort)
        pages = []
        for offset in range(0, len(full) + 3, 3):
            body = assert_status(admin.get(P, params={"sort": sort, "limit": 3, "offset": offset}), 200)
            assert body["total"] == len(full)
            assert len(body["items"]) == min(3, max(0, len(full) - offset))
            pages += keys_of(world, body["items"])
        assert pages == full, f"sort={sort}: pages differ from the full list"


# ------------------------------------------------------------------------- export


def listed_addresses(api, **params):
    body = assert_status(api.get(P, params={"limit": 500, **params}), 200)
    assert body["total"] == len(body["items"])
    return [i["address"] for i in body["items"]]


def export(api, **params):
    r = api.get(f"{P}/export.xlsx", params=params)
    assert r.status_code == 200, f"{r.status_code} {r.text[:300]}"
    assert r.headers.get("Content-Type", "").startswith(XLSX_TYPE), r.headers
    rows = read_xlsx(r.content)
    assert rows, "an empty workbook"
    return rows[0], [row for row in rows[1:] if any(c.strip() for c in row)]


def column(header, name):
    """The index of the column whose header is `name` or starts with it («Общая площадь, м²»)."""
    found = [i for i, h in enumerate(header) if h.strip() == name or h.strip().startswith(name + ",")
             or h.strip().startswith(name + " (")]
    assert found, f"no column «{name}» in {header}"
    return found[0]


def test_export_filtered(admin, world):
    header, rows = export(admin, q="Ленина 10", type="flat")
    for name in ("Адрес", "Тип", "Общая площадь"):
        column(header, name)
    addr = column(header, "Адрес")
    expected = search(admin, world, q="Ленина 10", type="flat")
    assert [r[addr] for r in rows] == [world["premises"][k]["address"] for k in expected]
    area = column(header, "Общая площадь")
    for row, k in zip(rows, expected):
        want = world["premises"][k]["total_area"]
        got = row[area].strip().replace(",", ".") if area < len(row) else ""
        if want is None:
            assert got == "", (k, row)
        else:
            assert float(got) == want, (k, row)


def test_export_headers_are_russian(admin, world):
    header, _ = export(admin, type="parking")
    assert all(h.strip() for h in header), header
    assert all(not h.isascii() for h in header if h.strip()), f"headers must be Russian: {header}"


def test_export_same_filters_as_the_list(admin, world):
    o, t = world["objects"], world["tags"]
    for params in ({"tag": t["corner"]}, {"object_id": [o["L10A"]["id"], o["M10"]["id"]]},
                   {"q": "5", "sort": "-address"}, {"type": ["parking", "storage"]}, {}):
        header, rows = export(admin, **params)
        addr = column(header, "Адрес")
        assert [r[addr] for r in rows] == listed_addresses(admin, **params), params


def test_export_empty_result_has_the_header(admin, world):
    header, rows = export(admin, q="Пушкина 1 1")
    column(header, "Адрес")
    assert rows == []
    header, rows = export(admin, q="a" * 10000)
    assert rows == []


def test_export_shows_only_own_organisation(admin_b, world):
    header, rows = export(admin_b)
    addr = column(header, "Адрес")
    assert [r[addr] for r in rows] == [world["b_premise"]["address"]]
    header, rows = export(admin_b, tag=world["tags"]["corner"])
    assert [r[addr] for r in rows] == [world["b_premise"]["address"]]


def test_tags_filter_in_other_organisation(admin_b, world):
    body = assert_status(admin_b.get(P, params={"tag": world["tags"]["view"]}), 200)
    assert body["items"] == [] and body["total"] == 0
    body = assert_status(admin_b.get(P, params={"object_id": world["objects"]["L10"]["id"]}), 200)
    assert body["items"] == [] and body["total"] == 0
    body = assert_status(admin_b.get(P, params={"object_group_id": world["groups"]["G1"]["id"]}), 200)
    assert body["items"] == [] and body["total"] == 0
