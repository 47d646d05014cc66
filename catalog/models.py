"""Producers (chủ thể OCOP), their products, and the OCOP certificates those products hold."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload

from core.clock import utcnow
from core.db import UTCDateTime, db

from .enums import ApplicationStatus, CertificateStatus, IssuerLevel, ProducerKind
from .origin.codes import CODE_LENGTH, origin_code_default


class Producer(db.Model):
    """A certified subject: cooperative (HTX), enterprise, household business or coop group."""

    __tablename__ = "producer"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32), default=ProducerKind.COOPERATIVE.value)
    # Current unit after the 2025 reform; `province_name_given` keeps the name the source used.
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    province_name_given: Mapped[str] = mapped_column(String(120), default="")
    commune: Mapped[str] = mapped_column(String(160), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    registration_no: Mapped[str] = mapped_column(String(64), default="")
    story: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    products: Mapped[list[Product]] = relationship(back_populates="producer")


class Product(db.Model):
    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint("price_vnd >= 0", name="price_not_negative"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producer.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    group: Mapped[str] = mapped_column(String(32), index=True)
    unit: Mapped[str] = mapped_column(String(80), default="")
    price_vnd: Mapped[int] = mapped_column(BigInteger)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    story: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    gtin: Mapped[str] = mapped_column(String(14), default="")
    # Printed under the QR stamp and never changed: a package bought years ago must still resolve.
    origin_code: Mapped[str] = mapped_column(
        String(CODE_LENGTH), unique=True, default=origin_code_default
    )
    weight_grams: Mapped[int] = mapped_column(Integer, default=0)
    # The producer may hide a listing without touching its certificate.
    is_listed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    producer: Mapped[Producer] = relationship(back_populates="products")
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="product",
        order_by="Certificate.issued_on.desc(), Certificate.id.desc()",
        cascade="all, delete-orphan",
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product",
        order_by="ProductImage.position",
        cascade="all, delete-orphan",
    )
    batches: Mapped[list[Batch]] = relationship(
        back_populates="product",
        order_by="Batch.produced_on.desc(), Batch.id.desc()",
        cascade="all, delete-orphan",
    )

    def name_in(self, locale: str) -> str:
        """The name in `locale`, falling back to Vietnamese."""
        return self.name_en if locale == "en" and self.name_en else self.name

    def story_in(self, locale: str) -> str:
        return self.story_en if locale == "en" and self.story_en else self.story


class ProductImage(db.Model):
    __tablename__ = "product_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    # Path relative to MEDIA_ROOT; files get safe generated names.
    path: Mapped[str] = mapped_column(String(255))
    alt: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    product: Mapped[Product] = relationship(back_populates="images")


class Certificate(db.Model):
    """One OCOP recognition of one product. A product keeps every certificate it ever held."""

    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        # The for-sale rule's lookup per product (catalog/for_sale.py), answered from the index
        # alone: product, then status, then the validity dates and stars (docs/performance.md).
        Index(
            "ix_certificate_product_validity",
            "product_id",
            "status",
            "expires_on",
            "issued_on",
            "stars",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    certificate_no: Mapped[str] = mapped_column(String(120), default="")
    decision_no: Mapped[str] = mapped_column(String(120), default="")
    # Exactly as printed: some issuing bodies (district UBNDs) no longer exist.
    issued_by: Mapped[str] = mapped_column(String(255), default="")
    issuer_level: Mapped[str] = mapped_column(String(16), default=IssuerLevel.PROVINCE.value)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(
        String(16), default=CertificateStatus.PENDING.value, index=True
    )
    status_reason: Mapped[str] = mapped_column(String(500), default="")
    revoked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The producer's scan (PDF/JPG/PNG), relative to CERTIFICATE_SCAN_ROOT, never publicly served.
    scan_path: Mapped[str] = mapped_column(String(255), default="")
    scan_media_type: Mapped[str] = mapped_column(String(64), default="")
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    product: Mapped[Product] = relationship(back_populates="certificates")


class CertificateReminder(db.Model):
    """An expiry reminder given for one certificate at one threshold (90, 30 or 7 days): once."""

    __tablename__ = "certificate_reminder"
    __table_args__ = (
        UniqueConstraint("certificate_id", "days_before", name="uq_certificate_reminder_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"), index=True)
    days_before: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProducerApplication(db.Model):
    """A would-be producer's request to sell here; an admin approves (→ Producer) or rejects it."""

    __tablename__ = "producer_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    registration_no: Mapped[str] = mapped_column(String(64))
    province_code: Mapped[str] = mapped_column(String(2))
    commune_code: Mapped[str] = mapped_column(String(8), default="")
    commune: Mapped[str] = mapped_column(String(160), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(
        String(16), default=ApplicationStatus.PENDING.value, index=True
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producer.id"), nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Batch(db.Model):
    """One production lot (lô) of a product, with its own origin code and QR stamp."""

    __tablename__ = "batch"
    __table_args__ = (
        UniqueConstraint("product_id", "lot_no", name="uq_batch_product_lot"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("best_before_on >= produced_on", name="best_before_after_production"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True, default=origin_code_default)
    lot_no: Mapped[str] = mapped_column(String(64))
    produced_on: Mapped[date] = mapped_column(Date)
    best_before_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    # Decree 37/2026 passport: "safety warnings where given" (allergens, storage, dosage...).
    safety_warnings: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="batches")


class ScanCount(db.Model):
    """How many times one origin code was scanned on one Vietnamese calendar day.

    Only a counter: no IP, no user agent, nothing about the person scanning.
    """

    __tablename__ = "scan_count"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    scanned_on: Mapped[date] = mapped_column(Date, primary_key=True)
    scan_count: Mapped[int] = mapped_column(Integer, default=0)


def product_load_options() -> tuple:
    """Loader options that fetch what every product page/card needs in a constant number of queries."""
    return (
        selectinload(Product.producer),
        selectinload(Product.certificates),
        selectinload(Product.images),
    )


def one_product_load_options() -> tuple:
    """Loader options for one product page: everything in a single joined query. A product has
    a few certificates and photos, so the joined rows stay few, and one statement costs ~1.5 ms
    where four (selectin, as for lists) cost ~4 ms. Run with `.unique()`."""
    return (
        joinedload(Product.producer),
        joinedload(Product.certificates),
        joinedload(Product.images),
    )
