"""Delivering queued e-mails: one loop for every queue table (order outbox, account mail).

A queue table has `id`, `sent_at`, `attempt_count` and `last_error`. Each message is tried at
most MAX_ATTEMPTS times; a failure is recorded and the message stays for the next run, so a mail
server that is down never loses a message nor blocks what queued it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from .db import db

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def deliver_pending(
    model: type[Any], send: Callable[[Any], None], *, now: datetime, limit: int = 100
) -> DeliveryReport:
    """Call `send(message)` for each unsent message of `model`; commits after each one."""
    report = DeliveryReport()
    messages = db.session.scalars(
        select(model)
        .where(model.sent_at.is_(None), model.attempt_count < MAX_ATTEMPTS)
        .order_by(model.id)
        .limit(limit)
    ).all()
    for message in messages:
        message.attempt_count += 1
        try:
            send(message)
        except Exception as error:  # any mail failure: keep the message for the next run
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            report.failed += 1
            log.warning("%s %s not sent: %s", model.__tablename__, message.id, message.last_error)
        else:
            message.sent_at = now
            message.last_error = ""
            report.sent += 1
        db.session.commit()
    return report
