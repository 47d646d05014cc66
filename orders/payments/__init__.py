"""One small interface for every way of paying: cash on delivery, bank transfer (VietQR),
cards (Stripe Checkout) and the kiosk's pay-at-counter.

Stripe does not onboard merchants registered in Vietnam, so an operator may need another card
processor: it only has to implement `PaymentProvider`. Checkout asks a provider for the first
status of each part and how long stock stays reserved; after the order is committed, the web
layer calls `begin` (which may talk to the network) and, on cancellation, `cancel`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from ..enums import OrderStatus, PaymentMethod
from ..models import Order, Payment


class PaymentProvider(Protocol):
    method: PaymentMethod
    initial_status: OrderStatus
    # None: stock stays reserved until the order is cancelled by hand.
    reservation_ttl: timedelta | None
    minimum_vnd: int

    def begin(
        self, order: Order, payment: Payment, *, now: datetime, success_url: str, cancel_url: str
    ) -> str | None:
        """Start collecting the money; return a URL to send the buyer to, or None."""
        ...

    def cancel(self, payment: Payment, *, now: datetime) -> None:
        """Make sure nobody can pay `payment` any more (e.g. expire an open card session)."""
        ...


class _NoRedirectProvider:
    reservation_ttl: timedelta | None = None
    minimum_vnd = 0

    def begin(
        self, order: Order, payment: Payment, *, now: datetime, success_url: str, cancel_url: str
    ) -> str | None:
        return None

    def cancel(self, payment: Payment, *, now: datetime) -> None:
        return None


class CashOnDelivery(_NoRedirectProvider):
    """The carrier collects cash; the order is confirmed straight away."""

    method = PaymentMethod.COD
    initial_status = OrderStatus.CONFIRMED


class BankTransfer(_NoRedirectProvider):
    """The buyer scans a VietQR code; a person marks the money received from the bank statement."""

    method = PaymentMethod.BANK_TRANSFER
    initial_status = OrderStatus.AWAITING_PAYMENT

    def __init__(self, bank_bin: str, account_no: str, account_name: str = "") -> None:
        self.bank_bin = bank_bin
        self.account_no = account_no
        self.account_name = account_name


class PayAtCounter(_NoRedirectProvider):
    """A kiosk's cashier takes the money and marks the order paid."""

    method = PaymentMethod.COUNTER
    initial_status = OrderStatus.AWAITING_PAYMENT


ProviderRegistry = dict[PaymentMethod, PaymentProvider]
