"""Expiry reminders: which verified certificates run out within 90, 30 or 7 days, each reminder
given once per certificate and threshold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from core.db import db

from ..enums import CertificateStatus
from ..models import Certificate, CertificateReminder, Product

REMINDER_DAYS = (90, 30, 7)


def _superseded(cert: Certificate) -> bool:
    """A later verified certificate of the same product covers beyond this one (a renewal)."""
    return any(
        other.id != cert.id
        and other.status == CertificateStatus.VERIFIED.value
        and other.expires_on > cert.expires_on
        for other in cert.product.certificates
    )


def reminder_threshold(days_left: int) -> int | None:
    """The reminder a certificate with `days_left` is due: the smallest of 90/30/7 it is within."""
    due = [days for days in REMINDER_DAYS if 0 <= days_left <= days]
    return min(due) if due else None


@dataclass(frozen=True)
class ExpiringCertificate:
    certificate: Certificate
    product: Product
    days_left: int
    threshold: int


def expiring_certificates(on: date, *, producer_id: int | None = None) -> list[ExpiringCertificate]:
    """Verified certificates expiring within 90 days of `on`, not already renewed, soonest first."""
    query = (
        select(Certificate)
        .join(Product, Product.id == Certificate.product_id)
        .where(
            Certificate.status == CertificateStatus.VERIFIED.value,
            Certificate.expires_on.between(on, on + timedelta(days=max(REMINDER_DAYS))),
        )
        .order_by(Certificate.expires_on, Certificate.id)
    )
    if producer_id is not None:
        query = query.where(Product.producer_id == producer_id)
    found = []
    for cert in db.session.scalars(query):
        if _superseded(cert):
            continue
        days_left = (cert.expires_on - on).days
        threshold = reminder_threshold(days_left)
        if threshold is not None:
            found.append(ExpiringCertificate(cert, cert.product, days_left, threshold))
    return found


def claim_due_reminders(on: date, *, now: datetime) -> list[ExpiringCertificate]:
    """The reminders due on `on` that were never given, recorded as given. Flushes.

    Idempotent per certificate and threshold: running it twice the same day (or every day)
    gives each reminder once; a certificate first seen at 20 days gets only its 30-day one.
    """
    due = expiring_certificates(on)
    if not due:
        return []
    given = {
        (certificate_id, days_before)
        for certificate_id, days_before in db.session.execute(
            select(CertificateReminder.certificate_id, CertificateReminder.days_before).where(
                CertificateReminder.certificate_id.in_([d.certificate.id for d in due])
            )
        )
    }
    claimed = []
    for item in due:
        if (item.certificate.id, item.threshold) in given:
            continue
        db.session.add(
            CertificateReminder(
                certificate_id=item.certificate.id, days_before=item.threshold, created_at=now
            )
        )
        claimed.append(item)
    db.session.flush()
    return claimed
