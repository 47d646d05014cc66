"""Point reports for staff and the province: sales per product per day, top products, low
shelf stock, and the visitors' language mix (counts only, no personal data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update

from catalog.models import Product
from core.db import db

from ..enums import OrderStatus
from ..models import Order, OrderLine, OrderPart
from .models import KioskPickup, LanguageCount, PointStock

# Parts in these states count as sold (paid at the counter, maybe handed over already).
SOLD_STATES = (
    OrderStatus.PAID.value,
    OrderStatus.PACKED.value,
    OrderStatus.SHIPPED.value,
    OrderStatus.DELIVERED.value,
)


def record_language_choice(point_id: int, locale: str, on: date) -> None:
    """Count one visitor choosing `locale` at the point on `on` (atomic upsert). Flushes."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(LanguageCount)
        .values(point_id=point_id, day=on, locale=locale, choices=0)
        .on_conflict_do_nothing(index_elements=["point_id", "day", "locale"])
    )
    db.session.execute(
        update(LanguageCount)
        .where(
            LanguageCount.point_id == point_id,
            LanguageCount.day == on,
            LanguageCount.locale == locale,
        )
        .values(choices=LanguageCount.choices + 1)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class DailySale:
    day: date
    sku: str
    name: str
    quantity: int
    total_vnd: int


def sales_per_day(point_id: int, first: date, last: date) -> list[DailySale]:
    """Units and money sold per product per day (calendar days in Vietnam), newest day first."""
    query = (
        select(
            KioskPickup.day,
            OrderLine.sku,
            func.min(OrderLine.product_name),
            func.sum(OrderLine.quantity),
            func.sum(OrderLine.line_total_vnd),
        )
        .join(Order, Order.id == KioskPickup.order_id)
        .join(OrderPart, OrderPart.order_id == Order.id)
        .join(OrderLine, OrderLine.part_id == OrderPart.id)
        .where(
            KioskPickup.point_id == point_id,
            KioskPickup.day >= first,
            KioskPickup.day <= last,
            OrderPart.status.in_(SOLD_STATES),
        )
        .group_by(KioskPickup.day, OrderLine.sku)
        .order_by(KioskPickup.day.desc(), func.sum(OrderLine.quantity).desc(), OrderLine.sku)
    )
    return [
        DailySale(d, sku, name, int(q), int(t)) for d, sku, name, q, t in db.session.execute(query)
    ]


@dataclass(frozen=True)
class TopProduct:
    sku: str
    name: str
    quantity: int
    total_vnd: int


def top_products(point_id: int, first: date, last: date, limit: int = 10) -> list[TopProduct]:
    totals: dict[str, list] = {}
    for sale in sales_per_day(point_id, first, last):
        entry = totals.setdefault(sale.sku, [sale.name, 0, 0])
        entry[1] += sale.quantity
        entry[2] += sale.total_vnd
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][1], -kv[1][2], kv[0]))
    return [TopProduct(sku, name, qty, total) for sku, (name, qty, total) in ranked[:limit]]


@dataclass(frozen=True)
class LowShelf:
    sku: str
    name: str
    quantity: int


def low_shelf(point_id: int, threshold: int) -> list[LowShelf]:
    query = (
        select(Product.sku, Product.name, PointStock.quantity)
        .join(Product, Product.id == PointStock.product_id)
        .where(PointStock.point_id == point_id, PointStock.quantity <= threshold)
        .order_by(PointStock.quantity, Product.name)
    )
    return [LowShelf(sku, name, qty) for sku, name, qty in db.session.execute(query)]


def language_mix(point_id: int, first: date, last: date) -> dict[str, int]:
    """Language choices per locale over the days, most chosen first."""
    query = (
        select(LanguageCount.locale, func.sum(LanguageCount.choices))
        .where(
            LanguageCount.point_id == point_id,
            LanguageCount.day >= first,
            LanguageCount.day <= last,
        )
        .group_by(LanguageCount.locale)
        .order_by(func.sum(LanguageCount.choices).desc(), LanguageCount.locale)
    )
    return {locale: int(count) for locale, count in db.session.execute(query)}
