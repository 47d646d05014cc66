"""Web pieces of settlement the producer portal and the admin both use: translated labels of
journal kinds and states, the monthly statement as a CSV download, bank-account e-mails."""

from __future__ import annotations

from datetime import datetime

from flask import Response, render_template
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalog.models import Producer
from core.mail_queue import RenderedEmail, enqueue_rendered
from settlement.bank_accounts import bank_by_bin, mask_account_no, owner_addresses
from settlement.enums import BankAccountStatus, JournalKind, PayoutStatus
from settlement.models import ProducerBankAccount
from settlement.statements import Statement, statement_csv

from ..i18n import current_locale

JOURNAL_KIND_LABELS = {
    JournalKind.SALE.value: _l("Sale"),
    JournalKind.FEE.value: _l("Platform fee"),
    JournalKind.FEE_REVERSAL.value: _l("Fee returned"),
    JournalKind.REFUND.value: _l("Refund"),
    JournalKind.COD_REMITTANCE.value: _l("Cash remitted by the carrier"),
    JournalKind.PAYOUT.value: _l("Payout"),
    JournalKind.PAYOUT_PAID.value: _l("Payout confirmed"),
    JournalKind.PAYOUT_FAILED.value: _l("Payout failed, amount returned"),
}

PAYOUT_STATUS_LABELS = {
    PayoutStatus.PENDING.value: _l("waiting for the bank"),
    PayoutStatus.PAID.value: _l("paid"),
    PayoutStatus.FAILED.value: _l("failed"),
}

BANK_ACCOUNT_STATUS_LABELS = {
    BankAccountStatus.PENDING.value: _l("waiting for approval"),
    BankAccountStatus.APPROVED.value: _l("approved"),
    BankAccountStatus.REJECTED.value: _l("rejected"),
    BankAccountStatus.SUPERSEDED.value: _l("replaced"),
}


def journal_kind_label(code: str) -> str:
    return str(JOURNAL_KIND_LABELS.get(code, code))


def payout_status_label(code: str) -> str:
    return str(PAYOUT_STATUS_LABELS.get(code, code))


def bank_account_status_label(code: str) -> str:
    return str(BANK_ACCOUNT_STATUS_LABELS.get(code, code))


def bank_label(bank_bin: str) -> str:
    bank = bank_by_bin(bank_bin)
    return f"{bank.short_name} ({bank.bin})" if bank else bank_bin


SETTLEMENT_HELPERS = {
    "journal_kind_label": journal_kind_label,
    "payout_status_label": payout_status_label,
    "bank_account_status_label": bank_account_status_label,
    "bank_label": bank_label,
    "mask_account_no": mask_account_no,
}


def statement_csv_response(statement: Statement, producer: Producer) -> Response:
    """The month's statement as a download, in the page's language (UTF-8 with BOM)."""
    header = (_("Date"), _("Entry"), _("Order or reference"), _("Amount (VND)"))

    def date_text(instant: datetime) -> str:
        return format_datetime(instant, "yyyy-MM-dd HH:mm")

    body = statement_csv(
        statement, header=header, kind_label=journal_kind_label, date_text=date_text
    )
    name = f"statement-{producer.slug}-{statement.year}-{statement.month:02d}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def notify_bank_account(row: ProducerBankAccount, producer: Producer, event: str) -> None:
    """E-mail the producer's owners that its payout account was asked for, approved or
    rejected (through the one mail queue, in the current language)."""
    subjects = {
        "requested": _("Payout bank account change requested for %(name)s", name=producer.name),
        "approved": _("Payout bank account approved for %(name)s", name=producer.name),
        "rejected": _("Payout bank account change rejected for %(name)s", name=producer.name),
    }
    body = render_template(
        "email/bank_account_notice.txt",
        producer=producer,
        row=row,
        event=event,
        bank=bank_label(row.bank_bin),
        masked=mask_account_no(row.account_no),
    )
    for address in owner_addresses(producer.id):
        email = RenderedEmail(address, subjects[event], body)
        enqueue_rendered("bank_account", email, locale=current_locale())
