"""Cross-site request forgery defence without a session: was this POST sent by our own page?

Browsers say where a request comes from: `Sec-Fetch-Site` (Fetch Metadata; every current
browser) and `Origin` (on every cross-origin request and every POST). A form on another site
cannot forge either. This is the check Go's `net/http.CrossOriginProtection` makes; here it
stands in for the session token on one form only — "add to cart" on anonymous catalog pages —
so that those pages need no session cookie and can be served from a shared cache. A request
that carries neither header (a very old browser, a script) is not trusted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request


def _configured_origin() -> str:
    parts = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    return f"{parts.scheme}://{parts.netloc}".lower()


def posted_from_this_shop() -> bool:
    """True when the browser says this request was sent by a page of this shop."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    # Compared with the configured public address, never with the Host header.
    return origin is not None and origin.lower() == _configured_origin()
