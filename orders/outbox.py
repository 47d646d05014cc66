"""E-mails written to an outbox table in the order's own transaction, sent later by a CLI.

A mail server that is down never loses or blocks an order: the order change and its message
commit together, and `send_pending` retries failed messages on the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.db import db
from core.mail_queue import DeliveryReport, deliver_pending

from .enums import OutboxKind
from .models import Order, OrderPart, OutboxMessage


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


def send_pending(
    render: Callable[[OutboxMessage], RenderedEmail],
    deliver: Callable[[RenderedEmail], None],
    *,
    now: datetime,
    limit: int = 100,
) -> DeliveryReport:
    """Render and deliver unsent messages, committing after each one (owns its transactions)."""
    return deliver_pending(
        OutboxMessage, lambda message: deliver(render(message)), now=now, limit=limit
    )
