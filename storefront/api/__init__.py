"""The JSON API for apps and kiosks: products, search (docs/api.md)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import routes  # noqa: E402,F401
