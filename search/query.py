"""Search products: Whoosh finds and ranks ids, the database decides what is for sale and shows it.

Flow of one search (`ProductSearch.search`):
1. the query is cut into syllables; each must match (AND) in some field, in its folded form,
   its English stem, or as a glued bigram (`nuocmam`); exact diacritics, adjacent syllables
   and English phrases only *add* score (see `build_query`);
2. Whoosh scores every match (BM25F with per-field boosts); a small boost for stars and stock
   follows;
3. the matches are intersected with the **for-sale snapshot**: one query through
   `catalog.for_sale.for_sale_clause(on)` giving id → province, group, stars, price, stock, kept
   for `snapshot_ttl` seconds per calendar day `on`. Facets, filters, sorting and the total
   come from that one set, so the counts agree with what is listed;
4. the rows on the page are loaded with `select_for_sale(on)` in rank order — the for-sale rule
   is applied again on exactly what is shown, so a stale snapshot can hide a product for a few
   seconds but can never show one that is not for sale.

With no words matched, typos are corrected from the index's own vocabulary ("did you mean");
with no index at all (missing, corrupt), the same snapshot is searched in Python instead.
"""

from __future__ import annotations

import bisect
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from whoosh import scoring
from whoosh.matching import DisjunctionMaxMatcher
from whoosh.query import And as AndQuery
from whoosh.query import AndMaybe, DisjunctionMax, NullQuery, Or, Query, Term

from catalog.for_sale import current_stars_expr, for_sale_clause, select_for_sale
from catalog.models import Producer, Product
from core.db import db

from .analysis import english_analyzer, fold, has_marks, joined_bigrams, syllables, tone_key
from .indexer import drain_pending, has_pending, live_dir, open_index
from .postings import PostingScores, UnsupportedQuery, score_query

log = logging.getLogger(__name__)

SORTS = ("relevance", "price_asc", "price_desc", "stars")
FACETS = ("province", "group", "stars")
MAX_QUERY_SYLLABLES = 12

# Field boosts (measured on the relevance suite, see docs/search.md).
BOOST_NAME = 4.0
BOOST_NAME_GLUED = 3.0
BOOST_META = 1.0
BOOST_STORY = 0.3
BOOST_PLACE = 1.5
BOOST_NAME_EN = 2.5
BOOST_STORY_EN = 0.3
# Extra score, never required.
BOOST_NAME_BIGRAM = 5.0
BOOST_META_BIGRAM = 4.0
BOOST_PLACE_BIGRAM = 6.0
BOOST_NAME_EN_BIGRAM = 1.0
TIEBREAK = 0.2
# Search stories too when names, places and producers give fewer matches than this.
STORY_TIER_BELOW = 12
NAME_LENGTH_B = 0.3
FOLDED_WHEN_MARKED = 0.5
# Ranking nudges after BM25F: small, so they only break near-ties.
STAR_FACTOR = 0.03  # per star above 3
IN_STOCK_FACTOR = 1.02

_english = english_analyzer()
_ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)


# --- inputs and outputs ----------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    province_code: str | None = None
    group: str | None = None
    stars: int | None = None
    min_price_vnd: int | None = None
    max_price_vnd: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 24


@dataclass
class SearchPage:
    query: str
    items: list[Product]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # "Did you mean": a corrected query in the catalog's own spelling, or None.
    suggestion: str | None = None
    # True when the results are those of `suggestion` (nothing matched what was typed).
    corrected: bool = False
    # True when not every word matched (shown as "results for some of your words").
    relaxed: bool = False
    source: str = "index"  # or "database" when the index was unusable
    highlight_terms: frozenset[str] = frozenset()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class Suggestion:
    label: str  # product name as the catalog spells it
    slug: str
    product_id: int


# --- the for-sale snapshot -------------------------------------------------------------------


@dataclass(frozen=True)
class ForSaleRow:
    product_id: int
    province_code: str
    group: str
    stars: int
    price_vnd: int
    in_stock: bool
    name: str
    name_en: str
    slug: str
    place_text: str  # producer, province as given, commune: for the database fallback


