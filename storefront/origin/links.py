"""Absolute URLs of origin pages and QR images, always on PUBLIC_BASE_URL.

Built from config, never from the request: a QR printed on ten thousand jars must not depend on
which Host header reached the server that day. Needs only an app context, so the CLI uses it too.
"""

from __future__ import annotations

from ..navigation import public_url
from . import URL_PREFIX


def origin_path(code: str, suffix: str = "") -> str:
    """'/o/ABCD2345' (+ '.json', '.svg', '.png')."""
    return f"{URL_PREFIX}/{code}{suffix}"


def origin_url(code: str, suffix: str = "") -> str:
    """The public URL a stamp encodes: PUBLIC_BASE_URL + '/o/<CODE>'."""
    return public_url(origin_path(code, suffix))
