"""Which cart belongs to this visitor: the signed-in buyer's, else the one in the session."""

from __future__ import annotations

from flask import session
from flask_login import current_user

from orders.cart import find_cart, get_or_create_cart, new_cart_token
from orders.models import Cart

CART_TOKEN_KEY = "cart_token"  # noqa: S105 - a session key name, not a secret


def current_cart(*, create: bool = False) -> Cart | None:
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
