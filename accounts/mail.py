"""Account and producer e-mails (password reset, invitation, certificate reminders) via a table.

Queued in the caller's transaction, delivered later by `flask mail send`: a mail server that is
down never loses a message nor fails the action that queued it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from core.db import db
from core.mail_queue import DeliveryReport, deliver_pending

from .models import MailMessage


def enqueue_mail(*, kind: str, to_address: str, subject: str, body_text: str) -> MailMessage:
    """Queue an already rendered e-mail. Flushes only."""
    message = MailMessage(kind=kind, to_address=to_address, subject=subject, body_text=body_text)
    db.session.add(message)
    db.session.flush()
    return message


def send_pending_mail(
    deliver: Callable[[str, str, str], None], *, now: datetime, limit: int = 100
) -> DeliveryReport:
    """Deliver unsent messages with `deliver(to, subject, body)`; commits after each one."""
    return deliver_pending(
        MailMessage,
        lambda message: deliver(message.to_address, message.subject, message.body_text),
        now=now,
        limit=limit,
    )
