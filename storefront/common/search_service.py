"""One `ProductSearch` per app: cached searchers, the for-sale snapshot, background rebuilds."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app, request

from core.clock import today_in_vietnam
from core.db import db
from search.indexer import index_state, rebuild_locked, write_lock
from search.query import ProductSearch
from search.snapshot_keeper import SnapshotKeeper

from ..http_cache import catalog_marker

log = logging.getLogger(__name__)
EXTENSION_KEY = "product_search"


def init_search(app: Flask) -> None:
    """Attach the search service to the app (called by the app factory)."""
    if EXTENSION_KEY in app.extensions:
        return
    rebuilder = _BackgroundRebuild(app)
    background = _in_background(app) if app.config.get("SNAPSHOT_IN_BACKGROUND", True) else None
    snapshots = SnapshotKeeper(
        marker=catalog_marker,
        background=background,
        full_reload_seconds=float(app.config.get("SNAPSHOT_FULL_RELOAD_SECONDS", 600)),
    )
    app.extensions[EXTENSION_KEY] = ProductSearch(
        app.config["SEARCH_INDEX_DIR"],
        snapshot_ttl=float(app.config.get("SEARCH_SNAPSHOT_TTL", 30.0)),
        result_cache_size=int(app.config.get("SEARCH_RESULT_CACHE_SIZE", 512)),
        on_index_unusable=rebuilder.start if app.config.get("SEARCH_AUTO_REBUILD", True) else None,
        snapshots=snapshots,
    )
    app.extensions[EXTENSION_KEY + ".rebuild"] = rebuilder
    warm_searcher = bool(app.config.get("SEARCH_WARM_UP", True))
    if background is not None or warm_searcher:
        # At a worker's first request (servers fork workers after create_app) the snapshot
        # starts loading in the background; at its first search the searcher of the thread
        # that serves requests reads its costly score maps, so that search alone waits.
        started, searcher_started = threading.Event(), threading.Event()
        service = app.extensions[EXTENSION_KEY]

        def warm_up() -> None:
            if not started.is_set():
                started.set()
                snapshots.warm_up(today_in_vietnam())
            # The searcher at the first search only: a product page must not wait for it.
            endpoint = request.endpoint or ""
            if warm_searcher and not searcher_started.is_set() and endpoint.startswith("search."):
                searcher_started.set()
                try:
                    service.warm_up(today_in_vietnam())
                except Exception:  # a cache: the request goes on cold
                    log.exception("warming the searcher failed")

        app.before_request(warm_up)


def _in_background(app: Flask) -> Callable[[Callable[[], None]], None]:
    """Run a job in a daemon thread with an app context and a session of its own."""

    def run(job: Callable[[], None]) -> None:
        def target() -> None:
            with app.app_context():
                try:
                    job()
                finally:
                    db.session.remove()

        threading.Thread(target=target, name="for-sale-snapshot", daemon=True).start()

    return run


def product_search() -> ProductSearch:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if EXTENSION_KEY not in app.extensions:
        init_search(app)
    return app.extensions[EXTENSION_KEY]


def background_rebuild() -> _BackgroundRebuild | None:
    return current_app.extensions.get(EXTENSION_KEY + ".rebuild")


class _BackgroundRebuild:
    """Rebuild a missing or corrupt index in a thread, at most one at a time per process.

    The request that noticed the problem is answered from the database meanwhile. The rebuild
    writes a new generation and swaps it in atomically, so a process exit mid-way loses nothing
    but the half-built folder.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def start(self, reason: str) -> None:
        with self._lock:
            if self.thread is not None and self.thread.is_alive():
                return
            self.thread = threading.Thread(
                target=self._run, args=(reason,), name="search-rebuild", daemon=True
            )
            self.thread.start()

    def _run(self, reason: str) -> None:
        with self.app.app_context():
            index_dir = self.app.config["SEARCH_INDEX_DIR"]
            try:
                with write_lock(index_dir, timeout=120.0) as held:
                    # Checked under the lock: another worker may have just rebuilt it.
                    if not held or index_state(index_dir).value in {"ok", "empty"}:
                        return
                    count = rebuild_locked(index_dir)
                log.warning("search index was %s; rebuilt with %d products", reason, count)
            except Exception:
                log.exception("background rebuild of the search index failed")
            finally:
                db.session.remove()

    def join(self, timeout: float = 60.0) -> None:
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
