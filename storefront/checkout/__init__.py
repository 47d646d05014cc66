"""Checkout: contact, address, payment method → one order split per producer."""

from flask import Blueprint

bp = Blueprint("checkout", __name__)

from . import routes  # noqa: E402,F401
