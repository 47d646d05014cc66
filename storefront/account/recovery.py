"""Password reset by e-mailed link, and accepting a producer member invitation.

The reset page answers the same whether or not the e-mail has an account (no account probing),
and both it and sign-in are rate limited (see `storefront/rate_limits.py`).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from accounts.service import (
    accept_invitation,
    find_user_by_email,
    make_password_reset_token,
    read_invitation,
    reset_password,
    user_for_password_reset,
)
from core.db import db
from core.mail_queue import RenderedEmail, enqueue_rendered

from ..access import access
from ..common.urls import public_url
from ..i18n import current_locale
from . import bp
from .forms import AcceptInvitationForm, ForgotPasswordForm, NewPasswordForm
from .routes import _sign_in


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


@bp.route("/account/password/forgot", methods=["GET", "POST"])
@access("public")
def password_forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            token = make_password_reset_token(user, secret_key=_secret())
            url = public_url(url_for("account.password_reset", token=token))
            subject = _("Choose a new password for the OCOP shop")
            body = render_template("email/password_reset.txt", user=user, url=url)
            email = RenderedEmail(user.email, subject, body)
            enqueue_rendered("password_reset", email, locale=current_locale())
            db.session.commit()
        flash(
            _("If an account uses this e-mail, we have sent it a link to choose a new password."),
            "success",
        )
        return redirect(url_for("account.login"))
    return render_template("account/password_forgot.html", form=form)


@bp.route("/account/password/reset/<token>", methods=["GET", "POST"])
@access("public")
def password_reset(token: str):
    user_for_password_reset(token, secret_key=_secret())  # InvalidToken → the error page
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = reset_password(token, form.password.data, secret_key=_secret())
        if current_user.is_authenticated:
            logout_user()
        _sign_in(user)  # commits; starts a fresh session
        flash(_("Your new password is saved."), "success")
        return redirect(url_for("shop.home"))
    return render_template("account/password_reset.html", form=form)


@bp.route("/account/invitation/<token>", methods=["GET", "POST"], endpoint="accept_invitation")
@access("public")
def accept_invitation_view(token: str):
    invitation = read_invitation(token, secret_key=_secret())  # InvalidToken → the error page
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        user = accept_invitation(
            token, name=form.name.data, password=form.password.data, secret_key=_secret()
        )
        if current_user.is_authenticated:
            logout_user()
        _sign_in(user)
        flash(_("Welcome! You can now manage your producer's products."), "success")
        return redirect(url_for("producer.dashboard"))
    return render_template("account/accept_invitation.html", form=form, invitation=invitation)
