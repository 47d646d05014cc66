"""Reading what was meant (issue 10, pattern 2): Telex/VNI residue typed with the input method
off, and run-together syllables of any length, decided against the catalog's own vocabulary."""

from __future__ import annotations

import pytest

from search.indexer import open_index, rebuild_index
from search.input_methods import decode
from search.segmentation import Vocabulary, segment


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("nuowcs", "nước"),  # Telex: ow → ơ, u before it → ư, s → sắc
        ("nuwowcs", "nước"),
        ("mawms", "mắm"),  # aw → ă
        ("ddaauj", "đậu"),  # dd → đ, aa → â, j → nặng
        ("hajt", "hạt"),  # tone key typed before the final consonant
        ("khoo", "khô"),
        ("toir", "tỏi"),
        ("saof", "sào"),
        ("nu7o71c", "nước"),  # VNI: 7 horn, 1 sắc
        ("ma8m1", "mắm"),  # 8 breve
        ("ma65t", "mật"),  # 6 circumflex, 5 nặng
        ("du7a2", "dừa"),
        ("d9en", "đen"),  # 9 đ
        ("phe6", "phê"),
    ],
)
def test_telex_and_vni_residue_decodes_to_the_syllable(typed, meant):
    assert decode(typed) == meant


@pytest.mark.parametrize("plain", ["sen", "xoai", "rau", "tra", "dua", "muoi"])
def test_plain_syllables_are_not_decoded(plain):
    # s/x/r as initials are not tone keys; nothing to decode in a plain word.
    assert decode(plain) is None


NAMES = [
    ("Kẹo dừa lá dứa", "Pandan coconut candy"),
    ("Đông trùng hạ thảo sấy khô", "Dried cordyceps"),
    ("Hạt điều rang muối", "Salted roasted cashews"),
    ("Nước mắm cá cơm", "Anchovy fish sauce"),
    ("Bánh đậu xanh", "Mung bean cake"),
    ("Cà phê phin giấy", "Drip bag coffee"),
    ("Mật ong hoa cà phê", "Coffee blossom honey"),
]


@pytest.fixture
def catalog(make_product, index_dir) -> str:
    for name, name_en in NAMES:
        make_product(name=name, name_en=name_en, story="", story_en="")
    rebuild_index(index_dir)
    return index_dir


def _names(page) -> list[str]:
    return [product.name_en for product in page.items]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("keodualadua", "Pandan coconut candy"),  # four syllables glued
        ("dongtrunghathao", "Dried cordyceps"),  # trung|ha|thao, not trung|hat|hao
        ("banhdauxanh", "Mung bean cake"),
        ("caphephingiay", "Drip bag coffee"),
        ("hatdieu rang", "Salted roasted cashews"),  # glued and spaced in one query
        ("nuowcs mawms", "Anchovy fish sauce"),  # Telex
        ("nu7o71c ma8m1", "Anchovy fish sauce"),  # VNI
        ("ma65t ong", "Coffee blossom honey"),
        ("keo5 du7a2", "Pandan coconut candy"),
        ("nuowcsmawms", "Anchovy fish sauce"),  # Telex and glued at once
    ],
)
def test_run_together_and_input_method_residue_find_the_product(catalog, search, typed, first):
    page = search(typed)
    assert page.total >= 1
    assert _names(page)[0] == first


def test_what_was_read_is_shown_in_the_catalog_spelling(catalog, search):
    page = search("nuowcs mawms")
    assert page.suggestion == "nước mắm"
    assert page.corrected


def test_segmentation_uses_only_the_catalog_vocabulary(catalog):
    with open_index(catalog).searcher() as searcher:
        vocabulary = Vocabulary(searcher.reader())
        assert segment("keodualadua", vocabulary) == ["keo", "dua", "la", "dua"]
        assert segment("dongtrunghathao", vocabulary) == ["dong", "trung", "ha", "thao"]
        assert segment("xyzqwv", vocabulary) is None  # nothing the catalog knows
        assert segment("keo", vocabulary) is None  # one syllable is no segmentation
