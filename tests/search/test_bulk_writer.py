"""The rebuild's BulkWriter writes exactly the segment Whoosh's own writer writes."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.codec.base import Segment
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from catalog.importer import import_catalog
from core.clock import utcnow
from search import bulk_writer
from search.bulk_writer import BulkWriter, field_kinds
from search.indexer import _load_products, open_index, rebuild_index
from search.schema import build_schema, product_document

from .relevance import DEMO_CSV

WORDS = (  # noqa: SIM905 - a sentence is easier to read and to extend
    "Nước mắm Phú Quốc hoà hòa thuỷ thủy ĐẶC SẢN Cờ Ðỏ HTX TNHH 40 độ đạm kẹo dừa dưa lưới "
    "the of fish sauce bird's nest honey-comb sauces 3.5kg co.op x a ё ǅ İstanbul café"
).split(" ")


def _synthetic_documents(count: int) -> list[dict[str, object]]:
    """Documents with what the catalog rarely has: repeated words, terms in more than one posting
    block (> 128 documents), NFD text, empty and missing fields, stop words and punctuation."""
    rng = random.Random(5)
    documents = []
    for number in range(count):
        name = " ".join(rng.choices(WORDS, k=rng.randint(1, 8)))
        story = " ".join(rng.choices(WORDS, k=rng.randint(0, 200)))
        if number % 7 == 0:
            story = unicodedata.normalize("NFD", story)
        documents.append(
            {
                "pid": str(100_000 + number),
                "sku": f"SKU-{number}",
                "name": name,
                "name_k": name,
                "name_j": name,
                "meta": story[:80],
                "meta_j": story[:80],
                "place": "Bến Tre \n Vĩnh Long" if number % 3 else "",
                "place_j": "Bến Tre \n Vĩnh Long",
                "place_k": "Bến Tre",
                "story": story,
                "text_k": story,
                "name_en": name,
                "story_en": None if number % 5 == 0 else story,
                "schema_version": "x",
            }
        )
    return documents


def _write(folder: Path, writer_class, documents, monkeypatch) -> dict[str, bytes]:
    """Index `documents` with `writer_class` as a rebuild does; every file's bytes, with the
    compound segment file opened into its parts (its directory holds file times)."""
    monkeypatch.setattr(Segment, "_random_id", classmethod(lambda cls, size=16: "s" * 16))
    folder.mkdir()
    storage = FileStorage(str(folder))
    ix = storage.create_index(build_schema(), indexname="products")
    writer = writer_class(ix, limitmb=512)
    for document in documents:
        writer.add_document(**document)
    writer.commit(optimize=True)
    ix.close()
    files: dict[str, bytes] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".seg":
            with storage.open_file(path.name) as handle:
                compound = CompoundStorage(handle, use_mmap=False)
                for name in compound.list():
                    files[f"{path.name}/{name}"] = compound.open_file(name).read()
        else:
            files[path.name] = path.read_bytes()
    return files


def test_every_text_field_of_the_schema_is_analysed_by_the_bulk_writer():
    # A field left to Whoosh would still be written right, only slower: this says which.
    kinds = {name: kind.value for name, kind in field_kinds(build_schema()).items()}
    assert kinds == {
        "name": "folded",
        "meta": "folded",
        "place": "folded",
        "story": "folded",
        "name_k": "tone_key",
        "place_k": "tone_key",
        "text_k": "tone_key",
        "name_j": "joined",
        "meta_j": "joined",
        "place_j": "joined",
        "name_en": "english",
        "story_en": "english",
    }


def test_bulk_writer_writes_whooshs_files_byte_for_byte(app, tmp_path, monkeypatch):
    report = import_catalog(DEMO_CSV.read_text(encoding="utf-8"), actor_id=None, now=utcnow())
    assert report.ok, report.errors
    documents = [product_document(product) for product in _load_products(None)]
    documents += _synthetic_documents(400)

    whoosh = _write(tmp_path / "whoosh", SegmentWriter, documents, monkeypatch)
    bulk = _write(tmp_path / "bulk", BulkWriter, documents, monkeypatch)

    assert sorted(bulk) == sorted(whoosh)
    assert any(name.endswith(".pst") for name in bulk)  # postings compared, not just columns
    for name, content in whoosh.items():
        assert bulk[name] == content, name


def test_a_rebuild_goes_through_the_bulk_writer(app, tmp_path, monkeypatch):
    import_catalog(DEMO_CSV.read_text(encoding="utf-8"), actor_id=None, now=utcnow())
    used = []
    original = BulkWriter.add_document

    def counting(self, **fields):
        used.append(fields["pid"])
        return original(self, **fields)

    monkeypatch.setattr(BulkWriter, "add_document", counting)
    count = rebuild_index(str(tmp_path / "index"))
    assert len(used) == count > 100
    with open_index(str(tmp_path / "index")).searcher() as searcher:
        assert searcher.doc_count() == count


def test_bulk_writer_refuses_an_index_that_has_documents(tmp_path):
    ix = FileStorage(str(tmp_path)).create_index(build_schema(), indexname="products")
    writer = ix.writer()
    writer.add_document(**_synthetic_documents(1)[0])
    writer.commit()
    with pytest.raises(ValueError, match="empty index"):
        BulkWriter(ix)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60))
def test_memoised_analysis_gives_each_fields_own_terms(text):
    # Any text, analysed the bulk writer's way, gives what the field's Whoosh analyzer gives.
    schema = build_schema()
    kinds = field_kinds(schema)
    english = bulk_writer._EnglishWords(schema["story_en"].analyzer)
    for name, kind in kinds.items():
        field = schema[name]
        expected = sorted(field.index(text))
        terms = bulk_writer.analysed_terms(kind, text, english, {})
        counts: dict[str, int] = {}
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
        got = sorted((t.encode("utf-8"), n, float(n), pack_uint(n)) for t, n in counts.items())
        assert got == expected, (name, text)
