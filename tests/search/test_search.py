"""Searching a small catalog: matching, ranking, the for-sale rule, facets, suggestions."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

from catalog.models import Product
from core.clock import today_in_vietnam
from core.db import db
from search.indexer import rebuild_index, refresh_products


def _names(page) -> list[str]:
    return [product.name_en for product in page.items]


def test_the_acceptance_queries_find_the_same_product_first(built_index, search):
    queries = [
        "nuoc mam phu quoc",
        "NƯỚC MẮM Phú Quốc",
        unicodedata.normalize("NFD", "nước mắm"),
        "nuoc mam",
        "nuocmam",
        "fish sauce",
    ]
    for query in queries:
        assert _names(search(query))[:1] == ["Phu Quoc fish sauce"], query


def test_old_and_new_tone_placement_find_the_same_products(built_index, search):
    assert _names(search("hoà bình")) == _names(search("hòa bình"))
    assert _names(search("hoà bình"))[0] == "Hoa Binh melon"


def test_d_and_d_stroke_are_the_same_letter(built_index, search):
    assert _names(search("dac san")) == _names(search("đặc sản")) == ["Sour shrimp paste"]


def test_diacritics_typed_by_the_user_put_the_exact_word_first(built_index, search):
    assert _names(search("dưa"))[0] == "Hoa Binh melon"
    assert _names(search("dừa"))[0] == "Milk coconut candy"
    assert _names(search("nấm"))[0] == "Red lingzhi mushroom"


def test_without_diacritics_every_sense_is_found(built_index, search):
    assert set(_names(search("dua"))) >= {"Hoa Binh melon", "Milk coconut candy"}


def test_old_province_name_finds_products_filed_under_the_new_one(built_index, search):
    assert _names(search("ben tre")) == ["Milk coconut candy"]
    assert _names(search("vinh long")) == ["Milk coconut candy"]


def test_run_together_syllables_match(built_index, search):
    assert _names(search("caphe")) == ["Roasted robusta coffee"]


def test_typo_is_corrected_with_the_catalog_spelling(built_index, search):
    page = search("nuoc mma")
    assert _names(page)[: page.total] == ["Phu Quoc fish sauce"]
    assert page.suggestion == "nước mắm"
    assert page.corrected


def test_no_match_at_all_gives_an_empty_page_not_an_error(built_index, search):
    page = search("xyzzy qwerty")
    assert page.total == 0
    assert page.items == []


def test_a_product_not_for_sale_is_never_returned(built_index, search, small_catalog):
    sauce = small_catalog["Phu Quoc fish sauce"]
    sauce.certificates[0].status = "revoked"
    db.session.commit()
    # No reindex: the for-sale rule runs at query time.
    page = search("fish sauce")
    assert page.total == 0
    assert "91" not in page.facets["province"]  # counted nowhere, in neither tier
    assert "Phu Quoc fish sauce" not in _names(page)
    assert "Phu Quoc fish sauce" not in _names(search("nuoc mam"))


def test_hidden_listing_and_inactive_producer_disappear_without_reindex(
    built_index, search, small_catalog
):
    small_catalog["Milk coconut candy"].is_listed = False
    small_catalog["Roasted robusta coffee"].producer.is_active = False
    db.session.commit()
    assert "Milk coconut candy" not in _names(search("keo dua"))
    assert "Roasted robusta coffee" not in _names(search("ca phe"))


def test_expired_certificate_disappears_at_vietnam_midnight_without_reindex(
    index_dir, make_product, search, set_now
):
    today = today_in_vietnam()
    make_product(
        name="Mật ong rừng U Minh",
        name_en="U Minh honey",
        certificate={"stars": 4, "expires_on": today},
    )
    rebuild_index(index_dir)
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(hours=17)
    # 16:59:59 UTC is 23:59:59 in Vietnam (UTC+7): still the last valid day.
    set_now(midnight - timedelta(seconds=1))
    assert _names(search("mat ong", on=today_in_vietnam())) == ["U Minh honey"]
    set_now(midnight)
    assert search("mat ong", on=today_in_vietnam()).total == 0


def test_facet_counts_agree_with_what_is_shown(built_index, search):
    page = search("dua")
    assert page.total == 2
    assert page.facets["province"] == {"25": 1, "86": 1}
    assert sum(page.facets["stars"].values()) == page.total
    filtered = search("dua", province_code="86")
    assert filtered.total == page.facets["province"]["86"] == 1
    # Other provinces keep their counts, so the number beside each is what choosing it shows.
    assert filtered.facets["province"] == {"25": 1, "86": 1}
    assert filtered.facets["stars"] == {"4": 1}


def test_filters_by_group_stars_and_price(built_index, search):
    assert _names(search("dua", stars=3)) == ["Hoa Binh melon"]
    assert _names(search("dua", max_price_vnd=50000)) == ["Milk coconut candy"]
    assert _names(search("dua", min_price_vnd=50000)) == ["Hoa Binh melon"]
    assert search("dua", group="du_lich").total == 0


def test_sort_by_price_and_stars(built_index, search):
    assert _names(search("dua", sort="price_asc")) == ["Milk coconut candy", "Hoa Binh melon"]
    assert _names(search("dua", sort="price_desc")) == ["Hoa Binh melon", "Milk coconut candy"]
    assert _names(search("dua", sort="stars")) == ["Milk coconut candy", "Hoa Binh melon"]


def test_paging(built_index, search):
    first = search("dua", per_page=1)
    second = search("dua", per_page=1, page=2)
    assert first.total == second.total == 2
    assert first.pages == 2
    assert _names(first) + _names(second) == _names(search("dua"))


def test_refresh_after_commit_makes_a_new_product_findable(built_index, search, make_product):
    product = make_product(name="Bánh tráng Trảng Bàng", name_en="Trang Bang rice paper")
    assert "Trang Bang rice paper" not in _names(search("banh trang"))  # not indexed yet
    assert refresh_products(built_index, [product.id]) is True
    assert _names(search("banh trang")) == ["Trang Bang rice paper"]


def test_refresh_of_a_deleted_product_removes_it(built_index, search, small_catalog):
    candy = small_catalog["Milk coconut candy"]
    db.session.delete(candy)
    db.session.commit()
    refresh_products(built_index, [candy.id])
    assert search("keo sua").total == 0


def test_renamed_product_is_found_by_its_new_name_after_refresh(built_index, search, small_catalog):
    candy = small_catalog["Milk coconut candy"]
    candy.name = "Kẹo chuối Bến Tre"
    db.session.commit()
    refresh_products(built_index, [candy.id])
    assert search("keo chuoi").total == 1
    page = search("keo dua sua")
    assert "Milk coconut candy" in _names(page)  # its English name still says coconut candy
    page = search("kẹo dừa Mỏ Cày Bến Tre ngon")
    assert "Milk coconut candy" in _names(page)
    assert page.relaxed  # only some of the words matched: "dừa" is gone from the name


def test_autocomplete_suggests_for_sale_names_by_folded_prefix(built_index, search, small_catalog):
    labels = [s.label for s in search.service.suggest("nuoc m", today_in_vietnam())]
    assert labels == ["Nước mắm Phú Quốc 40 độ đạm"]
    labels = [s.label for s in search.service.suggest("KẸO", today_in_vietnam())]
    assert labels == ["Kẹo dừa sữa"]
    small_catalog["Milk coconut candy"].certificates[0].status = "revoked"
    db.session.commit()
    assert search.service.suggest("keo", today_in_vietnam()) == []


def test_highlight_terms_are_the_folded_query_words(built_index, search):
    assert search("Nước MẮM").highlight_terms == {"nuoc", "mam"}


def test_missing_index_falls_back_to_the_database(index_dir, small_catalog, search):
    page = search("nuoc mam")  # never built
    assert page.source == "database"
    assert _names(page) == ["Phu Quoc fish sauce"]


def test_products_for_sale_only_from_the_fallback_too(index_dir, small_catalog, search):
    small_catalog["Phu Quoc fish sauce"].certificates[0].status = "pending"
    db.session.commit()
    assert search("nuoc mam").total == 0
    assert search("nuoc mam").source == "database"


def test_index_holds_every_product_even_those_not_for_sale_yet(
    index_dir, make_product, search, set_now
):
    today = today_in_vietnam()
    make_product(
        name="Chè Tân Cương",
        name_en="Tan Cuong tea",
        certificate={"issued_on": today + timedelta(days=1)},
    )
    rebuild_index(index_dir)
    assert search("che tan cuong").total == 0
    assert search("che tan cuong", on=today + timedelta(days=1)).total == 1
    assert db.session.query(Product).count() == 1


def test_a_name_typed_with_the_eth_is_found_without_marks(built_index, search, make_product):
    from search.indexer import refresh_products

    product = make_product(name="Gạo thơm Cờ Ðỏ", name_en="Fragrant rice")
    refresh_products(built_index, {product.id})
    page = search("gao co do")
    assert dict(zip([p.id for p in page.items], page.matches, strict=True))[product.id] == "all"
