"""search/data/kind_lexicon.tsv and search/data/variants.tsv: every entry parses and is well-formed."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pytest

from core.text import fold
from search.lexicon import (
    TERM_SEPARATOR,
    VARIANT_TYPES,
    KindEntry,
    LexiconError,
    VariantGroup,
    kind_lexicon,
    parse_kind_lexicon,
    parse_variants,
    variant_groups,
)

from .suite import catalog_csv

KIND_HEADER = "kind\tenglish\tvietnamese"
VARIANT_HEADER = "type\tforms\tnote"


def _well_formed(term: str) -> bool:
    return (
        bool(term)
        and term == term.strip()
        and "  " not in term
        and unicodedata.normalize("NFC", term) == term
        and TERM_SEPARATOR.strip() not in term
    )


@pytest.mark.parametrize("entry", kind_lexicon(), ids=lambda entry: entry.kind)
def test_kind_entry_is_well_formed(entry: KindEntry):
    assert entry.english and entry.vietnamese, "both sides non-empty"
    for term in (*entry.english, *entry.vietnamese):
        assert _well_formed(term), term
        assert term == term.lower(), term
    assert len(set(entry.english)) == len(entry.english)
    assert len(set(entry.vietnamese)) == len(entry.vietnamese)
    assert all(term.isascii() for term in entry.english), "English terms are plain ASCII"


@pytest.mark.parametrize(
    "group", variant_groups(), ids=lambda group: f"{group.type}:{group.forms[0]}"
)
def test_variant_group_is_well_formed(group: VariantGroup):
    assert group.type in VARIANT_TYPES
    assert len(group.forms) >= 2
    assert all(_well_formed(form) for form in group.forms), group.forms
    assert len({form.casefold() for form in group.forms}) == len(group.forms)
    if group.type != "place":
        assert all(form == form.lower() for form in group.forms)


def test_no_kind_or_term_is_listed_twice():
    entries = kind_lexicon()
    kinds = [entry.kind for entry in entries]
    assert len(kinds) == len(set(kinds))
    for side in ("english", "vietnamese"):
        terms = [term for entry in entries for term in getattr(entry, side)]
        assert len(terms) == len(set(terms)), side


def test_no_variant_group_is_listed_twice():
    keys = [frozenset(f.casefold() for f in group.forms) for group in variant_groups()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("coffee", "cà phê"),
        ("honey", "mật ong"),
        ("fish sauce", "nước mắm"),
        ("tea", "trà"),
        ("tea", "chè"),
        ("candy", "kẹo"),
        ("rice paper", "bánh tráng"),
        ("pepper", "hồ tiêu"),
        ("cashew", "hạt điều"),
        ("coconut candy", "kẹo dừa"),
        ("sesame oil", "dầu mè"),
        ("black garlic", "tỏi đen"),
    ],
)
def test_the_lexicon_pairs_common_kinds(english, vietnamese):
    assert any(
        english in entry.english and vietnamese in entry.vietnamese for entry in kind_lexicon()
    )


@pytest.mark.parametrize(
    "forms",
    [
        {"vừng", "mè"},
        {"ngô", "bắp"},
        {"lợn", "heo"},
        {"dứa", "thơm", "khóm"},
        {"chè", "trà"},
        {"kỹ", "kĩ"},
        {"lý", "lí"},
        {"bánh đa nem", "bánh tráng"},
        {"thìa", "muỗng"},
        {"cà phê", "cafe"},
    ],
)
def test_the_variant_table_holds_the_classic_pairs(forms):
    assert any(forms <= set(group.forms) for group in variant_groups())


def _names(catalog: str) -> list[str]:
    return [row["name"] for row in csv.DictReader(io.StringIO(catalog_csv(catalog)))]


def _folded_words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


@pytest.mark.parametrize("catalog", ["demo", "real"])
def test_every_product_of_both_catalogs_names_a_kind_of_the_lexicon(catalog):
    terms = {
        _folded_words(term)
        for entry in kind_lexicon()
        for term in (*entry.vietnamese, *entry.english)
    }
    uncovered = [
        name for name in _names(catalog) if not any(t in _folded_words(name) for t in terms)
    ]
    assert not uncovered


# --- the parsers reject malformed tables ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("honey\thoney\tmật ong\nhoney\thoneys\tmật", "defined twice"),
        ("honey\thoney\tmật ong\nbee\tbee\tmật ong", "already names kind"),
        ("honey\thoney\t", "malformed term"),
        ("honey\t\tmật ong", "malformed term"),
        ("honey\thoney\tma\u0323\u0302t ong", "not NFC"),
        ("honey\tHoney\tmật ong", "lower case"),
        ("honey\thoney | honey\tmật ong", "repeated"),
        ("honey\thoney|bee\tmật ong", "malformed term"),
        ("honey\thoney", "columns"),
        ("Honey Kind\thoney\tmật ong", "kind id"),
    ],
)
def test_the_lexicon_parser_rejects(body, reason):
    with pytest.raises(LexiconError, match=reason):
        parse_kind_lexicon(f"# comment\n{KIND_HEADER}\n{body}\n")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("regional\tvừng | mè\t\nregional\tmè | vừng\t", "same group"),
        ("dialect\tvừng | mè\t", "type must be"),
        ("regional\tvừng\t", "two forms"),
        ("regional\tVừng | mè\t", "lower case"),
        ("regional\tvừng |  mè\t", "malformed term"),
    ],
)
def test_the_variant_parser_rejects(body, reason):
    with pytest.raises(LexiconError, match=reason):
        parse_variants(f"{VARIANT_HEADER}\n{body}\n")


def test_a_table_without_header_is_rejected():
    with pytest.raises(LexiconError, match="header"):
        parse_variants("regional\tvừng | mè\t\n")
