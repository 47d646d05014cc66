"""Errors of the orders domain: a stable code and parameters each (the web layer translates)."""

from __future__ import annotations

from core.errors import DomainError


class OrdersError(DomainError):
    code = "orders_error"


class OutOfStock(OrdersError):
    code = "out_of_stock"


class NotForSale(OrdersError):
    code = "product_not_for_sale"


class EmptyCart(OrdersError):
    code = "cart_empty"


class CartHasProblems(OrdersError):
    code = "cart_has_problems"


class InvalidTransition(OrdersError):
    code = "invalid_transition"


class PaymentMethodUnavailable(OrdersError):
    code = "payment_method_unavailable"


class BelowCardMinimum(OrdersError):
    code = "below_card_minimum"


class PaymentProviderError(OrdersError):
    code = "payment_provider_error"


class InvalidAddress(OrdersError):
    code = "invalid_address"


class OrderPartNotFound(OrdersError):
    code = "order_part_not_found"
