"""20 visitors at 20 kiosks order the last 3 units on one point's shelf at once: exactly 3 sell
(SQLite always; PostgreSQL when TEST_DATABASE_URL is set, as in CI)."""

from __future__ import annotations

import secrets
import threading

from sqlalchemy import func, select

from catalog.models import Product
from core import clock
from core.db import db
from orders.errors import OutOfStock
from orders.kiosk.models import KioskPickup, PointStock
from orders.kiosk.pickups import place_pickup_order
from orders.models import Cart, Order, OrderLine
from tests.fixtures.kiosk import HOLD

UNITS = 3
VISITORS = 20


def test_concurrent_kiosk_orders_sell_exactly_the_shelf(
    app, make_product, make_point, make_basket, basic_providers
):
    product = make_product(stock=1000)  # plenty online: it must not matter
    point = make_point("HN1", (product, UNITS + VISITORS))
    cart_ids = [make_basket(point, (product, 1)).id for _ in range(VISITORS)]
    db.session.execute(
        PointStock.__table__.update().where(PointStock.point_id == point.id).values(quantity=UNITS)
    )
    db.session.commit()
    product_id, point_id = product.id, point.id
    db.session.remove()

    start = threading.Barrier(VISITORS, timeout=120)
    outcomes: list[str] = []
    lock = threading.Lock()

    def order(cart_id: int) -> None:
        start.wait()  # before touching the pool: 20 threads, 15 pooled connections
        with app.app_context():
            try:
                from orders.kiosk.models import DisplayPoint

                place_pickup_order(
                    db.session.get(Cart, cart_id),
                    db.session.get(DisplayPoint, point_id),
                    secrets.token_urlsafe(24),
                    locale="en",
                    now=clock.utcnow(),
                    providers=basic_providers,
                    hold=HOLD,
                )
                result = "sold"
            except OutOfStock:
                result = "sold out"
            except Exception as error:  # surfaced in the assertion below
                result = f"error: {type(error).__name__}: {error}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=order, args=(cart_id,)) for cart_id in cart_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sold"] * UNITS + ["sold out"] * (VISITORS - UNITS)
    shelf = select(PointStock.quantity).where(
        PointStock.point_id == point_id, PointStock.product_id == product_id
    )
    assert db.session.scalar(shelf) == 0
    assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 1000
    assert db.session.scalar(select(func.count(Order.id))) == UNITS
    assert db.session.scalar(select(func.sum(OrderLine.quantity))) == UNITS
    numbers = db.session.scalars(select(KioskPickup.number)).all()
    assert sorted(numbers) == ["001", "002", "003"]
