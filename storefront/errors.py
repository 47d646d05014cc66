"""Errors as users see them: friendly pages in their language, and JSON for the API.

Domain errors carry a stable code and parameters (`core.errors.DomainError`); this module is the
one place that maps a code to an HTTP status and a translated message, filling the message from
the error's parameters and from the configured limits (never a number typed into a sentence).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal
from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from catalog.importer import RowError
from catalog.products.photos import MAX_PHOTOS_PER_PRODUCT
from core.db import db
from core.errors import DomainError

from .i18n import current_locale

log = logging.getLogger(__name__)

# HTTP status per domain error code. A code not listed takes its parent class's status, and
# finally DEFAULT_STATUS (the request was understood but cannot be done as asked).
DEFAULT_STATUS = 400
STATUS_BY_CODE: dict[str, int] = {
    "product_not_found": 404,
    "producer_not_found": 404,
    "certificate_not_found": 404,
    "photo_not_found": 404,
    "application_not_found": 404,
    "batch_not_found": 404,
    "order_part_not_found": 404,
    "payout_not_found": 404,
    "bank_account_not_found": 404,
    "refund_too_large": 409,
    "nothing_to_remit": 409,
    "payout_line_decided": 409,
    "not_invoiceable": 409,
    "bank_account_invalid": 422,
    "not_allowed": 403,
    "product_not_for_sale": 409,
    "invalid_certificate_change": 409,
    "application_already_decided": 409,
    "batch_lot_taken": 409,
    "out_of_stock": 409,
    "cart_has_problems": 409,
    "invalid_transition": 409,
    "email_taken": 409,
    "upload_too_large": 413,
    "upload_storage_full": 507,
    "batch_invalid": 422,
    "payment_provider_error": 502,
}

# One translated sentence per stable domain error code; %(name)s placeholders come from
# `_message_params`.
ERROR_MESSAGES = {
    "product_not_found": _l("This product does not exist."),
    "product_not_for_sale": _l("This product is not on sale at the moment."),
    "payout_not_found": _l("This payout does not exist."),
    "bank_account_not_found": _l("This bank account change was already decided or does not exist."),
    "refund_too_large": _l("The refund is larger than what is left to refund (%(refundable)s ₫)."),
    "nothing_to_remit": _l("There is no cash on delivery to remit for this order part."),
    "payout_line_decided": _l("This payout line was already marked paid or failed."),
    "not_invoiceable": _l("There is no e-invoice data before the order part is paid."),
    "bank_account_invalid": _l("Check the bank account details."),
    "batch_invalid": _l("This batch could not be recorded."),
    "batch_lot_missing": _l("Enter the lot number printed on the package (at most 64 characters)."),
    "batch_lot_taken": _l("This product already has a batch with this lot number."),
    "batch_dates_invalid": _l("The best-before date cannot be earlier than the production date."),
    "batch_quantity_invalid": _l("The quantity cannot be negative."),
    "out_of_stock": _l("Sorry, this product is sold out."),
    "cart_empty": _l("Your cart is empty."),
    "cart_has_problems": _l("Some items cannot be bought right now. Fix them to check out."),
    "invalid_transition": _l("This order cannot change to that status now."),
    "payment_method_unavailable": _l("This payment method is not available."),
    "below_card_minimum": _l(
        "This order is below the minimum amount for card payment. Please choose another payment method."
    ),
    "payment_provider_error": _l("The payment service did not answer. Please try again."),
    "invalid_address": _l("Please check the phone number and the delivery address."),
    # producer portal and accounts
    "producer_not_found": _l("This producer does not exist."),
    "certificate_not_found": _l("This certificate does not exist."),
    "photo_not_found": _l("This photo does not exist."),
    "application_not_found": _l("This application does not exist."),
    "invalid_certificate_change": _l("This certificate cannot change to that status now."),
    "application_already_decided": _l("This application has already been decided."),
    "invalid_listing": _l("Please check the name, price and stock."),
    "upload_rejected": _l("This file cannot be used."),
    "upload_too_large": _l(
        "This file is too large. Please send a smaller one (at most %(max_mb)s MB)."
    ),
    "upload_not_an_image": _l(
        "This file is not a photo. Please choose a JPG, PNG or WebP picture."
    ),
    "upload_too_many_pixels": _l(
        "This picture has too many pixels. Please send a smaller one (at most %(max_megapixels)s megapixels)."
    ),
    "upload_not_a_document": _l("This file is not a PDF, JPG or PNG scan."),
    "upload_too_many_photos": _l("A product can have at most %(limit)s photos. Remove one first."),
    "upload_storage_full": _l(
        "There is no room to store files right now, so nothing was saved. Please try again later."
    ),
    "invalid_token": _l("This link is invalid, has expired or was already used."),
    "email_taken": _l("An account with this e-mail already exists."),
    "not_allowed": _l("You do not have access to this page."),
    "order_part_not_found": _l("This order does not exist."),
    "batch_not_found": _l("This batch does not exist."),
}
FALLBACK_MESSAGE = _l("Something went wrong. Please try again.")
ERROR_TITLE = _l("Something went wrong")
ERROR_TEXT = _l(
    "Sorry, the shop ran into a problem. Nothing you entered was lost; please try again in a moment."
)
UNAVAILABLE_TITLE = _l("The shop is briefly unavailable")
UNAVAILABLE_TEXT = _l(
    "We cannot reach our database right now. Nothing you entered was lost; please try again in a minute."
)

# Why a CSV row was not imported (catalog.importer.RowError codes), as the admin page and the
# command line say it.
IMPORT_PROBLEMS = {
    "missing_columns": _l("header: missing column(s): %(columns)s"),
    "wrong_column_count": _l("wrong number of columns"),
    "missing_values": _l("missing value(s): %(columns)s"),
    "not_a_whole_number": _l("%(column)s: not a whole number: '%(value)s'"),
    "not_a_date": _l("%(column)s: not a date YYYY-MM-DD: '%(value)s'"),
    "unknown_group": _l("group: unknown product group '%(value)s'"),
    "stars_out_of_range": _l("stars: must be between %(min)s and %(max)s, got %(value)s"),
    "expires_before_issue": _l("expires_on: before issued_on"),
    "unknown_certificate_status": _l(
        "certificate_status: must be verified, pending or revoked, got '%(value)s'"
    ),
    "unknown_producer_kind": _l("producer_kind: unknown kind '%(value)s'"),
    "unknown_province": _l("province: unknown province '%(value)s'"),
    "negative_price": _l("price_vnd: negative price %(value)s"),
    "price_too_large": _l("price_vnd: implausibly large price %(value)s"),
    "negative_stock": _l("stock: negative stock %(value)s"),
    "invalid_sku": _l("sku: use letters, digits, '-' or '_' (at most %(max_length)s): '%(value)s'"),
    "duplicate_sku": _l("sku: duplicate of line %(line)s"),
    "database_error": _l("database: %(error)s"),
    "too_long": _l("%(column)s: too long: %(length)s characters, at most %(max_length)s"),
    "control_character": _l("%(column)s: contains a control character (%(character)s)"),
    "unclosed_quote": _l("%(column)s: a quoted value that is never closed"),
    "text_after_quote": _l("%(column)s: text after the closing quote"),
    "empty_file": _l("file: the file is empty"),
    "unknown_encoding": _l(
        "file: not UTF-8, UTF-16 or Windows-1258 (cp1258); save it as UTF-8 CSV"
    ),
    "bad_encoding": _l("file: not valid %(encoding)s from this line on; save it as UTF-8 CSV"),
}
# A value quoted back in a problem is cut to this many characters.
MAX_QUOTED_VALUE = 80

BYTES_PER_MB = 1024 * 1024

# The database cannot be reached (refused, timed out, dropped, pool exhausted, SQLite file gone or
# locked for too long): 503 with Retry-After, never a 500. The pool re-connects by itself
# (pool_pre_ping) once it is back: no restart.
DATABASE_UNAVAILABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)
RETRY_AFTER_SECONDS = 30
# Answered as JSON whatever they fail with: the API and the probes of load balancers.
JSON_PATHS = ("/healthz", "/readyz")


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error: its code's, else the nearest parent class's."""
    for cls in type(error).__mro__:
        code = getattr(cls, "code", None)
        if code in STATUS_BY_CODE:
            return STATUS_BY_CODE[code]
    return DEFAULT_STATUS


