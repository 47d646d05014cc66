"""The end of a form post that changed something: commit, tell the user, redirect (PRG)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from core.db import db


def saved(message: str, endpoint: str, **values: object) -> Response:
    """Commit the view's work, show `message` as a success, and go to `endpoint`."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))
