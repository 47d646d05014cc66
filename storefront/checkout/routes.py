"""Checkout views: validate the form → place_order → start the payment → confirmation."""

from __future__ import annotations

import secrets

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog.admin_units import all_provinces, communes_of_province, province_by_code
from core import clock
from orders.cart import summarize_cart
from orders.checkout import CheckoutDetails, find_order_by_token, place_order
from orders.enums import PaymentMethod
from orders.errors import OrdersError, OutOfStock

from ..access import access
from ..common.labels import PAYMENT_LABELS
from ..common.payments import start_card_payment, web_providers
from ..common.visitor import chosen_ship_to, current_cart, remember_order, remember_ship_to
from ..errors import message_for
from ..i18n import current_locale, vnd_filter
from . import bp
from .forms import CheckoutForm


def _prepare(form: CheckoutForm) -> None:
    if request.method == "GET" and not form.province_code.data:
        form.province_code.data = chosen_ship_to()  # the province chosen in the cart
    form.province_code.choices = [("", _("Choose a province"))] + [
        (p.code, p.name) for p in all_provinces()
    ]
    communes = communes_of_province(form.province_code.data) if form.province_code.data else ()
    form.commune_code.choices = [("", _("Choose a commune"))] + [(c.code, c.name) for c in communes]
    form.payment_method.choices = [(m.value, PAYMENT_LABELS[m]) for m in web_providers()]
    if not form.payment_method.data:
        form.payment_method.data = PaymentMethod.COD.value
    if not form.checkout_token.data:
        form.checkout_token.data = secrets.token_urlsafe(24)


@bp.get("/checkout/communes/<province_code>.json")
@access("public")
def communes(province_code: str):
    if province_by_code(province_code) is None:
        abort(404)
    return jsonify([{"code": c.code, "name": c.name} for c in communes_of_province(province_code)])


@bp.get("/checkout/shipping/<province_code>.json")
@access("public")
def shipping(province_code: str):
    """Shipping per producer and the grand total to a province, for the checkout summary."""
    if province_by_code(province_code) is None:
        abort(404)
    remember_ship_to(province_code)
    summary = summarize_cart(current_cart(), clock.today_in_vietnam(), ship_to=province_code)
    return jsonify(
        groups=[
            {"producer_id": g.producer.id, "shipping": vnd_filter(g.shipping_fee_vnd or 0)}
            for g in summary.groups
        ],
        shipping=vnd_filter(summary.shipping_vnd or 0),
        total=vnd_filter(summary.total_vnd or 0),
    )


@bp.route("/checkout", methods=["GET", "POST"])
@access("public")
def start():
    cart = current_cart()
    form = CheckoutForm()
    if request.method == "POST" and form.checkout_token.data:
        # A resubmitted form (double click, back + submit) shows the order it already made.
        placed = find_order_by_token(form.checkout_token.data)
        if placed is not None:
            remember_order(placed.number)
            return redirect(url_for("orders.confirmation", number=placed.number))
    _prepare(form)
    today = clock.today_in_vietnam()
    summary = summarize_cart(cart, today, ship_to=form.province_code.data or None)
    if form.province_code.data and province_by_code(form.province_code.data):
        remember_ship_to(form.province_code.data)
    if summary.is_empty:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("cart.view"))
    if not summary.can_check_out:
        flash(_("Some items cannot be bought right now. Fix them to check out."), "error")
        return redirect(url_for("cart.view"))
    if request.method == "POST" and not form.refresh.data and form.validate():
        return _place(form, cart)
    return render_template("checkout/form.html", form=form, summary=summary)


def _place(form: CheckoutForm, cart):
    providers = web_providers()
    now = clock.utcnow()
    details = CheckoutDetails(
        contact_name=form.contact_name.data,
        phone=form.phone.data,
        email=form.email.data or "",
        province_code=form.province_code.data,
        commune_code=form.commune_code.data or "",
        street=form.street.data,
        note=form.note.data or "",
        payment_method=PaymentMethod(form.payment_method.data),
        locale=current_locale(),
    )
    try:
        order = place_order(
            cart,
            details,
            form.checkout_token.data,
            now=now,
            providers=providers,
            user_id=current_user.id if current_user.is_authenticated else None,
        )
    except OutOfStock as error:
        name = error.params.get("name", "")
        flash(_("Sorry, “%(name)s” just sold out. Nothing was ordered.", name=name), "error")
        return redirect(url_for("cart.view"))
    except OrdersError as error:
        flash(message_for(error), "error")
        if error.code == "invalid_address":
            return render_template(
                "checkout/form.html",
                form=form,
                summary=summarize_cart(
                    cart, clock.today_in_vietnam(), ship_to=form.province_code.data or None
                ),
            ), 400
        return redirect(url_for("cart.view"))
    remember_order(order.number)
    if order.payment_method == PaymentMethod.CARD.value and order.is_awaiting_payment:
        return start_card_payment(order)
    return redirect(url_for("orders.confirmation", number=order.number))
