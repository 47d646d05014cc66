"""The shop's clock: instants in UTC, calendar dates in Vietnam.

Everything that needs "now" or "today" calls these two functions, so tests can move the clock
by patching `core.clock.utcnow` in one place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def today_in_vietnam(now: datetime | None = None) -> date:
    """The calendar date in Asia/Ho_Chi_Minh at `now` (default: the current instant)."""
    instant = now if now is not None else utcnow()
    return instant.astimezone(VN_TZ).date()
