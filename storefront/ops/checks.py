"""Readiness checks: can this server answer shoppers correctly right now?

Each check returns a dict with at least `ok`; `/readyz` answers 503 when any is not ok, so a
load balancer stops sending traffic to this server until it recovers (no restart needed).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app

from core.db import db, ping
from search.index_follow import index_lag
from search.indexer import index_state

log = logging.getLogger(__name__)

REDIS_CLIENT_KEY = "readyz.redis"


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        ping()
    except Exception as error:
        db.session.rollback()
        log.warning("readiness: database unreachable: %s", error)
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _redis_client():
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    client = app.extensions.get(REDIS_CLIENT_KEY)
    if client is None:
        import redis

        # Short timeouts: a readiness probe must answer even when Redis does not.
        client = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5
        )
        app.extensions[REDIS_CLIENT_KEY] = client
    return client


def check_redis() -> dict[str, Any] | None:
    """None when Redis is not configured (one machine: counters stay in the process)."""
    if not current_app.config.get("REDIS_URL"):
        return None
    started = time.perf_counter()
    try:
        _redis_client().ping()
    except Exception as error:
        log.warning("readiness: redis unreachable: %s", error)
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_index() -> dict[str, Any]:
    """The search index: usable, and not further behind the database than allowed."""
    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    state = index_state(index_dir)
    usable = state.value in {"ok", "empty"}  # empty: a shop with nothing for sale yet
    lag = index_lag(index_dir) if usable else None
    allowed = current_app.config.get("READYZ_MAX_INDEX_LAG_SECONDS", 60)
    return {
        "ok": usable and lag is not None and lag <= allowed,
        "state": state.value,
        "lag_seconds": None if lag is None else round(lag, 1),
        "max_lag_seconds": allowed,
    }


def readiness() -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Any] = {"database": check_database()}
    redis_check = check_redis()
    if redis_check is not None:
        checks["redis"] = redis_check
    checks["index"] = check_index()
    return all(check["ok"] for check in checks.values()), checks
