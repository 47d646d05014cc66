"""A Whoosh segment writer for full rebuilds: the same index, written with less Python per token.

A full reindex spent its time in three places (profile of 3,000 products, issue 12): Whoosh's
per-token analysis (a generator per filter, a `Token` object per word, the same name analysed
three times for `name`, `name_k` and `name_j`), the posting pool (a five-item tuple per posting,
sized, sorted with every other posting and spilled to disk a million at a time) and writing the
postings (the field length of every posting read back from the lengths column on disk). The
vocabulary is small and the tokens many, so `BulkWriter`:

* analyses each text once into syllables and maps each syllable through a per-process memo to its
  folded form and tone key; the English fields map each word through a memo of Whoosh's own
  lowercase/stop/stem steps (`_FieldKind`, chosen by comparing the field's analyzer with
  `search.analysis`'s factories, so a field analysed otherwise goes through Whoosh unchanged);
* keeps postings grouped by (field, term) as they come — documents are added in increasing
  number, so each list is already in order, and only the distinct terms need sorting — with
  just (document, frequency) per posting of the fields it analyses, all in memory;
* keeps every document's field lengths in memory for the posting blocks' length statistics.

What it writes is what Whoosh's `SegmentWriter` writes for the same documents, file for file:
`tests/search/test_bulk_writer.py` compares the two, and the per-token results of the memoised
analysis with the analyzers' own. It only adds documents to a new, empty index (a rebuild);
refreshes keep using Whoosh's writer.
"""

from __future__ import annotations

import functools
from array import array
from collections import Counter
from enum import Enum
from typing import Any

from whoosh import formats
from whoosh.analysis import StemFilter, StopFilter
from whoosh.analysis.tokenizers import RegexTokenizer
from whoosh.fields import FieldType
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from core.text import fold, nfc

from .analysis import (
    SYLLABLE_RE,
    english_analyzer,
    folded_analyzer,
    joined_analyzer,
    tone_key,
    tone_key_analyzer,
)

# A memo grows with the catalog's vocabulary (a few tens of thousands of words); past this it
# is cleared, so text that is not Vietnamese or English cannot make it grow without bound.
_MEMO_LIMIT = 500_000


class _FieldKind(Enum):
    FOLDED = "folded"
    TONE_KEY = "tone_key"
    JOINED = "joined"
    ENGLISH = "english"


def field_kinds(schema) -> dict[str, _FieldKind]:
    """The fields whose analysis `BulkWriter` does itself: Frequency-format fields whose analyzer
    equals one of `search.analysis`'s (anything else goes through Whoosh's `field.index`)."""
    known = {
        _FieldKind.FOLDED: folded_analyzer(),
        _FieldKind.TONE_KEY: tone_key_analyzer(),
        _FieldKind.JOINED: joined_analyzer(),
        _FieldKind.ENGLISH: english_analyzer(),
    }
    kinds: dict[str, _FieldKind] = {}
    for name, field in schema.items():
        if type(field.format) is not formats.Frequency or not field.indexed:
            continue
        for kind, analyzer in known.items():
            if field.analyzer == analyzer:
                kinds[name] = kind
                break
    return kinds


class _Syllables:
    """Per-syllable memo: the raw `\\w+` match → (folded form, tone key), exactly what the
    tokenizer + LowercaseFilter + FoldFilter / ToneKeyFilter chains give for it."""

    def __init__(self) -> None:
        self.forms: dict[str, tuple[str, str]] = {}

    def of(self, raw: str) -> tuple[str, str]:
        forms = self.forms.get(raw)
        if forms is None:
            if len(self.forms) >= _MEMO_LIMIT:
                self.forms.clear()
            lower = raw.lower()
            forms = self.forms[raw] = (fold(lower), tone_key(lower))
        return forms


class _EnglishWords:
    """Per-word memo of Whoosh's StemmingAnalyzer: the raw token → its stem, or None when the
    StopFilter drops it. Built from the analyzer's own tokenizer, stop list and stemmer."""

    def __init__(self, analyzer) -> None:
        tokenizer, _lower, stop, stem = analyzer.items
        assert isinstance(tokenizer, RegexTokenizer) and not tokenizer.gaps
        assert isinstance(stop, StopFilter) and isinstance(stem, StemFilter)
        self.pattern = tokenizer.expression
        self.stop = stop
        self.stemfn = stem.stemfn
        self.ignore = stem.ignore
        self.stems: dict[str, str | None] = {}

    def terms(self, value: str) -> list[str]:
        stems = self.stems
        out = []
        for match in self.pattern.finditer(value):
            raw = match.group()
            if raw in stems:
                term = stems[raw]
            else:
                if len(stems) >= _MEMO_LIMIT:
                    stems.clear()
                term = stems[raw] = self._analyse(raw)
            if term is not None:
                out.append(term)
        return out

    def _analyse(self, raw: str) -> str | None:
        text = raw.lower()
        stop = self.stop
        if len(text) < stop.min or (stop.max is not None and len(text) > stop.max):
            return None
        if text in stop.stops:
            return None
        return text if text in self.ignore else self.stemfn(text)


