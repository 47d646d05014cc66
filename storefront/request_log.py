"""Structured logs with a request id: every log line of a request can be found by one id.

The id comes from the `X-Request-ID` header when a trusted proxy (nginx: `$request_id`) set a
well-formed one, else a new random one; it is echoed in the response's `X-Request-ID` header
(gunicorn's access log prints it, see gunicorn.conf.py) and added to every log record written
while the request runs. `LOG_FORMAT=json` writes one JSON object per line (for journald, Loki
or any log shipper); `text` keeps a readable line for development.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# Only ids a proxy would make: no spaces, quotes or newlines ever reach a log line.
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_HANDLER_MARK = "_ocop_request_log"


def current_request_id() -> str:
    """This request's id, or "-" outside a request (CLI, background threads)."""
    if has_request_context():
        return getattr(g, "request_id", "-")
    return "-"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (and, in a request, method and path) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        if has_request_context():
            record.http_method = request.method
            record.http_path = request.path
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for attribute, key in (("http_method", "method"), ("http_path", "path")):
            value = getattr(record, attribute, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def make_log_handler(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    setattr(handler, _HANDLER_MARK, True)
    return handler


def init_request_log(app: Flask) -> None:
    """Assign request ids; configure the root logger when LOG_FORMAT is set (json or text)."""
    log_format = (app.config.get("LOG_FORMAT") or "").lower()
    if log_format in {"json", "text"}:
        root = logging.getLogger()
        if not any(getattr(h, _HANDLER_MARK, False) for h in root.handlers):
            root.addHandler(make_log_handler(log_format))
        root.setLevel(app.config.get("LOG_LEVEL") or "INFO")

    @app.before_request
    def _assign_request_id() -> None:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _ACCEPTED_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = current_request_id()
        return response
