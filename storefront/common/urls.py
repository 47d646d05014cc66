"""URLs the shop hands out: safe local redirects, and absolute URLs built from PUBLIC_BASE_URL.

Absolute URLs come from config, never from the request: a QR printed on ten thousand jars must
not depend on which Host header reached the server that day. Everything here needs only an app
context, so the CLI uses it too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

# Short on purpose: the prefix is part of every QR, and a shorter URL makes a smaller code.
ORIGIN_URL_PREFIX = "/o"


def safe_next_path(target: str | None) -> str | None:
    """Accept only a local path ('/x?y'); anything with a scheme or host is refused."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None  # control characters (CR/LF) would break the Location header
    return target


def public_url(path: str) -> str:
    """Absolute URL for `path` on PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/" + path.lstrip("/")


def origin_path(code: str, suffix: str = "") -> str:
    """'/o/ABCD2345' (+ '.json', '.svg', '.png')."""
    return f"{ORIGIN_URL_PREFIX}/{code}{suffix}"


def origin_url(code: str, suffix: str = "") -> str:
    """The public URL a stamp encodes: PUBLIC_BASE_URL + '/o/<CODE>'."""
    return public_url(origin_path(code, suffix))
