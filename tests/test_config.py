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


def test_cli_creates_an_admin_who_can_open_the_admin_area(runner, client):
    result = runner.invoke(
        args=[
            "accounts",
            "create-admin",
            "Staff@OCOP.vn",
            "--name",
            "Cán bộ",
            "--password",
            "mat-khau-dai-10",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "admin account ready: staff@ocop.vn" in result.output
    assert client.get("/admin/").status_code == 302  # anonymous: sent to sign in
    login = client.post(
        "/account/login", data={"email": "staff@ocop.vn", "password": "mat-khau-dai-10"}
    )
    assert login.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_cli_refuses_a_short_admin_password(runner):
    result = runner.invoke(args=["accounts", "create-admin", "a@b.vn", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output


def test_cli_takes_the_admin_password_from_the_environment_without_a_terminal(runner):
    result = runner.invoke(
        args=["accounts", "create-admin", "env@ocop.vn"],
        env={"OCOP_ADMIN_PASSWORD": "mat-khau-dai-10"},
    )
    assert result.exit_code == 0, result.output
    assert "admin account ready: env@ocop.vn" in result.output
    missing = runner.invoke(args=["accounts", "create-admin", "none@ocop.vn"], input="")
    assert missing.exit_code != 0
    assert "OCOP_ADMIN_PASSWORD" in missing.output


def test_make_run_passes_its_own_address_as_the_public_base_url():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert 'PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}"' in run
    assert "--port $(PORT)" in run
