"""Origin scan counts kept in memory and written in batches, off the request path.

Every view of an origin page is a scan to count. Writing and committing one row per view put a
write transaction on every page view (and on SQLite, a wait for the one writer). Instead each
view adds 1 to an in-memory counter per (code, day); a thread writes them all in one statement
every `SCAN_FLUSH_SECONDS`, sooner when `SCAN_FLUSH_THRESHOLD` views are waiting, and once more
when the process exits. A crash loses at most those seconds of counts — never a page view's
answer. With `SCAN_FLUSH_SECONDS=0` every view is written at once, in its request (tests).
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections import Counter
from datetime import date

from flask import Flask, current_app

from catalog.origin.traceability import record_scans
from core.db import begin_write, db

log = logging.getLogger(__name__)
EXTENSION_KEY = "origin_scan_buffer"
MAX_HELD_COUNTS = 100_000  # (code, day) pairs kept for a retry while the database is down


class ScanBuffer:
    """Scan counts of one process waiting to be written."""

    def __init__(self, app: Flask, *, every_seconds: float, threshold: int) -> None:
        self.app = app
        self.every_seconds = every_seconds
        self.threshold = threshold
        self._counts: Counter[tuple[str, date]] = Counter()
        self._waiting = 0
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, code: str, on: date) -> None:
        with self._lock:
            self._counts[(code, on)] += 1
            self._waiting += 1
            full = self._waiting >= self.threshold
        self._ensure_thread()
        if full:
            self._wake.set()

    def pending(self) -> int:
        with self._lock:
            return self._waiting

    def flush(self) -> int:
        """Write what is waiting, in one statement and one transaction; returns the views
        written. On failure the counts are kept for the next flush."""
        with self._flush_lock:
            with self._lock:
                batch, self._counts = self._counts, Counter()
                waiting, self._waiting = self._waiting, 0
            if not batch:
                return 0
            with self.app.app_context():
                try:
                    begin_write()
                    record_scans(dict(batch))
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    log.warning("%d scan(s) not written yet; kept for the next try", waiting)
                    with self._lock:
                        if len(self._counts) + len(batch) <= MAX_HELD_COUNTS:
                            self._counts.update(batch)
                            self._waiting += waiting
                    return 0
                finally:
                    db.session.remove()
            return waiting

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            # Started on first use, in the worker process (never in a server's master).
            self._thread = threading.Thread(target=self._run, name="scan-flush", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.every_seconds)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # never let the flusher die
                log.exception("flushing scan counts failed")


def scan_buffer() -> ScanBuffer | None:
    """This app's buffer, or None when scans are written at once."""
    return current_app.extensions.get(EXTENSION_KEY)


def flush_scan_counts() -> int:
    """Write the waiting scan counts now (tests, shutdown); 0 when nothing is buffered."""
    buffer = scan_buffer()
    return buffer.flush() if buffer is not None else 0


def init_scan_buffer(app: Flask) -> None:
    every = float(app.config.get("SCAN_FLUSH_SECONDS", 2.0))
    if every <= 0:
        return
    buffer = ScanBuffer(
        app, every_seconds=every, threshold=int(app.config.get("SCAN_FLUSH_THRESHOLD", 500))
    )
    app.extensions[EXTENSION_KEY] = buffer
    atexit.register(buffer.flush)
