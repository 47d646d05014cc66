"""Place names a query may contain: provinces and communes of today (34 / 3,321), and the
provinces, districts and communes before the 2025 reform (63 / 672 / ~7,000), folded.

A place of two syllables or more typed in a query is searched as a *phrase* in the product's
place fields (province today and as given, commune), or as a phrase in its name ("Muối Cần
Giờ") — never as loose syllables, so `bánh tráng tây ninh` does not find a name that merely
contains "Ninh" (search/understanding.py, search/ranking.py).
"""

from __future__ import annotations

import importlib.util
import logging
import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path

from catalog.admin_units import all_provinces

from .analysis import fold, syllables

log = logging.getLogger(__name__)


def _dataset() -> Path | None:
    # The administrative-units package's own SQLite data, read directly: importing the package
    # costs ~2 s (it loads its parsers), reading the names ~0.1 s.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    return path if path.exists() else None


def _short_names() -> set[str]:
    names = {unit.name for unit in all_provinces()}
    path = _dataset()
    if path is None:
        return names
    queries = (
        "SELECT DISTINCT provinceShort, wardShort FROM admin_units",
        "SELECT DISTINCT provinceShort, districtShort, wardShort FROM admin_units_legacy",
    )
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            for sql in queries:
                for row in connection.execute(sql):
                    names.update(value for value in row if isinstance(value, str))
    except sqlite3.Error:  # a data problem must not break search: provinces still work
        log.warning("place names from %s unavailable", path, exc_info=True)
    return names


@cache
def place_phrases() -> frozenset[tuple[str, ...]]:
    """Folded syllables of every place name of two syllables or more (no numbered wards)."""
    phrases = set()
    for name in _short_names():
        words = tuple(fold(word) for word in syllables(name))
        if len(words) >= 2 and all(word.isalpha() for word in words):
            phrases.add(words)
    return frozenset(phrases)


def is_place(words: list[str] | tuple[str, ...]) -> bool:
    """Whether these query syllables (any marks) spell a place name."""
    return len(words) >= 2 and tuple(fold(word) for word in words) in place_phrases()
