"""Cards through Stripe Checkout: create and expire sessions, and apply verified webhook events.

The `stripe.StripeClient` is injected (`make_stripe_client`), so tests point it at a local
stand-in with `base_addresses={"api": ...}`. VND is a zero-decimal currency: amounts go to
Stripe as the integer dong we store. Webhook events are applied by `apply_stripe_event`, which
records the event id (UNIQUE) in the same transaction as its effect, so a replayed or duplicated
event changes nothing, and checks every state before acting, so events may arrive in any order.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db import db

from ..enums import ALLOWED_TRANSITIONS, OrderStatus, PaymentMethod, PaymentStatus
from ..errors import PaymentProviderError
from ..events import PaymentRefunded, publish
from ..lifecycle import cancel_order_parts, mark_order_paid, transition_to
from ..models import Order, Payment, StripeEvent

log = logging.getLogger(__name__)

# Stripe refuses a Checkout Session that expires sooner than 30 minutes or later than 24 hours.
MIN_SESSION_LIFETIME = timedelta(minutes=30)
MAX_SESSION_LIFETIME = timedelta(hours=24)


def make_stripe_client(secret_key: str, api_base: str = "") -> stripe.StripeClient:
    """A Stripe client; `api_base` (e.g. a local stand-in) replaces api.stripe.com when given."""
    if api_base:
        return stripe.StripeClient(
            secret_key, base_addresses={"api": api_base}, max_network_retries=0
        )
    return stripe.StripeClient(secret_key, max_network_retries=2)


def verify_webhook(payload: bytes, signature_header: str | None, secret: str) -> stripe.Event:
    """Check the Stripe-Signature of the raw body; raises ValueError or SignatureVerificationError."""
    return stripe.Webhook.construct_event(payload, signature_header, secret)


class StripeCheckout:
    """The card provider: one hosted Checkout Session per order, expiring with the reservation."""

    method = PaymentMethod.CARD
    initial_status = OrderStatus.AWAITING_PAYMENT

    def __init__(
        self,
        client: stripe.StripeClient,
        *,
        reservation_ttl: timedelta = timedelta(minutes=60),
        minimum_vnd: int = 13_000,
    ) -> None:
        if not MIN_SESSION_LIFETIME <= reservation_ttl <= MAX_SESSION_LIFETIME:
            raise ValueError("card reservation must last between 30 minutes and 24 hours")
        self.client = client
        self.reservation_ttl: timedelta | None = reservation_ttl
        self.minimum_vnd = minimum_vnd

    def begin(
        self, order: Order, payment: Payment, *, now: datetime, success_url: str, cancel_url: str
    ) -> str | None:
        """Create (once) the order's Checkout Session and return its URL. Flushes only."""
        if payment.external_id and payment.checkout_url:
            return payment.checkout_url
        expires_at = order.reservation_expires_at
        if expires_at is None or expires_at - now < MIN_SESSION_LIFETIME:
            raise PaymentProviderError(reason="reservation_too_short")
        params: dict[str, Any] = {
            "mode": "payment",
            "currency": "vnd",
            "line_items": _line_items(order),
            "client_reference_id": order.number,
            "metadata": {"order_id": str(order.id), "order_number": order.number},
            "payment_intent_data": {
                "metadata": {"order_id": str(order.id), "order_number": order.number}
            },
            "expires_at": int(expires_at.timestamp()),
            "success_url": success_url,
            "cancel_url": cancel_url,
            "locale": "vi" if order.locale == "vi" else "en",
        }
        if order.email:
            params["customer_email"] = order.email
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"checkout-session-{order.number}-{payment.id}"},
            )
        except stripe.StripeError as error:
            log.warning("stripe session for %s not created: %s", order.number, error)
            raise PaymentProviderError(reason="create_failed") from error
        payment.external_id = session.id
        payment.checkout_url = session.url or ""
        payment.expires_at = expires_at
        db.session.flush()
        return payment.checkout_url

    def cancel(self, payment: Payment, *, now: datetime) -> None:
        """Expire the open session so nobody pays for released stock; fine if already expired."""
        if not payment.external_id or payment.status != PaymentStatus.PENDING.value:
            return
        try:
            self.client.v1.checkout.sessions.expire(payment.external_id)
        except stripe.StripeError as error:
            # Not open any more: acceptable only if Stripe expired it itself.
            try:
                session = self.client.v1.checkout.sessions.retrieve(payment.external_id)
            except stripe.StripeError:
                raise PaymentProviderError(reason="expire_failed") from error
            if session.status != "expired":
                raise PaymentProviderError(reason=f"session_{session.status}") from error


