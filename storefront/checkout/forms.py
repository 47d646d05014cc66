"""The checkout form. No prices: the order is priced from the database."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from orders.checkout import normalize_phone

from ..common.form_i18n import TranslatedForm


def _vietnamese_phone(form, field) -> None:
    if not normalize_phone(field.data or ""):
        raise ValidationError(_l("Enter a Vietnamese phone number, e.g. 0912 345 678."))


class CheckoutForm(TranslatedForm):
    checkout_token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_\-]{16,64}$")])
    contact_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[DataRequired(), _vietnamese_phone])
    email = StringField(
        _l("E-mail (optional)"),
        validators=[Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), Length(max=255)],
    )
    province_code = SelectField(_l("Province or city"), validators=[DataRequired()])
    commune_code = SelectField(_l("Commune or ward"), validate_choice=False)
    street = StringField(
        _l("House number and street"), validators=[DataRequired(), Length(max=300)]
    )
    note = TextAreaField(_l("Note for the producers"), validators=[Optional(), Length(max=1000)])
    payment_method = RadioField(_l("Payment"), validators=[DataRequired()])
    refresh = SubmitField(_l("Show communes"))
    submit = SubmitField(_l("Place order"))
