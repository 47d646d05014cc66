"""A plain reference ranker for the relevance suite: fold the diacritics, match every word.

It is what a shop gets from the simplest sensible Vietnamese search, so the suite can say how far
the real one is above (or below) it:

* text of a product: its name, English name, producer, commune, province today and as given;
* query and text are folded (NFC → NFD, marks dropped, đ→d, lower case) and cut into `\\w+` words;
* a product matches when every query word is one of its words;
* matches are ordered by how many query words are in the *name* (more first), then stars (more
  first), then shorter names, then SKU.

No stories, no typo correction, no segmentation, no English stemming, no synonyms.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from catalog.admin_units import province_by_code
from catalog.for_sale import current_stars_expr, for_sale_clause
from catalog.models import Producer, Product
from core.db import db
from core.text import fold

_WORD_RE = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text or ""))


@dataclass(frozen=True)
class _Entry:
    sku: str
    name_words: frozenset[str]
    all_words: frozenset[str]
    stars: int
    name_length: int


def baseline_searcher(on: date) -> Callable[[str], list[str]]:
    """query → SKUs of the products for sale on `on`, ranked by the rules above (all of them)."""
    rows = db.session.execute(
        select(Product, Producer, current_stars_expr(on))
        .join(Producer, Product.producer_id == Producer.id)
        .where(for_sale_clause(on))
    ).all()
    entries = []
    for product, producer, stars in rows:
        province = province_by_code(producer.province_code)
        texts = [
            product.name,
            product.name_en,
            producer.name,
            producer.commune,
            province.name if province else "",
            producer.province_name_given,
        ]
        name_words = frozenset(words(product.name))
        entries.append(
            _Entry(
                sku=product.sku,
                name_words=name_words,
                all_words=frozenset(w for text in texts for w in words(text)),
                stars=int(stars or 0),
                name_length=len(product.name),
            )
        )

    def _search(query: str) -> list[str]:
        wanted = words(query)
        if not wanted:
            return []
        hits = [e for e in entries if all(w in e.all_words for w in wanted)]
        hits.sort(
            key=lambda e: (
                -sum(w in e.name_words for w in wanted),
                -e.stars,
                e.name_length,
                e.sku,
            )
        )
        return [e.sku for e in hits]

    return _search
