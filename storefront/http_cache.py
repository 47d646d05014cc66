"""HTTP caching of anonymous catalog pages: ETag and Last-Modified from the catalog change marker,
`Cache-Control` for browsers, nginx or a CDN, and 304 Not Modified on a matching revalidation.

A catalog page (home, listings, province and producer pages, a product, search results, origin
pages) depends only on the catalog, the day in Vietnam, the locale, the path and query, and the
release (templates, translations). The ETag hashes exactly those, so it changes whenever the
page could: an edited product or a revoked certificate moves the marker (catalog/changes.py),
midnight moves the day. A revalidation whose ETag still matches is answered 304 before the
view runs — no query but the marker's, no rendering.

What is never shared: a response for a signed-in user, one that carries a CSRF token (a form,
e.g. "add to cart"), one that popped a flash message or changed the session, one that sets a
cookie. Those get `Cache-Control: private, no-store` and no validators. Every public response
varies on `Cookie` and `Accept-Language`, since both may choose the locale.

`HTTP_CACHE_MAX_AGE` (seconds, default 0) lets shared caches serve a page that long without
asking; 0 means they store it but revalidate every time ("no-cache"), which is never stale.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_login import current_user

from catalog.changes import catalog_last_changed_at, catalog_last_changed_at_for_reader
from core.clock import today_in_vietnam

from .i18n import current_locale

# Views whose anonymous GET responses depend only on the catalog, day, locale and URL.
CATALOG_ENDPOINTS = frozenset(
    {
        "shop.home",
        "shop.product_list",
        "shop.province_detail",
        "shop.producer_detail",
        "shop.product_detail",
        "search.results",
        "origin.page",
        "origin.page_json",
    }
)
# Each view of an origin page is a scan to count: it is rendered (and counted) even when the
# client's copy is current; only the body is left out of the 304.
RENDERED_EVEN_IF_CURRENT = frozenset({"origin.page"})
PRIVATE = "private, no-store"
_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_MARKER_KEY = "_catalog_marker"
_CSRF_FIELD = "csrf_token"  # Flask-WTF keeps the token it rendered in g under this name


def catalog_marker() -> tuple[datetime | None, ...]:
    """The catalog change marker, read once per GET request (it is one statement); requests
    that may write read it afresh each time."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return catalog_last_changed_at()
    if _MARKER_KEY not in g:
        setattr(g, _MARKER_KEY, catalog_last_changed_at_for_reader())
    return getattr(g, _MARKER_KEY)


def _start_request() -> None:
    # `g` lives as long as the app context, which may span several requests (tests, CLI
    # code issuing requests): start each one without the previous one's memo or CSRF token.
    g.pop(_MARKER_KEY, None)
    g.pop(_CSRF_FIELD, None)
    if request.method in ("GET", "HEAD") and request.endpoint in CATALOG_ENDPOINTS:
        # Read now, before the view opens a transaction: on a pooled driver connection it
        # costs ~0.04 ms, inside the view's ORM transaction ~1 ms (an origin page's headers).
        catalog_marker()


def _release_fingerprint(app: Flask) -> str:
    """What a deploy changes in rendered pages: templates, translations and static files."""
    digest = hashlib.sha1(usedforsecurity=False)
    roots = [app.template_folder, app.static_folder, os.path.join(app.root_path, "translations")]
    for root in roots:
        if not root:
            continue
        root = os.path.join(app.root_path, root) if not os.path.isabs(root) else root
        for folder, _dirs, files in sorted(os.walk(root)):
            for name in sorted(files):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(str(app.config.get("PUBLIC_BASE_URL", "")).encode())
    return digest.hexdigest()[:16]


def _cacheable_request() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.endpoint in CATALOG_ENDPOINTS
        and not current_user.is_authenticated
    )


def _validators() -> tuple[str, datetime]:
    """(ETag, Last-Modified) of this request's page."""
    marker = catalog_marker()
    today = today_in_vietnam()
    key = "|".join(
        (
            current_app.extensions["http_cache_release"],
            today.isoformat(),
            current_locale(),
            request.full_path,
            *(stamp.isoformat() if stamp else "-" for stamp in marker),
        )
    )
    etag = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:24]
    # Midnight in Vietnam changes what is for sale: it counts as a modification too.
    midnight = datetime.combine(today, time(), tzinfo=_VIETNAM).astimezone(UTC)
    last_modified = max([midnight, *(stamp for stamp in marker if stamp is not None)])
    return etag, last_modified


def _public_cache_control() -> str:
    max_age = int(current_app.config.get("HTTP_CACHE_MAX_AGE", 0))
    return f"public, max-age={max_age}" if max_age > 0 else "public, no-cache"


def _answer_not_modified() -> Response | None:
    """before_request: a 304 when the client's copy of this anonymous page is current."""
    if (
        not request.if_none_match
        or request.endpoint in RENDERED_EVEN_IF_CURRENT
        or not _cacheable_request()
    ):
        return None
    etag, last_modified = _validators()
    if not request.if_none_match.contains(etag):
        return None
    response = Response(status=304)
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = _public_cache_control()
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _shared_safely(response: Response) -> bool:
    return not (
        g.get(_CSRF_FIELD)  # the page holds a form bound to this visitor's session
        or session.modified  # e.g. a flash message shown once, a new CSRF secret
        or response.headers.get("Set-Cookie")
    )


def _set_cache_headers(response: Response) -> Response:
    """after_request: validators and Cache-Control on catalog pages; private for anything else
    that must not be shared."""
    if not _cacheable_request() or response.status_code != 200:
        if current_user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = PRIVATE
        return response
    if not _shared_safely(response):
        response.headers["Cache-Control"] = PRIVATE
        return response
    etag, last_modified = _validators()
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = _public_cache_control()
    response.vary.update(("Cookie", "Accept-Language"))
    return response.make_conditional(request)


def init_http_cache(app: Flask) -> None:
    app.extensions["http_cache_release"] = _release_fingerprint(app)
    app.before_request(_start_request)
    app.before_request(_answer_not_modified)
    app.after_request(_set_cache_headers)
