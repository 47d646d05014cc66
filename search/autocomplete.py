"""Autocomplete for the search box: folded name words → products for sale, in memory.

Built once per for-sale snapshot (`ForSaleSnapshot.autocomplete`): a prefix lookup is a bisect
plus set work, with no index or database round trip per keystroke.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .analysis import fold, glued_bigrams, syllables

if TYPE_CHECKING:
    from .snapshot import ForSaleRow


@dataclass(frozen=True)
class Suggestion:
    label: str  # product name as the catalog spells it
    slug: str
    product_id: int


class AutocompleteIndex:
    """Folded name words → products, in memory: a prefix lookup is a bisect plus set work."""

    def __init__(self, rows: Iterable[ForSaleRow]) -> None:
        postings: dict[str, set[int]] = {}
        self.rows: dict[int, ForSaleRow] = {}
        self.words: dict[int, list[str]] = {}
        for row in rows:
            words = syllables(fold(row.name))
            self.rows[row.product_id] = row
            self.words[row.product_id] = words
            for word in set(words) | glued_bigrams(" ".join(words)):
                postings.setdefault(word, set()).add(row.product_id)
        self.vocabulary = sorted(postings)
        self.postings = postings

    def _prefixed(self, prefix: str, limit: int) -> set[int]:
        found: set[int] = set()
        start = bisect.bisect_left(self.vocabulary, prefix)
        for word in self.vocabulary[start:]:
            if not word.startswith(prefix):
                break
            found |= self.postings[word]
            if len(found) >= limit:
                break
        return found

    def suggest(self, text: str, limit: int) -> list[Suggestion]:
        words = syllables(fold(text))
        if not words:
            return []
        *complete, last = words
        candidates: set[int] | None = None
        for word in complete:
            posting = self.postings.get(word, set())
            candidates = posting if candidates is None else candidates & posting
            if not candidates:
                return []
        if candidates is None:
            candidates = self._prefixed(last, 400)
        else:
            candidates = {
                pid for pid in candidates if any(w.startswith(last) for w in self.words[pid])
            } | (candidates & self.postings.get(last, set()))
        joined = " ".join(words)

        def rank(pid: int) -> tuple:
            row = self.rows[pid]
            name = " ".join(self.words[pid])
            return (not name.startswith(joined), -row.stars, len(name), row.name)

        out: list[Suggestion] = []
        seen: set[str] = set()
        for pid in sorted(candidates, key=rank):
            row = self.rows[pid]
            if row.name in seen:
                continue
            seen.add(row.name)
            out.append(Suggestion(label=row.name, slug=row.slug, product_id=pid))
            if len(out) >= limit:
                break
        return out
