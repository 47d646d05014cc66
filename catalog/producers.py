"""Producers as seen from their own portal, and onboarding (apply → approve/reject → producer).

Every getter here takes the acting member's `producer_id` and filters on it in the query itself,
so an id guessed in a URL can never reach another producer's row: it is simply "not found".
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, union_all

from accounts.audit import record_audit
from accounts.models import Role, User
from core.db import db
from core.text import nfc, slugify

from .enums import ApplicationStatus, ProducerKind
from .errors import (
    ApplicationAlreadyDecided,
    ApplicationNotFound,
    BatchNotFound,
    CertificateNotFound,
    PhotoNotFound,
    ProductNotFound,
)
from .models import (
    Batch,
    Certificate,
    Producer,
    ProducerApplication,
    Product,
    ProductImage,
    ScanCount,
    product_load_options,
)


def get_product_for_producer(producer_id: int, product_id: int) -> Product:
    """One of this producer's products; ProductNotFound for anyone else's (or none)."""
    product = db.session.scalar(
        select(Product)
        .where(Product.id == product_id, Product.producer_id == producer_id)
        .options(*product_load_options())
    )
    if product is None:
        raise ProductNotFound(product_id=product_id)
    return product


def get_certificate_for_producer(producer_id: int, certificate_id: int) -> Certificate:
    certificate = db.session.scalar(
        select(Certificate)
        .join(Product, Product.id == Certificate.product_id)
        .where(Certificate.id == certificate_id, Product.producer_id == producer_id)
    )
    if certificate is None:
        raise CertificateNotFound(certificate_id=certificate_id)
    return certificate


def get_photo_for_producer(producer_id: int, product_id: int, image_id: int) -> ProductImage:
    image = db.session.scalar(
        select(ProductImage)
        .join(Product, Product.id == ProductImage.product_id)
        .where(
            ProductImage.id == image_id,
            ProductImage.product_id == product_id,
            Product.producer_id == producer_id,
        )
    )
    if image is None:
        raise PhotoNotFound(image_id=image_id)
    return image


def get_batch_for_producer(producer_id: int, batch_id: int) -> Batch:
    batch = db.session.scalar(
        select(Batch)
        .join(Product, Product.id == Batch.product_id)
        .where(Batch.id == batch_id, Product.producer_id == producer_id)
    )
    if batch is None:
        raise BatchNotFound(batch_id=batch_id)
    return batch


def origin_scans_by_product(producer_id: int, since: date) -> dict[int, int]:
    """Origin-page scans since `since` per product of this producer (product and batch codes)."""
    codes = union_all(
        select(Product.id.label("product_id"), Product.origin_code.label("code")).where(
            Product.producer_id == producer_id
        ),
        select(Batch.product_id, Batch.code)
        .join(Product, Product.id == Batch.product_id)
        .where(Product.producer_id == producer_id),
    ).subquery()
    rows = db.session.execute(
        select(codes.c.product_id, func.sum(ScanCount.scan_count))
        .join(ScanCount, ScanCount.code == codes.c.code)
        .where(ScanCount.scanned_on >= since)
        .group_by(codes.c.product_id)
    )
    return {product_id: int(total or 0) for product_id, total in rows}


def list_producer_products(producer_id: int) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.producer_id == producer_id)
            .options(*product_load_options())
            .order_by(Product.name, Product.id)
        ).all()
    )


def low_stock_products(producer_id: int, threshold: int) -> list[Product]:
    """Listed products with `threshold` units or fewer left."""
    return list(
        db.session.scalars(
            select(Product)
            .where(
                Product.producer_id == producer_id,
                Product.is_listed.is_(True),
                Product.stock <= threshold,
            )
            .order_by(Product.stock, Product.name)
        ).all()
    )


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
        name=nfc(details.name).strip(),
        registration_no=nfc(details.registration_no).strip(),
        province_code=details.province_code,
        commune_code=details.commune_code,
        commune=nfc(details.commune).strip(),
        address=nfc(details.address).strip(),
        contact_name=nfc(details.contact_name).strip(),
        phone=nfc(details.phone).strip(),
        email=nfc(details.email).strip().lower(),
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


def get_application(application_id: int) -> ProducerApplication:
    application = db.session.get(ProducerApplication, application_id)
    if application is None:
        raise ApplicationNotFound(application_id=application_id)
    return application


def _unique_producer_slug(name: str) -> str:
    base = slugify(name)[:140] or "producer"
    slug = base
    while db.session.scalar(select(Producer.id).where(Producer.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def approve_application(
    application: ProducerApplication, *, actor_id: int, now: datetime
) -> Producer:
    """Create the producer and make the applicant its owner. Flushes; audits."""
    if application.status != ApplicationStatus.PENDING.value:
        raise ApplicationAlreadyDecided(application_id=application.id)
    producer = Producer(
        slug=_unique_producer_slug(application.name),
        name=application.name,
        kind=application.kind,
        province_code=application.province_code,
        commune=application.commune,
        address=application.address,
        phone=application.phone,
        registration_no=application.registration_no,
        is_active=True,
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
    record_audit(
        actor_id=actor_id,
        action="producer.approved",
        entity="producer",
        entity_id=producer.id,
        before=None,
        after={"application_id": application.id, "name": producer.name},
        now=now,
    )
    db.session.flush()
    return producer


def reject_application(
    application: ProducerApplication, *, reason: str, actor_id: int, now: datetime
) -> None:
    if application.status != ApplicationStatus.PENDING.value:
        raise ApplicationAlreadyDecided(application_id=application.id)
    application.status = ApplicationStatus.REJECTED.value
    application.reason = nfc(reason).strip()[:500]
    application.decided_by_id = actor_id
    application.decided_at = now
    record_audit(
        actor_id=actor_id,
        action="application.rejected",
        entity="producer_application",
        entity_id=application.id,
        before={"status": ApplicationStatus.PENDING.value},
        after={"status": application.status, "reason": application.reason},
        now=now,
    )
    db.session.flush()


def set_producer_active(
    producer: Producer, active: bool, *, actor_id: int, reason: str = "", now: datetime
) -> None:
    """Deactivate (every product off sale at once) or reactivate a producer. Audited."""
    if producer.is_active == active:
        return
    record_audit(
        actor_id=actor_id,
        action="producer.activated" if active else "producer.deactivated",
        entity="producer",
        entity_id=producer.id,
        before={"is_active": producer.is_active},
        after={"is_active": active, "reason": nfc(reason).strip()[:500]},
        now=now,
    )
    producer.is_active = active
    db.session.flush()


def product_ids_of_producer(producer_id: int) -> list[int]:
    return list(db.session.scalars(select(Product.id).where(Product.producer_id == producer_id)))
