"""The word tables at query time (issue 10, patterns 3 and 4): every kind of the bilingual lexicon
and every variant group is read from search/data/ when a query is understood, so a shopper's
word finds the product that says it another way — a test per entry, then end to end."""

from __future__ import annotations

import pytest

from search.analysis import fold, syllables
from search.indexer import rebuild_index
from search.lexicon import kind_lexicon, variant_groups
from search.understanding import KIND, understand


def _forms(terms) -> set[tuple[str, ...]]:
    return {tuple(syllables(term.lower())) for term in terms}


def _covered(concept, forms: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The forms the concept does not search: neither an alternative nor the typed letters
    (a form with the same letters, `gấc` for `gac`, is found by the typed word's folded form)."""
    typed = fold(" ".join(concept.words))
    return {f for f in forms if f not in concept.alternatives and fold(" ".join(f)) != typed}


def _single(text: str):
    concepts = understand(syllables(text))
    assert len(concepts) == 1, (text, concepts)
    return concepts[0]


@pytest.mark.parametrize("entry", kind_lexicon(), ids=lambda e: e.kind)
def test_each_kind_is_known_in_both_languages(entry):
    for term in entry.vietnamese:
        concept = _single(term)
        assert concept.role == KIND
        # Typed with its marks, a Vietnamese kind is also searched by its English names.
        assert not _covered(concept, _forms(entry.english)), term
    for term in entry.english:
        concept = _single(term)
        assert concept.role == KIND
        if term.isascii() and not _ambiguous(term):
            assert not _covered(concept, _forms(entry.vietnamese)), term


@pytest.mark.parametrize("group", variant_groups(), ids=lambda g: f"line{g.line}")
def test_each_variant_group_finds_its_other_forms(group):
    for form in group.forms:
        if _ambiguous(form):
            continue
        concept = _single(form)
        others = _forms(f for f in group.forms if f.lower() != form.lower())
        assert not _covered(concept, others), form


def _ambiguous(term: str) -> bool:
    """An unmarked term that spells several marked words (`dua`) keeps only its folded form."""
    concept = understand(syllables(term.lower()))
    return len(concept) == 1 and not concept[0].alternatives and term.isascii()


CATALOG = [
    ("Khe Sanh Coffee", ""),
    ("Cà phê Robusta rang xay", "Roasted robusta coffee"),
    ("Dầu mè đen nguyên chất", ""),
    ("Khóm Cầu Đúc", ""),
    ("Trà Shan tuyết cổ thụ", ""),
    ("Chè xanh Tân Cương", ""),
    ("Bánh tráng phơi sương", ""),
    ("Mật ong hoa nhãn", ""),
    ("Thủ công mỹ nghệ mây tre", ""),
    ("Chả lụa Vĩnh Hòa", ""),
    ("Dầu đậu phộng", ""),
    ("Dầu phụng nguyên chất", ""),
]


@pytest.fixture
def catalog(make_product, index_dir) -> str:
    for name, name_en in CATALOG:
        make_product(name=name, name_en=name_en or name, story="", story_en="")
    rebuild_index(index_dir)
    return index_dir


def _names(page) -> list[str]:
    return [product.name for product in page.items[: page.total]]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("cà phê", {"Khe Sanh Coffee", "Cà phê Robusta rang xay"}),  # an English brand name
        ("coffee", {"Khe Sanh Coffee", "Cà phê Robusta rang xay"}),
        ("dầu vừng", {"Dầu mè đen nguyên chất"}),  # north | south
        ("sesame oil", {"Dầu mè đen nguyên chất"}),  # English → Vietnamese, no name_en
        ("dứa", {"Khóm Cầu Đúc"}),  # dứa | thơm | khóm
        ("pineapple", {"Khóm Cầu Đúc"}),
        ("trà xanh", {"Chè xanh Tân Cương"}),  # trà | chè
        ("green tea", {"Chè xanh Tân Cương"}),
        ("bánh đa nem", {"Bánh tráng phơi sương"}),
        ("rice paper", {"Bánh tráng phơi sương"}),
        ("honey", {"Mật ong hoa nhãn"}),
        ("mĩ nghệ", {"Thủ công mỹ nghệ mây tre"}),  # i/y spelling
        ("giò lụa", {"Chả lụa Vĩnh Hòa"}),
    ],
)
def test_a_word_finds_the_product_that_says_it_another_way(catalog, search, query, found):
    page = search(query)
    assert found <= set(_names(page)), _names(page)


def test_a_glued_word_the_catalog_knows_is_read_as_its_syllables(catalog, search):
    # "dauphung" is a glued bigram of "Dầu phụng …"; read as "dau phung" it also reaches the
    # other spelling of peanut oil through the variant table.
    page = search("dauphung")
    names = [product.name for product in page.items]
    assert names[0] == "Dầu phụng nguyên chất"
    assert "Dầu đậu phộng" in names


def test_a_later_kind_qualifies_the_first():
    concepts = understand(syllables("nước mắm cá cơm"))
    assert [c.role for c in concepts] == [KIND, "word"]
