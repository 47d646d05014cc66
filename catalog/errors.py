"""Catalog errors: a stable code and parameters each; the web layer maps them to a status and a
translated message."""

from __future__ import annotations

from core.errors import DomainError


class CatalogError(DomainError):
    code = "catalog_error"


class ProductNotFound(CatalogError):
    code = "product_not_found"


class ProductNotForSale(CatalogError):
    code = "product_not_for_sale"


class ProducerNotFound(CatalogError):
    code = "producer_not_found"


class CertificateNotFound(CatalogError):
    code = "certificate_not_found"


class PhotoNotFound(CatalogError):
    code = "photo_not_found"


class ApplicationNotFound(CatalogError):
    code = "application_not_found"


class InvalidCertificateChange(CatalogError):
    """Verify/reject only a pending certificate; revoke only a verified one."""

    code = "invalid_certificate_change"


class ApplicationAlreadyDecided(CatalogError):
    code = "application_already_decided"


class InvalidListing(CatalogError):
    code = "invalid_listing"


class UploadRejected(CatalogError):
    """A photo or scan that is not what it claims to be, or too big. Nothing was stored."""

    code = "upload_rejected"


class UploadTooLarge(UploadRejected):
    code = "upload_too_large"


class UploadNotAnImage(UploadRejected):
    code = "upload_not_an_image"


class UploadTooManyPixels(UploadRejected):
    code = "upload_too_many_pixels"


class UploadNotADocument(UploadRejected):
    code = "upload_not_a_document"


class UploadTooManyPhotos(UploadRejected):
    code = "upload_too_many_photos"


class UploadStorageFull(UploadRejected):
    """The disk (or quota) holding uploads is full: nothing was kept; try again later."""

    code = "upload_storage_full"


class BatchInvalid(CatalogError):
    code = "batch_invalid"


class BatchLotMissing(BatchInvalid):
    code = "batch_lot_missing"


class BatchLotTaken(BatchInvalid):
    code = "batch_lot_taken"


class BatchDatesInvalid(BatchInvalid):
    code = "batch_dates_invalid"


class BatchQuantityInvalid(BatchInvalid):
    code = "batch_quantity_invalid"


class BatchNotFound(CatalogError):
    code = "batch_not_found"
