"""A real browser buys from two producers (cash on delivery), and pays by card at the stand-in."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from core.db import db
from orders.models import Order
from tests.fixtures.orders import STRIPE_KEY, WEBHOOK_SECRET, session_event, sign_event

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("browser tests run on the SQLite file database")
    app.config["WTF_CSRF_ENABLED"] = True  # the real forms, with their tokens
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _fill_checkout(page, base: str, method: str) -> None:
    page.goto(f"{base}/cart")
    page.get_by_role("link", name="Check out").click()
    page.fill("#contact_name", "Phạm Minh Châu")
    page.fill("#phone", "0912 345 678")
    page.fill("#email", "chau@example.vn")
    page.select_option("#province_code", "01")
    page.wait_for_selector("#commune_code option[value='00070']", state="attached")
    page.select_option("#commune_code", "00070")
    page.fill("#street", "8 Đinh Tiên Hoàng")
    page.check(f"input[name=payment_method][value={method}]")
    page.get_by_role("button", name="Place order").click()


def _add_to_cart(page, base: str, product) -> None:
    page.goto(f"{base}/products/{product.slug}")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(f"{base}/cart")


def test_search_then_cash_on_delivery_order_from_two_producers(
    page, live_server, app, make_product, make_producer
):
    tea = make_product(
        name="Chè búp Tân Cương",
        name_en="Tan Cuong bud tea",
        producer=make_producer(name="HTX Chè Tân Cương"),
        price_vnd=150_000,
    )
    candy = make_product(
        name="Kẹo dừa sữa",
        name_en="Milk coconut candy",
        producer=make_producer(name="HTX Kẹo dừa Bến Tre"),
        price_vnd=40_000,
    )
    from search.indexer import rebuild_index

    rebuild_index(app.config["SEARCH_INDEX_DIR"])

    # Search the way phones type: no diacritics.
    page.goto(live_server + "/")
    page.locator("header input[type=search]").fill("che tan cuong")
    page.locator("header form[role=search] button").click()
    page.get_by_role("link", name="Tan Cuong bud tea").click()
    page.wait_for_url(f"{live_server}/products/{tea.slug}")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(f"{live_server}/cart")
    _add_to_cart(page, live_server, candy)
    assert page.locator(".cart-group").count() == 2
    _fill_checkout(page, live_server, "cod")
    page.wait_for_url("**/orders/OCOP-*")
    assert page.locator(".order-part").count() == 2
    text = page.inner_text("main")
    assert "HTX Chè Tân Cương" in text and "HTX Kẹo dừa Bến Tre" in text
    assert "cash on delivery" in text.lower()


def test_card_payment_at_the_stand_in_then_webhook_marks_paid(
    page, live_server, app, make_product, stripe_stand_in
):
    app.config.update(
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=stripe_stand_in.base_url,
    )
    app.extensions.pop("payment_providers", None)
    product = make_product(price_vnd=300_000)
    _add_to_cart(page, live_server, product)
    _fill_checkout(page, live_server, "card")
    page.wait_for_url(f"{stripe_stand_in.base_url}/pay/cs_test_1")
    assert "Stand-in Stripe Checkout" in page.inner_text("body")

    db.session.rollback()  # end this thread's read snapshot to see the server's order
    order = db.session.scalar(select(Order))
    body, header = sign_event(session_event("checkout.session.completed", "cs_test_1", order))
    response = app.test_client().post(
        "/webhooks/stripe", data=body, headers={"Stripe-Signature": header}
    )
    assert response.status_code == 200
    page.goto(f"{live_server}/orders/{order.number}")
    assert "Payment received" in page.inner_text("#payment-state")
