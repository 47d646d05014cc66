"""The base of every domain error: a stable `code` the web layer maps to status + message."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every domain error. `code` is stable and machine-readable."""

    code = "domain_error"
    http_status = 400

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message or self.code)
        self.details = details
