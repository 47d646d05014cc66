"""Admin forms (CSRF-protected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from ..common.form_i18n import TranslatedForm


class ImportForm(TranslatedForm):
    csv_file = FileField(_l("Registry CSV file (UTF-8)"), validators=[FileRequired()])
    dry_run = BooleanField(_l("Check only, do not save"))
    skip_bad = BooleanField(_l("Import the valid rows and skip the rows with problems"))
    submit = SubmitField(_l("Import"))


class RefundForm(TranslatedForm):
    """Money given back to the buyer by hand for one order part (whole dong)."""

    amount_vnd = IntegerField(_l("Amount (VND)"), validators=[InputRequired(), NumberRange(min=1)])
    submit = SubmitField(_l("Record the refund"))
