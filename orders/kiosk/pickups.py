"""The kiosk basket (a cart capped by the point's shelf), placing a pickup order through the one
checkout, and the counter's work: mark paid, hand over, cancel, expire unpaid pickups.

Services flush; the caller commits — except `place_pickup_order` (checkout owns its transaction)
and `expire_pickups` (one commit per order).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from catalog.for_sale import is_for_sale, sale_status
from catalog.models import Product, product_load_options
from core.db import begin_write, db

from ..cart import MAX_LINE_QUANTITY
from ..checkout import CheckoutDetails, ShelfPickup, place_order
from ..enums import OrderStatus, PaymentMethod, PaymentStatus
from ..errors import InvalidTransition, NotForSale, OrdersError, OutOfStock
from ..lifecycle import cancel_order, mark_order_paid, transition_to
from ..models import Cart, CartLine, Order
from ..payments import PaymentProvider
from .models import DisplayPoint, KioskPickup, PointStock
from .points import shelf_quantities

log = logging.getLogger(__name__)


def _shelf_quantity(point_id: int, product_id: int) -> int:
    return (
        db.session.scalar(
            select(PointStock.quantity).where(
                PointStock.point_id == point_id, PointStock.product_id == product_id
            )
        )
        or 0
    )


def add_to_basket(cart: Cart, point: DisplayPoint, product_id: int, quantity: int, on: date) -> int:
    """Add units of a product for sale on `on`, capped by the point's shelf; the new quantity."""
    if not is_for_sale(product_id, on):
        raise NotForSale(product_id=product_id)
    shelf = _shelf_quantity(point.id, product_id)
    if shelf <= 0:
        raise OutOfStock(product_id=product_id)
    line = next((line for line in cart.lines if line.product_id == product_id), None)
    wanted = max(1, quantity) + (line.quantity if line else 0)
    capped = min(wanted, shelf, MAX_LINE_QUANTITY)
    if line is None:
        cart.lines.append(CartLine(product_id=product_id, quantity=capped))
    else:
        line.quantity = capped
    db.session.flush()
    return capped


def set_basket_quantity(cart: Cart, point: DisplayPoint, product_id: int, quantity: int) -> None:
    """Set a line (capped by the shelf); 0 removes it."""
    line = next((line for line in cart.lines if line.product_id == product_id), None)
    if line is None:
        return
    capped = min(quantity, _shelf_quantity(point.id, product_id), MAX_LINE_QUANTITY)
    if capped <= 0:
        cart.lines.remove(line)
    else:
        line.quantity = capped
    db.session.flush()


def empty_basket(cart: Cart) -> None:
    db.session.execute(CartLine.__table__.delete().where(CartLine.cart_id == cart.id))
    db.session.flush()
    db.session.expire(cart, ["lines"])


@dataclass(frozen=True)
class BasketLine:
    product: Product
    quantity: int
    available: bool  # still for sale and enough units on the shelf

    @property
    def line_total_vnd(self) -> int:
        return self.product.price_vnd * self.quantity


@dataclass(frozen=True)
class Basket:
    lines: list[BasketLine]

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def total_vnd(self) -> int:
        return sum(line.line_total_vnd for line in self.lines)

    @property
    def can_order(self) -> bool:
        return bool(self.lines) and all(line.available for line in self.lines)


def basket_of(cart: Cart | None, point: DisplayPoint, on: date) -> Basket:
    if cart is None:
        return Basket([])
    quantities = {line.product_id: line.quantity for line in cart.lines}
    if not quantities:
        return Basket([])
    shelf = shelf_quantities(point.id)
    products = db.session.scalars(
        select(Product).where(Product.id.in_(quantities)).options(*product_load_options())
    ).all()
    lines = [
        BasketLine(
            product=product,
            quantity=quantities[product.id],
            available=sale_status(product, on).for_sale
            and shelf.get(product.id, 0) >= quantities[product.id],
        )
        for product in sorted(products, key=lambda p: p.id)
    ]
    return Basket(lines)


def place_pickup_order(
    cart: Cart,
    point: DisplayPoint,
    checkout_token: str,
    *,
    locale: str,
    now: datetime,
    providers: Mapping[PaymentMethod, PaymentProvider],
    hold: timedelta,
) -> Order:
    """Order the basket at the point: pay at the counter, stock from the shelf. Owns its
    transaction (the one checkout); the same token twice returns the same order."""
    details = CheckoutDetails(
        contact_name=f"Kiosk {point.code}",
        phone="",
        province_code=point.province_code,
        commune_code="",
        street=point.address,
        payment_method=PaymentMethod.COUNTER,
        locale=locale,
    )
    return place_order(
        cart,
        details,
        checkout_token,
        now=now,
        providers=dict(providers),
        pickup=ShelfPickup(point_id=point.id, hold=hold),
    )


