"""What a kiosk shows: the products for sale (the one rule, `catalog.for_sale`) that its point
stocks, with the units on the shelf. Asked again on every screen, so a product that goes off sale
disappears on the next screen change."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from catalog.for_sale import MAX_STARS, current_stars_expr, sale_status, select_for_sale
from catalog.models import Producer, Product
from core.db import db

from .models import PointStock


@dataclass(frozen=True)
class ShelfItem:
    product: Product
    shelf: int  # units on the point's shelf; 0 means "ask staff", not orderable


@dataclass(frozen=True)
class ShelfFilters:
    group: str | None = None
    province_code: str | None = None
    stars: int | None = None
    product_ids: tuple[int, ...] | None = None  # e.g. search hits, in this order


def shelf_items(point_id: int, on: date, filters: ShelfFilters | None = None) -> list[ShelfItem]:
    """Products for sale on `on` that the point stocks, best rated first (or in hit order)."""
    filters = filters or ShelfFilters()
    query = (
        select_for_sale(on)
        .join(PointStock, PointStock.product_id == Product.id)
        .where(PointStock.point_id == point_id)
        .add_columns(PointStock.quantity)
    )
    if filters.group:
        query = query.where(Product.group == filters.group)
    if filters.province_code:
        query = query.where(
            Product.producer_id.in_(
                select(Producer.id).where(Producer.province_code == filters.province_code)
            )
        )
    if filters.stars:
        query = query.where(current_stars_expr(on) == filters.stars)
    if filters.product_ids is not None:
        query = query.where(Product.id.in_(filters.product_ids))
    query = query.order_by(current_stars_expr(on).desc(), Product.name, Product.id)
    items = [ShelfItem(product, quantity) for product, quantity in db.session.execute(query)]
    if filters.product_ids is not None:
        rank = {pid: i for i, pid in enumerate(filters.product_ids)}
        items.sort(key=lambda item: rank[item.product.id])
    return items


def top_rated(point_id: int, on: date, limit: int = 8) -> list[ShelfItem]:
    """The point's products with the highest OCOP rating (the attract screen's 5★ products)."""
    return shelf_items(point_id, on, ShelfFilters(stars=MAX_STARS))[:limit]


def shelf_item(point_id: int, slug: str, on: date) -> ShelfItem | None:
    """One product by slug if the point stocks it and it is for sale on `on`."""
    query = (
        select_for_sale(on)
        .join(PointStock, PointStock.product_id == Product.id)
        .where(PointStock.point_id == point_id, Product.slug == slug)
        .add_columns(PointStock.quantity)
    )
    row = db.session.execute(query).first()
    return ShelfItem(row[0], row[1]) if row else None


@dataclass(frozen=True)
class ShelfFacets:
    groups: dict[str, int]
    provinces: dict[str, int]
    stars: dict[int, int]


def shelf_facets(items: list[ShelfItem], on: date) -> ShelfFacets:
    """Counts per group, province and star rating among `items` (browse buttons)."""
    groups: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    stars: Counter[int] = Counter()
    for item in items:
        groups[item.product.group] += 1
        provinces[item.product.producer.province_code] += 1
        certificate = sale_status(item.product, on).certificate
        if certificate is not None:
            stars[certificate.stars] += 1
    return ShelfFacets(dict(groups), dict(provinces), dict(sorted(stars.items(), reverse=True)))
