"""The clients register (docs/clients.md «List parameters», SPEC C-1 … C-4) over a fixed set
of clients: the search box by name (any word order, any case, ё = е, parts of words) and by
phone (any format, any part of at least 3 digits), filters, sort orders, paging and the .xlsx
export."""

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest

from apikit import (CYRILLIC, XLSX_TYPE, assert_error, assert_status, make_client, make_entrance, make_floor,
                    make_object, make_object_group, make_premise, make_quarter, read_xlsx, validate)

C = "/api/v1/clients"

# key: (body, tags)
WORLD = {
    "ivanov": {"last_name": "Иванов", "first_name": "Пётр", "middle_name": "Сергеевич",
               "phone": "+7 916 123-45-67", "tags": ["Должник", "VIP"]},
    "petrova": {"last_name": "Петрова", "first_name": "Анна", "phone": "8 903 555 12 34",
                "tags": ["Должник"]},
    "yolkin": {"last_name": "Ёлкин", "first_name": "Иван", "phone": "8(916)123-00-11"},
    "eliseev": {"last_name": "Елисеев", "first_name": "Олег", "phone": "+7 495 916-44-55"},
    "zhukov": {"last_name": "Жуков", "first_name": "Георгий", "phone": None},
    "li": {"last_name": "Ли", "first_name": "Иван", "phone": "9210004567"},
    "alekseev": {"last_name": "Алексеев", "first_name": "Борис", "phone": "+7 999 888-77-66",
                 "status": "blocked"},
    "romashka": {"type": "legal_entity", "organization_name": "ООО «Ромашка»",
                 "phone": "+7 495 111-22-33", "inn": "7707083893", "tags": ["VIP"]},
    "petrovsky": {"type": "sole_proprietor", "organization_name": "ИП Петровский",
                  "phone": "+7 812 300-40-50"},
    "branch": {"type": "foreign_branch", "organization_name": "Представительство «Гамма»", "phone": None},
}

# Russian alphabetical order of the full names (case ignored, ё beside е)
BY_NAME = ["alekseev", "eliseev", "yolkin", "zhukov", "ivanov", "petrovsky", "li", "romashka",
           "petrova", "branch"]


@pytest.fixture(scope="module")
def world(env, admin, admin_b):
    clients = {k: make_client(admin, **body) for k, body in WORLD.items()}
    # the same phone and name in organisation B: a different client, never seen by A
    b_client = make_client(admin_b, last_name="Иванов", first_name="Пётр", phone="+7 916 123-45-67")
    return {"clients": clients, "ids": {c["id"]: k for k, c in clients.items()}, "b_client": b_client}


def search(api, world, **params) -> list[str]:
    """The keys of the clients a list request finds (limit 500), in order; checks the schema
    and that the total counts them all."""
    body = validate(assert_status(api.get(C, params={"limit": 500, **params}), 200), "ClientList")
    assert body["total"] == len(body["items"]), body["total"]
    unknown = [i["full_name"] for i in body["items"] if i["id"] not in world["ids"]]
    assert not unknown, f"clients outside the fixed set: {unknown}"
    return [world["ids"][i["id"]] for i in body["items"]]


def S(*keys) -> list[str]:
    return sorted(keys)


# ------------------------------------------------------------------------- list


def test_list_everything_in_name_order(admin, world):
    assert search(admin, world) == BY_NAME
    assert search(admin, world, sort="name") == BY_NAME


def test_list_item_fields(admin, world):
    body = assert_status(admin.get(C, params={"q": "иванов"}), 200)
    [item] = body["items"]
    assert item["full_name"] == "Иванов Пётр Сергеевич"
    assert item["phone"] == "+79161234567" and item["phone_formatted"] == "+7 916 123-45-67"
    assert item["premises"] == [] and item["last_seen_at"] is None
    assert sorted(item["tags"]) == ["VIP", "Должник"]


# ------------------------------------------------------------------------- search by name


