"""`flask origin …`: record batches, print stamp sheets, read scan counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from catalog.errors import BatchInvalid
from catalog.for_sale import for_sale_certificate
from catalog.origin.traceability import (
    find_product_by_sku_or_code,
    product_codes,
    record_batch,
    scans_by_day,
)
from core.clock import today_in_vietnam
from core.db import db

from ..common.stamps import DEFAULT_STAMP_COUNT, MAX_STAMP_COUNT, render_stamp_sheet
from ..common.urls import origin_url
from ..errors import message_for
from ..i18n import COMMAND_LINE_LOCALE

group = AppGroup("origin", help="Origin codes: batches, stamp sheets, scan counts.")


def _iso_date(ctx: click.Context, param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


@group.command("add-batch")
@click.argument("sku")
@click.option("--lot", "lot_no", required=True, help="Lot number as printed on the package.")
@click.option("--produced-on", required=True, callback=_iso_date, help="YYYY-MM-DD")
@click.option("--best-before", required=True, callback=_iso_date, help="YYYY-MM-DD")
@click.option("--quantity", required=True, type=click.IntRange(min=0))
@click.option("--warnings", "safety_warnings", default="", help="Safety warnings, if any.")
def add_batch_command(
    sku: str,
    lot_no: str,
    produced_on: date,
    best_before: date,
    quantity: int,
    safety_warnings: str,
) -> None:
    """Record a production batch of product SKU and print its origin code and URL."""
    target = find_product_by_sku_or_code(sku)
    if target is None or target.is_batch:
        raise click.ClickException(f"no product with SKU {sku!r}")
    try:
        batch = record_batch(
            target.product,
            lot_no=lot_no,
            produced_on=produced_on,
            best_before_on=best_before,
            quantity=quantity,
            safety_warnings=safety_warnings,
        )
    except BatchInvalid as exc:
        db.session.rollback()
        with force_locale(COMMAND_LINE_LOCALE):
            raise click.ClickException(message_for(exc)) from None
    db.session.commit()
    click.echo(f"batch {batch.lot_no} of {target.product.sku}: code {batch.code}")
    click.echo(origin_url(batch.code))


@group.command("stamps")
@click.argument("sku_or_code")
@click.option(
    "--count",
    default=DEFAULT_STAMP_COUNT,
    show_default=True,
    type=click.IntRange(1, MAX_STAMP_COUNT),
    help="How many stamps (24 per A4 page).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def stamps_command(sku_or_code: str, count: int, output: Path, lang: str) -> None:
    """Write a print-ready A4 sheet of QR stamps for a product (SKU or code) or a batch (code)."""
    target = find_product_by_sku_or_code(sku_or_code)
    if target is None:
        raise click.ClickException(f"no product or batch {sku_or_code!r}")
    today = today_in_vietnam()
    # A request context gives the sheet its language; URLs still come from PUBLIC_BASE_URL.
    with current_app.test_request_context("/", headers={"Accept-Language": lang}):
        html = render_stamp_sheet(target, count, today)
    output.write_text(html, encoding="utf-8")
    click.echo(f"{count} stamps for {target.code} → {output} ({origin_url(target.code)})")
    if for_sale_certificate(target.product, today) is None:
        click.echo("warning: no valid OCOP certificate today; stamps carry no stars", err=True)


@group.command("scans")
@click.argument("sku")
def scans_command(sku: str) -> None:
    """Print daily scan counts of a product's stamps (product code and all its batches)."""
    target = find_product_by_sku_or_code(sku)
    if target is None:
        raise click.ClickException(f"no product {sku!r}")
    for day, total in scans_by_day(product_codes(target.product)).items():
        click.echo(f"{day.isoformat()}  {total}")
