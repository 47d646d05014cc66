"""`flask orders expire-reservations`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core import clock
from orders.lifecycle import expire_reservations

from ..common.payments import payment_providers

group = AppGroup("orders", help="Order housekeeping.")


@group.command("expire-reservations")
def expire_command() -> None:
    """Cancel unpaid card orders whose reservation ran out and put their stock back."""
    cancelled, skipped = expire_reservations(now=clock.utcnow(), providers=payment_providers())
    click.echo(f"cancelled {len(cancelled)}, skipped {len(skipped)}")
    for number in skipped:
        click.echo(f"skipped {number}: the payment could not be closed", err=True)
