"""Configuration: strict parsing, production refuses to start without a secret."""

from __future__ import annotations

import pytest

from config import ConfigError, ProductionConfig, config_for, env_bool, env_int


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://ocop.example")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        config_for("production")


def test_production_starts_with_secret_and_public_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://ocop.example")
    assert config_for("production") is ProductionConfig


def test_unknown_app_env_is_refused():
    with pytest.raises(ConfigError, match="APP_ENV"):
        config_for("staging")


def test_booleans_and_integers_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_NUM", "12a")
    with pytest.raises(ConfigError, match="X_NUM"):
        env_int("X_NUM", 1)


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    from config import DevelopmentConfig
    from storefront import create_app

    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI="")
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/ocop.sqlite3")
    assert app.config["SEARCH_INDEX_DIR"].endswith("instance/search-index")
