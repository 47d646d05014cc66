"""Typos: unknown words replaced by the closest frequent index term ("did you mean"), and
corrected words shown the way the catalog spells them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache

from .analysis import english_stems, fold, syllables
from .input_methods import is_syllable
from .lexicon import kind_lexicon, variant_groups
from .places import is_place
from .understanding import in_word_tables

_CORRECTION_FIELDS = ("name", "meta", "place", "name_j")
CONTEXT_WEIGHT = 20
# A word of the word tables (search/data/) counts like this many products holding it.
TABLE_WORD_WEIGHT = 3
# ... and this much more when the typed word is not spelled like a Vietnamese syllable.
FOREIGN_TABLE_WORD_WEIGHT = 50
# Corrections tried, in order, until one finds products.
MAX_CORRECTIONS = 3


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


def max_distance(word: str) -> int:
    """Edits allowed for a word of this length: short words are easily another real word."""
    if len(word) < 3:
        return 0
    if len(word) <= 5:
        return 1
    return 2 if len(word) <= 9 else 3


def distance(a: str, b: str, limit: int, *, transpositions: bool = True) -> int:
    """Optimal-string-alignment distance (a transposition is one edit), capped at limit + 1;
    without `transpositions`, plain Levenshtein (Whoosh's `terms_within`)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if transpositions and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@cache
def _table_words() -> dict[str, tuple[str, ...]]:
    """First letter → the single words of the word tables (both languages, folded): the
    vocabulary a shopper's typo is corrected against besides the index's (English kinds such
    as `garlic` are not in a catalog without English names)."""
    words: set[str] = set()
    for entry in kind_lexicon():
        for term in (*entry.english, *entry.vietnamese):
            words.update(fold(word) for word in syllables(term))
    for group in variant_groups():
        for form in group.forms:
            words.update(fold(word) for word in syllables(form))
    by_letter: dict[str, list[str]] = {}
    for word in sorted(words):
        if word.isalpha():
            by_letter.setdefault(word[0], []).append(word)
    return {letter: tuple(found) for letter, found in by_letter.items()}


def _corrections(reader, syllable: str, before: str = "", after: str = "") -> list[str]:
    """The best few corrections of an unknown word, best first (none for short words)."""
    folded = fold(syllable)
    limit = max_distance(folded)
    if not limit:
        return []
    weights: Counter[str] = Counter()
    for fieldname in _CORRECTION_FIELDS:
        # The first letter is rarely wrong; fixing it keeps the scan cheap.
        candidates = set(reader.terms_within(fieldname, folded, limit, prefix=1))
        candidates.update(s for s in _adjacent_swaps(folded) if reader.doc_frequency(fieldname, s))
        for candidate in candidates:
            weights[candidate] += reader.doc_frequency(fieldname, candidate)
    table_words = _table_words().get(folded[0], ())
    for candidate in table_words:
        if candidate not in weights and distance(folded, candidate, limit) <= limit:
            weights[candidate] += TABLE_WORD_WEIGHT
    fits: Counter[str] = Counter()
    for candidate in list(weights):
        # Context, like a tiny bigram language model: "ha thoa" → "ha thao", not "ha tho".
        for glued in (before + candidate if before else "", candidate + after if after else ""):
            if glued:
                together = (
                    reader.doc_frequency("name_j", glued)
                    + reader.doc_frequency("meta_j", glued)
                    + reader.doc_frequency("place_j", glued)
                )
                weights[candidate] += CONTEXT_WEIGHT * together
                fits[candidate] += bool(together)
    weights.pop(folded, None)
    if not is_syllable(folded):
        # Not spelled like a Vietnamese syllable ("hony", "peper"): a word of the tables
        # (English kinds among them) is likelier than a Vietnamese syllable of the index.
        for candidate in weights:
            if candidate in table_words:
                weights[candidate] += FOREIGN_TABLE_WORD_WEIGHT
    # Fewest edits first (a transposition is one), then a word the catalog glues to the
    # neighbours typed with it (`ruou sin` → sim, of "Rượu sim", not the far more frequent
    # `san` of every "sản xuất" producer), then the most frequent in context.
    ranked = sorted(
        weights.items(),
        key=lambda item: (distance(folded, item[0], limit), -fits[item[0]], -item[1], item[0]),
    )
    return [candidate for candidate, _ in ranked[:MAX_CORRECTIONS]]


def correct_words(reader, words: list[str], choice: int = 0) -> list[str] | None:
    """The words with each unknown one replaced by its `choice`-th best correction (0: the
    closest, most frequent), or None when there is none."""
    corrected, changed = [], False
    for position, word in enumerate(words):
        folded = fold(word)
        if is_known(reader, word) or folded in _table_words().get(folded[:1], ()):
            corrected.append(word)
            continue
        before = fold(words[position - 1]) if position > 0 else ""
        after = fold(words[position + 1]) if position + 1 < len(words) else ""
        ranked = _corrections(reader, word, before, after)
        if ranked:
            corrected.append(ranked[min(choice, len(ranked) - 1)])
            changed = True
        else:
            corrected.append(word)
    return corrected if changed else None


# Letters a Vietnamese or English syllable is typed with (edits try each).
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_GLUED_FIELDS = ("name_j", "meta_j", "place_j")


def _one_edit(word: str) -> set[str]:
    """Every string one edit from `word` (a transposition is one), the word itself excluded."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    found.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    found.update(a + c + b for a, b in splits for c in _LETTERS)
    found.discard(word)
    return found


def _glued_frequency(reader, glued: str) -> int:
    return sum(reader.doc_frequency(fieldname, glued) for fieldname in _GLUED_FIELDS)


def _fits(reader, pair: tuple[str, str]) -> bool:
    """Whether two folded syllables belong together: glued in the catalog, a place name
    (`ninh thuan`, even with no product there), or a term of the word tables."""
    return bool(
        _glued_frequency(reader, pair[0] + pair[1])
        or is_place(pair)
        or in_word_tables(" ".join(pair))
    )


def real_word_corrections(reader, words: list[str]) -> list[list[str]]:
    """Corrections of a *real* word mistyped into another one (`yen xao` for yến sào, `ruou
    sin` for rượu sim): typo correction proper only replaces words the catalog lacks.

    A word is suspect when it is glued to none of its neighbours anywhere in the catalog
    (names, producers, places); a word one edit away that is, with its neighbours, in the most
    products replaces it. Best first, at most MAX_CORRECTIONS; none for one-word queries, and
    only one word is changed. Called only when the words as typed find nothing.
    """
    folded = [fold(word) for word in words]
    found: list[tuple[int, int, str]] = []
    for position, word in enumerate(folded):
        if len(word) < 2 or not word.isalpha():
            continue
        before = folded[position - 1] if position > 0 else ""
        after = folded[position + 1] if position + 1 < len(folded) else ""
        if not before and not after:
            continue
        if any(
            pair[0] and pair[1] and _fits(reader, pair) for pair in ((before, word), (word, after))
        ):
            continue  # it fits its context: not a suspect
        for candidate in _one_edit(word):
            evidence = (_glued_frequency(reader, before + candidate) if before else 0) + (
                _glued_frequency(reader, candidate + after) if after else 0
            )
            if evidence:
                found.append((evidence, position, candidate))
    found.sort(key=lambda item: (-item[0], item[1], item[2]))
    corrections = []
    for _, position, candidate in found[:MAX_CORRECTIONS]:
        corrections.append([*folded[:position], candidate, *folded[position + 1 :]])
    return corrections


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
