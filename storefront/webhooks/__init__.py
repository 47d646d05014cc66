"""Incoming webhooks (Stripe). CSRF-exempt: they are authenticated by signature instead."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__)

from . import routes  # noqa: E402,F401
