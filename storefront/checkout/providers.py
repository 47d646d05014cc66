"""Payment providers built once per app from config (tests may replace them in app.extensions)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app

from orders.enums import PaymentMethod
from orders.payments import BankTransfer, CashOnDelivery, PayAtCounter, PaymentProvider
from orders.payments.stripe_gateway import StripeCheckout, make_stripe_client

EXTENSION_KEY = "payment_providers"
# What the web checkout offers (pay-at-counter is for kiosks).
WEB_METHODS = (PaymentMethod.COD, PaymentMethod.BANK_TRANSFER, PaymentMethod.CARD)


def card_payments_enabled(config: Any) -> bool:
    return bool(config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_WEBHOOK_SECRET"))


def build_providers(config: Any) -> dict[PaymentMethod, PaymentProvider]:
    providers: dict[PaymentMethod, PaymentProvider] = {
        PaymentMethod.COD: CashOnDelivery(),
        PaymentMethod.COUNTER: PayAtCounter(),
    }
    if config.get("BANK_BIN") and config.get("BANK_ACCOUNT_NO"):
        providers[PaymentMethod.BANK_TRANSFER] = BankTransfer(
            config["BANK_BIN"], config["BANK_ACCOUNT_NO"], config.get("BANK_ACCOUNT_NAME", "")
        )
    if card_payments_enabled(config):
        client = make_stripe_client(config["STRIPE_SECRET_KEY"], config.get("STRIPE_API_BASE", ""))
        providers[PaymentMethod.CARD] = StripeCheckout(
            client,
            reservation_ttl=timedelta(minutes=config["CARD_RESERVATION_MINUTES"]),
            minimum_vnd=config["STRIPE_MIN_CHARGE_VND"],
        )
    return providers


def payment_providers() -> dict[PaymentMethod, PaymentProvider]:
    """Every configured provider of this app (built on first use)."""
    extensions = current_app.extensions
    if EXTENSION_KEY not in extensions:
        extensions[EXTENSION_KEY] = build_providers(current_app.config)
    return extensions[EXTENSION_KEY]


def web_providers() -> dict[PaymentMethod, PaymentProvider]:
    return {m: p for m, p in payment_providers().items() if m in WEB_METHODS}
