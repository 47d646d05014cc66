"""Random sequences of orders, payments, COD deliveries, refunds (partial, full, after a
payout), cancellations, remittances and payouts keep every invariant of the ledger.

Runs on the session database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core import clock
from core.db import db
from orders.checkout import place_order
from orders.enums import ALLOWED_TRANSITIONS, OrderStatus, PaymentMethod
from orders.events import PaymentRefunded, publish
from orders.fulfilment import deliver_part, pack_part, ship_part
from orders.lifecycle import cancel_order_parts, mark_bank_transfer_received, mark_order_paid
from orders.models import Order, OrderPart
from settlement.enums import Account, PayoutStatus
from settlement.ledger import (
    part_money,
    platform_fee,
    producer_balances,
    producer_figures,
    record_cod_remittance,
    refund_part,
)
from settlement.models import LedgerJournal, LedgerLine, PayoutLine
from settlement.payouts import create_payout_run, mark_payout_line
from settlement.statements import (
    month_bounds,
    monthly_statement,
    months_with_entries,
    reconciliation,
)

METHODS = [
    PaymentMethod.COD,
    PaymentMethod.BANK_TRANSFER,
    PaymentMethod.CARD,
    PaymentMethod.COUNTER,
]

operation = st.one_of(
    st.tuples(st.just("order"), st.sampled_from(METHODS), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("pay"), st.integers(0, 50)),
    st.tuples(st.just("advance"), st.integers(0, 50), st.integers(1, 3)),
    st.tuples(st.just("remit"), st.integers(0, 50)),
    st.tuples(st.just("refund"), st.integers(0, 50), st.integers(1, 100)),
    st.tuples(st.just("provider_refund"), st.integers(0, 50), st.integers(1, 100)),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
    st.tuples(st.just("time"), st.integers(0, 60)),
    st.tuples(st.just("payout"), st.integers(0, 0)),
    st.tuples(st.just("decide"), st.integers(0, 50), st.booleans()),
)


def _pick(rows: list, index: int):
    return rows[index % len(rows)] if rows else None


class Model:
    """What the test itself counts, independently of the ledger."""

    def __init__(self) -> None:
        self.received = 0
        self.refunded = 0
        self.paid_out = 0  # taken from balances by payout lines not failed


def _parts(statuses: tuple[OrderStatus, ...] | None = None) -> list[OrderPart]:
    query = select(OrderPart).order_by(OrderPart.id)
    if statuses:
        query = query.where(OrderPart.status.in_([s.value for s in statuses]))
    return list(db.session.scalars(query))


def _run(op, world, model: Model, providers) -> None:
    kind, now = op[0], world["now"]
    if kind == "order":
        _, method, qty_a, qty_b = op
        items = [(world["product_a"], qty_a), (world["product_b"], qty_b)]
        items = [(p, q) for p, q in items if q] or [(world["product_a"], 1)]
        cart = world["make_cart"](*items)
        details = world["checkout_details"](payment_method=method)
        place_order(cart, details, secrets.token_urlsafe(16), now=now, providers=providers)
        return
    if kind == "pay":
        orders = [
            o for o in db.session.scalars(select(Order).order_by(Order.id)) if o.is_awaiting_payment
        ]
        order = _pick(orders, op[1])
        if order is None:
            return
        model.received += sum(
            p.subtotal_vnd + p.shipping_fee_vnd
            for p in order.parts
            if p.status == "awaiting_payment"
        )
        if order.payment_method == PaymentMethod.BANK_TRANSFER.value:
            mark_bank_transfer_received(order, now=now, confirmed_by="staff@ocop.test")
        else:
            mark_order_paid(order, now=now)
    elif kind == "advance":
        part = _pick(
            _parts(
                (OrderStatus.PAID, OrderStatus.CONFIRMED, OrderStatus.PACKED, OrderStatus.SHIPPED)
            ),
            op[1],
        )
        if part is None:
            return
        if part.status_enum in (OrderStatus.PAID, OrderStatus.CONFIRMED):
            pack_part(part, actor_id=None, now=now)
        elif part.status_enum == OrderStatus.PACKED:
            ship_part(part, carrier="VNPost", tracking_code="T1", actor_id=None, now=now)
        else:
            if part.order.payment_method == PaymentMethod.COD.value:
                model.received += part.subtotal_vnd + part.shipping_fee_vnd
            deliver_part(part, actor_id=None, now=now)
    elif kind == "remit":
        cod = [
            p
            for p in _parts()
            if p.order.payment_method == "cod"
            and part_money(p.id).sold_vnd
            and not part_money(p.id).remitted_vnd
        ]
        part = _pick(cod, op[1])
        if part is None:
            return
        record_cod_remittance(part, now=now, actor_id=None)
    elif kind == "refund":
        refundable = [p for p in _parts() if part_money(p.id).refundable_vnd > 0]
        part = _pick(refundable, op[1])
        if part is None:
            return
        left = part_money(part.id).refundable_vnd
        amount = max(1, left * op[2] // 100)
        model.refunded += amount
        refund_part(part, amount, now=now, actor_id=None)
    elif kind == "provider_refund":
        card = [
            o
            for o in db.session.scalars(
                select(Order).where(Order.payment_method == "card").order_by(Order.id)
            )
            if sum(part_money(p.id).refundable_vnd for p in o.parts) > 0
        ]
        order = _pick(card, op[1])
        if order is None:
            return
        left = sum(part_money(p.id).refundable_vnd for p in order.parts)
        amount = max(1, left * op[2] // 100)
        model.refunded += amount
        publish(PaymentRefunded(order=order, amount_vnd=amount, now=now))
    elif kind == "cancel":
        orders = [
            o
            for o in db.session.scalars(select(Order).order_by(Order.id))
            if any(OrderStatus.CANCELLED in ALLOWED_TRANSITIONS[p.status_enum] for p in o.parts)
        ]
        order = _pick(orders, op[1])
        if order is None:
            return
        before = [part_money(p.id) for p in order.parts]
        cancel_order_parts(order, now=now)
        assert [part_money(p.id) for p in order.parts] == before  # nothing was paid for them
    elif kind == "time":
        world["now"] = now + timedelta(hours=op[1])
        return
    elif kind == "payout":
        before = producer_balances()
        figures = {pid: producer_figures(pid, now=now) for pid in before}
        result = create_payout_run(now=now, actor_id=None)
        after = producer_balances()
        for line in result.run.lines if result.run else []:
            assert line.amount_vnd <= figures[line.producer_id].available_vnd
            assert after[line.producer_id] == before[line.producer_id] - line.amount_vnd
            assert after[line.producer_id] >= 0  # a payout never makes a balance negative
            model.paid_out += line.amount_vnd
        return
    elif kind == "decide":
        line = _pick(
            list(
                db.session.scalars(
                    select(PayoutLine).where(PayoutLine.status == "pending").order_by(PayoutLine.id)
                )
            ),
            op[1],
        )
        if line is None:
            return
        if not op[2]:
            model.paid_out -= line.amount_vnd
        mark_payout_line(
            line.id, PayoutStatus.PAID if op[2] else PayoutStatus.FAILED, now=now, actor_id=None
        )
    db.session.commit()


def _check_totals(model: Model) -> None:
    """After every step (a few aggregate queries): the ledger sums to zero and agrees with the
    money the test counted in and out."""
    assert db.session.scalar(select(func.coalesce(func.sum(LedgerLine.amount_vnd), 0))) == 0
    rec = reconciliation()
    assert (rec.received_vnd, rec.refunded_vnd, rec.paid_out_vnd) == (
        model.received,
        model.refunded,
        model.paid_out,
    )
    assert rec.holds


def _check_invariants(world, model: Model) -> None:
    """After every example: everything, journal by journal, part by part, month by month."""
    db.session.expire_all()
    # Every journal sums to zero; so does the whole ledger.
    unbalanced = db.session.scalars(
        select(LedgerLine.journal_id)
        .group_by(LedgerLine.journal_id)
        .having(func.sum(LedgerLine.amount_vnd) != 0)
    ).all()
    assert unbalanced == []
    assert db.session.scalar(select(func.coalesce(func.sum(LedgerLine.amount_vnd), 0))) == 0
    # No dong created or lost: the ledger agrees with what the test counted.
    rec = reconciliation()
    assert rec.received_vnd == model.received
    assert rec.refunded_vnd == model.refunded
    assert rec.paid_out_vnd == model.paid_out
    assert rec.holds
    balances = producer_balances()
    assert sum(balances.values()) + rec.fees_vnd == model.received - model.refunded - model.paid_out
    # Each part: refunds never exceed what was received; its fee is within 0..fee(goods).
    for part in _parts():
        money = part_money(part.id)
        assert 0 <= money.refunded_vnd <= money.sold_vnd
        assert 0 <= money.fee_vnd <= platform_fee(part.subtotal_vnd, 500)
        if money.refunded_vnd == 0 and money.sold_vnd:
            assert money.fee_vnd == platform_fee(part.subtotal_vnd, 500)
        if money.sold_vnd and money.refunded_vnd == money.sold_vnd:
            assert money.fee_vnd == 0  # fully refunded: the whole fee is given back
    # Each producer's balance equals its statements, month after month.
    for key in ("producer_a", "producer_b"):
        producer_id = world[key].id
        balance = balances.get(producer_id, 0)
        closing = 0
        for year, month in months_with_entries(producer_id):
            statement = monthly_statement(producer_id, year, month)
            assert statement.opening_vnd == closing
            # The month's statement is the sum of that month's entries, counted straight.
            start, end = month_bounds(year, month)
            entries = db.session.scalar(
                select(func.coalesce(func.sum(LedgerLine.amount_vnd), 0))
                .join(LedgerJournal, LedgerJournal.id == LedgerLine.journal_id)
                .where(
                    LedgerLine.account == Account.PRODUCER.value,
                    LedgerLine.producer_id == producer_id,
                    LedgerJournal.occurred_at >= start,
                    LedgerJournal.occurred_at < end,
                )
            )
            assert statement.closing_vnd - statement.opening_vnd == -entries
            closing = statement.closing_vnd
        assert closing == balance
        figures = producer_figures(producer_id, now=world["now"])
        assert figures.pending_vnd >= 0
        assert figures.available_vnd <= max(figures.balance_vnd, 0) or figures.balance_vnd < 0
    # Nothing is ever written to the carrier account for a method other than COD.
    carrier = db.session.scalars(
        select(LedgerJournal.part_id)
        .join(LedgerLine)
        .where(LedgerLine.account == Account.CARRIER_COD.value)
    ).all()
    assert all(db.session.get(OrderPart, pid).order.payment_method == "cod" for pid in carrier)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=10, max_size=30))
def test_random_sequences_keep_every_invariant(
    money_world, make_cart, checkout_details, all_providers, ops
):
    world = money_world
    world.setdefault("now", clock.utcnow())
    world["make_cart"], world["checkout_details"] = make_cart, checkout_details
    # Examples share the database: the counts carry over from one example to the next.
    model = world.setdefault("model", Model())
    prelude = [("order", method, 1, 2) for method in METHODS]
    for op in prelude + ops:
        _run(op, world, model, all_providers)
        _check_totals(model)
    _check_invariants(world, model)
