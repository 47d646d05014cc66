"""How a query is scored: field boosts, the best-field rule, BM25F, and the Whoosh query built
from the typed syllables.

Each syllable must match (AND) in some field, in its folded form, its English stem, or as a
glued bigram (`nuocmam`); exact diacritics, adjacent syllables and English phrases only *add*
score. The boosts were measured on the relevance suite (docs/search.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from whoosh import scoring
from whoosh.matching import DisjunctionMaxMatcher
from whoosh.query import And as AndQuery
from whoosh.query import AndMaybe, DisjunctionMax, NullQuery, Or, Query, Term

from catalog.for_sale import MIN_STARS

from .analysis import english_stems, fold, has_marks, joined_bigrams, tone_key
from .understanding import KIND, PLACE, Concept

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
# A place typed in the query, found as a phrase among the product's places.
BOOST_PLACE_PHRASE = 6.0
BOOST_NAME_EN_BIGRAM = 1.0
TIEBREAK = 0.2
NAME_LENGTH_B = 0.3
FOLDED_WHEN_MARKED = 0.5
# Ranking nudges after BM25F: small, so they only break near-ties.
STAR_FACTOR = 0.03  # per star above the lowest OCOP rating
IN_STOCK_FACTOR = 1.02

ENGLISH_STOPWORDS = frozenset(
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


def ranking_nudge(stars: int, in_stock: bool) -> float:
    """The factor a product's score is multiplied by for its stars and stock (breaks near-ties)."""
    boost = 1.0 + STAR_FACTOR * (stars - MIN_STARS)
    if in_stock:
        boost *= IN_STOCK_FACTOR
    return boost


# --- query building --------------------------------------------------------------------------


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


def _token_clause(
    syllable: str,
    term: _Terms | None = None,
    *,
    stories: bool = True,
    places: bool = True,
    exact: bool = False,
) -> Query:
    """One query syllable: it must match somewhere, in any of its forms (without `places`: not
    in the place fields; with `exact`, a marked syllable only as spelled, never folded)."""
    term = term or _Terms()
    folded = fold(syllable)
    # Typed with marks, the exact word is what was meant (dưa ≠ dừa, hoà ≠ hóa): a folded-only
    # match still counts (recall), at a discount.
    marked = has_marks(syllable)
    factor = FOLDED_WHEN_MARKED if marked else 1.0
    loose = not (exact and marked)
    alternatives = [
        term("name", folded, BOOST_NAME * factor) if loose else None,
        term("meta", folded, BOOST_META * factor) if loose else None,
        term("story", folded, BOOST_STORY * factor) if stories and loose else None,
        # Run-together syllables: "nuocmam" is the glued bigram of "nước mắm".
        term("name_j", folded, BOOST_NAME_GLUED),
        term("meta_j", folded, BOOST_META),
        term("place", folded, BOOST_PLACE * factor) if places and loose else None,
        term("place_j", folded, BOOST_PLACE) if places else None,
    ]
    if marked:
        key = tone_key(syllable)
        alternatives.append(term("name_k", key, BOOST_NAME))
        alternatives.append(term("text_k", key, BOOST_META))
        if places:
            alternatives.append(term("place_k", key, BOOST_PLACE))
    for stem in english_stems(syllable):
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
        stems = [stem for word in words for stem in english_stems(word)]
        for stem in stems:
            bonus.append(term("name_en", stem, BOOST_NAME_EN_BIGRAM))
    return _present(bonus)


def required_words(words: list[str]) -> list[str]:
    # English glue words ("of", "the") are not required when other words carry the query.
    content = [w for w in words if w not in ENGLISH_STOPWORDS]
    return content or words


def _as_concepts(words: Sequence[str] | Sequence[Concept]) -> list[Concept]:
    concepts = [Concept((w,)) if isinstance(w, str) else w for w in words]
    # English glue words ("of", "the") are not required when other concepts carry the query.
    content = [c for c in concepts if not (len(c.words) == 1 and c.words[0] in ENGLISH_STOPWORDS)]
    return content or concepts


def _sequence_clause(
    words: Sequence[str],
    term: _Terms,
    stories: bool,
    *,
    bonus_inside: bool = True,
    places: bool = True,
    exact: bool = False,
) -> Query:
    """Every syllable of one way of saying a concept (AND), plus its adjacency bonus (the typed
    words earn theirs in the query's own bonus clause)."""
    clauses = [
        _token_clause(word, term, stories=stories, places=places, exact=exact) for word in words
    ]
    if any(clause is NullQuery for clause in clauses):
        return NullQuery
    core = clauses[0] if len(clauses) == 1 else AndQuery(clauses)
    bonus = _bonus_clauses(list(words), term) if len(words) > 1 and bonus_inside else []
    return AndMaybe(core, Or(bonus)) if bonus else core


