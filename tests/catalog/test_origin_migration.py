"""Migration 0002 backfills an origin code for products that existed before it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from catalog.origin import normalize_origin_code
from config import TestingConfig
from core.db import db
from storefront import create_app


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
        conn.execute(
            text(
                "INSERT INTO producer (slug, name, kind, province_code, province_name_given,"
                " commune, address, phone, registration_no, story, story_en, is_active, created_at)"
                " VALUES ('p', 'P', 'cooperative', '86', '', '', '', '', '', '', '', 1, '2025-01-01')"
            )
        )
        for n in range(3):
            conn.execute(
                text(
                    'INSERT INTO product (sku, slug, producer_id, name, name_en, "group", unit,'
                    " price_vnd, stock, story, story_en, gtin, weight_grams, is_listed,"
                    " created_at, updated_at) VALUES (:sku, :slug, 1, 'X', '', 'thuc_pham', '',"
                    " 1, 1, '', '', '', 0, 1, '2025-01-01', '2025-01-01')"
                ),
                {"sku": f"S{n}", "slug": f"s{n}"},
            )
    upgrade()
    with db.engine.connect() as conn:
        codes = conn.execute(text("SELECT origin_code FROM product")).scalars().all()
    assert len(codes) == 3 == len(set(codes))
    assert all(normalize_origin_code(code) == code for code in codes)
