"""Prometheus metrics at `/metrics`, off unless `METRICS_ENABLED` (docs/deploy.md).

Per request (counted in each worker; summed over gunicorn's workers when
`PROMETHEUS_MULTIPROC_DIR` is set, which gunicorn.conf.py does):
  ocop_http_requests_total{method,endpoint,status}
  ocop_http_request_duration_seconds{endpoint}          histogram
  ocop_search_duration_seconds                          histogram of search pages and API
Read from the database and this server's index when scraped (the same on every worker):
  ocop_orders_total, ocop_order_parts{status}
  ocop_search_index_lag_seconds, ocop_search_index_ok

With `METRICS_TOKEN` set, a scrape must send `Authorization: Bearer <token>`; without it,
keep /metrics off the public internet (nginx sample: allowed from the monitoring host only).
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

REQUESTS = Counter(
    "ocop_http_requests",
    "HTTP requests answered",
    ["method", "endpoint", "status"],
)
LATENCY = Histogram(
    "ocop_http_request_duration_seconds",
    "Time to answer a request",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SEARCH_LATENCY = Histogram(
    "ocop_search_duration_seconds",
    "Time to answer a search (page or API)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
SEARCH_ENDPOINTS = {"search.results", "api.search"}


class _ShopCollector:
    """Figures read when scraped: orders from the database, this server's index lag."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        from orders.models import Order, OrderPart
        from search.index_follow import index_lag
        from search.indexer import index_state

        with self.app.app_context():
            from core.db import db

            orders = GaugeMetricFamily("ocop_orders_total", "Orders placed (all time)")
            orders.add_metric([], db.session.scalar(select(func.count(Order.id))) or 0)
            yield orders
            parts = GaugeMetricFamily(
                "ocop_order_parts", "Producer parts of orders by status", labels=["status"]
            )
            rows = db.session.execute(
                select(OrderPart.status, func.count(OrderPart.id)).group_by(OrderPart.status)
            )
            for status, count in rows:
                parts.add_metric([str(getattr(status, "value", status))], count)
            yield parts
            index_dir = self.app.config["SEARCH_INDEX_DIR"]
            state = index_state(index_dir)
            usable = state.value in {"ok", "empty"}
            lag = index_lag(index_dir) if usable else None
            yield GaugeMetricFamily(
                "ocop_search_index_ok",
                "1 when this server's search index is usable",
                value=1 if usable else 0,
            )
            yield GaugeMetricFamily(
                "ocop_search_index_lag_seconds",
                "How long the oldest catalog change missing from this server's index has waited"
                " (-1: no usable index)",
                value=-1 if lag is None else lag,
            )
            db.session.remove()


def _registry(app: Flask) -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # every worker's counters, summed
    else:
        registry.register(_ThisProcess())
    registry.register(_ShopCollector(app))
    return registry


class _ThisProcess:
    """The counters of this process (no gunicorn multiprocess directory)."""

    def collect(self):
        return REGISTRY.collect()


def init_metrics(app: Flask) -> None:
    if not app.config.get("METRICS_ENABLED"):
        return

    @app.before_request
    def _start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        if started is None:
            return response
        endpoint = request.endpoint or "unmatched"
        if endpoint == "metrics":
            return response
        elapsed = time.perf_counter() - started
        REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        LATENCY.labels(endpoint).observe(elapsed)
        if endpoint in SEARCH_ENDPOINTS:
            SEARCH_LATENCY.observe(elapsed)
        return response

    def metrics() -> Response:
        token = current_app.config.get("METRICS_TOKEN") or ""
        if token:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                abort(401)
        body = generate_latest(_registry(current_app._get_current_object()))  # type: ignore[attr-defined]
        return Response(body, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

    metrics.access_level = "public"  # type: ignore[attr-defined]  # guarded by the token
    app.add_url_rule("/metrics", endpoint="metrics", view_func=metrics)
