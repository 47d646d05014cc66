"""Payout runs: program staff pay each producer its available balance by bulk bank transfer.

A run takes, for every producer with an approved bank account and an available balance (parts
delivered and past the hold period) of at least the minimum, that whole balance: one payout
line and one journal moving it from the producer's account to "payout clearing". The bank
export is a CSV; each line is then marked paid (clearing → bank) or failed (back to the
producer). Concurrent runs never pay the same balance twice: on SQLite the run holds the write
lock (BEGIN IMMEDIATE), on PostgreSQL it locks the producers' rows before reading balances.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from accounts.audit import record_audit
from catalog.models import Producer
from core.db import begin_write, db

from .bank_accounts import approved_bank_account
from .enums import Account, JournalKind, PayoutStatus
from .errors import PayoutLineDecided, PayoutNotFound
from .ledger import SETTINGS, post, producer_figures
from .models import LedgerLine, PayoutLine, PayoutRun


@dataclass(frozen=True)
class Skipped:
    producer_id: int
    available_vnd: int
    reason: str  # "below_minimum" | "no_bank_account"


@dataclass
class RunResult:
    run: PayoutRun | None
    skipped: list[Skipped]


def create_payout_run(
    *, now: datetime, actor_id: int | None, minimum_vnd: int | None = None
) -> RunResult:
    """Create one payout run over every producer due a payout. Owns its transaction: commits
    (or, when nobody is due anything, writes nothing and returns run None)."""
    minimum = SETTINGS.payout_minimum_vnd if minimum_vnd is None else minimum_vnd
    begin_write()
    try:
        producer_ids = list(
            db.session.scalars(
                select(LedgerLine.producer_id)
                .where(LedgerLine.account == Account.PRODUCER.value)
                .distinct()
            )
        )
        if db.engine.dialect.name == "postgresql" and producer_ids:
            # Another run waits here until this one commits, then reads the new balances.
            db.session.execute(
                select(Producer.id)
                .where(Producer.id.in_(producer_ids))
                .order_by(Producer.id)
                .with_for_update()
            )
        run: PayoutRun | None = None
        skipped: list[Skipped] = []
        for producer_id in sorted(producer_ids):
            available = producer_figures(producer_id, now=now).available_vnd
            if available <= 0:
                continue
            if available < minimum:
                skipped.append(Skipped(producer_id, available, "below_minimum"))
                continue
            account = approved_bank_account(producer_id)
            if account is None:
                skipped.append(Skipped(producer_id, available, "no_bank_account"))
                continue
            if run is None:
                run = PayoutRun(reference=_placeholder(), created_at=now, created_by=actor_id)
                db.session.add(run)
                db.session.flush()
                run.reference = f"RUN{now:%y%m%d}-{run.id}"
            line = PayoutLine(
                run=run,
                producer_id=producer_id,
                amount_vnd=available,
                bank_bin=account.bank_bin,
                account_no=account.account_no,
                account_name=account.account_name,
                reference=_placeholder(),
            )
            db.session.add(line)
            db.session.flush()
            line.reference = f"OCOP PAYOUT {line.id}"
            post(
                JournalKind.PAYOUT,
                [
                    (Account.PRODUCER, available, producer_id, None),
                    (Account.PAYOUT_CLEARING, -available, None, None),
                ],
                now=now,
                producer_id=producer_id,
                payout_line_id=line.id,
                once_key=f"payout:{line.id}",
                actor_id=actor_id,
                memo=line.reference,
            )
        if run is not None:
            record_audit(
                "payout.run",
                run,
                actor_id=actor_id,
                now=now,
                after={"lines": len(run.lines), "total_vnd": sum(x.amount_vnd for x in run.lines)},
            )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return RunResult(run=run, skipped=skipped)


def _placeholder() -> str:
    return "tmp-" + secrets.token_hex(8)


def mark_payout_line(
    line_id: int, status: PayoutStatus, *, now: datetime, actor_id: int | None
) -> PayoutLine:
    """The bank paid (or bounced) one transfer. Each line is decided once (guarded UPDATE):
    paid moves the money from clearing to the bank, failed gives the balance back.

    Starts the transaction as a writer (`begin_write`: call it with nothing unsaved); flushes,
    the caller commits."""
    if status == PayoutStatus.PENDING:
        raise ValueError("a payout line is marked paid or failed")
    begin_write()
    line = db.session.get(PayoutLine, line_id)
    if line is None:
        raise PayoutNotFound(line_id=line_id)
    claimed = db.session.execute(
        update(PayoutLine)
        .where(PayoutLine.id == line_id, PayoutLine.status == PayoutStatus.PENDING.value)
        .values(status=status.value, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise PayoutLineDecided(line_id=line_id)
    db.session.refresh(line)
    other = Account.BANK if status == PayoutStatus.PAID else Account.PRODUCER
    post(
        JournalKind.PAYOUT_PAID if status == PayoutStatus.PAID else JournalKind.PAYOUT_FAILED,
        [
            (Account.PAYOUT_CLEARING, line.amount_vnd, None, None),
            (
                other,
                -line.amount_vnd,
                line.producer_id if other == Account.PRODUCER else None,
                None,
            ),
        ],
        now=now,
        producer_id=line.producer_id,
        payout_line_id=line.id,
        once_key=f"payout-{status.value}:{line.id}",
        actor_id=actor_id,
        memo=line.reference,
    )
    record_audit(
        "payout.line",
        line,
        actor_id=actor_id,
        now=now,
        before={"status": PayoutStatus.PENDING.value},
        after={"status": status.value, "amount_vnd": line.amount_vnd},
    )
    db.session.flush()
    return line


def get_run(run_id: int) -> PayoutRun:
    run = db.session.get(PayoutRun, run_id)
    if run is None:
        raise PayoutNotFound(run_id=run_id)
    return run


def recent_runs(limit: int = 50) -> list[PayoutRun]:
    return list(db.session.scalars(select(PayoutRun).order_by(PayoutRun.id.desc()).limit(limit)))


# --- the bank's bulk-transfer file --------------------------------------------------------------

PAYOUT_CSV_COLUMNS = ("bank_bin", "account_no", "account_name", "amount_vnd", "reference")


def payout_csv(run: PayoutRun) -> bytes:
    """The run's pending lines for a bulk transfer: UTF-8 with BOM (spreadsheets show Vietnamese
    correctly), one row per line, amounts in whole dong."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PAYOUT_CSV_COLUMNS)
    for line in run.lines:
        if line.status == PayoutStatus.PENDING.value:
            writer.writerow(
                [line.bank_bin, line.account_no, line.account_name, line.amount_vnd, line.reference]
            )
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class PayoutRow:
    bank_bin: str
    account_no: str
    account_name: str
    amount_vnd: int
    reference: str


def read_payout_csv(data: bytes) -> list[PayoutRow]:
    """Parse a payout CSV back (the bank's returned file, or ours): the round trip is exact."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return [
        PayoutRow(
            bank_bin=row["bank_bin"],
            account_no=row["account_no"],
            account_name=row["account_name"],
            amount_vnd=int(row["amount_vnd"]),
            reference=row["reference"],
        )
        for row in reader
    ]
