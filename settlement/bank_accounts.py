"""Producers' payout bank accounts. A changed payout account is the classic fraud, so a change
(by the producer's owner) is held as pending until program staff approve it; every request and
decision is audited, and the web layer e-mails the producer's owners through the mail queue.
The bank is chosen from the VietQR (NAPAS) bank list in data/vietqr_banks.csv.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import select

from accounts.audit import record_audit
from accounts.models import User
from core.db import db
from core.text import clean_text, fold

from .enums import BankAccountStatus
from .errors import BankAccountInvalid, BankAccountNotFound
from .models import ProducerBankAccount

BANK_LIST = Path(__file__).with_name("data") / "vietqr_banks.csv"
ACCOUNT_NO_RE = re.compile(r"^[0-9A-Za-z]{4,32}$")


@dataclass(frozen=True)
class Bank:
    bin: str
    short_name: str
    name: str


@cache
def vietqr_banks() -> tuple[Bank, ...]:
    with BANK_LIST.open(encoding="utf-8") as handle:
        return tuple(
            Bank(row["bin"], row["short_name"], row["name"]) for row in csv.DictReader(handle)
        )


def bank_by_bin(bank_bin: str) -> Bank | None:
    return next((bank for bank in vietqr_banks() if bank.bin == bank_bin), None)


def approved_bank_account(producer_id: int) -> ProducerBankAccount | None:
    return db.session.scalar(
        select(ProducerBankAccount)
        .where(
            ProducerBankAccount.producer_id == producer_id,
            ProducerBankAccount.status == BankAccountStatus.APPROVED.value,
        )
        .order_by(ProducerBankAccount.id.desc())
        .limit(1)
    )


def pending_bank_account(producer_id: int) -> ProducerBankAccount | None:
    return db.session.scalar(
        select(ProducerBankAccount)
        .where(
            ProducerBankAccount.producer_id == producer_id,
            ProducerBankAccount.status == BankAccountStatus.PENDING.value,
        )
        .order_by(ProducerBankAccount.id.desc())
        .limit(1)
    )


def _snapshot(row: ProducerBankAccount) -> dict[str, str]:
    return {
        "bank_bin": row.bank_bin,
        "account_no": row.account_no,
        "account_name": row.account_name,
    }


def request_bank_account(
    producer_id: int,
    *,
    bank_bin: str,
    account_no: str,
    account_name: str,
    actor_id: int,
    now: datetime,
) -> ProducerBankAccount:
    """Ask for a new payout account; it waits for approval (an earlier pending request is
    replaced). Payouts keep using the approved account until then. Audited. Flushes."""
    bank_bin, account_no = clean_text(bank_bin), clean_text(account_no).replace(" ", "")
    account_name = bank_account_name(account_name)
    if bank_by_bin(bank_bin) is None:
        raise BankAccountInvalid(field="bank_bin")
    if not ACCOUNT_NO_RE.match(account_no):
        raise BankAccountInvalid(field="account_no")
    if not 2 <= len(account_name) <= 120:
        raise BankAccountInvalid(field="account_name")
    earlier = pending_bank_account(producer_id)
    if earlier is not None:
        earlier.status = BankAccountStatus.SUPERSEDED.value
        earlier.decided_at = now
    row = ProducerBankAccount(
        producer_id=producer_id,
        bank_bin=bank_bin,
        account_no=account_no,
        account_name=account_name,
        status=BankAccountStatus.PENDING.value,
        requested_by=actor_id,
        requested_at=now,
    )
    db.session.add(row)
    db.session.flush()
    approved = approved_bank_account(producer_id)
    record_audit(
        "bank_account.request",
        row,
        actor_id=actor_id,
        now=now,
        before=_snapshot(approved) if approved else None,
        after={**_snapshot(row), "producer_id": producer_id},
    )
    db.session.flush()
    return row


def decide_bank_account(
    row_id: int, *, approve: bool, actor_id: int, now: datetime, reason: str = ""
) -> ProducerBankAccount:
    """Approve (the previous approved account is superseded) or reject a pending change.
    Audited. Flushes."""
    row = db.session.get(ProducerBankAccount, row_id)
    if row is None or row.status != BankAccountStatus.PENDING.value:
        raise BankAccountNotFound(bank_account_id=row_id)
    previous = approved_bank_account(row.producer_id)
    if approve and previous is not None:
        previous.status = BankAccountStatus.SUPERSEDED.value
    row.status = (BankAccountStatus.APPROVED if approve else BankAccountStatus.REJECTED).value
    row.decided_by, row.decided_at, row.reason = actor_id, now, clean_text(reason)[:500]
    record_audit(
        "bank_account.approve" if approve else "bank_account.reject",
        row,
        actor_id=actor_id,
        now=now,
        before=_snapshot(previous) if previous else None,
        after={**_snapshot(row), "producer_id": row.producer_id, "reason": row.reason},
    )
    db.session.flush()
    return row


def pending_bank_accounts() -> list[ProducerBankAccount]:
    return list(
        db.session.scalars(
            select(ProducerBankAccount)
            .where(ProducerBankAccount.status == BankAccountStatus.PENDING.value)
            .order_by(ProducerBankAccount.requested_at)
        )
    )


def owner_addresses(producer_id: int) -> list[str]:
    """Where bank-account notices go: the producer's owners (all members if it has none)."""
    members = list(
        db.session.scalars(
            select(User).where(User.producer_id == producer_id, User.is_active.is_(True))
        )
    )
    owners = [m.email for m in members if m.is_owner]
    return owners or [m.email for m in members]


def bank_account_name(name: str) -> str:
    """A holder's name as Vietnamese banks keep it: capitals without diacritics, single spaces
    ('Htx Trà  Tân Cương' → 'HTX TRA TAN CUONG'), which bulk-transfer files expect."""
    return " ".join(fold(clean_text(name)).upper().split())


def mask_account_no(account_no: str) -> str:
    return "•" * max(len(account_no) - 4, 0) + account_no[-4:]