class ForSaleSnapshot:
    """Every product for sale on one day, with what facets, sorting and suggestions need."""

    def __init__(self, on: date, rows: dict[int, ForSaleRow]) -> None:
        self.on = on
        self.rows = rows
        self._autocomplete: _AutocompleteIndex | None = None
        self._haystacks: dict[int, tuple[set[str], set[str]]] | None = None
        self._facet_columns: _FacetColumns | None = None

    def facet_columns(self) -> _FacetColumns:
        """Per-product facet values and per-value product sets, for counting in C loops."""
        if self._facet_columns is None:
            self._facet_columns = _FacetColumns(self.rows)
        return self._facet_columns

    @property
    def autocomplete(self) -> _AutocompleteIndex:
        if self._autocomplete is None:
            self._autocomplete = _AutocompleteIndex(self.rows.values())
        return self._autocomplete

    def haystacks(self) -> dict[int, tuple[set[str], set[str]]]:
        """id → (folded name words, folded other words); for the database fallback."""
        if self._haystacks is None:
            self._haystacks = {
                pid: (
                    set(fold(row.name).split()) | _glued(fold(row.name)),
                    set(syllables(fold(" ".join((row.name_en, row.place_text))))),
                )
                for pid, row in self.rows.items()
            }
        return self._haystacks


class _FacetColumns:
    def __init__(self, rows: dict[int, ForSaleRow]) -> None:
        self.values: dict[str, dict[int, str]] = {
            "province": {pid: row.province_code for pid, row in rows.items()},
            "group": {pid: row.group for pid, row in rows.items()},
            "stars": {pid: str(row.stars) for pid, row in rows.items()},
        }
        self.members: dict[str, dict[str, frozenset[int]]] = {}
        for facet, values in self.values.items():
            grouped: dict[str, set[int]] = {}
            for pid, value in values.items():
                grouped.setdefault(value, set()).add(pid)
            self.members[facet] = {value: frozenset(pids) for value, pids in grouped.items()}
        self.price: dict[int, int] = {pid: row.price_vnd for pid, row in rows.items()}


def _glued(folded_name: str) -> set[str]:
    return set(joined_bigrams(syllables(folded_name)))


def load_for_sale_snapshot(on: date) -> ForSaleSnapshot:
    """One query: every product for sale on `on` (through `for_sale_clause`), with its facets."""
    query = (
        select(
            Product.id,
            Producer.province_code,
            Product.group,
            current_stars_expr(on),
            Product.price_vnd,
            Product.stock,
            Product.name,
            Product.name_en,
            Product.slug,
            Producer.name,
            Producer.province_name_given,
            Producer.commune,
        )
        .join(Producer, Producer.id == Product.producer_id)
        .where(for_sale_clause(on))
    )
    rows = {}
    for (
        pid,
        province,
        group,
        stars,
        price,
        stock,
        name,
        name_en,
        slug,
        *place,
    ) in db.session.execute(query):
        rows[pid] = ForSaleRow(
            product_id=pid,
            province_code=province,
            group=group,
            stars=int(stars or 0),
            price_vnd=price,
            in_stock=stock > 0,
            name=name,
            name_en=name_en or "",
            slug=slug,
            place_text=" ".join(p for p in place if p),
        )
    return ForSaleSnapshot(on, rows)


class _BestFieldMatcher(DisjunctionMaxMatcher):
    """Whoosh 2.7.5's DisjunctionMaxMatcher scores a sub-matcher that sits on *another*
    document (`max(a.score(), b.score())` without checking ids), so a word found only in the
    story could score like a name hit. This one scores only sub-matchers on the current
    document, and adds `tiebreak` × the weaker one."""

    def score(self) -> float:
        current = self.id()
        a, b = self.a, self.b
        score_a = a.score() if a.is_active() and a.id() == current else 0.0
        score_b = b.score() if b.is_active() and b.id() == current else 0.0
        high, low = (score_a, score_b) if score_a >= score_b else (score_b, score_a)
        return high + self.tiebreak * low

    def replace(self, minquality: float = 0):
        replaced = super().replace(minquality)
        if isinstance(replaced, DisjunctionMaxMatcher) and replaced is not self:
            return _BestFieldMatcher(replaced.a, replaced.b, tiebreak=self.tiebreak)
        return replaced

    def copy(self):
        return _BestFieldMatcher(self.a.copy(), self.b.copy(), tiebreak=self.tiebreak)


