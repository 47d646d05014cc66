"""`flask catalog import FILE.csv` and `flask catalog load-demo`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from catalog.importer import count_data_rows, import_catalog
from catalog.products.queries import count_all_products
from core import clock

from ..common.indexing import after_products_changed
from ..errors import import_problem_message
from ..i18n import COMMAND_LINE_LOCALE

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "demo" / "ocop-demo.csv"

group = AppGroup("catalog", help="Catalog import and demo data.")


def _run_import(source: str | BinaryIO, total: int, *, dry_run: bool, skip_bad: bool) -> bool:
    with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
        report = import_catalog(
            source,
            actor_id=None,
            now=clock.utcnow(),
            dry_run=dry_run,
            skip_bad=skip_bad,
            progress=bar.update,
        )
    with force_locale(COMMAND_LINE_LOCALE):
        for error in report.errors:
            reason = import_problem_message(error)
            click.echo(f"line {error.line}: {error.sku or '-'}: {reason}", err=True)
    prefix = "dry run: would have " if dry_run else ""
    if report.errors and not report.saved and not dry_run:
        click.echo(
            f"nothing imported: {len(report.errors)} problem(s), {report.valid_rows} valid "
            "row(s) not saved; fix the file, or use --skip-bad to import the valid rows"
        )
        return False
    click.echo(
        f"{prefix}created {report.created}, updated {report.updated}, "
        f"unchanged {report.unchanged}, rejected {len(report.errors)}"
    )
    if report.changed_product_ids:
        after_products_changed(report.changed_product_ids)
    return report.ok


@group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report without saving anything.")
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the valid rows and report the others (default: the whole file or nothing).",
)
def import_command(csv_file: Path, dry_run: bool, skip_bad: bool) -> None:
    """Import (upsert by SKU) a catalog CSV in UTF-8, UTF-16 or Windows-1258; see
    docs/import-format.md. Exits 1 when any row was rejected."""
    with csv_file.open("rb") as stream:
        total = count_data_rows(stream)
    with csv_file.open("rb") as stream:
        ok = _run_import(stream, total, dry_run=dry_run, skip_bad=skip_bad)
    if not ok:
        raise SystemExit(1)


@group.command("load-demo")
@click.option("--force", is_flag=True, help="Import even if the catalog is not empty.")
def load_demo_command(force: bool) -> None:
    """Load the demo catalog shipped with the app, if the database has no products yet."""
    has_products = count_all_products()
    if has_products and not force:
        click.echo(f"catalog has {has_products} products; demo not loaded (use --force)")
        return
    text = DEMO_CATALOG.read_text(encoding="utf-8")
    _run_import(text, count_data_rows(text), dry_run=False, skip_bad=False)