@pytest.mark.parametrize("q,expected", [
    ("иван петр", ["ivanov"]),
    ("петр иван", ["ivanov"]),
    ("Пётр Иванов", ["ivanov"]),
    ("ИВАНОВ ПЁТР СЕРГЕЕВИЧ", ["ivanov"]),
    ("сергеевич иванов", ["ivanov"]),
    ("ПЕТР", S("ivanov", "petrova", "petrovsky")),
    ("пётр", S("ivanov", "petrova", "petrovsky")),
    ("петр", S("ivanov", "petrova", "petrovsky")),
    ("ПЕТРОВ", S("petrova", "petrovsky")),
    ("елкин", ["yolkin"]),
    ("ЁЛКИН", ["yolkin"]),
    ("ёлкин иван", ["yolkin"]),
    ("иван", S("ivanov", "yolkin", "li")),
    ("ромаш", ["romashka"]),
    ("ООО ромашка", ["romashka"]),
    ("«Ромашка»", ["romashka"]),
    ("ли иван", ["li"]),
    ("иван ли", ["li"]),
    ("ив ли", ["li"]),
    ("анна петрова", ["petrova"]),
    ("гамма", ["branch"]),
    ("Иванова", []),
    ("иван петр олег", []),
    ("Смирнов", []),
])
def test_search_by_name(admin, world, q, expected):
    got = search(admin, world, q=q)
    assert sorted(got) == sorted(expected), f"q={q!r}: {got}"


def test_search_results_keep_the_name_order(admin, world):
    assert search(admin, world, q="иван") == [k for k in BY_NAME if k in ("ivanov", "yolkin", "li")]


# ------------------------------------------------------------------------- search by phone


@pytest.mark.parametrize("q,expected", [
    ("+7 916 123-45-67", ["ivanov"]),
    ("8 916 123 45 67", ["ivanov"]),
    ("8(916)123-45-67", ["ivanov"]),
    ("9161234567", ["ivanov"]),
    ("+79161234567", ["ivanov"]),
    ("8 916 123", S("ivanov", "yolkin")),
    ("+7 (916)", S("ivanov", "yolkin")),
    ("(916)", S("ivanov", "yolkin", "eliseev")),
    ("916", S("ivanov", "yolkin", "eliseev")),
    ("4567", S("ivanov", "li")),
    ("555 12", ["petrova"]),
    ("8-903", ["petrova"]),
    ("300-40-50", ["petrovsky"]),
    ("12", []),
    ("91", []),
    ("7", []),
    ("+7 000 000-00-00", []),
])
def test_search_by_phone(admin, world, q, expected):
    got = search(admin, world, q=q)
    assert sorted(got) == sorted(expected), f"q={q!r}: {got}"


def test_search_by_phone_shows_only_own_organisation(admin_b, world):
    body = assert_status(admin_b.get(C, params={"q": "+7 916 123-45-67"}), 200)
    assert [i["id"] for i in body["items"]] == [world["b_client"]["id"]] and body["total"] == 1
    body = assert_status(admin_b.get(C, params={"q": "ромашка"}), 200)
    assert body["items"] == [] and body["total"] == 0


@pytest.mark.parametrize("q", ['"', "*", "%", "_", "'", "NEAR(", "иван*", 'иван"', "'; DROP TABLE clients; --",
                               "%иван%", "ив_н", "иван OR петр", "AND", "-иван", "^иван", "иван:петр",
                               "(", ")", "{}", "\\", "a\u0000b", "😀", "<script>", "иван" * 100, "9" * 300,
                               "   ", ",.-", "NOT петр", "иван NEAR петр", "\"иван\" \"петр\""])
def test_special_characters_never_500(admin, world, q):
    r = admin.get(C, params={"q": q})
    assert r.status_code == 200, f"q={q!r}: {r.status_code} {r.text[:300]}"
    body = validate(r.json(), "ClientList")
    assert body["total"] == len(body["items"]) or len(body["items"]) == 50