class BestField(DisjunctionMax):
    """Matches any sub-query; scores the best-matching field.

    Note: `tiebreak` does not reach the matchers. Whoosh 2.7.5's `make_weighted_tree` accepts
    and drops keyword arguments, so every node is built with tiebreak 0: in effect the best
    field alone counts. The relevance suite was measured that way, and `search/postings.py`
    mirrors it (its tests compare with Whoosh's scores).
    """

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(
            subs,
            _BestFieldMatcher,
            searcher,
            context,
            lambda q: q.estimate_size(reader),
            tiebreak=self.tiebreak,
        )


def ranking_model() -> scoring.WeightingModel:
    """BM25F; names are short, so their length normalisation is mild (a long, precise name
    must not lose to a short one that merely contains the words)."""
    return scoring.BM25F(
        B=0.75, K1=1.2, name_B=NAME_LENGTH_B, name_k_B=NAME_LENGTH_B, name_j_B=NAME_LENGTH_B
    )


# --- query building --------------------------------------------------------------------------


def _english_terms(syllable: str) -> list[str]:
    if not syllable.isascii():
        return []
    return [token.text for token in _english(syllable)]


class _Terms:
    """Makes Term queries, leaving out terms the index does not hold (each would still cost a
    matcher in Whoosh's pure-Python matcher tree)."""

    def __init__(self, reader=None) -> None:
        self.reader = reader

    def __call__(self, fieldname: str, text: str, boost: float = 1.0) -> Query | None:
        if self.reader is not None and not self.reader.doc_frequency(fieldname, text):
            return None
        return Term(fieldname, text, boost=boost)


def _present(queries: Iterable[Query | None]) -> list[Query]:
    return [q for q in queries if q is not None]


def _token_clause(syllable: str, term: _Terms | None = None, *, stories: bool = True) -> Query:
    """One query syllable: it must match somewhere, in any of its forms."""
    term = term or _Terms()
    folded = fold(syllable)
    # Typed with marks, the exact word is what was meant (dưa ≠ dừa, hoà ≠ hóa): a folded-only
    # match still counts (recall), at a discount.
    marked = has_marks(syllable)
    factor = FOLDED_WHEN_MARKED if marked else 1.0
    alternatives = [
        term("name", folded, BOOST_NAME * factor),
        term("meta", folded, BOOST_META * factor),
        term("story", folded, BOOST_STORY * factor) if stories else None,
        # Run-together syllables: "nuocmam" is the glued bigram of "nước mắm".
        term("name_j", folded, BOOST_NAME_GLUED),
        term("meta_j", folded, BOOST_META),
        term("place", folded, BOOST_PLACE * factor),
        term("place_j", folded, BOOST_PLACE),
    ]
    if marked:
        key = tone_key(syllable)
        alternatives.append(term("name_k", key, BOOST_NAME))
        alternatives.append(term("text_k", key, BOOST_META))
        alternatives.append(term("place_k", key, BOOST_PLACE))
    for stem in _english_terms(syllable):
        alternatives.append(term("name_en", stem, BOOST_NAME_EN))
        if stories:
            alternatives.append(term("story_en", stem, BOOST_STORY_EN))
    present = _present(alternatives)
    if not present:
        return NullQuery
    if len(present) == 1:
        return present[0]
    # The best field counts, the others only a little: a word repeated in name, producer and
    # story must not outweigh a word the product lacks.
    return BestField(present, tiebreak=TIEBREAK)


def _bonus_clauses(words: list[str], term: _Terms) -> list[Query]:
    """Score that only adjacency earns (a phrase beats scattered words); never required."""
    bonus: list[Query | None] = []
    folded = [fold(word) for word in words]
    for bigram in joined_bigrams(folded):
        bonus.append(term("name_j", bigram, BOOST_NAME_BIGRAM))
        bonus.append(term("meta_j", bigram, BOOST_META_BIGRAM))
        bonus.append(term("place_j", bigram, BOOST_PLACE_BIGRAM))
    if all(word.isascii() for word in words) and len(words) > 1:
        stems = [stem for word in words for stem in _english_terms(word)]
        for stem in stems:
            bonus.append(term("name_en", stem, BOOST_NAME_EN_BIGRAM))
    return _present(bonus)


