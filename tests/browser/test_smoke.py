"""Real browser: home → English → filter 5★ → product page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_home_switch_to_english_filter_five_stars_open_product(page, live_server, make_product):
    make_product(name="Nước mắm Phú Quốc", name_en="Phu Quoc fish sauce", certificate={"stars": 5})
    make_product(name="Kẹo dừa Bến Tre", name_en="Ben Tre coconut candy", certificate={"stars": 3})

    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Đặc sản OCOP")

    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="All products").first.click()

    page.get_by_role("radio", name="5 stars").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "stars=5" in page.url
    assert page.get_by_text("1 product", exact=True).is_visible()
    assert page.get_by_text("Ben Tre coconut candy").count() == 0

    page.get_by_role("link", name="Phu Quoc fish sauce").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Phu Quoc fish sauce"
    assert page.get_by_text("5-star OCOP product").is_visible()
    assert "₫125,000" in page.locator(".price").inner_text()
    # The language choice is remembered across pages.
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "en"
