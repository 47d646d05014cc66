"""Friendly error pages in the user's language; domain error codes → HTTP status + message."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from core.errors import DomainError

# One translated sentence per stable domain error code.
ERROR_MESSAGES = {
    "product_not_found": _l("This product does not exist."),
    "product_not_for_sale": _l("This product is not on sale at the moment."),
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
    "upload_too_large": _l("This file is too large. Please send a smaller one (at most 8 MB)."),
    "upload_not_an_image": _l(
        "This file is not a photo. Please choose a JPG, PNG or WebP picture."
    ),
    "upload_too_many_pixels": _l(
        "This picture has too many pixels. Please send a smaller one (at most 40 megapixels)."
    ),
    "upload_not_a_document": _l("This file is not a PDF, JPG or PNG scan."),
    "upload_too_many_photos": _l("A product can have at most 8 photos. Remove one first."),
    "invalid_token": _l("This link is invalid, has expired or was already used."),
    "email_taken": _l("An account with this e-mail already exists."),
    "not_allowed": _l("You do not have access to this page."),
    "order_part_not_found": _l("This order does not exist."),
    "batch_not_found": _l("This batch does not exist."),
}


def message_for(error: DomainError) -> str:
    return str(ERROR_MESSAGES.get(error.code, _l("Something went wrong. Please try again.")))


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


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
        return render_template("errors/500.html"), 500

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if _wants_json():
            return jsonify(error=error.code, message=message_for(error)), error.http_status
        return (
            render_template("errors/domain.html", message=message_for(error)),
            error.http_status,
        )
