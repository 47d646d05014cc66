"""Status changes of order parts: the one `transition_to`, payment received, cancellation, stock release.

Services flush; the caller (view, CLI, webhook handler) commits once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from accounts.audit import record_audit
from catalog.models import Product
from core.db import db

from .enums import (
    ALLOWED_TRANSITIONS,
    STOCK_HOLDING,
    OrderEmailKind,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
)
from .errors import InvalidTransition, OrdersError
from .events import PartStatusChanged, publish
from .kiosk.shelf import return_shelf_stock, shelf_point_of
from .models import Order, OrderPart
from .notifications import enqueue_order_email

log = logging.getLogger(__name__)


def transition_to(
    part: OrderPart,
    status: OrderStatus,
    *,
    now: datetime,
    carrier: str = "",
    tracking_code: str = "",
    notify: bool = True,
    actor_id: int | None = None,
    audit_details: Mapping[str, Any] | None = None,
) -> None:
    """Move one producer part to `status` if ALLOWED_TRANSITIONS permits; queue the buyer's e-mail.

    Every change leaves an audit entry; `actor_id` None means the shop itself (a webhook, an
    expired reservation).
    """
    current = part.status_enum
    if status not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(part_id=part.id, current=current.value, wanted=status.value)
    before = {"status": current.value}
    after = {"status": status.value, "order": part.order.number, **(audit_details or {})}
    record_audit("order.status", part, actor_id=actor_id, now=now, before=before, after=after)
    part.status = status.value
    part.status_changed_at = now
    if status == OrderStatus.SHIPPED:
        part.carrier = carrier
        part.tracking_code = tracking_code
    if status == OrderStatus.CANCELLED:
        release_part_stock(part, now=now)
    publish(
        PartStatusChanged(part=part, previous=current, status=status, now=now, actor_id=actor_id)
    )
    if notify:
        enqueue_order_email(part.order, OrderEmailKind.ORDER_STATUS, part=part, status=status.value)
    db.session.flush()


def release_part_stock(part: OrderPart, *, now: datetime) -> bool:
    """Put a part's reserved units back on the shelf, at most once (guarded UPDATE): the online
    stock, or the display point's shelf the kiosk order took them from."""
    claimed = db.session.execute(
        update(OrderPart)
        .where(OrderPart.id == part.id, OrderPart.stock_released_at.is_(None))
        .values(stock_released_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    point_id = shelf_point_of(part.order_id)
    for line in sorted(part.lines, key=lambda line: line.product_id):
        if point_id is not None:
            return_shelf_stock(point_id, line.product_id, line.quantity, now=now)
            continue
        db.session.execute(
            update(Product)
            .where(Product.id == line.product_id)
            .values(stock=Product.stock + line.quantity)
            .execution_options(synchronize_session=False)
        )
        record_stock_change(
            line.product_id, +line.quantity, part_id=part.id, actor_id=None, now=now
        )
    part.stock_released_at = now
    db.session.flush()
    return True


def mark_order_paid(
    order: Order, *, now: datetime, notify: bool = True, actor_id: int | None = None
) -> None:
    """The order's money arrived: every part awaiting payment becomes paid."""
    order.paid_at = now
    for part in order.parts:
        if part.status_enum == OrderStatus.AWAITING_PAYMENT:
            transition_to(part, OrderStatus.PAID, now=now, notify=False, actor_id=actor_id)
    if notify:
        enqueue_order_email(order, OrderEmailKind.ORDER_STATUS, status=OrderStatus.PAID.value)
    db.session.flush()


def mark_bank_transfer_received(
    order: Order, *, now: datetime, confirmed_by: str, actor_id: int | None = None
) -> None:
    """A producer or admin saw the transfer on the bank statement (a QR alone proves nothing)."""
    payment = next(
        (p for p in order.payments if p.status == PaymentStatus.PENDING.value),
        None,
    )
    if payment is None or not order.is_awaiting_payment:
        raise InvalidTransition(order_id=order.id, wanted=OrderStatus.PAID.value)
    payment.status = PaymentStatus.SUCCEEDED.value
    payment.confirmed_by = confirmed_by
    mark_order_paid(order, now=now, actor_id=actor_id)


def cancel_order_parts(order: Order, *, now: datetime, notify: bool = True) -> None:
    """Cancel every part that may still be cancelled and release its stock. No provider calls."""
    cancellable = [
        part
        for part in order.parts
        if OrderStatus.CANCELLED in ALLOWED_TRANSITIONS[part.status_enum]
    ]
    if not cancellable:
        raise InvalidTransition(order_id=order.id, wanted=OrderStatus.CANCELLED.value)
    for part in cancellable:
        transition_to(part, OrderStatus.CANCELLED, now=now, notify=False)
    for payment in order.payments:
        if payment.status == PaymentStatus.PENDING.value:
            payment.status = PaymentStatus.CANCELLED.value
    if notify:
        enqueue_order_email(order, OrderEmailKind.ORDER_STATUS, status=OrderStatus.CANCELLED.value)
    db.session.flush()


def record_stock_change(
    product_id: int, delta: int, *, part_id: int | None, actor_id: int | None, now: datetime
) -> None:
    """Audit a stock change made by an order (reserved at checkout, returned on cancellation)."""
    after = {"delta": delta, "order_part": part_id}
    record_audit("product.stock", ("product", product_id), actor_id=actor_id, now=now, after=after)


def holds_stock(part: OrderPart) -> bool:
    return part.status_enum in STOCK_HOLDING and part.stock_released_at is None


def cancel_order(order: Order, *, now: datetime, providers: Mapping[PaymentMethod, Any]) -> None:
    """Cancel an order: first close its open payment (e.g. expire the card session so nobody
    pays for stock we give back), then cancel the parts and release their stock. Flushes only."""
    for payment in order.payments:
        if payment.status == PaymentStatus.PENDING.value:
            provider = providers.get(PaymentMethod(payment.provider))
            if provider is not None:
                provider.cancel(payment, now=now)
    cancel_order_parts(order, now=now)


def expire_reservations(
    *, now: datetime, providers: Mapping[PaymentMethod, Any]
) -> tuple[list[str], list[str]]:
    """Cancel unpaid orders whose reservation ran out; return (cancelled, skipped) numbers.

    Owns its transactions: one commit per order, so one stubborn order does not hold the rest.
    """
    due = db.session.scalars(
        select(Order)
        .where(Order.reservation_expires_at <= now, Order.paid_at.is_(None))
        .order_by(Order.id)
    ).all()
    cancelled: list[str] = []
    skipped: list[str] = []
    for order in due:
        if not order.is_awaiting_payment:
            continue
        try:
            cancel_order(order, now=now, providers=providers)
        except OrdersError as error:
            db.session.rollback()
            log.warning("reservation of %s not released: %s", order.number, error.code)
            skipped.append(order.number)
            continue
        db.session.commit()
        cancelled.append(order.number)
    return cancelled, skipped
