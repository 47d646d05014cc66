"""Command-line tools of the portal: `flask certificates remind`, `flask mail send`."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import click
from flask import Flask, current_app, render_template, url_for
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from accounts.mail import enqueue_mail, send_pending_mail
from accounts.service import producer_members
from catalog.certification import claim_due_reminders
from core import clock
from core.db import db

from .navigation import public_url

certificates_cli = AppGroup("certificates", help="Certificate housekeeping.")
mail_cli = AppGroup("mail", help="Account and producer e-mails.")


@certificates_cli.command("remind")
def remind_command() -> None:
    """Queue expiry reminders (90, 30, 7 days before); each one is given once per certificate."""
    today = clock.today_in_vietnam()
    claimed = claim_due_reminders(today, now=clock.utcnow())
    # url_for needs a request; links are made absolute from PUBLIC_BASE_URL, not from this one.
    with current_app.test_request_context("/"):
        queued = _queue_reminder_mails(claimed)
    db.session.commit()
    click.echo(f"reminders due {len(claimed)}, e-mails queued {queued}")


def _queue_reminder_mails(claimed) -> int:
    queued = 0
    for item in claimed:
        producer = item.product.producer
        url = public_url(url_for("producer.certificate_new", product_id=item.product.id))
        with force_locale("vi"):
            subject = _("OCOP certificate expiring: %(product)s", product=item.product.name)
            body = render_template(
                "email/certificate_reminder.txt",
                producer=producer,
                product=item.product,
                certificate=item.certificate,
                days_left=item.days_left,
                url=url,
            )
        for member in producer_members(producer.id):
            if member.is_active:
                enqueue_mail(
                    kind="certificate_reminder",
                    to_address=member.email,
                    subject=subject,
                    body_text=body,
                )
                queued += 1
    return queued


def smtp_send(to_address: str, subject: str, body_text: str) -> None:
    config = current_app.config
    mail = EmailMessage()
    mail["From"] = config["MAIL_FROM"]
    mail["To"] = to_address
    mail["Subject"] = subject
    mail.set_content(body_text)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        smtp.send_message(mail)


@mail_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
def send_command(limit: int) -> None:
    """Send queued account/producer e-mails by SMTP; failures are retried on the next run."""
    report = send_pending_mail(smtp_send, now=clock.utcnow(), limit=limit)
    click.echo(f"sent {report.sent}, failed {report.failed}")


def register_portal_cli(app: Flask) -> None:
    app.cli.add_command(certificates_cli)
    app.cli.add_command(mail_cli)
