"""Each server's search index follows the database, whoever changed it (issue 16).

One daemon thread per worker process, started by the first request (never by CLI commands),
ticks every `SEARCH_FOLLOW_SECONDS` (default 1; 0 turns it off):

1. when the catalog's change marker moved, the process forgets its cached for-sale snapshot,
   so facets and counts reflect a change made on another server within a tick;
2. it tries the index's write lock without waiting: the worker that gets it runs
   `search.index_follow.catch_up` (incremental update, or a rebuild of a missing or corrupt
   index); the others skip this tick.

Nothing here can stop a worker: every failure is logged and the next tick tries again.
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

from catalog.changes import catalog_last_changed_at
from core.db import db
from search.index_follow import catch_up

from .search_service import EXTENSION_KEY

log = logging.getLogger(__name__)
FOLLOWER_KEY = "index_follower"


class IndexFollower:
    def __init__(self, app: Flask, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._started_in: int | None = None  # pid: a forked child starts its own thread
        self._start_lock = threading.Lock()
        self._stop = threading.Event()
        self._marker: tuple | None = None
        self.thread: threading.Thread | None = None
        self.ticks = 0

    def ensure_started(self) -> None:
        if self._started_in == os.getpid():
            return
        with self._start_lock:
            if self._started_in == os.getpid():
                return
            self._started_in = os.getpid()
            self._stop.clear()
            self.thread = threading.Thread(target=self._loop, name="index-follower", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def tick(self) -> None:
        """One round: notice changes, catch the index up if this process gets the lock."""
        with self.app.app_context():
            try:
                marker = catalog_last_changed_at()
                if marker != self._marker:
                    self._marker = marker
                    search = self.app.extensions.get(EXTENSION_KEY)
                    if search is not None:
                        search.invalidate()
                result = catch_up(self.app.config["SEARCH_INDEX_DIR"])
                if result.action in {"updated", "rebuilt"}:
                    log.info("search index %s: %d product(s)", result.action, result.products)
            except Exception:
                log.exception("search index follower: this tick failed; trying again")
            finally:
                self.ticks += 1
                db.session.remove()


def init_index_follower(app: Flask) -> None:
    """Start following on the first request when `SEARCH_FOLLOW_SECONDS` > 0."""
    interval = float(app.config.get("SEARCH_FOLLOW_SECONDS") or 0)
    if interval <= 0:
        return
    follower = IndexFollower(app, interval)
    app.extensions[FOLLOWER_KEY] = follower
    app.before_request(follower.ensure_started)
