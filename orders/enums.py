"""Order and payment states, and the one table of allowed status changes."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    """The status of one producer's part of an order."""

    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    CONFIRMED = "confirmed"  # cash on delivery: accepted, nothing paid yet
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


# Every status change goes through `transition_to`, which checks this table (oscar's pipeline).
ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.PACKED, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.PACKED, OrderStatus.REFUNDED}),
    OrderStatus.PACKED: frozenset({OrderStatus.SHIPPED, OrderStatus.REFUNDED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

# Parts in these states hold reserved stock that a cancellation gives back.
STOCK_HOLDING = frozenset(
    {OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID, OrderStatus.CONFIRMED, OrderStatus.PACKED}
)


class PaymentMethod(StrEnum):
    COD = "cod"
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"  # Stripe Checkout today; another processor could sit behind the same name
    COUNTER = "counter"  # paid at a kiosk's counter


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    # Money arrived for an order that was already cancelled: needs a refund by hand.
    NEEDS_REFUND = "needs_refund"


class OrderEmailKind(StrEnum):
    ORDER_PLACED = "order_placed"
    ORDER_STATUS = "order_status"
