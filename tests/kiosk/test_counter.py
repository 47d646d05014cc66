"""The counter (kiosk staff of a point, signed in) and the admin pages for points, shelf stock
and staff; the point reports."""

from __future__ import annotations

from sqlalchemy import select

from core import clock
from core.db import db
from orders.kiosk.models import DisplayPoint
from orders.kiosk.pickups import pickup_of_order
from orders.kiosk.points import add_staff, shelf_quantities


def _text(response) -> str:
    return response.get_data(as_text=True)


def _staff_of(point, make_user, **fields):
    user = make_user(**fields)
    add_staff(point, user, actor_id=None, now=clock.utcnow())
    db.session.commit()
    return user


def test_counter_is_for_the_point_staff_only(
    client, login_as, make_user, make_product, make_point, make_pickup
):
    product = make_product()
    point = make_point("HN1", (product, 5))
    other = make_point("DN1", (product, 5), name="Điểm OCOP Đà Nẵng")
    order = make_pickup(point, (product, 2))
    assert client.get("/kiosk/HN1/counter").status_code == 302  # sign in first
    login_as(make_user())
    assert client.get("/kiosk/HN1/counter").status_code == 403  # a buyer
    login_as(_staff_of(other, make_user))
    assert client.get("/kiosk/HN1/counter").status_code == 403  # another point's staff
    staff = _staff_of(point, make_user)
    login_as(staff)
    page = _text(client.get("/kiosk/HN1/counter"))
    assert pickup_of_order(order.id).number in page and "Sản phẩm thử" in page
    assert "kiosk/counter.js" in page  # new pickups appear by themselves
    assert client.get("/kiosk/counter/").location.endswith("/kiosk/HN1/counter")
    assert client.get("/kiosk/admin/points").status_code == 403


def test_staff_marks_paid_hands_over_and_cancels(
    client, login_as, make_user, make_product, make_point, make_pickup
):
    product = make_product()
    point = make_point("HN1", (product, 5))
    sold = pickup_of_order(make_pickup(point, (product, 2)).id)
    dropped = pickup_of_order(make_pickup(point, (product, 1)).id)
    login_as(_staff_of(point, make_user))
    base = "/kiosk/HN1/counter/pickups"
    assert client.post(f"{base}/{sold.id}/handed-over").status_code == 302  # not paid yet: refused
    db.session.expire_all()
    assert sold.handed_over_at is None
    client.post(f"{base}/{sold.id}/paid")
    client.post(f"{base}/{sold.id}/handed-over")
    client.post(f"{base}/{dropped.id}/cancel")
    db.session.expire_all()
    assert sold.handed_over_at is not None
    assert dropped.order.is_cancelled
    assert shelf_quantities(point.id)[product.id] == 3  # 5 - 2 sold; the cancelled unit is back
    assert client.post(f"{base}/{sold.id}/explode").status_code == 404
    page = _text(client.get("/kiosk/HN1/counter"))
    assert f'id="pickup-{sold.id}"' not in page  # handed over: no longer waiting
    reports = _text(client.get("/kiosk/HN1/counter/reports?days=7"))
    assert product.sku in reports


def test_reports_sales_top_low_stock_and_language_mix(
    client, login_as, make_user, make_product, make_point, make_pickup
):
    jam = make_product(name="Mứt gừng", sku="MUT-01")
    tea = make_product(name="Trà sen", sku="TRA-01")
    point = make_point("HN1", (jam, 10), (tea, 4))
    staff = _staff_of(point, make_user)
    for order in (make_pickup(point, (jam, 3)), make_pickup(point, (tea, 1), (jam, 1))):
        from orders.kiosk.pickups import mark_pickup_paid

        mark_pickup_paid(
            pickup_of_order(order.id), actor_id=staff.id, confirmed_by="x", now=clock.utcnow()
        )
    make_pickup(point, (tea, 1))  # unpaid: not a sale
    db.session.commit()
    client.get("/kiosk/HN1/ko/?chose=1")
    client.get("/kiosk/HN1/ko/browse?chose=1")
    client.get("/kiosk/HN1/en/?chose=1")
    login_as(staff)
    from orders.kiosk.reports import language_mix, low_shelf, sales_per_day, top_products

    today = clock.today_in_vietnam()
    assert [(t.sku, t.quantity) for t in top_products(point.id, today, today)] == [
        ("MUT-01", 4),
        ("TRA-01", 1),
    ]
    assert {(s.day, s.sku, s.quantity) for s in sales_per_day(point.id, today, today)} == {
        (today, "MUT-01", 4),
        (today, "TRA-01", 1),
    }
    assert [(row.sku, row.quantity) for row in low_shelf(point.id, 3)] == [("TRA-01", 2)]
    assert language_mix(point.id, today, today) == {"ko": 2, "en": 1}
    page = _text(client.get("/kiosk/HN1/counter/reports"))
    assert "MUT-01" in page and "한국어" in page and "TRA-01" in page


