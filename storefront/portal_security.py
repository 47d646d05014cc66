"""Web-side protections of the accounts and portal: rate limits on sign-in and password reset,
friendly 403/429/CSRF pages.

Rate limits count POSTs per client address and per e-mail typed, in fixed windows, in Redis when
REDIS_URL is set (shared by all workers) or in this process otherwise.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from core.ratelimit import RateLimiter, make_rate_limiter
from core.text import nfc

log = logging.getLogger(__name__)

# endpoint → config key holding the attempts allowed per window
RATE_LIMITED_ENDPOINTS = {
    "account.login": "LOGIN_ATTEMPTS_PER_WINDOW",
    "account.password_forgot": "PASSWORD_RESETS_PER_WINDOW",
}


def rate_limiter() -> RateLimiter:
    return current_app.extensions["rate_limiter"]


def _within_limits(endpoint: str) -> bool:
    limit = current_app.config[RATE_LIMITED_ENDPOINTS[endpoint]]
    window = current_app.config["RATE_LIMIT_WINDOW_SECONDS"]
    keys = [f"{endpoint}:ip:{request.remote_addr or '-'}"]
    email = nfc(request.form.get("email", "")).strip().lower()
    if email:
        keys.append(f"{endpoint}:email:{email}")
    limiter = rate_limiter()
    try:
        # Count every key (no short-circuit), so a blocked address still uses up the e-mail's budget.
        results = [limiter.hit(key, limit, window) for key in keys]
    except Exception as error:  # Redis down: keep sign-in working, but say so in the log
        log.warning("rate limiter unavailable: %s", error)
        return True
    return all(results)


def init_portal_security(app: Flask) -> None:
    app.extensions["rate_limiter"] = make_rate_limiter(app.config.get("REDIS_URL", ""))

    @app.before_request
    def limit_sensitive_posts():
        limited = request.method == "POST" and request.endpoint in RATE_LIMITED_ENDPOINTS
        if limited and not _within_limits(request.endpoint):
            message = _("Too many attempts. Please wait a few minutes and try again.")
            return render_template("errors/domain.html", message=message), 429
        return None

    @app.errorhandler(403)
    def forbidden(error):
        if request.path.startswith("/api/"):
            return jsonify(error="forbidden"), 403
        message = _("You do not have access to this page.")
        return render_template("errors/domain.html", message=message), 403

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        message = _("This form has expired. Please go back, reload the page and try again.")
        return render_template("errors/domain.html", message=message), 400
