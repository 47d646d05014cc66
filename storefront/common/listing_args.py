"""Listing and search filters from query-string arguments (invalid values are ignored, not errors).

Used by the shop pages, the search page and the JSON API alike."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from catalog.admin_units import province_by_code, province_by_slug
from catalog.enums import ProductGroup
from catalog.products.queries import SORTS, CatalogFilter


def int_arg(value: str | None, low: int = 0, high: int = 10**12) -> int | None:
    """A whole number within [low, high], else None."""
    if value is None or not value.strip().isdigit():
        return None
    number = int(value)
    return number if low <= number <= high else None


def province_code_arg(value: str | None) -> str | None:
    """A province given by slug ('vinh-long') or code ('86'); None if unknown."""
    if not value:
        return None
    unit = province_by_slug(value) or province_by_code(value)
    return unit.code if unit else None


def common_filter_args(args: MultiDict) -> dict[str, Any]:
    """The filters listings and search share: province, group, stars, price range, page."""
    group = args.get("group", "")
    return {
        "province_code": province_code_arg(args.get("province")),
        "group": ProductGroup(group) if group in ProductGroup._value2member_map_ else None,
        "stars": int_arg(args.get("stars"), 3, 5),
        "min_price_vnd": int_arg(args.get("min_price")),
        "max_price_vnd": int_arg(args.get("max_price")),
        "page": int_arg(args.get("page"), 1, 100_000) or 1,
    }


def catalog_filter_from_args(
    args: MultiDict, per_page: int, province_code: str | None = None
) -> CatalogFilter:
    common = common_filter_args(args)
    if province_code:
        common["province_code"] = province_code
    sort = args.get("sort", "newest")
    return CatalogFilter(**common, sort=sort if sort in SORTS else "newest", per_page=per_page)
