"""A producer's own products in the portal: scoped lookups, create, edit (price and stock changes
audited), hide and show.

Every lookup takes the acting member's `producer_id` and filters on it in the query itself, so
an id guessed in a URL can never reach another producer's row: it is simply "not found".
Services flush; the view commits once and then tells derived stores (search) what changed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select

from accounts.audit import add_audited, record_audit
from core.db import db
from core.text import clean_text, slugify

from ..enums import ProductGroup
from ..errors import InvalidListing, ProductNotFound
from ..models import Product, product_load_options
from ..slugs import unique_slug

MAX_PRICE_VND = 1_000_000_000  # one billion dong: anything above is a typo
T = TypeVar("T", bound=Any)


@dataclass(frozen=True)
class ProductDraft:
    """What a producer types in the listing form (already parsed into types)."""

    name: str
    name_en: str
    group: ProductGroup
    unit: str
    price_vnd: int
    stock: int
    weight_grams: int
    story: str
    story_en: str


def _check(draft: ProductDraft) -> None:
    if not clean_text(draft.name):
        raise InvalidListing(field="name")
    if not 0 <= draft.price_vnd <= MAX_PRICE_VND:
        raise InvalidListing(field="price_vnd")
    if draft.stock < 0 or draft.weight_grams < 0:
        raise InvalidListing(field="stock")


def _new_sku(producer_id: int) -> str:
    """A random SKU for a product listed in the portal (the importer's rows bring their own)."""
    while True:
        sku = f"P{producer_id}-{secrets.token_hex(3).upper()}"
        if db.session.scalar(select(Product.id).where(Product.sku == sku)) is None:
            return sku


def get_product_for_producer(producer_id: int, product_id: int) -> Product:
    """One of this producer's products; ProductNotFound for anyone else's (or none)."""
    product = db.session.scalar(
        select(Product)
        .where(Product.id == product_id, Product.producer_id == producer_id)
        .options(*product_load_options())
    )
    if product is None:
        raise ProductNotFound(product_id=product_id)
    return product


def owned_row(model: type[T], row_id: int, producer_id: int) -> T | None:
    """A row hanging off a product (certificate, photo, batch) if that product is this
    producer's, else None — the scoping every `get_*_for_producer` shares."""
    return db.session.scalar(
        select(model)
        .join(Product, Product.id == model.product_id)
        .where(model.id == row_id, Product.producer_id == producer_id)
    )


def list_producer_products(producer_id: int) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.producer_id == producer_id)
            .options(*product_load_options())
            .order_by(Product.name, Product.id)
        ).all()
    )


def low_stock_products(producer_id: int, threshold: int) -> list[Product]:
    """Listed products with `threshold` units or fewer left."""
    return list(
        db.session.scalars(
            select(Product)
            .where(
                Product.producer_id == producer_id,
                Product.is_listed.is_(True),
                Product.stock <= threshold,
            )
            .order_by(Product.stock, Product.name)
        ).all()
    )


def product_ids_of_producer(producer_id: int) -> list[int]:
    return list(db.session.scalars(select(Product.id).where(Product.producer_id == producer_id)))


def _audit_change(product: Product, field: str, old, new, actor_id: int, now: datetime) -> None:
    before, after = {field: old}, {field: new}
    record_audit(
        f"product.{field}", product, actor_id=actor_id, now=now, before=before, after=after
    )


def create_product(
    producer_id: int, draft: ProductDraft, *, actor_id: int, now: datetime
) -> Product:
    """A new listing of this producer. Not for sale until a certificate is verified. Flushes."""
    _check(draft)
    product = Product(
        producer_id=producer_id,
        sku=_new_sku(producer_id),
        slug=unique_slug(Product.slug, slugify(clean_text(draft.name))[:180] or "san-pham"),
        name=clean_text(draft.name),
        name_en=clean_text(draft.name_en),
        group=draft.group.value,
        unit=clean_text(draft.unit),
        price_vnd=draft.price_vnd,
        stock=draft.stock,
        weight_grams=draft.weight_grams,
        story=clean_text(draft.story),
        story_en=clean_text(draft.story_en),
        is_listed=True,
    )
    after = {"price_vnd": product.price_vnd, "stock": product.stock, "name": product.name}
    add_audited(product, "product.created", actor_id=actor_id, now=now, after=after)
    return product


def update_product(product: Product, draft: ProductDraft, *, actor_id: int, now: datetime) -> None:
    """Apply the form to a product the caller already scoped to its producer. Flushes; audits."""
    _check(draft)
    if product.price_vnd != draft.price_vnd:
        _audit_change(product, "price_vnd", product.price_vnd, draft.price_vnd, actor_id, now)
    if product.stock != draft.stock:
        _audit_change(product, "stock", product.stock, draft.stock, actor_id, now)
    product.name = clean_text(draft.name)
    product.name_en = clean_text(draft.name_en)
    product.group = draft.group.value
    product.unit = clean_text(draft.unit)
    product.price_vnd = draft.price_vnd
    product.stock = draft.stock
    product.weight_grams = draft.weight_grams
    product.story = clean_text(draft.story)
    product.story_en = clean_text(draft.story_en)
    db.session.flush()


def set_product_listed(product: Product, listed: bool, *, actor_id: int, now: datetime) -> None:
    """Hide a listing from the shop or show it again (its certificates are untouched)."""
    if product.is_listed == listed:
        return
    _audit_change(product, "is_listed", product.is_listed, listed, actor_id, now)
    product.is_listed = listed
    db.session.flush()
