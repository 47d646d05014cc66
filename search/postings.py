"""Score our query shapes from per-term score maps kept in memory, exactly as Whoosh would.

Whoosh scores a query by walking a tree of pure-Python matchers, document by document: about
20–30 µs per matching document for our queries (a dozen term matchers per word). Yet each
term's BM25F score in a document depends only on that term, that document and the searcher's
global statistics, so for one searcher it never changes. `PostingScores` reads each
(field, term) posting list once — Whoosh's stored weights and field lengths, put through the
searcher's own `BM25FScorer._score` — into a dict docnum → score; `score_query` then combines those dicts with set operations (which documents
match: C-level intersections and unions) and per-document arithmetic that mirrors the matcher
tree Whoosh would build — the same weighted tree shapes (`estimate_size`), the same
best-field rule, the same sums — so the scores are Whoosh's (tests compare them).

Only the query classes `build_query` produces are handled; anything else raises
`UnsupportedQuery` and the caller runs Whoosh itself.
"""

from __future__ import annotations

from bisect import insort_right
from collections.abc import Callable, Collection

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndMaybe, NullQuery, Or, Query, Term
from whoosh.scoring import BM25FScorer, WeightLengthScorer
from whoosh.util.numeric import byte_to_length

from .ranking import BestField

# Above this many cached postings a searcher's cache starts over (bounded memory; at 20,000
# products the name/place/producer fields hold about a million).
MAX_CACHED_POSTINGS = 4_000_000

Scores = dict[int, float]


class UnsupportedQuery(Exception):
    """A query shape this module does not mirror; run it through Whoosh."""


class ScoreMaps:
    """The score maps of one index generation, shared by every thread's searcher on it.

    A term's BM25F score in a document depends only on the generation (its documents and
    global statistics), not on which searcher reads it, so the maps read by one thread — or by
    the background warm-up (search/query.py) — serve all. Plain dicts: a lookup or an insert is
    atomic under the GIL, so no lock is taken and no reader ever waits for another; two threads
    that miss the same term at once both read it and store equal maps.
    """

    def __init__(self, max_postings: int = MAX_CACHED_POSTINGS) -> None:
        self.max_postings = max_postings
        self.terms: dict[tuple[str, str], Scores] = {}
        self.docs: dict[tuple[str, str], frozenset[int]] = {}
        self.field_lengths: dict[tuple[int, str], list[int]] = {}
        self.field_norms: dict[tuple[int, float, float, float], list[float]] = {}
        self.size = 0
        self._numbers: list[int] = []

    def numbers(self, count: int) -> list[int]:
        """One int object per docnum, used as the key in every map: each map would otherwise
        hold its own copy of each number (28 bytes a posting, a quarter of a warmed map)."""
        if len(self._numbers) < count:
            self._numbers = list(range(count))
        return self._numbers

    def add(self, key: tuple[str, str], found: Scores) -> None:
        if self.size + len(found) > self.max_postings:
            self.clear()  # bounded memory: start over
        self.terms[key] = found
        self.size += len(found)

    def clear(self) -> None:
        """Forget every map (in place, so every searcher sharing them sees it)."""
        self.terms.clear()
        self.docs.clear()
        self.size = 0


