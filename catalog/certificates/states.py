"""What a certificate means to a buyer on a given day, and which one a product page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..enums import CertificateStatus
from ..for_sale import MIN_STARS, certificate_is_valid, sale_status
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
    return _why_not_valid(cert, on)


def _why_not_valid(cert: Certificate, on: date) -> CertificateState:
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


@dataclass(frozen=True)
class ShownCertificate:
    """What a product's page (and its JSON) shows about certification on one day."""

    certificate: Certificate | None  # the one valid on the day, else the most recent one
    state: CertificateState | None
    for_sale: bool


def shown_certificate(product: Product, on: date) -> ShownCertificate:
    """The certificate a page shows, its state and whether the product is for sale — with the
    for-sale rule evaluated once."""
    status = sale_status(product, on)
    if status.certificate is not None:
        return ShownCertificate(status.certificate, CertificateState.VALID, status.for_sale)
    latest = product.certificates[0] if product.certificates else None
    state = _why_not_valid(latest, on) if latest is not None else None
    return ShownCertificate(latest, state, status.for_sale)
