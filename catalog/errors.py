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
