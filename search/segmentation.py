"""Reading what the shopper meant from words the catalog does not hold: Telex/VNI residue
(`nuowcs mawms`), run-together syllables of any length (`keodualadua`), and both at once.

Everything is decided against the catalog's own vocabulary (the index's folded syllables of
names, producers and places, and their glued bigrams): a word the catalog knows is left as
typed; an unknown one is replaced only by something the catalog knows.

Segmentation is dynamic programming over the word's characters: each piece must be a known
syllable (or decode to one), a piece scores by how common it is, a piece boundary costs (so
fewer, longer syllables win), and two pieces that occur glued in the catalog (`trung`+`ha`,
`ha`+`thao`) earn a bonus, so `dongtrunghathao` → `dong trung ha thao`, not `… hat hao`.
"""

from __future__ import annotations

import math

from .analysis import fold
from .input_methods import decode

_SYLLABLE_FIELDS = ("name", "meta", "place")
_GLUED_FIELDS = ("name_j", "meta_j", "place_j")
MAX_SYLLABLE_CHARS = 7
MIN_SYLLABLE_CHARS = 2
PIECE_COST = 4.0
GLUED_BONUS = 6.0
# Longer input than this is not segmented (a pasted sentence, not a word).
MAX_SEGMENT_CHARS = 40


class Vocabulary:
    """The catalog's folded syllables and glued bigrams, looked up in the index (memoised)."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self._syllables: dict[str, int] = {}
        self._glued: dict[str, bool] = {}

    def frequency(self, syllable: str) -> int:
        found = self._syllables.get(syllable)
        if found is None:
            found = sum(self.reader.doc_frequency(f, syllable) for f in _SYLLABLE_FIELDS)
            self._syllables[syllable] = found
        return found

    def glued(self, pair: str) -> bool:
        found = self._glued.get(pair)
        if found is None:
            found = any(self.reader.doc_frequency(f, pair) for f in _GLUED_FIELDS)
            self._glued[pair] = found
        return found


def _piece_forms(piece: str, vocabulary: Vocabulary) -> tuple[str, str] | None:
    """(the syllable to search, its folded form) if this piece is or decodes to a known one."""
    if vocabulary.frequency(piece):
        return piece, piece
    decoded = decode(piece)
    if decoded is not None:
        folded = fold(decoded)
        if vocabulary.frequency(folded):
            return decoded, folded
    return None


def segment(word: str, vocabulary: Vocabulary) -> list[str] | None:
    """The known syllables `word` was typed from (two or more), or None.

    `keodualadua` → ['keo', 'dua', 'la', 'dua']; `nuowcsmawms` → ['nước', 'mắm'].
    """
    if len(word) > MAX_SEGMENT_CHARS or not word.isascii() or not word.isalnum():
        return None
    n = len(word)
    # best[end][last folded piece] = (score, pieces)
    best: list[dict[str, tuple[float, list[str]]]] = [{} for _ in range(n + 1)]
    best[0][""] = (0.0, [])
    for origin in range(n):
        if not best[origin]:
            continue
        for end in range(origin + MIN_SYLLABLE_CHARS, min(n, origin + MAX_SYLLABLE_CHARS + 2) + 1):
            forms = _piece_forms(word[origin:end], vocabulary)
            if forms is None:
                continue
            shown, folded = forms
            gain = math.log1p(vocabulary.frequency(folded)) - PIECE_COST
            for last, (score, pieces) in best[origin].items():
                total = score + gain
                if last and vocabulary.glued(last + folded):
                    total += GLUED_BONUS
                current = best[end].get(folded)
                if current is None or total > current[0]:
                    best[end][folded] = (total, [*pieces, shown])
    if not best[n]:
        return None
    _, pieces = max(best[n].values(), key=lambda item: item[0])
    return pieces if len(pieces) > 1 else None


def read_words(words: list[str], vocabulary: Vocabulary, known) -> list[str] | None:
    """The query with every unknown word read as Telex/VNI or cut into known syllables, or
    None when nothing changed. `known(word)` says whether the catalog holds a word as typed."""
    out: list[str] = []
    changed = False
    for word in words:
        if known(word):
            out.append(word)
            continue
        decoded = decode(word)
        if decoded is not None and vocabulary.frequency(fold(decoded)):
            out.append(decoded)
            changed = True
            continue
        pieces = segment(word, vocabulary)
        if pieces:
            out.extend(pieces)
            changed = True
            continue
        out.append(word)
    return out if changed else None


def respace(words: list[str], vocabulary: Vocabulary) -> list[str] | None:
    """Unmarked words with a space typed in the wrong place (`ma tong`, `nuo cmam`) read as
    the catalog's syllables: the words are joined and cut again like run-together input. None
    when that gives the same words, or when a word carries marks (typed carefully)."""
    folded = [fold(word) for word in words]
    if len(folded) < 2 or folded != words:
        return None
    pieces = segment("".join(folded), vocabulary)
    if pieces is None or [fold(piece) for piece in pieces] == folded:
        return None
    return pieces
