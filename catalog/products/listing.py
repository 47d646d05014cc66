"""The question and the answer of every product listing — catalog pages, search, the JSON API.

`ProductQuery` is what a shopper asks for (filters, order, page); `ResultPage` is one page of
the answer. Search answers with a `search.query.SearchPage`, a `ResultPage` that adds relevance
details and facets. `Sort` is the one vocabulary of orders; each surface offers some of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..enums import ProductGroup


class Sort(StrEnum):
    RELEVANCE = "relevance"  # search only: best match first
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    STARS = "stars"
    NAME = "name"


# The orders catalog listings offer, the first being the default.
LISTING_SORTS = (Sort.NEWEST, Sort.PRICE_ASC, Sort.PRICE_DESC, Sort.STARS, Sort.NAME)


@dataclass(frozen=True)
class ProductQuery:
    """Filters, order and page of a product listing or search. None means "any"."""

    province_code: str | None = None
    group: ProductGroup | None = None
    stars: int | None = None
    min_price_vnd: int | None = None
    max_price_vnd: int | None = None
    producer_id: int | None = None
    sort: Sort | None = None  # None: the default order of where it is asked
    page: int = 1
    per_page: int = 24

    def sort_among(self, offered: tuple[Sort, ...]) -> Sort:
        """This query's order if `offered` has it, else the first (default) one offered."""
        return self.sort if self.sort in offered else offered[0]


@dataclass
class ResultPage:
    """One page of products; `total` counts every match, not just this page."""

    items: list[Any]  # the products (or, in the storefront's listings, their rendered cards)
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1
