"""JSON endpoints: products for sale (paged, filtered), any product by SKU, full-text search.

Every product in every answer is `serializers.product_json`."""

from __future__ import annotations

from flask import abort, current_app, jsonify, request

from catalog.products.listing import LISTING_SORTS
from catalog.products.queries import get_product_by_sku, list_products_for_sale
from core.clock import today_in_vietnam

from ..access import access
from ..common.listing_args import product_query_from_args
from ..common.search_results import display_facets, search_from_args
from . import bp
from .serializers import product_json


@bp.get("/products")
@access("public")
def products():
    today = today_in_vietnam()
    filters = product_query_from_args(
        request.args, per_page=current_app.config["PER_PAGE"], sorts=LISTING_SORTS
    )
    page = list_products_for_sale(filters, today)
    return jsonify(
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
        total=page.total,
        related_count=page.related_total,
        results=[
            {**product_json(product, today), "match": match}
            for product, match in zip(page.items, page.matches, strict=True)
        ],
    )


@bp.get("/products/<sku>")
@access("public")
def product(sku: str):
    product = get_product_by_sku(sku.upper()) or abort(404)
    return jsonify(product_json(product, today_in_vietnam()))


@bp.get("/search")
@access("public")
def search():
    """Full-text search over the products for sale today (docs/api.md)."""
    query, _filters, page = search_from_args(request.args)
    today = today_in_vietnam()
    return jsonify(
        query=query,
        total=page.total,
        page=page.page,
        pages=page.pages,
        per_page=page.per_page,
        related_count=page.related_total,
        results=[
            {**product_json(product, today), "match": match}
            for product, match in zip(page.items, page.matches, strict=True)
        ],
        facets=display_facets(page),
        suggestion=page.suggestion,
        corrected=page.corrected,
    )
