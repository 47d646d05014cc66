"""What happened to an order's money, announced to whoever listens (the settlement ledger).

A tiny synchronous publish/subscribe: `publish` calls every handler at once, inside the caller's
session and transaction, so whatever a handler writes commits (or rolls back) with the change
that caused it. Orders import nothing of their listeners; a listener subscribes when imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .enums import OrderStatus
from .models import Order, OrderPart


@dataclass(frozen=True)
class PartStatusChanged:
    """One producer part moved from `previous` to `status` (paid, delivered, refunded, …)."""

    part: OrderPart
    previous: OrderStatus
    status: OrderStatus
    now: datetime
    actor_id: int | None = None


@dataclass(frozen=True)
class PaymentRefunded:
    """`amount_vnd` more of an order's payment went back to the buyer (a partial or full refund
    reported by the provider). Announced before any part moves to refunded."""

    order: Order
    amount_vnd: int
    now: datetime
    actor_id: int | None = None


_handlers: dict[type, list[Callable[[Any], None]]] = {}


def subscribe(event_type: type, handler: Callable[[Any], None]) -> None:
    """Call `handler(event)` for every published `event_type` (once, however often subscribed)."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def publish(event: Any) -> None:
    for handler in _handlers.get(type(event), ()):
        handler(event)
