"""JSON endpoints: products for sale (paged, filtered) and any product by SKU."""

from __future__ import annotations

from flask import abort, current_app, jsonify, request

from catalog.products.queries import get_product_by_sku, list_products_for_sale
from core.clock import today_in_vietnam

from ..access import access
from ..common.listing_args import catalog_filter_from_args
from . import bp
from .serializers import product_json


@bp.get("/products")
@access("public")
def products():
    today = today_in_vietnam()
    filters = catalog_filter_from_args(request.args, current_app.config["PER_PAGE"])
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
