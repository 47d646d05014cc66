"""Search pages: results with facets (`/search`) and autocomplete (`/search/suggest`)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("search", __name__)

from . import routes  # noqa: E402,F401 - registers the views on bp
