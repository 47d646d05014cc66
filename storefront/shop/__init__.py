"""Public catalog pages: home, listings, province, producer and product pages."""

from flask import Blueprint

bp = Blueprint("shop", __name__)

from . import routes  # noqa: E402,F401
