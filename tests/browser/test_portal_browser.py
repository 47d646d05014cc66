"""Real browser: a producer lists a product and sends its certificate; an admin verifies it;
the product appears in the shop (and in search when the search area is installed)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core.clock import today_in_vietnam
from tests.fixtures.portal import PASSWORD, PDF_BYTES

pytestmark = pytest.mark.browser


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/account/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form input[type=submit], main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_producer_lists_admin_verifies_product_goes_on_sale(
    app, page, live_server, make_producer, make_user, tmp_path: Path
):
    producer = make_producer(name="HTX Mật ong Mộc Châu")
    make_user("producer", producer=producer, is_owner=True, email="chu@htx.vn")
    make_user("admin", email="canbo@ocop.vn")
    scan = tmp_path / "giay-chung-nhan.pdf"
    scan.write_bytes(PDF_BYTES)
    today = today_in_vietnam()

    _sign_in(page, live_server, "chu@htx.vn")
    page.goto(live_server + "/producer/products/new")
    page.locator("input[name=name]").fill("Mật ong hoa cà phê")
    page.locator("input[name=name_en]").fill("Coffee blossom honey")
    page.locator("select[name=group]").select_option("thuc_pham")
    page.locator("input[name=unit]").fill("Chai 500 ml")
    page.locator("input[name=price_vnd]").fill("185000")
    page.locator("input[name=stock]").fill("20")
    # The story editor (issue 13): no Markdown, a toolbar button for bold.
    page.locator("#story-area").click()
    page.keyboard.type("Ong nuôi ")
    page.locator("[data-story-editor=story] [data-command=bold]").click()
    page.keyboard.type("giữa đồi cà phê")
    page.locator("[data-story-editor=story] [data-command=bold]").click()
    page.keyboard.type(".")
    page.locator("input[name=submit]").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mật ong hoa cà phê"

    page.get_by_role("link", name="Gửi giấy chứng nhận").click()
    page.locator("select[name=stars]").select_option("4")
    page.locator("input[name=certificate_no]").fill("15/GCN-UBND")
    page.locator("input[name=issued_by]").fill("UBND tỉnh Sơn La")
    page.locator("input[name=issued_on]").fill((today - timedelta(days=30)).isoformat())
    page.locator("input[name=expires_on]").fill((today + timedelta(days=1000)).isoformat())
    page.locator("input[name=scan]").set_input_files(str(scan))
    page.locator("input[name=submit]").click()
    assert page.locator("#certificates").get_by_text("Chờ xác minh").is_visible()

    # Not on sale yet.
    page.goto(live_server + "/products")
    assert page.get_by_text("Mật ong hoa cà phê").count() == 0

    page.get_by_role("button", name="Đăng xuất").click()  # a form post: a GET never signs out
    page.wait_for_load_state()
    _sign_in(page, live_server, "canbo@ocop.vn")
    page.goto(live_server + "/admin/certificates")
    row = page.locator("#certificate-queue tr", has_text="Mật ong hoa cà phê")
    row.get_by_role("button", name="Xác minh").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã xác minh giấy chứng nhận").is_visible()

    page.goto(live_server + "/products")
    page.get_by_role("link", name="Mật ong hoa cà phê").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mật ong hoa cà phê"
    assert page.locator("strong", has_text="giữa đồi cà phê").is_visible()

    if "search.results" in app.view_functions:
        page.goto(live_server + "/search?q=mat+ong+ca+phe")
        assert page.get_by_text("Mật ong hoa cà phê").first.is_visible()