@pytest.mark.parametrize("q", ['"', "NEAR(", "иван*", "'; DROP TABLE clients; --", "a\u0000b", "иван\u0000"])
def test_special_characters_in_the_export_never_500(admin, world, q):
    r = admin.get(f"{C}/export.xlsx", params={"q": q})
    assert r.status_code == 200, f"q={q!r}: {r.status_code} {r.text[:300]}"
    read_xlsx(r.content)


@pytest.mark.parametrize("q", ['"', "*", "%", "_", "'", "(", ",.-", "%%", "__"])
def test_punctuation_alone_finds_nothing(admin, world, q):
    """Text without letters is a phone; with fewer than 3 digits it finds nothing (and a
    `%` or `_` is never a wildcard that finds everyone)."""
    assert search(admin, world, q=q) == [], q


def test_blank_search_box_lists_everyone(admin, world):
    assert search(admin, world, q="   ") == BY_NAME
    assert search(admin, world, q="") == BY_NAME


# ------------------------------------------------------------------------- filters


def test_filter_type(admin, world):
    assert search(admin, world, type="legal_entity") == ["romashka"]
    assert search(admin, world, type=["legal_entity", "sole_proprietor"]) == ["petrovsky", "romashka"]
    assert search(admin, world, type="foreign_branch") == ["branch"]
    assert search(admin, world, type="individual") == [k for k in BY_NAME if "type" not in WORLD[k]]


def test_filter_status(admin, world):
    assert search(admin, world, status="blocked") == ["alekseev"]
    assert search(admin, world, status="active") == [k for k in BY_NAME if k != "alekseev"]
    assert search(admin, world, status=["active", "blocked"]) == BY_NAME


def test_filter_tag(admin, world):
    assert search(admin, world, tag="Должник") == ["ivanov", "petrova"]
    assert search(admin, world, tag=["VIP", "Должник"]) == ["ivanov", "romashka", "petrova"]
    assert search(admin, world, tag="Нет такого тега") == []


def test_filters_combine_with_each_other_and_q(admin, world):
    assert search(admin, world, q="петр", type="individual") == ["ivanov", "petrova"]
    assert search(admin, world, q="петр", type=["individual", "sole_proprietor"]) == ["ivanov", "petrovsky", "petrova"]
    assert search(admin, world, q="анна", tag="Должник") == ["petrova"]
    assert search(admin, world, tag="VIP", type="legal_entity") == ["romashka"]
    assert search(admin, world, q="916", tag="Должник") == ["ivanov"]
    assert search(admin, world, q="+7 999 888", status="blocked") == ["alekseev"]
    assert search(admin, world, q="+7 999 888", status="active") == []
    assert search(admin, world, tag="VIP", status="blocked") == []


def test_premise_filters_find_nothing_until_links(admin, world):
    g = make_object_group(admin)
    q = make_quarter(admin, object_group_id=g["id"])
    o = make_object(admin, object_group_id=g["id"], quarter_id=q["id"])
    e = make_entrance(admin, o["id"], number=1)
    f = make_floor(admin, o["id"], number=1, entrance_id=e["id"])
    p = make_premise(admin, o["id"], entrance_id=e["id"], floor_id=f["id"])
    ids = {"object_group_id": g["id"], "quarter_id": q["id"], "object_id": o["id"],
           "entrance_id": e["id"], "floor_id": f["id"], "premise_id": p["id"]}
    for name, value in ids.items():
        for v in (value, [value, 987654321], 987654321):
            body = assert_status(admin.get(C, params={name: v}), 200)
            assert body["items"] == [] and body["total"] == 0, (name, v)
    body = assert_status(admin.get(C, params={**ids, "q": "иван"}), 200)
    assert body["total"] == 0


