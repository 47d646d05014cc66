"""Carts, buyer orders split per producer, frozen order lines, payments, Stripe events."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import UTCDateTime, db

from .enums import OrderStatus, PaymentStatus


class Cart(db.Model):
    """A guest's cart (keyed by an opaque token kept in the session) or a signed-in buyer's cart."""

    __tablename__ = "cart"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str | None] = mapped_column(sa.String(64), unique=True, nullable=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id"), unique=True, nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartLine.id"
    )


class CartLine(db.Model):
    """A product and a quantity. No price here: prices are always read from the product."""

    __tablename__ = "cart_line"
    __table_args__ = (
        sa.UniqueConstraint("cart_id", "product_id", name="uq_cart_line_cart_product"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(sa.ForeignKey("cart.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    quantity: Mapped[int] = mapped_column(sa.Integer)

    cart: Mapped[Cart] = relationship(back_populates="lines")


class OrderCounter(db.Model):
    """One row per month; order numbers come from an atomic increment of it, never MAX()+1."""

    __tablename__ = "order_counter"

    period: Mapped[str] = mapped_column(sa.String(8), primary_key=True)  # "2611" = November 2026
    last_value: Mapped[int] = mapped_column(sa.Integer, default=0)


class Order(db.Model):
    """What the buyer placed in one checkout: contact, address, totals and one part per producer."""

    __tablename__ = "shop_order"
    __table_args__ = (
        sa.CheckConstraint("total_vnd = subtotal_vnd + shipping_vnd", name="total_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    # Supplied by the checkout form: the same token twice means the same order (double click).
    checkout_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id"), index=True, nullable=True
    )
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str] = mapped_column(sa.String(16), index=True)
    email: Mapped[str] = mapped_column(sa.String(255), default="")
    province_code: Mapped[str] = mapped_column(sa.String(2))
    commune_code: Mapped[str] = mapped_column(sa.String(8))
    commune_name: Mapped[str] = mapped_column(sa.String(160))
    street: Mapped[str] = mapped_column(sa.String(300))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    locale: Mapped[str] = mapped_column(sa.String(8), default="vi")
    payment_method: Mapped[str] = mapped_column(sa.String(16))
    subtotal_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    # Card orders hold their stock until this instant; the Stripe session expires at the same time.
    reservation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parts: Mapped[list[OrderPart]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderPart.id"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Payment.id"
    )

    @property
    def lines(self) -> list[OrderLine]:
        return [line for part in self.parts for line in part.lines]

    @property
    def is_cancelled(self) -> bool:
        return all(part.status == OrderStatus.CANCELLED for part in self.parts)

    @property
    def is_awaiting_payment(self) -> bool:
        return any(part.status == OrderStatus.AWAITING_PAYMENT for part in self.parts)


class OrderPart(db.Model):
    """One producer's share of an order: packed and shipped by that producer, with its own status."""

    __tablename__ = "order_part"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "producer_id", name="uq_order_part_order_producer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id"), index=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    producer_name: Mapped[str] = mapped_column(sa.String(255))  # as it was at purchase
    status: Mapped[str] = mapped_column(sa.String(24), index=True)
    subtotal_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_fee_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_zone: Mapped[str] = mapped_column(sa.String(16))
    carrier: Mapped[str] = mapped_column(sa.String(80), default="")
    tracking_code: Mapped[str] = mapped_column(sa.String(80), default="")
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once, by a guarded UPDATE, when this part's reserved stock goes back on the shelf.
    stock_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    order: Mapped[Order] = relationship(back_populates="parts")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="part", cascade="all, delete-orphan", order_by="OrderLine.id"
    )

    @property
    def status_enum(self) -> OrderStatus:
        return OrderStatus(self.status)


class OrderLine(db.Model):
    """A bought product, frozen: name, unit, unit price and the certificate held at purchase."""

    __tablename__ = "order_line"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("line_total_vnd = unit_price_vnd * quantity", name="line_total_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(sa.ForeignKey("order_part.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(64))
    product_name: Mapped[str] = mapped_column(sa.String(255))
    product_name_en: Mapped[str] = mapped_column(sa.String(255), default="")
    unit: Mapped[str] = mapped_column(sa.String(80), default="")
    unit_price_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    quantity: Mapped[int] = mapped_column(sa.Integer)
    line_total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    certificate_no: Mapped[str] = mapped_column(sa.String(120), default="")
    certificate_stars: Mapped[int] = mapped_column(sa.Integer)
    certificate_expires_on: Mapped[date] = mapped_column(sa.Date)

    part: Mapped[OrderPart] = relationship(back_populates="lines")

    def name_in(self, locale: str) -> str:
        return (
            self.product_name_en if locale == "en" and self.product_name_en else self.product_name
        )


class Payment(db.Model):
    """One attempt to collect an order's money through one provider."""

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(16))  # a PaymentMethod value
    status: Mapped[str] = mapped_column(sa.String(16), default=PaymentStatus.PENDING.value)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    refunded_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # Stripe: the Checkout Session id (cs_…) and, once paid, its PaymentIntent (pi_…).
    external_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True, nullable=True)
    external_intent_id: Mapped[str | None] = mapped_column(
        sa.String(255), index=True, nullable=True
    )
    checkout_url: Mapped[str] = mapped_column(sa.Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirmed_by: Mapped[str] = mapped_column(sa.String(255), default="")  # who marked it received
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="payments")


class StripeEvent(db.Model):
    """Every Stripe event id we acted on, recorded (UNIQUE) in the same transaction as the action."""

    __tablename__ = "stripe_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    event_type: Mapped[str] = mapped_column(sa.String(80))
    outcome: Mapped[str] = mapped_column(sa.String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An event about a payment we do not know yet (a refund before its payment) is kept, body and
    # all, under the Stripe id it waits for (pi_…), and applied when that payment appears.
    waiting_for: Mapped[str | None] = mapped_column(sa.String(255), index=True, nullable=True)
    payload: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
