"""The origin page on a small phone: readable without horizontal scrolling (real Chromium)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app served over HTTP in a thread (its database is the test's SQLite file)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (run `make browser`)")
        pytest.skip(f"{CHROMIUM} is missing")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def phone_page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 360, "height": 640}, device_scale_factor=2, locale="vi-VN"
        )
        page = context.new_page()
        hosts: list[str] = []
        page.on("request", lambda request: hosts.append(request.url.split("/")[2]))
        yield page, hosts
        browser.close()


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
