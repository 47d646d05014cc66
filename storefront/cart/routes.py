"""Cart views: validate → call orders.cart → flash → redirect."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from catalog.admin_units import all_provinces, province_by_code
from core.clock import today_in_vietnam
from core.db import db
from orders.cart import add_item, change_quantity, remove_item, summarize_cart
from orders.errors import OrdersError
from orders.models import Cart

from ..access import access
from ..common.input_guard import parse_id
from ..common.responses import saved
from ..common.visitor import current_cart
from ..errors import message_for
from . import bp
from .forms import AddToCartForm, ChangeQuantityForm, RemoveLineForm

SHIP_TO_KEY = "ship_to"


def _product_id(form) -> int | None:
    return parse_id(form.product_id.data)


@bp.get("/cart")
@access("public")
def view():
    ship_to = request.args.get("ship_to")
    if ship_to is not None:
        session[SHIP_TO_KEY] = ship_to if province_by_code(ship_to) else None
    ship_to = session.get(SHIP_TO_KEY)
    summary = summarize_cart(current_cart(), today_in_vietnam(), ship_to=ship_to)
    return render_template(
        "cart/view.html",
        summary=summary,
        provinces=all_provinces(),
        ship_to=ship_to,
        change_form=ChangeQuantityForm(),
        remove_form=RemoveLineForm(),
    )


@bp.post("/cart/add")
@access("public")
def add():
    form = AddToCartForm()
    product_id = _product_id(form)
    if not form.validate_on_submit() or product_id is None:
        flash(_("Please choose a quantity between 1 and 99."), "error")
        return redirect(request.referrer or url_for("cart.view"))
    try:
        line = add_item(
            current_cart(create=True), product_id, form.quantity.data, today_in_vietnam()
        )
    except OrdersError as error:
        db.session.rollback()
        flash(message_for(error), "error")
        return redirect(request.referrer or url_for("cart.view"))
    db.session.commit()
    if line.quantity < form.quantity.data:
        flash(_("Only %(count)d left: your cart holds all of them.", count=line.quantity), "info")
    else:
        flash(_("Added to your cart."), "success")
    return redirect(url_for("cart.view"))


def _posted_line(form) -> tuple[Cart, int] | None:
    """(this visitor's cart, the product of the line) when the form is valid, else None."""
    product_id, cart = _product_id(form), current_cart()
    if cart is None or product_id is None or not form.validate_on_submit():
        return None
    return cart, product_id


@bp.post("/cart/update")
@access("public")
def update():
    form = ChangeQuantityForm()
    if (line := _posted_line(form)) is None:
        return redirect(url_for("cart.view"))
    try:
        change_quantity(*line, form.quantity.data, today_in_vietnam())
    except OrdersError as error:
        db.session.rollback()
        flash(message_for(error), "error")
        return redirect(url_for("cart.view"))
    return saved(_("Cart updated."), "cart.view")


@bp.post("/cart/remove")
@access("public")
def remove():
    if (line := _posted_line(RemoveLineForm())) is None:
        return redirect(url_for("cart.view"))
    remove_item(*line)
    return saved(_("Removed from your cart."), "cart.view")
