"""The entries each event writes, fees and rounding, refunds after payouts, immutability."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import db
from orders.enums import PaymentMethod, PaymentStatus
from orders.fulfilment import deliver_part, pack_part, ship_part
from orders.lifecycle import mark_bank_transfer_received, mark_order_paid
from orders.payments.stripe_gateway import apply_stripe_event
from settlement.enums import Account, JournalKind
from settlement.errors import NothingToRemit, RefundTooLarge
from settlement.ledger import (
    account_totals,
    part_money,
    platform_fee,
    producer_balance,
    producer_figures,
    record_cod_remittance,
    refund_part,
)
from settlement.models import LedgerJournal, LedgerLine
from settlement.payouts import create_payout_run
from settlement.statements import reconciliation


@pytest.fixture
def place(make_cart, checkout_details, all_providers):
    from orders.checkout import place_order

    def _place(*items, method=PaymentMethod.COD, now=None):
        cart = make_cart(*items)
        details = checkout_details(payment_method=method)
        return place_order(
            cart,
            details,
            f"t-{id(cart)}-{cart.id}",
            now=now or clock.utcnow(),
            providers=all_providers,
        )

    return _place


def _journals(part_id: int) -> list[tuple[str, list[tuple[str, int]]]]:
    journals = db.session.scalars(
        select(LedgerJournal).where(LedgerJournal.part_id == part_id).order_by(LedgerJournal.id)
    )
    return [(j.kind, sorted((line.account, line.amount_vnd) for line in j.lines)) for j in journals]


def _deliver(part, now):
    pack_part(part, actor_id=None, now=now)
    ship_part(part, carrier="VNPost", tracking_code="X", actor_id=None, now=now)
    deliver_part(part, actor_id=None, now=now)
    db.session.commit()


@pytest.mark.parametrize(
    ("goods", "basis_points", "fee"),
    [
        (12_345, 500, 617),
        (12_350, 500, 618),
        (10, 500, 1),
        (9, 500, 0),
        (99_999, 250, 2_500),
        (0, 500, 0),
    ],
)
def test_the_fee_is_rounded_half_up_to_a_whole_dong(goods, basis_points, fee):
    # 12,345 × 5 % = 617.25 → 617; 12,350 × 5 % = 617.5 → 618; 9 × 5 % = 0.45 → 0.
    assert platform_fee(goods, basis_points) == fee


def test_a_card_payment_owes_the_producer_goods_and_shipping_less_the_fee(money_world, place):
    order = place((money_world["product_a"], 2), method=PaymentMethod.CARD)
    part = order.parts[0]
    assert _journals(part.id) == []  # nothing is owed before the money arrives
    mark_order_paid(order, now=clock.utcnow())
    db.session.commit()
    total = part.subtotal_vnd + part.shipping_fee_vnd
    fee = platform_fee(24_690, 500)
    assert _journals(part.id) == [
        ("sale", sorted([("producer", -total), ("provider_cash", total)])),
        ("fee", sorted([("producer", fee), ("fee_income", -fee)])),
    ]
    assert producer_balance(money_world["producer_a"].id) == total - fee


def test_a_vietqr_transfer_lands_in_the_bank_once(money_world, place):
    order = place((money_world["product_a"], 1), method=PaymentMethod.BANK_TRANSFER)
    mark_bank_transfer_received(order, now=clock.utcnow(), confirmed_by="staff@ocop.test")
    db.session.commit()
    kinds = _journals(order.parts[0].id)
    assert [k for k, _ in kinds] == ["sale", "fee"]
    assert ("bank", order.total_vnd) in kinds[0][1]


def test_cod_is_owed_on_delivery_and_moves_to_the_bank_when_remitted(money_world, place):
    now = clock.utcnow()
    order = place((money_world["product_b"], 1), method=PaymentMethod.COD, now=now)
    part = order.parts[0]
    with pytest.raises(NothingToRemit):
        record_cod_remittance(part, now=now)
    _deliver(part, now)
    assert account_totals()["carrier_cod"] == order.total_vnd
    assert record_cod_remittance(part, now=now) == order.total_vnd
    db.session.commit()
    assert account_totals()["carrier_cod"] == 0
    assert account_totals()["bank"] == order.total_vnd
    with pytest.raises(NothingToRemit):
        record_cod_remittance(part, now=now)  # once only


def test_partial_then_full_refund_gives_the_fee_back_in_proportion(money_world, place):
    order = place((money_world["product_a"], 4), method=PaymentMethod.CARD)  # goods 49,380
    mark_order_paid(order, now=clock.utcnow())
    part = order.parts[0]
    fee = platform_fee(49_380, 500)  # 2,469
    refund_part(part, 12_345, now=clock.utcnow(), actor_id=None)  # one of four jars
    money = part_money(part.id)
    assert money.fee_vnd == (fee * 37_035 * 2 + 49_380) // (2 * 49_380)  # 1,851.75 → 1,852
    with pytest.raises(RefundTooLarge):
        refund_part(part, money.refundable_vnd + 1, now=clock.utcnow(), actor_id=None)
    refund_part(part, money.refundable_vnd, now=clock.utcnow(), actor_id=None)
    db.session.commit()
    assert part.status == "refunded"
    assert part_money(part.id).fee_vnd == 0
    assert producer_balance(money_world["producer_a"].id) == 0
    assert reconciliation().holds


def test_a_refund_after_a_payout_may_make_the_balance_negative_and_the_next_run_skips_it(
    money_world, place
):
    now = clock.utcnow()
    producer_id = money_world["producer_b"].id
    order = place((money_world["product_b"], 1), method=PaymentMethod.COUNTER, now=now)
    mark_order_paid(order, now=now)
    part = order.parts[0]
    _deliver(part, now)
    later = now + timedelta(days=2)
    run = create_payout_run(now=later, actor_id=None).run
    assert run is not None and producer_balance(producer_id) == 0
    refund_part(part, part_money(part.id).refundable_vnd, now=later, actor_id=None)
    db.session.commit()
    fee = platform_fee(99_999, 500)
    # Paid out total − fee; the refund takes the total back and gives the fee back.
    assert producer_balance(producer_id) == -(order.total_vnd - fee)
    assert producer_balance(producer_id) < 0
    assert create_payout_run(now=later + timedelta(days=9), actor_id=None).run is None
    assert producer_figures(producer_id, now=later).available_vnd < 0


def test_a_provider_partial_refund_is_spread_over_the_parts(money_world, place, set_now):
    order = place(
        (money_world["product_a"], 1), (money_world["product_b"], 1), method=PaymentMethod.CARD
    )
    payment = order.payments[0]
    payment.external_intent_id = "pi_settle"
    payment.status = PaymentStatus.SUCCEEDED.value
    mark_order_paid(order, now=clock.utcnow())
    db.session.commit()
    first, second = order.parts
    first_total = first.subtotal_vnd + first.shipping_fee_vnd
    event = {
        "id": "evt_refund_1",
        "type": "charge.refunded",
        "data": {"object": {"payment_intent": "pi_settle", "amount_refunded": first_total + 5}},
    }
    assert apply_stripe_event(event, now=clock.utcnow()) == "partially_refunded"
    assert part_money(first.id).refundable_vnd == 0
    assert part_money(second.id).refunded_vnd == 5
    full = {**event, "id": "evt_refund_2"}
    full["data"] = {"object": {"payment_intent": "pi_settle", "amount_refunded": order.total_vnd}}
    assert apply_stripe_event(full, now=clock.utcnow()) == "refunded"
    assert {p.status for p in order.parts} == {"refunded"}
    assert sum(part_money(p.id).refunded_vnd for p in order.parts) == order.total_vnd
    assert reconciliation().holds


def test_entries_are_immutable(money_world, place):
    order = place((money_world["product_a"], 1), method=PaymentMethod.CARD)
    mark_order_paid(order, now=clock.utcnow())
    db.session.commit()
    line = db.session.scalars(select(LedgerLine)).first()
    line.amount_vnd += 1
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()
    journal = db.session.scalars(select(LedgerJournal)).first()
    db.session.delete(journal)
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()
    assert {j.kind for j in db.session.scalars(select(LedgerJournal))} == {
        JournalKind.SALE.value,
        JournalKind.FEE.value,
    }
    assert Account.PROVIDER_CASH.value in account_totals()
