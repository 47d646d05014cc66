"""Card payments through Stripe Checkout, against a local stand-in and really signed webhooks."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from catalog.models import Product
from core import clock
from core.db import db
from core.mail_queue import QueuedMail
from orders.enums import OrderStatus, PaymentMethod, PaymentStatus
from orders.models import Order, Payment, StripeEvent
from tests.fixtures.orders import STRIPE_KEY, WEBHOOK_SECRET, session_event, sign_event

HANOI, HOAN_KIEM = "01", "00070"


@pytest.fixture
def card_app(app, stripe_stand_in):
    app.config.update(
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=stripe_stand_in.base_url,
    )
    app.extensions.pop("payment_providers", None)
    # Alembic's fileConfig (run by the migrations fixture) disables loggers created before it.
    logging.getLogger("orders.payments.stripe_gateway").disabled = False
    return app


def _checkout(client, product, *, method="card", token="card-token-0000000001"):  # noqa: S107
    client.post("/cart/add", data={"product_id": product.id, "quantity": 2})
    return client.post(
        "/checkout",
        data={
            "checkout_token": token,
            "contact_name": "Trần Văn An",
            "phone": "0987654321",
            "email": "an@example.vn",
            "province_code": HANOI,
            "commune_code": HOAN_KIEM,
            "street": "5 Lý Thái Tổ",
            "payment_method": method,
        },
    )


def _stock(product_id: int) -> int:
    return db.session.scalar(select(Product.stock).where(Product.id == product_id))


def _post_event(client, event, secret=WEBHOOK_SECRET):
    body, header = sign_event(event, secret)
    return client.post(
        "/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


@pytest.fixture
def card_order(card_app, client, make_product, stripe_stand_in):
    product = make_product(price_vnd=200_000, stock=5)
    response = _checkout(client, product)
    order = db.session.scalar(select(Order))
    return order, product.id, response


def test_card_checkout_redirects_to_a_vnd_session(card_order, stripe_stand_in):
    order, product_id, response = card_order
    assert response.status_code == 303
    assert response.headers["Location"] == f"{stripe_stand_in.base_url}/pay/cs_test_1"
    [create] = stripe_stand_in.requests
    form = create["form"]
    assert create["path"] == "/v1/checkout/sessions"
    assert create["authorization"] == f"Bearer {STRIPE_KEY}"
    assert create["idempotency_key"].startswith(f"checkout-session-{order.number}-")
    assert form["currency"] == ["vnd"]
    assert form["metadata[order_id]"] == [str(order.id)]
    assert form["line_items[0][price_data][unit_amount]"] == ["200000"]  # zero-decimal VND
    assert form["line_items[0][quantity]"] == ["2"]
    assert int(form["expires_at"][0]) == int(order.reservation_expires_at.timestamp())
    assert stripe_stand_in.sessions["cs_test_1"]["amount_total"] == order.total_vnd
    assert _stock(product_id) == 3  # reserved while the buyer pays
    assert all(p.status == OrderStatus.AWAITING_PAYMENT for p in order.parts)


def test_same_event_five_times_records_one_payment(card_order, client):
    order, _, _ = card_order
    event = session_event("checkout.session.completed", "cs_test_1", order)
    outcomes = [_post_event(client, event).get_json()["outcome"] for _ in range(5)]
    assert outcomes == ["paid"] + ["duplicate"] * 4
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert [p.status for p in order.payments] == [PaymentStatus.SUCCEEDED]
    assert all(p.status == OrderStatus.PAID for p in order.parts)
    assert db.session.scalar(select(func.count(StripeEvent.id))) == 1
    mails = db.session.scalars(select(QueuedMail)).all()
    assert [m.context["status"] for m in mails].count("paid") == 1


def test_bad_signature_is_rejected_and_changes_nothing(card_order, client):
    order, _, _ = card_order
    event = session_event("checkout.session.completed", "cs_test_1", order)
    response = _post_event(client, event, secret="whsec_wrong")
    assert response.status_code == 400
    body, header = sign_event(event)
    tampered = body.replace(b'"paid"', b'"PAID"')
    response = client.post("/webhooks/stripe", data=tampered, headers={"Stripe-Signature": header})
    assert response.status_code == 400
    assert client.post("/webhooks/stripe", data=body).status_code == 400  # no header at all
    db.session.expire_all()
    assert db.session.scalar(select(func.count(StripeEvent.id))) == 0
    assert db.session.get(Order, order.id).paid_at is None


def test_amount_mismatch_does_not_mark_paid_and_is_logged(card_order, client, caplog):
    order, _, _ = card_order
    event = session_event("checkout.session.completed", "cs_test_1", order, amount=1_000)
    with caplog.at_level(logging.ERROR, logger="orders.payments.stripe_gateway"):
        assert _post_event(client, event).get_json()["outcome"] == "amount_mismatch"
    assert f"amount mismatch on order {order.number}" in caplog.text
    wrong_currency = session_event("checkout.session.completed", "cs_test_1", order, currency="usd")
    assert _post_event(client, wrong_currency).get_json()["outcome"] == "amount_mismatch"
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.paid_at is None
    assert order.payments[0].status == PaymentStatus.PENDING


def test_expired_session_releases_stock_and_a_late_payment_needs_refund(card_order, client):
    order, product_id, _ = card_order
    expired = session_event("checkout.session.expired", "cs_test_1", order)
    assert _post_event(client, expired).get_json()["outcome"] == "expired"
    assert _stock(product_id) == 5
    late = session_event("checkout.session.completed", "cs_test_1", order)
    # Money for released stock never revives the order: it is flagged for a refund by hand.
    assert _post_event(client, late).get_json()["outcome"] == "paid_after_cancellation"
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.payments[0].status == PaymentStatus.NEEDS_REFUND
    assert all(p.status == OrderStatus.CANCELLED for p in order.parts)
    assert _stock(product_id) == 5  # released once, not twice


def test_late_expired_event_after_payment_changes_nothing(card_order, client):
    order, product_id, _ = card_order
    _post_event(client, session_event("checkout.session.completed", "cs_test_1", order))
    outcome = _post_event(client, session_event("checkout.session.expired", "cs_test_1", order))
    assert outcome.get_json()["outcome"] == "already_succeeded"
    db.session.expire_all()
    assert all(p.status == OrderStatus.PAID for p in db.session.get(Order, order.id).parts)
    assert _stock(product_id) == 3


def test_async_payment_flow_and_refund(card_order, client):
    order, _, _ = card_order
    pending = session_event(
        "checkout.session.completed", "cs_test_1", order, payment_status="unpaid"
    )
    assert _post_event(client, pending).get_json()["outcome"] == "awaiting_async_payment"
    succeeded = session_event("checkout.session.async_payment_succeeded", "cs_test_1", order)
    assert _post_event(client, succeeded).get_json()["outcome"] == "paid"
    refund = {
        "id": "evt_refund_1",
        "type": "charge.refunded",
        "data": {
            "object": {
                "object": "charge",
                "payment_intent": "pi_cs_test_1",
                "amount": order.total_vnd,
                "amount_refunded": order.total_vnd,
            }
        },
    }
    assert _post_event(client, refund).get_json()["outcome"] == "refunded"
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.payments[0].status == PaymentStatus.REFUNDED
    assert all(p.status == OrderStatus.REFUNDED for p in order.parts)


def test_expire_reservations_expires_the_session_and_releases_stock(
    card_order, runner, set_now, stripe_stand_in
):
    order, product_id, _ = card_order
    set_now(order.reservation_expires_at + timedelta(seconds=1))
    result = runner.invoke(args=["orders", "expire-reservations"])
    assert "cancelled 1, skipped 0" in result.output
    assert stripe_stand_in.requests[-1]["path"] == "/v1/checkout/sessions/cs_test_1/expire"
    assert stripe_stand_in.sessions["cs_test_1"]["status"] == "expired"
    assert _stock(product_id) == 5
    db.session.expire_all()
    assert db.session.get(Order, order.id).is_cancelled


def test_reservation_not_due_is_kept(card_order, runner):
    order, product_id, _ = card_order
    result = runner.invoke(args=["orders", "expire-reservations"])
    assert "cancelled 0" in result.output
    assert _stock(product_id) == 3


def test_paid_session_cannot_be_expired_so_the_order_is_kept(
    card_order, runner, set_now, stripe_stand_in
):
    order, product_id, _ = card_order
    stripe_stand_in.sessions["cs_test_1"]["status"] = "complete"  # paid, webhook still on its way
    set_now(order.reservation_expires_at + timedelta(minutes=1))
    result = runner.invoke(args=["orders", "expire-reservations"])
    assert "cancelled 0, skipped 1" in result.output
    assert _stock(product_id) == 3


def test_card_amount_below_stripe_minimum_is_refused(card_app, client, make_product):
    client.get("/lang/en")
    product = make_product(price_vnd=1_000, stock=5)
    card_app.config["STRIPE_MIN_CHARGE_VND"] = 100_000
    card_app.extensions.pop("payment_providers", None)
    response = _checkout(client, product)
    assert response.status_code == 302
    page = client.get("/cart").get_data(as_text=True)
    assert "below the minimum amount for card payment" in page
    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert _stock(product.id) == 5


def test_card_provider_down_keeps_the_order_and_offers_retry(
    card_app, client, make_product, stripe_stand_in
):
    client.get("/lang/en")
    product = make_product(stock=5)
    stripe_stand_in.fail_next = True
    response = _checkout(client, product)
    order = db.session.scalar(select(Order))
    assert response.headers["Location"].endswith(f"/orders/{order.number}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Card payment could not be started" in page
    retry = client.post(f"/orders/{order.number}/pay")
    assert retry.headers["Location"].startswith(stripe_stand_in.base_url)
    assert db.session.scalar(select(func.count(Payment.id))) == 1


def test_card_option_hidden_without_stripe_keys(client, make_product):
    product = make_product()
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    page = client.get("/checkout", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Cash on delivery" in page
    assert 'value="card"' not in page
    assert clock.utcnow()  # the page did not need Stripe at all
    assert PaymentMethod.CARD.value == "card"