_SYLLABLES = _Syllables()


def _syllable_forms(value: str) -> list[tuple[str, str]]:
    known, of = _SYLLABLES.forms.get, _SYLLABLES.of
    return [known(raw) or of(raw) for raw in SYLLABLE_RE.findall(nfc(value))]


def analysed_terms(
    kind: _FieldKind, value: str, english: _EnglishWords | None, cache: dict[str, list]
) -> list[str]:
    """The terms of `value` in a field of this kind, in order, repeats included — what the
    field's analyzer yields. `cache` (text → syllable forms) serves fields sharing a text."""
    if kind is _FieldKind.ENGLISH:
        assert english is not None
        return english.terms(value)
    forms = cache.get(value)
    if forms is None:
        forms = cache[value] = _syllable_forms(value)
    if kind is _FieldKind.FOLDED:
        return [folded for folded, _ in forms]
    if kind is _FieldKind.TONE_KEY:
        return [key for _, key in forms]
    folded = [f for f, _ in forms]
    return [a + b for a, b in zip(folded, folded[1:], strict=False)]


class _Postings:
    """The pool: per field, term → its postings in document order. Stands in for Whoosh's
    `PostingPool`; only `BulkWriter` feeds it.

    For the fields analysed here the term is text and its postings are (document numbers,
    frequencies): in the Frequency format the weight is the frequency × the format's boost and
    the value the packed frequency, so two small arrays replace a tuple per posting. For the
    other fields the term is bytes and its postings (document numbers, weights, values) as
    Whoosh's `field.index` gave them."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[str | bytes, tuple]] = {}
        self.fieldnames: set[str] = set()

    def terms_of(self, fieldname: str) -> dict[str | bytes, tuple]:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def sorted_terms(self, fieldname: str) -> list[tuple[bytes, tuple]]:
        """The field's terms as UTF-8 bytes in Whoosh's order (sorted by bytes)."""
        return sorted(
            (term.encode("utf-8") if isinstance(term, str) else term, postings)
            for term, postings in self.fields[fieldname].items()
        )

    def add(self, item: tuple) -> None:
        raise NotImplementedError("BulkWriter only adds documents to a new index")

    def cleanup(self) -> None:
        self.fields.clear()


class BulkWriter(SegmentWriter):
    """`SegmentWriter` for adding documents to an empty index (see the module docstring).

    Use it as Whoosh's writer: `BulkWriter(ix, limitmb=…)`, `add_document(**fields)`,
    `commit()` / `cancel()`. Deleting, updating and merging other segments are refused: a
    rebuild only adds.
    """

    def __init__(self, ix, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        if self.segments:
            self.cancel()
            raise ValueError("BulkWriter writes only into an empty index")
        self.pool.cleanup()  # Whoosh's pool: nothing in it yet, no run files
        self.pool = _Postings()
        self._kinds = field_kinds(self.schema)
        english = [
            self.schema[name].analyzer
            for name, kind in self._kinds.items()
            if kind is _FieldKind.ENGLISH
        ]
        self._english = _EnglishWords(english[0]) if english else None
        # fieldname → per document (by number) the length the lengths column gives back
        # (quantised to a byte; 0 when none)
        self._lengths: dict[str, array] = {}

    # --- documents ---------------------------------------------------------------------

    def _frequencies(
        self, field: FieldType, kind: _FieldKind, value: Any, cache: dict[str, list]
    ) -> Counter:
        """Term → frequency in `value`: what Frequency.word_values counts (its weights are
        the frequencies × the format's boost, its values the packed frequencies)."""
        if isinstance(value, str):
            return Counter(analysed_terms(kind, value, self._english, cache))
        # Lists/tuples of terms, and errors: Whoosh's own handling.
        return Counter({tbytes.decode("utf-8"): freq for tbytes, freq, _, _ in field.index(value)})

    def add_document(self, **fields: Any) -> None:
        # Whoosh's SegmentWriter.add_document (2.7.5), with the analysis and the pool above.
        self._check_state()
        if any(
            name.startswith("_") and name.endswith("_boost") or name == "_boost" for name in fields
        ):
            raise ValueError("BulkWriter writes no document or field boosts")
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        kinds = self._kinds
        pool = self.pool
        cache: dict[str, list] = {}  # text → syllable forms, for the fields sharing a text

        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    kind = kinds.get(fieldname)
                    if kind is not None:
                        # Only the document number and the frequency per posting (see
                        # `_Postings`): two appends instead of a tuple.
                        terms = pool.terms_of(fieldname)
                        for term, freq in self._frequencies(field, kind, value, cache).items():
                            length += freq
                            postings = terms.get(term)
                            if postings is None:
                                postings = terms[term] = (array("I"), array("I"))
                            postings[0].append(docnum)
                            postings[1].append(freq)
                        if not field.scorable:
                            length = 0
                    else:
                        terms = pool.terms_of(fieldname)
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if field.scorable:
                                length += freq
                            postings = terms.get(tbytes)
                            if postings is None:
                                postings = terms[tbytes] = (array("I"), array("d"), [])
                            postings[0].append(docnum)
                            postings[1].append(weight)
                            postings[2].append(vbytes)
                if field.separate_spelling() or field.vector:
                    raise ValueError(f"BulkWriter writes no spelling or vectors ({fieldname})")
                customval = fields.get(f"_stored_{fieldname}", value)
                sv = customval if field.stored else None
                perdocwriter.add_field(fieldname, field, sv, length)
                if length:
                    lengths = self._lengths.get(fieldname)
                    if lengths is None:
                        lengths = self._lengths[fieldname] = array("I")
                    if len(lengths) <= docnum:
                        lengths.extend([0] * (docnum + 1 - len(lengths)))
                    lengths[docnum] = byte_to_length(length_to_byte(length))
                column = field.column_type
                if column and customval is not None:
                    cv = field.to_column_value(customval)
                    perdocwriter.add_column_value(fieldname, column, cv)
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def delete_document(self, docnum: int, delete: bool = True) -> None:
        raise NotImplementedError("BulkWriter only adds documents to a new index")

    def add_reader(self, reader) -> None:
        raise NotImplementedError("BulkWriter only adds documents to a new index")

    # --- postings ----------------------------------------------------------------------

    def _flush_segment(self) -> None:
        # Whoosh's FieldWriter.add_postings over the sorted pool: start_field, start_term,
        # one `add_posting` per posting, finish_term. The postings writer's block buffer is
        # filled a block at a time instead (as `add_posting` would: blocks of `_blocklimit`,
        # each written when the next posting arrives, the last by `finish_postings`), with
        # the lengths from memory instead of the lengths column.
        self.perdocwriter.close()
        packed = functools.cache(pack_uint)
        writer = self.fieldwriter
        schema = self.schema
        for fieldname in sorted(self.pool.fields):
            writer.start_field(fieldname, schema[fieldname])
            postwriter = writer._postwriter
            limit = postwriter._blocklimit
            # A field without a lengths column answers 0 (no statistics), as Whoosh's does.
            lengths = self._lengths.get(fieldname)
            # Fields analysed here keep (documents, frequencies); the others (documents,
            # weights, values) as Whoosh's field.index gave them.
            boost = schema[fieldname].format.field_boost
            for tbytes, postings in self.pool.sorted_terms(fieldname):
                writer.start_term(tbytes)
                docs = postings[0]
                for start in range(0, len(docs), limit):
                    if start:
                        postwriter._write_block()
                    end = start + limit
                    if len(postings) == 2:
                        freqs = postings[1][start:end]
                        weights = [float(freq) * boost for freq in freqs]
                        values = [packed(freq) for freq in freqs]
                    else:
                        weights, values = postings[1][start:end], postings[2][start:end]
                    _fill_block(postwriter, docs[start:end], weights, values, lengths)
                writer.finish_term()
            writer.finish_field()
        writer.close()


def _fill_block(
    postwriter, docs: array, weights: array, values: list, lengths: array | None
) -> None:
    """Set the postings writer's buffered block as `add_posting` would have, posting by posting."""
    postwriter._ids = docs  # a slice: a new array("I"), as add_posting builds
    postwriter._weights = array("f", weights)
    postwriter._values = [v for v in values if v]
    postwriter._maxweight = max(0, max(weights))
    if lengths is not None:
        found = [lengths[d] for d in docs if d < len(lengths) and lengths[d]]
    else:
        found = []
    postwriter._minlength = min(found) if found else None
    postwriter._maxlength = max(found) if found else 0
