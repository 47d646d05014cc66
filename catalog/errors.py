"""Catalog errors carry a stable code; the web layer turns the code into a translated message."""

from __future__ import annotations

from core.errors import DomainError


class CatalogError(DomainError):
    code = "catalog_error"


class ProductNotFound(CatalogError):
    code = "product_not_found"
    http_status = 404


class ProductNotForSale(CatalogError):
    code = "product_not_for_sale"
    http_status = 409


class BatchInvalid(CatalogError):
    code = "batch_invalid"
    http_status = 422


class BatchLotMissing(BatchInvalid):
    code = "batch_lot_missing"


class BatchLotTaken(BatchInvalid):
    code = "batch_lot_taken"
    http_status = 409


class BatchDatesInvalid(BatchInvalid):
    code = "batch_dates_invalid"


class BatchQuantityInvalid(BatchInvalid):
    code = "batch_quantity_invalid"
