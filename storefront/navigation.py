"""Safe redirects and absolute URLs built from config (never from the Host header)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def safe_next_path(target: str | None) -> str | None:
    """Accept only a local path ('/x?y'); anything with a scheme or host is refused."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def public_url(path: str) -> str:
    """Absolute URL for `path` on PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/" + path.lstrip("/")
