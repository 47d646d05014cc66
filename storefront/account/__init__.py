"""Buyer accounts: register, sign in (merging the guest cart), sign out."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from . import recovery, routes  # noqa: E402,F401
