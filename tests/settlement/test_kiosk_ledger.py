"""A kiosk pickup through the ledger: the cashier's "paid" is a sale into the bank (counter
cash), the hand-over is the delivery that starts the hold period."""

from __future__ import annotations

from datetime import timedelta

from core import clock
from core.db import db
from orders.kiosk.pickups import hand_over, mark_pickup_paid, pickup_of_order
from settlement.ledger import account_totals, platform_fee, producer_figures
from settlement.statements import reconciliation


def test_a_kiosk_pickup_is_a_counter_sale_available_after_the_hold(
    make_product, make_point, make_pickup, make_user, settings_for_tests
):
    product = make_product(price_vnd=80_000)
    point = make_point("HN1", (product, 3))
    order = make_pickup(point, (product, 2))
    staff = make_user(role="admin")
    now = clock.utcnow()
    assert account_totals() == {}  # reserved at the kiosk, nothing paid yet
    mark_pickup_paid(pickup_of_order(order.id), actor_id=staff.id, confirmed_by="quầy", now=now)
    db.session.commit()
    fee = platform_fee(160_000, 500)
    assert account_totals()["bank"] == order.total_vnd
    figures = producer_figures(product.producer_id, now=now)
    assert figures.balance_vnd == order.total_vnd - fee
    assert figures.available_vnd == 0  # not handed over yet
    hand_over(pickup_of_order(order.id), actor_id=staff.id, now=now)
    db.session.commit()
    later = producer_figures(product.producer_id, now=now + timedelta(days=1))
    assert later.available_vnd == order.total_vnd - fee
    assert reconciliation().holds
