"""Account and producer e-mails (password reset, invitation, certificate reminders) via a table.

Queued in the caller's transaction, delivered later by `flask mail send`: a mail server that is
down never loses a message nor fails the action that queued it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.db import db

from .models import MailMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


def enqueue_mail(*, kind: str, to_address: str, subject: str, body_text: str) -> MailMessage:
    """Queue an already rendered e-mail. Flushes only."""
    message = MailMessage(kind=kind, to_address=to_address, subject=subject, body_text=body_text)
    db.session.add(message)
    db.session.flush()
    return message


@dataclass
class MailReport:
    sent: int = 0
    failed: int = 0


def send_pending_mail(
    deliver: Callable[[str, str, str], None], *, now: datetime, limit: int = 100
) -> MailReport:
    """Deliver unsent messages with `deliver(to, subject, body)`; commits after each one."""
    report = MailReport()
    messages = db.session.scalars(
        select(MailMessage)
        .where(MailMessage.sent_at.is_(None), MailMessage.attempt_count < MAX_ATTEMPTS)
        .order_by(MailMessage.id)
        .limit(limit)
    ).all()
    for message in messages:
        message.attempt_count += 1
        try:
            deliver(message.to_address, message.subject, message.body_text)
        except Exception as error:  # any mail failure: keep the message for the next run
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            report.failed += 1
            log.warning("mail message %s not sent: %s", message.id, message.last_error)
        else:
            message.sent_at = now
            message.last_error = ""
            report.sent += 1
        db.session.commit()
    return report
