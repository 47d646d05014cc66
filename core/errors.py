"""The base of every domain error: a stable `code` and the parameters that explain it.

Nothing else: no message, no HTTP status. The web layer (`storefront/errors.py`) maps the code
to a status and a translated message, filling the message from the parameters.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every domain error. `code` is stable and machine-readable."""

    code = "domain_error"

    def __init__(self, **params: object) -> None:
        super().__init__(self.code)
        self.params = params
