"""Origin views: the page a stamp's QR opens, its JSON twin, and the QR images themselves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from catalog.admin_units import province_by_code
from catalog.certificates.states import shown_certificate
from catalog.for_sale import for_sale_certificate
from catalog.origin.codes import format_origin_code, normalize_origin_code
from catalog.origin.traceability import OriginTarget, record_scan, resolve_origin
from core.clock import today_in_vietnam
from core.db import begin_write, db

from ..access import access
from ..common.qr import qr_png, qr_svg
from ..common.urls import origin_url
from . import bp
from .scan_buffer import scan_buffer
from .serializers import origin_json

# QR images never change for a code unless PUBLIC_BASE_URL does; the ETag covers that case.
IMAGE_CACHE_CONTROL = "public, max-age=86400"


def _target_or_404(code: str) -> OriginTarget:
    return resolve_origin(code) or abort(404)


def _not_found(code: str) -> tuple[str, int]:
    return render_template("origin/not_found.html", code=code[:32]), 404


@bp.get("/")
@access("public")
def lookup():
    """The 'type the code under the QR' form (GET): go to that code's page."""
    typed = request.args.get("code", "")
    code = normalize_origin_code(typed)
    if code is None:
        return _not_found(typed)
    return redirect(url_for("origin.page", code=code))


@bp.get("/<code>")
@access("public")
def page(code: str):
    """The origin page: who made this, where, under which certificate, in which batch."""
    target = resolve_origin(code)
    if target is None:
        return _not_found(code)
    today = today_in_vietnam()
    product, batch = target.product, target.batch
    shown = shown_certificate(product, today)  # the for-sale rule, once
    html = render_template(
        "origin/page.html",
        target=target,
        product=product,
        producer=product.producer,
        batch=batch,
        province=province_by_code(product.producer.province_code),
        certificate=shown.certificate,
        state=shown.state.value if shown.state else None,
        for_sale=shown.for_sale,
        batch_certificate=for_sale_certificate(product, batch.produced_on) if batch else None,
        printed_code=format_origin_code(target.code),
        canonical_url=origin_url(target.code),
    )
    if request.method == "GET":
        _count_scan(target.code, today)
    response = Response(html, mimetype="text/html")
    # The certificate state can change any day and every view is a scan to count.
    response.headers["Cache-Control"] = "no-cache"
    return response


def _count_scan(code: str, on: date) -> None:
    """Count one scan after the page is rendered: into the scan buffer when there is one, else
    at once, in a transaction of its own.

    The read transaction of the rendering ends first (`begin_write`): on SQLite (WAL) a
    transaction that read and then writes fails at once with "database is locked" when another
    scan wrote meanwhile, whereas one that starts as a writer simply waits its turn. A counter
    that still fails (database overloaded) is logged, not shown: the buyer gets the page.
    """
    buffer = scan_buffer()
    if buffer is not None:
        buffer.add(code, on)  # written in a batch, off the request path (scan_buffer.py)
        return
    try:
        begin_write()
        record_scan(code, on)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("scan of %s not counted", code, exc_info=True)


@bp.get("/<code>.json")
@access("public")
def page_json(code: str):
    """The same facts as JSON for other traceability systems (docs/origin.md)."""
    target = _target_or_404(code)
    response = jsonify(origin_json(target, today_in_vietnam()))
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"
    return response


def _qr_response(code: str, render: Callable[[str], bytes | str], mimetype: str) -> Response:
    target = _target_or_404(code)
    response = Response(render(origin_url(target.code)), mimetype=mimetype)
    response.headers["Cache-Control"] = IMAGE_CACHE_CONTROL
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/<code>.png")
@access("public")
def qr_png_image(code: str):
    """The stamp's QR as PNG (error correction Q, 4-module quiet zone)."""
    return _qr_response(code, qr_png, "image/png")


@bp.get("/<code>.svg")
@access("public")
def qr_svg_image(code: str):
    """The stamp's QR as SVG, for print at any size."""
    return _qr_response(code, qr_svg, "image/svg+xml")
