"""Display points, their shelf stock and staff, pickup orders and language counts."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import UTCDateTime, db

from ..models import Order

# Interface languages a kiosk may offer; adding one is a translation catalog plus this entry.
KIOSK_LANGUAGES: tuple[str, ...] = ("vi", "en", "ko", "zh_Hans")


class DisplayPoint(db.Model):
    """An OCOP display-and-sales point (điểm giới thiệu và bán sản phẩm OCOP) with a kiosk."""

    __tablename__ = "display_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(400), default="")
    province_code: Mapped[str] = mapped_column(sa.String(2), default="")
    # Comma-separated, the first is the language a fresh session starts in.
    languages: Mapped[str] = mapped_column(sa.String(80), default=",".join(KIOSK_LANGUAGES))
    # None: the app's KIOSK_IDLE_SECONDS.
    idle_seconds: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    stock: Mapped[list[PointStock]] = relationship(
        back_populates="point", cascade="all, delete-orphan", order_by="PointStock.product_id"
    )

    @property
    def language_list(self) -> list[str]:
        chosen = [code.strip() for code in (self.languages or "").split(",") if code.strip()]
        return [code for code in chosen if code in KIOSK_LANGUAGES] or ["vi"]

    @property
    def default_language(self) -> str:
        return self.language_list[0]


class PointStock(db.Model):
    """Units of one product on one point's shelf (never the online stock)."""

    __tablename__ = "point_stock"
    __table_args__ = (
        sa.UniqueConstraint("point_id", "product_id", name="uq_point_stock_point_product"),
        sa.CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(
        sa.ForeignKey("display_point.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"), index=True)
    quantity: Mapped[int] = mapped_column(sa.Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    point: Mapped[DisplayPoint] = relationship(back_populates="stock")


class KioskStaff(db.Model):
    """A staff account working the counter of one point (role kiosk_staff)."""

    __tablename__ = "kiosk_staff"
    __table_args__ = (sa.UniqueConstraint("user_id", "point_id", name="uq_kiosk_staff_user_point"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    point_id: Mapped[int] = mapped_column(
        sa.ForeignKey("display_point.id", ondelete="CASCADE"), index=True
    )


class KioskPickup(db.Model):
    """A kiosk order waiting at the counter: its short pickup number and the point's shelf."""

    __tablename__ = "kiosk_pickup"
    __table_args__ = (
        sa.UniqueConstraint("point_id", "day", "number", name="uq_kiosk_pickup_point_day_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id"), unique=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_point.id"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)  # calendar day in Vietnam; numbers restart daily
    number: Mapped[str] = mapped_column(sa.String(8))
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship()
    point: Mapped[DisplayPoint] = relationship()


class PickupCounter(db.Model):
    """One row per point and day; pickup numbers come from an atomic increment of it."""

    __tablename__ = "kiosk_pickup_counter"

    point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_point.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    last_value: Mapped[int] = mapped_column(sa.Integer, default=0)


class LanguageCount(db.Model):
    """How often visitors chose each language at a point on a day: counts only, nobody's data."""

    __tablename__ = "kiosk_language_count"

    point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_point.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    choices: Mapped[int] = mapped_column(sa.Integer, default=0)
