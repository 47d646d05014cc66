"""Turn listing query-string arguments into a CatalogFilter (invalid values are ignored)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from catalog.admin_units import province_by_slug
from catalog.enums import ProductGroup
from catalog.queries import SORTS, CatalogFilter


def _int_or_none(value: str | None, low: int = 0, high: int = 10**12) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    number = int(value)
    return number if low <= number <= high else None


def catalog_filter_from_args(
    args: MultiDict, per_page: int, province_code: str | None = None
) -> CatalogFilter:
    province = province_by_slug(args.get("province", "")) if args.get("province") else None
    group_code = args.get("group", "")
    group = ProductGroup(group_code) if group_code in ProductGroup._value2member_map_ else None
    sort = args.get("sort", "newest")
    return CatalogFilter(
        province_code=province_code or (province.code if province else None),
        group=group,
        stars=_int_or_none(args.get("stars"), 3, 5),
        min_price_vnd=_int_or_none(args.get("min_price")),
        max_price_vnd=_int_or_none(args.get("max_price")),
        sort=sort if sort in SORTS else "newest",
        page=_int_or_none(args.get("page"), 1, 100_000) or 1,
        per_page=per_page,
    )
