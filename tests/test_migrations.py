"""Migrations build the schema the models describe (on SQLite and, in CI, PostgreSQL)."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from config import TestingConfig
from core.db import db
from storefront import create_app


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
