"""Query-string arguments → a `ProductQuery`, for the shop pages, the search page and the JSON API
alike. Invalid values are ignored (as if absent), never an error."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from catalog.admin_units import province_by_code, province_by_slug
from catalog.enums import ProductGroup
from catalog.for_sale import MAX_STARS, MIN_STARS
from catalog.products.listing import ProductQuery, Sort

MAX_PAGE = 100_000


def int_arg(value: str | None, low: int = 0, high: int = 10**12) -> int | None:
    """A whole number within [low, high], else None."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > len(str(high)):
        return None  # '²' is a digit to str.isdigit but not to int()
    number = int(value)
    return number if low <= number <= high else None


def province_code_arg(value: str | None) -> str | None:
    """A province given by slug ('vinh-long') or code ('86'); None if unknown."""
    if not value:
        return None
    unit = province_by_slug(value) or province_by_code(value)
    return unit.code if unit else None


def product_query_from_args(
    args: MultiDict,
    *,
    per_page: int,
    sorts: tuple[Sort, ...],
    province_code: str | None = None,
) -> ProductQuery:
    """province, group, stars, min_price, max_price, sort (one of `sorts`, else the first), page.

    `province_code`, when given (a province's own page), wins over the argument.
    """
    group = args.get("group", "")
    sort = args.get("sort", "")
    return ProductQuery(
        province_code=province_code or province_code_arg(args.get("province")),
        group=ProductGroup(group) if group in ProductGroup._value2member_map_ else None,
        stars=int_arg(args.get("stars"), MIN_STARS, MAX_STARS),
        min_price_vnd=int_arg(args.get("min_price")),
        max_price_vnd=int_arg(args.get("max_price")),
        sort=Sort(sort) if sort in sorts else sorts[0],
        page=int_arg(args.get("page"), 1, MAX_PAGE) or 1,
        per_page=per_page,
    )
