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
from dataclasses import dataclass, replace
from functools import cache

from .analysis import english_stems, fold, has_marks, syllables, tone_key
from .lexicon import kind_lexicon, variant_groups
from .places import district_regions, is_place

KIND = "kind"
PLACE = "place"
WORD = "word"
# How much one syllable of a concept counts towards "matches most of the words" (related tier).
ROLE_WEIGHT = {KIND: 3.0, WORD: 1.0, PLACE: 1.5}
# The longest term of the word tables, in syllables (greedy longest match over the query).
_MAX_TERM_SYLLABLES = 6


@dataclass(frozen=True)
class Concept:
    """Query syllables that name one thing, and the other ways of naming it."""

    words: tuple[str, ...]  # lower-case NFC syllables, as typed (or decoded)
    role: str = WORD
    # Other spellings / languages, each a sequence of syllables; any one may match instead.
    alternatives: tuple[tuple[str, ...], ...] = ()
    # A district: the folded names of its province before and after the 2025 reform (products
    # there are related ones, search/places.py).
    regions: tuple[tuple[str, ...], ...] = ()

    @property
    def weight(self) -> float:
        return ROLE_WEIGHT[self.role] * len(self.words)

    @property
    def folded(self) -> str:
        return " ".join(fold(word) for word in self.words)


@dataclass(frozen=True)
class _Entry:
    """One line of a word table: every form (as syllables), and whether it names a kind."""

    forms: tuple[tuple[str, ...], ...]
    kind: bool
    place: bool = False


# folded syllables → [(tone keys of that form, entry)]
_Table = dict[tuple[str, ...], list[tuple[tuple[str, ...], _Entry]]]


def _key_forms(term: str) -> list[tuple[str, ...]]:
    """The lookup keys of a term: its folded syllables, and for English its stems."""
    words = syllables(term)
    keys = [tuple(fold(word) for word in words)]
    if term.isascii():
        stems = tuple(stem for word in words for stem in english_stems(word))
        if stems and stems != keys[0]:
            keys.append(stems)
    return keys


@cache
def _table() -> _Table:
    """Both word tables (search/data/): kinds in both languages, and spelling/regional/loanword/
    place variants, indexed by folded syllables. Read at run time: no reindex to extend them."""
    table: _Table = {}
    entries = [
        _Entry(tuple(tuple(syllables(t)) for t in (*e.vietnamese, *e.english)), kind=True)
        for e in kind_lexicon()
    ] + [
        _Entry(
            tuple(tuple(syllables(form)) for form in group.forms),
            kind=False,
            place=group.type == "place",
        )
        for group in variant_groups()
    ]
    for entry in entries:
        for form in entry.forms:
            keys = tuple(tone_key(word) for word in form)
            for folded in _key_forms(" ".join(form)):
                table.setdefault(folded, []).append((keys, entry))
    return table


def _entries(words: list[str]) -> list[_Entry]:
    """The table entries these query syllables name: typed without marks any sense fits (`gac`
    may be gấc or gác); typed with marks, only the term spelled so (`gác` is not gấc)."""
    table = _table()
    folded = tuple(fold(word) for word in words)
    found = table.get(folded, [])
    if not found and all(word.isascii() for word in words):
        stems = tuple(stem for word in words for stem in english_stems(word))
        if len(stems) == len(words):  # a stop word ("can") has no stem: no stem lookup
            found = table.get(stems, [])
    if any(has_marks(word) for word in words):
        keys = tuple(tone_key(word) for word in words)
        found = [(k, entry) for k, entry in found if k == keys]
    elif _senses([entry for _, entry in found]) > 1:
        # Unmarked and several words at once (`dua`: dừa, dưa, dứa): the folded form already
        # finds them all; another name of one of them would only add noise.
        return [_Entry((), kind=any(entry.kind for _, entry in found))]
    unique: dict[int, _Entry] = {}
    for _, entry in found:
        unique.setdefault(id(entry), entry)
    return list(unique.values())


def _senses(entries: list[_Entry]) -> int:
    """How many different things these entries name: entries sharing a form name one thing
    (the kind `pineapple` and the variant group dứa | thơm | khóm)."""
    clusters: list[set[tuple[str, ...]]] = []
    for entry in entries:
        forms = (
            {tuple(fold(word) for word in form) for form in entry.forms} if entry.forms else set()
        )
        joined = [c for c in clusters if c & forms]
        for cluster in joined:
            clusters.remove(cluster)
            forms |= cluster
        clusters.append(forms)
    return len(clusters)


def in_word_tables(word: str) -> bool:
    """Whether a word (or space-separated syllables) is a term of the word tables (`lychee`,
    `socola`, `mat ong`): such a word is never re-read as Telex or cut into syllables."""
    return bool(_entries(word.split()))


def _concept(words: list[str], entries: list[_Entry]) -> Concept:
    kinds = [entry for entry in entries if entry.kind]
    role = KIND if kinds else PLACE if any(e.place for e in entries) else WORD
    usable = [e for e in entries if not e.kind] + (kinds if len(kinds) == 1 else [])
    typed_folded = tuple(fold(word) for word in words)
    typed_marked = any(has_marks(word) for word in words)
    typed_keys = tuple(tone_key(word) for word in words)
    alternatives: list[tuple[str, ...]] = []
    for entry in usable:
        for form in entry.forms:
            form = tuple(word.lower() for word in form)
            if tuple(fold(w) for w in form) == typed_folded and (
                not typed_marked or tuple(tone_key(w) for w in form) == typed_keys
            ):
                continue  # the typed words themselves
            if form not in alternatives:
                alternatives.append(form)
    return Concept(
        tuple(words), role, tuple(alternatives), _regions(words) if role == PLACE else ()
    )


