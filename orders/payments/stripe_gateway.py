"""Cards through Stripe Checkout: create and expire sessions, and apply verified webhook events.

The `stripe.StripeClient` is injected (`make_stripe_client`), so tests point it at a local
stand-in with `base_addresses={"api": ...}`. VND is a zero-decimal currency: amounts go to
Stripe as the integer dong we store. Webhook events are applied by `apply_stripe_event`, which
records the event id (UNIQUE) in the same transaction as its effect, so a replayed or duplicated
event changes nothing, and checks every state before acting, so events may arrive in any order.
An event about a payment we do not know yet (a refund before its payment) is kept with its body
and applied when that payment appears (`waiting_for`); `parse_event` refuses a validly signed
body that is not a well-formed event (`MalformedEvent`, the web layer answers 400).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import stripe
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from core.db import begin_write, db

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


def verify_webhook(payload: bytes, signature_header: str | None, secret: str) -> None:
    """Check the Stripe-Signature of the raw body (Stripe's scheme: HMAC-SHA256 over
    "timestamp.body", within the tolerance); raises ValueError or SignatureVerificationError.
    The body's content is read afterwards by `parse_event`."""
    stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature_header or "", secret)


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

# What Stripe's ids fit in: our columns (stripe_event.event_id, payment.external_*) are 255 long.
MAX_ID_LENGTH = 255
MAX_TYPE_LENGTH = 80


class MalformedEvent(ValueError):
    """A validly signed body that is not an event we can read (the web layer answers 400)."""


def parse_event(payload: bytes) -> dict[str, Any]:
    """The event in a verified body, its shape checked before anything is stored.

    Checked: a JSON object with a non-empty string `id` and `type`; for the types we act on,
    `data.object` is an object whose fields we read have the types Stripe documents.
    """
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError) as error:
        raise MalformedEvent("body is not JSON") from error
    if not isinstance(event, dict):
        raise MalformedEvent("event is not a JSON object")
    _require_text(event, "id", MAX_ID_LENGTH, required=True)
    _require_text(event, "type", MAX_TYPE_LENGTH, required=True)
    fields = _OBJECT_FIELDS.get(event["type"])
    if fields is None:
        return event  # not ours to act on: recorded and ignored
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise MalformedEvent("data.object is not a JSON object")
    for name, kind, required in fields:
        if kind == "id":
            _require_text(obj, name, MAX_ID_LENGTH, required=required)
        elif kind == "text":
            _require_text(obj, name, MAX_TYPE_LENGTH, required=required)
        elif kind == "amount":
            value = obj.get(name)
            amount_ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            if (value is not None or required) and not amount_ok:
                raise MalformedEvent(f"data.object.{name} is not an amount")
        elif kind == "metadata":
            value = obj.get(name)
            if value is not None and not isinstance(value, dict):
                raise MalformedEvent(f"data.object.{name} is not an object")
            order_id = (value or {}).get("order_id")
            if order_id is not None and not isinstance(order_id, str | int):
                raise MalformedEvent("data.object.metadata.order_id is not an id")
    return event


def _require_text(obj: Mapping[str, Any], name: str, max_length: int, *, required: bool) -> None:
    value = obj.get(name)
    if value is None and not required:
        return
    if not isinstance(value, str) or not value or len(value) > max_length or "\x00" in value:
        raise MalformedEvent(f"{name} is not a string of 1–{max_length} characters")


_SESSION_FIELDS = (
    ("id", "id", True),
    ("payment_intent", "id", False),
    ("amount_total", "amount", False),
    ("currency", "text", False),
    ("payment_status", "text", False),
    ("metadata", "metadata", False),
)
_OBJECT_FIELDS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "checkout.session.completed": _SESSION_FIELDS,
    "checkout.session.async_payment_succeeded": _SESSION_FIELDS,
    "checkout.session.async_payment_failed": _SESSION_FIELDS,
    "checkout.session.expired": _SESSION_FIELDS,
    "charge.refunded": (("payment_intent", "id", True), ("amount_refunded", "amount", False)),
}

WAITING_OUTCOME = "waiting_for_payment"


