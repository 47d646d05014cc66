"""Counter pages for a point's staff (pickups: paid, handed over, cancelled; the point's reports)
and admin pages to set up points, their shelf stock and their staff.

Counter routes carry `<point>` (an active point, resolved by routes.py's URL preprocessor);
admin routes carry `<code>` so that inactive points can be edited too.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from accounts.models import User
from core import clock
from core.db import db
from orders.errors import OrdersError
from orders.kiosk.errors import InvalidPointCode, UnknownSku
from orders.kiosk.models import KIOSK_LANGUAGES, DisplayPoint
from orders.kiosk.pickups import (
    cancel_pickup,
    hand_over,
    lock_pickup,
    mark_pickup_paid,
    pickup_state,
    pickups_of_point,
)
from orders.kiosk.points import (
    PointSettings,
    add_staff,
    find_point,
    list_points,
    points_of_staff,
    product_by_sku,
    save_point,
    set_shelf_quantity,
    shelf_rows,
    staff_may_work,
)
from orders.kiosk.reports import language_mix, low_shelf, sales_per_day, top_products

from ..access import access
from ..common.payments import payment_providers
from . import bp
from .screen import DEVICE_COOKIE, DEVICE_COOKIE_DAYS, LANGUAGE_NAMES, device_cookie_value

REPORT_DAYS = (1, 7, 30)


def _counter_point() -> DisplayPoint:
    point: DisplayPoint = g.kiosk_point
    if not staff_may_work(current_user, point):
        abort(403)
    return point


@bp.get("/counter/")
@access("kiosk_staff")
def counter_home():
    points = points_of_staff(current_user)
    if len(points) == 1:
        return redirect(url_for("kiosk.counter", point=points[0].code))
    return render_template("kiosk/counter_home.html", points=points)


@bp.get("/<point>/counter")
@access("kiosk_staff")
def counter():
    point = _counter_point()
    show_all = request.args.get("all") == "1"
    pickups = pickups_of_point(point, open_only=not show_all)
    return render_template(
        "kiosk/counter.html",
        point=point,
        pickups=[(pickup, pickup_state(pickup)) for pickup in pickups],
        show_all=show_all,
    )


_ACTIONS = ("paid", "handed-over", "cancel")


@bp.post("/<point>/counter/pickups/<int:pickup_id>/<action>")
@access("kiosk_staff")
def counter_action(pickup_id: int, action: str):
    point = _counter_point()
    if action not in _ACTIONS:
        abort(404)
    pickup = lock_pickup(point, pickup_id)
    if pickup is None:
        db.session.rollback()
        abort(404)
    now = clock.utcnow()
    try:
        if action == "paid":
            mark_pickup_paid(
                pickup, actor_id=current_user.id, confirmed_by=current_user.email, now=now
            )
        elif action == "handed-over":
            hand_over(pickup, actor_id=current_user.id, now=now)
        else:
            cancel_pickup(pickup, now=now, providers=payment_providers())
    except OrdersError:
        db.session.rollback()
        flash(_("This pickup cannot change like that now."), "error")
        return redirect(url_for("kiosk.counter", point=point.code))
    db.session.commit()
    flash(_("Pickup %(number)s updated.", number=pickup.number), "success")
    return redirect(url_for("kiosk.counter", point=point.code))


@bp.get("/<point>/counter/reports")
@access("kiosk_staff")
def counter_reports():
    point = _counter_point()
    days = request.args.get("days", "7")
    span = int(days) if days.isdigit() and int(days) in REPORT_DAYS else 7
    last = clock.today_in_vietnam()
    first = last - timedelta(days=span - 1)
    return render_template(
        "kiosk/reports.html",
        point=point,
        span=span,
        spans=REPORT_DAYS,
        first=first,
        last=last,
        sales=sales_per_day(point.id, first, last),
        top=top_products(point.id, first, last),
        low=low_shelf(point.id, int(current_app.config["KIOSK_LOW_SHELF"])),
        languages=language_mix(point.id, first, last),
        language_names=LANGUAGE_NAMES,
    )


# --- admin: points, shelf stock, staff -------------------------------------------------------


def _admin_point(code: str) -> DisplayPoint:
    point = find_point(code)
    if point is None:
        abort(404)
    return point


def _settings_from_form() -> PointSettings:
    idle = request.form.get("idle_seconds", "").strip()
    return PointSettings(
        name=request.form.get("name", ""),
        address=request.form.get("address", ""),
        province_code=request.form.get("province_code", ""),
        languages=tuple(lang for lang in KIOSK_LANGUAGES if request.form.get(f"lang_{lang}")),
        idle_seconds=int(idle) if idle.isdigit() and int(idle) > 0 else None,
        is_active=bool(request.form.get("is_active")),
    )


@bp.get("/admin/points")
@access("admin")
def admin_points():
    return render_template(
        "kiosk/admin_points.html",
        points=list_points(),
        languages=KIOSK_LANGUAGES,
        language_names=LANGUAGE_NAMES,
    )


@bp.post("/admin/points")
@access("admin")
def admin_point_save():
    code = request.form.get("code", "")
    try:
        point = save_point(
            code, _settings_from_form(), actor_id=current_user.id, now=clock.utcnow()
        )
    except InvalidPointCode:
        db.session.rollback()
        flash(_("A point code has 2 to 32 letters, digits, - or _."), "error")
        return redirect(url_for("kiosk.admin_points"))
    db.session.commit()
    flash(_("Point %(code)s saved.", code=point.code), "success")
    return redirect(url_for("kiosk.admin_point", code=point.code))


@bp.get("/admin/points/<code>")
@access("admin")
def admin_point(code: str):
    point = _admin_point(code)
    return render_template(
        "kiosk/admin_point.html",
        point=point,
        shelf=shelf_rows(point.id),
        languages=KIOSK_LANGUAGES,
        language_names=LANGUAGE_NAMES,
    )


@bp.post("/admin/points/<code>/shelf")
@access("admin")
def admin_point_shelf(code: str):
    point = _admin_point(code)
    sku = request.form.get("sku", "")
    quantity = request.form.get("quantity", "").strip()
    if not quantity.isdigit():
        flash(_("Enter the number of units on the shelf."), "error")
        return redirect(url_for("kiosk.admin_point", code=point.code))
    try:
        product = product_by_sku(sku)
    except UnknownSku:
        flash(_("No product has the SKU %(sku)s.", sku=sku), "error")
        return redirect(url_for("kiosk.admin_point", code=point.code))
    set_shelf_quantity(
        point, product.id, int(quantity), actor_id=current_user.id, now=clock.utcnow()
    )
    db.session.commit()
    flash(_("Shelf stock saved."), "success")
    return redirect(url_for("kiosk.admin_point", code=point.code))


@bp.post("/admin/points/<code>/pair")
@access("admin")
def admin_point_pair(code: str):
    """Pair the browser this is clicked in with the point (on the kiosk screen itself): it may
    then place orders when KIOSK_PAIRING_REQUIRED is on. The cookie survives idle resets."""
    point = _admin_point(code)
    response = redirect(url_for("kiosk.start", point=point.code))
    response.set_cookie(
        DEVICE_COOKIE,
        device_cookie_value(point.code),
        max_age=DEVICE_COOKIE_DAYS * 86400,
        path="/kiosk/",
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
    )
    return response


@bp.post("/admin/points/<code>/staff")
@access("admin")
def admin_point_staff(code: str):
    point = _admin_point(code)
    email = request.form.get("email", "").strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    if user is None:
        flash(_("No account has this e-mail address. Ask the person to register first."), "error")
        return redirect(url_for("kiosk.admin_point", code=point.code))
    add_staff(point, user, actor_id=current_user.id, now=clock.utcnow())
    db.session.commit()
    flash(_("%(email)s can now work the counter.", email=user.email), "success")
    return redirect(url_for("kiosk.admin_point", code=point.code))
