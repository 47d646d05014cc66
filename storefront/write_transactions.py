"""SQLite: every form post starts its transaction as a writer, so a read-then-write never meets
"database is locked".

A deferred SQLite transaction that has read cannot become a writer once another connection has
committed after its first read (WAL answers SQLITE_BUSY at once, the busy timeout does not help).
Producer pack/cancel, admin decisions, cart changes… all load a row, then change it. Taking the
write lock first (`core.db.begin_write`: BEGIN IMMEDIATE) makes concurrent writers wait their
turn instead. PostgreSQL needs nothing of this (row locks, conditional updates), so the hook is
installed on SQLite only. GET, HEAD and OPTIONS never take the lock.
"""

from __future__ import annotations

from flask import Flask, request

from core.db import begin_write, has_pending_writes

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _start_as_writer() -> None:
    if request.method in UNSAFE_METHODS and not has_pending_writes():
        begin_write()


def init_write_transactions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.before_request(_start_as_writer)