def _regions(words: list[str]) -> tuple[tuple[str, ...], ...]:
    return district_regions().get(tuple(fold(word) for word in words), ())


def understand(
    words: list[str],
    known: Callable[[str], bool] | None = None,
    english: Callable[[str], bool] | None = None,
) -> list[Concept]:
    """The concepts of a query of lower-case NFC syllables: table terms grouped (longest first,
    left to right) with their other names, every other word on its own.

    `known(word)`: whether the catalog holds the word (an unknown first word is no head);
    `english(word)`: whether it is an English word of the catalog (English puts the head last).
    """
    concepts: list[Concept] = []
    position = 0
    while position < len(words):
        for length in range(min(_MAX_TERM_SYLLABLES, len(words) - position), 0, -1):
            span = words[position : position + length]
            entries = _entries(span)
            if entries:
                concepts.append(_concept(span, entries))
                position += length
                break
            if is_place(span):
                # A place is a phrase, matched in place fields (or as a phrase in a name).
                concepts.append(Concept(tuple(span), PLACE, regions=_regions(span)))
                position += length
                break
        else:
            concepts.append(Concept((words[position],)))
            position += 1
    kinds = [n for n, concept in enumerate(concepts) if concept.role == KIND]
    for n in kinds[1:]:
        # Vietnamese puts the head kind first; a later kind qualifies it ("nước mắm cá cơm":
        # fish sauce made of anchovies), so it weighs like any other word.
        concepts[n] = replace(concepts[n], role=WORD)
    if len(concepts) > 1 and not kinds:
        # Without a known kind, the head of the phrase is taken as one: Vietnamese names the
        # kind first ("thịt trâu gác bếp"), English last ("forest honey").
        if english is not None and all(english(word) for word in words):
            concepts[-1] = replace(concepts[-1], role=KIND)
        elif known is None or known(words[0]):
            concepts[0] = replace(concepts[0], role=KIND)
    return concepts


@cache
def _vietnamese() -> frozenset[str]:
    """The Vietnamese terms of the word tables, folded: `tra sen` typed without marks is
    Vietnamese (its head comes first), not English."""
    terms = {t for entry in kind_lexicon() for t in entry.vietnamese}
    terms.update(form for group in variant_groups() for form in group.forms if not form.isascii())
    return frozenset(" ".join(fold(word) for word in syllables(term)) for term in terms)


def kind_heads(plan: list[Concept]) -> tuple[frozenset[str], frozenset[str]]:
    """How a product's name may start to *be* what the query asks for: (the kind as named or
    one of its other names — `trà xanh`, `chè xanh`; a broader kind it begins with — `trà`,
    `chè`, `tea`), folded. Used to put products of the asked kind first in the related tier."""
    exact: set[str] = set()
    broader: set[str] = set()
    for concept in plan:
        if concept.role != KIND:
            continue
        for words in (concept.words, *concept.alternatives):
            folded = [fold(word) for word in words]
            exact.add(" ".join(folded))
            if all(word.isascii() for word in words) and " ".join(folded) not in _vietnamese():
                continue  # English names the kind last: "green" is not what "green tea" is
            for length in range(1, len(folded)):
                prefix = folded[:length]
                kinds = [entry for entry in _entries(prefix) if entry.kind]
                if not kinds:
                    continue
                broader.add(" ".join(prefix))
                for entry in kinds:
                    broader.update(
                        " ".join(fold(w) for w in form)
                        for form in entry.forms
                        if not all(w.isascii() for w in form)  # names start in Vietnamese
                    )
    return frozenset(exact), frozenset(broader - exact)


def warm_up() -> None:
    """Load the word tables and place names (once per process)."""
    _table()
    is_place(("ha", "noi"))
    district_regions()


def broader_kinds(plan: list[Concept]) -> list[tuple[str, ...]]:
    """The broader kinds a kind of the query begins with (`tỏi` of `tỏi đen`, also reached
    from `black garlic` through its other name), as syllables spelled with their marks when a
    way of saying the kind has them: `dua sap` typed without marks, whose other name is
    `dừa sáp`, is broader `dừa`, not the melon `dưa`."""
    found: list[tuple[str, ...]] = []
    for concept in plan:
        if concept.role != KIND:
            continue
        ways = [w for w in (concept.words, *concept.alternatives) if len(w) > 1]
        marked = [w for w in ways if any(has_marks(word) for word in w)]
        for words in marked or ways:
            for length in range(1, len(words)):
                prefix = tuple(words[:length])
                kinds = [entry for entry in _entries(list(prefix)) if entry.kind]
                spellings = {
                    tuple(tone_key(w) for w in form)
                    for entry in kinds
                    for form in entry.forms
                    if tuple(fold(w) for w in form) == tuple(fold(w) for w in prefix)
                }
                if not kinds or len(spellings) != 1:
                    continue  # `dua` alone: coconut, melon or pineapple — no broader kind
                # As the tables spell it (`cá`, not the `ca` of "Cà phê"); names start in
                # Vietnamese.
                forms = [
                    tuple(w.lower() for w in form)
                    for entry in kinds
                    for form in entry.forms
                    if not all(w.isascii() for w in form)
                ] or [prefix]
                for form in forms:
                    if form not in found:
                        found.append(form)
    return found
