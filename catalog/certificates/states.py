"""What a certificate means to a buyer on a given day, and which one a product page shows."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from ..enums import CertificateStatus
from ..for_sale import MIN_STARS, certificate_is_valid, for_sale_certificate
from ..models import Certificate, Product


class CertificateState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    PENDING = "pending"
    REJECTED = "rejected"
    NOT_OCOP = "not_ocop"  # a rating below 3★ is not an OCOP certification


def certificate_state(cert: Certificate, on: date) -> CertificateState:
    """Spell out the state of one certificate on `on` (for product and origin pages).

    Validity itself is the for-sale rule's call; the rest only explains why it is not valid.
    """
    if certificate_is_valid(cert, on):
        return CertificateState.VALID
    if cert.status == CertificateStatus.REVOKED.value:
        return CertificateState.REVOKED
    if cert.status == CertificateStatus.PENDING.value:
        return CertificateState.PENDING
    if cert.status == CertificateStatus.REJECTED.value:
        return CertificateState.REJECTED
    if cert.stars < MIN_STARS:
        return CertificateState.NOT_OCOP
    if on < cert.issued_on:
        return CertificateState.NOT_YET_VALID
    return CertificateState.EXPIRED


def display_certificate(product: Product, on: date) -> Certificate | None:
    """The certificate a page shows: the one valid today, else the most recent one."""
    valid = for_sale_certificate(product, on)
    if valid is not None:
        return valid
    return product.certificates[0] if product.certificates else None
