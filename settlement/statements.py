"""What a producer reads: its ledger lines, monthly statements (CSV with BOM, printable HTML),
and the program's reconciliation: payments received − refunds − payouts − fees = balances.

Amounts on statements are from the producer's side: positive is money owed to it (a sale, a
fee given back, a failed payout returned), negative is money taken (a fee, a refund, a payout).
Months are calendar months in Vietnam (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from catalog.models import Producer
from core.clock import VN_TZ
from core.db import db
from orders.models import Order, OrderPart

from .enums import CASH_ACCOUNTS, Account, JournalKind
from .ledger import account_totals, part_money, producer_balances, producer_figures
from .models import LedgerJournal, LedgerLine


@dataclass(frozen=True)
class StatementLine:
    journal_id: int
    occurred_at: datetime
    kind: str  # a JournalKind value
    part_id: int | None
    order_number: str
    memo: str
    amount_vnd: int  # producer's side: + owed to the producer, − taken


@dataclass
class Statement:
    producer_id: int
    year: int
    month: int
    opening_vnd: int
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def closing_vnd(self) -> int:
        return self.opening_vnd + sum(line.amount_vnd for line in self.lines)

    def total_of(self, kind: JournalKind) -> int:
        return sum(line.amount_vnd for line in self.lines if line.kind == kind.value)

    def totals_by_kind(self) -> list[tuple[str, int]]:
        """The month's total of each kind of entry present, in the order of JournalKind."""
        present = {line.kind for line in self.lines}
        return [(k.value, self.total_of(k)) for k in JournalKind if k.value in present]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The UTC instants where a calendar month in Vietnam starts and ends (end exclusive)."""
    start = datetime(year, month, 1, tzinfo=VN_TZ)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=VN_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def _producer_sum(producer_id: int, *, before: datetime) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(LedgerLine.amount_vnd), 0))
        .join(LedgerJournal, LedgerJournal.id == LedgerLine.journal_id)
        .where(
            LedgerLine.account == Account.PRODUCER.value,
            LedgerLine.producer_id == producer_id,
            LedgerJournal.occurred_at < before,
        )
    )
    return -int(total or 0)


def statement_lines(
    producer_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[StatementLine]:
    """One line per journal touching the producer's account, in `[start, end)`."""
    amount = func.sum(LedgerLine.amount_vnd)
    query = (
        select(
            LedgerJournal.id,
            LedgerJournal.occurred_at,
            LedgerJournal.kind,
            LedgerJournal.part_id,
            LedgerJournal.memo,
            Order.number,
            amount,
        )
        .join(LedgerJournal, LedgerJournal.id == LedgerLine.journal_id)
        .outerjoin(OrderPart, OrderPart.id == LedgerJournal.part_id)
        .outerjoin(Order, Order.id == OrderPart.order_id)
        .where(LedgerLine.account == Account.PRODUCER.value, LedgerLine.producer_id == producer_id)
        .group_by(
            LedgerJournal.id,
            LedgerJournal.occurred_at,
            LedgerJournal.kind,
            LedgerJournal.part_id,
            LedgerJournal.memo,
            Order.number,
        )
    )
    if start is not None:
        query = query.where(LedgerJournal.occurred_at >= start)
    if end is not None:
        query = query.where(LedgerJournal.occurred_at < end)
    if newest_first:
        query = query.order_by(LedgerJournal.occurred_at.desc(), LedgerJournal.id.desc())
    else:
        query = query.order_by(LedgerJournal.occurred_at, LedgerJournal.id)
    query = query.limit(limit)
    return [
        StatementLine(
            journal_id=jid,
            occurred_at=at,
            kind=kind,
            part_id=part_id,
            order_number=number or "",
            memo=memo,
            amount_vnd=-int(total),
        )
        for jid, at, kind, part_id, memo, number, total in db.session.execute(query)
    ]


def monthly_statement(producer_id: int, year: int, month: int) -> Statement:
    start, end = month_bounds(year, month)
    return Statement(
        producer_id=producer_id,
        year=year,
        month=month,
        opening_vnd=_producer_sum(producer_id, before=start),
        lines=statement_lines(producer_id, start=start, end=end),
    )


def months_with_entries(producer_id: int) -> list[tuple[int, int]]:
    """(year, month) in Vietnam of every month with a line for the producer, oldest first."""
    instants = db.session.scalars(
        select(LedgerJournal.occurred_at)
        .join(LedgerLine, LedgerLine.journal_id == LedgerJournal.id)
        .where(LedgerLine.account == Account.PRODUCER.value, LedgerLine.producer_id == producer_id)
        .distinct()
    )
    months = {(at.astimezone(VN_TZ).year, at.astimezone(VN_TZ).month) for at in instants}
    return sorted(months)