@pytest.mark.parametrize("params,field", [
    ({"sort": "bogus"}, "sort"), ({"sort": "NAME"}, "sort"), ({"sort": ""}, "sort"),
    ({"sort": "address"}, "sort"), ({"sort": "--name"}, "sort"),
    ({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"limit": "abc"}, "limit"),
    ({"limit": "-1"}, "limit"), ({"offset": "-1"}, "offset"), ({"offset": "x"}, "offset"),
    ({"type": "person"}, "type"), ({"type": ["individual", "x"]}, "type"), ({"status": "deleted"}, "status"),
    ({"object_id": "abc"}, "object_id"), ({"object_group_id": "x"}, "object_group_id"),
    ({"quarter_id": "1x"}, "quarter_id"), ({"entrance_id": "-1"}, "entrance_id"),
    ({"floor_id": "1.5"}, "floor_id"), ({"premise_id": "x"}, "premise_id"), ({"premise_id": "0"}, "premise_id"),
])
def test_bad_list_parameters(integration, params, field):
    assert_error(integration.get(C, params=params), 400, "bad_request", field=field)


def test_limit_edges(integration, world):
    for limit in ("1", "500"):
        assert_status(integration.get(C, params={"limit": limit}), 200)


# ------------------------------------------------------------------------- sort and paging


def test_sort_by_name_is_russian_alphabetical(admin, world):
    got = search(admin, world, sort="name")
    assert got == BY_NAME
    # ё beside е: «Ёлкин» between «Елисеев» and «Жуков»
    assert got.index("eliseev") < got.index("yolkin") < got.index("zhukov")
    assert search(admin, world, sort="-name") == BY_NAME[::-1]


def test_sort_by_phone(admin, world):
    c = world["clients"]
    with_phone = sorted((k for k in BY_NAME if c[k]["phone"]), key=lambda k: c[k]["phone"])
    without = {k for k in BY_NAME if not c[k]["phone"]}
    assert without == {"zhukov", "branch"}
    got = search(admin, world, sort="phone")
    assert got[:len(with_phone)] == with_phone, "ascending phone"
    assert set(got[len(with_phone):]) == without, "clients without a phone last"
    got = search(admin, world, sort="-phone")
    assert got[:len(with_phone)] == with_phone[::-1], "descending phone"
    assert set(got[len(with_phone):]) == without, "clients without a phone last"


@pytest.fixture(scope="module")
def last_seen(env, world):
    """The last visits to the resident app (the app sets them; no staff API does)."""
    seen = {"petrova": "2026-11-20T08:00:00Z", "ivanov": "2026-10-01T12:30:00Z",
            "romashka": "2026-11-25T19:45:10Z"}
    for k, ts in seen.items():
        env.db.execute(f"UPDATE clients SET last_seen_at = '{ts}' WHERE id = {world['clients'][k]['id']};")
    return seen


def test_sort_by_last_seen(admin, world, last_seen):
    got = search(admin, world, sort="last_seen")
    assert got[:3] == ["ivanov", "petrova", "romashka"], got
    assert set(got[3:]) == set(BY_NAME) - set(last_seen), "clients never seen last"
    got = search(admin, world, sort="-last_seen")
    assert got[:3] == ["romashka", "petrova", "ivanov"], got
    assert set(got[3:]) == set(BY_NAME) - set(last_seen), "clients never seen last"
    body = assert_status(admin.get(C, params={"q": "петрова"}), 200)
    assert body["items"][0]["last_seen_at"] == last_seen["petrova"]


def test_paging_keeps_the_order_and_total(admin, world, last_seen):
    for sort in ("name", "-name", "phone", "-phone", "last_seen", "-last_seen"):
        full = search(admin, world, sort=sort)
        pages = []
        for offset in range(0, len(full) + 3, 3):
            body = assert_status(admin.get(C, params={"sort": sort, "limit": 3, "offset": offset}), 200)
            assert body["total"] == len(full)
            assert len(body["items"]) == min(3, max(0, len(full) - offset))
            pages += [world["ids"][i["id"]] for i in body["items"]]
        assert pages == full, f"sort={sort}: pages differ from the full list"


def test_default_limit_is_50(admin, world):
    body = assert_status(admin.get(C), 200)
    assert body["total"] == len(WORLD) and len(body["items"]) == len(WORLD)
    body = assert_status(admin.get(C, params={"limit": 2, "offset": 9}), 200)
    assert body["total"] == len(WORLD) and len(body["items"]) == 1


