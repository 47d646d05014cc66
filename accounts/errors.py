"""Account errors with stable codes (the web layer translates them)."""

from __future__ import annotations

from core.errors import DomainError


class AccountError(DomainError):
    code = "account_error"


class InvalidToken(AccountError):
    """A reset or invitation link that is forged, expired, or already used."""

    code = "invalid_token"


class EmailTaken(AccountError):
    code = "email_taken"


class NotAllowed(AccountError):
    code = "not_allowed"
