"""Query-time word tables: the bilingual kind lexicon and the spelling/regional variant table.

Both are data files beside this module (`search/data/kind_lexicon.tsv`, `search/data/variants.tsv`),
read at run time so that extending them needs no reindex. This module only loads and validates
them; it does not change ranking (wiring them into the query is issue 10's ranking work).

File format (both): UTF-8 TSV, `#` comment lines, a header row, several terms in one cell
separated by " | ". Every term is NFC with single spaces and no surrounding blanks.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
KIND_LEXICON_PATH = DATA_DIR / "kind_lexicon.tsv"
VARIANTS_PATH = DATA_DIR / "variants.tsv"
TERM_SEPARATOR = " | "
VARIANT_TYPES = ("spelling", "regional", "loanword", "place")


class LexiconError(ValueError):
    """A line of a word table is malformed (the message names file and line)."""


@dataclass(frozen=True)
class KindEntry:
    """One product kind and its names: `coffee` → ("coffee",) ↔ ("cà phê",)."""

    kind: str
    english: tuple[str, ...]
    vietnamese: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class VariantGroup:
    """Forms that name the same thing (`vừng` | `mè`), the most common first."""

    type: str
    forms: tuple[str, ...]
    note: str
    line: int


def _rows(text: str, header: list[str], source: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of the data rows; checks the header and the column count."""
    rows: list[tuple[int, list[str]]] = []
    seen_header = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not seen_header:
            if cells != header:
                raise LexiconError(f"{source}:{number}: header must be {header}, got {cells}")
            seen_header = True
            continue
        if len(cells) != len(header):
            raise LexiconError(f"{source}:{number}: {len(cells)} columns, want {len(header)}")
        rows.append((number, cells))
    if not seen_header:
        raise LexiconError(f"{source}: no header row")
    return rows


def _terms(cell: str, where: str, *, lower: bool) -> tuple[str, ...]:
    terms = tuple(cell.split(TERM_SEPARATOR))
    for term in terms:
        if not term or term != term.strip() or "  " in term or "|" in term or "\t" in term:
            raise LexiconError(f"{where}: malformed term {term!r} in {cell!r}")
        if unicodedata.normalize("NFC", term) != term:
            raise LexiconError(f"{where}: {term!r} is not NFC")
        if lower and term != term.lower():
            raise LexiconError(f"{where}: {term!r} must be lower case")
    folded = [term.casefold() for term in terms]
    if len(set(folded)) != len(folded):
        raise LexiconError(f"{where}: a term is repeated in {cell!r}")
    return terms


def parse_kind_lexicon(text: str, source: str = "kind_lexicon.tsv") -> list[KindEntry]:
    """Parse and validate the lexicon: unique kind ids, and a term names one kind only."""
    entries: list[KindEntry] = []
    owner: dict[tuple[str, str], str] = {}
    for number, (kind, english, vietnamese) in _rows(
        text, ["kind", "english", "vietnamese"], source
    ):
        where = f"{source}:{number}"
        if not kind or not kind.replace("_", "").isalnum() or not kind.isascii():
            raise LexiconError(f"{where}: kind id must be ascii letters, digits and _: {kind!r}")
        if kind.lower() != kind:
            raise LexiconError(f"{where}: kind id must be lower case: {kind!r}")
        entry = KindEntry(
            kind=kind,
            english=_terms(english, where, lower=True),
            vietnamese=_terms(vietnamese, where, lower=True),
            line=number,
        )
        if any(e.kind == kind for e in entries):
            raise LexiconError(f"{where}: kind {kind!r} defined twice")
        for language, terms in (("en", entry.english), ("vi", entry.vietnamese)):
            for term in terms:
                other = owner.setdefault((language, term), kind)
                if other != kind:
                    raise LexiconError(f"{where}: {term!r} already names kind {other!r}")
        entries.append(entry)
    return entries


def parse_variants(text: str, source: str = "variants.tsv") -> list[VariantGroup]:
    """Parse and validate the variant table: known types, two forms or more, no repeated group."""
    groups: list[VariantGroup] = []
    seen: dict[frozenset[str], int] = {}
    for number, (kind, forms, note) in _rows(text, ["type", "forms", "note"], source):
        where = f"{source}:{number}"
        if kind not in VARIANT_TYPES:
            raise LexiconError(f"{where}: type must be one of {VARIANT_TYPES}, got {kind!r}")
        group = VariantGroup(
            type=kind,
            forms=_terms(forms, where, lower=kind != "place"),
            note=note.strip(),
            line=number,
        )
        if len(group.forms) < 2:
            raise LexiconError(f"{where}: a variant group needs two forms or more")
        key = frozenset(form.casefold() for form in group.forms)
        if key in seen:
            raise LexiconError(f"{where}: same group as line {seen[key]}")
        seen[key] = number
        groups.append(group)
    return groups


@cache
def kind_lexicon() -> tuple[KindEntry, ...]:
    """The bilingual kind lexicon (search/data/kind_lexicon.tsv), parsed once per process."""
    return tuple(parse_kind_lexicon(KIND_LEXICON_PATH.read_text(encoding="utf-8")))


@cache
def variant_groups() -> tuple[VariantGroup, ...]:
    """The variant table (search/data/variants.tsv), parsed once per process."""
    return tuple(parse_variants(VARIANTS_PATH.read_text(encoding="utf-8")))
