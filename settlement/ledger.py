"""The double-entry ledger: every movement of the cooperatives' money as a journal of signed
lines (debit +, credit −, whole dong) that sums to zero, written in the transaction of the event
that causes it. Journals are never changed or deleted; corrections are new journals.

Orders announce events (`orders.events`); `subscribe_to_orders` makes this module listen:
a part paid (card, VietQR confirmed, counter), a cash-on-delivery part delivered, a part or
payment refunded. Remittances by the carrier and refunds recorded by staff are called directly.
Services flush; the caller commits. docs/settlement.md explains every entry.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.db import db
from orders.enums import ALLOWED_TRANSITIONS, OrderStatus, PaymentMethod
from orders.events import PartStatusChanged, PaymentRefunded, subscribe
from orders.lifecycle import transition_to
from orders.models import OrderPart

from .enums import Account, JournalKind
from .errors import NothingToRemit, RefundTooLarge
from .models import LedgerJournal, LedgerLine

BASIS_POINTS = 10_000


@dataclass
class SettlementSettings:
    """Set from the app's config by `configure` (PLATFORM_FEE_BASIS_POINTS, …)."""

    fee_basis_points: int = 500  # 5 % of the part's goods value
    hold_days: int = 7  # days after delivery before a part's money may be paid out
    payout_minimum_vnd: int = 100_000


SETTINGS = SettlementSettings()


def configure(*, fee_basis_points: int, hold_days: int, payout_minimum_vnd: int) -> None:
    if not 0 <= fee_basis_points <= BASIS_POINTS or hold_days < 0 or payout_minimum_vnd < 1:
        raise ValueError("settlement settings out of range")
    SETTINGS.fee_basis_points = fee_basis_points
    SETTINGS.hold_days = hold_days
    SETTINGS.payout_minimum_vnd = payout_minimum_vnd


def platform_fee(goods_vnd: int, basis_points: int) -> int:
    """The fee on `goods_vnd` at `basis_points` (500 = 5 %), rounded half up to a whole dong."""
    return (goods_vnd * basis_points * 2 + BASIS_POINTS) // (2 * BASIS_POINTS)


def _ratio_half_up(amount: int, numerator: int, denominator: int) -> int:
    """amount × numerator / denominator, rounded half up (all non-negative)."""
    if denominator == 0:
        return 0
    return (amount * numerator * 2 + denominator) // (2 * denominator)


Line = tuple[Account, int, int | None, int | None]  # account, amount, producer id, part id


def post(
    kind: JournalKind,
    lines: list[Line],
    *,
    now: datetime,
    producer_id: int | None = None,
    part_id: int | None = None,
    payout_line_id: int | None = None,
    once_key: str | None = None,
    actor_id: int | None = None,
    memo: str = "",
) -> LedgerJournal | None:
    """Write one journal. Zero lines are dropped; nothing is written when none is left.
    Raises ValueError when the lines do not sum to zero. Flushes."""
    kept = [line for line in lines if line[1] != 0]
    if not kept:
        return None
    if sum(amount for _, amount, _, _ in kept) != 0:
        raise ValueError(f"journal {kind} does not balance: {kept}")
    if any(not isinstance(amount, int) for _, amount, _, _ in kept):
        raise TypeError("ledger amounts are whole dong (int)")
    journal = LedgerJournal(
        kind=kind.value,
        occurred_at=now,
        producer_id=producer_id,
        part_id=part_id,
        payout_line_id=payout_line_id,
        once_key=once_key,
        actor_id=actor_id,
        memo=memo[:255],
    )
    db.session.add(journal)
    for account, amount, line_producer, line_part in kept:
        journal.lines.append(
            LedgerLine(
                account=account.value,
                amount_vnd=amount,
                producer_id=line_producer,
                part_id=line_part,
            )
        )
    db.session.flush()
    return journal


def _posted(once_key: str) -> bool:
    return (
        db.session.scalar(select(LedgerJournal.id).where(LedgerJournal.once_key == once_key))
        is not None
    )


# --- what one part has in the ledger ------------------------------------------------------------


@dataclass(frozen=True)
class PartMoney:
    """A part's figures from its journals (positive amounts)."""

    sold_vnd: int  # credited to the producer by the sale
    refunded_vnd: int
    fee_vnd: int  # fees charged minus fees given back
    remitted_vnd: int  # COD cash the carrier paid over

    @property
    def refundable_vnd(self) -> int:
        return self.sold_vnd - self.refunded_vnd

    @property
    def producer_net_vnd(self) -> int:
        return self.sold_vnd - self.refunded_vnd - self.fee_vnd


