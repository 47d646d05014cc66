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

from accounts.audit import record_audit
from core.db import db
from core.text import clean_text

from ..enums import CertificateStatus, IssuerLevel
from ..errors import CertificateNotFound, InvalidCertificateChange
from ..for_sale import LOWEST_RATING, MAX_STARS
from ..models import Certificate, Producer, Product


@dataclass(frozen=True)
class CertificateDraft:
    stars: int
    certificate_no: str
    decision_no: str
    issued_by: str
    issuer_level: IssuerLevel
    issued_on: date
    expires_on: date


def _audit_status(cert: Certificate, before: str, actor_id: int | None, now: datetime) -> None:
    record_audit(
        actor_id=actor_id,
        action=f"certificate.{cert.status}",
        entity="certificate",
        entity_id=cert.id,
        before={"status": before},
        after={"status": cert.status, "reason": cert.status_reason, "product_id": cert.product_id},
        now=now,
    )


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
    db.session.add(cert)
    db.session.flush()
    record_audit(
        actor_id=actor_id,
        action="certificate.submitted",
        entity="certificate",
        entity_id=cert.id,
        before=None,
        after={"status": cert.status, "stars": cert.stars, "product_id": product.id},
        now=now,
    )
    db.session.flush()
    return cert


def get_certificate(certificate_id: int) -> Certificate:
    """Any certificate (admin side)."""
    cert = db.session.get(Certificate, certificate_id)
    if cert is None:
        raise CertificateNotFound(certificate_id=certificate_id)
    return cert


def get_certificate_for_producer(producer_id: int, certificate_id: int) -> Certificate:
    """One of this producer's certificates; CertificateNotFound for anyone else's (or none)."""
    certificate = db.session.scalar(
        select(Certificate)
        .join(Product, Product.id == Certificate.product_id)
        .where(Certificate.id == certificate_id, Product.producer_id == producer_id)
    )
    if certificate is None:
        raise CertificateNotFound(certificate_id=certificate_id)
    return certificate


def verify_certificate(cert: Certificate, *, actor_id: int, now: datetime) -> None:
    """Program staff checked the scan against the provincial decision: pending → verified."""
    if cert.status != CertificateStatus.PENDING.value:
        raise InvalidCertificateChange(certificate_id=cert.id, current=cert.status)
    before = cert.status
    cert.status = CertificateStatus.VERIFIED.value
    cert.status_reason = ""
    cert.reviewed_by_id = actor_id
    cert.reviewed_at = now
    _audit_status(cert, before, actor_id, now)
    db.session.flush()


def reject_certificate(cert: Certificate, *, reason: str, actor_id: int, now: datetime) -> None:
    """pending → rejected, with the reason the producer will read."""
    if cert.status != CertificateStatus.PENDING.value:
        raise InvalidCertificateChange(certificate_id=cert.id, current=cert.status)
    before = cert.status
    cert.status = CertificateStatus.REJECTED.value
    cert.status_reason = clean_text(reason)[:500]
    cert.reviewed_by_id = actor_id
    cert.reviewed_at = now
    _audit_status(cert, before, actor_id, now)
    db.session.flush()


def revoke_certificate(
    cert: Certificate, *, reason: str, actor_id: int, now: datetime, on: date
) -> None:
    """verified → revoked: the product is off sale from this moment (the rule is query-time)."""
    if cert.status != CertificateStatus.VERIFIED.value:
        raise InvalidCertificateChange(certificate_id=cert.id, current=cert.status)
    before = cert.status
    cert.status = CertificateStatus.REVOKED.value
    cert.status_reason = clean_text(reason)[:500]
    cert.revoked_on = on
    cert.reviewed_by_id = actor_id
    cert.reviewed_at = now
    _audit_status(cert, before, actor_id, now)
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
        db.session.scalar(select(func.count(Certificate.id)).where(Certificate.status == status.value))
        or 0
    )