def megabytes(size_bytes: int) -> str:
    """A byte count as megabytes for a sentence, in the page's language (8388608 → '8')."""
    value = size_bytes / BYTES_PER_MB
    return format_decimal(round(value, 1 if value >= 1 else 2), locale=current_locale())


def _message_params(error: DomainError) -> dict[str, Any]:
    """The error's own parameters, plus limits in the units the sentences use (from the error
    when it names the limit it hit, else from config)."""
    params: dict[str, Any] = dict(error.params)
    config = current_app.config
    params["max_mb"] = megabytes(int(params.get("max_bytes") or config["PHOTO_MAX_BYTES"]))
    max_pixels = int(params.get("max_pixels") or config["PHOTO_MAX_PIXELS"])
    params["max_megapixels"] = format_decimal(max_pixels / 1_000_000, locale=current_locale())
    params.setdefault("limit", MAX_PHOTOS_PER_PRODUCT)
    return params


def message_for(error: DomainError) -> str:
    """The translated sentence for a domain error, with its parameters filled in."""
    message = ERROR_MESSAGES.get(error.code)
    try:
        return str(message) % _message_params(error) if message else str(FALLBACK_MESSAGE)
    except (KeyError, TypeError, ValueError):  # a parameter the sentence needs is missing
        log.exception("message for %s could not be filled", error.code)
        return str(FALLBACK_MESSAGE)


