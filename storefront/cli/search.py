"""`flask search reindex [--if-needed]`, `refresh-pending`, `catch-up` and `status`."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from search.index_follow import catch_up, index_lag
from search.indexer import count_products, drain_pending, has_pending, index_state, rebuild_index

group = AppGroup("search", help="The search index.")


@group.command("reindex")
@click.option(
    "--if-needed", is_flag=True, help="Only when the index is missing, empty, outdated or corrupt."
)
def reindex_command(if_needed: bool) -> None:
    """Rebuild the search index from the database (atomic swap; searches keep working)."""
    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    if if_needed:
        state = index_state(index_dir)  # never raises: a damaged index is "corrupt"
        if state.value == "ok":
            click.echo(f"search index is up to date ({index_dir})")
            return
        click.echo(f"search index is {state.value}: rebuilding")
    with click.progressbar(length=count_products(), label="Indexing", file=sys.stderr) as bar:
        count = rebuild_index(index_dir, progress=bar.update)
    click.echo(f"indexed {count} products into {index_dir}")


@group.command("refresh-pending")
def refresh_pending_command() -> None:
    """Write product changes that were queued while the index was locked."""
    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    if not has_pending(index_dir):
        click.echo("nothing pending")
        return
    if not drain_pending(index_dir, timeout=30.0):
        raise click.ClickException("the index stayed locked (or is missing); try again")
    click.echo("pending changes written")


@group.command("catch-up")
def catch_up_command() -> None:
    """Apply catalog changes made on any server since the index was written (what each web
    process does every SEARCH_FOLLOW_SECONDS)."""
    result = catch_up(current_app.config["SEARCH_INDEX_DIR"], lock_timeout=30.0)
    if result.action == "locked":
        raise click.ClickException("the index stayed locked; try again")
    click.echo(f"search index {result.action} ({result.products} products)")


@group.command("status")
def status_command() -> None:
    """The index's state and how far it is behind the database."""
    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    state = index_state(index_dir)
    lag = index_lag(index_dir) if state.value == "ok" else None
    click.echo(f"state: {state.value}")
    click.echo(f"lag: {'-' if lag is None else f'{lag:.1f} s'}")
    click.echo(f"pending: {'yes' if has_pending(index_dir) else 'no'}")
