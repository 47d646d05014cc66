"""A producer's own order parts: pack, ship, confirm transfer, cancel (stock back), slip, figures."""

from __future__ import annotations

from sqlalchemy import select

from accounts.models import AuditEntry
from catalog.models import Product
from core.db import db
from core.money import format_vnd
from orders.models import OrderPart


def _part_for(order, producer) -> OrderPart:
    return next(p for p in order.parts if p.producer_id == producer.id)


def test_producer_sees_only_its_own_parts_of_a_shared_order(
    client, login_as, portal_world, make_order
):
    world = portal_world
    order = make_order((world["product_a"], 2), (world["product_b"], 1))
    login_as(world["member_a"])
    page = client.get("/producer/orders").get_data(as_text=True)
    assert order.number in page
    part_a = _part_for(order, world["producer_a"])
    part_b = _part_for(order, world["producer_b"])
    detail = client.get(f"/producer/orders/{part_a.id}").get_data(as_text=True)
    assert world["product_a"].name in detail and world["product_b"].name not in detail
    assert client.get(f"/producer/orders/{part_b.id}").status_code == 404


def test_pack_then_ship_with_tracking_is_audited(client, login_as, portal_world, make_order):
    world = portal_world
    order = make_order((world["product_a"], 1))  # cash on delivery → confirmed
    part = order.parts[0]
    login_as(world["member_a"])
    client.post(f"/producer/orders/{part.id}/pack")
    client.post(
        f"/producer/orders/{part.id}/ship", data={"carrier": "VNPost", "tracking_code": "EE123VN"}
    )
    db.session.refresh(part)
    assert (part.status, part.carrier, part.tracking_code) == ("shipped", "VNPost", "EE123VN")
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "order_part").order_by(AuditEntry.id)
    ).all()
    assert [(e.before["status"], e.after["status"]) for e in entries] == [
        ("confirmed", "packed"),
        ("packed", "shipped"),
    ]
    assert all(e.actor_id == world["member_a"].id for e in entries)


def test_cancel_with_reason_returns_the_stock(client, login_as, portal_world, make_order):
    world = portal_world
    product = world["product_a"]
    order = make_order((product, 3))
    db.session.refresh(product)
    assert product.stock == 7
    login_as(world["member_a"])
    client.post(f"/producer/orders/{order.parts[0].id}/cancel", data={"reason": "Hết hàng"})
    db.session.expire_all()
    assert db.session.get(Product, product.id).stock == 10
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "order_part"))
    assert entry.after["reason"] == "Hết hàng" and entry.after["status"] == "cancelled"


def test_producer_confirms_a_bank_transfer_for_its_own_order(
    client, login_as, portal_world, make_order
):
    world = portal_world
    order = make_order((world["product_a"], 1), payment_method="bank_transfer")
    part = order.parts[0]
    assert part.status == "awaiting_payment"
    login_as(world["member_a"])
    client.post(f"/producer/orders/{part.id}/confirm-transfer")
    db.session.refresh(part)
    assert part.status == "paid"


def test_transfer_of_a_shared_order_is_not_confirmed_by_one_producer(
    client, login_as, portal_world, make_order
):
    world = portal_world
    order = make_order(
        (world["product_a"], 1), (world["product_b"], 1), payment_method="bank_transfer"
    )
    part_a = _part_for(order, world["producer_a"])
    login_as(world["member_a"])
    assert client.post(f"/producer/orders/{part_a.id}/confirm-transfer").status_code == 409
    db.session.refresh(part_a)
    assert part_a.status == "awaiting_payment"


def test_packing_slip_and_dashboard_figures(client, login_as, portal_world, make_order):
    world = portal_world
    order = make_order((world["product_a"], 2))
    login_as(world["member_a"])
    slip = client.get(f"/producer/orders/{order.parts[0].id}/slip").get_data(as_text=True)
    assert order.number in slip and order.contact_name in slip and world["product_a"].sku in slip
    dashboard = client.get("/producer/").get_data(as_text=True)
    assert format_vnd(250000, "vi") in dashboard  # 2 × 125.000 ₫ this month
    assert 'id="parts-to-pack">1<' in dashboard


def test_dashboard_counts_origin_scans_per_product_for_this_producer_only(
    client, login_as, portal_world, make_batch
):
    from datetime import timedelta

    from catalog.models import ScanCount
    from core.clock import today_in_vietnam

    world = portal_world
    today = today_in_vietnam()
    batch = make_batch(world["product_a"], lot_no="L1")
    db.session.add_all(
        [
            ScanCount(code=batch.code, scanned_on=today, scan_count=3),
            ScanCount(code=world["product_a"].origin_code, scanned_on=today, scan_count=2),
            ScanCount(code=batch.code, scanned_on=today - timedelta(days=40), scan_count=100),
            ScanCount(code=world["product_b"].origin_code, scanned_on=today, scan_count=50),
        ]
    )
    db.session.commit()
    login_as(world["member_a"])
    page = client.get("/producer/").get_data(as_text=True)
    table = page[page.index('id="origin-scans"') :]
    assert f"{world['product_a'].name}</a></td><td>5<" in table
    assert world["product_b"].name not in table
