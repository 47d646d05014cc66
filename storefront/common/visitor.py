"""What this visitor's signed session remembers: their cart, and the orders this browser placed
or looked up (guests have no account to prove an order is theirs)."""

from __future__ import annotations

from flask import session
from flask_login import current_user

from orders.cart import find_cart, get_or_create_cart, item_count, new_cart_token
from orders.models import Cart, Order

CART_TOKEN_KEY = "cart_token"  # noqa: S105 - a session key name, not a secret
MY_ORDERS_KEY = "my_orders"
SHIP_TO_KEY = "ship_to"
REMEMBERED_ORDERS = 20


def current_cart(*, create: bool = False) -> Cart | None:
    """The signed-in buyer's cart, else the guest cart of this session (started on demand)."""
    if current_user.is_authenticated:
        if create:
            return get_or_create_cart(user_id=current_user.id)
        return find_cart(user_id=current_user.id)
    token = session.get(CART_TOKEN_KEY)
    if create and not token:
        token = new_cart_token()
        session[CART_TOKEN_KEY] = token
    if create:
        return get_or_create_cart(token=token)
    return find_cart(token=token)


def remember_order(number: str) -> None:
    """Let this browser see the order's page."""
    numbers = [n for n in session.get(MY_ORDERS_KEY, []) if n != number]
    session[MY_ORDERS_KEY] = [number, *numbers][:REMEMBERED_ORDERS]


def may_see_order(order: Order) -> bool:
    """The signed-in buyer's own order, or one this browser placed or looked up."""
    if current_user.is_authenticated and order.user_id == current_user.id:
        return True
    return order.number in session.get(MY_ORDERS_KEY, [])


def current_cart_count() -> int:
    """Items in this visitor's cart; no query at all for a guest who never added anything."""
    if not current_user.is_authenticated and not session.get(CART_TOKEN_KEY):
        return 0
    return item_count(current_cart())


def remember_ship_to(province_code: str | None) -> None:
    """The province the buyer ships to, chosen in the cart and carried into checkout."""
    session[SHIP_TO_KEY] = province_code or None


def chosen_ship_to() -> str | None:
    return session.get(SHIP_TO_KEY)
