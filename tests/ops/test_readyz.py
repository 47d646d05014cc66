"""`/readyz`: JSON readiness a load balancer can act on (200 ready, 503 not, reason in JSON)."""

from __future__ import annotations

import os
import shutil

import pytest

from search.indexer import live_dir


def test_ready_when_database_and_index_answer(client, built_index):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["index"]["state"] == "ok"
    assert "redis" not in body["checks"]  # not configured: nothing to check


def test_not_ready_without_a_search_index(client, small_catalog, index_dir):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    index = response.json["checks"]["index"]
    assert index["ok"] is False and index["state"] == "missing" and index["lag_seconds"] is None


def test_index_deleted_under_a_running_app_makes_it_unready(client, built_index):
    shutil.rmtree(live_dir(built_index))
    assert client.get("/readyz").status_code == 503


def test_unreachable_redis_is_reported(app, client, built_index):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"]["ok"] is False
    assert response.json["checks"]["database"]["ok"] is True


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_reachable_redis_is_ready(app, client, built_index):
    app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"]["redis"]["ok"] is True