def statement_csv(
    statement: Statement,
    *,
    header: tuple[str, ...],
    kind_label: Callable[[str], str],
    date_text: Callable[[datetime], str],
) -> bytes:
    """The statement as CSV, UTF-8 with BOM so spreadsheets show Vietnamese text correctly. The
    caller passes the translated header and labels; amounts are whole dong, without separators."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for line in statement.lines:
        writer.writerow(
            [
                date_text(line.occurred_at),
                kind_label(line.kind),
                line.order_number or line.memo,
                line.amount_vnd,
            ]
        )
    return out.getvalue().encode("utf-8-sig")


# --- reconciliation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    received_vnd: int  # payments received: card, VietQR, counter, COD collected
    refunded_vnd: int
    paid_out_vnd: int  # taken from balances by payouts (runs created, less failed lines)
    in_transit_vnd: int  # of which not yet confirmed by the bank (payout clearing)
    fees_vnd: int  # platform fees kept (after reversals)
    cash_vnd: int  # provider + bank + carrier − in transit, from the ledger
    balances_vnd: int  # sum of producers' balances
    by_account: dict[str, int]

    @property
    def balances_expected_vnd(self) -> int:
        return self.received_vnd - self.refunded_vnd - self.paid_out_vnd - self.fees_vnd

    @property
    def holds(self) -> bool:
        """Received − refunds − payouts − fees = balances, and the cash is all accounted for."""
        return (
            self.balances_expected_vnd == self.balances_vnd
            and self.cash_vnd == self.received_vnd - self.refunded_vnd - self.paid_out_vnd
            and sum(self.by_account.values()) == 0
        )


def _kind_account_sum(kind: JournalKind, account: Account) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(LedgerLine.amount_vnd), 0))
        .join(LedgerJournal, LedgerJournal.id == LedgerLine.journal_id)
        .where(LedgerJournal.kind == kind.value, LedgerLine.account == account.value)
    )
    return int(total or 0)


def reconciliation() -> Reconciliation:
    totals = account_totals()
    return Reconciliation(
        received_vnd=-_kind_account_sum(JournalKind.SALE, Account.PRODUCER),
        refunded_vnd=_kind_account_sum(JournalKind.REFUND, Account.PRODUCER),
        paid_out_vnd=_kind_account_sum(JournalKind.PAYOUT, Account.PRODUCER)
        + _kind_account_sum(JournalKind.PAYOUT_FAILED, Account.PRODUCER),
        in_transit_vnd=-totals.get(Account.PAYOUT_CLEARING.value, 0),
        fees_vnd=-totals.get(Account.FEE_INCOME.value, 0),
        cash_vnd=sum(totals.get(a.value, 0) for a in CASH_ACCOUNTS),
        balances_vnd=sum(producer_balances().values()),
        by_account=totals,
    )


# --- what program staff see ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProducerRow:
    producer_id: int
    name: str
    balance_vnd: int
    pending_vnd: int
    available_vnd: int


def producer_overview(*, now: datetime) -> list[ProducerRow]:
    """Every producer with entries: balance, pending and available, largest balance first."""
    names = dict(db.session.execute(select(Producer.id, Producer.name)).all())
    rows = []
    for producer_id in producer_balances():
        figures = producer_figures(producer_id, now=now)
        rows.append(
            ProducerRow(
                producer_id=producer_id,
                name=names.get(producer_id, ""),
                balance_vnd=figures.balance_vnd,
                pending_vnd=figures.pending_vnd,
                available_vnd=figures.available_vnd,
            )
        )
    return sorted(rows, key=lambda row: (-row.balance_vnd, row.producer_id))


@dataclass(frozen=True)
class PartRow:
    part_id: int
    order_number: str
    producer_name: str
    amount_vnd: int


def _parts_with(kind: JournalKind, account: Account, *, without: JournalKind | None, limit: int):
    remitted = (
        select(LedgerJournal.part_id).where(LedgerJournal.kind == without.value)
        if without
        else None
    )
    query = (
        select(OrderPart.id, Order.number, OrderPart.producer_name, func.sum(LedgerLine.amount_vnd))
        .join(LedgerJournal, LedgerJournal.id == LedgerLine.journal_id)
        .join(OrderPart, OrderPart.id == LedgerJournal.part_id)
        .join(Order, Order.id == OrderPart.order_id)
        .where(LedgerJournal.kind == kind.value, LedgerLine.account == account.value)
        .group_by(OrderPart.id, Order.number, OrderPart.producer_name)
        .order_by(OrderPart.id.desc())
        .limit(limit)
    )
    if remitted is not None:
        query = query.where(OrderPart.id.not_in(remitted))
    return [
        PartRow(pid, number, name, int(total))
        for pid, number, name, total in db.session.execute(query)
    ]


def cod_parts_to_remit(limit: int = 100) -> list[PartRow]:
    """COD parts delivered whose cash the carrier has not paid over yet (amount collected)."""
    return _parts_with(
        JournalKind.SALE, Account.CARRIER_COD, without=JournalKind.COD_REMITTANCE, limit=limit
    )


def refundable_parts(limit: int = 50) -> list[PartRow]:
    """The newest parts with money that may still be refunded (amount: what is left)."""
    rows = _parts_with(JournalKind.SALE, Account.PRODUCER, without=None, limit=limit)
    result = []
    for row in rows:
        left = part_money(row.part_id).refundable_vnd
        if left > 0:
            result.append(PartRow(row.part_id, row.order_number, row.producer_name, left))
    return result
