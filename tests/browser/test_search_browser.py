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
