"""The Vietnamese analyzer: NFC, folding with đ, tone keys, glued bigrams."""

from __future__ import annotations

import unicodedata

import pytest

from search.analysis import (
    fold,
    folded_analyzer,
    has_marks,
    joined_analyzer,
    syllables,
    tone_key,
    tone_key_analyzer,
)


def _tokens(analyzer, text: str) -> list[str]:
    return [token.text for token in analyzer(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nước mắm Phú Quốc", "nuoc mam phu quoc"),
        ("Đặc sản ĐỒNG THÁP", "dac san dong thap"),
        ("đậu phộng", "dau phong"),
        (unicodedata.normalize("NFD", "Bưởi Năm Roi"), "buoi nam roi"),
        ("HTX Cờ Ðỏ", "htx co do"),  # typed with the eth (U+00D0), as some real names are
    ],
)
def test_fold_strips_every_mark_and_maps_d_stroke(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("uý", "úy"), ("Hoà Bình", "Hòa Bình")],
)
def test_tone_key_makes_old_and_new_tone_placement_equal(old, new):
    assert _tokens(tone_key_analyzer(), old) == _tokens(tone_key_analyzer(), new)


@pytest.mark.parametrize(
    ("a", "b"), [("dưa", "dừa"), ("dừa", "dứa"), ("cá", "cà"), ("nấm", "nam"), ("mắm", "mâm")]
)
def test_tone_key_keeps_words_that_folding_merges_apart(a, b):
    assert fold(a) == fold(b)
    assert tone_key(a) != tone_key(b)


def test_tone_key_spelling():
    assert tone_key("hòa") == "hoa2"
    assert tone_key("mắm") == "măm1"
    assert tone_key("đặc") == "đăc5"
    assert tone_key("dưa") == "dưa"


def test_decomposed_input_is_one_syllable_not_split_at_the_marks():
    nfd = unicodedata.normalize("NFD", "Đặc sản")
    assert syllables(nfd) == ["đặc", "sản"]
    assert _tokens(folded_analyzer(), nfd) == ["dac", "san"]


def test_folded_analyzer_lowercases_and_folds():
    assert _tokens(folded_analyzer(), "NƯỚC MẮM Phú-Quốc") == ["nuoc", "mam", "phu", "quoc"]


def test_joined_analyzer_glues_adjacent_syllables():
    assert _tokens(joined_analyzer(), "Cà phê Buôn Ma Thuột") == [
        "caphe",
        "phebuon",
        "buonma",
        "mathuot",
    ]


def test_has_marks():
    assert has_marks("nước")
    assert has_marks("đ")
    assert not has_marks("nuoc")
    assert not has_marks("NUOC")
