"""`flask ops smoke`: is this database a working shop? (the restore drill's last step)."""

from __future__ import annotations

import os
import tempfile

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select, text

from catalog.for_sale import select_for_sale
from catalog.models import Product
from core.clock import today_in_vietnam
from core.db import db
from orders.models import Order

group = AppGroup("ops", help="Operations: checks for deployments and restore drills.")


def _migrations_at_head() -> tuple[bool, str]:
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    migrate: Migrate = current_app.extensions["migrate"].migrate
    config = migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    return current == heads, f"database {sorted(current)}, code {sorted(heads)}"


@group.command("smoke")
def smoke_command() -> None:
    """Check the database and render the main pages against it; exit 1 on any failure."""
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        click.echo(f"{'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(what)

    at_head, versions = _migrations_at_head()
    check(at_head, f"migrations at head ({versions})")
    products = db.session.scalar(select(func.count(Product.id))) or 0
    on_sale = list(db.session.scalars(select_for_sale(today_in_vietnam()).limit(1)))
    orders = db.session.scalar(select(func.count(Order.id))) or 0
    click.echo(f"     {products} products, {orders} orders")
    check(products > 0, "the catalog has products")
    client = current_app.test_client()
    pages = ["/", "/products", "/healthz"]
    if on_sale:
        pages += [f"/products/{on_sale[0].slug}", "/search?q=" + on_sale[0].name.split()[0]]
    for path in pages:
        status = client.get(path).status_code
        check(status == 200, f"GET {path} → {status}")
    if on_sale:
        from catalog.products.listing import ProductQuery
        from search.indexer import rebuild_index
        from search.query import ProductSearch

        with tempfile.TemporaryDirectory() as folder:
            index_dir = os.path.join(folder, "index")
            count = rebuild_index(index_dir)
            found = ProductSearch(index_dir, snapshot_ttl=0).search(
                on_sale[0].name, ProductQuery(), today_in_vietnam()
            )
            ids = [product.id for product in found.items]
            check(
                on_sale[0].id in ids,
                f"search index rebuilt from the restored data ({count} products) finds "
                f"{on_sale[0].name!r}",
            )
    if failures:
        raise click.ClickException(f"{len(failures)} smoke check(s) failed")
    click.echo("smoke test passed")
