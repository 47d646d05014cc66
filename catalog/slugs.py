"""Unique URL slugs: a slug taken in its table gets a counter ('-2', '-3')."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.db import db


def unique_slug(column: Any, base: str) -> str:
    """`base` (already a slug, see `core.text.slugify`), or base-2, base-3… the first `column` lacks."""
    slug, counter = base, 1
    while db.session.scalar(select(column).where(column == slug)) is not None:
        counter += 1
        slug = f"{base}-{counter}"
    return slug
