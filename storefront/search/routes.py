"""Search views: read arguments, call `search.query`, render HTML or JSON."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from catalog.admin_units import all_provinces, province_by_code
from catalog.enums import ProductGroup
from catalog.for_sale import for_sale_certificate
from core.clock import today_in_vietnam
from search.highlight import highlight_segments
from search.query import SearchFilters, SearchPage
from search.snapshot import SORTS

from ..access import access
from ..common.labels import group_label
from ..common.listing_args import common_filter_args
from ..common.search_service import product_search
from ..common.urls import public_url
from . import bp

MAX_QUERY_LENGTH = 200


def search_filters_from_args(args: MultiDict, per_page: int) -> SearchFilters:
    """Query-string arguments → SearchFilters; invalid values are ignored, not errors."""
    common = common_filter_args(args)
    group = common.pop("group")
    sort = args.get("sort", "relevance")
    return SearchFilters(
        **common,
        group=group.value if group else None,
        sort=sort if sort in SORTS else "relevance",
        per_page=per_page,
    )


def _run_search() -> tuple[str, SearchFilters, SearchPage]:
    query = request.args.get("q", "")[:MAX_QUERY_LENGTH].strip()
    filters = search_filters_from_args(request.args, current_app.config["PER_PAGE"])
    page = product_search().search(query, filters, today_in_vietnam())
    return query, filters, page


@bp.app_template_filter("highlight")
def highlight_filter(text: str, terms) -> Markup:
    """Wrap the words of `text` that matched the query in <mark> (text is escaped)."""
    return Markup("").join(
        Markup("<mark>%s</mark>") % piece if is_match else escape(piece)
        for piece, is_match in highlight_segments(text or "", terms)
    )


def _province_facets(counts: dict[str, int]) -> list[dict[str, Any]]:
    facets = []
    for code, count in counts.items():
        unit = province_by_code(code)
        if unit is not None:
            facets.append({"value": unit.slug, "code": code, "name": unit.name, "count": count})
    return sorted(facets, key=lambda f: (-f["count"], f["name"]))


def _facets(page: SearchPage) -> dict[str, list[dict[str, Any]]]:
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


@bp.get("/search")
@access("public")
def results():
    query, filters, page = _run_search()
    return render_template(
        "search/results.html",
        query=query,
        filters=filters,
        page=page,
        facets=_facets(page),
        provinces=all_provinces(),
        groups=list(ProductGroup),
        sorts=SORTS,
    )


@bp.get("/search/suggest")
@access("public")
def autocomplete():
    text = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    suggestions = product_search().suggest(text, today_in_vietnam(), limit=8)
    return jsonify(
        [
            {"label": s.label, "url": url_for("shop.product_detail", slug=s.slug)}
            for s in suggestions
        ]
    )


@bp.get("/api/search")
@access("public")
def api_search():
    query, _filters, page = _run_search()
    today = today_in_vietnam()
    results = []
    for product in page.items:
        certificate = for_sale_certificate(product, today)
        province = province_by_code(product.producer.province_code)
        results.append(
            {
                "sku": product.sku,
                "name": product.name,
                "name_en": product.name_en,
                "stars": certificate.stars if certificate else None,
                "province": province.name if province else None,
                "price_vnd": product.price_vnd,
                "url": public_url(url_for("shop.product_detail", slug=product.slug)),
            }
        )
    return jsonify(
        query=query,
        total=page.total,
        page=page.page,
        pages=page.pages,
        per_page=page.per_page,
        results=results,
        facets=_facets(page),
        suggestion=page.suggestion,
        corrected=page.corrected,
    )
