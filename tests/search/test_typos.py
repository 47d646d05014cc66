"""Typos in both languages (issue 10, pattern 2): Vietnamese folded syllables and English words,
corrected against the catalog's vocabulary and the word tables, with the number of edits allowed
scaled to the word's length (a transposition is one edit)."""

from __future__ import annotations

import pytest

from search.indexer import rebuild_index
from search.spelling import distance, max_distance

# Like the real catalog: Vietnamese names only, no English name or story.
NAMES = [
    "Tỏi Lý Sơn",
    "Mật ong rừng",
    "Nước khoáng Kênh Gà",
    "Cà phê hạt rang",
    "Hạt tiêu đen",
    "Thịt bò khô",
]


@pytest.fixture
def catalog(make_product, index_dir) -> str:
    for name in NAMES:
        make_product(name=name, name_en="", story="", story_en="")
    rebuild_index(index_dir)
    return index_dir


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("galric", "Tỏi Lý Sơn"),  # English, transposed; "garlic" is only in the word tables
        ("hony", "Mật ong rừng"),  # English, a letter missing
        ("coffe", "Cà phê hạt rang"),
        ("peper", "Hạt tiêu đen"),
        ("mat ont", "Mật ong rừng"),  # Vietnamese, folded
        ("nuoc khaong", "Nước khoáng Kênh Gà"),  # transposition
        ("hat teiu", "Hạt tiêu đen"),
        ("thir bo kho", "Thịt bò khô"),  # reads as Telex "thỉ", finds nothing: a typo of thịt
    ],
)
def test_a_typo_in_either_language_finds_the_product(catalog, search, typed, found):
    page = search(typed)
    assert page.items and page.items[0].name == found


@pytest.mark.parametrize(
    ("word", "edits"),
    [("ca", 0), ("ont", 1), ("hony", 1), ("khaong", 2), ("caphephingiay", 3)],
)
def test_edits_allowed_grow_with_the_word(word, edits):
    assert max_distance(word) == edits


def test_a_transposition_is_one_edit():
    assert distance("galric", "garlic", 2) == 1
    assert distance("teiu", "tieu", 1) == 1
    assert distance("abc", "xyz", 1) == 2  # capped at limit + 1


def test_gibberish_stays_unanswered(catalog, search):
    page = search("qzx")
    assert page.total == 0 and page.items == []


# --- a real word mistyped into another real word ----------------------------------------------

REAL_WORD_NAMES = ["Yến sào Khánh Hòa", "Rượu sim rừng", "Nước khoáng Kênh Gà", "Mắm ruốc xào"]


@pytest.fixture
def real_words(make_product, index_dir) -> str:
    for name in REAL_WORD_NAMES:
        make_product(name=name, name_en="", story="", story_en="")
    rebuild_index(index_dir)
    return index_dir


@pytest.mark.parametrize(
    ("typed", "found", "shown"),
    [
        ("yen xao", "Yến sào Khánh Hòa", "yến sào"),  # xào is a word; "yến xào" is nothing
        ("ruou sin", "Rượu sim rừng", "rượu sim"),  # sin is a word (in English, too)
        ("nuoc khong", "Nước khoáng Kênh Gà", "nước khoáng"),  # không: a word, one letter off
    ],
)
def test_a_real_word_that_fits_no_neighbour_is_corrected_to_one_that_does(
    real_words, search, typed, found, shown
):
    page = search(typed)
    assert page.items and page.items[0].name == found
    assert page.corrected and page.suggestion == shown


def test_real_words_that_belong_together_are_left_alone(real_words, search):
    # "mắm ruốc" is glued in the catalog: found as typed, no correction.
    page = search("mam ruoc")
    assert [product.name for product in page.items] == ["Mắm ruốc xào"]
    assert not page.corrected
    # A place name the catalog has no product from is not "corrected" into one it has.
    assert not search("ninh thuan").corrected


