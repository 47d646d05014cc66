"""Settlement fixtures: producers with approved bank accounts, a card provider stand-in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import today_in_vietnam
from core.db import db
from orders.enums import OrderStatus, PaymentMethod
from orders.payments import BankTransfer, CashOnDelivery, PayAtCounter
from settlement import ledger
from settlement.models import ProducerBankAccount


class CardStandIn:
    """A card provider that never leaves the machine: the test marks orders paid itself."""

    method = PaymentMethod.CARD
    initial_status = OrderStatus.AWAITING_PAYMENT
    reservation_ttl = None
    minimum_vnd = 0

    def begin(self, order, payment, *, now, success_url, cancel_url):
        return None

    def cancel(self, payment, *, now):
        return None


@pytest.fixture
def all_providers() -> dict:
    return {
        PaymentMethod.COD: CashOnDelivery(),
        PaymentMethod.BANK_TRANSFER: BankTransfer("970436", "0011001234567", "HTX OCOP"),
        PaymentMethod.COUNTER: PayAtCounter(),
        PaymentMethod.CARD: CardStandIn(),
    }


@pytest.fixture
def settings_for_tests(app):
    """5 % fee, one day of hold, payouts from 1,000 ₫."""
    ledger.configure(fee_basis_points=500, hold_days=1, payout_minimum_vnd=1000)
    yield ledger.SETTINGS


@pytest.fixture
def money_world(app, make_producer, make_product, settings_for_tests):
    """Two producers with an approved bank account and a product each (odd prices: rounding)."""
    far = {"expires_on": today_in_vietnam() + timedelta(days=3000)}
    world = {}
    for key, price, name in (("a", 12_345, "HTX Trà Tân Cương"), ("b", 99_999, "HTX Mắm Cà Mau")):
        producer = make_producer(name=name, registration_no=f"030{price}")
        world[f"producer_{key}"] = producer
        world[f"product_{key}"] = make_product(
            producer=producer, price_vnd=price, stock=1_000_000, certificate=far
        )
        db.session.add(
            ProducerBankAccount(
                producer_id=producer.id,
                bank_bin="970405",
                account_no=f"1234{price}",
                account_name=name.upper(),
                status="approved",
            )
        )
    db.session.commit()
    return world
