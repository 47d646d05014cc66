"""Migrations build the schema the models describe (on SQLite and, in CI, PostgreSQL), and move
existing rows where a revision reshapes data."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from config import TestingConfig
from core.db import db
from storefront import create_app
from tests.fixtures.rows import insert_row


def test_upgrade_empty_database_to_head_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == []
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"producer", "product", "certificate", "product_image", "user_account"} <= tables


def test_current_database_is_at_head(app):
    """The session database (SQLite or PostgreSQL) was built by the migrations and matches."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_database(database_url, request, tmp_path) -> Iterator[str]:
    """An empty database of its own: a SQLite file, or a fresh schema in TEST_DATABASE_URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL")
    schema = f"scratch_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, 8, 0, tzinfo=UTC)


def test_0006_moves_the_mail_of_both_old_tables_into_one_queue(scratch_database):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=scratch_database)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as conn:
            insert_row(conn, "producer", id=1, slug="p", name="HTX", province_code="86")
            insert_row(
                conn,
                "shop_order",
                id=1,
                number="OCOP-2611-000001",
                checkout_token="t" * 24,
                subtotal_vnd=0,
                shipping_vnd=0,
                total_vnd=0,
            )
            insert_row(conn, "order_part", id=1, order_id=1, producer_id=1, status="paid")
            insert_row(
                conn,
                "mail_message",
                kind="password_reset",
                to_address="a@example.vn",
                subject="Mật khẩu",
                body_text="https://ocop.test/r/1",
                created_at=_at(1),
            )
            insert_row(
                conn,
                "outbox_message",
                kind="order_status",
                order_id=1,
                part_id=1,
                status="paid",
                to_address="b@example.vn",
                locale="en",
                created_at=_at(2),
                sent_at=None,
                attempt_count=2,
                last_error="smtp down",
            )
            insert_row(
                conn,
                "mail_message",
                kind="invitation",
                to_address="c@example.vn",
                subject="Mời",
                body_text="…",
                created_at=_at(3),
                sent_at=_at(4),
            )
            insert_row(
                conn,
                "outbox_message",
                kind="order_placed",
                order_id=1,
                part_id=None,
                status="",
                to_address="b@example.vn",
                locale="vi",
                created_at=_at(5),
                sent_at=None,
            )
        upgrade(revision="0006")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM mail_queue ORDER BY id")).mappings().all()
            tables = set(inspect(conn).get_table_names())
        assert {"mail_message", "outbox_message"}.isdisjoint(tables)
        assert [(r["kind"], r["to_address"], r["locale"]) for r in rows] == [
            ("password_reset", "a@example.vn", "vi"),
            ("order_status", "b@example.vn", "en"),
            ("invitation", "c@example.vn", "vi"),
            ("order_placed", "b@example.vn", "vi"),
        ]
        assert (rows[0]["subject"], rows[0]["body_text"]) == ("Mật khẩu", "https://ocop.test/r/1")
        context = [
            r["context"] if isinstance(r["context"], dict) else json.loads(r["context"] or "null")
            for r in rows
        ]
        assert context == [
            None,
            {"order_id": 1, "part_id": 1, "status": "paid"},
            None,
            {"order_id": 1, "part_id": None, "status": ""},
        ]
        # Nothing about delivery is lost: what was sent stays sent, failures keep their count.
        assert [r["sent_at"] is not None for r in rows] == [False, False, True, False]
        assert (rows[1]["attempt_count"], rows[1]["last_error"]) == (2, "smtp down")

        downgrade(revision="0005")
        with db.engine.connect() as conn:
            back = conn.execute(text("SELECT kind FROM mail_message ORDER BY id")).scalars().all()
            orders = conn.execute(
                text("SELECT kind, part_id, status FROM outbox_message ORDER BY id")
            ).all()
        assert back == ["password_reset", "invitation"]
        assert [tuple(row) for row in orders] == [
            ("order_status", 1, "paid"),
            ("order_placed", None, ""),
        ]
        db.engine.dispose()