def test_admin_sets_up_a_point_its_shelf_and_staff(client, login_as, make_user, make_product):
    product = make_product(sku="KEO-01")
    login_as(make_user(role="admin"))
    form = {
        "code": "hcm-1",
        "name": "Điểm OCOP Bến Thành",
        "address": "Chợ Bến Thành",
        "province_code": "79",
        "lang_vi": "1",
        "lang_en": "1",
        "lang_ko": "1",
        "idle_seconds": "120",
        "is_active": "1",
    }
    created = client.post("/kiosk/admin/points", data=form)
    assert created.location.endswith("/kiosk/admin/points/HCM-1")
    point = db.session.scalar(select(DisplayPoint).where(DisplayPoint.code == "HCM-1"))
    assert point.language_list == ["vi", "en", "ko"] and point.idle_seconds == 120
    client.post("/kiosk/admin/points/HCM-1/shelf", data={"sku": "keo-01", "quantity": "12"})
    assert shelf_quantities(point.id) == {product.id: 12}
    missing = client.post(
        "/kiosk/admin/points/HCM-1/shelf",
        data={"sku": "NOPE", "quantity": "1"},
        follow_redirects=True,
    )
    assert "NOPE" in _text(missing)
    clerk = make_user(email="quay@example.vn")
    client.post("/kiosk/admin/points/HCM-1/staff", data={"email": "Quay@example.vn"})
    db.session.expire_all()
    assert clerk.role == "kiosk_staff"
    page = _text(client.get("/kiosk/admin/points/HCM-1"))
    assert "KEO-01" in page and "Bến Thành" in page
    assert "HCM-1" in _text(client.get("/kiosk/admin/points"))
    # Switching Chinese off: the kiosk no longer offers it.
    assert client.get("/kiosk/HCM-1/zh_Hans/").status_code == 404
    assert client.get("/kiosk/HCM-1/ko/").status_code == 200


def test_with_pairing_required_only_a_paired_screen_orders(
    app, client, login_as, make_user, make_product, make_point
):
    product = make_product()
    point = make_point("HN1", (product, 5))
    make_point("DN1", (product, 5))
    app.config["KIOSK_PAIRING_REQUIRED"] = True
    refused = client.post("/kiosk/HN1/en/basket/add", data={"product_id": product.id})
    assert "problem=not_paired" in refused.location
    assert "only be placed on the screen" in _text(client.get(refused.location))
    assert client.get("/kiosk/HN1/en/").status_code == 200  # browsing stays open
    login_as(make_user(role="admin"))
    paired = client.post("/kiosk/admin/points/HN1/pair")
    assert paired.location.endswith("/kiosk/HN1/")
    login_as(None)  # the screen itself is not signed in
    client.post("/kiosk/HN1/en/basket/add", data={"product_id": product.id})
    placed = client.post("/kiosk/HN1/en/order")
    assert placed.location.endswith("/kiosk/HN1/en/pickup")
    assert shelf_quantities(point.id)[product.id] == 4
    client.get("/kiosk/HN1/reset")  # the idle reset keeps the pairing
    client.post("/kiosk/HN1/en/basket/add", data={"product_id": product.id})
    assert client.post("/kiosk/HN1/en/order").location.endswith("/pickup")
    # Paired with HN1, not with DN1.
    assert "not_paired" in client.post("/kiosk/DN1/en/order").location
