"""Program staff: producer applications, producers, the certificate queue, imports, audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import routes, settlement  # noqa: E402,F401
