"""When did the catalog last change? A cheap marker for caches of rendered catalog pages.

Every catalog table carries `updated_at` (set on insert and on every ORM update), so the newest
of them changes whenever a producer, product, certificate or photo changes. Code that updates
catalog rows with raw SQL (e.g. a stock reservation) must set `updated_at` too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CompoundSelect, func, select, union_all

from core.db import db

from .models import Certificate, Producer, Product, ProductImage


def catalog_last_changed_at() -> tuple[datetime | None, ...]:
    """The newest `updated_at` of each catalog table, in one statement (indexed MAX lookups)."""
    query = union_all(
        *(
            select(func.max(model.updated_at))
            for model in (Producer, Product, Certificate, ProductImage)
        )
    )
    return tuple(db.session.execute(query).scalars())


def products_changed_since(marker: tuple[datetime | None, ...]) -> CompoundSelect:
    """SELECT the ids of products whose own row, producer or certificates changed at or after
    `marker` (a value of `catalog_last_changed_at`), over the `updated_at` indexes.

    Inclusive, so a change stamped in the same instant as the marker is not missed (a product
    or two re-read for nothing). A table that was empty at the marker (None) counts as all new.
    """
    producer_at, product_at, certificate_at = marker[0], marker[1], marker[2]
    changed_products = select(Product.id)
    if product_at is not None:
        changed_products = changed_products.where(Product.updated_at >= product_at)
    of_changed_producers = select(Product.id).join(Producer, Producer.id == Product.producer_id)
    if producer_at is not None:
        of_changed_producers = of_changed_producers.where(Producer.updated_at >= producer_at)
    of_changed_certificates = select(Certificate.product_id)
    if certificate_at is not None:
        of_changed_certificates = of_changed_certificates.where(
            Certificate.updated_at >= certificate_at
        )
    return union_all(changed_products, of_changed_producers, of_changed_certificates)