@dataclass(frozen=True)
class _WaitFor:
    """A handler's answer when the payment it concerns is not known yet."""

    external_id: str


_Outcome = str | _WaitFor


def apply_stripe_event(event: Mapping[str, Any], *, now: datetime) -> str:
    """Apply one verified event (shape checked by `parse_event`) at most once; return what
    happened. Owns its transaction.

    An event about a payment we do not know yet is stored with its body under the id it waits
    for and answered `waiting_for_payment`; it is applied, once, when that payment appears.
    """
    begin_write()  # SQLite: take the write lock before reading (concurrent deliveries)
    record = StripeEvent(event_id=event["id"], event_type=event["type"], outcome="processing")
    db.session.add(record)
    try:
        # Recorded first: a concurrent copy of this event blocks here and then fails.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    handler = _HANDLERS.get(event["type"])
    outcome = handler(event["data"]["object"], now) if handler else "ignored"
    if isinstance(outcome, _WaitFor):
        record.waiting_for = outcome.external_id
        record.payload = json.dumps(event)
        outcome = WAITING_OUTCOME
        log.warning("stripe event %s waits for payment %s", event["id"], record.waiting_for)
    record.outcome = outcome
    db.session.commit()
    return outcome


def _serialize_on(external_id: str) -> None:
    """PostgreSQL: one transaction at a time per payment id, for the events that link or look
    up a PaymentIntent, so a refund stored as waiting is never missed by the payment committing
    beside it. (SQLite: begin_write already serialises every writer.)"""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"stripe:{external_id}"}
        )


def _apply_waiting(external_id: str, now: datetime) -> None:
    """Apply, in arrival order, the stored events that waited for this payment."""
    waiting = db.session.scalars(
        select(StripeEvent).where(StripeEvent.waiting_for == external_id).order_by(StripeEvent.id)
    ).all()
    for record in waiting:
        event = json.loads(record.payload or "{}")
        outcome = _HANDLERS[event["type"]](event["data"]["object"], now)
        if isinstance(outcome, _WaitFor):
            continue
        record.outcome = outcome
        record.waiting_for = None
        record.payload = None
        log.info("stripe event %s applied late: %s", record.event_id, outcome)


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


def _session_paid(session: Mapping[str, Any], now: datetime) -> _Outcome:
    intent = session.get("payment_intent")
    if intent:
        _serialize_on(intent)
    payment = _payment_for_session(session)
    if payment is None:
        # Our sessions are stored before Stripe can know them: an unknown one is not ours.
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
    payment.external_intent_id = intent
    if not order.is_awaiting_payment:
        # Paid after we cancelled and released the stock: a person must refund it.
        payment.status = PaymentStatus.NEEDS_REFUND.value
        log.error("order %s paid by card after cancellation: refund needed", order.number)
        outcome = "paid_after_cancellation"
    else:
        payment.status = PaymentStatus.SUCCEEDED.value
        mark_order_paid(order, now=now)
        outcome = "paid"
    if intent:
        db.session.flush()
        _apply_waiting(intent, now)
    return outcome


def _session_completed(session: Mapping[str, Any], now: datetime) -> _Outcome:
    if session.get("payment_status") == "paid":
        return _session_paid(session, now)
    return "awaiting_async_payment"


def _session_closed(status: PaymentStatus) -> Callable[[Mapping[str, Any], datetime], _Outcome]:
    def handle(session: Mapping[str, Any], now: datetime) -> _Outcome:
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


def _charge_refunded(charge: Mapping[str, Any], now: datetime) -> _Outcome:
    intent = charge["payment_intent"]
    _serialize_on(intent)
    payment = db.session.scalar(
        select(Payment).where(Payment.external_intent_id == intent).with_for_update()
    )
    if payment is None:
        return _WaitFor(intent)  # the refund came before its payment: kept until it arrives
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


_HANDLERS: dict[str, Callable[[Mapping[str, Any], datetime], _Outcome]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_paid,
    "checkout.session.async_payment_failed": _session_closed(PaymentStatus.FAILED),
    "checkout.session.expired": _session_closed(PaymentStatus.EXPIRED),
    "charge.refunded": _charge_refunded,
}
