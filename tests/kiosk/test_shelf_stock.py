"""Shelf stock at a point: kept apart from online stock, reserved by kiosk orders only, given
back on cancellation and after the pickup hold; the counter's steps; the CLI set-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from catalog.models import Product
from core import clock
from core.db import db
from orders.enums import OrderStatus
from orders.errors import NotForSale, OutOfStock
from orders.kiosk.models import DisplayPoint, KioskPickup, PointStock
from orders.kiosk.pickups import (
    cancel_pickup,
    expire_pickups,
    hand_over,
    mark_pickup_paid,
    pickup_of_order,
    pickup_state,
)
from orders.kiosk.points import shelf_quantities


def _shelf(point: DisplayPoint, product: Product) -> int:
    return shelf_quantities(point.id).get(product.id, 0)


def _online(product: Product) -> int:
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def test_kiosk_order_takes_shelf_stock_and_never_online_stock(
    make_product, make_point, make_pickup
):
    product = make_product(stock=10)
    point = make_point("HN1", (product, 4))
    order = make_pickup(point, (product, 3))
    assert order.payment_method == "counter"
    assert order.total_vnd == product.price_vnd * 3  # no shipping at the counter
    assert [part.status for part in order.parts] == [OrderStatus.AWAITING_PAYMENT.value]
    assert _shelf(point, product) == 1
    assert _online(product) == 10
    pickup = pickup_of_order(order.id)
    assert pickup is not None and pickup.number == "001"
    assert make_pickup(point, (product, 1)).id != order.id
    assert (
        pickup_of_order(db.session.scalars(select(KioskPickup.order_id)).all()[-1]).number == "002"
    )


def test_online_order_never_takes_shelf_stock(make_product, make_point, make_order):
    product = make_product(stock=5)
    point = make_point("HN1", (product, 2))
    make_order((product, 4))
    assert _online(product) == 1
    assert _shelf(point, product) == 2
    make_order((product, 1))
    with pytest.raises(OutOfStock):  # sold out online, though two units sit on the shelf
        make_order((product, 1))
    assert _online(product) == 0
    assert _shelf(point, product) == 2


def test_kiosk_order_cannot_take_more_than_the_shelf(
    make_product, make_point, make_basket, make_pickup
):
    product = make_product(stock=100)
    point = make_point("HN1", (product, 2))
    basket = make_basket(point, (product, 5))
    assert basket.lines[0].quantity == 2  # capped by the shelf, not the online stock
    make_pickup(point, (product, 1))
    other = make_point("DN1", (product, 50))
    with pytest.raises(OutOfStock):
        # Another point's shelf does not count.
        db.session.execute(
            PointStock.__table__.update().where(PointStock.point_id == point.id).values(quantity=0)
        )
        db.session.commit()
        make_pickup(point, (product, 1))
    assert _shelf(other, product) == 50


def test_product_off_sale_cannot_be_ordered_at_the_kiosk(
    make_product, make_point, make_basket, make_certificate
):
    product = make_product(certificate=None)
    point = make_point("HN1", (product, 5))
    with pytest.raises(NotForSale):
        make_basket(point, (product, 1))


def test_cancel_returns_shelf_stock_once(make_product, make_point, make_pickup, basic_providers):
    product = make_product(stock=10)
    point = make_point("HN1", (product, 3))
    order = make_pickup(point, (product, 2))
    pickup = pickup_of_order(order.id)
    cancel_pickup(pickup, now=clock.utcnow(), providers=basic_providers)
    db.session.commit()
    assert _shelf(point, product) == 3
    assert _online(product) == 10
    assert pickup_state(pickup) == "cancelled"


def test_paid_then_handed_over(make_product, make_point, make_pickup, make_user):
    product = make_product()
    point = make_point("HN1", (product, 3))
    order = make_pickup(point, (product, 1))
    pickup = pickup_of_order(order.id)
    staff = make_user(role="admin")
    now = clock.utcnow()
    mark_pickup_paid(pickup, actor_id=staff.id, confirmed_by=staff.email, now=now)
    assert pickup_state(pickup) == "paid"
    hand_over(pickup, actor_id=staff.id, now=now)
    db.session.commit()
    assert pickup_state(pickup) == "handed_over"
    assert [part.status for part in order.parts] == [OrderStatus.DELIVERED.value]
    assert _shelf(point, product) == 2


def test_unpaid_pickups_expire_after_the_hold(
    make_product, make_point, make_pickup, basic_providers, make_user
):
    product = make_product()
    point = make_point("HN1", (product, 5))
    stale = make_pickup(point, (product, 2))
    paid = make_pickup(point, (product, 1))
    staff = make_user(role="admin")
    mark_pickup_paid(
        pickup_of_order(paid.id), actor_id=staff.id, confirmed_by="x", now=clock.utcnow()
    )
    db.session.commit()
    assert expire_pickups(now=clock.utcnow(), providers=basic_providers) == []
    later = clock.utcnow() + timedelta(minutes=31)
    assert expire_pickups(now=later, providers=basic_providers) == [stale.number]
    assert _shelf(point, product) == 4  # the paid unit stays sold
    assert expire_pickups(now=later, providers=basic_providers) == []


def test_cli_add_point_is_idempotent(runner, make_product, make_user):
    product = make_product(sku="OCOP-TRA-01")
    args = ["kiosk", "add-point", "hn1", "--name", "Điểm OCOP Hồ Gươm", "--stock", "ocop-tra-01=7"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    points = db.session.scalars(select(DisplayPoint)).all()
    assert [(p.code, p.name) for p in points] == [("HN1", "Điểm OCOP Hồ Gươm")]
    assert shelf_quantities(points[0].id) == {product.id: 7}
    bad = runner.invoke(args=["kiosk", "add-point", "HN1", "--name", "x", "--stock", "NOPE=1"])
    assert bad.exit_code != 0 and "NOPE" in bad.output
    user = make_user(email="quay@example.vn")
    staffed = runner.invoke(args=["kiosk", "add-staff", "HN1", "quay@example.vn"])
    assert staffed.exit_code == 0, staffed.output
    assert db.session.get(type(user), user.id).role == "kiosk_staff"
    listed = runner.invoke(args=["kiosk", "list-points"])
    assert "HN1" in listed.output and "7 units" in listed.output
    expired = runner.invoke(args=["kiosk", "expire-pickups"])
    assert expired.exit_code == 0 and "expired 0" in expired.output


def test_the_counter_cannot_sell_a_pickup_the_expiry_just_released(
    app, make_product, make_point, make_pickup, basic_providers, make_user
):
    import threading

    from orders.errors import InvalidTransition
    from orders.kiosk.pickups import lock_pickup

    product = make_product()
    point = make_point("HN1", (product, 5))
    order = make_pickup(point, (product, 2))
    staff = make_user(role="admin")
    stale = pickup_of_order(order.id)
    assert stale.order.is_awaiting_payment  # what the counter page showed

    def expiry_job() -> None:  # another process, its own session
        with app.app_context():
            later = clock.utcnow() + timedelta(minutes=31)
            expire_pickups(now=later, providers=basic_providers)
            db.session.remove()

    job = threading.Thread(target=expiry_job)
    job.start()
    job.join()
    locked = lock_pickup(point, stale.id)
    with pytest.raises(InvalidTransition):
        mark_pickup_paid(locked, actor_id=staff.id, confirmed_by=staff.email, now=clock.utcnow())
    db.session.rollback()
    assert _shelf(point, product) == 5  # released once, sold never
