"""Kiosk fixtures: a display point with shelf stock, a kiosk basket, a placed pickup order."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

import pytest

from core import clock
from core.db import db
from orders.cart import get_or_create_cart, new_cart_token
from orders.kiosk.models import DisplayPoint
from orders.kiosk.pickups import add_to_basket, place_pickup_order
from orders.kiosk.points import PointSettings, save_point, set_shelf_quantity
from orders.models import Cart, Order

HOLD = timedelta(minutes=30)


@pytest.fixture
def make_point(app) -> Callable[..., DisplayPoint]:
    """make_point("HN1", (product, qty), ..., name=..., idle_seconds=...) → a committed point."""

    def _make(code: str = "HN1", *stock, **fields) -> DisplayPoint:
        settings = PointSettings(
            name=fields.pop("name", "Điểm OCOP Hồ Gươm"),
            address=fields.pop("address", "2 Lê Thái Tổ, Hoàn Kiếm"),
            province_code=fields.pop("province_code", "01"),
            **fields,
        )
        now = clock.utcnow()
        point = save_point(code, settings, actor_id=None, now=now)
        for product, quantity in stock:
            set_shelf_quantity(point, product.id, quantity, actor_id=None, now=now)
        db.session.commit()
        return point

    return _make


@pytest.fixture
def make_basket(app) -> Callable[..., Cart]:
    def _make(point: DisplayPoint, *items) -> Cart:
        cart = get_or_create_cart(token=new_cart_token())
        for product, quantity in items:
            add_to_basket(cart, point, product.id, quantity, clock.today_in_vietnam())
        db.session.commit()
        return cart

    return _make


@pytest.fixture
def make_pickup(make_basket, basic_providers) -> Callable[..., Order]:
    def _make(point: DisplayPoint, *items, locale: str = "en") -> Order:
        cart = make_basket(point, *items)
        return place_pickup_order(
            cart,
            point,
            secrets.token_urlsafe(24),
            locale=locale,
            now=clock.utcnow(),
            providers=basic_providers,
            hold=HOLD,
        )

    return _make
