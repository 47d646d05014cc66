"""Money is an integer number of dong. VND has no minor unit (Stripe: zero-decimal)."""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import format_currency

Vnd = int


def format_vnd(amount: Vnd, locale: str = "vi") -> str:
    """Format dong per locale: vi '125.000 ₫' (no-break space), en '₫125,000'."""
    return _format_vnd(int(amount), str(locale))


@lru_cache(maxsize=16384)
def _format_vnd(amount: int, locale: str) -> str:
    # Babel parses the pattern each call (~0.1 ms); a listing formats 24–48 prices, and
    # prices repeat across a catalog.
    return format_currency(amount, "VND", locale=locale)
