"""The audit log: who changed a price, stock, certificate, producer or order status, and when.

Domain services call `record_audit` in the same transaction as the change, so the change and its
entry commit (or roll back) together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from core.db import db

from .models import AuditEntry, User


def record_audit(
    action: str,
    entity: Any,
    *,
    actor_id: int | None,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry to the session: `action` ("product.price") on `entity` — the changed row
    (its table and id), or ("product", id) for a row not at hand — by `actor_id` (None: the shop
    itself). Flushed with the change by the caller."""
    name, entity_id = entity if isinstance(entity, tuple) else (entity.__tablename__, entity.id)
    entry = AuditEntry(actor_id=actor_id, action=action, entity=name, entity_id=entity_id, at=now)
    entry.before, entry.after = before, after
    db.session.add(entry)
    return entry


def add_audited(
    row: Any, action: str, *, actor_id: int | None, now: datetime, after: dict[str, Any]
) -> None:
    """Add a new row and the audit entry of its creation (flushed first: the entry names the
    row's id). Flushes."""
    db.session.add(row)
    db.session.flush()
    record_audit(action, row, actor_id=actor_id, now=now, after=after)
    db.session.flush()


def select_audit_entries(
    *, entity: str | None = None, entity_id: int | None = None, action_prefix: str | None = None
) -> Select[tuple[AuditEntry]]:
    """Newest first, optionally for one entity or one family of actions ("product.")."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    return query


@dataclass(frozen=True)
class AuditLog:
    """Entries newest first, and the accounts that made them (missing id: the system)."""

    entries: list[AuditEntry]
    actors: dict[int, User]


def recent_audit_log(*, entity: str | None = None, limit: int = 100) -> AuditLog:
    """The newest `limit` entries (optionally of one entity kind) with their actors: two queries."""
    entries = list(db.session.scalars(select_audit_entries(entity=entity).limit(limit)))
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id}
    actors = (
        {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    return AuditLog(entries=entries, actors=actors)
