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


# A district name shared by more pre-2025 provinces than this (`Châu Thành`: ten) says nothing
# about where the shopper means.
MAX_DISTRICT_PROVINCES = 2


@cache
def _legacy_districts() -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    """(pre-2025 province, district) short names, and each pre-2025 province's province today."""
    path = _dataset()
    if path is None:
        return (), {}
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            districts = connection.execute(
                "SELECT DISTINCT provinceShort, districtShort FROM admin_units_legacy"
            ).fetchall()
            # No old → new province table in the data set, but communes mostly kept their
            # names through the reform: each old province goes to the new one holding most of
            # its commune names (right for all 63, tests/search/test_places_and_kinds.py).
            pairs = connection.execute(
                "SELECT l.provinceShort, n.provinceShort, COUNT(*) FROM admin_units_legacy l "
                "JOIN admin_units n ON l.wardShort = n.wardShort GROUP BY 1, 2"
            ).fetchall()
    except sqlite3.Error:  # a data problem must not break search
        log.warning("district names from %s unavailable", path, exc_info=True)
        return (), {}
    best: dict[str, tuple[int, str]] = {}
    for old, new, count in pairs:
        if count > best.get(old, (0, ""))[0]:
            best[old] = (count, new)
    named = tuple((old, district) for old, district in districts if isinstance(district, str))
    return named, {old: new for old, (_, new) in best.items()}


def province_today_of() -> dict[str, str]:
    """Short name of each pre-2025 province → the province it is part of today."""
    return dict(_legacy_districts()[1])


@cache
def district_regions() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Folded name of a pre-2025 district (`cau ke`) → the folded names of the province it lay
    in before the 2025 reform and the one it lies in today (`tra vinh`, `vinh long`).

    Products know their province, rarely their district: a shopper who typed a district also
    takes the rest of its province, below what names the district (the related tier).
    """
    districts, today_of = _legacy_districts()
    provinces = {_folded(unit.name) for unit in all_provinces()} | {_folded(p) for p in today_of}
    found: dict[tuple[str, ...], set[str]] = {}
    for old, district in districts:
        found.setdefault(_folded(district), set()).add(old)
    regions = {}
    for name, olds in found.items():
        if (
            len(olds) > MAX_DISTRICT_PROVINCES
            or name in provinces
            or not all(word.isalpha() for word in name)
        ):
            continue  # ambiguous, a province itself ("Lào Cai" city), or a numbered district
        names = {_folded(old) for old in olds} | {
            _folded(today_of[old]) for old in olds if old in today_of
        }
        regions[name] = tuple(sorted(names))
    return regions


def _folded(name: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in syllables(name))


def is_place(words: list[str] | tuple[str, ...]) -> bool:
    """Whether these query syllables (any marks) spell a place name."""
    return len(words) >= 2 and tuple(fold(word) for word in words) in place_phrases()
