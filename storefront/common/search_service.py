"""One `ProductSearch` per app: cached searchers, the for-sale snapshot, background rebuilds."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from flask import Flask, current_app

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
    warm_searcher = bool(app.config.get("SEARCH_WARM_UP", True))
    service = ProductSearch(
        app.config["SEARCH_INDEX_DIR"],
        snapshot_ttl=float(app.config.get("SEARCH_SNAPSHOT_TTL", 30.0)),
        result_cache_size=int(app.config.get("SEARCH_RESULT_CACHE_SIZE", 512)),
        on_index_unusable=rebuilder.start if app.config.get("SEARCH_AUTO_REBUILD", True) else None,
        snapshots=snapshots,
        # Each new index generation (an edit, the follower, a rebuild) is warmed in the
        # background when a request first opens it; requests never wait for it.
        warm_in_background=warm_searcher,
        background=_in_background(app, "search-warm-up"),
    )
    app.extensions[EXTENSION_KEY] = service
    app.extensions[EXTENSION_KEY + ".rebuild"] = rebuilder
    if background is not None or warm_searcher:
        # A worker warms up when it starts (gunicorn's post_worker_init calls `warm_up_worker`)
        # or, without that hook, at its first request; either way in background threads, and
        # that request does not wait. Per process: servers fork workers after create_app, and
        # a thread started before a fork does not exist in the child.
        def warm_up() -> None:
            warm_up_worker(app)

        app.before_request(warm_up)


_WARMED_IN = EXTENSION_KEY + ".warmed_in_pid"


def warm_up_worker(app: Flask) -> None:
    """Start this process's warm-ups in the background, once: the for-sale snapshot and the
    live index generation's score maps (`ProductSearch.start_warm_up`). Returns at once."""
    if app.extensions.get(_WARMED_IN) == os.getpid() or EXTENSION_KEY not in app.extensions:
        return
    app.extensions[_WARMED_IN] = os.getpid()
    service: ProductSearch = app.extensions[EXTENSION_KEY]
    if service.snapshots is not None and app.config.get("SNAPSHOT_IN_BACKGROUND", True):
        service.snapshots.warm_up(today_in_vietnam())
    if app.config.get("SEARCH_WARM_UP", True):
        service.start_warm_up(today_in_vietnam)


def _in_background(
    app: Flask, name: str = "for-sale-snapshot"
) -> Callable[[Callable[[], None]], None]:
    """Run a job in a daemon thread with an app context and a session of its own."""

    def run(job: Callable[[], None]) -> None:
        def target() -> None:
            with app.app_context():
                try:
                    job()
                finally:
                    db.session.remove()

        threading.Thread(target=target, name=name, daemon=True).start()

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
