"""The ledger (journals of signed lines), payout runs and producers' bank accounts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import UTCDateTime, db


class LedgerJournal(db.Model):
    """One business event written as lines that sum to zero. Never changed, never deleted:
    a correction is a new journal."""

    __tablename__ = "ledger_journal"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(24), index=True)  # a JournalKind value
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    producer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("producer.id"), index=True, nullable=True
    )
    part_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_part.id"), index=True, nullable=True
    )
    payout_line_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("payout_line.id"), index=True, nullable=True
    )
    # Events that may happen only once ("sale:12", "remit:12") carry a key: UNIQUE makes a
    # replayed or concurrent second attempt fail instead of counting the money twice.
    once_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True, nullable=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    memo: Mapped[str] = mapped_column(sa.String(255), default="")

    lines: Mapped[list[LedgerLine]] = relationship(
        back_populates="journal", order_by="LedgerLine.id"
    )


class LedgerLine(db.Model):
    """A signed amount on one account: debit positive, credit negative, whole dong."""

    __tablename__ = "ledger_line"
    __table_args__ = (sa.CheckConstraint("amount_vnd <> 0", name="amount_not_zero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_journal.id"), index=True)
    account: Mapped[str] = mapped_column(sa.String(24), index=True)  # an Account value
    producer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("producer.id"), index=True, nullable=True
    )
    part_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_part.id"), index=True, nullable=True
    )
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)

    journal: Mapped[LedgerJournal] = relationship(back_populates="lines")


@event.listens_for(LedgerJournal, "before_update")
@event.listens_for(LedgerJournal, "before_delete")
@event.listens_for(LedgerLine, "before_update")
@event.listens_for(LedgerLine, "before_delete")
def _entries_are_immutable(mapper, connection, target) -> None:
    raise RuntimeError("ledger entries are immutable: post a correcting journal instead")


class PayoutRun(db.Model):
    """One batch of bank transfers to producers, created by program staff."""

    __tablename__ = "payout_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)

    lines: Mapped[list[PayoutLine]] = relationship(back_populates="run", order_by="PayoutLine.id")


class PayoutLine(db.Model):
    """One producer's transfer in a run, with the approved bank account as it was then."""

    __tablename__ = "payout_line"
    __table_args__ = (sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payout_run.id"), index=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    bank_bin: Mapped[str] = mapped_column(sa.String(8))
    account_no: Mapped[str] = mapped_column(sa.String(32))
    account_name: Mapped[str] = mapped_column(sa.String(120))
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")  # PayoutStatus
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    run: Mapped[PayoutRun] = relationship(back_populates="lines")


class ProducerBankAccount(db.Model):
    """A producer's payout account. A change is a new row held as pending until an admin
    approves it; the approved one before it is then superseded."""

    __tablename__ = "producer_bank_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    bank_bin: Mapped[str] = mapped_column(sa.String(8))
    account_no: Mapped[str] = mapped_column(sa.String(32))
    account_name: Mapped[str] = mapped_column(sa.String(120))
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")  # BankAccountStatus
    requested_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id"), nullable=True
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
