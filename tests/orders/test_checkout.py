"""Placing orders: split per producer, frozen lines, totals, idempotency, for-sale at purchase."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from catalog.models import Product
from core import clock
from core.clock import VN_TZ
from core.db import db
from core.mail_queue import QueuedMail
from orders.cart import add_item, summarize_cart
from orders.checkout import normalize_phone, place_order
from orders.enums import OrderStatus, PaymentMethod
from orders.errors import InvalidAddress, NotForSale, OutOfStock, PaymentMethodUnavailable
from orders.models import CartLine, Order, OrderLine
from orders.shipping import SHIPPING_FEES_VND, ShippingZone


def _stock(product: Product) -> int:
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def test_one_order_with_one_part_per_producer(make_product, make_producer, make_order):
    north = make_producer(province_code="01")  # same province as the buyer
    south = make_producer(province_code="86")
    tea = make_product(producer=north, price_vnd=150_000)
    candy = make_product(producer=south, price_vnd=40_000)
    sauce = make_product(producer=south, price_vnd=90_000)

    order = make_order((tea, 1), (candy, 3), (sauce, 2))

    assert order.number.startswith("OCOP-")
    assert [p.producer_id for p in order.parts] == [north.id, south.id]
    same, far = order.parts
    assert same.shipping_fee_vnd == SHIPPING_FEES_VND[ShippingZone.SAME_PROVINCE]
    assert far.shipping_fee_vnd == SHIPPING_FEES_VND[ShippingZone.OTHER_REGION]
    assert same.subtotal_vnd == 150_000
    assert far.subtotal_vnd == 3 * 40_000 + 2 * 90_000
    assert order.total_vnd == 150_000 + 300_000 + 20_000 + 45_000
    assert all(p.status == OrderStatus.CONFIRMED for p in order.parts)  # cash on delivery
    assert (_stock(tea), _stock(candy), _stock(sauce)) == (9, 7, 8)


def test_totals_equal_frozen_lines_plus_shipping(make_product, make_order):
    order = make_order((make_product(price_vnd=123_456), 2), (make_product(price_vnd=7_000), 5))
    lines = db.session.scalars(select(OrderLine)).all()
    assert order.subtotal_vnd == sum(line.unit_price_vnd * line.quantity for line in lines)
    assert order.total_vnd == order.subtotal_vnd + sum(p.shipping_fee_vnd for p in order.parts)


def test_lines_freeze_price_name_and_certificate(make_product, make_order):
    product = make_product(price_vnd=100_000, name="Nước mắm Phú Quốc", certificate=None)
    from tests.fixtures.catalog import days

    today = clock.today_in_vietnam()
    product.certificates  # noqa: B018 - load
    from catalog.models import Certificate

    db.session.add(
        Certificate(
            product=product,
            stars=5,
            certificate_no="77/GCN-BNN",
            issued_on=today - days(10),
            expires_on=today + days(100),
            status="verified",
        )
    )
    db.session.commit()
    order = make_order((product, 1))
    product.price_vnd = 999_000
    product.name = "Renamed"
    db.session.commit()
    db.session.expire_all()
    line = db.session.get(Order, order.id).lines[0]
    assert (line.unit_price_vnd, line.product_name) == (100_000, "Nước mắm Phú Quốc")
    assert (line.certificate_no, line.certificate_stars) == ("77/GCN-BNN", 5)
    assert line.certificate_expires_on == today + timedelta(days=100)


def test_placing_empties_the_cart_and_queues_the_confirmation(make_product, make_order):
    order = make_order((make_product(), 1))
    assert db.session.scalar(select(func.count(CartLine.id))) == 0
    messages = db.session.scalars(select(QueuedMail)).all()
    assert [(m.kind, m.context["order_id"], m.to_address) for m in messages] == [
        ("order_placed", order.id, "lan@example.vn")
    ]


def test_same_checkout_token_makes_one_order(
    make_product, make_cart, checkout_details, basic_providers
):
    product = make_product(stock=5)
    cart = make_cart((product, 2))
    token = secrets.token_urlsafe(24)
    first = place_order(
        cart, checkout_details(), token, now=clock.utcnow(), providers=basic_providers
    )
    again = place_order(
        cart, checkout_details(), token, now=clock.utcnow(), providers=basic_providers
    )
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Order.id))) == 1
    assert _stock(product) == 3


def test_sold_out_line_rolls_back_the_whole_order(
    make_product, make_cart, checkout_details, basic_providers
):
    plenty = make_product(stock=10)
    scarce = make_product(stock=2)
    cart = make_cart((plenty, 3), (scarce, 2))
    scarce.stock = 1  # someone else bought one meanwhile
    db.session.commit()
    with pytest.raises(OutOfStock):
        place_order(
            cart, checkout_details(), "tok" * 8, now=clock.utcnow(), providers=basic_providers
        )
    assert (_stock(plenty), _stock(scarce)) == (10, 1)
    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert db.session.scalar(select(func.count(CartLine.id))) == 2  # the cart is kept


def test_certificate_expiring_between_cart_and_checkout_blocks_purchase(
    make_product, make_cart, checkout_details, basic_providers, set_now
):
    product = make_product(
        certificate={"issued_on": date(2025, 1, 10), "expires_on": date(2027, 3, 31)}
    )
    set_now(datetime(2027, 3, 31, 23, 0, tzinfo=VN_TZ))
    cart = make_cart((product, 1))
    set_now(datetime(2027, 4, 1, 0, 5, tzinfo=VN_TZ))
    summary = summarize_cart(cart, clock.today_in_vietnam())
    assert summary.problem_lines[0].problem == "not_for_sale"
    assert not summary.can_check_out
    with pytest.raises(NotForSale):
        place_order(
            cart, checkout_details(), "t" * 24, now=clock.utcnow(), providers=basic_providers
        )
    assert _stock(product) == 10
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_inactive_producer_cannot_be_bought(
    make_product, make_cart, checkout_details, basic_providers
):
    product = make_product()
    cart = make_cart((product, 1))
    product.producer.is_active = False
    db.session.commit()
    with pytest.raises(NotForSale):
        place_order(
            cart, checkout_details(), "u" * 24, now=clock.utcnow(), providers=basic_providers
        )


def test_order_numbers_count_up_per_month(make_product, make_order, set_now):
    product = make_product(stock=50)
    set_now(datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # 23:00 in Vietnam, still November
    numbers = [make_order((product, 1)).number for _ in range(3)]
    set_now(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))  # midnight in Vietnam: December
    numbers.append(make_order((product, 1)).number)
    assert numbers == [
        "OCOP-2611-000001",
        "OCOP-2611-000002",
        "OCOP-2611-000003",
        "OCOP-2612-000001",
    ]


def test_unconfigured_payment_method_is_refused(make_product, make_order):
    with pytest.raises(PaymentMethodUnavailable):
        make_order((make_product(), 1), payment_method=PaymentMethod.CARD)


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "12345"), ("commune_code", "99999"), ("commune_code", "26734"), ("street", " ")],
)
def test_bad_contact_or_address_is_refused(make_product, make_order, field, value):
    # 26734 is a ward of Hồ Chí Minh City, not of Hà Nội.
    with pytest.raises(InvalidAddress):
        make_order((make_product(), 1), **{field: value})


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("84389999999", "0389999999"),
        ("024 3825 1234", "02438251234"),
        ("0112345678", None),
        ("091234567", None),
    ],
)
def test_vietnamese_phone_numbers(raw, normalized):
    assert normalize_phone(raw) == normalized


def test_bank_transfer_orders_wait_for_payment(make_product, make_order):
    order = make_order((make_product(), 1), payment_method=PaymentMethod.BANK_TRANSFER)
    assert all(p.status == OrderStatus.AWAITING_PAYMENT for p in order.parts)
    assert order.payments[0].amount_vnd == order.total_vnd


def test_cart_prices_come_from_the_product(make_product, make_cart):
    product = make_product(price_vnd=50_000)
    cart = make_cart((product, 2))
    product.price_vnd = 60_000
    db.session.commit()
    summary = summarize_cart(cart, clock.today_in_vietnam(), ship_to="86")
    assert summary.subtotal_vnd == 120_000
    assert summary.total_vnd == 120_000 + SHIPPING_FEES_VND[ShippingZone.SAME_PROVINCE]


def test_cart_quantity_is_capped_by_stock(make_product, make_cart):
    product = make_product(stock=3)
    cart = make_cart((product, 2))
    line = add_item(cart, product.id, 5, clock.today_in_vietnam())
    assert line.quantity == 3


def test_every_stock_and_status_change_by_the_shop_is_audited(
    app, make_product, make_cart, checkout_details, basic_providers
):
    """Checkout (stock taken), a webhook-style payment and a cancellation all leave entries."""
    import secrets

    from accounts.models import AuditEntry
    from core import clock
    from orders.checkout import place_order
    from orders.lifecycle import cancel_order_parts

    product = make_product(stock=6)
    order = place_order(
        make_cart((product, 2)),
        checkout_details(),
        secrets.token_urlsafe(16),
        now=clock.utcnow(),
        providers=basic_providers,
    )
    cancel_order_parts(order, now=clock.utcnow())
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    stock = [(e.entity_id, e.after["delta"]) for e in entries if e.action == "product.stock"]
    assert stock == [(product.id, -2), (product.id, +2)]
    statuses = [
        (e.before["status"], e.after["status"], e.actor_id)
        for e in entries
        if e.action == "order.status"
    ]
    assert statuses[-1][1:] == ("cancelled", None)
    assert db.session.get(type(product), product.id).stock == 6
