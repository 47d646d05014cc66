"""Account forms: sign in, register, forgotten password, new password, accept an invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from accounts.service import MIN_PASSWORD_LENGTH

from ..common.form_i18n import TranslatedForm
from ..common.forms import EMAIL_RE


class LoginForm(TranslatedForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Regexp(EMAIL_RE)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Sign in"))


class RegisterForm(TranslatedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Regexp(EMAIL_RE), Length(max=255)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("Repeat password"), validators=[EqualTo("password", message=_l("Passwords differ."))]
    )
    submit = SubmitField(_l("Create account"))


class ForgotPasswordForm(TranslatedForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Regexp(EMAIL_RE)])
    submit = SubmitField(_l("Send me a link"))


class NewPasswordForm(TranslatedForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )
    confirm = PasswordField(
        _l("Repeat password"), validators=[EqualTo("password", message=_l("Passwords differ."))]
    )
    submit = SubmitField(_l("Save password"))


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Join"))
