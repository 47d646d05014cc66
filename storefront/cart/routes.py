"""Cart views: validate → call orders.cart → flash → redirect."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from catalog.admin_units import all_provinces, province_by_code
from core.clock import today_in_vietnam
from core.db import db
from orders.cart import (
    MAX_LINE_QUANTITY,
    add_item,
    change_quantity,
    quantity_in_cart,
    remove_item,
    summarize_cart,
)
from orders.errors import OrdersError
from orders.models import Cart

from ..access import access
from ..common.input_guard import parse_id
from ..common.responses import saved
from ..common.same_origin import posted_from_this_shop
from ..common.visitor import chosen_ship_to, current_cart, remember_ship_to
from ..errors import message_for
from ..extensions import csrf
from . import bp
from .forms import AddToCartForm, ChangeQuantityForm, RemoveLineForm


def _capped_message(line, wanted: int) -> str | None:
    """What to tell the buyer when the cart holds fewer than they asked for (None if it holds all)."""
    if line is None or line.quantity >= wanted:
        return None
    if line.quantity >= MAX_LINE_QUANTITY:
        return _(
            "At most %(max)d of one product per order: your cart now holds %(count)d.",
            max=MAX_LINE_QUANTITY,
            count=line.quantity,
        )
    return _("Only %(count)d left: your cart holds all of them.", count=line.quantity)


def _quantity_problem() -> str:
    return _("Please choose a quantity between 1 and %(max)d.", max=MAX_LINE_QUANTITY)


def _product_id(form) -> int | None:
    return parse_id(form.product_id.data)


@bp.get("/cart")
@access("public")
def view():
    ship_to = request.args.get("ship_to")
    if ship_to is not None:
        remember_ship_to(ship_to if province_by_code(ship_to) else None)
    ship_to = chosen_ship_to()
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
@csrf.exempt  # checked below: the session token when the form has one, else the origin
def add():
    _protect_add_form()
    form = AddToCartForm(meta={"csrf": False})
    product_id = _product_id(form)
    if not form.validate_on_submit() or product_id is None:
        flash(_quantity_problem(), "error")
        return redirect(request.referrer or url_for("cart.view"))
    cart = current_cart(create=True)
    wanted = quantity_in_cart(cart, product_id) + form.quantity.data
    try:
        line = add_item(cart, product_id, form.quantity.data, today_in_vietnam())
    except OrdersError as error:
        db.session.rollback()
        flash(message_for(error), "error")
        return redirect(request.referrer or url_for("cart.view"))
    db.session.commit()
    if (capped := _capped_message(line, wanted)) is not None:
        flash(capped, "info")
    else:
        flash(_("Added to your cart."), "success")
    return redirect(url_for("cart.view"))


def _protect_add_form() -> None:
    """CSRF protection of "add to cart". Anonymous product pages carry no token (a token would
    need a session cookie, which keeps the page out of shared caches): their form is trusted
    when the browser says it came from this shop (`posted_from_this_shop`). A form with a
    token — a visitor who already has a session — is checked exactly as every other form."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.form.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")):
        csrf.protect()
    elif not posted_from_this_shop():
        generate_csrf()  # so that the page reloaded after the error carries a token
        csrf.protect()  # raises CSRFError: "This form has expired…"


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
    if (posted := _posted_line(form)) is None:
        flash(
            _("Please choose a quantity between 0 and %(max)d. Nothing was changed.",
              max=MAX_LINE_QUANTITY),
            "error",
        )
        return redirect(url_for("cart.view"))
    if quantity_in_cart(*posted) == 0:
        flash(_("This product is no longer in your cart."), "error")
        return redirect(url_for("cart.view"))
    wanted = form.wanted_quantity()
    try:
        line = change_quantity(*posted, wanted, today_in_vietnam())
    except OrdersError as error:
        db.session.rollback()
        flash(message_for(error), "error")
        return redirect(url_for("cart.view"))
    if line is None:
        return saved(_("Removed from your cart."), "cart.view")
    if (capped := _capped_message(line, wanted)) is not None:
        db.session.commit()
        flash(capped, "info")
        return redirect(url_for("cart.view"))
    return saved(_("Cart updated."), "cart.view")


@bp.post("/cart/remove")
@access("public")
def remove():
    if (line := _posted_line(RemoveLineForm())) is None:
        return redirect(url_for("cart.view"))
    remove_item(*line)
    return saved(_("Removed from your cart."), "cart.view")
