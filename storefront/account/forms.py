"""Sign-in and registration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ..common.forms import EMAIL_RE


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Regexp(EMAIL_RE)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Sign in"))


class RegisterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Regexp(EMAIL_RE), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(
        _l("Repeat password"), validators=[EqualTo("password", message=_l("Passwords differ."))]
    )
    submit = SubmitField(_l("Create account"))
