"""The SQLAlchemy handle, naming convention and custom column types, in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, TypeDecorator, event, text
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The largest value an Integer column (every id, stock, weight) holds on PostgreSQL. A number from
# a URL or a form above it is refused before it reaches the database ("integer out of range").
MAX_INT = 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every backend (SQLite drops tzinfo, so we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def configure_sqlite(engine) -> None:
    """Make SQLite behave: real transactions (savepoints work), foreign keys, WAL for readers.

    pysqlite's own transaction handling issues no BEGIN before a SAVEPOINT, so a savepoint would
    commit on release; we take over BEGIN ourselves (the SQLAlchemy-documented recipe).
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if connection.get_execution_options().get(_WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


@contextmanager
def autocommit_while_idle(dbapi_connection) -> Iterator[None]:
    """Run the block's statements on a psycopg connection in autocommit, when it is idle (no
    transaction open): each is its own transaction, with no `BEGIN` and no `ROLLBACK` round
    trip. For single-statement reads. Any other connection (SQLite's, which begins nothing by
    itself; one inside a transaction) runs the block as it is."""
    switch = False
    if type(dbapi_connection).__module__.startswith("psycopg"):
        from psycopg.pq import TransactionStatus

        switch = (
            not dbapi_connection.autocommit
            and dbapi_connection.info.transaction_status == TransactionStatus.IDLE
        )
    if switch:
        dbapi_connection.autocommit = True
    try:
        yield
    finally:
        if switch:
            # A connection broken meanwhile refuses the change; the pool discards it anyway.
            with suppress(Exception):
                dbapi_connection.autocommit = False


_WRITE_OPTION = "ocop_write_transaction"
# session.info key: this transaction has written (flushed changes or executed DML).
_HAS_WRITTEN = "ocop_has_written"


class WriteTransactionOpen(RuntimeError):
    """begin_write() was called while the session's transaction holds writes of its own.

    A programming error (not a domain error): the caller must commit or roll back its own work
    first, so that begin_write never commits half-done work on someone else's behalf.
    """


def refresh_planner_statistics(*tables: str) -> None:
    """Run ANALYZE on `tables` after a bulk write, so the planner knows their new sizes.

    PostgreSQL plans with the statistics it last gathered; right after thousands of rows arrive
    (an import into a fresh database) it still believes the tables are empty and picks plans
    that are slow by orders of magnitude (docs/performance.md). Autovacuum would catch up later,
    if it runs at all; a bulk import should not wait for it. SQLite's planner uses
    `sqlite_stat1` the same way. Commits the session first (ANALYZE reads committed rows).
    """
    db.session.commit()
    preparer = db.engine.dialect.identifier_preparer
    names = [preparer.quote(table) for table in tables]
    if db.engine.dialect.name == "postgresql":
        # VACUUM (ANALYZE): the statistics, and the visibility map that lets index-only scans
        # skip the heap (fresh rows are not yet "all visible"). It cannot run in a transaction.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {name}")
        return
    with db.engine.begin() as conn:
        for name in names:
            conn.exec_driver_sql(f"ANALYZE {name}")


def ping() -> None:
    """One round trip to the database (health checks); raises when it cannot be reached."""
    db.session.execute(text("SELECT 1"))


@event.listens_for(db.session, "after_flush")
def _flushed(session, flush_context) -> None:
    session.info[_HAS_WRITTEN] = True


@event.listens_for(db.session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_HAS_WRITTEN] = True


@event.listens_for(db.session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(_HAS_WRITTEN, None)


def has_pending_writes() -> bool:
    """The session's open transaction has written, or holds changes not yet flushed."""
    session = db.session()
    if not session.in_transaction():
        return False
    unflushed = session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    return bool(unflushed or session.info.get(_HAS_WRITTEN))


def begin_write() -> None:
    """Start the session's transaction as a writer, before an operation that owns it reads and
    then writes under concurrency (checkout).

    On SQLite a deferred transaction that has read cannot upgrade to a writer once another
    connection has committed (WAL answers "database is locked" at once, without waiting), so we
    take the write lock up front with BEGIN IMMEDIATE; other writers then wait their turn (busy
    timeout). PostgreSQL needs nothing: its row locks and conditional UPDATEs do the work.

    Contract: a transaction that has only read (the page that led here) is ended first —
    committing it writes nothing. One that has written is refused with WriteTransactionOpen: its
    owner must commit or roll back its own work; begin_write never commits it silently.
    """
    session = db.session()
    if has_pending_writes():
        raise WriteTransactionOpen("commit or roll back the open transaction before begin_write()")
    if session.in_transaction():
        session.commit()  # read-only: nothing is written
    session.connection(execution_options={_WRITE_OPTION: True})
