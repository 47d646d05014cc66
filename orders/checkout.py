"""Placing an order: freeze the cart into one order with one part per producer, reserve stock.

`place_order` owns its transaction. Stock is reserved with one conditional UPDATE per product
(`stock = stock - n WHERE stock >= n`, checked for exactly one affected row), all lines in the
same transaction, in product-id order so two checkouts never lock in opposite orders. That is
what makes overselling impossible on SQLite (where `SELECT … FOR UPDATE` does nothing) and on
PostgreSQL (where the row lock re-checks the condition after a concurrent commit). Order
numbers come from a per-month counter row incremented in the same way, never MAX()+1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from catalog.admin_units import commune_by_code, province_by_code
from catalog.for_sale import sale_status
from catalog.models import Product, product_load_options
from core.clock import VN_TZ, today_in_vietnam
from core.db import begin_write, db
from core.text import clean_text

from .enums import OrderEmailKind, PaymentMethod, PaymentStatus
from .errors import (
    BelowCardMinimum,
    EmptyCart,
    InvalidAddress,
    NotForSale,
    OutOfStock,
    PaymentMethodUnavailable,
)
from .kiosk.shelf import attach_pickup, reserve_shelf_stock
from .lifecycle import record_stock_change
from .models import Cart, CartLine, Order, OrderCounter, OrderLine, OrderPart, Payment
from .notifications import enqueue_order_email
from .payments import PaymentProvider
from .shipping import shipping_fee_vnd, shipping_zone

_PHONE_RE = re.compile(r"^(?:\+?84|0)((?:3|5|7|8|9)\d{8}|2\d{9})$")


def normalize_phone(raw: str) -> str | None:
    """A Vietnamese mobile or landline number as 0XXXXXXXXX, or None if it is not one."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    match = _PHONE_RE.match(digits)
    return "0" + match.group(1) if match else None


@dataclass(frozen=True)
class CheckoutDetails:
    contact_name: str
    phone: str
    province_code: str
    commune_code: str
    street: str
    payment_method: PaymentMethod
    email: str = ""
    note: str = ""
    locale: str = "vi"


@dataclass(frozen=True)
class ShelfPickup:
    """A kiosk order: stock from this display point's shelf (never the online stock), no address,
    no shipping, collected and paid at the point's counter within `hold`."""

    point_id: int
    hold: timedelta


def find_order_by_number(number: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.number == number))


def find_order_by_token(checkout_token: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.checkout_token == checkout_token))


def find_order_for_buyer(number: str, phone: str) -> Order | None:
    """Order lookup for guests: the number and the phone given at checkout must both match."""
    normalized = normalize_phone(phone)
    if not normalized:
        return None
    return db.session.scalar(
        select(Order).where(Order.number == number.strip().upper(), Order.phone == normalized)
    )


def orders_of_user(user_id: int) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order).where(Order.user_id == user_id).order_by(Order.created_at.desc())
        )
    )


def place_order(
    cart: Cart,
    details: CheckoutDetails,
    checkout_token: str,
    *,
    now: datetime,
    providers: dict[PaymentMethod, PaymentProvider],
    user_id: int | None = None,
    pickup: ShelfPickup | None = None,
) -> Order:
    """Turn the cart into an order, or return the order already placed with `checkout_token`.

    Owns its transaction: commits on success, rolls back (releasing every reservation) on error.
    Prices, names and certificates come from the database, never from the form.
    """
    begin_write()
    existing = find_order_by_token(checkout_token)
    if existing is not None:
        return existing
    try:
        order = _build_order(cart, details, checkout_token, now, providers, user_id, pickup)
        db.session.commit()
        return order
    except IntegrityError:
        # The same checkout token committed first (a double submit racing us): that is our order.
        db.session.rollback()
        existing = find_order_by_token(checkout_token)
        if existing is None:
            raise
        return existing
    except OutOfStock:
        db.session.rollback()
        # A double submit may have taken the last units for this very checkout.
        existing = find_order_by_token(checkout_token)
        if existing is not None:
            return existing
        raise
    except Exception:
        db.session.rollback()
        raise


def _validated_address(details: CheckoutDetails) -> tuple[str, str, str]:
    phone = normalize_phone(details.phone)
    province = province_by_code(details.province_code)
    commune = commune_by_code(details.commune_code)
    if phone is None:
        raise InvalidAddress(field="phone")
    if province is None or commune is None or commune.province_code != province.code:
        raise InvalidAddress(field="commune")
    if not clean_text(details.contact_name) or not clean_text(details.street):
        raise InvalidAddress(field="street")
    return phone, province.code, commune.name