def import_problem_message(problem: RowError) -> str:
    """Why a CSV row was not imported, in the current language."""
    message = IMPORT_PROBLEMS.get(problem.code)
    if message is None:
        return problem.code
    params: dict[str, Any] = {"column": problem.column}
    for key, value in problem.params.items():
        if isinstance(value, list):
            value = ", ".join(value)
        if isinstance(value, str) and len(value) > MAX_QUOTED_VALUE:
            value = value[: MAX_QUOTED_VALUE - 1] + "…"
        params[key] = value
    try:
        return str(message) % params
    except (KeyError, TypeError, ValueError):  # a parameter the sentence needs is missing
        log.exception("import problem %s could not be filled", problem.code)
        return problem.code


def _wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path.endswith(".json") or path in JSON_PATHS


def _without_the_database() -> None:
    """Make sure a page rendered now touches no database: end the failed transaction and show
    the visitor as signed out (Flask-Login would load the user from the database)."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the session is discarded anyway
        log.debug("rollback after a database failure failed", exc_info=True)
    g._login_user = AnonymousUserMixin()


def _bare_page(title: str, text: str, status: int):
    """Last resort when even the error template fails: no template, no database, still translated."""
    from markupsafe import escape

    html = (
        f'<!doctype html><html lang="{escape(current_locale())}"><meta charset="utf-8">'
        f"<title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(text)}</p>"
        f'<p><a href="/">{escape(_("Back to the home page"))}</a></p></html>'
    )
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


def error_page(message: str, status: int):
    """A page (or JSON for the API) saying `message`, with `status`."""
    return render_template("errors/domain.html", message=message), status


def _json_or_page(code: str, message: str, status: int, extra: Mapping[str, Any] | None = None):
    if _wants_json():
        return jsonify(error=code, **(extra or {})), status
    return error_page(message, status)


def init_errors(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(error: HTTPException):
        if _wants_json():
            return jsonify(error="not_found"), 404
        return render_template("errors/404.html"), 404

    @app.errorhandler(500)
    def server_error(error: Exception):
        if _wants_json():
            return jsonify(error="server_error"), 500
        _without_the_database()
        try:
            return render_template("errors/500.html"), 500
        except Exception:
            log.exception("the error page failed")
            return _bare_page(str(ERROR_TITLE), str(ERROR_TEXT), 500)

    def database_unavailable(error: Exception):
        log.error("database unavailable: %s", error.__class__.__name__, exc_info=error)
        _without_the_database()
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if _wants_json():
            return jsonify(error="database_unavailable"), 503, headers
        try:
            return render_template("errors/503.html", retry_after=RETRY_AFTER_SECONDS), 503, headers
        except Exception:
            log.exception("the 503 page failed")
            html, status, bare_headers = _bare_page(
                str(UNAVAILABLE_TITLE), str(UNAVAILABLE_TEXT), 503
            )
            return html, status, {**bare_headers, **headers}

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)

    @app.errorhandler(400)
    def bad_request(error: HTTPException):
        message = _("This request could not be understood. Please check what you typed.")
        return _json_or_page("bad_request", message, 400)

    @app.errorhandler(413)
    def request_too_large(error: HTTPException):
        """A request body above MAX_CONTENT_LENGTH (Werkzeug refuses it before any view)."""
        max_bytes = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
        message = str(ERROR_MESSAGES["upload_too_large"]) % {"max_mb": megabytes(max_bytes)}
        return _json_or_page("upload_too_large", message, 413, {"message": message})

    @app.errorhandler(403)
    def forbidden(error: HTTPException):
        return _json_or_page("forbidden", _("You do not have access to this page."), 403)

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        message = _("This form has expired. Please go back, reload the page and try again.")
        return error_page(message, 400)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        message = message_for(error)
        return _json_or_page(error.code, message, status_for(error), {"message": message})
