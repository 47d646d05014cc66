"""`flask kiosk add-point|add-staff|list-points|expire-pickups`."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from accounts.models import User
from core import clock
from core.db import db
from orders.kiosk.errors import InvalidPointCode, UnknownSku
from orders.kiosk.models import KIOSK_LANGUAGES
from orders.kiosk.pickups import expire_pickups
from orders.kiosk.points import (
    PointSettings,
    add_staff,
    find_point,
    list_points,
    product_by_sku,
    save_point,
    set_shelf_quantity,
    shelf_quantities,
)

from ..common.payments import payment_providers

group = AppGroup("kiosk", help="Kiosks at OCOP display points.")


def _parse_stock(values: tuple[str, ...]) -> list[tuple[str, int]]:
    parsed = []
    for value in values:
        sku, sep, quantity = value.partition("=")
        if not sep or not sku.strip() or not quantity.strip().isdigit():
            raise click.BadParameter(f"{value!r} is not SKU=QTY", param_hint="--stock")
        parsed.append((sku.strip(), int(quantity)))
    return parsed


@group.command("add-point")
@click.argument("code")
@click.option("--name", required=True, help="Name shown on the kiosk and the counter.")
@click.option("--address", default="", help="Street address of the point.")
@click.option("--province", "province_code", default="", help="Two-digit province code.")
@click.option(
    "--languages",
    default=",".join(KIOSK_LANGUAGES),
    show_default=True,
    help="Comma-separated; the first is the language a fresh session starts in.",
)
@click.option("--idle-seconds", type=int, default=None, help="Override KIOSK_IDLE_SECONDS.")
@click.option("--stock", multiple=True, help="SKU=QTY units on the shelf (repeatable).")
def add_point_command(
    code: str,
    name: str,
    address: str,
    province_code: str,
    languages: str,
    idle_seconds: int | None,
    stock: tuple[str, ...],
) -> None:
    """Create or update a display point and set its shelf stock (safe to run again)."""
    now = clock.utcnow()
    lines = _parse_stock(stock)
    settings = PointSettings(
        name=name,
        address=address,
        province_code=province_code,
        languages=tuple(lang.strip() for lang in languages.split(",") if lang.strip()),
        idle_seconds=idle_seconds,
    )
    try:
        point = save_point(code, settings, actor_id=None, now=now)
        for sku, quantity in lines:
            product = product_by_sku(sku)
            set_shelf_quantity(point, product.id, quantity, actor_id=None, now=now)
    except InvalidPointCode:
        db.session.rollback()
        raise click.BadParameter("use 2-32 letters, digits, - or _", param_hint="CODE") from None
    except UnknownSku as error:
        db.session.rollback()
        raise click.BadParameter(f"no product with SKU {error.params['sku']}") from None
    db.session.commit()
    click.echo(f"point {point.code} ready: {len(shelf_quantities(point.id))} products on the shelf")


@group.command("add-staff")
@click.argument("code")
@click.argument("email")
def add_staff_command(code: str, email: str) -> None:
    """Let an existing account work the counter of a point."""
    point = find_point(code)
    if point is None:
        raise click.BadParameter(f"no point {code}", param_hint="CODE")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.BadParameter(f"no account {email}", param_hint="EMAIL")
    added = add_staff(point, user, actor_id=None, now=clock.utcnow())
    db.session.commit()
    click.echo(f"{user.email} {'now works' if added else 'already works'} at {point.code}")


@group.command("list-points")
def list_points_command() -> None:
    """Every point with its languages and shelf size."""
    for point in list_points():
        shelf = shelf_quantities(point.id)
        state = "active" if point.is_active else "inactive"
        click.echo(
            f"{point.code}\t{point.name}\t{state}\t{','.join(point.language_list)}"
            f"\t{len(shelf)} products\t{sum(shelf.values())} units"
        )


@group.command("expire-pickups")
def expire_pickups_command() -> None:
    """Cancel unpaid kiosk pickups past KIOSK_PICKUP_MINUTES and put their units back on the shelf."""
    cancelled = expire_pickups(now=clock.utcnow(), providers=payment_providers())
    click.echo(f"expired {len(cancelled)} pickups")
    for number in cancelled:
        click.echo(number)
