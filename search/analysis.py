"""Vietnamese text analysis for the search index: NFC, folding, tone keys, syllable bigrams.

Every text is cut into syllables (`\\w+` after NFC, lower case) and indexed in up to three forms:

* **folded**: every mark stripped and đ→d (`Nước mắm` → `nuoc`, `mam`) — recall does not
  depend on how the user typed;
* **tone key**: the tone mark moved to the end as a digit, vowel-shape marks and đ kept
  (`hoà`, `hòa` → `hoa2`; `mắm` → `măm1`) — old and new tone placement agree, while words that
  folding merges (`dưa`/`dừa`, `cá`/`cà`, `nấm`/`nam`) stay apart;
* **joined bigrams**: two adjacent folded syllables glued (`nuoc mam` → `nuocmam`) — adjacency
  in the name earns a boost, and run-together queries (`nuocmam`, `caphe`) still match.

The same functions run on documents and queries; `nfc` and `fold` are the shop's own
(`core.text`). The classes below are pickled into the index TOC by Whoosh, so they must stay
importable from this module (renaming them = reindex).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    StemmingAnalyzer,
    Token,
    Tokenizer,
)

from core.text import fold, nfc

SYLLABLE_RE = re.compile(r"\w+", re.UNICODE)

# Combining tone marks (Vietnamese has five besides the level tone) → the digit of the tone key.
TONE_DIGITS = {
    "\u0301": "1",  # sắc
    "\u0300": "2",  # huyền
    "\u0309": "3",  # hỏi
    "\u0303": "4",  # ngã
    "\u0323": "5",  # nặng
}


def tone_key(syllable: str) -> str:
    """Placement-independent spelling of one syllable: 'hoà'/'hòa' → 'hoa2', 'đặc' → 'đăc5'."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    digit = ""
    kept = []
    for char in decomposed:
        if char in TONE_DIGITS:
            digit = TONE_DIGITS[char]
        else:
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)) + digit


def has_marks(text: str) -> bool:
    """True when the text carries any Vietnamese mark (tone, vowel shape or đ)."""
    return fold(text) != text.lower()


def syllables(text: str) -> list[str]:
    """The lower-case NFC syllables of a text ('Nước-mắm' → ['nước', 'mắm'])."""
    return [match.group().lower() for match in SYLLABLE_RE.finditer(nfc(text))]


def joined_bigrams(folded_syllables: list[str]) -> list[str]:
    """Adjacent syllables glued: ['nuoc', 'mam', 'ngon'] → ['nuocmam', 'mamngon']."""
    return [a + b for a, b in zip(folded_syllables, folded_syllables[1:], strict=False)]


def glued_bigrams(folded_text: str) -> set[str]:
    """The glued bigrams of a folded text ('keo dua sua' → {'keodua', 'duasua'})."""
    return set(joined_bigrams(syllables(folded_text)))


def english_stems(word: str) -> list[str]:
    """The English stems of one ASCII word ('sauces' → ['sauc']); none for a Vietnamese word."""
    if not word.isascii():
        return []
    return [token.text for token in _ENGLISH(word)]


# --- Whoosh components -----------------------------------------------------------------------


class VietnameseTokenizer(Tokenizer):
    """`\\w+` syllables of the NFC text; NFC again here as a defence against NFD input."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        text = nfc(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = text
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(text)
            yield token
            return
        for position, match in enumerate(SYLLABLE_RE.finditer(text)):
            token.text = match.group()
            token.boost = 1.0
            if keeporiginal:
                token.original = token.text
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class FoldFilter(Filter):
    """Strip every mark, đ→d."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class ToneKeyFilter(Filter):
    """Replace each syllable by its tone key (see `tone_key`)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = tone_key(token.text)
            yield token


class JoinedBigramFilter(Filter):
    """Emit each pair of adjacent (folded) syllables glued together, and nothing else."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        previous: str | None = None
        for token in tokens:
            current = token.text
            if previous is not None:
                token.text = previous + current
                yield token
            previous = current


def folded_analyzer():
    """Documents and queries → folded syllables."""
    return VietnameseTokenizer() | LowercaseFilter() | FoldFilter()


def tone_key_analyzer():
    """Documents and queries → tone-key syllables."""
    return VietnameseTokenizer() | LowercaseFilter() | ToneKeyFilter()


def joined_analyzer():
    """Documents → glued folded bigrams (queries build theirs with `joined_bigrams`)."""
    return VietnameseTokenizer() | LowercaseFilter() | FoldFilter() | JoinedBigramFilter()


def english_analyzer():
    """English names and stories: Whoosh's stemming analyzer (tourists type 'fish sauce')."""
    return StemmingAnalyzer()


_ENGLISH = english_analyzer()