def part_money(part_id: int) -> PartMoney:
    rows = db.session.execute(
        select(LedgerJournal.kind, LedgerLine.account, func.sum(LedgerLine.amount_vnd))
        .join(LedgerJournal, LedgerJournal.id == LedgerLine.journal_id)
        .where(LedgerJournal.part_id == part_id)
        .group_by(LedgerJournal.kind, LedgerLine.account)
    ).all()
    by: dict[tuple[str, str], int] = defaultdict(int)
    for kind, account, total in rows:
        by[(kind, account)] = int(total or 0)
    producer = Account.PRODUCER.value
    return PartMoney(
        sold_vnd=-by[(JournalKind.SALE.value, producer)],
        refunded_vnd=by[(JournalKind.REFUND.value, producer)],
        fee_vnd=by[(JournalKind.FEE.value, producer)]
        + by[(JournalKind.FEE_REVERSAL.value, producer)],
        remitted_vnd=by[(JournalKind.COD_REMITTANCE.value, Account.BANK.value)],
    )


def _cash_account(method: str, *, for_sale: bool) -> Account:
    if method == PaymentMethod.CARD.value:
        return Account.PROVIDER_CASH
    if method == PaymentMethod.COD.value and for_sale:
        return Account.CARRIER_COD
    return Account.BANK  # VietQR transfers and counter cash; refunds of COD go out of the bank


# --- events -------------------------------------------------------------------------------------


def record_sale(part: OrderPart, *, now: datetime, actor_id: int | None = None) -> None:
    """The part's money is the shop's to hold for the producer: goods plus the producer's
    shipping fee are owed to the producer, less the platform fee. Once per part."""
    if _posted(f"sale:{part.id}"):
        return
    amount = part.subtotal_vnd + part.shipping_fee_vnd
    cash = _cash_account(part.order.payment_method, for_sale=True)
    common = {"now": now, "producer_id": part.producer_id, "part_id": part.id, "actor_id": actor_id}
    post(
        JournalKind.SALE,
        [(cash, amount, None, part.id), (Account.PRODUCER, -amount, part.producer_id, part.id)],
        once_key=f"sale:{part.id}",
        memo=part.order.number,
        **common,
    )
    fee = platform_fee(part.subtotal_vnd, SETTINGS.fee_basis_points)
    post(
        JournalKind.FEE,
        [
            (Account.PRODUCER, fee, part.producer_id, part.id),
            (Account.FEE_INCOME, -fee, None, part.id),
        ],
        once_key=f"fee:{part.id}",
        memo=f"{part.order.number} {SETTINGS.fee_basis_points}bp",
        **common,
    )


def record_refund(
    part: OrderPart, amount_vnd: int, *, now: datetime, actor_id: int | None = None
) -> None:
    """`amount_vnd` of this part's money went back to the buyer. Refunds reduce the goods first,
    then shipping; the fee follows the goods still sold. The producer's balance may go below
    zero here (a refund after a payout) and nowhere else. Flushes."""
    money = part_money(part.id)
    if amount_vnd <= 0 or amount_vnd > money.refundable_vnd:
        raise RefundTooLarge(part_id=part.id, amount=amount_vnd, refundable=money.refundable_vnd)
    cash = _cash_account(part.order.payment_method, for_sale=False)
    common = {"now": now, "producer_id": part.producer_id, "part_id": part.id, "actor_id": actor_id}
    post(
        JournalKind.REFUND,
        [
            (Account.PRODUCER, amount_vnd, part.producer_id, part.id),
            (cash, -amount_vnd, None, part.id),
        ],
        memo=part.order.number,
        **common,
    )
    refunded = money.refunded_vnd + amount_vnd
    goods_left = max(part.subtotal_vnd - refunded, 0)
    original_fee = -_sum_for_part(part.id, JournalKind.FEE, Account.FEE_INCOME)
    target_fee = _ratio_half_up(original_fee, goods_left, part.subtotal_vnd)
    reversal = money.fee_vnd - target_fee
    if reversal > 0:
        post(
            JournalKind.FEE_REVERSAL,
            [
                (Account.FEE_INCOME, reversal, None, part.id),
                (Account.PRODUCER, -reversal, part.producer_id, part.id),
            ],
            memo=part.order.number,
            **common,
        )


def _sum_for_part(part_id: int, kind: JournalKind, account: Account) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(LedgerLine.amount_vnd), 0))
            .join(LedgerJournal, LedgerJournal.id == LedgerLine.journal_id)
            .where(
                LedgerJournal.part_id == part_id,
                LedgerJournal.kind == kind.value,
                LedgerLine.account == account.value,
            )
        )
        or 0
    )


def record_cod_remittance(part: OrderPart, *, now: datetime, actor_id: int | None = None) -> int:
    """The carrier paid over the cash it collected for this part; returns the amount."""
    money = part_money(part.id)
    if part.order.payment_method != PaymentMethod.COD.value or money.sold_vnd == 0:
        raise NothingToRemit(part_id=part.id)
    if _posted(f"remit:{part.id}"):
        raise NothingToRemit(part_id=part.id)
    post(
        JournalKind.COD_REMITTANCE,
        [
            (Account.BANK, money.sold_vnd, None, part.id),
            (Account.CARRIER_COD, -money.sold_vnd, None, part.id),
        ],
        now=now,
        producer_id=part.producer_id,
        part_id=part.id,
        once_key=f"remit:{part.id}",
        actor_id=actor_id,
        memo=part.order.number,
    )
    return money.sold_vnd


