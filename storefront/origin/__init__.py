"""Origin pages reached by QR stamps: /o/<code> (+ .json, .svg, .png), stamp sheets."""

from flask import Blueprint

# Short on purpose: the prefix is part of every QR, and a shorter URL makes a smaller code.
URL_PREFIX = "/o"

bp = Blueprint("origin", __name__, url_prefix=URL_PREFIX)

from . import cli, routes  # noqa: E402,F401
