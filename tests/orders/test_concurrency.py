"""Many buyers at the last units at once: exactly the stock is sold, never more (SQLite and PostgreSQL)."""

from __future__ import annotations

import secrets
import threading

from sqlalchemy import func, select

from catalog.models import Product
from core import clock
from core.db import db
from orders.checkout import place_order
from orders.errors import OutOfStock
from orders.models import Order, OrderLine

UNITS = 5
# Below the connection pool size (5 + 10 overflow), so no thread waits for a connection.
BUYERS = 12


def test_concurrent_checkouts_sell_exactly_the_stock(
    app, make_product, make_producer, make_cart, checkout_details, basic_providers
):
    product = make_product(stock=UNITS)
    # Every buyer also takes a plentiful item from another producer: losers must keep none of it.
    other = make_product(producer=make_producer(), stock=1000)
    cart_ids = [make_cart((product, 1), (other, 1)).id for _ in range(BUYERS)]
    product_id, other_id = product.id, other.id
    db.session.remove()

    start = threading.Barrier(BUYERS, timeout=60)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(cart_id: int) -> None:
        with app.app_context():
            from orders.models import Cart

            cart = db.session.get(Cart, cart_id)
            start.wait()
            try:
                place_order(
                    cart,
                    checkout_details(),
                    secrets.token_urlsafe(24),
                    now=clock.utcnow(),
                    providers=basic_providers,
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

    threads = [threading.Thread(target=buy, args=(cart_id,)) for cart_id in cart_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sold"] * UNITS + ["sold out"] * (BUYERS - UNITS)
    assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 0
    assert db.session.scalar(select(Product.stock).where(Product.id == other_id)) == 1000 - UNITS
    assert db.session.scalar(select(func.count(Order.id))) == UNITS
    sold = db.session.scalar(
        select(func.sum(OrderLine.quantity)).where(OrderLine.product_id == product_id)
    )
    assert sold == UNITS
    numbers = db.session.scalars(select(Order.number)).all()
    assert len(set(numbers)) == UNITS
