"""E-mails written to an outbox table in the order's own transaction, sent later by a CLI.

A mail server that is down never loses or blocks an order: the order change and its message
commit together, and `send_pending` retries failed messages on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.db import db

from .enums import OutboxKind
from .models import Order, OrderPart, OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class RenderedEmail:
    to_address: str
    subject: str
    body_text: str


def enqueue_order_email(
    order: Order, kind: OutboxKind, *, part: OrderPart | None = None, status: str = ""
) -> OutboxMessage | None:
    """Queue an e-mail about `order` (nothing when the buyer gave no address). Flushes only."""
    if not order.email:
        return None
    message = OutboxMessage(
        kind=kind.value,
        order_id=order.id,
        part_id=part.id if part is not None else None,
        status=status,
        to_address=order.email,
        locale=order.locale,
    )
    db.session.add(message)
    db.session.flush()
    return message


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0


def send_pending(
    render: Callable[[OutboxMessage], RenderedEmail],
    deliver: Callable[[RenderedEmail], None],
    *,
    now: datetime,
    limit: int = 100,
) -> SendReport:
    """Render and deliver unsent messages, committing after each one (owns its transactions)."""
    report = SendReport()
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempt_count < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    for message in messages:
        message.attempt_count += 1
        try:
            deliver(render(message))
        except Exception as error:  # any mail failure: keep the message for the next run
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            report.failed += 1
            log.warning("outbox message %s not sent: %s", message.id, message.last_error)
        else:
            message.sent_at = now
            message.last_error = ""
            report.sent += 1
        db.session.commit()
    return report
