"""The related tier (issue 10, pattern 1): a precise query that few products match in full
continues with the products that match most of its words, below a divider, never a dead end."""

from __future__ import annotations

import re

import pytest

from search.indexer import rebuild_index

HONEYS = [
    # (name, name_en, province code, province as given, producer)
    ("Mật ong hoa nhãn Hưng Yên", "Longan flower honey", "33", "Hưng Yên", "HTX Ong Khoái Châu"),
    ("Mật ong rừng U Minh", "U Minh forest honey", "96", "Cà Mau", "Cơ sở Ong Rừng"),
    ("Mật ong hoa cà phê", "Coffee blossom honey", "66", "Đắk Lắk", "HTX Ong Ea Kar"),
    ("Nhãn lồng Hưng Yên", "Hung Yen longan", "33", "Hưng Yên", "HTX Nhãn Phố Hiến"),
    ("Trà hoa nhài", "Jasmine tea", "01", "Hà Nội", "HTX Trà Nhài"),
]


@pytest.fixture
def honeys(make_product, make_producer, index_dir) -> dict[str, object]:
    products = {}
    for name, name_en, code, given, producer in HONEYS:
        products[name_en] = make_product(
            name=name,
            name_en=name_en,
            story="",
            story_en="",
            producer=make_producer(name=producer, province_code=code, province_name_given=given),
        )
    rebuild_index(index_dir)
    return products


def _names(page) -> list[str]:
    return [product.name_en for product in page.items]


def test_a_precise_query_continues_with_the_same_kind_below_its_full_matches(honeys, search):
    page = search("mat ong hoa nhan")
    assert page.total == 1  # only one product has every word
    assert _names(page)[0] == "Longan flower honey"
    assert set(_names(page)[1:]) == {"U Minh forest honey", "Coffee blossom honey"}
    assert page.related_total == 2
    assert page.matches == ["all", "some", "some"]
    assert page.related_from == 1


def test_the_kind_word_counts_more_than_other_words(honeys, search):
    # "nhãn" and "hoa" are half the words but not the kind: longan and jasmine tea are not
    # related to longan-flower honey; the other honeys are.
    names = _names(search("mat ong hoa nhan"))
    assert "Hung Yen longan" not in names
    assert "Jasmine tea" not in names
    # Nothing has every word: jasmine tea has as many of them as the honeys, but not the kind.
    page = search("mật ong hoa nhài")
    assert page.total == 0
    assert set(_names(page)[:3]) == {
        "U Minh forest honey",
        "Coffee blossom honey",
        "Longan flower honey",
    }
    assert "Jasmine tea" in _names(page)[3:]


def test_an_extra_word_the_name_lacks_no_longer_loses_the_product(honeys, search):
    page = search("MẬT ONG RỪNG NGUYÊN CHẤT")  # "nguyên chất" is in no name
    assert page.total == 0
    assert _names(page)[0] == "U Minh forest honey"
    assert page.relaxed


def test_related_tier_is_absent_when_a_page_of_full_matches_exists(honeys, search):
    page = search("mat ong hoa nhan", per_page=1)
    assert _names(page) == ["Longan flower honey"]
    assert page.related_total == 0 and page.related_from is None


def test_no_product_that_is_not_for_sale_appears_in_the_related_tier(
    honeys, search, make_product, make_producer, index_dir
):
    make_product(
        name="Mật ong bạc hà",
        name_en="Mint honey",
        producer=make_producer(name="HTX Ong Mèo Vạc", province_code="08"),
        certificate={"status": "revoked"},
    )
    make_product(name="Mật ong hoa bạc hà", name_en="Uncertified mint honey", certificate=None)
    rebuild_index(index_dir)
    names = _names(search("mat ong hoa nhan"))
    assert "U Minh forest honey" in names
    assert "Mint honey" not in names and "Uncertified mint honey" not in names


