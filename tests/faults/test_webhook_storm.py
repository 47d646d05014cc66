"""A storm of 500 Stripe webhook deliveries against gunicorn (2 workers × 4 threads, 8 senders
at once): duplicates, shuffled, refunds before their payments. Each payment and each refund is
applied exactly once."""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from catalog.models import Product
from core.db import db
from orders.enums import OrderStatus, PaymentMethod, PaymentStatus
from orders.models import Order, Payment, StripeEvent
from orders.payments import CashOnDelivery
from tests.faults.conftest import order_in_process, seed_products
from tests.faults.server import ShopServer, shop_environment
from tests.fixtures.orders import WEBHOOK_SECRET, sign_event

ORDERS = 60
DELIVERIES = 500
SENDERS = 8


class FakeCard(CashOnDelivery):
    """A card provider whose sessions exist without a network: `cs_fault_<order id>`."""

    method = PaymentMethod.CARD
    initial_status = OrderStatus.AWAITING_PAYMENT
    reservation_ttl = timedelta(minutes=60)


@pytest.fixture(scope="module")
def storm_shop(direct, fault_tmp, database_url):
    seed_products({"sku": "STORM-1", "stock": "100000", "price_vnd": "50000"})
    product_id = db.session.scalar(select(Product.id))
    orders = []
    for _ in range(ORDERS):
        order = order_in_process(
            product_id, 1, {PaymentMethod.CARD: FakeCard()}, PaymentMethod.CARD
        )
        payment = order.payments[0]
        payment.external_id = f"cs_fault_{order.id}"
        orders.append((order.id, payment.id, order.total_vnd))
    db.session.commit()
    env = shop_environment(
        database_url,
        fault_tmp,
        STRIPE_SECRET_KEY="sk_test_fault",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE="http://127.0.0.1:9",
    )
    server = ShopServer(env, fault_tmp / "storm.log").start()
    yield server, orders
    server.stop()


def _events(orders) -> tuple[list[dict], set[int]]:
    events, refunded = [], set()
    for order_id, _, total in orders:
        session = f"cs_fault_{order_id}"
        events.append(
            {
                "id": f"evt_paid_{order_id}",
                "type": "checkout.session.completed",
                "data": {
                    "object": {
                        "id": session,
                        "amount_total": total,
                        "currency": "vnd",
                        "payment_status": "paid",
                        "payment_intent": f"pi_{session}",
                        "metadata": {"order_id": str(order_id)},
                    }
                },
            }
        )
        if order_id % 3 == 0:
            refunded.add(order_id)
            events.append(
                {
                    "id": f"evt_refund_{order_id}",
                    "type": "charge.refunded",
                    "data": {
                        "object": {
                            "payment_intent": f"pi_{session}",
                            "amount_refunded": total,
                        }
                    },
                }
            )
    return events, refunded


def test_a_storm_of_webhooks_applies_each_payment_and_refund_once(storm_shop, direct):
    server, orders = storm_shop
    events, refunded = _events(orders)
    rng = random.Random(11)
    # Every refund goes out once before anything else; then every event at least once, the
    # rest duplicates, all shuffled.
    refunds = [e for e in events if e["type"] == "charge.refunded"]
    deliveries = [
        *events,
        *(rng.choice(events) for _ in range(DELIVERIES - len(events) - len(refunds))),
    ]
    rng.shuffle(deliveries)
    deliveries = refunds + deliveries
    assert len(deliveries) == DELIVERIES

    session = requests.Session()

    def deliver(event: dict) -> int:
        body, header = sign_event(event)
        answer = session.post(
            server.url + "/webhooks/stripe",
            data=body,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
            timeout=120,
        )
        return answer.status_code

    with ThreadPoolExecutor(SENDERS) as pool:
        statuses = Counter(pool.map(deliver, deliveries))
    assert statuses == {200: DELIVERIES}, statuses

    db.session.rollback()  # a fresh snapshot: the read transaction of the set-up is over
    assert db.session.scalar(select(func.count(StripeEvent.id))) == len(events)
    outcomes = Counter(db.session.scalars(select(StripeEvent.outcome)))
    assert outcomes == {"paid": ORDERS, "refunded": len(refunded)}, outcomes
    assert db.session.scalar(select(func.count()).where(StripeEvent.waiting_for.is_not(None))) == 0
    for order_id, payment_id, total in orders:
        payment = db.session.get(Payment, payment_id)
        order = db.session.get(Order, order_id)
        if order_id in refunded:
            assert (payment.status, payment.refunded_vnd) == (PaymentStatus.REFUNDED, total)
            assert all(part.status == OrderStatus.REFUNDED for part in order.parts)
        else:
            assert (payment.status, payment.refunded_vnd) == (PaymentStatus.SUCCEEDED, 0)
            assert all(part.status == OrderStatus.PAID for part in order.parts)
    assert "Traceback" not in server.log()