def test_in_memory_terms_within_gives_whooshs_terms(catalog):
    """The searcher's in-memory `terms_within` (search/query.py) returns exactly the terms
    Whoosh's automaton does: same Levenshtein distance, same shared prefix."""
    from search.indexer import open_index
    from search.query import _Frequencies

    with open_index(catalog).searcher() as searcher:
        reader = searcher.reader()
        mine = _Frequencies(reader)
        compared = 0
        for fieldname in ("name", "meta", "place", "name_j"):
            for term in list(reader.field_terms(fieldname)):
                for typed in {term[:-1], term + "x", term[:1] + "a" + term[2:], term[::-1]}:
                    if len(typed) < 2:
                        continue
                    for maxdist in (1, 2):
                        expected = set(reader.terms_within(fieldname, typed, maxdist, prefix=1))
                        got = mine.terms_within(fieldname, typed, maxdist, prefix=1)
                        assert set(got) == expected, (fieldname, typed, maxdist)
                        compared += 1
        assert compared > 100


# --- third round: candidates in context, misplaced spaces, readings that find nothing ---------


def _catalog_of(make_product, index_dir, names: list[str]) -> str:
    for name in names:
        make_product(name=name, name_en="", story="", story_en="")
    rebuild_index(index_dir)
    return index_dir


def test_a_candidate_glued_to_its_neighbour_beats_a_more_frequent_one(
    make_product, make_producer, index_dir, search
):
    # `sjm` is one letter from "sâm" (folded "sam", in every producer's name) and from "sim"
    # (one product, after "rượu"). Frequency alone corrected it to "rượu sâm".
    for number in range(30):
        make_product(
            name=f"Bánh quy {number}",
            name_en="",
            story="",
            story_en="",
            producer=make_producer(name=f"Công ty sâm {number}"),
        )
    make_product(name="Rượu sim rừng", name_en="", story="", story_en="")
    make_product(name="Rượu đảng sâm", name_en="", story="", story_en="")  # "rượu sâm" finds it
    rebuild_index(index_dir)
    page = search("ruou sjm")
    assert page.corrected and page.suggestion == "rượu sim"
    assert page.items[0].name == "Rượu sim rừng"


@pytest.mark.parametrize(
    ("typed", "found", "shown"),
    [
        ("ma tong", "Mật ong rừng", "mật ong"),  # the space one letter early
        ("nuo cmam", "Nước mắm Phan Thiết", "nước mắm"),
        ("keod ua", "Kẹo dừa Bến Tre", "kẹo dừa"),
    ],
)
def test_a_space_typed_in_the_wrong_place_is_moved(
    make_product, index_dir, search, typed, found, shown
):
    _catalog_of(make_product, index_dir, ["Mật ong rừng", "Nước mắm Phan Thiết", "Kẹo dừa Bến Tre"])
    page = search(typed)
    assert page.corrected and page.suggestion == shown
    assert [product.name for product in page.items] == [found]


def test_a_reading_that_finds_nothing_leaves_room_for_a_typo(make_product, index_dir, search):
    # `sochola` cuts into known syllables ("soc ho la") that find nothing; it is a typo of
    # socola (chocolate), one letter extra.
    _catalog_of(
        make_product,
        index_dir,
        ["Cà phê phin giấy socola", "Hồ tiêu đen", "Lá dứa", "Bánh pía Sóc Trăng"],
    )
    page = search("ca phe sochola")
    assert page.corrected
    assert [product.name for product in page.items][0] == "Cà phê phin giấy socola"


def test_a_correction_that_matches_nothing_in_full_still_leads_the_related_tier(
    make_product, index_dir, search
):
    # No dried durian: the related products are durian ones (the correction's kind), not any
    # dried product that only "dried" finds.
    _catalog_of(make_product, index_dir, ["Trái sầu riêng cấp đông", "Khô cá lóc", "Mực khô"])
    page = search("dried durain")
    assert page.total == 0 and not page.corrected
    assert page.suggestion == "dried durian"
    assert page.items[0].name == "Trái sầu riêng cấp đông"
