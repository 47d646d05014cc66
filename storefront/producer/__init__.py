"""The producer portal: onboarding, listings, photos, certificates, members, orders, dashboard."""

from flask import Blueprint

bp = Blueprint("producer", __name__)

from . import ledger, orders, routes  # noqa: E402,F401
