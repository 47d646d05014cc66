"""A producer's side of orders: its own parts only, packed → shipped, transfers confirmed,
cancellations with a reason (stock goes back). Every status change is audited.

Like the catalog getters, parts are always loaded with the acting producer's id in the query,
so a guessed part id from another producer is simply not found. Services flush; the view commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.clock import VN_TZ
from core.db import db
from core.text import clean_text

from .enums import OrderStatus, PaymentMethod
from .errors import InvalidTransition, OrderPartNotFound
from .lifecycle import mark_bank_transfer_received, transition_to
from .models import Order, OrderPart

TO_PACK = (OrderStatus.PAID, OrderStatus.CONFIRMED)
COUNTED_AS_SALES = (
    OrderStatus.PAID,
    OrderStatus.CONFIRMED,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)


def parts_for_producer(
    producer_id: int, statuses: tuple[OrderStatus, ...] = (), *, limit: int | None = None
) -> list[OrderPart]:
    """This producer's order parts, newest first, optionally only in `statuses`."""
    query = (
        select(OrderPart)
        .where(OrderPart.producer_id == producer_id)
        .options(selectinload(OrderPart.order), selectinload(OrderPart.lines))
        .order_by(OrderPart.id.desc())
        .limit(limit)
    )
    if statuses:
        query = query.where(OrderPart.status.in_([s.value for s in statuses]))
    return list(db.session.scalars(query))


def get_part_for_producer(producer_id: int, part_id: int) -> OrderPart:
    part = db.session.scalar(
        select(OrderPart).where(OrderPart.id == part_id, OrderPart.producer_id == producer_id)
    )
    if part is None:
        raise OrderPartNotFound(part_id=part_id)
    return part


def pack_part(part: OrderPart, *, actor_id: int, now: datetime) -> None:
    transition_to(part, OrderStatus.PACKED, now=now, actor_id=actor_id)
    db.session.flush()


def ship_part(
    part: OrderPart, *, carrier: str, tracking_code: str, actor_id: int, now: datetime
) -> None:
    carrier, tracking_code = clean_text(carrier), clean_text(tracking_code)
    transition_to(
        part,
        OrderStatus.SHIPPED,
        now=now,
        carrier=carrier,
        tracking_code=tracking_code,
        actor_id=actor_id,
        audit_details={"carrier": carrier, "tracking_code": tracking_code},
    )
    db.session.flush()


def deliver_part(part: OrderPart, *, actor_id: int | None, now: datetime) -> None:
    """The carrier handed the parcel over (and, for cash on delivery, collected the cash)."""
    transition_to(part, OrderStatus.DELIVERED, now=now, actor_id=actor_id)
    db.session.flush()


def cancel_part(part: OrderPart, *, reason: str, actor_id: int, now: datetime) -> None:
    """Cancel this producer's part; its reserved stock goes back on the shelf."""
    transition_to(
        part,
        OrderStatus.CANCELLED,
        now=now,
        actor_id=actor_id,
        audit_details={"reason": clean_text(reason)[:500]},
    )
    db.session.flush()


def can_confirm_transfer(part: OrderPart) -> bool:
    """A producer may confirm a transfer only for an order that is entirely its own."""
    order = part.order
    return (
        order.payment_method == PaymentMethod.BANK_TRANSFER.value
        and part.status_enum == OrderStatus.AWAITING_PAYMENT
        and all(other.producer_id == part.producer_id for other in order.parts)
    )


def confirm_transfer(part: OrderPart, *, actor_id: int, actor_email: str, now: datetime) -> None:
    """The money for this (single-producer) order is on the statement: mark it paid."""
    if not can_confirm_transfer(part):
        raise InvalidTransition(part_id=part.id, wanted=OrderStatus.PAID.value)
    mark_bank_transfer_received(part.order, now=now, confirmed_by=actor_email, actor_id=actor_id)
    db.session.flush()


def _month_start_utc(now: datetime) -> datetime:
    local = now.astimezone(VN_TZ)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def sales_this_month_vnd(producer_id: int, now: datetime) -> int:
    """Goods sold this calendar month in Vietnam (parts not cancelled, refunded or unpaid)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(OrderPart.subtotal_vnd), 0))
        .join(Order, Order.id == OrderPart.order_id)
        .where(
            OrderPart.producer_id == producer_id,
            OrderPart.status.in_([s.value for s in COUNTED_AS_SALES]),
            Order.created_at >= _month_start_utc(now),
        )
    )
    return int(total or 0)


def count_parts_to_pack(producer_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(OrderPart.id)).where(
                OrderPart.producer_id == producer_id,
                OrderPart.status.in_([s.value for s in TO_PACK]),
            )
        )
        or 0
    )
