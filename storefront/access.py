"""Who may use each route: every view carries `@access(level)`; a test fails when one does not.

Levels, from open to closed:
  public          anyone, signed in or not
  buyer           any signed-in, active account (buyers, producer members, admins)
  producer        a member of an active producer (role producer with a producer id)
  producer_owner  the owner of that producer (invites members)
  kiosk_staff     counter staff of a display point, or an admin (the point is checked per view)
  admin           OCOP program staff

Anonymous visitors asking for a closed route are sent to the sign-in page; signed-in users
without the right role get 403. The producer a member may act for is `current_producer_id()`,
taken from the account, never from the URL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal

from flask import abort
from flask_login import current_user

from accounts.models import Role
from catalog.producers import producer_is_active

from .extensions import login_manager

AccessLevel = Literal["public", "buyer", "producer", "producer_owner", "kiosk_staff", "admin"]
ACCESS_LEVELS: tuple[str, ...] = (
    "public",
    "buyer",
    "producer",
    "producer_owner",
    "kiosk_staff",
    "admin",
)
ACCESS_ATTRIBUTE = "access_level"


def _is_active_producer_member(user: Any) -> bool:
    if user.role != Role.PRODUCER.value or user.producer_id is None:
        return False
    return producer_is_active(user.producer_id)


def user_may(user: Any, level: str) -> bool:
    """Whether `user` (Flask-Login's current user, maybe anonymous) may use a `level` route."""
    if level == "public":
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if level == "buyer":
        return True
    if level == "admin":
        return user.role == Role.ADMIN.value
    if level == "kiosk_staff":
        return user.role in (Role.KIOSK_STAFF.value, Role.ADMIN.value)
    if level == "producer":
        return _is_active_producer_member(user)
    if level == "producer_owner":
        return bool(user.is_owner) and _is_active_producer_member(user)
    raise ValueError(f"unknown access level {level!r}")


def access(level: AccessLevel) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare (and enforce) who may use a view. Put it directly under `@bp.route(...)`."""
    if level not in ACCESS_LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        if level == "public":
            setattr(view, ACCESS_ATTRIBUTE, level)
            return view

        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not user_may(current_user, level):
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTRIBUTE, level)
        return guarded

    return decorate


def declared_access(view: Callable[..., Any]) -> str | None:
    """The level a view declared, or None when it declared nothing."""
    return getattr(view, ACCESS_ATTRIBUTE, None)


def current_producer_id() -> int:
    """The producer the signed-in member acts for (only call inside a producer route)."""
    producer_id = current_user.producer_id
    if producer_id is None:  # pragma: no cover - `access("producer")` guarantees it
        abort(403)
    return int(producer_id)
