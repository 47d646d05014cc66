"""A producer's orders: its own parts only; pack, ship, confirm a transfer, cancel, packing slip."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import clock
from orders.enums import OrderStatus
from orders.fulfilment import (
    TO_PACK,
    can_confirm_transfer,
    cancel_part,
    confirm_transfer,
    count_parts_to_pack,
    deliver_part,
    get_part_for_producer,
    pack_part,
    parts_for_producer,
    sales_this_month_vnd,
    ship_part,
)
from orders.models import OrderPart

from ..access import access, current_producer_id
from ..common.forms import ActionForm, ReasonForm, given_reason
from ..common.responses import saved
from . import bp
from .forms import ShipForm

RECENT_PARTS_SHOWN = 200


def dashboard_order_figures(producer_id: int, now: datetime) -> dict:
    return {
        "sales_this_month_vnd": sales_this_month_vnd(producer_id, now),
        "parts_to_pack": count_parts_to_pack(producer_id),
    }


@bp.get("/orders")
@access("producer")
def orders():
    producer_id = current_producer_id()
    return render_template(
        "producer/orders.html",
        to_pack=parts_for_producer(producer_id, TO_PACK),
        parts=parts_for_producer(producer_id, limit=RECENT_PARTS_SHOWN),
    )


def _own_part(part_id: int) -> OrderPart:
    """One of the member's producer's parts (another producer's id is simply not found)."""
    return get_part_for_producer(current_producer_id(), part_id)


def _back_to(part_id: int):
    return redirect(url_for("producer.order_part", part_id=part_id))


def _done(part_id: int, message: str):
    return saved(message, "producer.order_part", part_id=part_id)


@bp.get("/orders/<int:part_id>")
@access("producer")
def order_part(part_id: int):
    part = _own_part(part_id)
    return render_template(
        "producer/order_part.html",
        part=part,
        action_form=ActionForm(),
        ship_form=ShipForm(),
        cancel_form=ReasonForm(),
        can_confirm_transfer=can_confirm_transfer(part),
        OrderStatus=OrderStatus,
    )


@bp.get("/orders/<int:part_id>/slip")
@access("producer")
def packing_slip(part_id: int):
    return render_template("producer/packing_slip.html", part=_own_part(part_id))


@bp.post("/orders/<int:part_id>/pack")
@access("producer")
def order_pack(part_id: int):
    part = _own_part(part_id)
    if not ActionForm().validate_on_submit():
        return _back_to(part_id)
    pack_part(part, actor_id=current_user.id, now=clock.utcnow())
    return _done(part_id, _("Marked as packed."))


@bp.post("/orders/<int:part_id>/ship")
@access("producer")
def order_ship(part_id: int):
    part, form = _own_part(part_id), ShipForm()
    if not form.validate_on_submit():
        flash(_("Enter the carrier and the tracking code."), "error")
        return _back_to(part_id)
    carrier, tracking_code = form.carrier.data, form.tracking_code.data
    now = clock.utcnow()
    ship_part(part, carrier=carrier, tracking_code=tracking_code, actor_id=current_user.id, now=now)
    return _done(part_id, _("Marked as shipped."))


@bp.post("/orders/<int:part_id>/deliver")
@access("producer")
def order_deliver(part_id: int):
    """The carrier delivered the parcel (and collected the cash on delivery)."""
    part = _own_part(part_id)
    if not ActionForm().validate_on_submit():
        return _back_to(part_id)
    deliver_part(part, actor_id=current_user.id, now=clock.utcnow())
    return _done(part_id, _("Marked as delivered."))


@bp.post("/orders/<int:part_id>/confirm-transfer")
@access("producer")
def order_confirm_transfer(part_id: int):
    part = _own_part(part_id)
    if ActionForm().validate_on_submit():
        actor = current_user
        confirm_transfer(part, actor_id=actor.id, actor_email=actor.email, now=clock.utcnow())
        return _done(part_id, _("Payment confirmed."))
    return _back_to(part_id)


@bp.post("/orders/<int:part_id>/cancel")
@access("producer")
def order_cancel(part_id: int):
    part = _own_part(part_id)
    if (reason := given_reason()) is None:
        return _back_to(part_id)
    cancel_part(part, reason=reason, actor_id=current_user.id, now=clock.utcnow())
    return _done(part_id, _("Cancelled. The stock is back on the shelf."))
