"""The buyer's orders: confirmation, lookup by number + phone, history, pay by card again."""

from flask import Blueprint

bp = Blueprint("orders", __name__)

from . import routes  # noqa: E402,F401
