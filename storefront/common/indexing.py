"""Keep derived stores (the search index) in step with the database, after each commit.

Whoever changes products (importer CLI, producer views, admin) calls `after_products_changed`
explicitly once the transaction has committed; nothing is hidden in ORM hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app

from search.indexer import refresh_products

from .search_service import product_search

log = logging.getLogger(__name__)


def after_products_changed(product_ids: Iterable[int]) -> None:
    """Tell derived stores that these products changed (committed).

    Never raises to the caller: when another process holds the index lock the ids are kept
    as pending and written by the next writer (see `search.indexer`).
    """
    ids = list(product_ids)
    if not ids:
        return
    product_search().invalidate()
    try:
        refresh_products(
            current_app.config["SEARCH_INDEX_DIR"],
            ids,
            timeout=float(current_app.config.get("SEARCH_WRITE_TIMEOUT", 5.0)),
        )
    except Exception:  # the index is a cache: a failure here must not undo a committed change
        log.exception("could not refresh %d product(s) in the search index", len(ids))
