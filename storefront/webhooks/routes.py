"""POST /webhooks/stripe: verify the signature on the raw body, check the event's shape, then
apply it once (400 for a bad signature or a malformed body, so Stripe shows the failure)."""

from __future__ import annotations

import logging

import stripe
from flask import abort, current_app, jsonify, request

from core import clock
from orders.payments.stripe_gateway import (
    MalformedEvent,
    apply_stripe_event,
    parse_event,
    verify_webhook,
)

from ..access import access
from . import bp

log = logging.getLogger(__name__)


@bp.post("/webhooks/stripe")
@access("public")
def stripe_webhook():
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        abort(404)
    payload = request.get_data(cache=False)  # the exact bytes Stripe signed
    try:
        verify_webhook(payload, request.headers.get("Stripe-Signature"), secret)
    except (ValueError, stripe.SignatureVerificationError) as error:
        log.warning("stripe webhook refused: %s", error)
        return jsonify(error="invalid_signature"), 400
    try:
        event = parse_event(payload)
    except MalformedEvent as error:
        log.warning("stripe webhook malformed: %s", error)
        return jsonify(error="malformed_event"), 400
    outcome = apply_stripe_event(event, now=clock.utcnow())
    return jsonify(received=True, outcome=outcome), 200
