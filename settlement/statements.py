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

from core.clock import VN_TZ
from core.db import db
from orders.models import Order, OrderPart

from .enums import CASH_ACCOUNTS, Account, JournalKind
from .ledger import account_totals, producer_balances
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
