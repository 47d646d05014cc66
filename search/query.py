"""Search products: Whoosh finds and ranks ids, the database decides what is for sale and shows it.

Flow of one search (`ProductSearch.search`):
1. the query is cut into syllables; each must match (AND) in some field, in its folded form,
   its English stem, or as a glued bigram (`nuocmam`); exact diacritics, adjacent syllables
   and English phrases only *add* score (`ranking.build_query`);
2. Whoosh's BM25F scores every match (per-field boosts), computed from in-memory per-term
   score maps (`postings.py`); a small nudge for stars and stock follows;
3. the matches are intersected with the **for-sale snapshot** (`snapshot.py`): one query
   through `catalog.for_sale.for_sale_clause(on)` giving id → province, group, stars, price,
   stock, kept for `snapshot_ttl` seconds per calendar day `on`. Facets, filters, sorting and
   the total come from that one set, so the counts agree with what is listed;
4. the rows on the page are loaded with `for_sale_in_order` in rank order — the for-sale rule
   is applied again on exactly what is shown, so a stale snapshot can hide a product for a few
   seconds but can never show one that is not for sale.

Before 1, the words are *read* (`segmentation.py`: Telex/VNI residue, run-together syllables)
and *understood* as concepts (`understanding.py`: kinds with their other names in both
languages, spelling/regional variants, places as phrases); each concept must match. When fewer
than a page of products match every concept, the page continues with the related tier:
products matching most of them, kinds weighing most (`ProductSearch._related`).

With no words matched, typos are corrected from the index's own vocabulary (`spelling.py`,
"did you mean"); with no index at all (missing, corrupt), the same snapshot is searched in
Python instead (`snapshot.match_in_snapshot`). Autocomplete and highlighting live in
`autocomplete.py` and `highlight.py`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from operator import mul

from whoosh.query import NullQuery, Query

from catalog.products.listing import ProductQuery, ResultPage
from catalog.products.queries import for_sale_in_order

from .analysis import fold, has_marks, syllables, tone_key
from .autocomplete import Suggestion
from .indexer import drain_pending, has_pending, live_dir, open_index
from .input_methods import is_syllable
from .postings import PostingScores, ScoreMaps, UnsupportedQuery, matching_docs, score_query
from .ranking import (
    build_query,
    concept_clauses,
    ranking_model,
    ranking_nudge,
    region_clause,
    syllable_clauses,
)
from .segmentation import Vocabulary, read_words, respace
from .snapshot import ForSaleSnapshot, load_for_sale_snapshot, match_in_snapshot, refine
from .snapshot_keeper import SnapshotKeeper
from .spelling import (
    MAX_CORRECTIONS,
    correct_words,
    distance,
    is_english,
    is_known,
    real_word_corrections,
    spell_like_catalog,
)
from .understanding import (
    KIND,
    PLACE,
    Concept,
    broader_kinds,
    in_word_tables,
    kind_heads,
    understand,
    warm_up,
)

log = logging.getLogger(__name__)

MAX_QUERY_SYLLABLES = 12
# The warm-up reads score maps, most documents first, up to this many postings (~1 s of CPU in
# a background thread at 20,000 products, ~150 MB; docs/performance.md).
WARM_MAX_POSTINGS = 1_500_000
# Longest the warm-up waits, before each score map, for the searches running beside it.
WARM_YIELD_SECONDS = 0.05
# Terms of the previous generation warmed first in a new one (the most recently read).
MAX_PREVIOUS_TERMS = 2_000
# Search stories too when names, places and producers give fewer matches than this.
STORY_TIER_BELOW = 12
# The related tier is looked for when fewer products than this match every word (a page), and
# at most this many are kept; a related product must match at least this share of the query's
# weight (kinds weigh more than other words, places less: search/understanding.py).
RELATED_BELOW = 24
RELATED_MIN_COVERAGE = 0.5
# A product whose name starts with the kind the query names: × this.
KIND_FIRST_BOOST = 1.5
# Words a name may put before the fruit it is (folded: trái, quả).
FRUIT_CLASSIFIERS = ("trai", "qua")
# Related scores: coverage first (this × the share of the query matched), then, among equal
# coverage, the asked kind (this × 2 when the name starts with the kind or another name of it,
# × 1 with a broader kind it begins with: `Trà Hích` for `trà xanh`), then BM25F with the stars
# nudge.
RELATED_COVERAGE_SCALE = 10_000.0
RELATED_KIND_SCALE = 1_000.0
# Remembered document frequencies per searcher (bounded memory).
MAX_REMEMBERED_FREQUENCIES = 200_000
# Partial credit for part of an alternative name (vs part of the typed words).
ALTERNATIVE_PART = 0.5
# Partial credit for a product of the province a typed district lies in (its district unknown).
REGION_PART = 0.5


@dataclass
class SearchPage(ResultPage):
    """A page of search results: the listing page plus what relevance and facets add."""

    query: str = ""
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # "Did you mean": a corrected query in the catalog's own spelling, or None.
    suggestion: str | None = None
    # True when the results are those of `suggestion` (nothing matched what was typed).
    corrected: bool = False
    # True when not every word matched (shown as "results for some of your words").
    relaxed: bool = False
    source: str = "index"  # or "database" when the index was unusable
    highlight_terms: frozenset[str] = frozenset()
    # The related tier: how many of `items` (the last ones) match only *some* of the words.
    # `total` counts full matches only; related products fill page 1 when those are few.
    related_total: int = 0

    @property
    def related_from(self) -> int | None:
        """Index in `items` of the first related product (where the divider goes), or None."""
        return len(self.items) - self.related_total if self.related_total else None

    @property
    def matches(self) -> list[str]:
        """ "all" or "some" for each item, in order (the API's `match`)."""
        first = len(self.items) - self.related_total
        return ["all" if n < first else "some" for n in range(len(self.items))]


@dataclass
class _Hits:
    """What the index found: full matches, the related tier, a correction."""

    full: dict[int, float]
    related: dict[int, float]
    corrected: list[str] | None = None


# --- the search service ----------------------------------------------------------------------


class IndexUnusable(Exception):
    """The index is missing or unreadable; the caller falls back to the database."""


class _ForSaleDocs:
    """Docnums of the products for sale, their product ids, and each one's ranking nudge for
    stars and stock (small: it only breaks near-ties)."""

    def __init__(self, pids: list[int], snapshot: ForSaleSnapshot) -> None:
        rows = snapshot.rows
        # Indexed by docnum (a list index is cheaper than a dict lookup, and a broad query
        # maps 12,000 docnums); only the docnums in `docs` are ever looked up.
        self.pid_of: list[int] = [0] * len(pids)
        self.boost_of: list[float] = [0.0] * len(pids)
        docs = []
        for docnum, pid in enumerate(pids):
            row = rows.get(pid)
            if row is None:
                continue  # not for sale today: never shown, never counted
            docs.append(docnum)
            self.pid_of[docnum] = pid
            self.boost_of[docnum] = ranking_nudge(row.stars, row.in_stock)
        self.docs = frozenset(docs)
        self._doc_of: dict[int, int] | None = None

    def doc_of(self, pid: int) -> int | None:
        """The docnum of a product for sale (the reverse map is built once per snapshot)."""
        if self._doc_of is None:
            self._doc_of = {self.pid_of[docnum]: docnum for docnum in self.docs}
        return self._doc_of.get(pid)


class _Frequencies:
    """The index reader with `doc_frequency` remembered: one query asks for the same
    (field, term) many times (its clauses for both tiers, the related tier, alternatives), and
    Whoosh answers each from disk structures (~10–20 µs). Valid for one searcher."""

    def __init__(self, reader, shared: _Generation | None = None) -> None:
        self._reader = reader
        # Shared by every searcher of one index generation (answers depend on it alone).
        self._known: dict[tuple[str, str], int] = shared.frequencies if shared else {}
        self._vocabularies: dict[tuple[str, int], dict[str, list[str]]] = (
            shared.vocabularies if shared else {}
        )
        # Every term of some fields (read by the warm-up): a word not among them is in no
        # document, answered without asking Whoosh (~80 µs a miss, and most lookups of a
        # query's spellings and stems are misses).
        self._complete: dict[str, frozenset[str]] = shared.complete if shared else {}

    def doc_frequency(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        found = self._known.get(key)
        if found is None:
            complete = self._complete.get(fieldname)
            if complete is not None and type(text) is str and text not in complete:
                return 0
            if len(self._known) > MAX_REMEMBERED_FREQUENCIES:
                self._known.clear()
            found = self._known[key] = self._reader.doc_frequency(fieldname, text)
        return found

    def terms_within(self, fieldname: str, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Whoosh's `terms_within` (Levenshtein distance, the first `prefix` letters shared)
        from the field's terms kept in memory: Whoosh walks an automaton over the term index in
        Python, 20–100 ms a word at 20,000 products (every typo correction tries four fields);
        the vocabularies are a few thousand syllables. Same terms (tests/search/test_typos.py)."""
        key = (fieldname, prefix)
        by_start = self._vocabularies.get(key)
        if by_start is None:
            by_start = {}
            for term in self._reader.field_terms(fieldname):
                by_start.setdefault(term[:prefix], []).append(term)
            self._vocabularies[key] = by_start
        return [
            term
            for term in by_start.get(text[:prefix], ())
            if abs(len(term) - len(text)) <= maxdist
            and distance(text, term, maxdist, transpositions=False) <= maxdist
        ]

    def __getattr__(self, name: str):
        return getattr(self._reader, name)


class _Generation:
    """What every searcher of one index generation computes alike, kept once per process and
    shared across threads: the score maps (postings.py), remembered document frequencies and
    vocabularies, docnum → product id, the for-sale documents of the current snapshot.

    Keyed by the generation's folder and Whoosh's TOC generation: any write makes a new key,
    so nothing read from an older generation is ever used with a newer one (its maps are
    dropped with it). No lock guards the dicts: a request uses what is there and reads what is
    missing itself, never waiting for the warm-up that fills them (`ProductSearch.warm_up`).
    """

    def __init__(self, key: tuple[str, object]) -> None:
        self.key = key
        self.maps = ScoreMaps()
        self.frequencies: dict[tuple[str, str], int] = {}
        self.vocabularies: dict[tuple[str, int], dict[str, list[str]]] = {}
        self.complete: dict[str, frozenset[str]] = {}  # field → all its terms (warm-up)
        self.pids: list[int] | None = None
        self.for_sale: tuple[ForSaleSnapshot, _ForSaleDocs] | None = None
        # Terms the generation before this one had read: what shoppers type now (warmed first).
        self.previous_terms: list[tuple[str, str]] = []
        self.warm_started = False  # a warm-up was started for this generation
        self.warmed = threading.Event()  # ... and has finished

    def drop(self) -> None:
        """Forget what was computed (a newer generation took over). In place: every searcher
        of this generation holds these very dicts."""
        self.maps.clear()
        self.maps.field_lengths.clear()
        self.maps.field_norms.clear()
        self.frequencies.clear()
        self.vocabularies.clear()
        self.complete.clear()
        self.for_sale = None


def _generation_key(folder: str, searcher) -> tuple[str, object]:
    generation = searcher.reader().generation()
    return (folder, generation if generation is not None else id(searcher))


class _ReaderState:
    """One thread's open index: its own searcher (Whoosh readers are not shared across
    threads), over the generation's shared caches."""

    def __init__(self, index_dir: str, generations: _Generations, announce: bool = True) -> None:
        self.folder = live_dir(index_dir)
        self.index = open_index(index_dir)
        self._generations = generations
        self._announce = announce  # False for the warm-up's own searcher
        self._open(self.index.searcher(weighting=ranking_model()))

    def _open(self, searcher) -> None:
        self.searcher = searcher
        key = _generation_key(self.folder, searcher)
        self.generation = self._generations.get(key, announce=self._announce)
        if self.generation.pids is None:
            self.generation.pids = self._load_pids()
        self.pids = self.generation.pids
        self.frequencies = _Frequencies(self.searcher.reader(), self.generation)
        self.postings = PostingScores(
            self.searcher, reader=self.frequencies, maps=self.generation.maps
        )
        self.vocabulary = Vocabulary(self.frequencies)

    def _load_pids(self) -> list[int]:
        column = self.searcher.reader().column_reader("pid")
        return [int(value) if value else 0 for value in column]

    def fresh(self, index_dir: str) -> _ReaderState:
        if live_dir(index_dir) != self.folder:
            self.close()
            return _ReaderState(index_dir, self._generations, self._announce)
        if not self.searcher.up_to_date():
            self._open(self.searcher.refresh())
        return self

    def for_sale_docs(self, snapshot: ForSaleSnapshot) -> _ForSaleDocs:
        """The documents of products in `snapshot` (computed once per snapshot and generation)."""
        cached = self.generation.for_sale
        if cached is not None and cached[0] is snapshot:
            return cached[1]
        found = _ForSaleDocs(self.pids, snapshot)
        self.generation.for_sale = (snapshot, found)
        return found

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:  # already gone with its files
            log.debug("closing a stale searcher failed", exc_info=True)


class _Activity:
    """How many searches are running in this process (a context manager around each), and a
    way for a background job to wait, up to a bound, until none is."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._idle = threading.Event()
        self._idle.set()

    def __enter__(self) -> None:
        with self._lock:
            self._running += 1
            self._idle.clear()

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self._running -= 1
            if not self._running:
                self._idle.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no search runs (True) or `timeout` seconds passed (False)."""
        return self._idle.wait(timeout)


class _Generations:
    """The process's `_Generation`s: the newest one seen, and any still used by a thread that
    has not yet moved on (held by its `_ReaderState` only, so dropped with it)."""

    def __init__(self, on_new: Callable[[_Generation], None] | None = None) -> None:
        self._lock = threading.Lock()
        self.latest: _Generation | None = None
        self.on_new = on_new

    def get(self, key: tuple[str, object], announce: bool = True) -> _Generation:
        """The generation of `key`, created when new (then `on_new` is told, if `announce`)."""
        with self._lock:  # held for a comparison only
            latest = self.latest
            if latest is not None and latest.key == key:
                return latest
            created = _Generation(key)
            if latest is not None:
                created.previous_terms = list(latest.maps.terms)[-MAX_PREVIOUS_TERMS:]
                # Freed now, not when the last thread still on it serves its next request (an
                # idle thread could keep 100+ MB alive for hours); a request still using it
                # reads what it needs again from its own, still open, searcher.
                latest.drop()
            self.latest = created
        if announce and self.on_new is not None:
            self.on_new(created)
        return created


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
        snapshots: SnapshotKeeper | None = None,
        warm_in_background: bool = False,
        background: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self.index_dir = index_dir
        # Warm each new index generation's score maps in a background thread as soon as a
        # request opens it (`start_warm_up`); `background(job)` runs a job in a thread with
        # what it needs (the web layer gives an app context, for the for-sale snapshot).
        self.warm_in_background = warm_in_background
        self._background = background
        self._generations = _Generations(on_new=self._generation_opened)
        self._searching = _Activity()
        self.warm_ups = 0  # background warm-ups started (for tests and the bench)
        # When given, the keeper holds the snapshot (patched per change, reloaded in the
        # background: search/snapshot_keeper.py) and `snapshot_ttl` is not used.
        self.snapshots = snapshots
        self.snapshot_ttl = snapshot_ttl
        # Ranked hits of recent queries, valid for one searcher + one snapshot (0 = off).
        self.result_cache_size = result_cache_size
        self._results: dict = {}
        self.on_index_unusable = on_index_unusable
        self._local = threading.local()
        self._snapshot: tuple[float, ForSaleSnapshot] | None = None
        # The word tables and place names (read once per process, ~1 s): now, not on a
        # shopper's first query.
        warm_up()

    # snapshot -------------------------------------------------------------------------------

    def snapshot(self, on: date) -> ForSaleSnapshot:
        if self.snapshots is not None:
            return self.snapshots.get(on)
        cached = self._snapshot
        now = time.monotonic()
        if cached and cached[1].on == on and now - cached[0] < self.snapshot_ttl:
            return cached[1]
        fresh = load_for_sale_snapshot(on)
        self._snapshot = (now, fresh)
        return fresh

    def invalidate(self) -> None:
        """Forget the cached for-sale snapshot (call after products changed)."""
        if self.snapshots is not None:
            self.snapshots.invalidate()
        self._snapshot = None

    # index ----------------------------------------------------------------------------------

    def _reader(self) -> _ReaderState:
        state: _ReaderState | None = getattr(self._local, "state", None)
        try:
            if has_pending(self.index_dir):
                # Ids another writer could not write: apply them if nobody holds the lock.
                drain_pending(self.index_dir, timeout=0)
            state = (
                _ReaderState(self.index_dir, self._generations)
                if state is None
                else state.fresh(self.index_dir)
            )
        except Exception as exc:
            self._local.state = None
            self._report_unusable(exc)
            raise IndexUnusable(str(exc)) from exc
        self._local.state = state
        return state

    def warm_up(
        self,
        on: date | None = None,
        max_postings: int = WARM_MAX_POSTINGS,
        *,
        once: bool = False,
    ) -> int:
        """Read now, into the live generation's shared caches, what the first queries of a
        fresh searcher would read one by one: the score maps of the terms the previous
        generation had used (an edit changes statistics, not what shoppers type), then of each
        field's most frequent terms (the costly ones; rare terms are cheap), with every field's
        lengths; then the for-sale documents of `on`'s snapshot. Runs in the calling thread on
        a searcher of its own (closed after); requests meanwhile use what is already read and
        read the rest themselves — none waits for this. With `once`, a generation already
        warmed (or being warmed) is left alone. Returns the score maps read."""
        try:
            state = _ReaderState(self.index_dir, self._generations, announce=False)
        except Exception:  # no usable index: a request will report it and rebuild
            log.debug("no index to warm", exc_info=True)
            return 0
        generation = state.generation
        with self._generations._lock:
            claimed = not generation.warm_started
            generation.warm_started = True
        try:
            if once and not claimed:
                return 0
            read = self._warm_maps(state, max_postings)
            if on is not None:
                state.for_sale_docs(self.snapshot(on))
            return read
        finally:
            if claimed or not once:
                generation.warmed.set()
            state.close()

    def _warm_maps(self, state: _ReaderState, max_postings: int) -> int:
        generation, postings = state.generation, state.postings
        # Step aside for searches within a map too, between its posting blocks (a map of
        # 12,000 postings is a few ms of pure Python).
        postings.pause = lambda: self._searching.wait_idle(WARM_YIELD_SECONDS)
        reader = state.searcher.reader()
        schema = state.searcher.schema
        wanted: list[tuple[str, str]] = list(generation.previous_terms)
        by_value: list[tuple[float, str, str]] = []
        for fieldname, kind in schema.items():
            if not kind.scorable:
                continue
            from_bytes = kind.from_bytes
            terms, sizes = [], []
            for btext, info in reader.iter_field(fieldname):
                terms.append(from_bytes(btext) if isinstance(btext, bytes) else btext)
                sizes.append(info.doc_frequency())
            generation.complete[fieldname] = frozenset(terms)
            # Stories are searched only when names and places find few (STORY_TIER_BELOW).
            if "story" in fieldname or not terms:
                continue
            # Worth reading first: likely typed (its share of the field's postings) × costly
            # to read on a request (its postings).
            field_total = sum(sizes) or 1
            by_value.extend(
                (size * size / field_total, fieldname, text)
                for size, text in zip(sizes, terms, strict=True)
            )
        # The typo vocabularies (`_Frequencies.terms_within`), as spelling.py asks for them.
        from .spelling import _CORRECTION_FIELDS

        for fieldname in _CORRECTION_FIELDS:
            if fieldname in schema:
                state.frequencies.terms_within(fieldname, "", 0, prefix=1)
        by_value.sort(key=lambda item: -item[0])
        wanted.extend((fieldname, text) for _value, fieldname, text in by_value)
        read = total = 0
        for fieldname, word in wanted:
            if self._generations.latest is not generation:
                break  # a newer generation appeared: its own warm-up takes over
            # Step aside while searches run in this process: they share the GIL with this
            # thread, and a request matters more than a map it may not need (bounded, so
            # steady traffic slows the warm-up down without stopping it).
            self._searching.wait_idle(WARM_YIELD_SECONDS)
            if postings.has(fieldname, word):
                continue
            total += len(postings.term(fieldname, word))
            read += 1
            if total > max_postings:  # stay well inside the score-map cache
                break
        return read

    def start_warm_up(self, on: Callable[[], date] | None = None) -> threading.Thread | None:
        """`warm_up(on())` in a background thread, at most once per index generation; the
        caller does not touch the index (no wait, not even to open it). A web worker calls it
        when it starts; each new generation starts one when a request first opens it. Returns
        the thread, or None when the `background` runner given at construction started it."""
        self.warm_ups += 1

        def job() -> None:
            started = time.thread_time()
            try:
                read = self.warm_up(on() if on is not None else None, once=True)
            except Exception:  # a cache: requests go on reading what they need
                log.exception("warming the search index failed")
                return
            if read:
                spent = (time.thread_time() - started) * 1000
                log.info("search warm-up: %d score maps read (%.0f ms CPU)", read, spent)

        if self._background is not None:
            self._background(job)
            return None
        thread = threading.Thread(target=job, name="search-warm-up", daemon=True)
        thread.start()
        return thread

    def _generation_opened(self, generation: _Generation) -> None:
        if self.warm_in_background and not generation.warm_started:
            self.start_warm_up()

    def _report_unusable(self, exc: Exception) -> None:
        reason = "missing" if not os.path.exists(live_dir(self.index_dir)) else "corrupt"
        log.warning("search index %s is %s (%s); using the database", self.index_dir, reason, exc)
        if self.on_index_unusable is not None:
            self.on_index_unusable(reason)

    def _cached_hits(
        self, state: _ReaderState, words: list[str], snapshot: ForSaleSnapshot
    ) -> _Hits:
        # Keyed by the generation and the snapshot objects: a new index generation or a new
        # for-sale snapshot starts a fresh cache, so a cached answer is never staler than them.
        if self.result_cache_size <= 0:
            return self._index_hits(state, words, snapshot)
        # The generation (shared by every thread's searcher on it), not the searcher: with one
        # searcher per thread, two threads would otherwise clear each other's cache.
        owner = (state.generation, snapshot)
        key = tuple(words)
        cache = self._results
        if cache.get("owner") != owner:
            cache.clear()
            cache["owner"] = owner
        found = cache.get(key)
        if found is None:
            found = self._index_hits(state, words, snapshot)
            if len(cache) > self.result_cache_size:
                cache.clear()
                cache["owner"] = owner
            cache[key] = found
        return found

    def _index_hits(
        self, state: _ReaderState, words: list[str], snapshot: ForSaleSnapshot
    ) -> _Hits:
        """Full matches (every concept), the related tier when those are few, a correction."""
        reader = state.frequencies
        corrected: list[str] | None = None
        # Words the catalog does not hold: Telex/VNI residue, run-together syllables.
        typed = words
        read = read_words(words, state.vocabulary, known=lambda word: _as_typed(reader, word))
        if read:
            words = corrected = read[:MAX_QUERY_SYLLABLES]
        plan = self._understand(reader, words)
        # Tier 1: names, places, producers. Stories are long and full of common words, so
        # matching them makes broad queries score thousands of documents; they are searched
        # only when tier 1 finds few (measured in docs/search.md).
        hits = self._tiered(state, plan, snapshot)
        # A reading that finds nothing may have read a typo (`sochola` is no "soc ho la"):
        # the typed words are corrected too.
        guess: tuple[list[str], list[Concept]] | None = None
        for base in (words, typed) if read else (words,):
            for choice in range(MAX_CORRECTIONS if not hits else 0):
                candidate = correct_words(reader, base, choice)
                if not candidate:
                    break
                # The corrected words are searched like typed ones: stories only if needed.
                corrected_plan = self._understand(reader, candidate)
                guess = guess or (candidate, corrected_plan)
                hits = self._tiered(state, corrected_plan, snapshot)
                # Offer a correction only when it finds something.
                if hits:
                    corrected, plan, words = candidate, corrected_plan, candidate
                    break
        if not hits:
            # A space typed one letter off (`ma tong` for mật ong): the words joined and cut
            # again at the catalog's syllables.
            respaced = respace(words, state.vocabulary)
            if respaced:
                respaced_plan = self._understand(reader, respaced)
                hits = self._tiered(state, respaced_plan, snapshot)
                if hits:
                    corrected, plan, words = respaced, respaced_plan, respaced
        if not hits and len(words) > 1:
            # Every word may be real and still mistyped into another (`yen xao`): the catalog
            # glues none of them to its neighbour, a word one edit away it glues often.
            for candidate in real_word_corrections(reader, words):
                corrected_plan = self._understand(reader, candidate)
                hits = self._tiered(state, corrected_plan, snapshot)
                if hits:
                    corrected, plan = candidate, corrected_plan
                    break
        if not hits and guess:
            # Nothing matches every word even corrected (`dried durain`: no dried durian):
            # the related tier is that of the best correction, not of the typo.
            corrected, plan = guess
        if hits:
            hits = _kind_first(hits, plan, snapshot)
        related: dict[int, float] = {}
        if len(hits) < RELATED_BELOW and sum(len(concept.words) for concept in plan) > 1:
            related = self._related(state, plan, snapshot, exclude=hits)
        return _Hits(hits, related, corrected)

    @staticmethod
    def _understand(reader, words: list[str]) -> list[Concept]:
        return understand(
            words,
            known=lambda word: is_known(reader, word),
            english=lambda word: is_english(reader, word),
        )

    def _related(
        self,
        state: _ReaderState,
        plan: list[Concept],
        snapshot: ForSaleSnapshot,
        exclude: dict[int, float],
    ) -> dict[int, float]:
        """Products matching most of the query's concepts (weighted), best first.

        The score puts more coverage first, then BM25F among equal coverage; only the few best
        coverage levels are scored (enough for a page).
        """
        reader = state.frequencies
        for_sale = state.for_sale_docs(snapshot)
        pairs = concept_clauses(plan, reader=reader, stories=False)
        total = sum(concept.weight for concept, _ in pairs)
        coverage: dict[int, float] = {}
        within = for_sale.docs
        for concept, clause in pairs:
            weight = concept.weight
            whole = (
                matching_docs(clause, state.postings) & within if clause is not NullQuery else set()
            )
            # Part of a phrase counts for its part ("mắm" of "nước mắm", "chè" of "chè xanh"
            # for `trà xanh`): the best share of any one way of saying the concept.
            partial: dict[int, float] = {}
            ways = syllable_clauses(concept, reader=reader, stories=False)
            if len(concept.words) < 2 or concept.role == PLACE:
                # A single typed word is matched whole or not at all; a place is a phrase
                # (a syllable of "Bến Tre" is no evidence of Bến Tre).
                ways = []
            for number, way in enumerate(ways):
                found: dict[int, int] = {}
                for part in way:
                    for docnum in matching_docs(part, state.postings) & within - whole:
                        found[docnum] = found.get(docnum, 0) + 1
                size = len(way)
                # Part of another name (an alternative) is weaker evidence than part of the
                # words typed.
                weaker = 1.0 if number == 0 else ALTERNATIVE_PART
                for docnum, count in found.items():
                    share = weaker * weight * min(count, size) / max(size, len(concept.words), 2)
                    if share > partial.get(docnum, 0.0):
                        partial[docnum] = share
            if concept.regions:
                region = region_clause(concept, reader=reader)
                if region is not NullQuery:
                    for docnum in matching_docs(region, state.postings) & within - whole:
                        partial[docnum] = max(partial.get(docnum, 0.0), REGION_PART * weight)
            for docnum, share in partial.items():
                coverage[docnum] = coverage.get(docnum, 0.0) + share
            for docnum in whole:
                coverage[docnum] = coverage.get(docnum, 0.0) + weight
        pid_of = for_sale.pid_of
        # Below full matches, only products matching most of the query; with none, the best
        # there is (never a dead end when the catalog holds something close).
        least = RELATED_MIN_COVERAGE * total if exclude else 0.0
        levels: dict[float, list[int]] = {}
        for docnum, covered in coverage.items():
            if covered >= least and pid_of[docnum] not in exclude:
                levels.setdefault(covered, []).append(docnum)
        eligible = sum(len(docs) for docs in levels.values())
        if eligible < RELATED_BELOW:
            # Products that *are* the kind asked for follow a precise query even when its other
            # words outweigh the kind (a shopper who typed a kind plus an origin, flavour or
            # brand wants the other products of that kind below): as many as the page lacks,
            # those sharing most with the query first.
            for docnum in _of_kind(
                plan, snapshot, for_sale, coverage, least, exclude, RELATED_BELOW - eligible
            ):
                levels.setdefault(coverage.get(docnum, 0.0), []).append(docnum)
        chosen: dict[int, float] = {}
        for covered in sorted(levels, reverse=True):
            for docnum in levels[covered]:
                chosen[docnum] = covered / total
            if len(chosen) >= RELATED_BELOW:
                break
        if not chosen:
            return {}
        query = build_query(plan, match_all=False, reader=reader, stories=False)
        scores = score_query(query, state.postings, within=set(chosen))
        boost_of = for_sale.boost_of
        # Among equal coverage: BM25F, with the kind-first rule of full matches.
        relevance = _kind_first(
            {pid_of[d]: scores.get(d, 0.0) * boost_of[d] for d in chosen}, plan, snapshot
        )
        level = _kind_levels(plan, snapshot)
        return {
            pid_of[docnum]: RELATED_KIND_SCALE * level(pid_of[docnum])
            + RELATED_COVERAGE_SCALE * share
            + relevance[pid_of[docnum]]
            for docnum, share in chosen.items()
        }

    def _tiered(
        self, state: _ReaderState, plan: list[Concept], snapshot: ForSaleSnapshot
    ) -> dict[int, float]:
        reader = state.frequencies
        hits = self._run(state, build_query(plan, reader=reader, stories=False), snapshot)
        if len(hits) < STORY_TIER_BELOW:
            hits = self._run(state, build_query(plan, reader=reader), snapshot)
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
        # {pid_of[d]: score × boost_of[d]} in C loops (the same products, products and order).
        return dict(
            zip(
                map(for_sale.pid_of.__getitem__, matched),
                map(mul, matched.values(), map(for_sale.boost_of.__getitem__, matched)),
                strict=True,
            )
        )

    # public ---------------------------------------------------------------------------------

    def search(
        self,
        query_text: str,
        filters: ProductQuery,
        on: date,
        load_rows: Callable[[list[int], date], list] = for_sale_in_order,
    ) -> SearchPage:
        """One page of for-sale products matching `query_text` on `on` (see module docstring).
        `load_rows` reads the page's rows through the for-sale rule: full products by default,
        `catalog.products.cards.for_sale_cards_in_order` for a page that shows only cards."""
        with self._searching:  # a warm-up running beside steps aside (`_Activity`)
            return self._search(query_text, filters, on, load_rows)

    def _search(
        self,
        query_text: str,
        filters: ProductQuery,
        on: date,
        load_rows: Callable[[list[int], date], list],
    ) -> SearchPage:
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
        related: dict[int, float] = {}
        corrected: list[str] | None = None
        try:
            state = self._reader()
            found = self._cached_hits(state, words, snapshot)
            hits, related, corrected = found.full, found.related, found.corrected
        except IndexUnusable:
            hits = match_in_snapshot(words, snapshot)
            result.source = "database"
        except Exception:  # a segment broke mid-search: same as a corrupt index
            log.exception("search failed on the index; using the database")
            self._local.state = None
            self._report_unusable(RuntimeError("search failed"))
            hits = match_in_snapshot(words, snapshot)
            result.source = "database"
        used_words = corrected or words
        result.highlight_terms = frozenset(fold(w) for w in used_words)
        refined = refine(hits, snapshot, filters)
        ranked = refined.ids
        result.total, result.facets = len(ranked), refined.facets
        if corrected:
            top_names = [snapshot.rows[pid].name for pid in ranked[:5]]
            result.suggestion = spell_like_catalog([fold(w) for w in corrected], top_names)
            result.corrected = bool(hits)
        start = (page_no - 1) * filters.per_page
        page_ids = ranked[start : start + filters.per_page]
        if related and page_no == 1 and len(page_ids) < filters.per_page:
            # The related tier: the page continues with products matching most of the words.
            more = refine(related, snapshot, filters)
            if not ranked:
                result.facets = more.facets
                result.relaxed = bool(more.ids)
            extra = more.ids[: filters.per_page - len(page_ids)]
            page_ids = page_ids + extra
        result.items = load_rows(page_ids, on)  # the for-sale rule again, on these rows
        result.related_total = sum(1 for p in result.items if p.id not in hits)
        return result

    def suggest(self, text: str, on: date, limit: int = 8) -> list[Suggestion]:
        """Product names for sale whose folded words start like `text` (autocomplete)."""
        if not text.strip():
            return []
        return self.snapshot(on).autocomplete.suggest(text, limit)


def _as_typed(reader, word: str) -> bool:
    """Whether a word is searched as typed: a word of the tables, or one the index holds that
    is a syllable or an English word. A known *glued* word (`dauphung`) is read as its
    syllables, so the variant tables apply to them (đậu phụng ↔ đậu phộng)."""
    if in_word_tables(word):
        return True
    if not is_known(reader, word):
        return False
    return is_syllable(fold(word)) or not word.isascii() or is_english(reader, word)


def _kind_first(
    hits: dict[int, float], plan: list[Concept], snapshot: ForSaleSnapshot
) -> dict[int, float]:
    """Products whose name *starts* with a kind the query names ("Gạo thơm …" for `gạo`) rise
    above those that carry the word later, usually in a brand ("Tranh gạo", "… Lê Gia")."""
    heads = {
        " ".join(fold(word) for word in words)
        for concept in plan
        if concept.role == KIND
        for words in (concept.words, *concept.alternatives)
    }
    if not heads:
        return hits
    starting = snapshot.name_heads()
    boosted = dict(hits)
    for head in _with_classifiers(heads):
        for pid in starting.get(head, frozenset()).intersection(hits):
            boosted[pid] = hits[pid] * KIND_FIRST_BOOST
    return boosted


def _of_kind(
    plan: list[Concept],
    snapshot: ForSaleSnapshot,
    for_sale: _ForSaleDocs,
    coverage: dict[int, float],
    least: float,
    exclude: dict[int, float],
    wanted: int,
) -> list[int]:
    """Up to `wanted` docnums of products for sale whose name starts with the kind the query
    asks for, another name of it or a broader kind (by the name only: a kind word in a producer
    or place name, "Trà Vinh", is no evidence), those with most coverage first."""
    starting = snapshot.name_heads()
    forms = []
    for form in _kind_names(plan):
        pids = starting.get(" ".join(fold(word) for word in form))
        if pids:
            marked = any(map(has_marks, form))
            forms.append((pids, tuple(tone_key(word) for word in form) if marked else None))
    if not forms:
        return []

    def fits(pid: int) -> bool:
        for pids, keys in forms:
            if pid in pids:
                if keys is None:
                    return True
                # Spelled with marks: `Dưa lưới` does not start with `dừa`.
                named = syllables(snapshot.rows[pid].name)[: len(keys)]
                if tuple(tone_key(word) for word in named) == keys:
                    return True
        return False

    pid_of, found = for_sale.pid_of, []
    named = frozenset().union(*(pids for pids, _ in forms)).difference(exclude)
    # Products sharing something with the query (but less than `least`) first, then the
    # others of the kind.
    sharing = [d for d, c in coverage.items() if 0 < c < least and pid_of[d] in named]
    for docnum in sorted(sharing, key=lambda d: (-coverage[d], d)):
        if len(found) >= wanted:
            return found
        if fits(pid_of[docnum]):
            found.append(docnum)
    for pid in sorted(named):
        if len(found) >= wanted:
            break
        docnum = for_sale.doc_of(pid)
        if docnum is not None and docnum not in coverage and fits(pid):
            found.append(docnum)
    return found


def _with_classifiers(heads: Iterable[str]) -> set[str]:
    """Folded name heads, and the same after a fruit classifier: "Trái sầu riêng …" and
    "Quả lê …" start with the fruit as much as "Sầu riêng …" does."""
    found = set(heads)
    found.update(f"{classifier} {head}" for head in heads for classifier in FRUIT_CLASSIFIERS)
    return found


def _kind_names(plan: list[Concept]) -> list[tuple[str, ...]]:
    """How the name of a product of the asked kind may start: the kind as typed, its other
    names, and the broader kinds it begins with (search/understanding.py)."""
    # Only a kind the word tables name without doubt: `dua` typed without marks is coconut,
    # melon or pineapple (no other names kept), a head word outside the tables is only a guess.
    certain = [
        concept
        for concept in plan
        if concept.role == KIND
        and (concept.alternatives or any(has_marks(word) for word in concept.words))
    ]
    names = [words for concept in certain for words in (concept.words, *concept.alternatives)]
    return names + [form for form in broader_kinds(certain) if form not in names]


def _kind_levels(plan: list[Concept], snapshot: ForSaleSnapshot) -> Callable[[int], int]:
    """pid → 2 when its name starts with the kind the query asks for (or another name of it),
    1 when with a broader kind that one begins with (`trà` of `trà xanh`), else 0."""
    exact, broader = kind_heads(plan)
    starting = snapshot.name_heads()
    first = frozenset().union(
        *(starting.get(head, frozenset()) for head in _with_classifiers(exact))
    )
    second = frozenset().union(
        *(starting.get(head, frozenset()) for head in _with_classifiers(broader))
    )
    return lambda pid: 2 if pid in first else 1 if pid in second else 0


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
    filters: ProductQuery,
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