def pickup_of_order(order_id: int) -> KioskPickup | None:
    return db.session.scalar(select(KioskPickup).where(KioskPickup.order_id == order_id))


def find_pickup(point: DisplayPoint, pickup_id: int) -> KioskPickup | None:
    return db.session.scalar(
        select(KioskPickup).where(KioskPickup.id == pickup_id, KioskPickup.point_id == point.id)
    )


def lock_pickup(point: DisplayPoint, pickup_id: int) -> KioskPickup | None:
    """The pickup as it is now, its order row locked until commit, before the counter or the
    expiry job changes it: the cashier marking it paid and the expiry cancelling it can never
    both win (BEGIN IMMEDIATE on SQLite, FOR UPDATE on PostgreSQL; see core.db.begin_write)."""
    begin_write()
    db.session.expire_all()  # nothing read before the lock is trusted
    pickup = find_pickup(point, pickup_id)
    if pickup is not None:
        db.session.execute(select(Order.id).where(Order.id == pickup.order_id).with_for_update())
    return pickup


def pickups_of_point(
    point: DisplayPoint, *, open_only: bool, limit: int = 200
) -> list[KioskPickup]:
    """The point's pickups, newest first; open ones: not handed over and not cancelled."""
    query = (
        select(KioskPickup)
        .where(KioskPickup.point_id == point.id)
        .order_by(KioskPickup.id.desc())
        .limit(limit)
    )
    if open_only:
        query = query.where(KioskPickup.handed_over_at.is_(None))
    pickups = list(db.session.scalars(query))
    if open_only:
        pickups = [p for p in pickups if not p.order.is_cancelled]
    return pickups


def pickup_state(pickup: KioskPickup) -> str:
    order = pickup.order
    if order.is_cancelled:
        return "cancelled"
    if pickup.handed_over_at is not None:
        return "handed_over"
    if order.is_awaiting_payment:
        return "awaiting_payment"
    return "paid"


def mark_pickup_paid(
    pickup: KioskPickup, *, actor_id: int, confirmed_by: str, now: datetime
) -> None:
    """The cashier took the money. Flushes."""
    order = pickup.order
    payment = next((p for p in order.payments if p.status == PaymentStatus.PENDING.value), None)
    if payment is None or not order.is_awaiting_payment:
        raise InvalidTransition(order_id=order.id, wanted=OrderStatus.PAID.value)
    payment.status = PaymentStatus.SUCCEEDED.value
    payment.confirmed_by = confirmed_by
    mark_order_paid(order, now=now, notify=False, actor_id=actor_id)


def hand_over(pickup: KioskPickup, *, actor_id: int, now: datetime) -> None:
    """The visitor took the goods: every paid part is delivered (at the counter). Flushes."""
    order = pickup.order
    if pickup.handed_over_at is not None or order.is_cancelled or order.is_awaiting_payment:
        raise InvalidTransition(order_id=order.id, wanted=OrderStatus.DELIVERED.value)
    for part in order.parts:
        for status in (OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            transition_to(part, status, now=now, notify=False, actor_id=actor_id, carrier="counter")
    pickup.handed_over_at = now
    db.session.flush()


def cancel_pickup(
    pickup: KioskPickup, *, now: datetime, providers: Mapping[PaymentMethod, Any]
) -> None:
    """Cancel an unpaid pickup; its units go back on the point's shelf. Flushes."""
    if not pickup.order.is_awaiting_payment:
        raise InvalidTransition(order_id=pickup.order_id, wanted=OrderStatus.CANCELLED.value)
    cancel_order(pickup.order, now=now, providers=providers)


def expire_pickups(*, now: datetime, providers: Mapping[PaymentMethod, Any]) -> list[str]:
    """Cancel unpaid pickups whose hold ran out, returning their shelf stock; their numbers.

    Owns its transactions: one commit per order."""
    due = db.session.scalars(
        select(Order)
        .join(KioskPickup, KioskPickup.order_id == Order.id)
        .where(Order.reservation_expires_at <= now, Order.paid_at.is_(None))
        .order_by(Order.id)
    ).all()
    due_ids = [(order.id, order.number) for order in due]
    db.session.commit()  # read only: ends the read before each order is locked in turn
    cancelled: list[str] = []
    for order_id, number in due_ids:
        begin_write()
        db.session.expire_all()  # read again under the lock: the counter may have been faster
        order = db.session.scalars(
            select(Order)
            .where(Order.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        if order.paid_at is not None or not order.is_awaiting_payment:
            db.session.commit()  # paid at the counter meanwhile: nothing to release
            continue
        try:
            cancel_order(order, now=now, providers=providers)
        except OrdersError as error:
            db.session.rollback()
            log.warning("pickup %s not expired: %s", number, error.code)
            continue
        db.session.commit()
        cancelled.append(number)
    return cancelled
