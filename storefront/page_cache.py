"""A small per-process cache of rendered catalog fragments.

Keys hold everything the fragment depends on: the locale, today's date in Vietnam (the for-sale
rule changes at midnight), the catalog change marker and the request arguments. A change to any
catalog row changes the marker, so an entry is never served stale; old entries just age out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from flask import current_app
from markupsafe import Markup

from core.clock import today_in_vietnam

from .http_cache import catalog_marker
from .i18n import current_locale

T = TypeVar("T")


class FragmentCache:
    def __init__(self, max_entries: int = 512) -> None:
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._max_entries = max_entries
        self._lock = Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = build()
        if self._max_entries <= 0:
            return value
        with self._lock:
            self._entries[key] = value
            if len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cached_catalog_value(name: str, args: Hashable, build: Callable[[], T]) -> T:
    """Build (or reuse) a value that depends only on `args`, the locale, today and the catalog."""
    cache: FragmentCache = current_app.extensions["fragment_cache"]
    key = (name, current_locale(), today_in_vietnam(), catalog_marker(), args)
    return cache.get_or_build(key, build)


def cached_catalog_fragment(name: str, args: Hashable, render: Callable[[], str]) -> Markup:
    """Render (or reuse) an HTML fragment that depends only on `args` and the catalog."""
    # Markup: the output of our own autoescaped templates.
    return cached_catalog_value(name, args, lambda: Markup(render()))  # noqa: S704


def init_page_cache(app) -> None:
    app.extensions["fragment_cache"] = FragmentCache(app.config.get("FRAGMENT_CACHE_ENTRIES", 512))
