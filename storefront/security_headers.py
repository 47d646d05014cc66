"""Security headers on every response: one after-request hook, no library.

The Content-Security-Policy allows scripts and styles from this site only, plus the few inline
`<style>` blocks that carry this response's nonce (`csp_nonce()` in templates). No inline
scripts, no `on…=` handlers, no `style=` attributes: behaviour lives in static/js/behaviours.js
and is switched on by `data-` attributes. Pages may not be framed (`frame-ancestors 'none'` and
`X-Frame-Options: DENY` for older browsers). HSTS is sent only when the shop is served over
HTTPS (`PREFERRED_URL_SCHEME=https`), so a plain-HTTP development server is never pinned.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_request_context, request
from werkzeug.wrappers import Response

# Stripe Checkout: a form post to our /orders/<n>/pay answers 303 to Stripe's page, and browsers
# apply form-action to the redirect target too. With STRIPE_API_BASE set (a stand-in), its origin.
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


NONCE_KEY = "ocop.csp_nonce"


def _scope() -> dict:
    """Where this response's nonce lives: the request (the app context may outlive it), or `g`
    when a template is rendered outside a request (a stamp sheet written by the CLI)."""
    return request.environ if has_request_context() else g.__dict__


def csp_nonce() -> str:
    """This response's nonce for an inline `<style>` (or script) that must stay inline."""
    scope = _scope()
    nonce = scope.get(NONCE_KEY)
    if nonce is None:
        nonce = scope[NONCE_KEY] = secrets.token_urlsafe(16)
    return nonce


def checkout_origin(api_base: str) -> str:
    """Where a card payment's form post ends up: Stripe's page, or the stand-in's."""
    if not api_base:
        return STRIPE_CHECKOUT_ORIGIN
    parts = urlsplit(api_base)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(nonce: str | None, checkout: str = STRIPE_CHECKOUT_ORIGIN) -> str:
    inline = f" 'nonce-{nonce}'" if nonce else ""
    directives = [
        "default-src 'self'",
        f"script-src 'self'{inline}",
        f"style-src 'self'{inline}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action 'self' {checkout}",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def security_headers(
    nonce: str | None, https: bool, checkout: str = STRIPE_CHECKOUT_ORIGIN
) -> dict[str, str]:
    """The headers every response carries."""
    headers = {
        "Content-Security-Policy": content_security_policy(nonce, checkout),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def _add_security_headers(response: Response) -> Response:
    config = current_app.config
    https = config.get("PREFERRED_URL_SCHEME") == "https"
    checkout = checkout_origin(config.get("STRIPE_API_BASE", ""))
    for name, value in security_headers(_scope().get(NONCE_KEY), https, checkout).items():
        response.headers.setdefault(name, value)  # a view's own, stricter policy stays
    return response


def init_security_headers(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_add_security_headers)
