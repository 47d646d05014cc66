"""Certificates through their life: submitted by the producer, verified or rejected by program
staff, revoked later if need be.

A submitted certificate is `pending` and so never puts a product on sale (the rule in
`for_sale.py` counts only verified ones). Renewals and star upgrades are new rows: the history
stays. Every status change is audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from accounts.audit import add_audited, record_audit
from core.clock import today_in_vietnam
from core.db import db
from core.text import clean_text

from ..enums import CertificateStatus, IssuerLevel
from ..errors import CertificateNotFound, InvalidCertificateChange
from ..for_sale import LOWEST_RATING, MAX_STARS
from ..models import Certificate, Producer, Product
from ..products.portal import owned_row


@dataclass(frozen=True)
class CertificateDraft:
    stars: int
    certificate_no: str
    decision_no: str
    issued_by: str
    issuer_level: IssuerLevel
    issued_on: date
    expires_on: date


def _audit_status(cert: Certificate, previous: str, actor_id: int | None, now: datetime) -> None:
    before = {"status": previous}
    after = {"status": cert.status, "reason": cert.status_reason, "product_id": cert.product_id}
    action = f"certificate.{cert.status}"
    record_audit(action, cert, actor_id=actor_id, now=now, before=before, after=after)


def submit_certificate(
    product: Product,
    draft: CertificateDraft,
    *,
    scan_path: str,
    scan_media_type: str,
    actor_id: int,
    now: datetime,
) -> Certificate:
    """A new (pending) certificate for a product the caller scoped to its producer. Flushes."""
    if not LOWEST_RATING <= draft.stars <= MAX_STARS or draft.expires_on < draft.issued_on:
        raise InvalidCertificateChange(field="dates_or_stars")
    cert = Certificate(
        product=product,
        stars=draft.stars,
        certificate_no=clean_text(draft.certificate_no),
        decision_no=clean_text(draft.decision_no),
        issued_by=clean_text(draft.issued_by),
        issuer_level=draft.issuer_level.value,
        issued_on=draft.issued_on,
        expires_on=draft.expires_on,
        status=CertificateStatus.PENDING.value,
        scan_path=scan_path,
        scan_media_type=scan_media_type,
        submitted_by_id=actor_id,
    )
    after = {"status": cert.status, "stars": cert.stars, "product_id": product.id}
    add_audited(cert, "certificate.submitted", actor_id=actor_id, now=now, after=after)
    return cert


def get_certificate(certificate_id: int) -> Certificate:
    """Any certificate (admin side)."""
    cert = db.session.get(Certificate, certificate_id)
    if cert is None:
        raise CertificateNotFound(certificate_id=certificate_id)
    return cert


def get_certificate_for_producer(producer_id: int, certificate_id: int) -> Certificate:
    """One of this producer's certificates; CertificateNotFound for anyone else's (or none)."""
    certificate = owned_row(Certificate, certificate_id, producer_id)
    if certificate is None:
        raise CertificateNotFound(certificate_id=certificate_id)
    return certificate


# The only status changes a certificate makes after submission, and the status each starts from.
REVIEWS = {
    CertificateStatus.VERIFIED: CertificateStatus.PENDING,
    CertificateStatus.REJECTED: CertificateStatus.PENDING,
    CertificateStatus.REVOKED: CertificateStatus.VERIFIED,
}
MAX_REASON_LENGTH = 500


def _review(
    cert: Certificate, status: CertificateStatus, *, reason: str, actor_id: int, now: datetime
) -> None:
    """Move `cert` to `status` from the one status that allows it, with the reason the producer
    will read, audited. Flushes."""
    if cert.status != REVIEWS[status].value:
        raise InvalidCertificateChange(certificate_id=cert.id, current=cert.status)
    previous = cert.status
    cert.status = status.value
    cert.status_reason = clean_text(reason)[:MAX_REASON_LENGTH]
    cert.reviewed_by_id, cert.reviewed_at = actor_id, now
    _audit_status(cert, previous, actor_id, now)
    db.session.flush()


def verify_certificate(cert: Certificate, *, actor_id: int, now: datetime) -> None:
    """Program staff checked the scan against the provincial decision: pending → verified."""
    _review(cert, CertificateStatus.VERIFIED, reason="", actor_id=actor_id, now=now)


def reject_certificate(cert: Certificate, *, reason: str, actor_id: int, now: datetime) -> None:
    """pending → rejected, with the reason the producer will read."""
    _review(cert, CertificateStatus.REJECTED, reason=reason, actor_id=actor_id, now=now)


def revoke_certificate(cert: Certificate, *, reason: str, actor_id: int, now: datetime) -> None:
    """verified → revoked on the day of `now` in Vietnam: the product is off sale from this
    moment (the rule is query-time)."""
    _review(cert, CertificateStatus.REVOKED, reason=reason, actor_id=actor_id, now=now)
    cert.revoked_on = today_in_vietnam(now)
    db.session.flush()


def certificate_queue(
    status: CertificateStatus = CertificateStatus.PENDING,
) -> list[tuple[Certificate, Product, Producer]]:
    """Certificates in `status`, oldest first, with their product and producer."""
    rows = db.session.execute(
        select(Certificate, Product, Producer)
        .join(Product, Product.id == Certificate.product_id)
        .join(Producer, Producer.id == Product.producer_id)
        .where(Certificate.status == status.value)
        .order_by(Certificate.created_at, Certificate.id)
    )
    return [(cert, product, producer) for cert, product, producer in rows]


def count_certificates(status: CertificateStatus = CertificateStatus.PENDING) -> int:
    return int(
        db.session.scalar(
            select(func.count(Certificate.id)).where(Certificate.status == status.value)
        )
        or 0
    )