class PostingScores:
    """One searcher's term scores: (field, text) → {docnum: BM25F score, boost 1}.

    Deleted documents are left out (Whoosh's postings skip them). Valid for the searcher it was
    built from only: global statistics (idf, average lengths) change with the index. `maps`,
    when given, are shared with other searchers of the *same* index generation.
    """

    def __init__(
        self,
        searcher,
        max_postings: int = MAX_CACHED_POSTINGS,
        reader=None,
        maps: ScoreMaps | None = None,
    ) -> None:
        self.searcher = searcher
        # What query-tree shapes are estimated with (`estimate_size`): the searcher's reader,
        # or one that remembers document frequencies (search/query.py).
        self.reader = reader if reader is not None else searcher.reader()
        self.maps = maps if maps is not None else ScoreMaps(max_postings)
        self._terms = self.maps.terms
        self._docs = self.maps.docs
        self._field_lengths = self.maps.field_lengths
        self._field_norms = self.maps.field_norms
        # Called between posting blocks while a map is read (the background warm-up steps
        # aside there for requests; None on the request path).
        self.pause: Callable[[], object] | None = None

    def has(self, fieldname: str, text: str) -> bool:
        """Whether the map of `text` in `fieldname` is already read."""
        return (fieldname, text) in self._terms

    def docs(self, fieldname: str, text: str) -> frozenset[int]:
        """The documents holding `text` in `fieldname`."""
        key = (fieldname, text)
        found = self._docs.get(key)
        if found is None:
            found = frozenset(self.term(fieldname, text))
            self._docs[key] = found
        return found

    def term(self, fieldname: str, text: str) -> Scores:
        """The score of `text` in `fieldname` for every document holding it."""
        key = (fieldname, text)
        found = self._terms.get(key)
        if found is not None:
            return found
        found = self._read(fieldname, text)
        self.maps.add(key, found)
        return found

    def _read(self, fieldname: str, text: str) -> Scores:
        schema = self.searcher.schema
        if fieldname not in schema:
            return {}
        try:
            btext = schema[fieldname].to_bytes(text)
        except ValueError:
            return {}
        if (fieldname, btext) not in self.searcher.reader():
            return {}
        scorer = self.searcher.weighting.scorer(self.searcher, fieldname, btext)
        if not isinstance(scorer, WeightLengthScorer):
            return self._read_through_matcher(fieldname, btext)
        # What the matcher's score() computes per posting — scorer._score(weight, field
        # length), with the searcher's global idf and average length — without its per-call
        # overhead (matcher → scorer → reader → column for every posting: 6 µs → 1 µs).
        score_of = scorer._score
        found: Scores = {}
        for number, (leaf, offset) in enumerate(self.searcher.leaf_searchers()):
            reader = leaf.reader()
            if (fieldname, btext) not in reader:
                continue
            lengths = self._lengths(number, reader, fieldname)
            matcher = reader.postings(fieldname, btext)  # skips deleted documents
            deleted: frozenset[int] | set[int] = frozenset()
            if type(matcher) is FilterMatcher and matcher._exclude and matcher.boost == 1.0:
                matcher, deleted = matcher.child, matcher._ids  # a segment with deletions
            if type(scorer) is BM25FScorer and type(matcher) is W3LeafMatcher:
                # Whole blocks at once (a fresh searcher reads hundreds of thousands of
                # postings on its first queries: ~1 µs each one by one).
                norms = self._norms(number, scorer, lengths)
                numbers = self.maps.numbers(offset + reader.doc_count_all())
                self._read_blocks(
                    matcher, scorer, norms, offset, found, deleted, numbers, self.pause
                )
                continue
            if deleted:
                matcher = reader.postings(fieldname, btext)  # the filtering matcher again
            next_posting, is_active = matcher.next, matcher.is_active
            current, weight = matcher.id, matcher.weight
            while is_active():
                docnum = current()
                found[docnum + offset] = score_of(weight(), lengths[docnum])
                next_posting()
        return found

    def _norms(self, leaf_number: int, scorer: BM25FScorer, lengths: list[int]) -> list[float]:
        """Per document, BM25's length part `K1 × ((1 − B) + B × length / avgfl)` of one field:
        the same operations in the same order as `whoosh.scoring.bm25`, so the same floats."""
        key = (leaf_number, scorer.B, scorer.K1, scorer.avgfl)
        found = self._field_norms.get(key)
        if found is None:
            k1, b, avgfl = scorer.K1, scorer.B, scorer.avgfl
            by_length = {length: k1 * ((1 - b) + b * length / avgfl) for length in set(lengths)}
            found = self._field_norms[key] = [by_length[length] for length in lengths]
        return found

    @staticmethod
    def _read_blocks(
        matcher: W3LeafMatcher,
        scorer: BM25FScorer,
        norms: list[float],
        offset: int,
        found: Scores,
        deleted: frozenset[int] | set[int],
        numbers: list[int],
        pause: Callable[[], object] | None = None,
    ) -> None:
        # bm25(idf, tf, fl, avgfl, B, K1) = idf * ((tf * (K1 + 1)) / (tf + K1 * (...))):
        # the same expression, with the per-document part looked up.
        idf, k1_plus_1 = scorer.idf, scorer.K1 + 1
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            start = matcher._i
            ids, weights = matcher._ids[start:], matcher._weights[start:]
            for docnum, weight in zip(ids, weights, strict=True):
                if deleted and docnum in deleted:
                    continue
                found[numbers[docnum + offset]] = idf * (
                    (weight * k1_plus_1) / (weight + norms[docnum])
                )
            if pause is not None:
                pause()
            matcher._next_block()

    def _lengths(self, leaf_number: int, reader, fieldname: str) -> list[int]:
        """Every document's length of `fieldname` in one segment, as Whoosh's scorer sees it."""
        key = (leaf_number, fieldname)
        found = self._field_lengths.get(key)
        if found is None:
            count = reader.doc_count_all()
            found = _column_lengths(reader, fieldname, count)
            if found is None:
                found = [
                    reader.doc_field_length(docnum, fieldname, 1) or 1 for docnum in range(count)
                ]
            self._field_lengths[key] = found
        return found

    def _read_through_matcher(self, fieldname: str, btext: bytes) -> Scores:
        found: Scores = {}
        matcher = self.searcher.postings(fieldname, btext)
        next_posting, is_active = matcher.next, matcher.is_active
        current, score = matcher.id, matcher.score
        while is_active():
            found[current()] = score()
            next_posting()
        return found


