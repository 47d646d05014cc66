"""Real browser: search without diacritics, highlighted results, facets, autocomplete."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_search_facet_and_autocomplete(page, live_server, built_index):
    page.goto(live_server + "/search?q=dua")
    assert page.get_by_role("heading", level=1).inner_text() == "Kết quả cho “dua”"
    assert page.locator(".card-title mark").first.inner_text() in {"Dưa", "dừa"}
    page.get_by_role("link", name="Vĩnh Long (1)").click()
    page.wait_for_load_state()
    assert page.locator(".card-title").all_inner_texts() == ["Kẹo dừa sữa"]

    # The page's script enhances the header box: typing offers product names.
    box = page.locator("header input[type=search]")
    box.fill("")
    box.press_sequentially("nuoc m", delay=30)
    suggestion = page.locator(".suggest-list a").first
    assert suggestion.inner_text() == "Nước mắm Phú Quốc 40 độ đạm"
    suggestion.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Nước mắm Phú Quốc 40 độ đạm"


def test_header_autocomplete_works_from_the_home_page(page, live_server, built_index):
    page.goto(live_server + "/")
    box = page.locator("header input[type=search]")
    box.press_sequentially("keo d", delay=30)
    suggestion = page.locator(".suggest-list a").first
    assert suggestion.inner_text() == "Kẹo dừa sữa"
    suggestion.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Kẹo dừa sữa"


def test_related_products_below_a_divider_in_vietnamese_and_english(
    page, live_server, built_index, make_product, make_producer
):
    from search.indexer import rebuild_index

    from .a11y import save_screenshot

    for name, name_en in (
        ("Mật ong hoa nhãn Hưng Yên", "Longan flower honey"),
        ("Mật ong rừng U Minh", "U Minh forest honey"),
    ):
        make_product(name=name, name_en=name_en, producer=make_producer(name="HTX Ong"))
    rebuild_index(built_index)
    for size in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.goto(live_server + "/search?q=mat+ong+hoa+nhan")
        titles = page.locator(".grid .card-title, .grid .related-divider").all_inner_texts()
        assert titles == ["Mật ong hoa nhãn Hưng Yên", "Sản phẩm liên quan", "Mật ong rừng U Minh"]
        assert page.get_by_role("heading", name="Sản phẩm liên quan").is_visible()
        save_screenshot(page, f"search-related-vi-{size[0]}")
    page.goto(live_server + "/lang/en")
    page.goto(live_server + "/search?q=mat+ong+hoa+nhan")
    titles = page.locator(".grid .card-title, .grid .related-divider").all_inner_texts()
    assert titles == ["Longan flower honey", "Related products", "U Minh forest honey"]
    save_screenshot(page, "search-related-en-1366")
