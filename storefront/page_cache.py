"""A small per-process cache of rendered catalog fragments.

Keys hold everything the fragment depends on: the locale, today's date in Vietnam (the for-sale
rule changes at midnight), the catalog change marker and the request arguments. A change to any
catalog row changes the marker, so an entry is never served stale; old entries just age out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from threading import Lock
from typing import Any, TypeVar

from flask import current_app, get_template_attribute
from markupsafe import Markup

from catalog.products.cards import for_sale_cards_in_order
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

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: Any) -> None:
        if self._max_entries <= 0:
            return
        with self._lock:
            self._entries[key] = value
            if len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

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


def product_cards(product_ids: list[int], today: date, *, eager: int = 0) -> list[Markup]:
    """The rendered cards of these products, in this order, those still for sale (the first
    `eager` with their photo loaded eagerly).

    A card depends on its product, the locale, the day and the catalog, so it is cached per
    product under the same marker as the pages: the products of a listing page recur on many
    other pages (filters, sorts, provinces, home), and a card from the cache saves loading its
    product, producer, certificates and photos and rendering four macros. Only the products
    without a card are read — as plain card rows, through the for-sale rule
    (`catalog.products.cards`).
    """
    cache: FragmentCache = current_app.extensions["card_cache"]
    prefix = (current_locale(), today, catalog_marker())
    keys = [(*prefix, pid, position < eager) for position, pid in enumerate(product_ids)]
    cards: dict[int, Markup] = {}
    missing: list[int] = []
    for pid, key in zip(product_ids, keys, strict=True):
        card = cache.get(key)
        if card is None:
            missing.append(pid)
        else:
            cards[pid] = card
    if missing:
        render_card = get_template_attribute("_macros.html", "product_card")
        loaded = {card.id: card for card in for_sale_cards_in_order(missing, today)}
        for pid, key in zip(product_ids, keys, strict=True):
            if pid in loaded and pid not in cards:
                cards[pid] = Markup(render_card(loaded[pid], today, eager=key[-1]))  # noqa: S704
                cache.put(key, cards[pid])
    return [cards[pid] for pid in product_ids if pid in cards]


def init_page_cache(app) -> None:
    app.extensions["fragment_cache"] = FragmentCache(app.config.get("FRAGMENT_CACHE_ENTRIES", 512))
    app.extensions["card_cache"] = FragmentCache(app.config.get("CARD_CACHE_ENTRIES", 4096))
