"""Keeps one process's for-sale snapshot current without making requests wait for a rebuild.

Loading every product for sale takes a second or more at 20,000 products; asking only the
products that changed takes milliseconds. So:
- the first snapshot is loaded once per process (in the background at start-up when the app
  warms up; the very first request waits for it only if it comes before that finishes);
- on each use, the catalog change marker (`catalog.changes`) is compared with the one the
  snapshot was read at: when it moved, only the products changed since are asked again
  through the for-sale rule and patched into a new snapshot (`patched_snapshot`); at midnight
  only the products whose certificates start or end are (`products_whose_sale_may_change`).
  So a snapshot is as current as the marker: an edit or a revocation made by any process shows
  on the next request;
- a full reload still runs every `full_reload_seconds` (a safety net for changes the marker
  cannot see, e.g. rows deleted), in the background, and is swapped in when ready; so does
  one after a change too large to patch (a bulk import).
A request using a snapshot keeps it: a swap never changes a set under a running request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import union_all

from catalog.changes import catalog_last_changed_at, products_changed_since
from catalog.for_sale import products_whose_sale_may_change
from core.db import db

from .snapshot import ForSaleSnapshot, load_for_sale_snapshot, patched_snapshot

log = logging.getLogger(__name__)

Marker = tuple[datetime | None, ...]
# More changed products than this: reload everything (in the background when possible).
MAX_PATCHED_PRODUCTS = 5000
FIRST_LOAD_WAIT_SECONDS = 60.0


class SnapshotKeeper:
    """The current for-sale snapshot of one process.

    `marker` returns the catalog change marker (the web layer passes one read once per request);
    `background(job)` runs `job` in a thread with what it needs (app context, own session), or
    is None to do every load in the caller.
    """

    def __init__(
        self,
        *,
        marker: Callable[[], Marker] = catalog_last_changed_at,
        background: Callable[[Callable[[], None]], None] | None = None,
        full_reload_seconds: float = 300.0,
    ) -> None:
        self._marker = marker
        self._background = background
        self.full_reload_seconds = full_reload_seconds
        # (snapshot, the marker it was read at, when it was fully loaded)
        self._current: tuple[ForSaleSnapshot, Marker, float] | None = None
        self._lock = threading.Lock()  # one patch or load at a time
        self._reload_lock = threading.Lock()
        self._loaded = threading.Event()  # set once a background load has finished
        self._reloading = False
        self._recheck = False

    # public -----------------------------------------------------------------------------

    def get(self, on: date) -> ForSaleSnapshot:
        """The snapshot for `on`, patched up to the current marker."""
        if self._recheck:
            self._recheck = False
            marker = catalog_last_changed_at()
        else:
            marker = self._marker()
        current = self._current
        if current is not None and current[0].on == on and current[1] == marker:
            self._maybe_reload_in_background(current, on)
            return current[0]
        if current is None and self._reloading:
            self._loaded.wait(FIRST_LOAD_WAIT_SECONDS)  # the warm-up is loading it
        with self._lock:
            current = self._current
            if current is None or current[0].on > on:
                return self._load(on, marker)
            snapshot, seen, loaded_at = current
            if snapshot.on == on and seen == marker:
                return snapshot
            queries = []
            if seen != marker:
                queries.append(products_changed_since(seen))
            if snapshot.on != on:
                queries.append(products_whose_sale_may_change(snapshot.on, on))
            id_query = union_all(*queries) if len(queries) > 1 else queries[0]
            changed = set(db.session.scalars(id_query))
            if len(changed) > MAX_PATCHED_PRODUCTS:
                if self._background is None or snapshot.on != on:
                    return self._load(on, marker)
                self._start_reload(on)
                return snapshot  # the bulk change shows once the reload is swapped in
            if changed or snapshot.on != on:
                previous = snapshot
                snapshot = patched_snapshot(snapshot, on, changed, id_query)
                self._prepare_in_background(snapshot, previous)
            self._current = (snapshot, marker, loaded_at)
            return snapshot

    def invalidate(self) -> None:
        """Products changed in this process: read the marker afresh on the next use (the one
        the request read may predate the change)."""
        self._recheck = True

    def warm_up(self, on: date) -> None:
        """Load the first snapshot in the background (no request should wait for it)."""
        if self._background is not None and self._current is None:
            self._start_reload(on)

    # internals --------------------------------------------------------------------------

    def _load(self, on: date, marker: Marker | None = None) -> ForSaleSnapshot:
        # The marker first: a change committed while loading is patched in on the next use.
        seen = catalog_last_changed_at() if marker is None else marker
        snapshot = load_for_sale_snapshot(on)
        self._current = (snapshot, seen, time.monotonic())
        return snapshot

    def _prepare_in_background(self, snapshot: ForSaleSnapshot, previous: ForSaleSnapshot) -> None:
        # A patched snapshot is used at once (an edit shows on the next request); what is
        # derived from it is built beside, and a request that needs it sooner builds it itself.
        if self._background is not None:
            self._background(lambda: snapshot.prepare_like(previous))

    def _maybe_reload_in_background(self, current: tuple, on: date) -> None:
        if self._background is None or self.full_reload_seconds <= 0:
            return
        if time.monotonic() - current[2] >= self.full_reload_seconds:
            self._start_reload(on)

    def _start_reload(self, on: date) -> None:
        with self._reload_lock:
            if self._reloading:
                return
            self._reloading = True

        def job() -> None:
            try:
                seen = catalog_last_changed_at()
                snapshot = load_for_sale_snapshot(on)
                current = self._current
                # Ready before it is swapped in: no request builds its facets or names.
                snapshot.prepare_like(current[0] if current is not None else None)
                with self._lock:
                    current = self._current
                    if current is None or current[0].on <= on:
                        # Swapped in with the marker it was read at: later changes get patched.
                        self._current = (snapshot, seen, time.monotonic())
            except Exception:
                log.exception("background load of the for-sale snapshot failed")
            finally:
                self._reloading = False
                self._loaded.set()

        assert self._background is not None
        self._background(job)
