"""A producer's money: its own ledger only (balance, pending, available, one line per sale,
fee, refund and payout), monthly statements (printable HTML and CSV, vi or en) and the payout
bank account, whose changes wait for admin approval."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from flask import Response, abort, current_app, flash, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from catalog.producers import get_producer
from core import clock
from orders.fulfilment import get_part_for_producer
from settlement.bank_accounts import (
    approved_bank_account,
    pending_bank_account,
    request_bank_account,
    vietqr_banks,
)
from settlement.einvoice import einvoice_csv, einvoice_json, invoice_for_part, invoices_of_month
from settlement.errors import SettlementError
from settlement.ledger import producer_figures
from settlement.statements import (
    month_bounds,
    monthly_statement,
    months_with_entries,
    statement_lines,
)

from ..access import access, current_producer_id
from ..common.responses import saved
from ..common.settlement import SETTLEMENT_HELPERS, notify_bank_account, statement_csv_response
from ..errors import message_for
from . import bp
from .forms import BankAccountForm

LEDGER_LINES_SHOWN = 200


@bp.get("/ledger")
@access("producer")
def ledger():
    producer_id = current_producer_id()
    return render_template(
        "producer/ledger.html",
        figures=producer_figures(producer_id, now=clock.utcnow()),
        lines=statement_lines(producer_id, limit=LEDGER_LINES_SHOWN, newest_first=True),
        months=list(reversed(months_with_entries(producer_id))),
        bank_account=approved_bank_account(producer_id),
        pending_account=pending_bank_account(producer_id),
        **SETTLEMENT_HELPERS,
    )


def _in_statement_language() -> AbstractContextManager:
    """`?lang=vi|en` prints a statement in that language; otherwise the page's language."""
    lang = request.args.get("lang")
    return force_locale(lang) if lang in ("vi", "en") else nullcontext()


def _month_or_404(year: int, month: int) -> None:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)


@bp.get("/ledger/statements/<int:year>/<int:month>")
@access("producer")
def statement(year: int, month: int):
    """The month's statement, printable, in the page's language or `?lang=vi|en`."""
    _month_or_404(year, month)
    producer_id = current_producer_id()
    with _in_statement_language():
        return render_template(
            "producer/statement.html",
            statement=monthly_statement(producer_id, year, month),
            producer=get_producer(producer_id),
            **SETTLEMENT_HELPERS,
        )


@bp.get("/ledger/statements/<int:year>/<int:month>.csv")
@access("producer")
def statement_csv(year: int, month: int):
    _month_or_404(year, month)
    producer_id = current_producer_id()
    with _in_statement_language():
        return statement_csv_response(
            monthly_statement(producer_id, year, month), get_producer(producer_id)
        )


@bp.route("/bank-account", methods=["GET", "POST"])
@access("producer_owner")
def bank_account():
    producer_id = current_producer_id()
    form = BankAccountForm()
    form.bank_bin.choices = [(b.bin, f"{b.short_name} — {b.name}") for b in vietqr_banks()]
    if form.validate_on_submit():
        try:
            row = request_bank_account(
                producer_id,
                bank_bin=form.bank_bin.data,
                account_no=form.account_no.data,
                account_name=form.account_name.data,
                actor_id=current_user.id,
                now=clock.utcnow(),
            )
        except SettlementError as error:
            flash(message_for(error), "error")
        else:
            notify_bank_account(row, get_producer(producer_id), "requested")
            return saved(
                _("Sent for approval. Payouts keep going to the approved account until then."),
                "producer.ledger",
            )
    elif request.method == "POST":
        flash(_("Check the bank account details."), "error")
    return render_template(
        "producer/bank_account.html",
        form=form,
        bank_account=approved_bank_account(producer_id),
        pending_account=pending_bank_account(producer_id),
        **SETTLEMENT_HELPERS,
    )


# --- e-invoice data -----------------------------------------------------------------------------


def _download(body: bytes | str, mimetype: str, name: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/orders/<int:part_id>/einvoice.<any(csv, json):fmt>")
@access("producer")
def einvoice(part_id: int, fmt: str):
    """One part's e-invoice data for the producer's e-invoice provider (CSV or JSON)."""
    part = get_part_for_producer(current_producer_id(), part_id)
    invoice = invoice_for_part(part, vat_rate=current_app.config["EINVOICE_VAT_RATE"])
    name = f"einvoice-{invoice.reference}.{fmt}"
    if fmt == "json":
        return _download(einvoice_json(invoice), "application/json", name)
    return _download(einvoice_csv([invoice]), "text/csv", name)


@bp.get("/ledger/einvoices/<int:year>/<int:month>.csv")
@access("producer")
def einvoices_month(year: int, month: int):
    """Every part sold in the month, one row per invoice line (CSV, UTF-8 with BOM)."""
    _month_or_404(year, month)
    start, end = month_bounds(year, month)
    invoices = invoices_of_month(
        current_producer_id(), start, end, vat_rate=current_app.config["EINVOICE_VAT_RATE"]
    )
    return _download(einvoice_csv(invoices), "text/csv", f"einvoices-{year}-{month:02d}.csv")
