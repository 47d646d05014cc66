"""The in-memory scorer (search/postings.py) gives exactly Whoosh's matches and scores."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from catalog.importer import import_catalog
from catalog.models import Product
from config import TestingConfig
from core.clock import utcnow
from core.db import db
from search.analysis import syllables
from search.indexer import open_index, rebuild_index, refresh_products
from search.postings import PostingScores, UnsupportedQuery, score_query
from search.ranking import build_query, ranking_model
from storefront import create_app

from .relevance import DEMO_CSV, QUERIES

EXTRA_QUERIES = ["hộp", "nguyen", "dac san", "caphe", "nuocmam", "of the", "fish sauce honey"]


@pytest.fixture(scope="module")
def demo_index(database_url, tmp_path_factory):
    """The demo catalog indexed, then a few products re-written (deletions, a second segment)."""
    index_dir = str(tmp_path_factory.mktemp("postings") / "index")
    app = create_app(
        TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, SEARCH_INDEX_DIR=index_dir
    )
    with app.app_context():
        from tests.conftest import _empty_all_tables

        _empty_all_tables()
        report = import_catalog(DEMO_CSV.read_text(encoding="utf-8"), actor_id=None, now=utcnow())
        assert report.ok, report.errors
        rebuild_index(index_dir)
        ids = db.session.scalars(select(Product.id).order_by(Product.id).limit(12)).all()
        refresh_products(index_dir, ids[::2])
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()
    index = open_index(index_dir)
    searcher = index.searcher(weighting=ranking_model())
    yield searcher
    searcher.close()


def _queries(reader):
    for text in [judged.query for judged in QUERIES] + EXTRA_QUERIES:
        words = syllables(text)
        yield text, build_query(words, reader=reader, stories=False)
        yield text, build_query(words, reader=reader)
        yield text, build_query(words, match_all=False, reader=reader)


def test_scores_equal_whooshs_for_every_suite_query(demo_index):
    searcher = demo_index
    assert searcher.reader().has_deletions()  # the refresh above left deleted documents
    postings = PostingScores(searcher)
    compared = 0
    for text, query in _queries(searcher.reader()):
        expected = {docnum: score for score, docnum in searcher.search(query, limit=None).top_n}
        got = score_query(query, postings)
        assert got.keys() == expected.keys(), text
        for docnum, score in expected.items():
            assert math.isclose(got[docnum], score, rel_tol=1e-12), (text, docnum)
        compared += len(expected)
    assert compared > 1000


def test_scores_are_limited_to_the_given_documents(demo_index):
    searcher = demo_index
    query = build_query(["mat", "ong"], reader=searcher.reader())
    everything = score_query(query, PostingScores(searcher))
    some = set(sorted(everything)[::2])
    assert score_query(query, PostingScores(searcher), within=some) == {
        docnum: everything[docnum] for docnum in some
    }


def test_other_query_shapes_are_refused(demo_index):
    from whoosh.query import Prefix

    with pytest.raises(UnsupportedQuery):
        score_query(Prefix("name", "nuo"), PostingScores(demo_index))


def test_block_reads_give_the_matchers_scores_exactly(demo_index):
    """Postings read a block at a time (segments without deletions) and field lengths read from
    the lengths column score exactly as Whoosh's matcher does, posting by posting."""
    searcher = demo_index
    postings = PostingScores(searcher)
    reader = searcher.reader()
    compared = 0
    for fieldname in ("name", "name_j", "meta", "place_j", "name_en", "story"):
        for text in list(reader.field_terms(fieldname))[:200]:
            btext = searcher.schema[fieldname].to_bytes(text)
            expected = postings._read_through_matcher(fieldname, btext)
            assert postings.term(fieldname, text) == expected, (fieldname, text)
            compared += len(expected)
    assert compared > 1000


def test_field_lengths_from_the_column_equal_whooshs(demo_index):
    from search.postings import _column_lengths

    for leaf, _ in demo_index.leaf_searchers():
        reader = leaf.reader()
        count = reader.doc_count_all()
        for fieldname in ("name", "meta", "place", "story", "missing_field"):
            expected = [reader.doc_field_length(d, fieldname, 1) or 1 for d in range(count)]
            assert _column_lengths(reader, fieldname, count) == expected
