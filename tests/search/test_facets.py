"""Facet counts and filters over a for-sale snapshot: each facet counted with the other filters."""

from __future__ import annotations

import itertools
import random
from datetime import date

from catalog.enums import ProductGroup
from catalog.products.listing import ProductQuery
from search.snapshot import ForSaleRow, ForSaleSnapshot, refine


def _snapshot() -> ForSaleSnapshot:
    rng = random.Random(5)
    rows = {
        pid: ForSaleRow(
            product_id=pid,
            province_code=rng.choice(["01", "79", "91"]),
            group=rng.choice(["thuc_pham", "do_uong"]),
            stars=rng.choice([3, 4, 5]),
            price_vnd=rng.choice([50_000, 150_000, 300_000, 450_000]),
            in_stock=True,
            name=f"Sản phẩm {pid}",
            name_en="",
            slug=f"san-pham-{pid}",
            place_text="",
        )
        for pid in range(1, 201)
    }
    return ForSaleSnapshot(date(2026, 11, 1), rows)


def _expected(hits, rows, filters: ProductQuery):
    """The rule spelled out product by product."""

    def passes(row, skip=None):
        return (
            (
                skip == "province"
                or not filters.province_code
                or row.province_code == filters.province_code
            )
            and (skip == "group" or not filters.group or row.group == filters.group)
            and (skip == "stars" or not filters.stars or row.stars == filters.stars)
            and (filters.min_price_vnd is None or row.price_vnd >= filters.min_price_vnd)
            and (filters.max_price_vnd is None or row.price_vnd <= filters.max_price_vnd)
        )

    values = {
        "province": lambda row: row.province_code,
        "group": lambda row: row.group,
        "stars": lambda row: str(row.stars),
    }
    facets = {}
    for facet, value in values.items():
        counts: dict[str, int] = {}
        for pid in hits:
            if passes(rows[pid], skip=facet):
                counts[value(rows[pid])] = counts.get(value(rows[pid]), 0) + 1
        facets[facet] = counts
    kept = sorted((pid for pid in hits if passes(rows[pid])), key=lambda pid: (-hits[pid], pid))
    return kept, facets


def test_every_filter_combination_counts_like_the_rule():
    snapshot = _snapshot()
    rng = random.Random(9)
    hits = {pid: float(rng.randint(1, 20)) for pid in rng.sample(sorted(snapshot.rows), 120)}
    combos = itertools.product(
        [None, "79"], [None, "do_uong"], [None, 4], [None, 150_000], [None, 300_000]
    )
    for province, group, stars, lowest, highest in combos:
        filters = ProductQuery(
            province_code=province,
            group=ProductGroup(group) if group else None,
            stars=stars,
            min_price_vnd=lowest,
            max_price_vnd=highest,
        )
        refined = refine(hits, snapshot, filters)
        kept, facets = _expected(hits, snapshot.rows, filters)
        assert refined.ids == kept, filters
        assert refined.facets == facets, filters
        # Most frequent first, equal counts by value: the order shown does not depend on hits.
        for counts in refined.facets.values():
            items = list(counts.items())
            assert items == sorted(items, key=lambda item: (-item[1], item[0]))
