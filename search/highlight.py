"""Which words of a shown text matched the query (for <mark> in result titles)."""

from __future__ import annotations

from collections.abc import Iterable

from .analysis import SYLLABLE_RE, fold, nfc


def highlight_segments(text: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    """Split `text` into (piece, is_match) where a syllable's folded form is a query term.

    Glued terms ('caphe') light up both syllables they stand for. The pieces are the original
    text, so the template escapes them and wraps matches in <mark>.
    """
    wanted = {fold(term) for term in terms}
    if not text or not wanted:
        return [(text, False)] if text else []
    text = nfc(text)
    matches = list(SYLLABLE_RE.finditer(text))
    folded = [fold(m.group()) for m in matches]
    lit = [f in wanted for f in folded]
    for i in range(len(folded) - 1):
        if folded[i] + folded[i + 1] in wanted:
            lit[i] = lit[i + 1] = True
    segments: list[tuple[str, bool]] = []
    position = 0
    for match, is_lit in zip(matches, lit, strict=True):
        if not is_lit:
            continue
        if match.start() > position:
            segments.append((text[position : match.start()], False))
        segments.append((match.group(), True))
        position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments
