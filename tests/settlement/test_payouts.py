"""Payout runs: who is paid, the bank CSV round trip, paid/failed per line, and ten runs at
once paying each balance exactly once (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from core.db import db
from orders.checkout import place_order
from orders.enums import PaymentMethod
from orders.fulfilment import deliver_part, pack_part, ship_part
from orders.lifecycle import mark_order_paid
from settlement.enums import PayoutStatus
from settlement.errors import PayoutLineDecided
from settlement.ledger import producer_balance, producer_figures
from settlement.models import PayoutLine, PayoutRun, ProducerBankAccount
from settlement.payouts import create_payout_run, mark_payout_line, payout_csv, read_payout_csv
from settlement.statements import reconciliation

RUNS = 10  # below the connection pool size (5 + 10 overflow)


@pytest.fixture
def delivered(money_world, make_cart, checkout_details, all_providers):
    """delivered(product, qty, method, now) → a part paid (or COD-collected) and delivered."""

    def _make(product, quantity, method=PaymentMethod.CARD, now=None):
        now = now or clock.utcnow()
        cart = make_cart((product, quantity))
        order = place_order(
            cart,
            checkout_details(payment_method=method),
            f"pay-{cart.id}",
            now=now,
            providers=all_providers,
        )
        if method != PaymentMethod.COD:
            mark_order_paid(order, now=now)
        part = order.parts[0]
        pack_part(part, actor_id=None, now=now)
        ship_part(part, carrier="GHN", tracking_code="G1", actor_id=None, now=now)
        deliver_part(part, actor_id=None, now=now)
        db.session.commit()
        return part

    return _make


def test_only_delivered_money_past_the_hold_and_above_the_minimum_is_paid(
    money_world, delivered, make_producer, settings_for_tests
):
    now = clock.utcnow()
    a, b = money_world["producer_a"], money_world["producer_b"]
    delivered(money_world["product_a"], 2, now=now)
    delivered(money_world["product_b"], 1, PaymentMethod.COD, now=now)
    assert create_payout_run(now=now, actor_id=None).run is None  # still in the hold period
    later = now + timedelta(days=1, seconds=1)
    result = create_payout_run(
        now=later, actor_id=None, minimum_vnd=100_000
    )  # A: 68,455; B: 139,999
    assert [line.producer_id for line in result.run.lines] == [b.id]
    assert [(s.producer_id, s.reason) for s in result.skipped] == [(a.id, "below_minimum")]
    assert producer_balance(b.id) == 0
    assert producer_figures(a.id, now=later).available_vnd == producer_balance(a.id) > 0


def test_a_producer_without_an_approved_account_is_skipped(money_world, delivered):
    now = clock.utcnow()
    delivered(money_world["product_a"], 10, now=now)
    db.session.execute(
        ProducerBankAccount.__table__.update()
        .where(ProducerBankAccount.producer_id == money_world["producer_a"].id)
        .values(status="pending")
    )
    db.session.commit()
    result = create_payout_run(now=now + timedelta(days=2), actor_id=None)
    assert result.run is None
    assert [s.reason for s in result.skipped] == ["no_bank_account"]


def test_the_bank_csv_round_trips_and_lines_are_decided_once(money_world, delivered):
    now = clock.utcnow()
    delivered(money_world["product_a"], 10, now=now)
    delivered(money_world["product_b"], 2, now=now)
    run = create_payout_run(now=now + timedelta(days=2), actor_id=None).run
    data = payout_csv(run)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = read_payout_csv(data)
    assert [
        (r.bank_bin, r.account_no, r.account_name, r.amount_vnd, r.reference) for r in rows
    ] == [(x.bank_bin, x.account_no, x.account_name, x.amount_vnd, x.reference) for x in run.lines]
    assert "HTX TRÀ TÂN CƯƠNG" in {r.account_name for r in rows}
    first, second = run.lines
    mark_payout_line(first.id, PayoutStatus.PAID, now=now, actor_id=None)
    db.session.commit()
    mark_payout_line(second.id, PayoutStatus.FAILED, now=now, actor_id=None)
    db.session.commit()
    with pytest.raises(PayoutLineDecided):
        mark_payout_line(first.id, PayoutStatus.FAILED, now=now, actor_id=None)
    db.session.rollback()
    assert producer_balance(first.producer_id) == 0
    assert producer_balance(second.producer_id) == second.amount_vnd  # the bounced money is back
    assert read_payout_csv(payout_csv(run)) == []  # nothing left to send
    assert reconciliation().holds


def test_ten_concurrent_runs_pay_each_balance_once(app, money_world, delivered):
    now = clock.utcnow()
    for _ in range(3):
        delivered(money_world["product_a"], 3, now=now)
        delivered(money_world["product_b"], 1, PaymentMethod.COD, now=now)
    ids = [money_world["producer_a"].id, money_world["producer_b"].id]
    later = now + timedelta(days=2)
    owed = {pid: producer_figures(pid, now=later).available_vnd for pid in ids}
    assert all(amount > 0 for amount in owed.values())
    db.session.remove()

    start = threading.Barrier(RUNS, timeout=60)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run_payouts() -> None:
        with app.app_context():
            start.wait()
            try:
                result = create_payout_run(now=later, actor_id=None)
                outcome = "run" if result.run is not None else "nothing due"
            except Exception as error:  # surfaced in the assertion below
                outcome = f"error: {type(error).__name__}: {error}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=run_payouts) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["nothing due"] * (RUNS - 1) + ["run"]
    assert db.session.scalar(select(func.count(PayoutRun.id))) == 1
    paid = dict(
        db.session.execute(
            select(PayoutLine.producer_id, func.sum(PayoutLine.amount_vnd)).group_by(
                PayoutLine.producer_id
            )
        ).all()
    )
    assert {pid: int(total) for pid, total in paid.items()} == owed
    assert all(producer_balance(pid) == 0 for pid in ids)

    # Ten staff marking the same line at once: it is decided once.
    line_id = db.session.scalar(select(PayoutLine.id).limit(1))
    db.session.remove()
    decisions: list[str] = []
    start = threading.Barrier(RUNS, timeout=60)

    def decide(status: PayoutStatus) -> None:
        with app.app_context():
            start.wait()
            try:
                mark_payout_line(line_id, status, now=later, actor_id=None)
                db.session.commit()
                outcome = "decided"
            except PayoutLineDecided:
                db.session.rollback()
                outcome = "already"
            except Exception as error:
                db.session.rollback()
                outcome = f"error: {type(error).__name__}: {error}"
            finally:
                db.session.remove()
            with lock:
                decisions.append(outcome)

    statuses = [PayoutStatus.PAID, PayoutStatus.FAILED] * (RUNS // 2)
    threads = [threading.Thread(target=decide, args=(s,)) for s in statuses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(decisions) == ["already"] * (RUNS - 1) + ["decided"], decisions
    assert reconciliation().holds
