"""With the Content-Security-Policy on, a real browser reports no violation, the behaviours that
used inline handlers still work, and the nonce'd inline styles still apply."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from core.db import db

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("browser tests run on the SQLite file database")
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page_and_violations(browser, live_server):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page, violations
    context.close()


def test_pages_raise_no_csp_violation_and_behaviours_work(
    page_and_violations, live_server, make_product
):
    page, violations = page_and_violations
    product = make_product(name="Kẹo dừa", stock=10)
    page.goto(f"{live_server}/")
    page.goto(f"{live_server}/products/{product.slug}")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(f"{live_server}/cart")
    # The province picker submits its form on change (was an inline onchange handler).
    page.select_option("select[name=ship_to]", "01")
    page.wait_for_url("**/cart?ship_to=01")
    page.goto(f"{live_server}/o/{product.origin_code}")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(246, 245, 240)"  # the nonce'd inline <style> applied
    assert violations == []


@pytest.mark.parametrize("viewport", [(390, 844), (1366, 900)])
def test_sign_out_button_and_its_pages_look_right_and_pass_axe(
    page_and_violations, live_server, make_user, viewport
):
    from tests.browser.a11y import save_screenshot, serious_violations
    from tests.fixtures.portal import PASSWORD

    page, violations = page_and_violations
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    make_user(email="an@example.vn")
    page.goto(f"{live_server}/account/login")
    page.fill("input[name=email]", "an@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    button = page.get_by_role("button", name="Sign out")
    assert button.is_visible()
    assert serious_violations(page) == []
    save_screenshot(page, f"hardening-header-signed-in-{viewport[0]}")
    page.goto(f"{live_server}/account/logout")  # a GET asks; it does not sign out
    assert page.get_by_text("Do you want to sign out?").is_visible()
    assert serious_violations(page) == []
    save_screenshot(page, f"hardening-logout-confirm-{viewport[0]}")
    page.locator("main").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert violations == []


def test_the_503_page_while_the_database_is_unreachable(browser, tmp_path):
    import socket

    from config import TestingConfig
    from storefront import create_app
    from tests.browser.a11y import save_screenshot, serious_violations

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    down = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"postgresql://postgres@127.0.0.1:{closed_port}/ocop",
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
    )
    server = make_server("127.0.0.1", 0, down, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        for width, height in [(390, 844), (1366, 900)]:
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(f"http://127.0.0.1:{server.server_port}/products")
            assert response.status == 503
            assert page.get_by_role("heading", name="Cửa hàng tạm thời gián đoạn").is_visible()
            assert serious_violations(page) == []
            save_screenshot(page, f"hardening-503-{width}")
    finally:
        context.close()
        server.shutdown()
        thread.join()
        with down.app_context():
            db.engine.dispose()
