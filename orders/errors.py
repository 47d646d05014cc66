"""Errors of the orders domain, each with a stable code the web layer translates."""

from __future__ import annotations

from core.errors import DomainError


class OrdersError(DomainError):
    code = "orders_error"


class OutOfStock(OrdersError):
    code = "out_of_stock"
    http_status = 409


class NotForSale(OrdersError):
    code = "product_not_for_sale"
    http_status = 409


class EmptyCart(OrdersError):
    code = "cart_empty"


class CartHasProblems(OrdersError):
    code = "cart_has_problems"
    http_status = 409


class InvalidTransition(OrdersError):
    code = "invalid_transition"
    http_status = 409


class PaymentMethodUnavailable(OrdersError):
    code = "payment_method_unavailable"


class BelowCardMinimum(OrdersError):
    code = "below_card_minimum"


class PaymentProviderError(OrdersError):
    code = "payment_provider_error"
    http_status = 502


class InvalidAddress(OrdersError):
    code = "invalid_address"
