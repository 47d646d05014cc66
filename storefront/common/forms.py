"""Form pieces several areas use: the e-mail pattern, a button-only form, a reason form."""

from __future__ import annotations

import re

from babel.numbers import format_decimal
from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import TextInput

from ..i18n import current_locale
from .form_i18n import TranslatedForm

# Digits in groups separated by dots, commas or spaces, optionally followed by ₫, đ or VND.
_AMOUNT_RE = re.compile(r"^\d[\d., \u00a0]*\s*(₫|đ|vnd)?$", re.IGNORECASE)


class VndField(IntegerField):
    """A whole amount of dong typed the way people write it: "1.250.000", "1,250,000 ₫" or
    "1250000" all mean 1250000. Shown with the page language's thousands separators."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] is not None:
            typed = str(valuelist[0]).strip()
            if typed and not _AMOUNT_RE.match(typed):
                self.data = None
                raise ValueError(self.gettext("Not a valid integer value."))
            valuelist = [re.sub(r"\D", "", typed)]
        super().process_formdata(valuelist)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="#,##0", locale=current_locale())


EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ActionForm(TranslatedForm):
    """A button-only form (approve, hide/show, delete): just the CSRF token."""

    submit = SubmitField(_l("Confirm"))


class ReasonForm(TranslatedForm):
    """An action that needs a reason the other side will read (reject, revoke, cancel)."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Confirm"))


def given_reason() -> str | None:
    """The reason posted with this request's ReasonForm; None (and an error shown) without one."""
    form = ReasonForm()
    if form.validate_on_submit():
        return form.reason.data
    flash(_("Please give a reason."), "error")
    return None
