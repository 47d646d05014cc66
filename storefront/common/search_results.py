"""One search from query-string arguments, and its facets ready to show — for the search page
and `/api/search` alike."""

from __future__ import annotations

from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from catalog.admin_units import province_by_code
from catalog.products.cards import for_sale_cards_in_order
from catalog.products.listing import ProductQuery
from core.clock import today_in_vietnam
from search.query import SearchPage
from search.snapshot import SEARCH_SORTS

from .labels import group_label
from .listing_args import product_query_from_args
from .search_service import product_search

MAX_QUERY_LENGTH = 200


def search_from_args(
    args: MultiDict, *, cards_only: bool = False
) -> tuple[str, ProductQuery, SearchPage]:
    """(the query as typed, the filters, the page) for `q` and the listing arguments; with
    `cards_only` the page's items are card rows (`ProductCard`), not loaded products."""
    query = args.get("q", "")[:MAX_QUERY_LENGTH].strip()
    filters = product_query_from_args(
        args, per_page=current_app.config["PER_PAGE"], sorts=SEARCH_SORTS
    )
    rows = {"load_rows": for_sale_cards_in_order} if cards_only else {}
    page = product_search().search(query, filters, today_in_vietnam(), **rows)
    return query, filters, page


def _province_facets(counts: dict[str, int]) -> list[dict[str, Any]]:
    facets = []
    for code, count in counts.items():
        unit = province_by_code(code)
        if unit is not None:
            facets.append({"value": unit.slug, "code": code, "name": unit.name, "count": count})
    return sorted(facets, key=lambda f: (-f["count"], f["name"]))


def display_facets(page: SearchPage) -> dict[str, list[dict[str, Any]]]:
    """Facet counts with the names shoppers read (province, group in the request language)."""
    return {
        "province": _province_facets(page.facets.get("province", {})),
        "group": [
            {"value": code, "name": group_label(code), "count": count}
            for code, count in page.facets.get("group", {}).items()
        ],
        "stars": [
            {"value": int(stars), "count": count}
            for stars, count in sorted(page.facets.get("stars", {}).items(), reverse=True)
        ],
    }
