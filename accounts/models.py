"""User accounts. Passwords are stored only as salted hashes (werkzeug scrypt)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from core.clock import utcnow
from core.db import UTCDateTime, db


class Role(StrEnum):
    BUYER = "buyer"
    PRODUCER = "producer"  # member of one producer
    ADMIN = "admin"  # OCOP program staff
    KIOSK_STAFF = "kiosk_staff"  # works the counter of one or more display points


class User(db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.BUYER.value)
    # Set for producer members; string FK so accounts does not import catalog.
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producer.id"), nullable=True)
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Flask-Login protocol, written out so the model needs no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class AuditEntry(db.Model):
    """Who changed what, and when: written in the same transaction as the change itself."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for the system (webhooks, scheduled jobs).
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "product.price"
    entity: Mapped[str] = mapped_column(String(32))  # e.g. "product"
    entity_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
