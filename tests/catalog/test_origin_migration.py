"""Migration 0002 backfills an origin code for products that existed before it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from catalog.origin.codes import normalize_origin_code
from config import TestingConfig
from core.db import db
from storefront import create_app
from tests.fixtures.rows import insert_row


@pytest.fixture
def old_app(tmp_path: Path, database_url: str):
    if not database_url.startswith("sqlite"):
        pytest.skip("runs on its own SQLite file; PostgreSQL gets the same migration in conftest")
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with app.app_context():
        yield app
        db.engine.dispose()


def test_upgrade_gives_existing_products_distinct_codes(old_app):
    upgrade(revision="0001")
    with db.engine.begin() as conn:
        insert_row(
            conn, "producer", id=1, slug="p", name="P", province_code="86", kind="cooperative"
        )
        for n in range(3):
            insert_row(
                conn,
                "product",
                id=n + 1,
                sku=f"S{n}",
                slug=f"s{n}",
                producer_id=1,
                group="thuc_pham",
            )
            # Rows referencing product: SQLite's table rebuild must not break or drop them.
            insert_row(conn, "certificate", product_id=n + 1, stars=4, status="verified")
    upgrade()
    with db.engine.connect() as conn:
        codes = conn.execute(sa.text("SELECT origin_code FROM product")).scalars().all()
        certificates = conn.execute(sa.text("SELECT product_id FROM certificate")).scalars().all()
    assert len(codes) == 3 == len(set(codes))
    assert all(normalize_origin_code(code) == code for code in codes)
    assert sorted(certificates) == [1, 2, 3]
