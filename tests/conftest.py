"""Test app on a real database (SQLite file, or PostgreSQL from TEST_DATABASE_URL) and a temp index."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, text

from config import TestingConfig
from core import clock
from core.db import db
from storefront import create_app
from storefront.common.search_service import background_rebuild

pytest_plugins = [
    "tests.fixtures.catalog",
    "tests.fixtures.kiosk",
    "tests.fixtures.origin",
    "tests.fixtures.orders",
    "tests.fixtures.portal",
    "tests.fixtures.search",
    "tests.fixtures.settlement",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--only-database-tests",
        action="store_true",
        help="deselect the tests that use no database (the PostgreSQL pass of `make test`)",
    )


def uses_database(item: pytest.Item) -> bool:
    """Whether a test can touch the test database: through the `database_url` fixture (which
    every fixture that opens the test database depends on: app, client, db, the factories), or
    because it says so with the `database` or `postgres_only` marker (tests that read
    TEST_DATABASE_URL themselves)."""
    return (
        "database_url" in getattr(item, "fixturenames", ())
        or item.get_closest_marker("database") is not None
        or item.get_closest_marker("postgres_only") is not None
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--only-database-tests"):
        return
    # Pure-Python tests behave the same on any database: they ran in the SQLite pass already.
    keep = [item for item in items if uses_database(item)]
    dropped = [item for item in items if not uses_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Create the schema once per run through the real migrations."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


# Every sequence of the schema back to 1, as TRUNCATE … RESTART IDENTITY would (ids in tests are
# then the same on both databases).
_RESTART_SEQUENCES = text(
    "SELECT count(setval(c.oid, 1, false)) FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
)


def _empty_all_tables() -> None:
    # DELETE, children first, not TRUNCATE: on PostgreSQL a TRUNCATE of the ~30 tables costs about
    # a second per test (new files for every table), DELETE of near-empty tables a few ms.
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        if db.engine.dialect.name == "postgresql":
            conn.execute(_RESTART_SEQUENCES)


def make_test_app(database_url: str, root: Path) -> Flask:
    """The shop under TestingConfig on the test database, its index and files under `root`."""
    return create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_INDEX_DIR=str(root / "index"),
        MEDIA_ROOT=str(root / "media"),
        CERTIFICATE_SCAN_ROOT=str(root / "scans"),
    )


@contextmanager
def app_context_for_test(app: Flask) -> Iterator[Flask]:
    """One test's app context on an emptied database; its session (and any search rebuild it
    started) finished afterwards."""
    with app.app_context():
        _empty_all_tables()
        yield app
        finish_background_work()
        db.session.remove()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(database_url, tmp_path)
    with app_context_for_test(app):
        yield app
    with app.app_context():
        db.engine.dispose()


def finish_background_work(timeout: float = 120.0) -> None:
    """Wait for the search rebuild a test's search may have started in a thread.

    Disposing the engine under a running rebuild orphans the connection it has checked out
    (returned later to a pool nobody closes, collected unclosed by psycopg), and a rebuild still
    running would read and write behind the next test's back.
    """
    rebuild = background_rebuild()
    if rebuild is not None:
        rebuild.join(timeout)
        assert rebuild.thread is None or not rebuild.thread.is_alive(), "search rebuild hung"


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Move the shop's clock to an aware instant."""

    def _set(instant: datetime) -> None:
        assert instant.tzinfo is not None
        monkeypatch.setattr(clock, "utcnow", lambda: instant.astimezone(UTC))

    return _set


@pytest.fixture
def count_queries(app: Flask):
    """Context manager counting SQL statements: `with count_queries() as counter: ...`."""

    @contextmanager
    def _count():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return _count