def _phrase_clause(words: Sequence[str], term: _Terms) -> Query:
    """A place name as a phrase: all its glued bigrams in one field — the product's places
    (province today and as given), its producer/commune, or its name — never loose syllables."""
    bigrams = joined_bigrams([fold(word) for word in words])
    fields = []
    for fieldname, boost in (
        ("place_j", BOOST_PLACE_PHRASE),
        ("meta_j", BOOST_META_BIGRAM),
        ("name_j", BOOST_NAME_BIGRAM),
    ):
        terms = [term(fieldname, bigram, boost) for bigram in bigrams]
        if all(t is not None for t in terms):
            fields.append(terms[0] if len(terms) == 1 else AndQuery(terms))
    if not fields:
        return NullQuery
    return fields[0] if len(fields) == 1 else BestField(fields, tiebreak=0.0)


def region_clause(concept: Concept, *, reader=None) -> Query:
    """The products of a district's province (before or after the reform), by their place fields
    only: related evidence for a district typed in the query, never a full match."""
    term = _Terms(reader)
    ways: list[Query] = []
    for region in concept.regions:
        if len(region) == 1:  # "Huế": no bigram to match
            found = term("place", region[0], BOOST_PLACE)
            ways += [found] if found is not None else []
            continue
        terms = [
            term("place_j", bigram, BOOST_PLACE_PHRASE) for bigram in joined_bigrams(list(region))
        ]
        if all(t is not None for t in terms):
            ways.append(terms[0] if len(terms) == 1 else AndQuery(terms))
    if not ways:
        return NullQuery
    return ways[0] if len(ways) == 1 else Or(ways)


def _way_clause(concept: Concept, words: Sequence[str], term: _Terms, stories: bool) -> Query:
    if concept.role == PLACE and len(words) > 1:
        return _phrase_clause(words, term)
    # A kind of several syllables is named in the product's name, producer or English name:
    # "Tôm khô" from Cà Mau is not "khô cá" (its "cá" is the province's "Cà").
    other_name = words is not concept.words
    return _sequence_clause(
        words,
        term,
        stories,
        bonus_inside=other_name,
        places=not (concept.role == KIND and len(words) > 1),
        # Another name from the word tables is spelled with its marks on purpose: `điều`
        # (cashew) is not the "Diệu" of a brand, `nấm` not the "Nam" of Quảng Nam.
        exact=other_name,
    )


def concept_clause(concept: Concept, term: _Terms, *, stories: bool = True) -> Query:
    """One concept: its typed syllables, or any of its alternatives (the best one scores)."""
    ways = [
        _way_clause(concept, words, term, stories)
        for words in (concept.words, *concept.alternatives)
    ]
    ways = [way for way in ways if way is not NullQuery]
    if not ways:
        return NullQuery
    return ways[0] if len(ways) == 1 else BestField(ways, tiebreak=0.0)


def concept_clauses(
    plan: Sequence[str] | Sequence[Concept], *, reader=None, stories: bool = True
) -> list[tuple[Concept, Query]]:
    """Each required concept and the clause that matches it (NullQuery if nothing can)."""
    term = _Terms(reader)
    out = []
    for concept in _as_concepts(plan):
        if len(concept.words) == 1 and not concept.alternatives:
            # A plain word: exactly the clause the ranking was measured with.
            out.append((concept, _token_clause(concept.words[0], term, stories=stories)))
        else:
            out.append((concept, concept_clause(concept, term, stories=stories)))
    return out


def syllable_clauses(concept: Concept, *, reader=None, stories: bool = True) -> list[list[Query]]:
    """For each way of saying a concept (typed, then alternatives), one clause per syllable
    that can match (partial credit in the related tier). Not in place fields: the "cà" of a
    province named Cà Mau is no part of "khô cá" (a place is matched as a phrase anyway)."""
    term = _Terms(reader)
    ways = []
    for words in (concept.words, *concept.alternatives):
        exact = words is not concept.words
        clauses = [
            _token_clause(word, term, stories=stories, places=False, exact=exact) for word in words
        ]
        ways.append([clause for clause in clauses if clause is not NullQuery])
    return ways


def build_query(
    plan: Sequence[str] | Sequence[Concept],
    *,
    match_all: bool = True,
    reader=None,
    stories: bool = True,
) -> Query:
    """The Whoosh query for these lower-case NFC syllables or concepts (see the module docstring).

    With `reader`, terms absent from the index are left out (same matches, fewer matchers).
    Without `stories`, words must match in names, places, producers (the first, cheap tier).
    """
    term = _Terms(reader)
    required = [clause for _, clause in concept_clauses(plan, reader=reader, stories=stories)]
    if match_all and any(clause is NullQuery for clause in required):
        return NullQuery
    required = [clause for clause in required if clause is not NullQuery]
    if not required:
        return NullQuery
    core: Query = AndQuery(required) if match_all else Or(required)
    words = [w if isinstance(w, str) else " ".join(w.words) for w in plan]
    words = [syllable for w in words for syllable in w.split()]
    bonus = _bonus_clauses(words, term)
    return AndMaybe(core, Or(bonus)) if bonus else core
