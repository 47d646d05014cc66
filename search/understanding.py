"""Query understanding: from the typed syllables to the *concepts* a product must match.

A concept is one or more query syllables that mean one thing — a kind of product (`mật ong`,
`coffee`), a place (`tây ninh`), or just a word — with the other ways of saying it
(`honey` for `mật ong`, `mè` for `vừng`). Ranking (`ranking.build_query`) requires every concept
(the full matches) and, when those are few, ranks products matching *most* concepts below them
(the related tier), weighing each concept by its role: a kind counts more than a brand or place
word, because a shopper who typed "mật ong hoa nhãn" still wants other honeys, not other things
from a place called Nhãn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from .analysis import fold, has_marks, tone_key
from .lexicon import kind_lexicon

KIND = "kind"
PLACE = "place"
WORD = "word"
# How much a concept counts towards "matches most of the words" (the related tier).
ROLE_WEIGHT = {KIND: 3.0, WORD: 1.0, PLACE: 0.75}
# The longest kind term, in syllables (greedy longest match over the query).
_MAX_TERM_SYLLABLES = 6


@dataclass(frozen=True)
class Concept:
    """Query syllables that name one thing, and the other ways of naming it."""

    words: tuple[str, ...]  # lower-case NFC syllables, as typed (or decoded)
    role: str = WORD
    # Other spellings / languages, each a sequence of syllables; any one may match instead.
    alternatives: tuple[tuple[str, ...], ...] = ()

    @property
    def weight(self) -> float:
        return ROLE_WEIGHT[self.role]

    @property
    def folded(self) -> str:
        return " ".join(fold(word) for word in self.words)


@cache
def _kind_terms() -> dict[tuple[str, ...], dict[tuple[str, ...], str]]:
    """Folded syllables of every kind term (both languages) → {tone keys: kind id}."""
    terms: dict[tuple[str, ...], dict[tuple[str, ...], str]] = {}
    for entry in kind_lexicon():
        for term in (*entry.vietnamese, *entry.english):
            words = term.split()
            keys = tuple(tone_key(word) for word in words)
            terms.setdefault(tuple(fold(word) for word in words), {}).setdefault(keys, entry.kind)
    return terms


def _kind_of(words: list[str]) -> str | None:
    """The kind these query syllables name: typed without marks any sense fits (`gac` may be
    gấc or gác); typed with marks, only the term spelled so (`gác` is not the fruit gấc)."""
    senses = _kind_terms().get(tuple(fold(word) for word in words))
    if not senses:
        return None
    if not any(has_marks(word) for word in words):
        return next(iter(senses.values()))
    return senses.get(tuple(tone_key(word) for word in words))


def kind_spans(words: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the kind terms in the query, longest first, left to right."""
    spans = []
    position = 0
    while position < len(words):
        for length in range(min(_MAX_TERM_SYLLABLES, len(words) - position), 0, -1):
            kind = _kind_of(words[position : position + length])
            if kind is not None:
                spans.append((position, position + length, kind))
                position += length
                break
        else:
            position += 1
    return spans


def understand(
    words: list[str],
    known: Callable[[str], bool] | None = None,
    english: Callable[[str], bool] | None = None,
) -> list[Concept]:
    """The concepts of a query of lower-case NFC syllables (one per word, kinds grouped).

    `known(word)`: whether the catalog holds the word (an unknown first word is no head);
    `english(word)`: whether it is an English word of the catalog (English puts the head last).
    """
    roles = [WORD] * len(words)
    spans = kind_spans(words)
    for start, end, _kind in spans:
        for position in range(start, end):
            roles[position] = KIND
    if not spans and len(words) > 1:
        # Without a known kind, the head of the phrase is taken as one: Vietnamese names the
        # kind first ("thịt trâu gác bếp"), English last ("forest honey").
        if english is not None and all(english(word) for word in words):
            roles[-1] = KIND
        elif known is None or known(words[0]):
            roles[0] = KIND
    return [Concept((word,), role) for word, role in zip(words, roles, strict=True)]
