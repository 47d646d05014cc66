"""Payment providers built once per app from config (tests may replace them in app.extensions),
and sending a buyer to the card processor's page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _

from core import clock
from core.db import db
from orders.enums import PaymentMethod
from orders.errors import PaymentProviderError
from orders.models import Order
from orders.payments import BankTransfer, CashOnDelivery, PayAtCounter, PaymentProvider
from orders.payments.stripe_gateway import StripeCheckout, make_stripe_client

from .urls import public_url

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


def start_card_payment(order: Order):
    """Send the buyer to the card processor's page (creating the session once)."""
    provider = web_providers().get(PaymentMethod.CARD)
    payment = next((p for p in order.payments if p.provider == PaymentMethod.CARD.value), None)
    if provider is None or payment is None:
        abort(404)
    confirmation = public_url(url_for("orders.confirmation", number=order.number))
    try:
        url = provider.begin(
            order,
            payment,
            now=clock.utcnow(),
            success_url=confirmation + "?paid=1",
            cancel_url=confirmation,
        )
    except PaymentProviderError:
        db.session.rollback()
        flash(_("Card payment could not be started. Please try again."), "error")
        return redirect(url_for("orders.confirmation", number=order.number))
    db.session.commit()
    return redirect(url, code=303)
