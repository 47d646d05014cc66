"""Vietnamese full-text search over the catalog (Whoosh); the index is a rebuildable cache."""