def _required_words(words: list[str]) -> list[str]:
    # English glue words ("of", "the") are not required when other words carry the query.
    content = [w for w in words if w not in _ENGLISH_STOPWORDS]
    return content or words


def build_query(
    words: list[str], *, match_all: bool = True, reader=None, stories: bool = True
) -> Query:
    """The Whoosh query for these lower-case NFC syllables (see the module docstring).

    With `reader`, terms absent from the index are left out (same matches, fewer matchers).
    Without `stories`, words must match in names, places, producers (the first, cheap tier).
    """
    term = _Terms(reader)
    required = [_token_clause(word, term, stories=stories) for word in _required_words(words)]
    if match_all and any(clause is NullQuery for clause in required):
        return NullQuery
    required = [clause for clause in required if clause is not NullQuery]
    if not required:
        return NullQuery
    core: Query = AndQuery(required) if match_all else Or(required)
    bonus = _bonus_clauses(words, term)
    return AndMaybe(core, Or(bonus)) if bonus else core


# --- typo correction -------------------------------------------------------------------------

_CORRECTION_FIELDS = ("name", "meta", "place", "name_j")
CONTEXT_WEIGHT = 20


def _known(reader, syllable: str) -> bool:
    folded = fold(syllable)
    if any(
        reader.doc_frequency(f, folded) for f in (*_CORRECTION_FIELDS, "story", "meta_j", "place_j")
    ):
        return True
    return any(reader.doc_frequency("name_en", stem) for stem in _english_terms(syllable))


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
        if _known(reader, word):
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


# --- highlighting ----------------------------------------------------------------------------