# ------------------------------------------------------------------------- export


def export(api, **params):
    r = api.get(f"{C}/export.xlsx", params=params)
    assert r.status_code == 200, f"{r.status_code} {r.text[:300]}"
    assert r.headers.get("Content-Type", "").startswith(XLSX_TYPE), r.headers
    disposition = r.headers.get("Content-Disposition", "")
    assert disposition.startswith("attachment") and ".xlsx" in disposition, disposition
    assert_valid_workbook(r.content)
    rows = read_xlsx(r.content)
    assert rows, "an empty workbook"
    return rows[0], [row for row in rows[1:] if any(c.strip() for c in row)]


def assert_valid_workbook(content: bytes) -> None:
    """The parts a spreadsheet program needs, consistent with each other: content types, the
    workbook with its sheet relationship, a sheet whose strings are shared or inline
    (libxlsxwriter's constant-memory mode writes `<is><t>` inline strings)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert z.testzip() is None, "a corrupt member"
        names = set(z.namelist())
        for part in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/worksheets/sheet1.xml"):
            assert part in names, f"no {part} in {sorted(names)}"
        types = z.read("[Content_Types].xml").decode()
        assert "/xl/worksheets/sheet1.xml" in types and "/xl/workbook.xml" in types, types
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        assert "worksheets/sheet1.xml" in rels, rels
        wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
        assert wb.findall(".//m:sheet", ns), "no sheet in the workbook"
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
        for c in sheet.iter(f"{{{ns['m']}}}c"):
            t = c.get("t", "n")
            if t == "inlineStr":
                assert c.find("m:is/m:t", ns) is not None or c.find("m:is/m:r/m:t", ns) is not None, \
                    ElementTree.tostring(c)
            elif t == "s":
                assert "xl/sharedStrings.xml" in names, "a shared string without sharedStrings.xml"
        rows = sheet.findall(".//m:sheetData/m:row", ns)
        dim = sheet.find("m:dimension", ns)
        if dim is not None and rows:
            last = re.search(r"(\d+)$", dim.get("ref"))
            assert last and int(last.group(1)) == int(rows[-1].get("r")), (dim.get("ref"), rows[-1].get("r"))


def column(header, prefix):
    found = [i for i, h in enumerate(header) if h.strip().startswith(prefix)]
    assert found, f"no column «{prefix}…» in {header}"
    return found[0]


def listed(api, **params):
    body = assert_status(api.get(C, params={"limit": 500, **params}), 200)
    assert body["total"] == len(body["items"])
    return body["items"]


def test_export_filtered_and_searched(admin, world):
    params = {"q": "иван", "type": "individual"}
    header, rows = export(admin, **params)
    assert all(CYRILLIC.search(h) or h in ("№", "E-mail") for h in header), f"headers must be Russian: {header}"
    name, phone = column(header, "ФИО"), column(header, "Телефон")
    items = listed(admin, **params)
    assert [i["full_name"] for i in items] == ["Ёлкин Иван", "Иванов Пётр Сергеевич", "Ли Иван"]
    assert [r[name] for r in rows] == [i["full_name"] for i in items]
    assert [r[phone] for r in rows] == [i["phone_formatted"] for i in items]


def test_export_same_parameters_as_the_list(admin, world, last_seen):
    for params in ({}, {"tag": "Должник"}, {"type": ["legal_entity", "sole_proprietor"]},
                   {"q": "916", "sort": "-name"}, {"status": "blocked"}, {"sort": "-last_seen"},
                   {"sort": "phone"}, {"q": "ПЕТР", "tag": ["VIP", "Должник"]}):
        header, rows = export(admin, **params)
        name = column(header, "ФИО")
        assert [r[name] for r in rows] == [i["full_name"] for i in listed(admin, **params)], params


def test_export_ignores_paging(admin, world):
    header, rows = export(admin, sort="name")
    assert len(rows) == len(WORLD)


def test_export_empty_result_has_the_header(admin, world):
    header, rows = export(admin, q="Нетакихклиентов")
    column(header, "ФИО")
    assert rows == []
    header, rows = export(admin, q="91")
    assert rows == []


def test_export_shows_only_own_organisation(admin_b, world):
    header, rows = export(admin_b)
    name, phone = column(header, "ФИО"), column(header, "Телефон")
    assert [(r[name], r[phone]) for r in rows] == [("Иванов Пётр", "+7 916 123-45-67")]


@pytest.mark.parametrize("params,field", [({"sort": "bogus"}, "sort"), ({"type": "person"}, "type"),
                                          ({"object_id": "abc"}, "object_id"), ({"status": "x"}, "status")])
def test_bad_export_parameters(integration, params, field):
    assert_error(integration.get(f"{C}/export.xlsx", params=params), 400, "bad_request", field=field)


# ------------------------------------------------------------------------- name order through the index
# The search index keeps its rows in the order of the names' first five letters (SQLite:
# db/search_rowid.hpp); a search reads its matches in that order and sorts out the page from
# the first ones and the rest of the last one's group. Names alike in their first five letters
# and apart later, made in a shuffled order, must still come out in full name order, on every
# page, both ways, and only the caller's organisation's.


def test_search_pages_follow_the_full_names_across_groups_of_alike_names(admin, admin_b):
    import random
    tag = "".join(random.Random().choice("бвгджзклмнпрстфхцчшщ") for _ in range(6))
    lasts = [f"Шевч{tag}{x}" for x in ("а", "ь", "ено", "енко", "ук", "")] + [f"Шев{tag}", f"Ашев{tag}"]
    firsts = ["Анна", "Яков", "Борис", "Юлия", "Пётр"]
    people = [(last, first) for last in lasts for first in firsts]
    random.Random(7).shuffle(people)
    ids = {}
    for last, first in people:
        ids[make_client(admin, last_name=last, first_name=first)["id"]] = f"{last} {first}".lower().replace("ё", "е")
        make_client(admin_b, last_name=last, first_name=first)  # the same names in organisation B
    expected = sorted(ids, key=lambda i: (ids[i], i))
    for q in (tag, f"шев{tag[:2]}", f"{tag} анна"):
        wanted = [i for i in expected if all(w in ids[i] for w in q.split())]
        assert wanted, q
        for sort, order in (("name", wanted), ("-name", wanted[::-1])):
            for limit in (1, 4, 7, 50):
                got, total = [], None
                for offset in range(0, len(order) + limit, limit):
                    body = assert_status(admin.get(C, params={"q": q, "sort": sort, "limit": limit,
                                                              "offset": offset}), 200)
                    total = body["total"]
                    got += [item["id"] for item in body["items"]]
                assert total == len(order), (q, sort, limit, total)
                assert got == order, f"q={q!r} sort={sort} limit={limit}: {[ids.get(i, i) for i in got]}"


def test_the_end_of_a_phone_beginning_with_8_is_found(admin, admin_b):
    """«8036» is the end of +7 916 233-80-36, though a leading 8 also reads as the trunk 8
    («8 916 233» is +7 916 233): both readings are looked for."""
    import random
    tail = f"8{random.randint(100, 999)}"
    phone = f"+7 916 {random.randint(100, 999)}-{tail[:2]}-{tail[2:]}"
    mine = make_client(admin, last_name="Восьмёркин", first_name="Илья", phone=phone)
    make_client(admin_b, last_name="Восьмёркин", first_name="Илья", phone=phone)
    digits = "".join(ch for ch in phone if ch.isdigit())
    for q in (tail, f"{digits[-5:]}", f"8 916 {digits[4:7]}", f"8{digits[1:]}"):
        for sort in ("name", "phone"):
            body = assert_status(admin.get(C, params={"q": q, "sort": sort, "limit": 500}), 200)
            ids = [item["id"] for item in body["items"]]
            assert mine["id"] in ids, f"q={q!r} sort={sort}: {body['items'][:3]}"
            assert all(item["phone"] for item in body["items"])
