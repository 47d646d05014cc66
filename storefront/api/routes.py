"""JSON endpoints: products for sale (paged, filtered), any product by SKU, full-text search,
and the OpenAPI document that describes them (docs/openapi.yaml).

Every product in every answer is `serializers.product_json`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
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
        results=[product_json(product, today) for product in page.items],
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


OPENAPI_DOCUMENT = Path(__file__).with_name("openapi.yaml")  # docs/openapi.yaml links here


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the JSON API, read once per process."""
    return yaml.safe_load(OPENAPI_DOCUMENT.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
@access("public")
def openapi():
    response = jsonify(openapi_document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
