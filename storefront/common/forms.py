"""Form pieces several areas use: the e-mail pattern, a button-only form, a reason form."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from .form_i18n import TranslatedForm

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
