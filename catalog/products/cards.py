"""What a product card shows, read as plain rows: a listing page's cards without ORM objects.

A card needs a dozen columns of a product, its province, its star rating and its first photo.
Loading full `Product` objects with their producer, certificates and photos (four statements
and an identity map) cost ~30 % of a listing page whose cards were not cached; one Core
statement over the same for-sale rule returns exactly what the card template reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Select, bindparam, select

from core.db import db

from ..for_sale import current_stars_expr, for_sale_clause
from ..models import Producer, Product, ProductImage


@dataclass(frozen=True, slots=True)
class CardImage:
    path: str
    alt: str


@dataclass(frozen=True, slots=True)
class CardProducer:
    province_code: str


@dataclass(frozen=True, slots=True)
class ProductCard:
    """The attributes of `Product` a card reads (same names), plus its current stars."""

    id: int
    slug: str
    name: str
    name_en: str
    group: str
    price_vnd: int
    unit: str
    stock: int
    stars: int  # the best star rating among its certificates valid on the day
    producer: CardProducer
    images: tuple[CardImage, ...]  # the first photo only, if any

    def name_in(self, locale: str) -> str:
        """The name in `locale`, falling back to Vietnamese (as `Product.name_in`)."""
        return self.name_en if locale == "en" and self.name_en else self.name


def _first_image(column) -> object:
    return (
        select(column)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .correlate(Product)
        .scalar_subquery()
    )


@lru_cache(maxsize=4)
def _cards_for_sale(on: date) -> Select:
    """Built once per day (statement construction costs as much as running it)."""
    return (
        select(
            Product.id,
            Product.slug,
            Product.name,
            Product.name_en,
            Product.group,
            Product.price_vnd,
            Product.unit,
            Product.stock,
            current_stars_expr(on),
            Producer.province_code,
            _first_image(ProductImage.path),
            _first_image(ProductImage.alt),
        )
        .join(Producer, Producer.id == Product.producer_id)
        .where(for_sale_clause(on), Product.id.in_(bindparam("ids", expanding=True)))
    )


def for_sale_cards_in_order(product_ids: list[int], on: date) -> list[ProductCard]:
    """The cards of these products, in this order — those still for sale on `on` (the rule
    asked again on exactly what is shown, as `for_sale_in_order`). One statement."""
    if not product_ids:
        return []
    found = {}
    for row in db.session.execute(_cards_for_sale(on), {"ids": list(product_ids)}):
        (pid, slug, name, name_en, group, price, unit, stock, stars, province, path, alt) = row
        found[pid] = ProductCard(
            id=pid,
            slug=slug,
            name=name,
            name_en=name_en or "",
            group=group,
            price_vnd=price,
            unit=unit or "",
            stock=stock,
            stars=int(stars or 0),
            producer=CardProducer(province_code=province),
            images=(CardImage(path=path, alt=alt or ""),) if path else (),
        )
    return [found[pid] for pid in product_ids if pid in found]
