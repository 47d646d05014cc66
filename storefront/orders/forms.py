"""Order lookup form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..common.form_i18n import TranslatedForm


class LookupForm(TranslatedForm):
    number = StringField(_l("Order number"), validators=[DataRequired(), Length(max=32)])
    phone = StringField(_l("Phone used at checkout"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Find my order"))


class PayForm(TranslatedForm):
    submit = SubmitField(_l("Pay by card"))
