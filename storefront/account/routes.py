"""Sign in, register, sign out. The guest cart follows the buyer into the account."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from accounts.errors import EmailTaken
from accounts.models import User
from accounts.service import authenticate, register_buyer
from core.db import db
from orders.cart import merge_guest_cart

from ..access import access
from ..common.forms import ActionForm
from ..common.urls import safe_next_path
from ..common.visitor import CART_TOKEN_KEY
from ..errors import message_for
from ..i18n import LOCALE_SESSION_KEY
from . import bp
from .forms import LoginForm, RegisterForm


def _sign_in(user: User) -> None:
    """Start a fresh session (no fixation), keeping only the cart and language, and merge carts."""
    token = session.get(CART_TOKEN_KEY)
    lang = session.get(LOCALE_SESSION_KEY)
    session.clear()
    if lang:
        session[LOCALE_SESSION_KEY] = lang
    login_user(user)
    merge_guest_cart(token, user.id)
    db.session.commit()


@bp.route("/account/login", methods=["GET", "POST"])
@access("public")
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("account/login.html", form=form)
    user = authenticate(form.email.data, form.password.data)
    if user is None:
        flash(_("Wrong e-mail or password."), "error")
        return render_template("account/login.html", form=form)
    _sign_in(user)
    flash(_("Welcome back!"), "success")
    return redirect(safe_next_path(request.args.get("next")) or url_for("shop.home"))


@bp.route("/account/register", methods=["GET", "POST"])
@access("public")
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_buyer(
                email=form.email.data, name=form.name.data, password=form.password.data
            )
        except EmailTaken as error:
            flash(message_for(error), "error")
        else:
            _sign_in(user)
            flash(_("Your account is ready."), "success")
            return redirect(url_for("shop.home"))
    return render_template("account/register.html", form=form)


@bp.get("/account/logout")
@access("public")
def logout_confirm():
    """A link (old bookmark, another site's <img>) never signs anyone out: it asks first."""
    if not current_user.is_authenticated:
        return redirect(url_for("shop.home"))
    return render_template("account/logout.html", form=ActionForm())


@bp.post("/account/logout")
@access("public")
def logout():
    """Sign out: a form post with its CSRF token (the header's button), never a GET."""
    logout_user()
    session.clear()
    return redirect(url_for("shop.home"))
