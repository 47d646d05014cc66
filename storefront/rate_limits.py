"""Rate limits on sign-in and password reset (429 with a friendly page).

They count POSTs per client address and per e-mail typed, in fixed windows, in Redis when
REDIS_URL is set (shared by all workers) or in this process otherwise.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, request
from flask_babel import gettext as _

from core.ratelimit import RateLimiter, make_rate_limiter
from core.text import clean_text

from .errors import error_page

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
    email = clean_text(request.form.get("email", "")).lower()
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


def app_rate_limiter(app: Flask) -> RateLimiter:
    """The limiter the app's config asks for (Redis with a memory fallback, or memory)."""
    return make_rate_limiter(
        app.config.get("REDIS_URL", ""),
        key_prefix=app.config.get("REDIS_KEY_PREFIX", "ocop:"),
        timeout_seconds=app.config.get("REDIS_TIMEOUT_MS", 50) / 1000,
    )


def init_rate_limits(app: Flask) -> None:
    app.extensions["rate_limiter"] = app_rate_limiter(app)

    @app.before_request
    def limit_sensitive_posts():
        limited = request.method == "POST" and request.endpoint in RATE_LIMITED_ENDPOINTS
        if limited and not _within_limits(request.endpoint):
            message = _("Too many attempts. Please wait a few minutes and try again.")
            return error_page(message, 429)
        return None
