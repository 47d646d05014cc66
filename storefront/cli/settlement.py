"""`flask settlement …`: reconcile the books (for a cron check) and create a payout run with its
bank file, the same services the admin's Settlement page uses (docs/settlement.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from core import clock
from settlement.payouts import create_payout_run, payout_csv
from settlement.statements import reconciliation

group = AppGroup("settlement", help="The cooperatives' money: reconciliation and payouts.")


@group.command("reconcile")
def reconcile_command() -> None:
    """Print received − refunds − payouts − fees = balances; exit 1 when the books do not balance."""
    rec = reconciliation()
    click.echo(f"received     {rec.received_vnd:>15,} VND")
    click.echo(f"- refunds    {rec.refunded_vnd:>15,} VND")
    click.echo(f"- payouts    {rec.paid_out_vnd:>15,} VND")
    click.echo(f"- fees       {rec.fees_vnd:>15,} VND")
    click.echo(f"= expected   {rec.balances_expected_vnd:>15,} VND")
    click.echo(f"balances     {rec.balances_vnd:>15,} VND")
    click.echo(f"in transit   {rec.in_transit_vnd:>15,} VND")
    click.echo("balanced" if rec.holds else "NOT BALANCED")
    if not rec.holds:
        sys.exit(1)


@group.command("payout-run")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), required=True)
def payout_run_command(csv_path: Path) -> None:
    """Create a payout run for every producer due one and write the bank's CSV file."""
    result = create_payout_run(now=clock.utcnow(), actor_id=None)
    for skipped in result.skipped:
        click.echo(f"skipped producer {skipped.producer_id}: {skipped.reason}")
    if result.run is None:
        click.echo("nobody is due a payout")
        return
    csv_path.write_bytes(payout_csv(result.run))
    total = sum(line.amount_vnd for line in result.run.lines)
    click.echo(
        f"run {result.run.reference}: {len(result.run.lines)} lines, {total:,} VND → {csv_path}"
    )