# Whoosh stores a field length as one byte; what `doc_field_length(…, 1) or 1` gives per byte.
_LENGTH_OF_BYTE = [1] + [byte_to_length(byte) or 1 for byte in range(1, 256)]


def _column_lengths(reader, fieldname: str, count: int) -> list[int] | None:
    """Every document's length of a field in one segment, from the lengths column in one read
    (`doc_field_length` per document costs ~2 µs: 40 ms a field at 20,000 products). None
    when the segment is not stored the way this reads it."""
    perdoc = getattr(reader, "_perdoc", None)
    if type(perdoc) is not W3PerDocReader:
        return None
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return [1] * count  # no lengths stored: the default
    raw = column._dbfile.get(column._basepos, min(column._count, count))
    lengths = [_LENGTH_OF_BYTE[byte] for byte in raw]
    return lengths + [1] * (count - len(lengths))


def score_query(query: Query, postings: PostingScores, within: Collection[int] | None = None):
    """docnum → score for every document matching `query` (and in `within`, if given)."""
    evaluation = _Evaluation(postings)
    matched = evaluation.docs(query)
    if within is not None:
        matched = matched & (within if isinstance(within, (set, frozenset)) else set(within))
    return evaluation.scores(query, matched)


def matching_docs(query: Query, postings: PostingScores) -> frozenset[int] | set[int]:
    """The documents matching `query` (no scores)."""
    return _Evaluation(postings).docs(query)


