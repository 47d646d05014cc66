"""Money is an integer number of dong. VND has no minor unit (Stripe: zero-decimal)."""

from __future__ import annotations

from babel.numbers import format_currency

Vnd = int


def format_vnd(amount: Vnd, locale: str = "vi") -> str:
    """Format dong per locale: vi '125.000 ₫' (no-break space), en '₫125,000'."""
    return format_currency(int(amount), "VND", locale=locale)
