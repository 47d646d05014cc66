"""`flask mail send`: deliver every queued e-mail by SMTP (MAIL_SERVER, MAIL_PORT, MAIL_FROM)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from flask_babel import force_locale

from core import clock
from core.mail_queue import MailServerUnavailable, QueuedMail, RenderedEmail, deliver_pending
from orders.enums import OrderEmailKind
from orders.notifications import order_email_subject

group = AppGroup("mail", help="The e-mail queue.")

ORDER_EMAIL_KINDS = frozenset(kind.value for kind in OrderEmailKind)


def render_queued_mail(message: QueuedMail) -> RenderedEmail:
    """The message as sent: as queued, or (order e-mails) rendered now in the buyer's language
    from the order as it is now."""
    if message.is_rendered:
        return RenderedEmail(message.to_address, message.subject, message.body_text)
    if message.kind not in ORDER_EMAIL_KINDS:
        raise ValueError(f"no way to render a {message.kind!r} e-mail")
    order, part, status = order_email_subject(message)
    context = {"order": order, "part": part, "status": status, "locale": message.locale}
    with force_locale(message.locale or "vi"):
        subject = render_template(f"email/{message.kind}_subject.txt", **context).strip()
        body = render_template(f"email/{message.kind}.txt", **context)
    return RenderedEmail(to_address=message.to_address, subject=subject, body_text=body)


def smtp_deliver(email: RenderedEmail) -> None:
    config = current_app.config
    mail = EmailMessage()
    mail["From"] = config["MAIL_FROM"]
    mail["To"] = email.to_address
    mail["Subject"] = email.subject
    mail.set_content(email.body_text)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            smtp.send_message(mail)
    except MESSAGE_REFUSED:
        raise  # this message's fault (an address refused): counts as an attempt
    except OSError as error:  # refused, timed out, dropped, or an SMTP error of the server
        raise MailServerUnavailable(f"{type(error).__name__}: {error}") from error


# Refusals that are about one message, not about the server (smtplib's errors are OSErrors).
MESSAGE_REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


@group.command("send")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
def send_command(limit: int) -> None:
    """Send queued e-mails (orders, accounts, producers); failures are retried on the next run."""
    report = deliver_pending(render_queued_mail, smtp_deliver, now=clock.utcnow(), limit=limit)
    click.echo(f"sent {report.sent}, failed {report.failed}")
    if report.server_unavailable:
        click.echo("mail server unavailable: the queue is kept for the next run", err=True)
