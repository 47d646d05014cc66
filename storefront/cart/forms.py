"""Cart forms: a product id and a quantity, never a price."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional

from orders.cart import MAX_LINE_QUANTITY

from ..common.form_i18n import TranslatedForm


class AddToCartForm(TranslatedForm):
    product_id = HiddenField(validators=[DataRequired()])
    quantity = IntegerField(
        _l("Quantity"), default=1, validators=[NumberRange(min=1, max=MAX_LINE_QUANTITY)]
    )
    submit = SubmitField(_l("Add to cart"))


class ChangeQuantityForm(TranslatedForm):
    product_id = HiddenField(validators=[DataRequired()])
    quantity = IntegerField(_l("Quantity"), validators=[NumberRange(min=0, max=MAX_LINE_QUANTITY)])
    # The − and + buttons of the stepper post step=-1 or step=1 (works without JavaScript).
    step = IntegerField(validators=[Optional(), NumberRange(min=-1, max=1)])
    submit = SubmitField(_l("Update"))

    def wanted_quantity(self) -> int:
        return max(0, self.quantity.data + (self.step.data or 0))


class RemoveLineForm(TranslatedForm):
    product_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Remove"))