def _build_order(
    cart: Cart,
    details: CheckoutDetails,
    checkout_token: str,
    now: datetime,
    providers: dict[PaymentMethod, PaymentProvider],
    user_id: int | None,
    pickup: ShelfPickup | None = None,
) -> Order:
    provider = providers.get(details.payment_method)
    if provider is None:
        raise PaymentMethodUnavailable(method=str(details.payment_method))
    if pickup is None:
        phone, province_code, commune_name = _validated_address(details)
    else:  # collected at the counter: nobody's address or phone is asked for
        phone, province_code, commune_name = "", details.province_code, details.contact_name
    on = today_in_vietnam(now)

    quantities = {
        line.product_id: line.quantity
        for line in db.session.scalars(select(CartLine).where(CartLine.cart_id == cart.id))
    }
    if not quantities:
        raise EmptyCart()
    products = db.session.scalars(
        select(Product)
        .where(Product.id.in_(quantities))
        .options(*product_load_options())
        .order_by(Product.id)
        .execution_options(populate_existing=True)
    ).all()

    order = Order(
        checkout_token=checkout_token,
        user_id=user_id,
        contact_name=clean_text(details.contact_name),
        phone=phone,
        email=clean_text(details.email).lower(),
        province_code=province_code,
        commune_code=details.commune_code,
        commune_name=commune_name,
        street=clean_text(details.street),
        note=clean_text(details.note),
        locale=details.locale,
        payment_method=provider.method.value,
        created_at=now,
    )
    parts: dict[int, OrderPart] = {}
    for product in products:
        status = sale_status(product, on)
        certificate = status.certificate
        if certificate is None or not status.for_sale:
            raise NotForSale(product_id=product.id, name=product.name)
        part = parts.get(product.producer_id)
        if part is None:
            if pickup is None:
                zone = shipping_zone(product.producer.province_code, province_code).value
                fee = shipping_fee_vnd(product.producer.province_code, province_code)
            else:
                zone, fee = "pickup", 0
            part = OrderPart(
                producer_id=product.producer_id,
                producer_name=product.producer.name,
                status=provider.initial_status.value,
                shipping_zone=zone,
                shipping_fee_vnd=fee,
                subtotal_vnd=0,
                status_changed_at=now,
            )
            parts[product.producer_id] = part
            order.parts.append(part)
        quantity = quantities[product.id]
        part.lines.append(
            OrderLine(
                product_id=product.id,
                sku=product.sku,
                product_name=product.name,
                product_name_en=product.name_en,
                unit=product.unit,
                unit_price_vnd=product.price_vnd,
                quantity=quantity,
                line_total_vnd=product.price_vnd * quantity,
                certificate_no=certificate.certificate_no,
                certificate_stars=certificate.stars,
                certificate_expires_on=certificate.expires_on,
            )
        )
        part.subtotal_vnd += product.price_vnd * quantity

    order.subtotal_vnd = sum(part.subtotal_vnd for part in order.parts)
    order.shipping_vnd = sum(part.shipping_fee_vnd for part in order.parts)
    order.total_vnd = order.subtotal_vnd + order.shipping_vnd
    if order.total_vnd < provider.minimum_vnd:
        raise BelowCardMinimum(minimum_vnd=provider.minimum_vnd)
    if provider.reservation_ttl is not None:
        order.reservation_expires_at = now + provider.reservation_ttl

    names = {p.id: p.name for p in products}
    if pickup is None:
        _reserve_stock(quantities, names)
    else:
        reserve_shelf_stock(pickup.point_id, quantities, names)
        order.reservation_expires_at = now + pickup.hold
    order.number = _next_order_number(now)
    order.payments.append(
        Payment(
            provider=provider.method.value,
            status=PaymentStatus.PENDING.value,
            amount_vnd=order.total_vnd,
            created_at=now,
        )
    )
    db.session.add(order)
    db.session.flush()
    if pickup is not None:
        attach_pickup(order, pickup.point_id, now=now)
    for part in order.parts:
        for line in part.lines:
            if pickup is None:
                record_stock_change(
                    line.product_id, -line.quantity, part_id=part.id, actor_id=user_id, now=now
                )
    enqueue_order_email(order, OrderEmailKind.ORDER_PLACED)
    db.session.execute(CartLine.__table__.delete().where(CartLine.cart_id == cart.id))
    db.session.flush()
    db.session.expire(cart, ["lines"])
    return order


def _reserve_stock(quantities: dict[int, int], names: dict[int, str]) -> None:
    """Take every line's units off the shelf, or raise OutOfStock (the caller rolls back)."""
    for product_id in sorted(quantities):
        quantity = quantities[product_id]
        result = db.session.execute(
            update(Product)
            .where(Product.id == product_id, Product.stock >= quantity)
            .values(stock=Product.stock - quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise OutOfStock(product_id=product_id, name=names.get(product_id, ""))


def _next_order_number(now: datetime) -> str:
    """OCOP-YYMM-NNNNNN from this month's counter row, incremented atomically."""
    period = now.astimezone(VN_TZ).strftime("%y%m")
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(OrderCounter)
        .values(period=period, last_value=0)
        .on_conflict_do_nothing(index_elements=["period"])
    )
    value = db.session.execute(
        update(OrderCounter)
        .where(OrderCounter.period == period)
        .values(last_value=OrderCounter.last_value + 1)
        .returning(OrderCounter.last_value)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return f"OCOP-{period}-{value:06d}"


def card_reservation_expired(order: Order, now: datetime) -> bool:
    return (
        order.reservation_expires_at is not None
        and order.reservation_expires_at <= now
        and order.is_awaiting_payment
    )