def _line_items(order: Order) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {
            "quantity": line.quantity,
            "price_data": {
                "currency": "vnd",
                "unit_amount": line.unit_price_vnd,
                "product_data": {"name": line.name_in(order.locale)},
            },
        }
        for line in order.lines
    ]
    for part in order.parts:
        if part.shipping_fee_vnd:
            items.append(
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "vnd",
                        "unit_amount": part.shipping_fee_vnd,
                        "product_data": {"name": f"Shipping / Vận chuyển: {part.producer_name}"},
                    },
                }
            )
    return items


# ---------------------------------------------------------------------------------------------
# Webhook events


def apply_stripe_event(event: Mapping[str, Any], *, now: datetime) -> str:
    """Apply one verified Stripe event at most once; return what happened. Owns its transaction."""
    record = StripeEvent(event_id=event["id"], event_type=event["type"], outcome="processing")
    db.session.add(record)
    try:
        # Recorded first: a concurrent copy of this event blocks here and then fails.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    handler = _HANDLERS.get(event["type"])
    obj = event.get("data", {}).get("object", {})
    outcome = handler(obj, now) if handler else "ignored"
    record.outcome = outcome
    db.session.commit()
    return outcome


def _payment_for_session(session: Mapping[str, Any]) -> Payment | None:
    payment = db.session.scalar(
        select(Payment).where(Payment.external_id == session.get("id")).with_for_update()
    )
    if payment is None:
        log.warning("stripe event for unknown session %s", session.get("id"))
        return None
    order_id = (session.get("metadata") or {}).get("order_id")
    if order_id is not None and str(order_id) != str(payment.order_id):
        log.error("stripe session %s names order %s, not ours", session.get("id"), order_id)
        return None
    return payment


def _session_paid(session: Mapping[str, Any], now: datetime) -> str:
    payment = _payment_for_session(session)
    if payment is None:
        return "unknown_session"
    order = payment.order
    if payment.status in (PaymentStatus.SUCCEEDED.value, PaymentStatus.NEEDS_REFUND.value):
        return "already_paid"
    amount, currency = session.get("amount_total"), str(session.get("currency", "")).lower()
    if amount != order.total_vnd or currency != "vnd" or payment.amount_vnd != order.total_vnd:
        log.error(
            "stripe amount mismatch on order %s: got %s %s, expected %s vnd",
            order.number,
            amount,
            currency,
            order.total_vnd,
        )
        return "amount_mismatch"
    payment.external_intent_id = session.get("payment_intent")
    if not order.is_awaiting_payment:
        # Paid after we cancelled and released the stock: a person must refund it.
        payment.status = PaymentStatus.NEEDS_REFUND.value
        log.error("order %s paid by card after cancellation: refund needed", order.number)
        return "paid_after_cancellation"
    payment.status = PaymentStatus.SUCCEEDED.value
    mark_order_paid(order, now=now)
    return "paid"


def _session_completed(session: Mapping[str, Any], now: datetime) -> str:
    if session.get("payment_status") == "paid":
        return _session_paid(session, now)
    return "awaiting_async_payment"


def _session_closed(status: PaymentStatus) -> Any:
    def handle(session: Mapping[str, Any], now: datetime) -> str:
        payment = _payment_for_session(session)
        if payment is None:
            return "unknown_session"
        if payment.status != PaymentStatus.PENDING.value:
            return f"already_{payment.status}"
        payment.status = status.value
        order = payment.order
        if order.is_awaiting_payment:
            cancel_order_parts(order, now=now)
        return status.value

    return handle


def _charge_refunded(charge: Mapping[str, Any], now: datetime) -> str:
    payment = db.session.scalar(
        select(Payment)
        .where(Payment.external_intent_id == charge.get("payment_intent"))
        .with_for_update()
    )
    if payment is None:
        return "unknown_payment"
    refunded = int(charge.get("amount_refunded") or 0)
    if refunded <= payment.refunded_vnd:
        return "already_refunded"  # a late or replayed refund event
    publish(
        PaymentRefunded(order=payment.order, amount_vnd=refunded - payment.refunded_vnd, now=now)
    )
    payment.refunded_vnd = refunded
    if refunded < payment.amount_vnd:
        return "partially_refunded"
    payment.status = PaymentStatus.REFUNDED.value
    for part in payment.order.parts:
        if OrderStatus.REFUNDED in ALLOWED_TRANSITIONS[part.status_enum]:
            transition_to(part, OrderStatus.REFUNDED, now=now)
    return "refunded"


_HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_paid,
    "checkout.session.async_payment_failed": _session_closed(PaymentStatus.FAILED),
    "checkout.session.expired": _session_closed(PaymentStatus.EXPIRED),
    "charge.refunded": _charge_refunded,
}
