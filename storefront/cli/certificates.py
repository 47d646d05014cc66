"""`flask certificates remind`: queue expiry reminders for producers."""

from __future__ import annotations

import click
from flask import current_app, render_template, url_for
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from accounts.service import producer_members
from catalog.certificates.reminders import claim_due_reminders
from core import clock
from core.db import db
from core.mail_queue import RenderedEmail, enqueue_rendered

from ..common.urls import public_url

group = AppGroup("certificates", help="Certificate housekeeping.")

REMINDER_LOCALE = "vi"  # producers are Vietnamese businesses


@group.command("remind")
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
        with force_locale(REMINDER_LOCALE):
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
                email = RenderedEmail(member.email, subject, body)
                enqueue_rendered("certificate_reminder", email, locale=REMINDER_LOCALE)
                queued += 1
    return queued
