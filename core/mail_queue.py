"""The one mail queue: every e-mail the shop sends is a row here, queued in the transaction of the
change it reports and delivered later by `flask mail send`.

A mail server that is down never loses a message nor fails the action that queued it. A message
is either rendered when queued (account and producer e-mails: the web layer knew the language
and the link) or carries a `context` and is rendered when sent, from the data as it is then
(order e-mails, in the buyer's language). Each message is tried at most MAX_ATTEMPTS times; a
failure is recorded and the message stays for the next run. A mail server that cannot be
reached (`MailServerUnavailable`) is not the message's fault: the run stops there and no
attempt is counted, so an outage of any length loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .clock import utcnow
from .db import UTCDateTime, db

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


class QueuedMail(db.Model):
    """One e-mail waiting to be sent (or sent: `sent_at` is set)."""

    __tablename__ = "mail_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # e.g. "password_reset", "order_status"
    to_address: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    # Empty until rendered: messages with a `context` are rendered when sent.
    subject: Mapped[str] = mapped_column(String(255), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    # What a message rendered at send time is about, e.g. {"order_id": 7, "status": "paid"}.
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_rendered(self) -> bool:
        return bool(self.subject or self.body_text)


@dataclass(frozen=True)
class RenderedEmail:
    to_address: str
    subject: str
    body_text: str


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    server_unavailable: bool = False


class MailServerUnavailable(Exception):
    """The mail server cannot be reached (refused, timed out, dropped): try again later."""


def enqueue_rendered(kind: str, email: RenderedEmail, *, locale: str) -> QueuedMail:
    """Queue an e-mail rendered already (the caller knew the language and the links). Flushes."""
    message = QueuedMail(kind=kind, to_address=email.to_address, locale=locale)
    message.subject, message.body_text = email.subject, email.body_text
    return _enqueue(message)


def enqueue_to_render(
    kind: str, to_address: str, *, locale: str, context: dict[str, Any]
) -> QueuedMail:
    """Queue an e-mail rendered when sent, in `locale`, from what `context` names. Flushes."""
    return _enqueue(QueuedMail(kind=kind, to_address=to_address, locale=locale, context=context))


def _enqueue(message: QueuedMail) -> QueuedMail:
    db.session.add(message)
    db.session.flush()
    return message


def deliver_pending(
    render: Callable[[QueuedMail], RenderedEmail],
    send: Callable[[RenderedEmail], None],
    *,
    now: datetime,
    limit: int = 100,
) -> DeliveryReport:
    """Render and send each unsent message, oldest first. Owns its transactions: commits after
    each message, so one failure neither blocks nor loses the others."""
    report = DeliveryReport()
    messages = db.session.scalars(
        select(QueuedMail)
        .where(QueuedMail.sent_at.is_(None), QueuedMail.attempt_count < MAX_ATTEMPTS)
        .order_by(QueuedMail.id)
        .limit(limit)
    ).all()
    for message in messages:
        message.attempt_count += 1
        try:
            send(render(message))
        except MailServerUnavailable as error:  # nobody to hand it to: stop, count nothing
            message.attempt_count -= 1
            message.last_error = f"mail server unavailable: {error}"[:2000]
            report.failed += 1
            report.server_unavailable = True
            log.warning("mail server unavailable, %s message(s) kept: %s", len(messages), error)
            db.session.commit()
            break
        except Exception as error:  # any render or mail failure: keep it for the next run
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            report.failed += 1
            log.warning("mail %s (%s) not sent: %s", message.id, message.kind, message.last_error)
        else:
            message.sent_at = now
            message.last_error = ""
            report.sent += 1
        db.session.commit()
    return report
