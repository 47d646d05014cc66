"""`/metrics`: off by default; behind a token; requests, search latency, orders, index lag."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from config import TestingConfig
from core import clock
from core.db import db
from search.index_follow import catch_up
from storefront import create_app

TOKEN = "scrape-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The shop with metrics on (overrides the suite's `app`)."""
    from tests.conftest import _empty_all_tables

    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
        MEDIA_ROOT=str(tmp_path / "media"),
        CERTIFICATE_SCAN_ROOT=str(tmp_path / "scans"),
        METRICS_ENABLED=True,
        METRICS_TOKEN=TOKEN,
    )
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


def _value(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = rf"^{re.escape(name)}(\{{[^}}]*\}})? (\S+)$"
    for line in text.splitlines():
        found = re.match(pattern, line)
        if found and all(part in (found.group(1) or "") for part in wanted.split(",") if part):
            return float(found.group(2))
    raise AssertionError(f"{name} {labels} not in metrics")


def test_metrics_are_off_unless_configured(database_url, tmp_path):
    plain = create_app(
        TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, SEARCH_INDEX_DIR=str(tmp_path / "i")
    )
    assert plain.test_client().get("/metrics").status_code == 404


def test_a_scrape_needs_the_token(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")


def test_requests_search_latency_orders_and_index_are_exposed(client, built_index):
    before = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    searches = _value(before, "ocop_search_duration_seconds_count")
    assert client.get("/search?q=keo+dua").status_code == 200
    assert client.get("/readyz").status_code == 200
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    assert _value(text, "ocop_search_duration_seconds_count") == searches + 1
    assert _value(text, "ocop_http_requests_total", endpoint="ops.readyz", status="200") >= 1
    assert _value(text, "ocop_http_request_duration_seconds_count", endpoint="search.results") >= 1
    assert _value(text, "ocop_orders_total") == 0
    assert _value(text, "ocop_search_index_ok") == 1
    assert _value(text, "ocop_search_index_lag_seconds") == 0


def test_an_index_behind_the_database_shows_in_the_lag(client, built_index, make_product, set_now):
    make_product(name="Chè Thái Nguyên", name_en="Thai Nguyen tea")  # changed "elsewhere"
    set_now(clock.utcnow() + timedelta(seconds=75))
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    assert _value(text, "ocop_search_index_lag_seconds") >= 75
    catch_up(built_index)
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    assert _value(text, "ocop_search_index_lag_seconds") == 0