def _visible(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def test_search_page_shows_the_divider_in_both_languages(honeys, client):
    text = _visible(client.get("/search?q=mat+ong+hoa+nhan"))
    assert "1 sản phẩm" in text
    assert text.index("Mật ong hoa nhãn Hưng Yên") < text.index("Sản phẩm liên quan")
    assert text.index("Sản phẩm liên quan") < text.index("Mật ong rừng U Minh")
    client.get("/lang/en")
    text = _visible(client.get("/search?q=mat+ong+hoa+nhan"))
    assert text.index("Longan flower honey") < text.index("Related products")
    assert "Related products" not in _visible(client.get("/search?q=mat+ong"))


def test_api_marks_each_result_and_counts_the_related_apart(honeys, client):
    data = client.get("/api/search?q=mat+ong+hoa+nhan").get_json()
    assert data["total"] == 1
    assert data["related_count"] == 2
    assert [r["match"] for r in data["results"]] == ["all", "some", "some"]
    assert data["results"][0]["name"] == "Mật ong hoa nhãn Hưng Yên"
    data = client.get("/api/search?q=mat+ong").get_json()
    assert data["related_count"] == 0
    assert {r["match"] for r in data["results"]} == {"all"}


DRIED = [
    # (name, province code, province as given)
    ("Khô cá kèo", "96", "Cà Mau"),
    ("Tôm khô", "96", "Cà Mau"),  # "khô" of the kind, and "Cà" of the province
    ("Khô cá sặc rằn", "92", "Hậu Giang"),
    ("Bánh đậu trà xanh", "01", "Hà Nội"),  # "trà xanh" in a name that is no tea
    ("Trà xanh túi lọc", "38", "Thanh Hóa"),
]


@pytest.fixture
def dried(make_product, make_producer, index_dir) -> None:
    for name, code, given in DRIED:
        make_product(
            name=name,
            name_en="",
            story="",
            story_en="",
            producer=make_producer(
                name=f"Cơ sở {name}", province_code=code, province_name_given=given
            ),
        )
    rebuild_index(index_dir)


def test_a_syllable_of_a_province_is_no_part_of_the_kind(dried, search):
    # "Tôm khô" from Cà Mau matches "khô" and the province, not "khô cá": the other dried
    # fish is more of what was asked for.
    page = search("khô cá kèo cà mau")
    assert [product.name for product in page.items][:3] == [
        "Khô cá kèo",
        "Khô cá sặc rằn",
        "Tôm khô",
    ]


def test_among_equal_coverage_the_asked_kind_comes_first(dried, search):
    # Both match "trà xanh" in full and not the province: the one that *is* green tea first.
    page = search("trà xanh thái nguyên")
    assert page.total == 0
    assert [product.name for product in page.items][:2] == ["Trà xanh túi lọc", "Bánh đậu trà xanh"]


# --- third round: the kind asked for always follows; other names as spelled --------------------


def _plain_catalog(make_product, index_dir, names: list[str]) -> None:
    for name in names:
        make_product(name=name, name_en="", story="", story_en="")
    rebuild_index(index_dir)


def test_products_of_the_kind_follow_even_when_the_other_words_outweigh_it(
    make_product, index_dir, search
):
    # Kind (gạo, 3) against "thơm" (1) and a commune (2 × 1.5): the other rice matches less
    # than half the query's weight, yet a shopper asking for one rice wants the others below.
    _plain_catalog(
        make_product, index_dir, ["Gạo thơm Thủy Thanh", "Gạo cái quạt mo", "Tranh thêu"]
    )
    page = search("gạo thơm thủy thanh")
    assert [p.name for p in page.items] == ["Gạo thơm Thủy Thanh", "Gạo cái quạt mo"]
    assert page.related_from == 1


def test_a_broader_kind_follows_a_kind_named_in_another_language(make_product, index_dir, search):
    # "black garlic" is tỏi đen; plain tỏi (garlic) is the broader kind it begins with.
    _plain_catalog(make_product, index_dir, ["Tỏi đen Kochigold", "Tỏi Lý Sơn", "Mè đen"])
    page = search("black garlic")
    assert [p.name for p in page.items] == ["Tỏi đen Kochigold", "Tỏi Lý Sơn"]


def test_another_name_from_the_word_tables_matches_only_as_spelled(make_product, index_dir, search):
    # cashew ↔ hạt điều | điều: "Diệu" (a brand) folds like "điều" but is not it.
    _plain_catalog(
        make_product, index_dir, ["Hạt điều rang muối", "Trà mãng cầu Diệu Phúc", "Nấm rơm"]
    )
    assert [p.name for p in search("cashew").items] == ["Hạt điều rang muối"]
    # mushroom ↔ nấm: not the "Nam" of a brand either.
    _plain_catalog(make_product, index_dir, ["Bánh tráng Nam Phát"])
    assert [p.name for p in search("mushroom").items] == ["Nấm rơm"]


def test_a_fruit_named_after_its_classifier_counts_as_starting_with_it(
    make_product, index_dir, search
):
    # "Trái sầu riêng …" is durian; "Kẹo dừa sầu riêng" is a candy that tastes of it.
    _plain_catalog(make_product, index_dir, ["Kẹo dừa sầu riêng", "Trái sầu riêng cấp đông"])
    assert search("sầu riêng").items[0].name == "Trái sầu riêng cấp đông"


def test_the_kind_rule_never_brings_a_product_not_for_sale(make_product, index_dir, search):
    make_product(name="Gạo thơm Thủy Thanh", name_en="", story="", story_en="")
    make_product(name="Gạo nếp cái hoa vàng", name_en="", certificate={"status": "revoked"})
    make_product(name="Gạo lứt đỏ", name_en="", certificate=None)
    make_product(name="Gạo cái quạt mo", name_en="", story="", story_en="")
    rebuild_index(index_dir)
    names = [p.name for p in search("gạo thơm thủy thanh").items]
    assert names == ["Gạo thơm Thủy Thanh", "Gạo cái quạt mo"]
