"""Producer pack/cancel racing other writers (issue 11, defect 7): on SQLite a read-then-write
path met "database is locked" (500) whenever another connection committed in between; form posts
now start as writers (begin_write). Runs on PostgreSQL too, where nothing may fail either."""

from __future__ import annotations

import threading

from sqlalchemy import select, update

from catalog.models import Product
from core.db import db
from orders.models import OrderPart


def test_pack_and_cancel_while_another_connection_keeps_committing(
    client, login_as, portal_world, make_order, make_product
):
    world = portal_world
    parts = [make_order((world["product_a"], 1)).parts[0].id for _ in range(10)]
    busy_id = make_product(name="Sản phẩm khác", stock=1000).id
    login_as(world["member_a"])
    db.session.commit()
    engine, stop, commits = db.engine, threading.Event(), [0]

    def other_writer() -> None:  # a checkout in another worker, committing again and again
        while not stop.is_set():
            with engine.begin() as conn:
                conn.execute(
                    update(Product).where(Product.id == busy_id).values(stock=Product.stock + 1)
                )
            commits[0] += 1

    thread = threading.Thread(target=other_writer, daemon=True)
    thread.start()
    statuses = []
    try:
        for i, part_id in enumerate(parts):
            if i % 2:
                response = client.post(
                    f"/producer/orders/{part_id}/cancel", data={"reason": "Hết hàng"}
                )
            else:
                response = client.post(f"/producer/orders/{part_id}/pack")
            statuses.append(response.status_code)
    finally:
        stop.set()
        thread.join()
    assert commits[0] > 0
    assert statuses == [302] * len(parts)
    db.session.expire_all()
    shown = db.session.scalars(
        select(OrderPart.status).where(OrderPart.id.in_(parts)).order_by(OrderPart.id)
    )
    assert list(shown) == ["packed", "cancelled"] * (len(parts) // 2)
