"""Configuring display points: the point itself, its shelf stock, its counter staff.

Services flush; the caller (admin view, CLI) commits once. Setting up the same point twice with
the same values changes nothing (scripted set-up of many points re-runs safely).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from accounts.audit import record_audit
from accounts.models import Role, User
from catalog.models import Product
from core.db import db
from core.text import clean_text

from .errors import InvalidPointCode, UnknownPoint, UnknownSku
from .models import KIOSK_LANGUAGES, DisplayPoint, KioskStaff, PointStock

_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")


def normalize_point_code(raw: str) -> str:
    code = (raw or "").strip().upper()
    if not _CODE_RE.match(code):
        raise InvalidPointCode(code=raw)
    return code


def find_point(code: str) -> DisplayPoint | None:
    return db.session.scalar(select(DisplayPoint).where(DisplayPoint.code == code.strip().upper()))


def active_point(code: str) -> DisplayPoint:
    point = find_point(code)
    if point is None or not point.is_active:
        raise UnknownPoint(code=code)
    return point


def list_points() -> list[DisplayPoint]:
    return list(db.session.scalars(select(DisplayPoint).order_by(DisplayPoint.code)))


@dataclass(frozen=True)
class PointSettings:
    name: str
    address: str = ""
    province_code: str = ""
    languages: tuple[str, ...] = KIOSK_LANGUAGES
    idle_seconds: int | None = None
    is_active: bool = True


def save_point(
    code: str, settings: PointSettings, *, actor_id: int | None, now: datetime
) -> DisplayPoint:
    """Create the point or update it to `settings`. Flushes."""
    code = normalize_point_code(code)
    languages = [lang for lang in settings.languages if lang in KIOSK_LANGUAGES] or ["vi"]
    values = {
        "name": clean_text(settings.name) or code,
        "address": clean_text(settings.address),
        "province_code": clean_text(settings.province_code)[:2],
        "languages": ",".join(dict.fromkeys(languages)),
        "idle_seconds": settings.idle_seconds if settings.idle_seconds else None,
        "is_active": settings.is_active,
    }
    point = find_point(code)
    if point is None:
        point = DisplayPoint(code=code, created_at=now, updated_at=now, **values)
        db.session.add(point)
        db.session.flush()
        record_audit("display_point.created", point, actor_id=actor_id, now=now, after=values)
        return point
    before = {key: getattr(point, key) for key in values}
    if before != values:
        for key, value in values.items():
            setattr(point, key, value)
        point.updated_at = now
        record_audit(
            "display_point.changed", point, actor_id=actor_id, now=now, before=before, after=values
        )
    db.session.flush()
    return point


def product_by_sku(sku: str) -> Product:
    product = db.session.scalar(
        select(Product).where(func.upper(Product.sku) == sku.strip().upper())
    )
    if product is None:
        raise UnknownSku(sku=sku)
    return product


def set_shelf_quantity(
    point: DisplayPoint, product_id: int, quantity: int, *, actor_id: int | None, now: datetime
) -> PointStock:
    """Set how many units of a product are on the point's shelf (a count, not a delta). Flushes."""
    quantity = max(0, int(quantity))
    row = db.session.scalar(
        select(PointStock).where(
            PointStock.point_id == point.id, PointStock.product_id == product_id
        )
    )
    before = None if row is None else row.quantity
    if row is None:
        row = PointStock(
            point_id=point.id, product_id=product_id, quantity=quantity, updated_at=now
        )
        db.session.add(row)
    elif row.quantity != quantity:
        row.quantity = quantity
        row.updated_at = now
    if before != quantity:
        record_audit(
            "point_stock.set",
            point,
            actor_id=actor_id,
            now=now,
            before={"product": product_id, "quantity": before},
            after={"product": product_id, "quantity": quantity},
        )
    db.session.flush()
    return row


def shelf_quantities(point_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(PointStock.product_id, PointStock.quantity).where(PointStock.point_id == point_id)
    )
    return {product_id: quantity for product_id, quantity in rows}


def shelf_rows(point_id: int) -> list[tuple[PointStock, Product]]:
    rows = db.session.execute(
        select(PointStock, Product)
        .join(Product, Product.id == PointStock.product_id)
        .where(PointStock.point_id == point_id)
        .order_by(Product.name)
    )
    return [(stock, product) for stock, product in rows]


def add_staff(point: DisplayPoint, user: User, *, actor_id: int | None, now: datetime) -> bool:
    """Let `user` work the counter of `point` (a buyer account becomes kiosk staff). Flushes.

    False when the user already worked there. Admins keep their role (they see every point)."""
    exists = db.session.scalar(
        select(KioskStaff.id).where(KioskStaff.user_id == user.id, KioskStaff.point_id == point.id)
    )
    if exists is not None:
        return False
    if user.role == Role.BUYER.value:
        user.role = Role.KIOSK_STAFF.value
    db.session.add(KioskStaff(user_id=user.id, point_id=point.id))
    record_audit("kiosk_staff.added", point, actor_id=actor_id, now=now, after={"user": user.id})
    db.session.flush()
    return True


def points_of_staff(user: User) -> list[DisplayPoint]:
    """The points a signed-in user may work: all of them for admins, their own for staff."""
    if user.role == Role.ADMIN.value:
        return list_points()
    return list(
        db.session.scalars(
            select(DisplayPoint)
            .join(KioskStaff, KioskStaff.point_id == DisplayPoint.id)
            .where(KioskStaff.user_id == user.id)
            .order_by(DisplayPoint.code)
        )
    )


def staff_may_work(user: User, point: DisplayPoint) -> bool:
    if user.role == Role.ADMIN.value:
        return True
    return (
        db.session.scalar(
            select(KioskStaff.id).where(
                KioskStaff.user_id == user.id, KioskStaff.point_id == point.id
            )
        )
        is not None
    )
