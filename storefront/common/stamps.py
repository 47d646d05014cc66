"""Printable sheets of QR stamps (A4, N stamps) for one product or one batch.

Not routed by the origin pages on purpose: printing stamps is a producer's act, so the producer
portal mounts `stamp_sheet_view` behind its login (and checks the producer owns the product).
Until then the `flask origin stamps` command renders the same page to a file.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import Response, abort, render_template, request

from catalog.for_sale import for_sale_certificate
from catalog.origin.codes import format_origin_code
from catalog.origin.traceability import OriginTarget, find_product_by_sku_or_code
from core.clock import today_in_vietnam

from .qr import qr_matrix, qr_svg_path
from .urls import origin_url

STAMPS_PER_PAGE = 24  # 4 columns × 6 rows of 46 × 44 mm on A4
DEFAULT_STAMP_COUNT = STAMPS_PER_PAGE
MAX_STAMP_COUNT = 50 * STAMPS_PER_PAGE


def render_stamp_sheet(target: OriginTarget, count: int, today: date) -> str:
    """The print-ready HTML of `count` identical stamps for `target` (needs a request context)."""
    count = max(1, min(count, MAX_STAMP_COUNT))
    url = origin_url(target.code)
    matrix = qr_matrix(url)
    # Stars are printed only while a certificate is valid: a stamp must not claim a rating the
    # product no longer holds on the day it is printed.
    certificate = for_sale_certificate(target.product, today)
    pages = [min(STAMPS_PER_PAGE, count - start) for start in range(0, count, STAMPS_PER_PAGE)]
    return render_template(
        "origin/stamps.html",
        target=target,
        product=target.product,
        batch=target.batch,
        certificate=certificate,
        count=count,
        pages=pages,
        qr_size=len(matrix),
        qr_path=qr_svg_path(matrix),
        printed_code=format_origin_code(target.code),
        short_url=_short_url(url),
    )


def _short_url(url: str) -> str:
    # Printed for people without a QR reader: host and path, no scheme.
    parts = urlsplit(url)
    return parts.netloc + parts.path


def stamp_sheet_view(code: str) -> Response:
    """View for the producer portal to mount behind login: `?count=N` stamps for SKU or code."""
    target = find_product_by_sku_or_code(code) or abort(404)
    count = request.args.get("count", DEFAULT_STAMP_COUNT, type=int) or DEFAULT_STAMP_COUNT
    html = render_stamp_sheet(target, count, today_in_vietnam())
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response
