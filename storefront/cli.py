"""Command-line tools registered on the app: `flask catalog …`, `flask search …`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from catalog.importer import count_data_rows, import_catalog
from catalog.models import Product
from core.db import db

from .indexing import after_products_changed

DEMO_CATALOG = Path(__file__).resolve().parent.parent / "catalog" / "demo" / "ocop-demo.csv"

catalog_cli = AppGroup("catalog", help="Catalog import and demo data.")


def _run_import(text: str, dry_run: bool) -> bool:
    total = count_data_rows(text)
    with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
        report = import_catalog(text, dry_run=dry_run, progress=bar.update)
    for error in report.errors:
        click.echo(f"line {error.line}: {error.sku or '-'}: {error.reason}", err=True)
    prefix = "dry run: would have " if dry_run else ""
    click.echo(
        f"{prefix}created {report.created}, updated {report.updated}, "
        f"unchanged {report.unchanged}, rejected {len(report.errors)}"
    )
    if report.changed_product_ids:
        after_products_changed(report.changed_product_ids)
    return report.ok


@catalog_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report without saving anything.")
def import_command(csv_file: Path, dry_run: bool) -> None:
    """Import (upsert by SKU) a catalog CSV; see docs/import-format.md."""
    text = csv_file.read_text(encoding="utf-8")
    if not _run_import(text, dry_run):
        raise SystemExit(1)


@catalog_cli.command("load-demo")
@click.option("--force", is_flag=True, help="Import even if the catalog is not empty.")
def load_demo_command(force: bool) -> None:
    """Load the demo catalog shipped with the app, if the database has no products yet."""
    has_products = db.session.scalar(select(func.count(Product.id))) or 0
    if has_products and not force:
        click.echo(f"catalog has {has_products} products; demo not loaded (use --force)")
        return
    _run_import(DEMO_CATALOG.read_text(encoding="utf-8"), dry_run=False)


accounts_cli = AppGroup("accounts", help="User accounts.")


@accounts_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="At least 10 characters (asked for when not given).")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create (or promote) an OCOP program staff account that verifies certificates."""
    from accounts.service import create_admin

    try:
        user = create_admin(email, name, password)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="password") from None
    db.session.commit()
    click.echo(f"admin account ready: {user.email}")


search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
@click.option(
    "--if-needed", is_flag=True, help="Only when the index is missing, empty, outdated or corrupt."
)
def reindex_command(if_needed: bool) -> None:
    """Rebuild the search index from the database (atomic swap; searches keep working)."""
    from search.indexer import count_products, index_state, rebuild_index

    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    if if_needed:
        state = index_state(index_dir)
        if state.value == "ok":
            click.echo(f"search index is up to date ({index_dir})")
            return
        click.echo(f"search index is {state.value}: rebuilding")
    with click.progressbar(length=count_products(), label="Indexing", file=sys.stderr) as bar:
        count = rebuild_index(index_dir, progress=bar.update)
    click.echo(f"indexed {count} products into {index_dir}")


@search_cli.command("refresh-pending")
def refresh_pending_command() -> None:
    """Write product changes that were queued while the index was locked."""
    from search.indexer import drain_pending, has_pending

    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    if not has_pending(index_dir):
        click.echo("nothing pending")
        return
    if not drain_pending(index_dir, timeout=30.0):
        raise click.ClickException("the index stayed locked (or is missing); try again")
    click.echo("pending changes written")


def register_cli(app: Flask) -> None:
    from .orders_cli import register_orders_cli
    from .portal_cli import register_portal_cli

    app.cli.add_command(catalog_cli)
    app.cli.add_command(accounts_cli)
    register_orders_cli(app)
    register_portal_cli(app)
    app.cli.add_command(search_cli)
