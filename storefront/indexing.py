"""Keep derived stores (the search index) in step with the database, after each commit.

Whoever changes products (importer CLI, producer views, admin) calls `after_products_changed`
explicitly once the transaction has committed; nothing is hidden in ORM hooks.
"""

from __future__ import annotations

from collections.abc import Iterable


def after_products_changed(product_ids: Iterable[int]) -> None:
    """Tell derived stores that these products changed (committed)."""
    # The search index subscribes here (search issue); until then nothing derives from products.
    return None
