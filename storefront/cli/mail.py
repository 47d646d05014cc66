"""`flask mail send` (account and producer e-mails) and `flask outbox send` (order e-mails)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from flask_babel import force_locale

from accounts.mail import send_pending_mail
from core import clock
from core.db import db
from orders.models import Order, OrderPart, OutboxMessage
from orders.outbox import RenderedEmail, send_pending

group = AppGroup("mail", help="Account and producer e-mails.")
outbox_group = AppGroup("outbox", help="Send the e-mails waiting in the outbox.")


def render_outbox_message(message: OutboxMessage) -> RenderedEmail:
    """Render an outbox row in the buyer's language from the order as it is now."""
    order = db.session.get(Order, message.order_id)
    part = db.session.get(OrderPart, message.part_id) if message.part_id else None
    with force_locale(message.locale or "vi"):
        subject = render_template(
            f"email/{message.kind}_subject.txt", order=order, part=part, message=message
        ).strip()
        body = render_template(f"email/{message.kind}.txt", order=order, part=part, message=message)
    return RenderedEmail(to_address=message.to_address, subject=subject, body_text=body)


def smtp_deliver(email: RenderedEmail) -> None:
    config = current_app.config
    mail = EmailMessage()
    mail["From"] = config["MAIL_FROM"]
    mail["To"] = email.to_address
    mail["Subject"] = email.subject
    mail.set_content(email.body_text)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        smtp.send_message(mail)


@outbox_group.command("send")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
def send_outbox_command(limit: int) -> None:
    """Send pending e-mails by SMTP (MAIL_SERVER, MAIL_PORT, MAIL_FROM); failures are retried later."""
    report = send_pending(render_outbox_message, smtp_deliver, now=clock.utcnow(), limit=limit)
    click.echo(f"sent {report.sent}, failed {report.failed}")


@group.command("send")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
def send_command(limit: int) -> None:
    """Send queued account/producer e-mails by SMTP; failures are retried on the next run."""
    report = send_pending_mail(
        lambda to, subject, body: smtp_deliver(RenderedEmail(to, subject, body)),
        now=clock.utcnow(),
        limit=limit,
    )
    click.echo(f"sent {report.sent}, failed {report.failed}")
