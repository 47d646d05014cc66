"""Request ids: echoed in the response, kept from a proxy when well formed, in every log line."""

from __future__ import annotations

import json
import logging

from storefront.request_log import JsonFormatter, RequestIdFilter


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_proxys_request_id_is_kept_and_a_malformed_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a9c01"})
    assert kept.headers["X-Request-ID"] == "nginx-4f2a9c01"
    replaced = client.get("/healthz", headers={"X-Request-ID": 'x" injected=1'})
    assert replaced.headers["X-Request-ID"] != 'x" injected=1'
    assert len(replaced.headers["X-Request-ID"]) == 32


def test_log_lines_written_during_a_request_carry_its_id_as_json(app):
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())

    @app.get("/_log_something")
    def _log_something():
        logging.getLogger("ocop.test").warning("stock low: %s", "Nước mắm")
        return "ok"

    _log_something.access_level = "public"
    logger = logging.getLogger("ocop.test")
    logger.addHandler(handler)
    try:
        response = app.test_client().get(
            "/_log_something", headers={"X-Request-ID": "abcdef0123456789"}
        )
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 200
    entry = json.loads(records[-1])
    assert entry["request_id"] == "abcdef0123456789"
    assert entry["message"] == "stock low: Nước mắm"
    assert entry["level"] == "WARNING" and entry["path"] == "/_log_something"
    assert entry["time"].endswith("+00:00")


def test_outside_a_request_the_id_is_a_dash(app):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "cli", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(database_url, tmp_path):
    from flask import request

    from config import TestingConfig
    from storefront import create_app

    seen = []
    for hops in (0, 1):
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=database_url,
            SEARCH_INDEX_DIR=str(tmp_path / "index"),
            TRUSTED_PROXY_HOPS=hops,
        )

        @app.get("/_address")
        def _address():
            return request.remote_addr or "-"

        _address.access_level = "public"
        response = app.test_client().get(
            "/_address",
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        seen.append(response.get_data(as_text=True))
    assert seen == ["127.0.0.1", "203.0.113.7"]