def highlight_segments(text: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    """Split `text` into (piece, is_match) where a syllable's folded form is a query term.

    Glued terms ('caphe') light up both syllables they stand for. The pieces are the original
    text, so the template escapes them and wraps matches in <mark>.
    """
    wanted = {fold(term) for term in terms}
    if not text or not wanted:
        return [(text, False)] if text else []
    from .analysis import SYLLABLE_RE, nfc

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


# --- autocomplete ----------------------------------------------------------------------------


class _AutocompleteIndex:
    """Folded name words → products, in memory: a prefix lookup is a bisect plus set work."""

    def __init__(self, rows: Iterable[ForSaleRow]) -> None:
        postings: dict[str, set[int]] = {}
        self.rows: dict[int, ForSaleRow] = {}
        self.words: dict[int, list[str]] = {}
        for row in rows:
            words = syllables(fold(row.name))
            self.rows[row.product_id] = row
            self.words[row.product_id] = words
            for word in set(words) | _glued(" ".join(words)):
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


# --- the search service ----------------------------------------------------------------------


class IndexUnusable(Exception):
    """The index is missing or unreadable; the caller falls back to the database."""


class _ForSaleDocs:
    """Docnums of the products for sale, their product ids, and each one's ranking nudge for
    stars and stock (small: it only breaks near-ties)."""

    def __init__(self, pids: list[int], snapshot: ForSaleSnapshot) -> None:
        rows = snapshot.rows
        self.pid_of: dict[int, int] = {}
        self.boost_of: dict[int, float] = {}
        for docnum, pid in enumerate(pids):
            row = rows.get(pid)
            if row is None:
                continue  # not for sale today: never shown, never counted
            boost = 1.0 + STAR_FACTOR * (row.stars - 3)
            if row.in_stock:
                boost *= IN_STOCK_FACTOR
            self.pid_of[docnum] = pid
            self.boost_of[docnum] = boost
        self.docs = frozenset(self.pid_of)


class _ReaderState:
    """One thread's open index: searcher plus docnum → product id."""

    def __init__(self, index_dir: str) -> None:
        self.folder = live_dir(index_dir)
        self.index = open_index(index_dir)
        self.searcher = self.index.searcher(weighting=ranking_model())
        self.pids = self._load_pids()
        self.postings = PostingScores(self.searcher)
        self._for_sale_docs: tuple[ForSaleSnapshot, _ForSaleDocs] | None = None

    def _load_pids(self) -> list[int]:
        column = self.searcher.reader().column_reader("pid")
        return [int(value) if value else 0 for value in column]

    def fresh(self, index_dir: str) -> _ReaderState:
        if live_dir(index_dir) != self.folder:
            self.close()
            return _ReaderState(index_dir)
        if not self.searcher.up_to_date():
            self.searcher = self.searcher.refresh()
            self.pids = self._load_pids()
            self.postings = PostingScores(self.searcher)
            self._for_sale_docs = None
        return self

    def for_sale_docs(self, snapshot: ForSaleSnapshot) -> _ForSaleDocs:
        """The documents of products in `snapshot` (computed once per snapshot)."""
        cached = self._for_sale_docs
        if cached is not None and cached[0] is snapshot:
            return cached[1]
        found = _ForSaleDocs(self.pids, snapshot)
        self._for_sale_docs = (snapshot, found)
        return found

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:  # already gone with its files
            log.debug("closing a stale searcher failed", exc_info=True)


class ProductSearch:
    """Per-process search service: cached searchers (one per thread) and for-sale snapshots.

    `snapshot_ttl` bounds how long facet counts may lag a change made by *another* process;
    changes made through this process call `invalidate()`. `on_index_unusable` is called (once
    per problem) when the index is missing or corrupt, e.g. to start a rebuild.
    """

    def __init__(
        self,
        index_dir: str,
        *,
        snapshot_ttl: float = 30.0,
        on_index_unusable: Callable[[str], None] | None = None,
        result_cache_size: int = 0,
    ) -> None:
        self.index_dir = index_dir
        self.snapshot_ttl = snapshot_ttl
        # Ranked hits of recent queries, valid for one searcher + one snapshot (0 = off).
        self.result_cache_size = result_cache_size
        self._results: dict = {}
        self.on_index_unusable = on_index_unusable
        self._local = threading.local()
        self._snapshot: tuple[float, ForSaleSnapshot] | None = None

    # snapshot -------------------------------------------------------------------------------

    def snapshot(self, on: date) -> ForSaleSnapshot:
        cached = self._snapshot
        now = time.monotonic()
        if cached and cached[1].on == on and now - cached[0] < self.snapshot_ttl:
            return cached[1]
        fresh = load_for_sale_snapshot(on)
        self._snapshot = (now, fresh)
        return fresh

    def invalidate(self) -> None:
        """Forget the cached for-sale snapshot (call after products changed)."""
        self._snapshot = None

    # index ----------------------------------------------------------------------------------

    def _reader(self) -> _ReaderState:
        state: _ReaderState | None = getattr(self._local, "state", None)
        try:
            if has_pending(self.index_dir):
                # Ids another writer could not write: apply them if nobody holds the lock.
                drain_pending(self.index_dir, timeout=0)
            state = _ReaderState(self.index_dir) if state is None else state.fresh(self.index_dir)
        except Exception as exc:
            self._local.state = None
            self._report_unusable(exc)
            raise IndexUnusable(str(exc)) from exc
        self._local.state = state
        return state

    def _report_unusable(self, exc: Exception) -> None:
        reason = "missing" if not os.path.exists(live_dir(self.index_dir)) else "corrupt"
        log.warning("search index %s is %s (%s); using the database", self.index_dir, reason, exc)
        if self.on_index_unusable is not None:
            self.on_index_unusable(reason)

    def _cached_hits(
        self, state: _ReaderState, words: list[str], snapshot: ForSaleSnapshot
    ) -> tuple[dict[int, float], list[str] | None, bool]:
        # Keyed by the searcher and the snapshot objects: a new index generation or a new
        # for-sale snapshot starts a fresh cache, so a cached answer is never staler than them.
        if self.result_cache_size <= 0:
            return self._index_hits(state, words, snapshot)
        key = (id(state.searcher), id(snapshot), tuple(words))
        cache = self._results
        if cache.get("owner") != (id(state.searcher), id(snapshot)):
            cache.clear()
            cache["owner"] = (id(state.searcher), id(snapshot))
        found = cache.get(key)
        if found is None:
            found = self._index_hits(state, words, snapshot)
            if len(cache) > self.result_cache_size:
                cache.clear()
                cache["owner"] = (id(state.searcher), id(snapshot))
            cache[key] = found
        return found

    def _index_hits(
        self, state: _ReaderState, words: list[str], snapshot: ForSaleSnapshot
    ) -> tuple[dict[int, float], list[str] | None, bool]:
        """(for-sale id → score, corrected words or None, relaxed)."""
        reader = state.searcher.reader()
        # Tier 1: names, places, producers. Stories are long and full of common words, so
        # matching them makes broad queries score thousands of documents; they are searched
        # only when tier 1 finds few (measured in docs/search.md).
        hits = self._tiered(state, words, snapshot)
        corrected: list[str] | None = None
        relaxed = False
        if not hits:
            candidate = correct_words(reader, words)
            if candidate:
                # The corrected words are searched like typed ones: stories only if needed.
                hits = self._tiered(state, candidate, snapshot)
                # Offer a correction only when it finds something.
                corrected = candidate if hits else None
        if not hits and len(words) > 1:
            hits = self._run(state, build_query(words, match_all=False, reader=reader), snapshot)
            relaxed = bool(hits)
        return hits, corrected, relaxed

    def _tiered(
        self, state: _ReaderState, words: list[str], snapshot: ForSaleSnapshot
    ) -> dict[int, float]:
        reader = state.searcher.reader()
        hits = self._run(state, build_query(words, reader=reader, stories=False), snapshot)
        if len(hits) < STORY_TIER_BELOW:
            hits = self._run(state, build_query(words, reader=reader), snapshot)
        return hits

    def _run(
        self, state: _ReaderState, query: Query, snapshot: ForSaleSnapshot
    ) -> dict[int, float]:
        if query is NullQuery:
            return {}
        # Every match is scored: facets and totals need them all. The scores are Whoosh's
        # BM25F, combined from per-term score maps kept in memory (search/postings.py), only
        # for documents for sale; a query shape it does not mirror goes through Whoosh.
        for_sale = state.for_sale_docs(snapshot)
        try:
            matched = score_query(query, state.postings, within=for_sale.docs)
        except UnsupportedQuery:
            results = state.searcher.search(query, limit=None)
            matched = {docnum: score for score, docnum in results.top_n if docnum in for_sale.docs}
        pid_of, boost_of = for_sale.pid_of, for_sale.boost_of
        return {pid_of[docnum]: score * boost_of[docnum] for docnum, score in matched.items()}

    def _database_hits(self, words: list[str], snapshot: ForSaleSnapshot) -> dict[int, float]:
        """Fallback without an index: every folded word in the name, English name or place."""
        scores: dict[int, float] = {}
        required = _required_words(words)
        forms = [(fold(w), set(_english_terms(w))) for w in required]
        for pid, (name_words, other_words) in snapshot.haystacks().items():
            score = 0.0
            for folded, stems in forms:
                if folded in name_words:
                    score += 3.0
                elif folded in other_words or stems & other_words:
                    score += 1.0
                else:
                    break
            else:
                scores[pid] = score
        return scores

    # public ---------------------------------------------------------------------------------

    def search(self, query_text: str, filters: SearchFilters, on: date) -> SearchPage:
        """One page of for-sale products matching `query_text` on `on` (see module docstring)."""
        words = syllables(query_text)[:MAX_QUERY_SYLLABLES]
        page_no = max(1, filters.page)
        result = SearchPage(
            query=" ".join(query_text.split()),
            items=[],
            total=0,
            page=page_no,
            per_page=filters.per_page,
        )
        if not words:
            return result
        snapshot = self.snapshot(on)
        corrected: list[str] | None = None
        try:
            state = self._reader()
            hits, corrected, result.relaxed = self._cached_hits(state, words, snapshot)
        except IndexUnusable:
            hits = self._database_hits(words, snapshot)
            result.source = "database"
        except Exception:  # a segment broke mid-search: same as a corrupt index
            log.exception("search failed on the index; using the database")
            self._local.state = None
            self._report_unusable(RuntimeError("search failed"))
            hits = self._database_hits(words, snapshot)
            result.source = "database"
        used_words = corrected or words
        result.highlight_terms = frozenset(fold(w) for w in used_words)
        ranked = _apply_filters_and_facets(hits, snapshot, filters, result)
        if corrected:
            top_names = [snapshot.rows[pid].name for pid in ranked[:5]]
            result.suggestion = spell_like_catalog([fold(w) for w in corrected], top_names)
            result.corrected = bool(hits)
        start = (page_no - 1) * filters.per_page
        page_ids = ranked[start : start + filters.per_page]
        result.items = _load_rows_in_order(page_ids, on)
        return result

    def suggest(self, text: str, on: date, limit: int = 8) -> list[Suggestion]:
        """Product names for sale whose folded words start like `text` (autocomplete)."""
        if not text.strip():
            return []
        return self.snapshot(on).autocomplete.suggest(text, limit)


def _apply_filters_and_facets(
    hits: dict[int, float], snapshot: ForSaleSnapshot, filters: SearchFilters, result: SearchPage
) -> list[int]:
    """Filter, count facets, sort; fills total and facets, returns all ids in display order.

    Each facet is counted with every *other* filter applied, so the number beside a value is
    exactly the total shown after choosing it.
    """
    rows = snapshot.rows
    columns = snapshot.facet_columns()
    # Set algebra over per-value product sets and C-level counting (map over dict lookups):
    # broad queries have thousands of hits. Same rule as `_matches`: the price range always
    # applies, each facet is counted with the *other* facet filters applied.
    wanted = {
        "province": filters.province_code or None,
        "group": filters.group or None,
        "stars": str(filters.stars) if filters.stars else None,
    }
    passing = {
        facet: columns.members[facet].get(value, frozenset())
        for facet, value in wanted.items()
        if value is not None
    }
    lowest, highest = filters.min_price_vnd, filters.max_price_vnd
    base: Iterable[int]
    if lowest is None and highest is None:
        base = hits.keys()
    else:
        price = columns.price
        base = {
            pid
            for pid in hits
            if (lowest is None or price[pid] >= lowest)
            and (highest is None or price[pid] <= highest)
        }

    def restricted(skip: str | None = None) -> Iterable[int]:
        out = base
        for facet, members in passing.items():
            if facet != skip:
                out = members.intersection(out)
        return out

    kept = list(restricted())
    facets = {
        facet: Counter(map(columns.values[facet].__getitem__, restricted(facet)))
        for facet in FACETS
    }
    result.total = len(kept)
    # Most frequent first; equal counts by value, so the order does not depend on hit order.
    result.facets = {
        facet: dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
        for facet, counter in facets.items()
    }
    sort = filters.sort if filters.sort in SORTS else "relevance"
    if sort == "price_asc":
        kept.sort(key=lambda pid: (rows[pid].price_vnd, -hits[pid], pid))
    elif sort == "price_desc":
        kept.sort(key=lambda pid: (-rows[pid].price_vnd, -hits[pid], pid))
    elif sort == "stars":
        kept.sort(key=lambda pid: (-rows[pid].stars, -hits[pid], pid))
    else:
        kept.sort()  # ids ascending, then a stable sort by score: ties keep id order
        kept.sort(key=hits.__getitem__, reverse=True)
    return kept


def _load_rows_in_order(page_ids: list[int], on: date) -> list[Product]:
    if not page_ids:
        return []
    # The for-sale rule again, on exactly the rows shown.
    products = db.session.scalars(select_for_sale(on).where(Product.id.in_(page_ids)))
    by_id = {product.id: product for product in products}
    return [by_id[pid] for pid in page_ids if pid in by_id]


# --- module-level entry points ---------------------------------------------------------------

_services: dict[str, ProductSearch] = {}


def _service_for(index_dir: str) -> ProductSearch:
    # Without an explicit service, do not cache the for-sale snapshot between calls.
    key = os.path.abspath(index_dir)
    if key not in _services:
        _services[key] = ProductSearch(index_dir, snapshot_ttl=0.0)
    return _services[key]


def search_products(
    index_dir: str,
    query_text: str,
    filters: SearchFilters,
    on: date,
    *,
    service: ProductSearch | None = None,
) -> SearchPage:
    """Search for-sale products on `on`; see `ProductSearch.search`."""
    return (service or _service_for(index_dir)).search(query_text, filters, on)


def autocomplete(
    index_dir: str, text: str, on: date, *, limit: int = 8, service: ProductSearch | None = None
) -> list[Suggestion]:
    """Autocomplete suggestions for the search box; see `ProductSearch.suggest`."""
    return (service or _service_for(index_dir)).suggest(text, on, limit)
