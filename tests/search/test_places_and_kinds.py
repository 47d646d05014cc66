"""Places as phrases (issue 10, pattern 5) and kind words over brand syllables (pattern 6)."""

from __future__ import annotations

import pytest

from search.indexer import rebuild_index
from search.places import is_place
from search.understanding import PLACE, understand

# (name, province code, province as given, producer, commune)
CATALOG = [
    ("Bánh tráng phơi sương", "80", "Tây Ninh", "HTX Bánh tráng Trảng Bàng", "Xã Trảng Bàng"),
    ("Bánh tráng dẻo", "80", "Long An", "Cơ sở Bánh tráng Cần Giuộc", ""),  # pre-2025 province
    ("Bánh tráng Ninh Hòa", "56", "Khánh Hòa", "HTX Ninh Hòa", ""),  # "Ninh" in the name
    ("Bánh tráng mè", "24", "Bắc Ninh", "HTX Bắc Ninh", ""),  # another "… Ninh" province
    ("Nước mắm Phong Hải", "15", "Lào Cai", "HTX Phong Hải", ""),
    ("Nước mắm Cát Hải", "31", "Hải Phòng", "HTX Cát Hải", ""),
    ("Tranh gạo", "44", "Quảng Trị", "Công ty Gạo Vàng", ""),  # a kind word, not the kind
    ("Gạo thơm ST25", "96", "Sóc Trăng", "HTX Lúa Gạo", ""),
    ("Gạo lứt đỏ", "82", "Đồng Tháp", "Cơ sở Gạo Sạch", ""),
    ("Thanh nhãn Lê Gia", "33", "Hưng Yên", "Cơ sở Lê Gia", ""),  # a brand: Lê
    ("Lê tai nung", "04", "Cao Bằng", "HTX Lê Cao Bằng", ""),
]


@pytest.fixture
def catalog(make_product, make_producer, index_dir) -> str:
    for name, code, given, producer, commune in CATALOG:
        make_product(
            name=name,
            name_en=name,
            story="",
            story_en="",
            producer=make_producer(
                name=producer, province_code=code, province_name_given=given, commune=commune
            ),
        )
    rebuild_index(index_dir)
    return index_dir


def _full(page) -> list[str]:
    return [product.name for product in page.items[: page.total]]


@pytest.mark.parametrize(
    "query",
    ["bánh tráng tây ninh", "banh trang tay ninh", "BÁNH TRÁNG TÂY NINH", "banh trang tayninh"],
)
def test_a_place_is_a_phrase_in_the_place_fields_not_a_syllable_of_a_name(catalog, search, query):
    page = search(query)
    # Rice paper from Tây Ninh, including the one filed under Long An (part of it since 2025).
    assert set(_full(page)) == {"Bánh tráng phơi sương", "Bánh tráng dẻo"}
    # "Ninh Hòa" and "Bắc Ninh" rice paper come after, among the related products.
    rest = [product.name for product in page.items[page.total :]]
    assert "Bánh tráng Ninh Hòa" in rest and "Bánh tráng mè" in rest


def test_a_pre_2025_province_is_recognised_as_a_place(catalog, search):
    assert _full(search("bánh tráng long an")) == ["Bánh tráng dẻo"]
    assert understand(["long", "an"])[0].role == PLACE


def test_a_place_is_not_its_syllables_reversed(catalog, search):
    page = search("hai phong")
    assert _full(page)[0] == "Nước mắm Cát Hải"
    assert "Nước mắm Phong Hải" not in _full(page)


@pytest.mark.parametrize(
    ("words", "place"),
    [
        ("tây ninh", True),
        ("tay ninh", True),  # without diacritics
        ("cần giờ", True),  # a pre-2025 district
        ("buôn ma thuột", True),
        ("phú quốc", True),  # a commune-level unit today
        ("mật ong", False),
        ("trà xanh", False),
    ],
)
def test_place_names_current_and_pre_2025(words, place):
    assert is_place(words.split()) is place


def test_a_kind_word_ranks_the_kind_above_a_brand_that_contains_it(catalog, search):
    names = _full(search("gạo"))
    assert set(names[:2]) == {"Gạo thơm ST25", "Gạo lứt đỏ"}
    assert names[2] == "Tranh gạo"
    names = _full(search("lê"))
    assert names[0] == "Lê tai nung"
    names = _full(search("le"))
    assert names[0] == "Lê tai nung"


# --- districts: the rest of their province follows, as related products ----------------------


@pytest.mark.parametrize(
    ("district", "regions"),
    [
        ("cau ke", {("tra", "vinh"), ("vinh", "long")}),  # Trà Vinh, today Vĩnh Long
        ("can gio", {("ho", "chi", "minh")}),
        ("buon ma thuot", {("dak", "lak")}),
        ("da lat", {("lam", "dong")}),
        ("trang bang", {("tay", "ninh")}),
        ("can giuoc", {("long", "an"), ("tay", "ninh")}),  # Long An, today Tây Ninh
        ("luc ngan", {("bac", "giang"), ("bac", "ninh")}),
    ],
)
def test_a_district_knows_its_province_before_and_after_the_reform(district, regions):
    from search.places import district_regions

    assert set(district_regions()[tuple(district.split())]) == regions


@pytest.mark.parametrize("name", ["chau thanh", "lao cai", "bac ninh"])
def test_no_province_for_a_district_name_many_provinces_share_or_a_province_itself(name):
    from search.places import district_regions

    # Châu Thành is a district of ten provinces; Lào Cai and Bắc Ninh are provinces (and cities).
    assert tuple(name.split()) not in district_regions()


def test_a_district_finds_what_names_it_then_the_rest_of_its_province(catalog, search):
    page = search("trang bang")
    assert _full(page) == ["Bánh tráng phơi sương"]  # its producer and commune name Trảng Bàng
    # Not the district, but its province (Long An is part of Tây Ninh today): related.
    assert [product.name for product in page.items[page.total :]] == ["Bánh tráng dẻo"]
    page = search("can giuoc")  # a district of the old Long An, named by the producer
    assert _full(page) == ["Bánh tráng dẻo"]
    assert "Bánh tráng phơi sương" in [product.name for product in page.items[page.total :]]


def test_every_pre_2025_province_goes_to_the_province_the_converter_says():
    """The old → new province table inferred from commune names agrees with the
    administrative-units converter the importer uses, for all 63 pre-2025 provinces."""
    from catalog.admin_units import _convert_old_province
    from core.text import fold
    from search.places import province_today_of

    today_of = province_today_of()
    assert len(today_of) == 63
    wrong = {}
    for old, new in today_of.items():
        converted = _convert_old_province(old)
        if converted is None or fold(converted.name).removeprefix("thanh pho ") != fold(new):
            wrong[old] = (new, converted.name if converted else None)
    assert not wrong
