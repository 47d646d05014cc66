"""A point's shelf stock under concurrency: reserve with one conditional UPDATE per product
(`quantity = quantity - n WHERE quantity >= n`, exactly one row or OutOfStock), give back on
cancellation. Called by checkout and the order lifecycle inside their transactions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from accounts.audit import record_audit
from core.clock import today_in_vietnam
from core.db import db

from ..errors import OutOfStock
from ..models import Order
from .models import KioskPickup, PickupCounter, PointStock


def reserve_shelf_stock(point_id: int, quantities: dict[int, int], names: dict[int, str]) -> None:
    """Take every line's units off the point's shelf, or raise OutOfStock (the caller rolls back).

    In product-id order, so two kiosk orders never lock rows in opposite orders."""
    for product_id in sorted(quantities):
        quantity = quantities[product_id]
        result = db.session.execute(
            update(PointStock)
            .where(
                PointStock.point_id == point_id,
                PointStock.product_id == product_id,
                PointStock.quantity >= quantity,
            )
            .values(quantity=PointStock.quantity - quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise OutOfStock(product_id=product_id, name=names.get(product_id, ""))


def return_shelf_stock(point_id: int, product_id: int, quantity: int, *, now: datetime) -> None:
    """Put units back on the point's shelf (a cancelled or expired pickup). Flushes nothing."""
    db.session.execute(
        update(PointStock)
        .where(PointStock.point_id == point_id, PointStock.product_id == product_id)
        .values(quantity=PointStock.quantity + quantity)
        .execution_options(synchronize_session=False)
    )
    record_audit(
        "point_stock.returned",
        ("display_point", point_id),
        actor_id=None,
        now=now,
        after={"product": product_id, "delta": quantity},
    )


def shelf_point_of(order_id: int) -> int | None:
    """The point whose shelf an order's stock came from; None for an online order."""
    return db.session.scalar(select(KioskPickup.point_id).where(KioskPickup.order_id == order_id))


def attach_pickup(order: Order, point_id: int, *, now: datetime) -> KioskPickup:
    """Give a just-built kiosk order its pickup number (per point and day, atomic). Flushes."""
    day = today_in_vietnam(now)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(PickupCounter)
        .values(point_id=point_id, day=day, last_value=0)
        .on_conflict_do_nothing(index_elements=["point_id", "day"])
    )
    value = db.session.execute(
        update(PickupCounter)
        .where(PickupCounter.point_id == point_id, PickupCounter.day == day)
        .values(last_value=PickupCounter.last_value + 1)
        .returning(PickupCounter.last_value)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    pickup = KioskPickup(
        order_id=order.id, point_id=point_id, day=day, number=f"{value:03d}", created_at=now
    )
    db.session.add(pickup)
    db.session.flush()
    return pickup
