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

from whoosh.query import And, AndMaybe, NullQuery, Or, Query, Term
from whoosh.scoring import WeightLengthScorer

from .ranking import BestField

# Above this many cached postings a searcher's cache starts over (bounded memory; at 20,000
# products the name/place/producer fields hold about a million).
MAX_CACHED_POSTINGS = 4_000_000

Scores = dict[int, float]


class UnsupportedQuery(Exception):
    """A query shape this module does not mirror; run it through Whoosh."""


class PostingScores:
    """One searcher's term scores: (field, text) → {docnum: BM25F score, boost 1}.

    Deleted documents are left out (Whoosh's postings skip them). Valid for the searcher it was
    built from only: global statistics (idf, average lengths) change with the index.
    """

    def __init__(self, searcher, max_postings: int = MAX_CACHED_POSTINGS, reader=None) -> None:
        self.searcher = searcher
        # What query-tree shapes are estimated with (`estimate_size`): the searcher's reader,
        # or one that remembers document frequencies (search/query.py).
        self.reader = reader if reader is not None else searcher.reader()
        self.max_postings = max_postings
        self._terms: dict[tuple[str, str], Scores] = {}
        self._docs: dict[tuple[str, str], frozenset[int]] = {}
        self._field_lengths: dict[tuple[int, str], list[int]] = {}
        self._size = 0

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
        if self._size + len(found) > self.max_postings:
            self._terms.clear()
            self._docs.clear()
            self._size = 0
        self._terms[key] = found
        self._size += len(found)
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
            next_posting, is_active = matcher.next, matcher.is_active
            current, weight = matcher.id, matcher.weight
            while is_active():
                docnum = current()
                found[docnum + offset] = score_of(weight(), lengths[docnum])
                next_posting()
        return found

    def _lengths(self, leaf_number: int, reader, fieldname: str) -> list[int]:
        """Every document's length of `fieldname` in one segment, as Whoosh's scorer sees it."""
        key = (leaf_number, fieldname)
        found = self._field_lengths.get(key)
        if found is None:
            count = reader.doc_count_all()
            found = [reader.doc_field_length(docnum, fieldname, 1) or 1 for docnum in range(count)]
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
            if len(within) < len(base):
                picked = {doc: base[doc] for doc in within if doc in base}
            else:
                picked = {doc: score for doc, score in base.items() if doc in within}
            if boost != 1.0:  # Whoosh wraps the matcher: score × boost
                return {doc: score * boost for doc, score in picked.items()}
            return picked
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
