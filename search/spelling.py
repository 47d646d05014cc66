"""Typos: unknown words replaced by the closest frequent index term ("did you mean"), and
corrected words shown the way the catalog spells them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .analysis import english_stems, fold, syllables

_CORRECTION_FIELDS = ("name", "meta", "place", "name_j")
CONTEXT_WEIGHT = 20


def is_known(reader, syllable: str) -> bool:
    """Whether the index holds this syllable in some field, folded or as an English stem."""
    folded = fold(syllable)
    if any(
        reader.doc_frequency(f, folded) for f in (*_CORRECTION_FIELDS, "story", "meta_j", "place_j")
    ):
        return True
    return any(reader.doc_frequency("name_en", stem) for stem in english_stems(syllable))


def is_english(reader, word: str) -> bool:
    """An English word of the catalog: its stem is in English names, it is in no Vietnamese one."""
    if not word.isascii() or reader.doc_frequency("name", word):
        return False
    return any(reader.doc_frequency("name_en", stem) for stem in english_stems(word))


def _adjacent_swaps(word: str) -> list[str]:
    # Whoosh's Levenshtein counts a transposition as 2 edits; people make them all the time.
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)]


def _correct(reader, syllable: str, before: str = "", after: str = "") -> str | None:
    folded = fold(syllable)
    if len(folded) < 3:
        return None
    max_distance = 2 if len(folded) >= 7 else 1
    weights: Counter[str] = Counter()
    for fieldname in _CORRECTION_FIELDS:
        # The first letter is rarely wrong; fixing it keeps the scan cheap.
        candidates = set(reader.terms_within(fieldname, folded, max_distance, prefix=1))
        candidates.update(s for s in _adjacent_swaps(folded) if reader.doc_frequency(fieldname, s))
        for candidate in candidates:
            weights[candidate] += reader.doc_frequency(fieldname, candidate)
    for candidate in list(weights):
        # Context, like a tiny bigram language model: "ha thoa" → "ha thao", not "ha tho".
        for glued in (before + candidate if before else "", candidate + after if after else ""):
            if glued:
                weights[candidate] += CONTEXT_WEIGHT * (
                    reader.doc_frequency("name_j", glued)
                    + reader.doc_frequency("meta_j", glued)
                    + reader.doc_frequency("place_j", glued)
                )
    weights.pop(folded, None)
    if not weights:
        return None
    return max(weights.items(), key=lambda item: (item[1], item[0]))[0]


def correct_words(reader, words: list[str]) -> list[str] | None:
    """The words with each unknown one replaced by the closest frequent index term, or None."""
    corrected, changed = [], False
    for position, word in enumerate(words):
        if is_known(reader, word):
            corrected.append(word)
            continue
        before = fold(words[position - 1]) if position > 0 else ""
        after = fold(words[position + 1]) if position + 1 < len(words) else ""
        replacement = _correct(reader, word, before, after)
        if replacement is None:
            corrected.append(word)
        else:
            corrected.append(replacement)
            changed = True
    return corrected if changed else None


def spell_like_catalog(folded_words: list[str], texts: Iterable[str]) -> str:
    """Show folded words the way the catalog spells them ('nuoc mam' → 'nước mắm')."""
    spelling: dict[str, str] = {}
    for text in texts:
        for syllable in syllables(text):
            spelling.setdefault(fold(syllable), syllable)
    out = []
    for word in folded_words:
        out.append(spelling.get(word, word))
    return " ".join(out)
