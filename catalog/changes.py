"""When did the catalog last change? A cheap marker for caches of rendered catalog pages.

Every catalog table carries `updated_at` (set on insert and on every ORM update), so the newest
of them changes whenever a producer, product, certificate or photo changes. Code that updates
catalog rows with raw SQL (e.g. a stock reservation) must set `updated_at` too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, union_all

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
