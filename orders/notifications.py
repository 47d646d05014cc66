"""The e-mails order changes queue: placed, and each status change of a part or the order.

Queued in the order's own transaction (`core.mail_queue`), rendered when sent in the buyer's
language from the order as it is then. Nothing is queued when the buyer gave no e-mail.
"""

from __future__ import annotations

from core.db import db
from core.mail_queue import QueuedMail, enqueue_to_render

from .enums import OrderEmailKind
from .models import Order, OrderPart


def enqueue_order_email(
    order: Order, kind: OrderEmailKind, *, part: OrderPart | None = None, status: str = ""
) -> QueuedMail | None:
    """Queue an e-mail about `order` (nothing when the buyer gave no address). Flushes only."""
    if not order.email:
        return None
    context = {"order_id": order.id, "part_id": part.id if part else None, "status": status}
    return enqueue_to_render(kind.value, order.email, locale=order.locale, context=context)


def order_email_subject(message: QueuedMail) -> tuple[Order, OrderPart | None, str]:
    """What a queued order e-mail is about: the order, the part (if one), the status announced.

    LookupError when the order is gone (the message then stays queued, with the error noted).
    """
    context = message.context or {}
    order = db.session.get(Order, context.get("order_id"))
    if order is None:
        raise LookupError(f"order {context.get('order_id')!r} not found")
    part_id = context.get("part_id")
    part = db.session.get(OrderPart, part_id) if part_id else None
    return order, part, str(context.get("status") or "")
