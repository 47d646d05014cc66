"""`/readyz`: JSON readiness for load balancers (200 ready, 503 not)."""

from __future__ import annotations

from flask import jsonify

from ..access import access
from . import bp
from .checks import readiness


@bp.get("/readyz")
@access("public")
def readyz():
    ready, checks = readiness()
    response = jsonify(status="ready" if ready else "unavailable", checks=checks)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
