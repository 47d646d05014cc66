"""The web layer is the one place that maps domain error codes to a status and a message."""

from __future__ import annotations

import inspect

import pytest
from flask_babel import force_locale

import accounts.errors
import catalog.errors
import orders.errors
from catalog.importer import RowError
from core.errors import DomainError
from storefront.errors import (
    ERROR_MESSAGES,
    IMPORT_PROBLEMS,
    import_problem_message,
    message_for,
    status_for,
)

DOMAIN_ERRORS = [
    cls
    for module in (accounts.errors, catalog.errors, orders.errors)
    for _, cls in inspect.getmembers(module, inspect.isclass)
    if issubclass(cls, DomainError) and cls.__module__ == module.__name__
]
# The statuses the errors had when they carried them themselves (before the renovation).
EXPECTED_STATUS = {
    "product_not_found": 404,
    "product_not_for_sale": 409,
    "producer_not_found": 404,
    "certificate_not_found": 404,
    "photo_not_found": 404,
    "application_not_found": 404,
    "invalid_certificate_change": 409,
    "application_already_decided": 409,
    "invalid_listing": 400,
    "upload_rejected": 400,
    "upload_too_large": 413,
    "upload_storage_full": 507,
    "upload_not_an_image": 400,
    "upload_too_many_pixels": 400,
    "upload_not_a_document": 400,
    "upload_too_many_photos": 400,
    "batch_invalid": 422,
    "batch_lot_missing": 422,
    "batch_lot_taken": 409,
    "batch_dates_invalid": 422,
    "batch_quantity_invalid": 422,
    "batch_not_found": 404,
    "out_of_stock": 409,
    "cart_empty": 400,
    "cart_has_problems": 409,
    "invalid_transition": 409,
    "payment_method_unavailable": 400,
    "below_card_minimum": 400,
    "payment_provider_error": 502,
    "invalid_address": 400,
    "order_part_not_found": 404,
    "invalid_token": 400,
    "email_taken": 409,
    "not_allowed": 403,
}
BASE_CODES = {"catalog_error", "orders_error", "account_error"}


@pytest.mark.parametrize("error_class", DOMAIN_ERRORS, ids=lambda cls: cls.__name__)
def test_every_domain_error_has_a_status_and_a_message(app, error_class):
    if error_class.code in BASE_CODES:
        return
    error = error_class()
    assert status_for(error) == EXPECTED_STATUS[error.code]
    assert error.code in ERROR_MESSAGES
    with app.test_request_context("/"):
        with force_locale("vi"):
            vietnamese = message_for(error)
        with force_locale("en"):
            english = message_for(error)
    assert "%(" not in vietnamese and vietnamese != english  # filled in, and translated


def test_upload_messages_state_the_configured_limits(app):
    app.config["PHOTO_MAX_BYTES"] = 3 * 1024 * 1024
    app.config["PHOTO_MAX_PIXELS"] = 12_000_000
    with app.test_request_context("/"), force_locale("en"):
        assert "at most 3 MB" in message_for(catalog.errors.UploadTooLarge())
        assert "at most 12 megapixels" in message_for(catalog.errors.UploadTooManyPixels())
        # The limit the error names wins: it is the one that was hit.
        assert "at most 2 MB" in message_for(catalog.errors.UploadTooLarge(max_bytes=2 << 20))
        assert "at most 8 photos" in message_for(catalog.errors.UploadTooManyPhotos(limit=8))


def test_every_import_problem_code_is_translated(app):
    import catalog.csv_reader as csv_reader
    import catalog.importer as importer

    source = inspect.getsource(importer) + inspect.getsource(csv_reader)
    with app.test_request_context("/"), force_locale("vi"):
        for code in IMPORT_PROBLEMS:
            assert f'"{code}"' in source, f"{code} is never reported by the importer"
            params = {
                "columns": ["a", "b"],
                "column": "stars",
                "value": "x",
                "min": 3,
                "max": 5,
                "max_length": 64,
                "line": 2,
                "error": "IntegrityError",
                "length": 300,
                "character": "U+0000",
                "encoding": "UTF-8",
            }
            message = import_problem_message(RowError(2, "S", code, params))
            assert "%(" not in message and message != code
