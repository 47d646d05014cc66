"""Errors of the kiosk domain: a stable code and parameters each (the web layer translates)."""

from __future__ import annotations

from ..errors import OrdersError


class UnknownPoint(OrdersError):
    code = "kiosk_unknown_point"


class UnknownSku(OrdersError):
    code = "kiosk_unknown_sku"


class InvalidPointCode(OrdersError):
    code = "kiosk_invalid_point_code"
