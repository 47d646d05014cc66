"""Stripe webhooks in any order: a refund before its payment is kept and applied once the
payment appears; validly signed but malformed bodies are refused with 400 and store nothing."""

from __future__ import annotations

import json

import pytest
import stripe
from sqlalchemy import func, select

from core.db import db
from orders.enums import OrderStatus, PaymentStatus
from orders.models import Order, StripeEvent
from tests.fixtures.orders import WEBHOOK_SECRET, session_event, sign_event
from tests.storefront import test_stripe_payments as card_payments

# The card checkout fixtures of the Stripe tests, shared.
card_app = card_payments.card_app
card_order = card_payments.card_order
_post_event = card_payments._post_event


def _refund(event_id: str, intent: str, amount: int) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": "charge.refunded",
        "data": {
            "object": {
                "object": "charge",
                "payment_intent": intent,
                "amount": amount,
                "amount_refunded": amount,
            }
        },
    }


def _reload(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def test_refund_before_payment_is_kept_and_applied_when_the_payment_arrives(card_order, client):
    order, _, _ = card_order
    refund = _refund("evt_refund_early", "pi_cs_test_1", order.total_vnd)
    answer = _post_event(client, refund)
    assert answer.status_code == 200
    assert answer.get_json()["outcome"] == "waiting_for_payment"
    stored = db.session.scalar(
        select(StripeEvent).where(StripeEvent.event_id == "evt_refund_early")
    )
    assert stored.waiting_for == "pi_cs_test_1"
    assert json.loads(stored.payload)["type"] == "charge.refunded"
    assert _reload(order).payments[0].status == PaymentStatus.PENDING

    paid = session_event("checkout.session.completed", "cs_test_1", order)
    assert _post_event(client, paid).get_json()["outcome"] == "paid"

    order = _reload(order)
    assert order.payments[0].status == PaymentStatus.REFUNDED
    assert order.payments[0].refunded_vnd == order.total_vnd
    assert all(part.status == OrderStatus.REFUNDED for part in order.parts)
    stored = db.session.scalar(
        select(StripeEvent).where(StripeEvent.event_id == "evt_refund_early")
    )
    assert (stored.outcome, stored.waiting_for, stored.payload) == ("refunded", None, None)
    # Replays of either event change nothing.
    assert _post_event(client, refund).get_json()["outcome"] == "duplicate"
    assert _post_event(client, paid).get_json()["outcome"] == "duplicate"


@pytest.mark.parametrize("full_first", [True, False])
def test_partial_and_full_refunds_before_payment_end_fully_refunded(card_order, client, full_first):
    order, _, _ = card_order
    partial = _refund("evt_partial", "pi_cs_test_1", 50_000)
    full = _refund("evt_full", "pi_cs_test_1", order.total_vnd)
    for event in (full, partial) if full_first else (partial, full):
        assert _post_event(client, event).get_json()["outcome"] == "waiting_for_payment"
    _post_event(client, session_event("checkout.session.completed", "cs_test_1", order))
    payment = _reload(order).payments[0]
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_vnd == order.total_vnd
    waiting = db.session.scalar(
        select(func.count(StripeEvent.id)).where(StripeEvent.waiting_for.is_not(None))
    )
    assert waiting == 0


def test_a_refund_for_a_payment_that_never_comes_stays_waiting(card_order, client):
    order, _, _ = card_order
    _post_event(client, _refund("evt_stray", "pi_someone_else", 10_000))
    _post_event(client, session_event("checkout.session.completed", "cs_test_1", order))
    assert _reload(order).payments[0].status == PaymentStatus.SUCCEEDED
    stored = db.session.scalar(select(StripeEvent).where(StripeEvent.event_id == "evt_stray"))
    assert stored.waiting_for == "pi_someone_else"


def _post_raw(client, body: bytes):
    header = stripe.WebhookSignature.generate_signature_header(body.decode(), WEBHOOK_SECRET)
    return client.post(
        "/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


MALFORMED = {
    "a list": [{"id": "evt_1", "type": "charge.refunded"}],
    "a string": "evt_1",
    "null": None,
    "no id": {"type": "checkout.session.completed", "data": {"object": {"id": "cs_test_1"}}},
    "no type": {"id": "evt_1", "data": {"object": {"id": "cs_test_1"}}},
    "id is a number": {"id": 12, "type": "charge.refunded"},
    "type is a list": {"id": "evt_1", "type": ["charge.refunded"]},
    "id too long": {"id": "e" * 300, "type": "ping"},
    "NUL in id": {"id": "evt\x00", "type": "ping"},
    "no data": {"id": "evt_1", "type": "checkout.session.completed"},
    "object is a list": {"id": "evt_1", "type": "charge.refunded", "data": {"object": []}},
    "session without id": {
        "id": "evt_1",
        "type": "checkout.session.completed",
        "data": {"object": {"payment_status": "paid"}},
    },
    "amount is text": {
        "id": "evt_1",
        "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_1", "amount_total": "200000"}},
    },
    "amount is a bool": {
        "id": "evt_1",
        "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_1", "amount_total": True}},
    },
    "metadata is a list": {
        "id": "evt_1",
        "type": "checkout.session.expired",
        "data": {"object": {"id": "cs_test_1", "metadata": ["order_id"]}},
    },
    "intent is a number": {
        "id": "evt_1",
        "type": "charge.refunded",
        "data": {"object": {"payment_intent": 42, "amount_refunded": 1}},
    },
    "refund without intent": {
        "id": "evt_1",
        "type": "charge.refunded",
        "data": {"object": {"amount_refunded": 1}},
    },
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_validly_signed_malformed_bodies_are_refused_with_400(card_order, client, body):
    answer = _post_raw(client, json.dumps(body).encode())
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "malformed_event"}
    assert db.session.scalar(select(func.count(StripeEvent.id))) == 0


@pytest.mark.parametrize("body", [b"{not json", b'{"id": "evt_1", "type": ' + b"[" * 5000])
def test_validly_signed_bodies_that_are_not_json_are_refused_with_400(card_order, client, body):
    assert _post_raw(client, body).status_code == 400


def test_an_event_type_we_do_not_handle_is_recorded_and_ignored(card_order, client):
    event = {"id": "evt_other", "type": "customer.created", "data": {"object": []}}
    body, header = sign_event(event)
    answer = client.post("/webhooks/stripe", data=body, headers={"Stripe-Signature": header})
    assert answer.status_code == 200
    assert answer.get_json()["outcome"] == "ignored"
