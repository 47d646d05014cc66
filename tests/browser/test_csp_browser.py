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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
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
