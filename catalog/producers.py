"""Producers: onboarding (apply → approve/reject → producer), activation, lookups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from accounts.audit import record_audit
from accounts.models import Role, User
from core.db import db
from core.text import clean_text, slugify

from .enums import ApplicationStatus, ProducerKind
from .errors import ApplicationAlreadyDecided, ApplicationNotFound, ProducerNotFound
from .models import Producer, ProducerApplication, Product
from .slugs import unique_slug

# What an approved application carries over to the producer it creates.
FROM_APPLICATION = [
    "name",
    "kind",
    "province_code",
    "commune",
    "address",
    "phone",
    "registration_no",
]


def get_producer_by_slug(slug: str) -> Producer | None:
    return db.session.scalar(select(Producer).where(Producer.slug == slug))


def get_producer(producer_id: int) -> Producer:
    """Any producer (admin side, or the member's own); ProducerNotFound if there is none."""
    producer = db.session.get(Producer, producer_id)
    if producer is None:
        raise ProducerNotFound(producer_id=producer_id)
    return producer


def producer_is_active(producer_id: int) -> bool:
    """The producer exists and may sell (its members may use the portal)."""
    producer = db.session.get(Producer, producer_id)
    return producer is not None and producer.is_active


def producers_with_product_counts() -> list[tuple[Producer, int]]:
    """Every producer by name, with how many products it lists (one query)."""
    counts = (
        select(Product.producer_id, func.count(Product.id).label("product_count"))
        .group_by(Product.producer_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Producer, func.coalesce(counts.c.product_count, 0))
        .outerjoin(counts, counts.c.producer_id == Producer.id)
        .order_by(Producer.name, Producer.id)
    )
    return [(producer, int(count)) for producer, count in rows]


# --- onboarding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationDetails:
    kind: ProducerKind
    name: str
    registration_no: str
    province_code: str
    commune_code: str
    commune: str
    address: str
    contact_name: str
    phone: str
    email: str


def submit_application(applicant: User, details: ApplicationDetails) -> ProducerApplication:
    """Record a request to sell here. Flushes."""
    application = ProducerApplication(
        applicant_id=applicant.id,
        kind=details.kind.value,
        name=clean_text(details.name),
        registration_no=clean_text(details.registration_no),
        province_code=details.province_code,
        commune_code=details.commune_code,
        commune=clean_text(details.commune),
        address=clean_text(details.address),
        contact_name=clean_text(details.contact_name),
        phone=clean_text(details.phone),
        email=clean_text(details.email).lower(),
    )
    db.session.add(application)
    db.session.flush()
    return application


def pending_application_of(user_id: int) -> ProducerApplication | None:
    return db.session.scalar(
        select(ProducerApplication)
        .where(ProducerApplication.applicant_id == user_id)
        .order_by(ProducerApplication.id.desc())
        .limit(1)
    )


def list_applications() -> list[ProducerApplication]:
    """Every application, pending ones first, newest first."""
    return list(
        db.session.scalars(
            select(ProducerApplication).order_by(
                (ProducerApplication.status == ApplicationStatus.PENDING.value).desc(),
                ProducerApplication.id.desc(),
            )
        )
    )


def count_pending_applications() -> int:
    return int(
        db.session.scalar(
            select(func.count(ProducerApplication.id)).where(
                ProducerApplication.status == ApplicationStatus.PENDING.value
            )
        )
        or 0
    )


def get_application(application_id: int) -> ProducerApplication:
    application = db.session.get(ProducerApplication, application_id)
    if application is None:
        raise ApplicationNotFound(application_id=application_id)
    return application


def approve_application(
    application: ProducerApplication, *, actor_id: int, now: datetime
) -> Producer:
    """Create the producer and make the applicant its owner. Flushes; audits."""
    if application.status != ApplicationStatus.PENDING.value:
        raise ApplicationAlreadyDecided(application_id=application.id)
    producer = Producer(
        slug=unique_slug(Producer.slug, slugify(application.name)[:140] or "producer"),
        is_active=True,
        **{field: getattr(application, field) for field in FROM_APPLICATION},
    )
    db.session.add(producer)
    db.session.flush()
    applicant = db.session.get(User, application.applicant_id)
    if applicant is not None and applicant.role != Role.ADMIN.value:
        applicant.role = Role.PRODUCER.value
        applicant.producer_id = producer.id
        applicant.is_owner = True
    application.status = ApplicationStatus.APPROVED.value
    application.producer_id = producer.id
    application.decided_by_id = actor_id
    application.decided_at = now
    after = {"application_id": application.id, "name": producer.name}
    record_audit("producer.approved", producer, actor_id=actor_id, now=now, after=after)
    db.session.flush()
    return producer


def reject_application(
    application: ProducerApplication, *, reason: str, actor_id: int, now: datetime
) -> None:
    if application.status != ApplicationStatus.PENDING.value:
        raise ApplicationAlreadyDecided(application_id=application.id)
    application.status = ApplicationStatus.REJECTED.value
    application.reason = clean_text(reason)[:500]
    application.decided_by_id = actor_id
    application.decided_at = now
    before = {"status": ApplicationStatus.PENDING.value}
    after = {"status": application.status, "reason": application.reason}
    record_audit(
        "application.rejected", application, actor_id=actor_id, now=now, before=before, after=after
    )
    db.session.flush()


def set_producer_active(
    producer: Producer, active: bool, *, actor_id: int, reason: str = "", now: datetime
) -> None:
    """Deactivate (every product off sale at once) or reactivate a producer. Audited."""
    if producer.is_active == active:
        return
    action = "producer.activated" if active else "producer.deactivated"
    before = {"is_active": producer.is_active}
    after = {"is_active": active, "reason": clean_text(reason)[:500]}
    record_audit(action, producer, actor_id=actor_id, now=now, before=before, after=after)
    producer.is_active = active
    db.session.flush()