def refund_part(part: OrderPart, amount_vnd: int, *, now: datetime, actor_id: int | None) -> None:
    """Staff refunded (part of) this part by hand; a refund of everything left marks it refunded."""
    record_refund(part, amount_vnd, now=now, actor_id=actor_id)
    allowed = ALLOWED_TRANSITIONS[part.status_enum]
    if part_money(part.id).refundable_vnd == 0 and OrderStatus.REFUNDED in allowed:
        transition_to(part, OrderStatus.REFUNDED, now=now, actor_id=actor_id)


def _on_status_changed(event: PartStatusChanged) -> None:
    part, status = event.part, event.status
    method = part.order.payment_method
    # Money is the producer's once it is in: paid up front, or collected by the COD carrier.
    earned_on = OrderStatus.DELIVERED if method == PaymentMethod.COD.value else OrderStatus.PAID
    if status == earned_on:
        record_sale(part, now=event.now, actor_id=event.actor_id)
    elif status == OrderStatus.REFUNDED:
        left = part_money(part.id).refundable_vnd
        if left > 0:
            record_refund(part, left, now=event.now, actor_id=event.actor_id)


def _on_payment_refunded(event: PaymentRefunded) -> None:
    """Spread an order-level refund over its parts, in order, each up to what it may refund."""
    left = event.amount_vnd
    for part in event.order.parts:
        if left <= 0:
            break
        amount = min(left, part_money(part.id).refundable_vnd)
        if amount > 0:
            record_refund(part, amount, now=event.now, actor_id=event.actor_id)
            left -= amount


def subscribe_to_orders() -> None:
    subscribe(PartStatusChanged, _on_status_changed)
    subscribe(PaymentRefunded, _on_payment_refunded)


# --- balances -----------------------------------------------------------------------------------


def account_totals() -> dict[str, int]:
    """Every account's sum (debit +, credit −); producers' lines together under "producer"."""
    rows = db.session.execute(
        select(LedgerLine.account, func.sum(LedgerLine.amount_vnd)).group_by(LedgerLine.account)
    ).all()
    return {account: int(total or 0) for account, total in rows}


def producer_balances() -> dict[int, int]:
    """What the shop owes each producer (credit balances, shown positive)."""
    rows = db.session.execute(
        select(LedgerLine.producer_id, func.sum(LedgerLine.amount_vnd))
        .where(LedgerLine.account == Account.PRODUCER.value)
        .group_by(LedgerLine.producer_id)
    ).all()
    return {int(pid): -int(total or 0) for pid, total in rows}


def producer_balance(producer_id: int) -> int:
    return -int(
        db.session.scalar(
            select(func.coalesce(func.sum(LedgerLine.amount_vnd), 0)).where(
                LedgerLine.account == Account.PRODUCER.value,
                LedgerLine.producer_id == producer_id,
            )
        )
        or 0
    )


SETTLED = (OrderStatus.CANCELLED.value, OrderStatus.REFUNDED.value)


@dataclass(frozen=True)
class ProducerFigures:
    balance_vnd: (
        int  # everything owed now (may be below zero after a refund that followed a payout)
    )
    pending_vnd: int  # owed for parts not yet delivered or still in the hold period
    available_vnd: int  # may be paid out: balance − pending


def producer_figures(
    producer_id: int, *, now: datetime, hold_days: int | None = None
) -> ProducerFigures:
    """Balance, pending and available. A part's money is available once the part was delivered
    `hold_days` ago, or is settled (refunded or cancelled: what is left of it is final)."""
    hold = timedelta(days=SETTINGS.hold_days if hold_days is None else hold_days)
    rows = db.session.execute(
        select(OrderPart.status, OrderPart.status_changed_at, func.sum(LedgerLine.amount_vnd))
        .join(OrderPart, OrderPart.id == LedgerLine.part_id)
        .where(LedgerLine.account == Account.PRODUCER.value, LedgerLine.producer_id == producer_id)
        .group_by(OrderPart.id, OrderPart.status, OrderPart.status_changed_at)
    ).all()
    pending = 0
    for status, changed_at, total in rows:
        owed = -int(total or 0)
        matured = status in SETTLED or (
            status == OrderStatus.DELIVERED.value and changed_at <= now - hold
        )
        if not matured and owed > 0:
            pending += owed
    balance = producer_balance(producer_id)
    return ProducerFigures(
        balance_vnd=balance, pending_vnd=pending, available_vnd=balance - pending
    )
