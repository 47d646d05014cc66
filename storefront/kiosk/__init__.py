"""The kiosk at an OCOP display point (/kiosk/<point>/<lang>/...) and its counter pages.

The language is in the URL, so a fresh visitor needs no session to read; the basket and the last
pickup number live under one session key that the idle reset removes."""

from flask import Blueprint

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

from . import counter, routes  # noqa: E402,F401  (routes register on bp)