class _Evaluation:
    def __init__(self, postings: PostingScores) -> None:
        self.postings = postings
        self.reader = postings.reader
        self._docs: dict[int, set[int]] = {}

    # which documents match -------------------------------------------------------------------

    def docs(self, query: Query) -> frozenset[int] | set[int]:
        key = id(query)
        found = self._docs.get(key)
        if found is None:
            found = self._match(query)
            self._docs[key] = found
        return found

    def _match(self, query: Query) -> frozenset[int] | set[int]:
        if query is NullQuery:
            return set()
        if type(query) is Term:
            return self.postings.docs(query.fieldname, query.text)
        if isinstance(query, AndMaybe):
            return self.docs(query.a)
        subs = _subqueries(query)
        if not subs:
            return set()
        if isinstance(query, And):
            sets = sorted((self.docs(sub) for sub in subs), key=len)
            return sets[0].intersection(*sets[1:])
        if isinstance(query, Or) or _is_best_field(query):
            return set().union(*(self.docs(sub) for sub in subs))
        raise UnsupportedQuery(type(query).__name__)

    # how they score --------------------------------------------------------------------------

    def scores(self, query: Query, within: set[int]) -> Scores:
        if not within or query is NullQuery:
            return {}
        if type(query) is Term:
            base = self.postings.term(query.fieldname, query.text)
            boost = query.boost
            # The documents of both, walking the smaller side, then their scores, all in C
            # loops (a broad term picks thousands). The order of a score dict matters to no
            # result: every combination below is per document.
            small = len(within) < len(base)
            common = base.keys() & within if small else within.intersection(base)
            scores = map(base.__getitem__, common)
            if boost != 1.0:  # Whoosh wraps the matcher: score × boost
                scores = map(float(boost).__rmul__, scores)
            return dict(zip(common, scores, strict=True))
        if isinstance(query, AndMaybe):
            required = self.scores(query.a, within)
            extra = self.scores(query.b, within)
            return {
                doc: score + extra[doc] if doc in extra else score
                for doc, score in required.items()
            }
        subs = _subqueries(query)
        if len(subs) == 1:  # Whoosh uses the only sub-matcher as is (compound boost ignored)
            return self.scores(subs[0], within)
        if isinstance(query, And):
            combined = self._tree(
                query, subs, _sum_both, lambda q: 0 - q.estimate_size(self.reader), within
            )
        elif isinstance(query, Or):
            combined = self._tree(
                query, subs, _sum_any, lambda q: q.estimate_size(self.reader), within
            )
        elif _is_best_field(query):
            # Whoosh builds this tree with make_weighted_tree, which drops the `tiebreak`
            # keyword: every node is a _BestFieldMatcher with tiebreak 0, so a document scores
            # the best field alone. Mirrored as is (the relevance suite was measured on it).
            combined = self._tree(
                query, subs, _best_of, lambda q: q.estimate_size(self.reader), within
            )
        else:
            raise UnsupportedQuery(type(query).__name__)
        if query.boost != 1.0:
            return {doc: score * query.boost for doc, score in combined.items()}
        return combined

    def _tree(
        self,
        query: Query,
        subs: list[Query],
        combine: Callable[[Scores, Scores], Scores],
        weight: Callable[[Query], float],
        within: set[int],
    ) -> Scores:
        # whoosh.util.make_weighted_tree: sort by weight (ties keep their order, as matchers
        # never compare "less" in a tuple), then repeatedly join the two lightest.
        items = sorted(
            ((weight(sub), n, self.scores(sub, within)) for n, sub in enumerate(subs)),
            key=lambda item: item[0],
        )
        weighted = [_Weighted(w, scores) for w, _, scores in items]
        while len(weighted) > 1:
            a = weighted.pop(0)
            b = weighted.pop(0)
            insort_right(weighted, _Weighted(a.weight + b.weight, combine(a.scores, b.scores)))
        return weighted[0].scores


class _Weighted:
    __slots__ = ("weight", "scores")

    def __init__(self, weight: float, scores: Scores) -> None:
        self.weight = weight
        self.scores = scores

    def __lt__(self, other: _Weighted) -> bool:
        return self.weight < other.weight


def _subqueries(query: Query) -> list[Query]:
    subs = getattr(query, "subqueries", None)
    if subs is None:
        raise UnsupportedQuery(type(query).__name__)
    return list(subs)


def _is_best_field(query: Query) -> bool:
    return type(query) is BestField


def _sum_both(a: Scores, b: Scores) -> Scores:
    # IntersectionMatcher: a.score() + b.score()
    if len(b) < len(a):
        return {doc: a[doc] + score for doc, score in b.items() if doc in a}
    return {doc: score + b[doc] for doc, score in a.items() if doc in b}


def _sum_any(a: Scores, b: Scores) -> Scores:
    # UnionMatcher: both on the document → a + b, else the one that is. (Addition commutes
    # exactly in floating point, so the smaller dict is the one walked.)
    if len(b) > len(a):
        a, b = b, a
    out = dict(a)
    for doc, score in b.items():
        out[doc] = out[doc] + score if doc in out else score
    return out


def _best_of(a: Scores, b: Scores) -> Scores:
    # search.ranking._BestFieldMatcher with tiebreak 0: the higher score of the two.
    if len(b) > len(a):
        a, b = b, a
    out = dict(a)
    for doc, score in b.items():
        if doc not in out or score > out[doc]:
            out[doc] = score
    return out
