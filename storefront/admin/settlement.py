"""Program staff and the cooperatives' money: reconciliation, balances, payout runs (bank CSV,
paid/failed per line), bank-account approvals, COD remittances and refunds recorded by hand."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog.producers import get_producer
from core import clock
from core.db import db
from orders.errors import OrdersError
from orders.models import OrderPart
from settlement.bank_accounts import decide_bank_account, pending_bank_accounts
from settlement.enums import PayoutStatus
from settlement.errors import OrderPartMissing, SettlementError
from settlement.ledger import record_cod_remittance, refund_part
from settlement.payouts import create_payout_run, get_run, mark_payout_line, payout_csv, recent_runs
from settlement.statements import (
    cod_parts_to_remit,
    producer_overview,
    reconciliation,
    refundable_parts,
)

from ..access import access
from ..common.forms import ActionForm, ReasonForm, given_reason
from ..common.responses import saved
from ..common.settlement import SETTLEMENT_HELPERS, notify_bank_account
from ..errors import message_for
from . import bp
from .forms import RefundForm


def _back():
    return redirect(url_for("admin.settlement"))


def _failed(error: Exception):
    db.session.rollback()
    flash(message_for(error), "error")
    return _back()


@bp.get("/settlement")
@access("admin")
def settlement():
    now = clock.utcnow()
    producers = producer_overview(now=now)
    names = {row.producer_id: row.name for row in producers}
    bank_changes = pending_bank_accounts()
    for row in bank_changes:
        names.setdefault(row.producer_id, get_producer(row.producer_id).name)
    return render_template(
        "admin/settlement.html",
        rec=reconciliation(),
        producers=producers,
        names=names,
        runs=recent_runs(),
        bank_changes=bank_changes,
        to_remit=cod_parts_to_remit(),
        refundable=refundable_parts(),
        action_form=ActionForm(),
        reason_form=ReasonForm(),
        refund_form=RefundForm(),
        **SETTLEMENT_HELPERS,
    )


@bp.post("/payouts")
@access("admin")
def payout_create():
    if not ActionForm().validate_on_submit():
        return _back()
    result = create_payout_run(now=clock.utcnow(), actor_id=current_user.id)  # commits
    if result.run is None:
        flash(_("Nobody is due a payout now."), "info")
        return _back()
    flash(_("Payout run %(reference)s created.", reference=result.run.reference), "success")
    return redirect(url_for("admin.payout_run", run_id=result.run.id))


@bp.get("/payouts/<int:run_id>")
@access("admin")
def payout_run(run_id: int):
    run = get_run(run_id)
    names = {line.producer_id: get_producer(line.producer_id).name for line in run.lines}
    return render_template(
        "admin/payout_run.html",
        run=run,
        names=names,
        action_form=ActionForm(),
        **SETTLEMENT_HELPERS,
    )


@bp.get("/payouts/<int:run_id>/csv")
@access("admin")
def payout_run_csv(run_id: int):
    run = get_run(run_id)
    return Response(
        payout_csv(run),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="payout-{run.reference}.csv"'},
    )


@bp.post("/payouts/lines/<int:line_id>/<any(paid, failed):outcome>")
@access("admin")
def payout_line_mark(line_id: int, outcome: str):
    if not ActionForm().validate_on_submit():
        return _back()
    try:
        line = mark_payout_line(
            line_id, PayoutStatus(outcome), now=clock.utcnow(), actor_id=current_user.id
        )
    except SettlementError as error:
        return _failed(error)
    return saved(_("Payout line updated."), "admin.payout_run", run_id=line.run_id)


@bp.post("/bank-accounts/<int:account_id>/approve")
@access("admin")
def bank_account_approve(account_id: int):
    if not ActionForm().validate_on_submit():
        return _back()
    return _decide(account_id, approve=True, reason="")


@bp.post("/bank-accounts/<int:account_id>/reject")
@access("admin")
def bank_account_reject(account_id: int):
    if (reason := given_reason()) is None:
        return _back()
    return _decide(account_id, approve=False, reason=reason)


def _decide(account_id: int, *, approve: bool, reason: str):
    try:
        row = decide_bank_account(
            account_id, approve=approve, actor_id=current_user.id, now=clock.utcnow(), reason=reason
        )
    except SettlementError as error:
        return _failed(error)
    notify_bank_account(row, get_producer(row.producer_id), "approved" if approve else "rejected")
    return saved(
        _("Bank account approved.") if approve else _("Bank account change rejected."),
        "admin.settlement",
    )


def _part(part_id: int) -> OrderPart:
    part = db.session.get(OrderPart, part_id)
    if part is None:
        raise OrderPartMissing(part_id=part_id)
    return part


@bp.post("/settlement/parts/<int:part_id>/remit")
@access("admin")
def cod_remit(part_id: int):
    if not ActionForm().validate_on_submit():
        return _back()
    try:
        record_cod_remittance(_part(part_id), now=clock.utcnow(), actor_id=current_user.id)
    except SettlementError as error:
        return _failed(error)
    return saved(_("Remittance recorded."), "admin.settlement")


@bp.post("/settlement/parts/<int:part_id>/refund")
@access("admin")
def part_refund(part_id: int):
    form = RefundForm()
    if not form.validate_on_submit():
        flash(_("Enter the refunded amount in dong."), "error")
        return _back()
    try:
        refund_part(
            _part(part_id), form.amount_vnd.data, now=clock.utcnow(), actor_id=current_user.id
        )
    except (SettlementError, OrdersError) as error:
        return _failed(error)
    return saved(_("Refund recorded."), "admin.settlement")
