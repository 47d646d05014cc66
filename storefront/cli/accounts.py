"""`flask accounts create-admin EMAIL [--password …]` (or OCOP_ADMIN_PASSWORD in the environment;
asked for only when a terminal is there to answer)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from accounts.service import create_admin
from core.db import db

group = AppGroup("accounts", help="User accounts.")


@group.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option(
    "--password",
    envvar="OCOP_ADMIN_PASSWORD",
    default=None,
    help="At least 10 characters. Else OCOP_ADMIN_PASSWORD; asked for on a terminal.",
)
def create_admin_command(email: str, name: str, password: str | None) -> None:
    """Create (or promote) an OCOP program staff account that verifies certificates."""
    if not password:
        if not sys.stdin.isatty():
            raise click.UsageError(
                "no password: pass --password or set OCOP_ADMIN_PASSWORD (no terminal to ask on)"
            )
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_admin(email, name, password)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="password") from None
    db.session.commit()
    click.echo(f"admin account ready: {user.email}")
