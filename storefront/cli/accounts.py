"""`flask accounts create-admin EMAIL`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from accounts.service import create_admin
from core.db import db

group = AppGroup("accounts", help="User accounts.")


@group.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="At least 10 characters (asked for when not given).")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create (or promote) an OCOP program staff account that verifies certificates."""
    try:
        user = create_admin(email, name, password)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="password") from None
    db.session.commit()
    click.echo(f"admin account ready: {user.email}")
