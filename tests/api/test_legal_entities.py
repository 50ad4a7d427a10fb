"""Legal entities (юр. лица): CRUD, search by name or ИНН, and the checks of ИНН, КПП and
ОГРН / ОГРНИП (check digits)."""

import pytest

from apikit import (assert_error, assert_status, inn10, inn12, make_legal_entity, ogrnip15,
                    seq, validate)

LE = "/api/v1/legal-entities"


def test_create_read_sberbank(admin):
    le = make_legal_entity(admin, name="ПАО Сбербанк", inn="7707083893", kpp="773601001",
                           ogrn="1027700132195")
    assert (le["inn"], le["kpp"], le["ogrn"]) == ("7707083893", "773601001", "1027700132195")
    assert validate(assert_status(admin.get(f"{LE}/{le['id']}"), 200), "LegalEntity") == le


def test_create_minimal(admin):
    r = admin.post(LE, json={"name": "ООО «Минимум»", "inn": inn10(seq())})
    le = validate(assert_status(r, 201), "LegalEntity")
    assert le["kpp"] is None and le["ogrn"] is None


def test_twelve_digit_inn_and_ogrnip(admin):
    le = make_legal_entity(admin, name="ИП Петров Пётр Петрович", inn="500100732259", kpp=None,
                           ogrn=ogrnip15(seq()))
    assert le["inn"] == "500100732259" and len(le["ogrn"]) == 15
    make_legal_entity(admin, name="ИП Сидоров", inn=inn12(seq()), kpp=None, ogrn=None)


def test_patch_partial_and_null_clears(admin):
    le = make_legal_entity(admin)
    got = assert_status(admin.patch(f"{LE}/{le['id']}", json={"name": "ООО «Новое имя»"}), 200)
    assert got["name"] == "ООО «Новое имя»" and got["inn"] == le["inn"] and got["kpp"] == le["kpp"]
    got = assert_status(admin.patch(f"{LE}/{le['id']}", json={"kpp": None, "ogrn": None}), 200)
    assert got["kpp"] is None and got["ogrn"] is None and got["name"] == "ООО «Новое имя»"
    assert validate(assert_status(admin.get(f"{LE}/{le['id']}"), 200), "LegalEntity") == got
    for f in ("name", "inn"):
        assert_error(admin.patch(f"{LE}/{le['id']}", json={f: None}), 422, "validation_failed", field=f)
    assert_error(admin.patch(f"{LE}/{le['id']}", json={"inn": "1234567890"}), 422, "validation_failed",
                 field="inn")


def test_inn_unique(admin):
    inn = inn10(seq())
    make_legal_entity(admin, inn=inn)
    assert_error(admin.post(LE, json={"name": "Двойник", "inn": inn}), 409, "conflict", field="inn")
    other = make_legal_entity(admin)
    assert_error(admin.patch(f"{LE}/{other['id']}", json={"inn": inn}), 409, "conflict", field="inn")


def test_delete(admin):
    le = make_legal_entity(admin)
    assert_status(admin.delete(f"{LE}/{le['id']}"), 204)
    assert_error(admin.get(f"{LE}/{le['id']}"), 404, "not_found")
    assert_error(admin.delete(f"{LE}/{le['id']}"), 404, "not_found")
    # the ИНН is free again
    make_legal_entity(admin, inn=le["inn"])


def test_list_search_by_name_and_inn(admin):
    tag = f"Ромашка{seq()}"
    a = make_legal_entity(admin, name=f"ООО «{tag}»")
    b = make_legal_entity(admin, name=f"АО «{tag} Плюс»")
    body = assert_status(admin.get(LE, params={"q": tag.lower()}), 200)
    assert body["total"] == 2 and {i["id"] for i in body["items"]} == {a["id"], b["id"]}
    for item in body["items"]:
        validate(item, "LegalEntity")
    body = assert_status(admin.get(LE, params={"q": b["inn"]}), 200)
    assert [i["id"] for i in body["items"]] == [b["id"]]
    body = assert_status(admin.get(LE, params={"q": tag, "limit": 1, "offset": 1}), 200)
    assert body["total"] == 2 and len(body["items"]) == 1


@pytest.mark.parametrize("inn", ["1234567890", "7707083894", "500100732258", "770708389", "77070838931",
                                 "77070838AB", "", "7707 08389", "５００１００７３２２５９"])
def test_bad_inn(admin, inn):
    assert_error(admin.post(LE, json={"name": "ООО «Ошибка»", "inn": inn}), 422, "validation_failed",
                 field="inn")


def test_inn_must_be_a_string(admin):
    assert_error(admin.post(LE, json={"name": "ООО «Число»", "inn": 7707083893}), 422, "validation_failed",
                 field="inn")


@pytest.mark.parametrize("kpp", ["77360100", "7736010011", "77360100A", "AB3601001", "７７３６０１００１"])
def test_bad_kpp(admin, kpp):
    assert_error(admin.post(LE, json={"name": "ООО «КПП»", "inn": inn10(seq()), "kpp": kpp}),
                 422, "validation_failed", field="kpp")


@pytest.mark.parametrize("ogrn", ["1027700132196", "102770013219", "10277001321950", "304500116000157x"])
def test_bad_ogrn(admin, ogrn):
    assert_error(admin.post(LE, json={"name": "ООО «ОГРН»", "inn": inn10(seq()), "ogrn": ogrn}),
                 422, "validation_failed", field="ogrn")


@pytest.mark.parametrize("field", ["kpp", "ogrn"])
def test_blank_optional_text_means_no_value(admin, field):
    """An optional text sent empty or blank (a cleared form input) is stored as null."""
    created = admin.post(LE, json={"name": "ООО «Пусто»", "inn": inn10(seq()), field: "  "})
    assert created.status_code == 201, created.text
    assert created.json()[field] is None
    good = {"kpp": "773601001", "ogrn": "1027700132195"}[field]
    record = admin.patch(f"{LE}/{created.json()['id']}", json={field: good}).json()
    assert record[field] == good
    cleared = admin.patch(f"{LE}/{created.json()['id']}", json={field: ""})
    assert cleared.status_code == 200 and cleared.json()[field] is None


def test_kpp_letters_in_positions_five_and_six(admin):
    created = admin.post(LE, json={"name": "ООО «Буквы»", "inn": inn10(seq()), "kpp": "7736AB001"})
    assert created.status_code == 201, created.text


def test_ogrnip_wrong_check_digit(admin):
    good = ogrnip15(seq())
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert_error(admin.post(LE, json={"name": "ИП «ОГРНИП»", "inn": inn12(seq()), "ogrn": bad}),
                 422, "validation_failed", field="ogrn")


def test_name_length(admin):
    make_legal_entity(admin, name="Ю" * 300)
    assert_error(admin.post(LE, json={"name": "Ю" * 301, "inn": inn10(seq())}), 422, "validation_failed",
                 field="name")
    assert_error(admin.post(LE, json={"name": "", "inn": inn10(seq())}), 422, "validation_failed",
                 field="name")


def test_several_errors_reported_together(admin):
    body = assert_error(admin.post(LE, json={"name": "", "inn": "1234567890", "kpp": "1"}),
                        422, "validation_failed")
    assert {"name", "inn", "kpp"} <= set(body["fields"]), body

