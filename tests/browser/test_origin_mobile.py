"""The origin page on a small phone: readable without horizontal scrolling (real Chromium)."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def phone_page(browser):
    """A 360 × 640 phone (the shared `browser` fixture), recording every host it requests."""
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, device_scale_factor=2, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(request.url.split("/")[2]))
    yield page, hosts
    context.close()


@pytest.mark.parametrize("state", ["verified", "revoked"])
def test_origin_page_fits_a_360px_phone(
    live_server, phone_page, make_producer, make_product, make_batch, state
):
    producer = make_producer(
        name="Hợp tác xã Nông nghiệp Dịch vụ Sản xuất Kinh doanh Kẹo dừa Mỏ Cày Nam",
        province_name_given="Bến Tre",
        address="Ấp Tân Thạch Thượng, Xã Tân Thạch, Huyện Châu Thành (cũ), Tỉnh Bến Tre",
        phone="0275 3123 456",
        registration_no="1300123456-HTX-2019",
    )
    product = make_product(
        producer=producer,
        name="Kẹo dừa sữa nguyên chất truyền thống đặc sản xứ dừa Bến Tre hộp quà tặng cao cấp",
        certificate={"certificate_no": "1234/GCN-UBND-OCOP-2025", "status": state},
    )
    batch = make_batch(product, lot_no="LOT-2026-09-000123456789", safety_warnings="Chứa sữa.")
    page, hosts = phone_page
    page.goto(f"{live_server}/o/{batch.code.lower()}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    number = page.get_by_text("1234/GCN-UBND-OCOP-2025", exact=True)
    assert number.is_visible()
    box = number.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.locator(".state").is_visible()
    assert set(hosts) == {live_server.split("/")[2]}
    if os.environ.get("ORIGIN_SCREENSHOT"):
        page.screenshot(path=os.environ["ORIGIN_SCREENSHOT"] + f"-{state}.png", full_page=True)
