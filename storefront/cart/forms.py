"""Cart forms: a product id and a quantity, never a price."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, NumberRange

from orders.cart import MAX_LINE_QUANTITY


class AddToCartForm(FlaskForm):
    product_id = HiddenField(validators=[DataRequired()])
    quantity = IntegerField(
        _l("Quantity"), default=1, validators=[NumberRange(min=1, max=MAX_LINE_QUANTITY)]
    )
    submit = SubmitField(_l("Add to cart"))


class ChangeQuantityForm(FlaskForm):
    product_id = HiddenField(validators=[DataRequired()])
    quantity = IntegerField(_l("Quantity"), validators=[NumberRange(min=0, max=MAX_LINE_QUANTITY)])
    submit = SubmitField(_l("Update"))


class RemoveLineForm(FlaskForm):
    product_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Remove"))
