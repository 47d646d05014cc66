"""Input the database cannot take is refused at the door, as a 400 or a 404, never a 500.

- Ids in URLs: the `int` URL converter is bounded to the database's Integer range, so
  `/admin/certificates/99999999999999999999` is a plain 404 instead of PostgreSQL's
  "integer out of range".
- NUL characters: PostgreSQL refuses them in text, so any NUL in the path, the query string or a
  posted form answers 400 (a translated page, or JSON under /api/).
- `parse_id` reads an id posted in a form (ASCII digits within range, else None).
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from core.db import MAX_INT

FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class BoundedIntConverter(IntegerConverter):
    """`<int:...>`: ASCII digits only, at most MAX_INT; anything else does not match (404)."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def parse_id(raw: str | None) -> int | None:
    """An id typed or posted as text: ASCII digits within the database's range, else None."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(MAX_INT)):
        return None
    number = int(raw)
    return number if 0 < number <= MAX_INT else None


def has_nul(data: MultiDict) -> bool:
    """A NUL character in any key or value of a query string or form."""
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


def _refuse_nul_characters() -> None:
    if "\x00" in request.path or has_nul(request.args):
        abort(400)
    if request.mimetype in FORM_MIMETYPES and has_nul(request.form):
        abort(400)


def init_input_guard(app: Flask) -> None:
    """Before any blueprint registers a route: the converter must be in place first."""
    app.url_map.converters["int"] = BoundedIntConverter
    # First of the before-request hooks: nothing else may read the request's text before this.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_nul_characters)
    # Blueprints' URL value preprocessors run before any before-request hook (the kiosk loads
    # its display point there), so the check runs first among those too.
    app.url_value_preprocessors.setdefault(None, []).insert(0, _refuse_nul_in_url_values)


def _refuse_nul_in_url_values(endpoint: str | None, values: dict | None) -> None:
    _refuse_nul_characters()
