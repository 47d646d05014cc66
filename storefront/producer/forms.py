"""Producer portal forms (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from catalog.admin_units import all_provinces
from catalog.enums import IssuerLevel, ProducerKind, ProductGroup
from catalog.for_sale import OCOP_STARS
from core.db import MAX_INT

from ..common.form_i18n import TranslatedForm
from ..common.forms import EMAIL_RE, VndField
from ..common.labels import ISSUER_LEVEL_LABELS, group_label, producer_kind_label


class ApplicationForm(TranslatedForm):
    kind = SelectField(_l("Kind of producer"), validators=[DataRequired()])
    name = StringField(_l("Name of the producer"), validators=[DataRequired(), Length(max=255)])
    registration_no = StringField(
        _l("Tax or business registration number"), validators=[DataRequired(), Length(max=64)]
    )
    province_code = SelectField(_l("Province or city"), validators=[DataRequired()])
    commune = StringField(_l("Commune or ward"), validators=[DataRequired(), Length(max=160)])
    address = StringField(_l("Address"), validators=[Length(max=400)])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=32)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Regexp(EMAIL_RE), Length(max=255)])
    submit = SubmitField(_l("Send application"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [
            SelectChoice(k.value, producer_kind_label(k.value)) for k in ProducerKind
        ]
        self.province_code.choices = [SelectChoice(p.code, p.name) for p in all_provinces()]


MAX_STOCK = MAX_INT  # the column's range: a larger number is a typing slip, refused by the form
MAX_WEIGHT_GRAMS = MAX_INT


class ProductForm(TranslatedForm):
    name = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=255)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=255)])
    group = SelectField(_l("Product group"), validators=[DataRequired()])
    unit = StringField(_l("Unit, e.g. bottle 500 ml"), validators=[Length(max=80)])
    price_vnd = VndField(
        _l("Price (VND)"), validators=[InputRequired(), NumberRange(min=0, max=1_000_000_000)]
    )
    stock = IntegerField(
        _l("Stock"), validators=[InputRequired(), NumberRange(min=0, max=MAX_STOCK)]
    )
    weight_grams = IntegerField(
        _l("Shipping weight (grams)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=MAX_WEIGHT_GRAMS)],
    )
    story = TextAreaField(_l("Story (Vietnamese)"), validators=[Length(max=20000)])
    story_en = TextAreaField(_l("Story (English)"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.group.choices = [SelectChoice(g.value, group_label(g.value)) for g in ProductGroup]


class PhotoForm(TranslatedForm):
    photo = FileField(_l("Photo (JPG, PNG or WebP)"), validators=[FileRequired()])
    alt = StringField(
        _l("What the photo shows (for shoppers who cannot see it)"),
        validators=[Optional(), Length(max=255)],
    )
    submit = SubmitField(_l("Upload photo"))


class PhotoAltForm(TranslatedForm):
    alt = StringField(_l("Photo description"), validators=[DataRequired(), Length(max=255)])
    submit = SubmitField(_l("Save description"))


class CertificateForm(TranslatedForm):
    stars = SelectField(_l("Stars"), choices=[SelectChoice(str(n), f"{n}★") for n in OCOP_STARS])
    certificate_no = StringField(
        _l("Certificate number"), validators=[DataRequired(), Length(max=120)]
    )
    decision_no = StringField(_l("Decision number"), validators=[Length(max=120)])
    issued_by = StringField(_l("Issued by"), validators=[DataRequired(), Length(max=255)])
    issuer_level = SelectField(_l("Level"))
    issued_on = DateField(_l("Issued on"), validators=[DataRequired()])
    expires_on = DateField(_l("Valid until"), validators=[DataRequired()])
    scan = FileField(_l("Scan of the certificate (PDF, JPG or PNG)"), validators=[FileRequired()])
    submit = SubmitField(_l("Send for verification"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.issuer_level.choices = [
            SelectChoice(lvl.value, str(ISSUER_LEVEL_LABELS[lvl.value])) for lvl in IssuerLevel
        ]

    def validate_expires_on(self, field) -> None:
        if self.issued_on.data and field.data and field.data < self.issued_on.data:
            raise ValidationError(_l("The end of validity is before the date of issue."))


class InviteForm(TranslatedForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Regexp(EMAIL_RE), Length(max=255)])
    submit = SubmitField(_l("Invite"))


class ShipForm(TranslatedForm):
    carrier = StringField(_l("Carrier"), validators=[DataRequired(), Length(max=80)])
    tracking_code = StringField(_l("Tracking code"), validators=[DataRequired(), Length(max=80)])
    submit = SubmitField(_l("Mark shipped"))


class BankAccountForm(TranslatedForm):
    """The producer's payout account: a bank from the VietQR list, number, holder's name."""

    bank_bin = SelectField(_l("Bank"), validators=[DataRequired()])
    account_no = StringField(
        _l("Account number"),
        validators=[DataRequired(), Length(min=4, max=32), Regexp(r"^[0-9A-Za-z ]+$")],
    )
    account_name = StringField(
        _l("Account holder's name"), validators=[DataRequired(), Length(min=2, max=120)]
    )
    submit = SubmitField(_l("Send for approval"))
