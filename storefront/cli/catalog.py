"""`flask catalog import FILE.csv` and `flask catalog load-demo`."""

from __future__ import annotations

import sys
from pathlib import Path

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


def _run_import(text: str, dry_run: bool) -> bool:
    total = count_data_rows(text)
    with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
        report = import_catalog(
            text, actor_id=None, now=clock.utcnow(), dry_run=dry_run, progress=bar.update
        )
    with force_locale(COMMAND_LINE_LOCALE):
        for error in report.errors:
            reason = import_problem_message(error)
            click.echo(f"line {error.line}: {error.sku or '-'}: {reason}", err=True)
    prefix = "dry run: would have " if dry_run else ""
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
def import_command(csv_file: Path, dry_run: bool) -> None:
    """Import (upsert by SKU) a catalog CSV; see docs/import-format.md."""
    text = csv_file.read_text(encoding="utf-8")
    if not _run_import(text, dry_run):
        raise SystemExit(1)


@group.command("load-demo")
@click.option("--force", is_flag=True, help="Import even if the catalog is not empty.")
def load_demo_command(force: bool) -> None:
    """Load the demo catalog shipped with the app, if the database has no products yet."""
    has_products = count_all_products()
    if has_products and not force:
        click.echo(f"catalog has {has_products} products; demo not loaded (use --force)")
        return
    _run_import(DEMO_CATALOG.read_text(encoding="utf-8"), dry_run=False)
